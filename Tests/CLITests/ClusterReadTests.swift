import Foundation
import JSON
import TestSupport
import Testing

/// `GET /v1/clusters/{id}` and `kechuang show ID --unified` on real nodes: a cluster of a Sichuan
/// and a Beijing record, read from Chongqing's node, checked by an independent verifier that holds
/// nothing but the two origins' root keys (Fixtures/cluster_check.py).
@Suite struct ClusterReadTests {
    static let script = Repository.root + "/Tests/CLITests/Fixtures/cluster_check.py"

    /// Runs the verifier on `answer` with the given `ORIGIN=ROOT_KEY` pairs.
    static func verify(_ answer: JSONValue, _ keys: [String], in node: FederationNode) throws -> ProcessResult {
        let file = node.cli.data.file("cluster-\(UUID().uuidString).json")
        try Data(JSONWriter.write(answer, pretty: false)).write(to: URL(fileURLWithPath: file))
        return try ProcessRunner.run("/usr/bin/python3", [script, file] + keys, timeout: 60)
    }

    /// `answer` with `change` applied to its first member's entry.
    static func tampered(_ answer: JSONValue, _ change: (inout [String: JSONValue]) -> Void) -> JSONValue {
        guard case .object(var object) = answer, var members = object["members"]?.arrayValue,
            case .object(var member) = members[0], case .object(var entry) = member["entry"] ?? .null
        else { return answer }
        change(&entry)
        member["entry"] = .object(entry)
        members[0] = .object(member)
        object["members"] = .array(members)
        return .object(object)
    }

    @Test(.timeLimit(.minutes(5)))
    func aCrossRegionClusterVerifiesWithTheRootKeysAlone() throws {
        let nodes = try ["sichuan", "beijing", "chongqing"].map { try FederationNode($0) }
        defer { nodes.forEach { $0.stop() } }
        let (sichuan, beijing, chongqing) = (nodes[0], nodes[1], nodes[2])
        // Beijing lists Sichuan's phosphoric-acid achievement too, by a Beijing organisation.
        let extra = beijing.cli.data.file("extra.json")
        try RecordFixture.jsonArray([
            RecordFixture.supply(
                "bj-x-001", title: "溶剂萃取法精制工业磷酸技术（北京推广）", organization: "北京化工研究院", region: "beijing",
                extra: ["same_as": ["sichuan:sc-ach-001"]]),
        ]).write(toFile: extra, atomically: true, encoding: .utf8)
        #expect(try beijing.cli.run("import", extra).status == 0)
        for node in nodes { try node.serve() }
        for node in nodes {
            for other in nodes where other !== node { try node.peer(other) }
        }
        for node in nodes { _ = try node.sync() }

        let answer = try JSONParser.parse(Array(try chongqing.get("/v1/clusters/beijing:bj-x-001").utf8))
        #expect(answer["cluster"]?.stringValue == "beijing:bj-x-001")
        #expect(answer["members_total"]?.intValue == 2)
        let members = try #require(answer["members"]?.arrayValue)
        #expect(members.compactMap { $0["id"]?.stringValue } == ["beijing:bj-x-001", "sichuan:sc-ach-001"])
        #expect(Set(answer["origins"]?.objectValue?.keys.map { $0 } ?? []) == ["beijing", "sichuan"])
        #expect(answer["cursor"] == .null)

        let keys = ["sichuan=\(sichuan.root)", "beijing=\(beijing.root)"]
        let verified = try Self.verify(answer, keys, in: chongqing)
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.contains("2 of 2 members verified"), "\(verified.stdout)")

        // The same answer by any member id, and from the CLI.
        let bySichuan = try JSONParser.parse(Array(try chongqing.get("/v1/clusters/sichuan:sc-ach-001").utf8))
        #expect(bySichuan == answer)
        let shown = try chongqing.cli.json("show", "sichuan:sc-ach-001", "--unified")
        #expect(shown == answer)

        // What the verifier must refuse: a changed body, a wrong proof, another origin's root key.
        let body = Self.tampered(answer) { entry in
            entry["body"] = .string((entry["body"]?.stringValue ?? "").replacingOccurrences(of: "北京", with: "南京"))
        }
        let badBody = try Self.verify(body, keys, in: chongqing)
        #expect(badBody.status == 1 && badBody.stdout.contains("body_hash"), "\(badBody.stdout)")
        let proof = Self.tampered(answer) { entry in
            var path = entry["inclusion"]?.arrayValue ?? []
            if !path.isEmpty { path[0] = .string(String(repeating: "0", count: 64)) } else { path = [.string(String(repeating: "0", count: 64))] }
            entry["inclusion"] = .array(path)
        }
        let badProof = try Self.verify(proof, keys, in: chongqing)
        #expect(badProof.status == 1 && badProof.stdout.contains("inclusion"), "\(badProof.stdout)")
        let wrongKey = try Self.verify(answer, ["sichuan=\(chongqing.root)", "beijing=\(beijing.root)"], in: chongqing)
        #expect(wrongKey.status == 1, "\(wrongKey.stdout)")

