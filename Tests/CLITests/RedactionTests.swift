import Foundation
import JSON
import TestSupport
import Testing

/// An erasure (`kechuang redact`) stays an erasure: no exported file keeps the erased body, and
/// `verify` finds one that does.
@Suite struct RedactionTests {
    /// Personal data published in full (a public contact's e-mail, a service agent's name): what
    /// the tests look for after the erasure.
    static let email = "zhou.erase-me@example.org"
    static let agent = "周抹除"

    /// A record carrying the personal data above.
    static func personal(_ id: String, title: String = "需要擦除联系人的成果") -> JSONValue {
        RecordFixture.supply(id, title: title, extra: [
            "contact": ["name": "周先生", "email": .string(email), "phone": "028-85550199", "visibility": "public"],
            "service_agent": ["name": .string(agent), "organization": "四川省科学技术协会", "phone": "13800000199"],
        ])
    }

    /// A node whose log holds the key statement (seq 0), 250 filler records (seq 1…250) and the
    /// personal record `p1` (seq 251): its last page is the partial page 0.p252.
    static func nodeWithPersonalRecord() throws -> CLI {
        let cli = try CLI()
        try cli.initNode()
        let filler = (0..<250).map { RecordFixture.supply("f\($0)", title: "填充成果\($0)") }
        let file = try cli.data.write("first.json", RecordFixture.jsonArray(filler + [personal("p1")]))
        let imported = try cli.run("import", file)
        #expect(imported.status == 0, "\(imported.stderr)")
        return cli
    }

    /// Ten more records: page 0 fills (0.jsonl with its .gz copy) and page 1 starts.
    static func importMore(_ cli: CLI) throws {
        let more = (0..<10).map { RecordFixture.supply("m\($0)", title: "后续成果\($0)") }
        #expect(try cli.run("import", try cli.data.write("more.json", RecordFixture.jsonArray(more))).status == 0)
    }

    /// The files under `directory` whose bytes (decompressed, for a .gz file) contain `text`.
    static func files(under directory: String, containing text: String) throws -> [String] {
        var found: [String] = []
        let enumerator = try #require(FileManager.default.enumerator(atPath: directory))
        while let name = enumerator.nextObject() as? String {
            let path = directory + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            var bytes = try #require(FileManager.default.contents(atPath: path)).map { $0 }
            if name.hasSuffix(".gz") {
                let result = try ProcessRunner.runBytes("/usr/bin/gzip", ["-dc", path], timeout: 60)
                #expect(result.status == 0, "gzip -dc \(path)")
                bytes = result.stdout
            }
            if String(decoding: bytes, as: UTF8.self).contains(text) { found.append(name) }
        }
        return found.sorted()
    }

    static func root(_ cli: CLI) throws -> String {
        try #require(try cli.json("keys", "show", "--json")["root"]?["key"]?.stringValue)
    }

