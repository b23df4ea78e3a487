import Foundation
import JSON
import TestSupport
import Testing

/// Roadshows across regions (issue 13) as organisers meet them: real processes, three synced nodes.
@Suite struct RoadshowCLITests {
    /// Done-when of issue 13: a plan made from the synced catalog and published on Sichuan appears
    /// identically on Beijing and Chongqing, verified as Sichuan's; a withdrawal reaches all three;
    /// a malformed plan file is refused with its line and nothing is published.
    @Test(.timeLimit(.minutes(5)))
    func aPlanPublishedOnSichuanIsTheSameAgendaOnEveryNode() throws {
        let nodes = try FederationNode.threeRegions(generated: 60)
        defer { nodes.forEach { $0.stop() } }
        let (sichuan, beijing, chongqing) = (nodes[0], nodes[1], nodes[2])

        // Plan from the synced catalog: deterministic, every session filled from several regions.
        let draft = sichuan.cli.data.file("plan.json")
        let planned = try sichuan.cli.run(
            "roadshow", "plan", "--event", "tianfu-2024", "--title", "京川渝科创项目路演", "--per-session", "4", "--date", "2026-12-10", "--out", draft)
        #expect(planned.status == 0, "\(planned.stderr)")
        #expect(planned.stdout.contains("tianfu-2024/electronics-equipment"), "the summary names the sessions: \(planned.stdout)")
        let again = try sichuan.cli.run(
            "roadshow", "plan", "--event", "tianfu-2024", "--title", "京川渝科创项目路演", "--per-session", "4", "--date", "2026-12-10")
        let draftBytes = try #require(FileManager.default.contents(atPath: draft))
        #expect(Array(again.stdout.utf8) == Array(draftBytes), "the same catalog and options give the same bytes")
        let plan = try JSONParser.parse(Array(draftBytes))
        let sessions = try #require(plan["sessions"]?.arrayValue)
        #expect(sessions.count == 5)
        let projects = sessions.flatMap { ($0["slots"]?.arrayValue ?? []).compactMap { $0["project"]?.stringValue } }
        #expect(Set(projects).count == projects.count, "no project twice")
        #expect(Set(projects.map { $0.prefix { $0 != ":" } }).count == 3, "projects of all three origins: \(projects)")
        #expect(sessions.allSatisfy { ($0["slots"]?.arrayValue ?? []).allSatisfy { ($0["why"]?.stringValue ?? "").contains("评分") } })

        // Publish on Sichuan; after a sync, the same roadshow on every node, verified as Sichuan's.
        let published = try sichuan.cli.run("roadshow", "publish", draft)
        #expect(published.status == 0, "\(published.stderr)")
        let id = published.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id == "sichuan:~roadshow.tianfu-2024")
        for node in nodes { _ = try node.sync() }
        let shown = try nodes.map { try $0.cli.json("roadshow", "show", id, "--json") }
        #expect(shown.dropFirst().allSatisfy { $0 == shown[0] }, "one agenda, the same on every node")
        #expect(shown[0]["origin"]?.stringValue == "sichuan" && shown[0]["roadshow"]?["status"]?.stringValue == "published")
        #expect(shown[0]["unknown"]?.arrayValue == [], "every project is held everywhere")
        #expect(shown[0]["roadshow"]?["sessions"] == plan["sessions"], "the published sessions are the draft's")
        let verified = try beijing.cli.run("verify", beijing.base, "--origin", "sichuan", "--root-key", sichuan.root)
        #expect(verified.status == 0, "Beijing relays Sichuan's signed log as it is: \(verified.stdout) \(verified.stderr)")
        let size = try #require(JSONParser.parse(Array(try beijing.get("/feeds/sichuan/checkpoint.json").utf8))["size"]?.intValue)
        #expect(try beijing.get("/feeds/sichuan/pages/0.p\(size).jsonl").contains(id), "the entry is in the log Beijing relays")
        let http = try JSONParser.parse(Array(try chongqing.get("/v1/roadshows/\(id)").utf8))
        #expect(http == shown[2], "HTTP answers what the CLI prints")
        let list = try JSONParser.parse(Array(try beijing.get("/v1/roadshows?limit=1").utf8))
        #expect(list["total"]?.intValue == 1 && list["roadshows"]?[0]?["id"]?.stringValue == id)
        let html = try chongqing.get("/v1/roadshows/\(id).html")
        #expect(html.contains("京川渝科创项目路演") && html.contains("北京时间") && html.contains("09:00"), "\(html.prefix(300))")
        let csv = chongqing.cli.data.file("agenda.csv")
        #expect(try chongqing.cli.run("roadshow", "show", id, "--csv", csv).status == 0)
        let csvBytes = try #require(FileManager.default.contents(atPath: csv))
        #expect(Array(csvBytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "UTF-8 with BOM")

