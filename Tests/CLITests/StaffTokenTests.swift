import Foundation
import JSON
import TestSupport
import Testing

/// Staff tokens and the audit trail (issue 15): every admin write names the token's holder.
@Suite struct StaffTokenTests {
    @Test(.timeLimit(.minutes(10)))
    func aStaffTokenWritesUntilRevokedAndEveryWriteIsAudited() throws {
        let node = try FederationNode("sichuan")
        defer { node.stop() }
        let added = try node.cli.run("token", "add", "zhang.wei")
        #expect(added.status == 0, "\(added.stderr)")
        let token = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.count >= 40)
        let file = node.cli.data.file("staff.tokens")
        let stored = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!stored.contains(token) && stored.contains("zhang.wei"), "only the token's hash is kept")
        let mode = try #require(FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
        #expect(mode & 0o077 == 0, "staff.tokens is the owner's only: \(String(mode, radix: 8))")
        #expect(try node.cli.run("token", "add", "zhang.wei").status == 2, "one live token per name")
        #expect(try node.cli.run("token", "add", "admin").status == 2)

        try node.serve()
        let admin = try String(contentsOfFile: node.cli.data.file("admin.token"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        func put(_ local: String, token: String) throws -> Int {
            let record = #"{"kind": "achievement", "title": "光电编码器", "summary": "高精度光电编码器。", "industry": "electronics", "organization": {"name": "电子科技大学", "type": "university", "region": "sichuan"}, "valid_through": "2030-12-31", "trl": 6, "cooperation": ["licence"]}"#
            let result = try ProcessRunner.run(
                "/usr/bin/curl",
                ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "--max-time", "20", "-H", "Authorization: Bearer \(token)",
                 "-H", "Content-Type: application/json", "--data-binary", record, node.base + "/v1/projects/\(local)"], timeout: 60)
            return Int(result.stdout) ?? 0
        }
        #expect(try put("staff-1", token: token) == 201)
        #expect(try put("admin-1", token: admin) == 201)
        #expect(try put("nobody-1", token: "not-a-token") == 401)
        #expect(try node.cli.run("token", "revoke", "zhang.wei").status == 0)
        #expect(try put("staff-2", token: token) == 401, "a revoked token stops at once, for the running server too")

        let audit = try node.cli.json("audit", "--json")
        let entries = audit["entries"]?.arrayValue ?? []
        #expect(entries.map { [$0["token"]?.stringValue ?? "", $0["action"]?.stringValue ?? "", $0["target"]?.stringValue ?? ""] } == [
            ["zhang.wei", "put", "sichuan:staff-1"], ["admin", "put", "sichuan:admin-1"],
        ])
        #expect(entries.first?["detail"] == "created, version 1")
        let text = try node.cli.run("audit")
        #expect(!text.stdout.contains(token) && !text.stdout.contains(admin), "never a token")
        #expect(try node.cli.json("audit", "--since", "2999-01-01", "--json")["entries"]?.arrayValue == [])
        #expect(try node.cli.run("audit", "--since", "yesterday").status == 2)
        let list = try node.cli.json("token", "list", "--json")["tokens"]?.arrayValue ?? []
        #expect(list.map { $0["name"]?.stringValue ?? "" } == ["admin", "zhang.wei"] && list[1]["revoked_at"]?.stringValue != nil)
        #expect(try node.cli.run("token", "add", "zhang.wei").status == 0, "a new token after the revocation")
    }
}