    @Test func anIncrementalExportAfterRedactKeepsTheErasedBodyInNoFile() throws {
        let cli = try Self.nodeWithPersonalRecord()
        let export = cli.data.file("export")
        #expect(try cli.run("export", export).status == 0)
        // A mirror that serves pre-compressed files (nginx gzip_static) keeps a .gz beside it.
        let partial = export + "/feeds/sichuan/bodies/0.p252.jsonl"
        #expect(try ProcessRunner.run("/usr/bin/gzip", ["-k", partial]).status == 0)
        try Self.importMore(cli)
        #expect(try cli.run("export", export).status == 0)
        let before = try Self.files(under: export, containing: Self.email)
        #expect(before == [
            "feeds/sichuan/bodies/0.jsonl", "feeds/sichuan/bodies/0.jsonl.gz",
            "feeds/sichuan/bodies/0.p252.jsonl", "feeds/sichuan/bodies/0.p252.jsonl.gz",
        ], "the published body is where the test looks for it")

        let redacted = try cli.run("redact", "p1")
        #expect(redacted.status == 0, "\(redacted.stderr)")
        #expect(try cli.run("export", export).status == 0)
        let email = try Self.files(under: export, containing: Self.email)
        #expect(email == [], "no exported file holds the erased e-mail")
        let agent = try Self.files(under: export, containing: Self.agent)
        #expect(agent == [], "nor the erased service agent")
        #expect(try Self.files(under: export, containing: "kechuang.redacted").contains("feeds/sichuan/bodies/0.p252.jsonl"),
                "the superseded partial body file holds the marker")
        let verified = try cli.verify(export, try Self.root(cli))
        #expect(verified.status == 0, "\(verified.stderr)")
    }

    @Test func verifyChecksEveryBodyFileAndFailsOnAStaleOneHoldingAnErasedBody() throws {
        let cli = try Self.nodeWithPersonalRecord()
        let root = try Self.root(cli)
        let old = cli.data.file("old")
        #expect(try cli.run("export", old).status == 0)
        try Self.importMore(cli)
        #expect(try cli.run("redact", "p1").status == 0)
        let export = cli.data.file("export")
        #expect(try cli.run("export", export).status == 0)
        #expect(try cli.verify(export, root).status == 0)

        // An earlier export's partial body file, copied in as a mirror that never cleaned up keeps it.
        let stale = export + "/feeds/sichuan/bodies/0.p252.jsonl"
        try FileManager.default.copyItem(atPath: old + "/feeds/sichuan/bodies/0.p252.jsonl", toPath: stale)
        let plain = try cli.verify(export, root)
        #expect(plain.status == 1, "a stale body file with an erased body fails: \(plain.stdout)")
        #expect(plain.stderr.contains("/feeds/sichuan/bodies/0.p252.jsonl line 252 (seq 251)"), "\(plain.stderr)")
        #expect(plain.stderr.contains("erased"), "\(plain.stderr)")
        // Also once the checkpoint has expired: an erased body makes the directory invalid (1),
        // not merely stale (3).
        let expired = try cli.verify(export, root, "--at", "2040-01-01T00:00:00Z")
        #expect(expired.status == 1, "an expired export holding an erased body is invalid: \(expired.stderr)")
        #expect(expired.stderr.contains("/feeds/sichuan/bodies/0.p252.jsonl line 252 (seq 251)"), "\(expired.stderr)")

        // The same file compressed.
        #expect(try ProcessRunner.run("/usr/bin/gzip", [stale]).status == 0)
        let gzipped = try cli.verify(export, root)
        #expect(gzipped.status == 1)
        #expect(gzipped.stderr.contains("/feeds/sichuan/bodies/0.p252.jsonl.gz line 252 (seq 251)"), "\(gzipped.stderr)")
        try FileManager.default.removeItem(atPath: stale + ".gz")

        // Under a name outside the signed tree, the erased body is still found by its hash.
        try FileManager.default.copyItem(atPath: old + "/feeds/sichuan/bodies/0.p252.jsonl", toPath: export + "/feeds/sichuan/bodies/7.p3.jsonl")
        let foreign = try cli.verify(export, root)
        #expect(foreign.status == 1)
        #expect(foreign.stderr.contains("/feeds/sichuan/bodies/7.p3.jsonl line 252"), "\(foreign.stderr)")
        #expect(foreign.stderr.contains("erased"), "\(foreign.stderr)")

        // Exporting again replaces the first with the markers and removes the second.
        try FileManager.default.copyItem(atPath: old + "/feeds/sichuan/bodies/0.p252.jsonl", toPath: stale)
        let cleaned = try cli.run("export", export)
        #expect(cleaned.status == 0, "\(cleaned.stderr)")
        #expect(!FileManager.default.fileExists(atPath: export + "/feeds/sichuan/bodies/7.p3.jsonl"))
        let json = try cli.verify(export, root, "--json")
        #expect(json.status == 0, "\(json.stderr)")
        #expect(try JSONParser.parse(Array(json.stdout.utf8))["body_files"] == 4, "0.jsonl, its .gz, 0.p252.jsonl and 1.p6.jsonl")
    }
}