        // A malformed plan: refused with FILE:LINE, nothing published (no new version anywhere).
        var lines = String(decoding: draftBytes, as: UTF8.self).components(separatedBy: "\n")
        let projectLine = try #require(lines.firstIndex { $0.contains("\"project\"") })
        lines[projectLine] = lines[projectLine].replacingOccurrences(of: #""project": "[^"]*""#, with: #""project": "sichuan:no-such-project""#, options: .regularExpression)
        let bad = sichuan.cli.data.file("plan-bad.json")
        try lines.joined(separator: "\n").write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try sichuan.cli.run("roadshow", "publish", bad)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("\(bad):\(projectLine + 1): sessions[") && refused.stderr.contains("sichuan:no-such-project is not in the unified catalog"), "\(refused.stderr)")
        let syntax = sichuan.cli.data.file("plan-syntax.json")
        try "{\n  \"event\": \"tianfu-2024\",\n  \"title\": 路演\n}\n".write(toFile: syntax, atomically: true, encoding: .utf8)
        let unparsable = try sichuan.cli.run("roadshow", "publish", syntax)
        #expect(unparsable.status == 2 && unparsable.stderr.contains("\(syntax):3: (file): not JSON"), "\(unparsable.stderr)")
        #expect(try sichuan.cli.json("roadshow", "show", id, "--json")["roadshow"]?["version"]?.intValue == 1, "nothing was published")

