import API
import Catalog
import Compression
import Foundation
import HTTPClient
import JSON
import Store
import TestSupport
import Testing

/// What `redact` erased is never served again.
@Suite struct RedactionAPITests {
    static let email = "zhou.erase-me@example.org"

    /// A record with a public contact (published in full) in the import form, as a JSON object's text.
    static func personal(_ id: String) -> String {
        JSONWriter.string(RecordFixture.supply(id, title: "需要擦除联系人的成果", extra: [
            "contact": ["name": "周先生", "email": .string(email), "phone": "028-85550199", "visibility": "public"],
            "service_agent": ["name": "周抹除", "organization": "四川省科学技术协会", "phone": "13800000199"],
        ]), pretty: false)
    }

    @Test func servedBodyFilesNeverKeepAnErasedBodyInTheServersCache() async throws {
        let node = try await ServedNode(records: 0)
        defer { node.stop() }
        // seq 0 is the key statement, seq 1 the personal record; 300 more fill page 0.
        #expect(try await node.admin("PUT", "/v1/projects/p1", Self.personal("p1")).status == 201)
        let filler = RecordFixture.jsonArray((0..<300).map { RecordFixture.supply("f\($0)", title: "填充成果\($0)") })
        #expect(try await node.admin("POST", "/v1/projects/import", filler).status == 200)

        func served(_ path: String) async throws -> [String] {
            let plain = try await node.get(path)
            #expect(plain.status == 200, "\(path)")
            var texts = [String(decoding: plain.body, as: UTF8.self)]
            let gzip = try await node.get(path, headers: ["Accept-Encoding": "gzip"])
            if gzip.headers["content-encoding"] == "gzip" {
                texts.append(String(decoding: try Gzip.decompress(gzip.body, maxOutput: 64 << 20), as: UTF8.self))
            }
            return texts
        }
        let paths = ["/feeds/sichuan/bodies/0.jsonl", "/feeds/sichuan/bodies/0.p2.jsonl"]
        for path in paths {
            let texts = try await served(path)
            #expect(texts.allSatisfy { $0.contains(Self.email) }, "\(path) holds the body before the erasure (and is cached)")
        }
        #expect(try await served(paths[0]).count == 2, "the full page's bodies have a gzip copy")

        // The redaction commits in one transaction and its checkpoint is signed in the next: a crash
        // in between (or, on a relay, a sync that applied the redact entry's page and then failed
        // before it could store the checkpoint) leaves the served checkpoint as it was.
        _ = try await node.store.redact(try #require(RecordID("sichuan:p1")))
        for path in paths {
            for text in try await served(path) {
                #expect(!text.contains(Self.email), "\(path) is served without the erased body")
                #expect(text.contains("kechuang.redacted"), "\(path) holds the marker")
            }
        }
    }
}
