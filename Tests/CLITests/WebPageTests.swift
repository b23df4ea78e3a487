import Foundation
import JSON
import TestSupport
import Testing

/// The web page (issue 14), served by real `kechuang serve` processes: its answers and headers,
/// and, in Debian's headless chromium, what a user sees and that a hostile peer's texts run nothing.
@Suite(.serialized) struct WebPageTests {
    /// In every text field of a record a peer publishes: markup, quotes, a closing textarea, an
    /// image whose error handler would run.
    static let payload = #"<script>window.__xss=1</script>"'</textarea><img src=x onerror="window.__xss=2">"#
    /// For the fields of at most 50 characters (names) and 40 (keywords).
    static let name = #""'</textarea><script>window.__xss=3</script>"#
    static let keyword = #"<img src=x onerror=window.__xss=4>"#

    /// Three synced nodes; Beijing publishes a hostile record, Sichuan (the node under test)
    /// holds everything, a roadshow and a deal naming it, and the stored match pairs.
    final class Federation {
        let sichuan: FederationNode, beijing: FederationNode, chongqing: FederationNode
        let hostile = "beijing:bj-hostile-1"

        init() throws {
            sichuan = try FederationNode("sichuan")
            beijing = try FederationNode("beijing", sample: false)
            chongqing = try FederationNode("chongqing")
            let record: JSONValue = [
                "id": "bj-hostile-1", "kind": "achievement", "title": .string("毫米波 " + WebPageTests.payload), "summary": .string(WebPageTests.payload),
                "description": .string(WebPageTests.payload), "industry": "electronics", "keywords": [.string("毫米波"), .string(WebPageTests.keyword)],
                "organization": ["name": .string(WebPageTests.payload), "type": "university", "region": "beijing"],
                "contact": ["name": .string(WebPageTests.name), "phone": "010-62345678", "visibility": "masked"],
                "service_agent": ["name": .string(WebPageTests.name), "organization": .string(WebPageTests.payload), "phone": "13912345678"],
                "valid_through": "2035-12-31", "trl": 6, "cooperation": ["licence"],
            ]
            let challenge: JSONValue = [
                "id": "bj-hostile-2", "kind": "challenge", "title": .string("毫米波难题 " + WebPageTests.payload), "summary": .string(WebPageTests.payload),
                "industry": "electronics", "keywords": [.string(WebPageTests.keyword)],
                "organization": ["name": .string(WebPageTests.payload), "type": "enterprise", "region": "beijing"],
                "problem": .string(WebPageTests.payload),
                "targets": [["metric": .string(WebPageTests.payload), "comparator": "<=", "value": "1", "unit": #"<b>"'</b>"#]],
                "budget": ["min": "100000", "max": "500000"], "valid_through": "2035-12-31",
            ]
            let file = beijing.cli.data.file("hostile.json")
            try ("[" + JSONWriter.string(record, pretty: false) + ",\n" + JSONWriter.string(challenge, pretty: false) + "]\n")
                .write(toFile: file, atomically: true, encoding: .utf8)
            let imported = try beijing.cli.run("import", file)
            try #require(imported.status == 0, "\(imported.stderr)")
            for node in [sichuan, beijing, chongqing] { try node.serve() }
            try sichuan.peer(beijing)
            try sichuan.peer(chongqing)
            _ = try sichuan.sync()
            let deal = try sichuan.cli.run("deal", "create", "--demand", "sc-chal-001", "--supply", hostile, "--id", "d-web")
            try #require(deal.status == 0, "\(deal.stderr)")
            let draft = sichuan.cli.data.file("roadshow.json")
            try """
                {"event": "web-2026", "title": \(JSONWriter.string(.string("路演 " + WebPageTests.payload), pretty: false)), "sessions": [{"id": "web-2026/a",
                 "name": "电子信息专场", "industries": ["electronics"], "date": "2026-12-10", "start": "2026-12-10T01:00:00Z", "place": "主会场",
                 "slots": [{"time": "2026-12-10T01:00:00Z", "project": "\(hostile)", "expert": \(JSONWriter.string(.string(WebPageTests.payload), pretty: false)), "why": \(JSONWriter.string(.string(WebPageTests.payload), pretty: false))},
                           {"time": "2026-12-10T01:10:00Z", "project": "sichuan:sc-tech-001"}]}]}
                """.write(toFile: draft, atomically: true, encoding: .utf8)
            let published = try sichuan.cli.run("roadshow", "publish", draft)
            try #require(published.status == 0, "\(published.stderr)")
            // The pairs of /matches, stored for this catalog as `match --all` stores them.
            try #require(try sichuan.cli.run("match", "--all", "--limit", "1").status == 0)
            // A peer that stops: the status page marks it.
            chongqing.stop()
            let failed = try sichuan.cli.run("sync")
            try #require(failed.status != 0, "a sync with a stopped peer fails: \(failed.stdout)")
        }

        func stop() { [sichuan, beijing, chongqing].forEach { $0.stop() } }
    }

    static let pages: [(name: String, path: String)] = [
        ("search", "/?q=%E6%AF%AB%E7%B1%B3%E6%B3%A2"), ("search-traditional", "/?q=%E5%85%88%E9%80%B2%E6%AF%AB%E7%B1%B3%E6%B3%A2"),
        ("project", "/p/sichuan:sc-tech-001"), ("project-hostile", "/p/beijing:bj-hostile-1"),
        ("project-hostile-challenge", "/p/beijing:bj-hostile-2"), ("matches", "/matches"),
        ("roadshows", "/roadshows"), ("roadshow", "/roadshows/sichuan:~roadshow.web-2026"), ("deals", "/deals"), ("status", "/status"),
        ("import", "/import"),
    ]

    /// `curl -i`: the status, the headers (lowercased names) and the body.
    static func fetch(_ url: String) throws -> (status: Int, headers: [String: String], body: String) {
        let result = try ProcessRunner.run("/usr/bin/curl", ["-s", "-i", "--max-time", "20", url], timeout: 60)
        let parts = result.stdout.components(separatedBy: "\r\n\r\n")
        let head = parts.first?.components(separatedBy: "\r\n") ?? []
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let status = Int(head.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, headers, parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    @Test(.timeLimit(.minutes(3)))
    func everyPageAnswersWithItsHeadersAndShowsHostileTextAsText() throws {
        let federation = try Federation()
        defer { federation.stop() }
        let base = federation.sichuan.base
        for (name, path) in Self.pages {
            let page = try Self.fetch(base + path)
            #expect(page.status == 200, "\(name): \(page.status) \(page.body.prefix(300))")
            #expect(page.headers["content-type"] == "text/html; charset=utf-8", "\(name)")
            #expect(page.headers["content-security-policy"]?.contains("script-src 'self'") == true, "\(name)")
            #expect(page.headers["content-security-policy"]?.contains("unsafe") == false, "\(name): no inline script or style allowed")
            #expect(page.headers["x-content-type-options"] == "nosniff", "\(name)")
            #expect(page.body.hasPrefix("<!doctype html>\n<html lang=\"zh-CN\">"), "\(name)")
            #expect(!page.body.contains("<script>window") && !page.body.contains("<img src=x") && !page.body.contains("</textarea>"), "\(name): a text became markup")
            #expect(!page.body.contains("style=") && !page.body.contains("<style"), "\(name): no inline style")
            #expect(!page.body.contains("13912345678") && !page.body.contains("010-62345678"), "\(name): phones masked")
        }
        let hostile = try Self.fetch(base + "/p/beijing:bj-hostile-1").body
        #expect(hostile.contains("&lt;script&gt;window.__xss=1&lt;/script&gt;&quot;&#39;&lt;/textarea&gt;"), "shown escaped")
        let challenge = try Self.fetch(base + "/p/beijing:bj-hostile-2").body
        #expect(challenge.contains("技术难题") && challenge.contains("&lt;b&gt;&quot;&#39;&lt;/b&gt;"), "the challenge's problem and targets, escaped")
        for asset in ["/static/kechuang.css", "/static/kechuang.js"] {
            let file = try Self.fetch(base + asset)
            #expect(file.status == 200 && file.headers["content-type"]?.hasPrefix(asset.hasSuffix("css") ? "text/css" : "text/javascript") == true)
        }
        let missing = try Self.fetch(base + "/p/sichuan:nope")
        #expect(missing.status == 404 && missing.headers["content-type"] == "text/html; charset=utf-8" && missing.body.contains("未找到"))
        let bad = try Self.fetch(base + "/?trl_min=12")
        #expect(bad.status == 400 && bad.body.contains("trl_min must be 1–9"))
        #expect(try Self.fetch(base + "/?bogus=1").status == 400)
        // A cursor that does not decode is the visitor's error, as on /v1/search (it was a 500).
        for cursor in ["zzz", "AAAA", "Mh8"] {
            let tampered = try Self.fetch(base + "/?cursor=" + cursor)
            #expect(tampered.status == 400 && tampered.body.contains("invalid cursor"), "cursor \(cursor): \(tampered.status)")
        }
        // Reads only: a body or another method is refused before a byte is read.
        let post = try ProcessRunner.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "--data", "x", base + "/"], timeout: 60)
        #expect(post.stdout == "405")
    }

    /// The tests of issue 14 in a real browser: search in either script, a project page with its
    /// origin, provenance and matches, the status page marking a stopped peer, every page at 390 px
    /// without horizontal scrolling, nothing of a hostile peer's texts run, the import form's
    /// errors with their lines; a screenshot of each page in `.build/screenshots/`.
    @Test(.timeLimit(.minutes(4)))
    func inARealBrowser() throws {
        let federation = try Federation()
        defer { federation.stop() }
        let base = federation.sichuan.base
        let shots = Repository.root + "/.build/screenshots"
        var steps: [JSONValue] = []
        for (name, path) in Self.pages {
            steps.append(["goto": .string(base + path)])
            steps.append(["eval": "document.body.innerText", "name": .string("\(name).text")])
            steps.append(["eval": "[document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]", "name": .string("\(name).widths")])
            steps.append(["eval": "String(window.__xss)", "name": .string("\(name).xss")])
            steps.append(["eval": "document.fonts.check('16px \"WenQuanYi Micro Hei\"') || document.fonts.check('16px \"Noto Sans CJK SC\"')", "name": .string("\(name).font")])
            steps.append(["screenshot": .string("\(shots)/\(name).png")])
        }
        // The import form: a CSV whose line 3 has an unknown industry, sent with the token typed in.
        let csv = federation.sichuan.cli.data.file("upload.csv")
        try """
            id,kind,title,summary,industry,organization.name,organization.type,organization.region,valid_through,trl,cooperation
            w1,technology,光电编码器,编码器,electronics,某所,institute,sichuan,2031-01-01,7,transfer
            w2,technology,激光测距仪,测距,robots,某所,institute,sichuan,2031-01-01,7,transfer

            """.write(toFile: csv, atomically: true, encoding: .utf8)
        let token = try String(contentsOfFile: federation.sichuan.cli.data.file("admin.token"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        steps += [
            ["goto": .string(base + "/import")],
            ["files": "#import-file", "paths": [.string(csv)]],
            ["fill": "#import-token", "value": .string(token)],
            ["click": "#import-form button[type=submit]"],
            ["wait": "document.querySelectorAll('#import-result .import-issue').length > 0", "timeout": 20],
            ["eval": "Array.from(document.querySelectorAll('#import-result .import-issue')).map(e => e.textContent)", "name": "import.issues"],
            ["eval": "document.cookie + '|' + localStorage.length + '|' + sessionStorage.length", "name": "import.stored"],
            ["screenshot": .string("\(shots)/import-errors.png")],
        ]
        let script = federation.sichuan.cli.data.file("browser.json")
        try JSONWriter.string(["width": 390, "height": 844, "steps": .array(steps)], pretty: false).write(toFile: script, atomically: true, encoding: .utf8)
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"), "chromium is missing: `make test` installs it (TEST_DEBS)")
        let run = try ProcessRunner.run("/usr/bin/python3", [Repository.root + "/Tests/CLITests/Fixtures/browser.py", script], timeout: 200)
        try #require(run.status == 0, "\(run.stderr)")
        let answer = try JSONParser.parse(Array(run.stdout.utf8))
        #expect(answer["error"] == .null, "\(answer["error"] ?? .null)")
        let results = answer["results"] ?? .null
        func text(_ name: String) -> String { results["\(name).text"]?.stringValue ?? "" }

        #expect(text("search").contains("先进毫米波感知技术"), "毫米波 finds it")
        #expect(text("search-traditional").contains("先进毫米波感知技术"), "先進毫米波 (Traditional) finds it")
        #expect(text("project").contains("sichuan") && text("project").contains("签名发布，检查点") && text("project").contains("已验证"), "origin and provenance")
        #expect(text("project").contains("匹配度"), "its matches")
        #expect(text("project-hostile").contains("由 北京（beijing） 签名发布") || text("project-hostile").contains("由 beijing 签名发布"), "a peer's record verifies against its pinned key: \(text("project-hostile").prefix(600))")
        #expect(text("status").contains("chongqing") && text("status").contains("异常"), "the stopped peer is marked")
        #expect(text("roadshow").contains("北京时间") && text("deals").contains("转化漏斗"))
        for (name, _) in Self.pages {
            let widths = results["\(name).widths"]?.arrayValue?.compactMap(\.intValue) ?? []
            #expect(widths.count == 3 && widths[0] <= 390 && widths[1] <= 390, "\(name) scrolls sideways at 390 px: \(widths)")
            #expect(results["\(name).xss"] == "undefined", "\(name): a hostile text ran")
            #expect(results["\(name).font"] == .bool(true), "\(name): a CJK font renders the Chinese")
            #expect(FileManager.default.fileExists(atPath: "\(shots)/\(name).png"), "\(name): no screenshot")
        }
        #expect(text("project-hostile").contains("<script>window.__xss=1</script>"), "the hostile text is shown as text")
        #expect(answer["dialogs"]?.arrayValue == [], "no dialog opened: \(answer["dialogs"] ?? .null)")
        #expect(answer["exceptions"]?.arrayValue == [], "no script error: \(answer["exceptions"] ?? .null)")
        let issues = results["import.issues"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(issues.contains { $0.contains("第 3 行") && $0.contains("industry") }, "the import's error with its line: \(issues)")
        #expect(results["import.stored"] == "|0|0", "the token is kept nowhere")
        #expect(try federation.sichuan.cli.run("show", "w1").status == 1, "a refused import imports nothing")
    }
}
