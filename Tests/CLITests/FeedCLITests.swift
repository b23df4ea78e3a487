import Foundation
import JSON
import TestSupport
import Testing

extension CLI {
    /// A node with the Sichuan sample, 600 generated records, one redaction and one deletion.
    func publishingNode() throws -> String {
        try initNode()
        #expect(try run("import", Repository.example("sichuan.json")).status == 0)
        let generated = data.file("generated.json")
        try run("generate", "--region", "sichuan", "--count", "600", "--seed", "4", "--out", generated)
        #expect(try run("import", generated).status == 0)
        #expect(try run("redact", "sc-ach-001").status == 0)
        #expect(try run("delete", "g4-0000007").status == 0)
        return try #require(try json("keys", "show", "--json")["root"]?["key"]?.stringValue)
    }

    func verify(_ source: String, _ root: String, _ extra: String...) throws -> ProcessResult {
        try run(["verify", source, "--root-key", root] + extra)
    }
}

/// Flips one bit of the byte at `offset` (from the end when negative) of a file.
func flipByte(_ path: String, at offset: Int) throws {
    var bytes = try #require(FileManager.default.contents(atPath: path)).map { $0 }
    let index = offset >= 0 ? offset : bytes.count + offset
    bytes[index] ^= 0x01
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// A test's own precondition that did not hold.
struct CLITestError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}

/// The file name suffix of the partial page of an export's only origin: `54.jsonl` for `0.p54.jsonl`.
func pageWidth(_ export: String) throws -> String {
    let names = try FileManager.default.contentsOfDirectory(atPath: export + "/feeds/sichuan/bodies")
    let name = try #require(names.first { $0.hasPrefix("0.p") && $0.hasSuffix(".jsonl") })
    return String(name.dropFirst(3))
}

/// A Python interpreter that has the `cryptography` package, or nil.
func pythonWithCryptography() -> String? {
    for candidate in ["/usr/bin/python3", "python3"] {
        let executable = candidate.hasPrefix("/") ? candidate : "/usr/bin/env"
        let arguments = candidate.hasPrefix("/") ? ["-c", "import cryptography"] : [candidate, "-c", "import cryptography"]
        if FileManager.default.isExecutableFile(atPath: executable),
            (try? ProcessRunner.run(executable, arguments, timeout: 30))?.status == 0
        {
            return candidate
        }
    }
    return nil
}

@Suite struct FeedCLITests {
    @Test func exportVerifiesAndAnyChangedByteIsFoundAndNamed() throws {
        let cli = try CLI()
        let root = try cli.publishingNode()
        let export = cli.data.file("export")
        #expect(try cli.run("export", export).status == 0)
        let report = try cli.verify(export, root, "--json")
        #expect(report.status == 0, "\(report.stderr)")
        let value = try JSONParser.parse(Array(report.stdout.utf8))
        #expect(value["ok"] == true)
        #expect(value["pages"] == 3)
        #expect(value["redacted_bodies"] == 1)
        #expect(FileManager.default.fileExists(atPath: export + "/feeds/sichuan/pages/0.jsonl.gz"))

        let cases: [(file: String, offset: Int, message: String)] = [
            ("/feeds/sichuan/pages/1.jsonl", 40, "/feeds/sichuan/pages/1.jsonl"),
            ("/feeds/sichuan/bodies/1.jsonl", 60, "/feeds/sichuan/bodies/1.jsonl line 1 (seq 256): SHA-256 of the body does not match"),
            ("/feeds/sichuan/bodies/2.p", -30, "line"),
            ("/feeds/sichuan/checkpoint.json", 150, "/feeds/sichuan/checkpoint.json"),
            ("/feeds/sichuan/page-roots/", 60, "page-roots"),
        ]
        for (file, offset, message) in cases {
            let copy = cli.data.file("tampered-\(abs(offset))-\(file.count)")
            try? FileManager.default.removeItem(atPath: copy)
            try FileManager.default.copyItem(atPath: export, toPath: copy)
            var target = copy + file
            if file.hasSuffix("/") || file.hasSuffix(".p") {
                // A directory (any file in it) or a name prefix (the partial page, whose width varies).
                let directory = file.hasSuffix("/") ? String(target.dropLast()) : (target as NSString).deletingLastPathComponent
                let prefix = file.hasSuffix("/") ? "" : (file as NSString).lastPathComponent
                let name = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first {
                    $0.hasPrefix(prefix) && !$0.hasSuffix(".gz")
                })
                target = directory + "/" + name
            }
            try flipByte(target, at: offset)
            let result = try cli.verify(copy, root)
            #expect(result.status == 1, "tampered \(file) must fail")
            #expect(result.stderr.contains("verify failed: "), "\(result.stderr)")
            #expect(result.stderr.contains(message), "\(file): \(result.stderr)")
        }