        // Over HTTP: 401 without the token, 400 with the problems, nothing published.
        let token = try String(contentsOfFile: sichuan.cli.data.file("admin.token"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let badBody = sichuan.cli.data.file("put.json")
        try lines.joined(separator: "\n").write(toFile: badBody, atomically: true, encoding: .utf8)
        func put(_ headers: [String]) throws -> (status: Int, body: String) {
            var arguments = ["-s", "-o", "-", "-w", "\n%{http_code}", "-X", "PUT", "--max-time", "20", "--data-binary", "@\(badBody)"]
            for header in headers { arguments += ["-H", header] }
            let result = try ProcessRunner.run("/usr/bin/curl", arguments + [sichuan.base + "/v1/roadshows/tianfu-2024"], timeout: 60)
            let parts = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            return (Int(parts.last ?? "") ?? 0, parts.dropLast().joined(separator: "\n"))
        }
        #expect(try put([]).status == 401)
        let answer = try put(["Authorization: Bearer \(token)", "Content-Type: application/json"])
        #expect(answer.status == 400, "\(answer.body)")
        let problems = try JSONParser.parse(Array(answer.body.utf8))["error"]?["issues"]?.arrayValue ?? []
        #expect(problems.first?["line"]?.intValue == projectLine + 1 && problems.first?["field"]?.stringValue?.hasSuffix(".project") == true, "\(answer.body)")
        #expect(try sichuan.cli.json("roadshow", "show", id, "--json")["roadshow"]?["version"]?.intValue == 1, "nothing was published")

        // A project that leaves the catalog is shown as unknown, the same way on every node.
        let gone = try #require(projects.first { $0.hasPrefix("sichuan:") })
        #expect(try sichuan.cli.run("delete", gone).status == 0)
        for node in nodes { _ = try node.sync() }
        let afterDelete = try nodes.map { try $0.cli.json("roadshow", "show", id, "--json") }
        #expect(afterDelete.allSatisfy { $0["unknown"]?.arrayValue == [.string(gone)] }, "\(afterDelete.map { $0["unknown"] })")
        #expect(afterDelete.dropFirst().allSatisfy { $0 == afterDelete[0] })
        #expect(try beijing.cli.run("roadshow", "show", id).stdout.contains("\(gone)（本节点未收录 unknown here）"))

        // The withdrawal reaches all three; only Sichuan can withdraw it.
        #expect(try beijing.cli.run("roadshow", "withdraw", id).status == 2)
        let withdrawn = try sichuan.cli.run("roadshow", "withdraw", "tianfu-2024")
        #expect(withdrawn.status == 0, "\(withdrawn.stderr)")
        for node in nodes { _ = try node.sync() }
        for node in nodes {
            let roadshow = try node.cli.json("roadshow", "show", id, "--json")["roadshow"]
            #expect(roadshow?["status"]?.stringValue == "withdrawn" && roadshow?["version"]?.intValue == 2, "\(node.id)")
        }
        #expect(try chongqing.get("/v1/roadshows/\(id).html").contains("已撤回"))
        #expect(try chongqing.cli.run("roadshow", "show", "sichuan:~roadshow.nope").status == 1)
    }

    /// Planning on one node whose catalog holds organisations of three regions: every region
    /// present among a session's candidates gets its minimum share, the overseas session takes
    /// only overseas projects, no project twice; a layout file is used as given, and a malformed
    /// one is refused at its line.
    @Test(.timeLimit(.minutes(3)))
    func planningBalancesRegionsAndReadsALayoutFile() throws {
        let cli = try CLI()
        try cli.initNode()
        for (region, seed, count) in [("sichuan", "1", "240"), ("beijing", "3", "40"), ("chongqing", "5", "40")] {
            let file = cli.data.file("\(region).json")
            #expect(try cli.run("generate", "--region", region, "--count", count, "--seed", seed, "--out", file).status == 0)
            // This node's own records, of organisations of the three regions.
            let text = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "\"\(region):g\(seed)-", with: "\"sichuan:g\(seed)-")
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let imported = try cli.run("import", file)
            #expect(imported.status == 0, "\(imported.stderr)")
        }
        let plan = try cli.json("roadshow", "plan", "--event", "tianfu-2024", "--title", "路演", "--per-session", "12", "--date", "2026-12-10")
        let sessions = try #require(plan["sessions"]?.arrayValue)
        var seen: Set<String> = []
        for session in sessions {
            let slots = session["slots"]?.arrayValue ?? []
            let overseas = session["id"]?.stringValue == "tianfu-2024/overseas"
            var regions: [String: Int] = [:]
            for slot in slots {
                let id = try #require(slot["project"]?.stringValue)
                #expect(seen.insert(id).inserted, "\(id) twice")
                let record = try cli.json("show", id)
                regions[record["organization"]?["region"]?.stringValue ?? "", default: 0] += 1
                if overseas {
                    #expect((record["sessions"]?.arrayValue ?? []).contains("tianfu-2024/overseas") || record["organization"]?["region"] == "overseas", "\(id)")
                } else {
                    let industries = (session["industries"]?.arrayValue ?? []).compactMap(\.stringValue)
                    #expect(industries.contains(record["industry"]?.stringValue ?? ""), "\(id) in \(session["id"] ?? .null)")
                }
            }
            #expect(slots.count == 12 || overseas, "\(session["id"] ?? .null): \(slots.count)")
            // Three regions present: at least ⌊12 / (2 · 3)⌋ = 2 each.
            if !overseas { #expect(["sichuan", "beijing", "chongqing"].allSatisfy { regions[$0, default: 0] >= 2 }, "\(session["id"] ?? .null): \(regions)") }
        }

        // A layout file, used as given (Beijing times stored in UTC).
        let layout = cli.data.file("layout.json")
        try """
            {"sessions": [
              {"id": "health", "name": "医药健康专场", "industries": ["health"], "slots": 3, "date": "2026-12-11", "start": "07:30", "place": "B 厅", "slot_minutes": 20}
            ]}
            """.write(toFile: layout, atomically: true, encoding: .utf8)
        let custom = try cli.json("roadshow", "plan", "--event", "expo-2026", "--title", "医药路演", "--sessions", layout, "--date", "2026-12-10")
        let session = try #require(custom["sessions"]?[0])
        #expect(session["id"] == "expo-2026/health" && session["start"] == "2026-12-10T23:30:00Z" && session["date"] == "2026-12-11")
        #expect((session["slots"]?.arrayValue ?? []).compactMap { $0["time"]?.stringValue } == ["2026-12-10T23:30:00Z", "2026-12-10T23:50:00Z", "2026-12-11T00:10:00Z"])
        try """
            {"sessions": [
              {"id": "health", "name": "医药健康专场", "industries": ["health"], "slots": 3,
               "date": "2026-12-11", "start": "7.30", "place": "B 厅"}
            ]}
            """.write(toFile: layout, atomically: true, encoding: .utf8)
        let refused = try cli.run("roadshow", "plan", "--event", "expo-2026", "--title", "医药路演", "--sessions", layout)
        #expect(refused.status == 2 && refused.stderr.contains("\(layout):3: sessions[0].start: 7.30 is not HH:MM"), "\(refused.stderr)")
    }
}
