import CLI
import Foundation
import Synchronization
import TestSupport
import Testing

/// Progress of long imports, exports and syncs (issue 15): one line on a terminal, rewritten
/// in place; nothing when standard error is not a terminal or with --quiet.
@Suite struct TerminalProgressTests {
    @Test func aTerminalSeesOneLineRewrittenAndThenCleared() throws {
        let written = Mutex<[String]>([])
        let progress = try #require(TerminalProgress(label: "import", unit: "records", quiet: false, isTerminal: true) { text in
            written.withLock { $0.append(text) }
        })
        progress.update(done: 12_000, share: 0.5, bytes: 4_200_000, force: true)
        progress.update(done: 12_001, share: 0.5)  // within a quarter second: not shown
        progress.finish()
        let lines = written.withLock { $0 }
        #expect(lines.count == 2, "\(lines)")
        #expect(lines.first?.hasPrefix("\r\u{1B}[Kimport: 12,000 records · 4.2 MB · ") == true && lines.first?.contains("50% · ") == true, "\(lines)")
        #expect(lines.last == "\r\u{1B}[K", "the line is cleared for the command's summary")
        #expect(TerminalProgress(label: "import", unit: "records", quiet: true, isTerminal: true) == nil, "--quiet")
        #expect(TerminalProgress(label: "import", unit: "records", quiet: false, isTerminal: false) == nil, "not a terminal")
        #expect(TerminalProgress.line(label: "sync sichuan", unit: "entries", done: 300, share: 0.25, bytes: nil, elapsed: 3).hasSuffix("300 entries · 100 entries/s · 25% · 9 s left"))
    }

    /// Without a terminal (a script, a log), the commands print only their own output.
    @Test func commandsAreSilentWithoutATerminal() throws {
        let cli = try CLI()
        try cli.initNode()
        let file = cli.data.file("records.json")
        #expect(try cli.run("generate", "--region", "sichuan", "--count", "1500", "--seed", "3", "--out", file).status == 0)
        let imported = try cli.run("import", file)
        #expect(imported.status == 0 && imported.stderr.isEmpty && !imported.stdout.contains("\r"), "\(imported.stderr)")
        let exported = try cli.run("export", cli.data.file("export"), "--quiet")
        #expect(exported.status == 0 && exported.stderr.isEmpty)
    }
}