        // Paging: one member per answer, the cursor gives the next.
        let first = try JSONParser.parse(Array(try chongqing.get("/v1/clusters/beijing:bj-x-001?limit=1").utf8))
        #expect(first["members"]?.arrayValue?.count == 1)
        #expect(first["cursor"]?.stringValue == "beijing:bj-x-001")
        #expect(Set(first["origins"]?.objectValue?.keys.map { $0 } ?? []) == ["beijing"])
        let second = try JSONParser.parse(Array(try chongqing.get("/v1/clusters/beijing:bj-x-001?limit=1&cursor=beijing:bj-x-001").utf8))
        #expect(second["members"]?.arrayValue?.first?["id"]?.stringValue == "sichuan:sc-ach-001")
        #expect(second["cursor"] == .null)
        #expect(try Self.verify(second, keys, in: chongqing).status == 0)
        // The cursor is a position in id order, not necessarily a member (one may have left the
        // cluster between two answers): the members whose id sorts after it (clusters.md).
        let between = try JSONParser.parse(Array(try chongqing.get("/v1/clusters/beijing:bj-x-001?cursor=beijing:bj-x-002").utf8))
        #expect(between["members"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["sichuan:sc-ach-001"])
        #expect(between["cursor"] == .null)
        let before = try JSONParser.parse(Array(try chongqing.get("/v1/clusters/beijing:bj-x-001?cursor=beijing:bj-0001").utf8))
        #expect(before["members"]?.arrayValue?.count == 2)

        // Unified search on the same node: the two-region cluster is one result under its steward,
        // counted once under each of its regions; the plain search lists both records.
        let plain = try chongqing.cli.json("search", "萃取法精制工业磷酸", "--json")
        let plainIDs = Set(plain["results"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
        #expect(plainIDs.isSuperset(of: ["beijing:bj-x-001", "sichuan:sc-ach-001"]), "\(plainIDs)")
        let unified = try chongqing.cli.json("search", "萃取法精制工业磷酸", "--unified", "--json")
        let clusters = unified["results"]?.arrayValue?.filter { $0["cluster"]?.stringValue == "beijing:bj-x-001" } ?? []
        #expect(clusters.count == 1)
        #expect(clusters.first?["id"] == answer["steward"])
        #expect(clusters.first?["members"] == [.string("beijing:bj-x-001"), .string("sichuan:sc-ach-001")])
        #expect(unified["total"]?.intValue == (plain["total"]?.intValue).map { $0 - 1 })
        #expect((unified["facets"]?["region"]?["beijing"]?.intValue ?? 0) >= 1)
        #expect((unified["facets"]?["region"]?["sichuan"]?.intValue ?? 0) >= 1)
        let overHTTP = try JSONParser.parse(Array(try chongqing.get("/v1/search?q=%E8%90%83%E5%8F%96%E6%B3%95%E7%B2%BE%E5%88%B6%E5%B7%A5%E4%B8%9A%E7%A3%B7%E9%85%B8&unified=true").utf8))
        #expect(overHTTP["results"] == unified["results"])

        // Errors: unknown member 404, malformed id or limit 400; the CLI exits 1 and 2.
        #expect(try status(chongqing, "/v1/clusters/sichuan:nope") == "404")
        #expect(try status(chongqing, "/v1/clusters/no%20id") == "400")
        #expect(try status(chongqing, "/v1/clusters/:x") == "400")
        // A bare local id is one of this node's origin (chongqing:nocolon): well formed, no member.
        #expect(try status(chongqing, "/v1/clusters/nocolon") == "404")
        #expect(try status(chongqing, "/v1/clusters/sichuan:sc-ach-001?limit=101") == "400")
        #expect(try status(chongqing, "/v1/clusters/sichuan:sc-ach-001?cursor=x") == "400")
        #expect(try chongqing.cli.run("show", "sichuan:nope", "--unified").status == 1)
        #expect(try chongqing.cli.run("show", "sichuan:sc-ach-001", "--unified", "--limit", "0").status == 2)
    }

    func status(_ node: FederationNode, _ path: String) throws -> String {
        try ProcessRunner.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "20", node.base + path], timeout: 60).stdout
    }
}
