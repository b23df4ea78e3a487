import Foundation
import TestSupport
import Testing

/// The README's marked command blocks run as a new user would run them (issue 15, item 6): in
/// order, in a scratch directory holding the repository's `protocols/`, with the built binary on
/// PATH (the block's own `swift build` line is the one thing not run: the suite has built it).
@Suite struct ReadmeTests {
    static let marker = "<!-- readme-test:"

    /// The marked blocks' lines, in order.
    static func blocks() throws -> [String] {
        let lines = try String(contentsOfFile: Repository.root + "/README.md", encoding: .utf8).components(separatedBy: "\n")
        var blocks: [String] = []
        var index = 0
        while index < lines.count {
            defer { index += 1 }
            guard lines[index].hasPrefix(marker), index + 1 < lines.count, lines[index + 1].hasPrefix("```") else { continue }
            var body: [String] = []
            index += 2
            while index < lines.count, !lines[index].hasPrefix("```") {
                body.append(lines[index])
                index += 1
            }
            blocks.append(body.joined(separator: "\n"))
        }
        return blocks
    }

    /// Alone about 2.5 s; once 155 s inside the full suite's parallel load (hence the limits).
    @Test(.timeLimit(.minutes(8)))
    func theMarkedBlocksRunAsWritten() throws {
        let blocks = try Self.blocks()
        try #require(blocks.count >= 3, "the README marks its CLI tour blocks")
        let scratch = try CLI().data.path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch + "/protocols", withDestinationPath: Repository.root + "/protocols")
        let binary = (Repository.binary as NSString).deletingLastPathComponent
        let prelude = [
            "set -euo pipefail", "cd '\(scratch)'", "swift() { :; }  # the suite built kechuang already", "export PATH='\(binary)':\"$PATH\"",
            // The server blocks: serve runs in the background on a free port and is stopped at the end.
            "SERVE_PID=''; PORT=''", "trap '[ -n \"$SERVE_PID\" ] && kill $SERVE_PID && wait $SERVE_PID' EXIT",
        ]
        let script = (prelude + blocks.map(Self.runnable)).joined(separator: "\n")
        let run = try ProcessRunner.run("/bin/bash", ["-c", script], environment: ["KECHUANG_DATA": ""], timeout: 420)
        #expect(run.status == 0, "the README's commands failed:\n\(run.stderr.suffix(1500))\n\(run.stdout.suffix(500))")
        #expect(run.stdout.contains("Imported protocols/examples/sichuan.json: 19 records"), "\(run.stdout.prefix(500))")
        #expect(FileManager.default.fileExists(atPath: scratch + "/demo.json") && FileManager.default.fileExists(atPath: scratch + "/catalog.csv"))
        // The server blocks: the feed verifies, the admin writes answer, the backup is made.
        #expect(run.stdout.contains("OK sichuan:"), "\(run.stdout.suffix(1500))")
        #expect(run.stdout.contains(#"{"id":"sichuan:sc-tech-009","outcome":"created","version":1}"#), "\(run.stdout.suffix(1500))")
        #expect(run.stdout.contains(#""outcome":"deleted""#), "\(run.stdout.suffix(1500))")
        #expect(run.stdout.contains(#""created":0,"total":19"#) || run.stdout.contains(#""total":19"#), "the GB18030 upload: \(run.stdout.suffix(1500))")
        #expect(run.stdout.contains("Backed up sichuan to sichuan-2026-12-05.db"), "\(run.stdout.suffix(1500))")
        #expect(try String(contentsOfFile: scratch + "/serve.log", encoding: .utf8).contains("Stopped"), "serve was stopped at the end")
    }

    /// A block as the test runs it: `kechuang serve` started in the background on a free port
    /// (its log in serve.log, waited for until it listens), the README's 8601 replaced by that
    /// port, and the line that sets PATH to a release build left out (PATH is set to the build).
    static func runnable(_ block: String) -> String {
        block.components(separatedBy: "\n").map { line -> String in
            if line.hasPrefix("kechuang serve") {
                return ": > serve.log; kechuang serve --listen 127.0.0.1:0 --sync-interval 0 > serve.log 2>&1 & SERVE_PID=$!; "
                    + "for _ in $(seq 1 600); do grep -q Serving serve.log && break; sleep 0.1; done; "
                    + "PORT=$(sed -n 's|.*http://127.0.0.1:\\([0-9]*\\).*|\\1|p' serve.log | head -1); [ -n \"$PORT\" ]"
            }
            return line.replacingOccurrences(of: "export PATH=\"$PWD/.build/release:$PATH\"", with: ": PATH is set above")
                .replacingOccurrences(of: "127.0.0.1:8601", with: "127.0.0.1:$PORT")
        }.joined(separator: "\n")
    }
}
