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

    @Test(.timeLimit(.minutes(3)))
    func theMarkedBlocksRunAsWritten() throws {
        let blocks = try Self.blocks()
        try #require(blocks.count >= 3, "the README marks its CLI tour blocks")
        let scratch = try CLI().data.path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch + "/protocols", withDestinationPath: Repository.root + "/protocols")
        let binary = (Repository.binary as NSString).deletingLastPathComponent
        let script = (["set -euo pipefail", "cd '\(scratch)'", "swift() { :; }  # the suite built kechuang already", "export PATH='\(binary)':\"$PATH\""]
            + blocks.map { $0.replacingOccurrences(of: "export PATH=\"$PWD/.build/release:$PATH\"", with: ": PATH is set above") }).joined(separator: "\n")
        let run = try ProcessRunner.run("/bin/bash", ["-c", script], environment: ["KECHUANG_DATA": ""], timeout: 170)
        #expect(run.status == 0, "the README's commands failed:\n\(run.stderr.suffix(1500))\n\(run.stdout.suffix(500))")
        #expect(run.stdout.contains("Imported protocols/examples/sichuan.json: 19 records"), "\(run.stdout.prefix(500))")
        #expect(FileManager.default.fileExists(atPath: scratch + "/demo.json") && FileManager.default.fileExists(atPath: scratch + "/catalog.csv"))
    }
}
