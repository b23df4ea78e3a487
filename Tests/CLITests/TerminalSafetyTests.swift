import Foundation
import JSON
import TestSupport
import Testing

/// Text a peer or a record carries reaches the operator's terminal as text: escape sequences,
/// C1 controls, line separators and bidi controls are shown escaped (`\u{1B}`), Chinese as it is,
/// and `--json` output unchanged.
@Suite struct TerminalSafetyTests {
    /// What no human output may hold raw: ESC, BEL, CR, CSI, OSC, NEL, LS, RLO.
    static let raw: [Character] = ["\u{1B}", "\u{07}", "\r", "\u{9B}", "\u{9D}", "\u{85}", "\u{2028}", "\u{202E}"]

    static func expectNoRawControl(_ text: String, _ place: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for character in raw {
            #expect(!text.unicodeScalars.contains(character.unicodeScalars.first!), "\(place) holds U+\(String(character.unicodeScalars.first!.value, radix: 16)) raw: \(text.debugDescription)", sourceLocation: sourceLocation)
        }
    }

    @Test func aPeersEscapeSequencesAreShownEscapedBySyncAndPeerStatus() throws {
        let beijing = try CLI()
        try beijing.initNode("beijing")
        let key = try #require(try beijing.json("keys", "show", "--json")["root"]?["key"]?.stringValue)
        // A checkpoints.json whose type would turn the terminal red, retitle it and clear it.
        let hostile = try TestServer(Behaviour.fixed(body: Array(#"{"type":"\u001b[31mRED\u001b]0;pwned\u0007\u001b[2J"}"#.utf8)))
        defer { hostile.stop() }

        let cli = try CLI()
        try cli.initNode()
        #expect(try cli.run("peer", "add", "beijing", hostile.baseURL, "--root-key", key).status == 0)
        let synced = try cli.run("sync")
        #expect(synced.status == 1)
        Self.expectNoRawControl(synced.stdout + synced.stderr, "sync")
        #expect((synced.stdout + synced.stderr).contains(#"\u{1B}[31mRED\u{1B}]0;pwned\u{7}\u{1B}[2J"#), "\(synced.stdout)\(synced.stderr)")

        let status = try cli.run("peer", "status")
        Self.expectNoRawControl(status.stdout, "peer status")
        #expect(status.stdout.contains(#"\u{1B}[31mRED"#), "\(status.stdout)")
        // The JSON keeps the error as it was, JSON-escaped.
        let json = try cli.run("peer", "status", "--json")
        #expect(json.stdout.contains(#"\u001b[31mRED"#), "\(json.stdout)")
        let error = try JSONParser.parse(Array(json.stdout.utf8))["peers"]?[0]?["last_error"]?.stringValue
        #expect(error?.contains("\u{1B}[31mRED\u{1B}]0;pwned\u{07}\u{1B}[2J") == true, "\(error ?? "nil")")
    }

    @Test(arguments: [("\u{202E}", "U+202E, a bidi control"), ("\u{2069}", "U+2069, a bidi control"), ("\u{9B}", "control character"), ("\u{2028}", "U+2028, a line or paragraph separator")])
    func aTitleWithAControlIsRefusedNamingTheField(_ control: String, _ reason: String) throws {
        let cli = try CLI()
        try cli.initNode()
        let file = try cli.data.write("catalog.json", RecordFixture.jsonArray([RecordFixture.supply("x1", title: "abc\(control)gnp.exe 成果")]))
        let imported = try cli.run("import", file)
        #expect(imported.status == 2, "\(imported.stdout)")
        #expect(imported.stderr.contains("title") && imported.stderr.contains(reason), "\(imported.stderr)")
        Self.expectNoRawControl(imported.stderr, "import's error")
    }

    /// The human record printers write through the same choke point (`Output.line`): Chinese is
    /// unchanged, and `--json` is the JSON it was.
    @Test func listAndSearchKeepChineseAndJSONIsUnchanged() throws {
        let cli = try CLI()
        try cli.initNode()
        let title = "国内首台50MW重型燃气轮机研制及商业应用"
        let summary = "第一行\n第二行\r覆盖\u{202E}gnp.exe\u{2028}尾"
        let file = try cli.data.write("catalog.json", RecordFixture.jsonArray([RecordFixture.supply("g1", title: title, summary: summary)]))
        #expect(try cli.run("import", file).status == 0)
        for arguments in [["list"], ["search", "燃气轮机"]] {
            let shown = try cli.run(arguments)
            #expect(shown.status == 0 && shown.stdout.contains(title), "\(arguments): \(shown.stdout)")
        }
        let shown = try cli.json("show", "g1")
        #expect(shown["summary"]?.stringValue == summary, "the multi-line summary keeps what it may hold")
        #expect(shown["title"]?.stringValue == title)
        // `show` prints JSON to a terminal: the same value, but CR is \r (JSON's own escape) and
        // the override and line separator are \u escapes, not characters a terminal obeys.
        let printed = try cli.run("show", "g1")
        #expect(printed.status == 0 && printed.stdout.contains(title))
        #expect(printed.stdout.contains(#"\u202e"#) && printed.stdout.contains(#"\u2028"#), "\(printed.stdout)")
        Self.expectNoRawControl(printed.stdout, "show's JSON")
        #expect(try JSONParser.parse(Array(printed.stdout.utf8))["summary"]?.stringValue == summary)
    }
}
