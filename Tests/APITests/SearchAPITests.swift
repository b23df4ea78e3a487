import Foundation
import HTTPClient
import JSON
import Testing

/// `/v1/search` keeps a page's work bounded and says so: counts past one sample are estimates
/// flagged beside the fields they qualify, and a query with too many or too long terms is a 400
/// that names `q`.
@Suite struct SearchAPITests {
    static func get(_ node: ServedNode, _ query: String) async throws -> (status: Int, body: JSONValue) {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)?
            .replacingOccurrences(of: "+", with: "%2B") ?? query
        let response = try await node.get("/v1/search?" + encoded)
        return (response.status, try JSONParser.parse(response.body))
    }

    @Test func countsPastTheSampleAreEstimatesAndSaySo() async throws {
        // 2,500 records match 毫米波: more than the 2,000 candidates one page tests for its counts.
        let node = try await ServedNode(records: 2500)
        defer { node.stop() }
        let common = try await Self.get(node, "q=毫米波")
        #expect(common.status == 200)
        #expect(common.body["total_approximate"] == true)
        #expect(common.body["facets_approximate"] == true)
        #expect(common.body["order_approximate"] == true)
        #expect(common.body["total"]?.doubleValue.map { abs($0 - 2500) <= 250 } == true, "\(String(describing: common.body["total"]))")
        #expect(common.body["results"]?.arrayValue?.count == 20)
        #expect(common.body["next_cursor"]?.stringValue != nil)

        // Recency walks its index: the order is exact though the counts are estimated.
        let recent = try await Self.get(node, "q=毫米波&sort=recency")
        #expect(recent.body["total_approximate"] == true)
        #expect(recent.body["order_approximate"] == false)

        // A rare term is counted, facets and all.
        let rare = try await Self.get(node, "q=感知技术1234")
        #expect(rare.body["total"] == 1)
        #expect(rare.body["total_approximate"] == false)
        #expect(rare.body["facets_approximate"] == false)
        #expect(rare.body["order_approximate"] == false)
        #expect(rare.body["facets"]?["kind"]?["achievement"] == 1)
    }

    @Test func tooManyOrTooLongTermsAreA400NamingQ() async throws {
        let node = try await ServedNode(records: 3)
        defer { node.stop() }
        let nine = try await Self.get(node, "q=" + (1...9).map { "词\($0)" }.joined(separator: " "))
        #expect(nine.status == 400)
        #expect(nine.body["error"]?["message"] == "q: 9 terms; a search takes at most 8")
        let long = try await Self.get(node, "q=" + String(repeating: "长", count: 200))
        #expect(long.status == 400)
        let message = long.body["error"]?["message"]?.stringValue ?? ""
        #expect(message.hasPrefix("q: the term \"") && message.contains("200 characters"), "\(message)")
        #expect(message.count < 120, "only an excerpt of the term is echoed")
        let limit = try await Self.get(node, "q=毫米波&limit=5000")
        #expect(limit.status == 400)
    }

    /// `unified=true` answers clusters (each result with `cluster` and `members`); without it the
    /// results have neither; a value other than true/false/1/0 is a 400 naming `unified`.
    @Test func unifiedResultsCarryTheirClusterAndBadValuesAre400() async throws {
        let node = try await ServedNode(records: 3)
        defer { node.stop() }
        let plain = try await Self.get(node, "q=毫米波")
        #expect(plain.status == 200)
        let plainResults = plain.body["results"]?.arrayValue ?? []
        #expect(!plainResults.isEmpty)
        #expect(plainResults.allSatisfy { $0["cluster"] == nil && $0["members"] == nil })

        let unified = try await Self.get(node, "q=毫米波&unified=true")
        #expect(unified.status == 200)
        let results = unified.body["results"]?.arrayValue ?? []
        #expect(results.count == plainResults.count, "no record here shares a cluster")
        #expect(unified.body["total"] == plain.body["total"])
        for result in results {
            let id = try #require(result["id"]?.stringValue)
            #expect(result["cluster"]?.stringValue == id)
            #expect(result["members"] == [.string(id)])
        }
        let bad = try await Self.get(node, "q=毫米波&unified=yes")
        #expect(bad.status == 400)
        #expect(bad.body["error"]?["message"]?.stringValue?.contains("unified") == true)
    }
}