        #expect(try cli.verify(export, root, "--at", "2040-01-01T00:00:00Z").stderr.contains("expired"))
        let other = try cli.verify(export, "ed25519:IGG91zmI5kcV995Q0lNEF76CVGonDNYRcuwP0fmlXl8=")
        #expect(other.status == 1 && other.stderr.contains("pinned key"))
        #expect(try cli.verify(export, "ed25519:short").status == 2)

        #expect(try cli.run("redact", "g4-0000001").status == 0)
        let again = try cli.run("export", export)
        #expect(again.stdout.contains("unchanged"), "full pages are not rewritten")
        #expect(try cli.verify(export, root).status == 0, "the feed still verifies after a redaction")
    }

    /// `verify` reads `/feeds/checkpoints.json` as every syncing peer does (feed.md §6, §7): a
    /// bundle that peers refuse fails `verify` too, naming the file, and exits 1; a valid feed
    /// past its expiry exits 3, an invalid one past its expiry 1; a SOURCE that does not exist 2.
    @Test func verifyRefusesEveryCheckpointBundleAPeerRefuses() throws {
        let cli = try CLI()
        try cli.initNode()
        #expect(try cli.run("import", Repository.example("sichuan.json")).status == 0)
        let root = try #require(try cli.json("keys", "show", "--json")["root"]?["key"]?.stringValue)
        let export = cli.data.file("export")
        #expect(try cli.run("export", export).status == 0)
        #expect(try cli.verify(export, root).status == 0)
        let bundlePath = "/feeds/checkpoints.json"
        let bundle = try #require(FileManager.default.contents(atPath: export + bundlePath)).map { $0 }

        /// The bundle with one base64 digit of its `occurrence`th signature changed (JCS sorts the
        /// members: the first is the checkpoint's, the second the first key statement's).
        func flippedSignature(_ occurrence: Int) throws -> [UInt8] {
            var bytes = bundle
            let marker = Array("\"signature\":\"".utf8)
            var found = 0
            for index in bytes.indices where bytes[index...].starts(with: marker) {
                found += 1
                guard found == occurrence else { continue }
                let digit = index + marker.count + 10
                bytes[digit] = bytes[digit] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
                return bytes
            }
            throw CLITestError("the bundle holds \(found) signatures, not \(occurrence)")
        }
        let text = String(decoding: bundle, as: UTF8.self)
        let node = try #require(text.range(of: "\"node\":\"sichuan\""))
        var invalidUTF8 = Array(text[..<node.lowerBound].utf8) + Array("\"node\":\"sich".utf8) + [0xFF]
        invalidUTF8 += Array("uan\"".utf8) + Array(text[node.upperBound...].utf8)
        let cases: [(name: String, bytes: [UInt8]?, message: String)] = [
            ("a checkpoint whose signature does not verify", try flippedSignature(1),
             "signature does not verify"),
            ("a key statement that does not verify", try flippedSignature(2),
             "is not signed by the root key"),
            ("invalid UTF-8", invalidUTF8, "UTF-8"),
            ("broken JSON", Array(bundle.dropLast()), "not JSON"),
            ("no bundle", nil, "not found"),
        ]
        for (name, bytes, message) in cases {
            let copy = cli.data.file("bundle-\(name.filter(\.isLetter))")
            try FileManager.default.copyItem(atPath: export, toPath: copy)
            if let bytes {
                try Data(bytes).write(to: URL(fileURLWithPath: copy + bundlePath))
            } else {
                try FileManager.default.removeItem(atPath: copy + bundlePath)
            }
            let result = try cli.verify(copy, root)
            #expect(result.status == 1, "\(name): exit \(result.status) \(result.stdout)")
            #expect(result.stderr.contains("verify failed: \(bundlePath): "), "\(name): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(name): \(result.stderr)")
        }

        // Exit codes: 3 valid but expired; 1 invalid, even when also expired; 2 no such SOURCE.
        let expired = try cli.verify(export, root, "--at", "2040-01-01T00:00:00Z")
        #expect(expired.status == 3, "\(expired.stderr)")
        #expect(expired.stderr.contains("valid but expired"), "\(expired.stderr)")
        let tampered = cli.data.file("tampered-and-expired")
        try FileManager.default.copyItem(atPath: export, toPath: tampered)
        try flipByte(tampered + "/feeds/sichuan/bodies/0.p\(try pageWidth(export))", at: 60)
        let both = try cli.verify(tampered, root, "--at", "2040-01-01T00:00:00Z")
        #expect(both.status == 1, "\(both.stderr)")
        #expect(both.stderr.contains("SHA-256 of the body does not match"), "\(both.stderr)")
        let absent = try cli.verify(cli.data.file("no-such-export"), root)
        #expect(absent.status == 2, "\(absent.stderr)")
        let help = try cli.run("verify", "--help")
        #expect(help.stdout.contains("3  the feed is valid but its checkpoint has expired"), "\(help.stdout)")
    }

    @Test func servedFeedVerifiesWhileTheCLIWritesAndAnIndependentCheckAgrees() throws {
        let cli = try CLI()
        let root = try cli.publishingNode()
        let server = try BackgroundProcess(Repository.binary, ["--data", cli.data.path, "serve", "--listen", "127.0.0.1:0"])
        defer {
            server.send(SIGTERM)
            _ = server.waitForExit(timeout: 20)
        }
        let line = try server.waitForLine(containing: "Serving")
        let base = try #require(line.split(separator: " ").first { $0.hasPrefix("http://") }).description
        let first = try cli.verify(base, root, "--json")
        #expect(first.status == 0, "\(first.stderr)")
        let size = try JSONParser.parse(Array(first.stdout.utf8))["size"]?.intValue ?? 0

        #expect(try cli.run("redact", "g4-0000002").status == 0)
        let more = try cli.data.write("more.json", RecordFixture.jsonArray([RecordFixture.supply("late", title: "服务运行时导入的项目")]))
        #expect(try cli.run("import", more).status == 0)
        let second = try cli.verify(base, root, "--json")
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try JSONParser.parse(Array(second.stdout.utf8))["size"]?.intValue == size + 3, "the writes are served at once")

        let python = try #require(pythonWithCryptography(), "needs python3 with the cryptography package (python3-cryptography)")
        let script = Repository.root + "/Tests/CLITests/Fixtures/independent_check.py"
        let arguments = python.hasPrefix("/") ? [script, base, root] : [python, script, base, root]
        let independent = try ProcessRunner.run(python.hasPrefix("/") ? python : "/usr/bin/env", arguments, timeout: 120)
        #expect(independent.status == 0, "\(independent.stdout)\(independent.stderr)")
        #expect(independent.stdout.hasPrefix("OK sichuan"))

        server.send(SIGTERM)
        #expect(server.waitForExit(timeout: 20) == 0)
        #expect(server.text.contains("Stopped"))
    }

    @Test func nginxServesAnExportThatVerifies() throws {
        let nginx = "/usr/sbin/nginx"
        try #require(FileManager.default.isExecutableFile(atPath: nginx), "needs nginx (Debian package nginx-light)")
        let cli = try CLI()
        let root = try cli.publishingNode()
        let export = cli.data.file("export")
        #expect(try cli.run("export", export).status == 0)
        let port = try freePort()
        let prefix = cli.data.file("nginx")
        try FileManager.default.createDirectory(atPath: prefix + "/logs", withIntermediateDirectories: true)
        let site = try String(contentsOfFile: Repository.root + "/deploy/nginx/kechuang-export.conf", encoding: .utf8)
            .replacingOccurrences(of: "listen 8080;", with: "listen 127.0.0.1:\(port);")
            .replacingOccurrences(of: "root /var/www/kechuang;", with: "root \(export);")
        let configuration = """
            daemon off;
            worker_processes 1;
            pid \(prefix)/nginx.pid;
            error_log \(prefix)/logs/error.log;
            events { worker_connections 64; }
            http {
                access_log off;
                client_body_temp_path \(prefix)/body;
                proxy_temp_path \(prefix)/proxy;
                fastcgi_temp_path \(prefix)/fastcgi;
                uwsgi_temp_path \(prefix)/uwsgi;
                scgi_temp_path \(prefix)/scgi;
            \(site)
            }
            """
        let file = try cli.data.write("nginx/nginx.conf", configuration)
        let server = try BackgroundProcess(nginx, ["-p", prefix, "-c", file, "-e", prefix + "/logs/error.log"])
        defer {
            // SIGTERM: nginx's master stops its worker before it exits (SIGKILL would orphan the worker).
            server.send(SIGTERM)
            if server.waitForExit(timeout: 10) == nil {
                server.send(SIGKILL)
                _ = server.waitForExit(timeout: 10)
            }
        }
        let base = "http://127.0.0.1:\(port)"
        try waitUntilServing(base + "/feeds/checkpoints.json", process: server)
        let result = try cli.verify(base, root)
        #expect(result.status == 0, "\(result.stderr)\n\(server.text)")
        #expect(result.stdout.contains("OK sichuan"))
        let gzip = try ProcessRunner.run("/usr/bin/curl", ["-s", "-D", "-", "-o", "/dev/null", "-H", "Accept-Encoding: gzip", base + "/feeds/sichuan/pages/0.jsonl"])
        #expect(gzip.stdout.lowercased().contains("content-encoding: gzip"), "nginx sends the .gz copy: \(gzip.stdout)")
        #expect(gzip.stdout.contains("immutable"))
    }

    @Test func rotatedAndRevokedKeysKeepTheFeedVerifiable() throws {
        let cli = try CLI()
        let root = try cli.publishingNode()
        let export = cli.data.file("export")
        let before = try cli.json("keys", "show", "--json")
        let firstKey = try #require(before["checkpoint_keys"]?[0]?["key_id"]?.stringValue)
        let rotated = try cli.run("keys", "rotate")
        #expect(rotated.status == 0, "\(rotated.stderr)")
        #expect(try cli.json("keys", "show", "--json")["checkpoint_keys"]?.arrayValue?.count == 2)
        #expect(try cli.run("export", export).status == 0)
        #expect(try cli.verify(export, root).status == 0)
        let checkpoint = try JSONParser.parse(try #require(FileManager.default.contents(atPath: export + "/feeds/sichuan/checkpoint.json")).map { $0 })
        #expect(checkpoint["key_id"]?.stringValue != firstKey, "the new key signs")

        // The retired key leaked: revoke it from the start. Only the current key's checkpoints count.
        #expect(try cli.run("keys", "revoke", firstKey, "--from-size", "1").status == 0)
        #expect(try cli.run("export", export).status == 0)
        #expect(try cli.verify(export, root).status == 0)
        // The current key is revoked: a replacement is authorised and signs.
        let current = try #require(try cli.json("keys", "show", "--json")["checkpoint_keys"]?[1]?["key_id"]?.stringValue)
        let revoked = try cli.run("keys", "revoke", current)
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(revoked.stdout.contains("Authorised checkpoint-3"))
        #expect(try cli.run("export", export).status == 0)
        let final = try cli.verify(export, root, "--json")
        #expect(final.status == 0, "\(final.stderr)")
        #expect(try JSONParser.parse(Array(final.stdout.utf8))["key_statements"] == 6)

        // Without the root key file, key statements cannot be made.
        try FileManager.default.moveItem(atPath: cli.data.file("keys/root.key"), toPath: cli.data.file("offline-root.key"))
        let offline = try cli.run("keys", "rotate")
        #expect(offline.status == 1 && offline.stderr.contains("--root-key-file"))
        #expect(try cli.run("keys", "rotate", "--root-key-file", cli.data.file("offline-root.key")).status == 0)
        #expect(try cli.json("keys", "show", "--json")["root"]?["private_key"] == .null, "keys show reports the root key offline")
    }

    @Test func tokenRotateReplacesThePrivateTokenFile() throws {
        let cli = try CLI()
        try cli.initNode()
        let path = cli.data.file("admin.token")
        let before = try String(contentsOfFile: path, encoding: .utf8)
        let result = try cli.run("token", "rotate")
        #expect(result.status == 0)
        #expect(!result.stdout.contains(before.trimmingCharacters(in: .whitespacesAndNewlines)), "the token is never printed")
        let after = try String(contentsOfFile: path, encoding: .utf8)
        #expect(after != before && after.count >= 43)
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
    }
}

/// A TCP port on 127.0.0.1 that is free now (the kernel picks it; the socket is closed again).
func freePort() throws -> Int { try TestServer.closedPort() }

/// Polls `url` until it answers, for at most `timeout` seconds, failing early if the server died.
func waitUntilServing(_ url: String, process: BackgroundProcess, timeout: Double = 30) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        let probe = try ProcessRunner.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", url], timeout: 10)
        if probe.stdout == "200" { return }
        guard process.isRunning else { throw BackgroundProcessError(message: "server exited: \(process.text)") }
    }
    throw BackgroundProcessError(message: "\(url) did not answer within \(timeout) s: \(process.text)")
}
