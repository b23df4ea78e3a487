import Foundation
import JSON
import TestSupport
import Testing

/// Deals across regions (issue 12) as operators record them: real processes, three synced nodes.
@Suite struct DealCLITests {
    /// Done-when of issue 12: a deal created on Chongqing and recorded again by Sichuan with
    /// `same_as` merges into one deal with the highest stage and both sides' events on all three
    /// nodes; `deals_digest` and the funnel agree on all three; the HTTP answers are the CLI's.
    @Test(.timeLimit(.minutes(5)))
    func aDealRecordedByTwoRegionsMergesIntoOneOnEveryNode() throws {
        let nodes = try FederationNode.threeRegions()
        defer { nodes.forEach { $0.stop() } }
        let (sichuan, beijing, chongqing) = (nodes[0], nodes[1], nodes[2])

        let digestBefore = try chongqing.stats()["catalog_digest"]
        let created = try chongqing.cli.run(
            "deal", "create", "--demand", "cq-chal-002", "--supply", "sichuan:sc-ach-001", "--agent", "王芳", "--amount", "1200000.00",
            "--contract", "CQ-SC-2026-01", "--id", "d-1")
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "chongqing:~deal.d-1")
        for node in nodes { _ = try node.sync() }
        #expect(try chongqing.stats()["catalog_digest"] == digestBefore, "recording a deal changes no project")
        let recorded = try sichuan.cli.run(
            "deal", "create", "--demand", "chongqing:cq-chal-002", "--supply", "sc-ach-001", "--same-as", "chongqing:~deal.d-1", "--id", "d-7")
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let advanced = try sichuan.cli.run("deal", "advance", "d-7", "signing", "--date", "2026-12-05", "--note", "四川签约")
        #expect(advanced.status == 0, "\(advanced.stderr)")
        let talks = try chongqing.cli.run("deal", "advance", "d-1", "matchmaking", "--date", "2026-12-04", "--note", "重庆洽谈")
        #expect(talks.status == 0, "\(talks.stderr)")
        for node in nodes { _ = try node.sync() }

        var shown: [JSONValue] = []
        for node in nodes {
            let deal = try node.cli.json("deal", "show", "chongqing:~deal.d-1", "--json")
            shown.append(deal)
            #expect(deal["deal"]?.stringValue == "chongqing:~deal.d-1", "\(node.id)")
            #expect((deal["members"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue } == ["chongqing:~deal.d-1", "sichuan:~deal.d-7"])
            #expect(deal["record"]?["stage"]?.stringValue == "signing", "\(node.id): the highest stage")
            let notes = (deal["record"]?["events"]?.arrayValue ?? []).compactMap { $0["note"]?.stringValue }
            #expect(notes.contains("四川签约") && notes.contains("重庆洽谈"), "\(node.id): \(notes)")
            #expect((deal["conflicts"]?.arrayValue ?? []).contains { $0["field"]?.stringValue == "amount" }, "Sichuan stated no amount")
        }
        #expect(shown.dropFirst().allSatisfy { $0 == shown[0] }, "one deal, the same on every node")
        let stats = try nodes.map { try $0.stats() }
        #expect(stats.allSatisfy { $0["deals"]?.intValue == 1 })
        #expect(Set(stats.map { $0["deals_digest"]?.stringValue ?? "" }).count == 1, "\(stats.map { $0["deals_digest"] })")
        #expect(stats.dropFirst().allSatisfy { $0["funnel"] == stats[0]["funnel"] }, "the same funnel everywhere")
        #expect(stats[0]["funnel"]?["total"]?["deals"]?["signing"]?.intValue == 1)
        #expect(stats[0]["funnel"]?["regions"]?["sichuan"]?["deals"]?["signing"]?.intValue == 1)

        // Over HTTP, the same deal and the same funnel.
        let http = try JSONParser.parse(Array(try beijing.get("/v1/deals/sichuan:~deal.d-7").utf8))
        #expect(http == shown[1])
        let list = try JSONParser.parse(Array(try beijing.get("/v1/deals?limit=1").utf8))
        #expect(list["total"]?.intValue == 1 && list["next_cursor"] == .null)
        #expect(try JSONParser.parse(Array(try chongqing.get("/v1/funnel").utf8)) == stats[2]["funnel"])

        // Bad input changes nothing: exit 2 naming the problem, or 1 for an unknown deal.
        for (arguments, expected) in [
            (["deal", "create", "--demand", "cq-chal-404", "--supply", "sichuan:sc-ach-001"], "no such project"),
            (["deal", "create", "--demand", "cq-ach-001", "--supply", "sichuan:sc-ach-001"], "expected challenge"),
            (["deal", "create", "--demand", "cq-chal-001", "--supply", "sichuan:sc-ach-001", "--amount", "12万"], "--amount"),
            (["deal", "advance", "d-1", "publication"], "never goes back"),
            (["deal", "advance", "sichuan:~deal.d-7", "deployment"], "--same-as"),
            (["deal", "close", "d-1", "--status", "done"], "closed or abandoned"),
        ] {
            let result = try chongqing.cli.run(arguments)
            #expect(result.status == 2 && result.stderr.contains(expected), "\(arguments): \(result.stderr)")
        }
        #expect(try chongqing.cli.run("deal", "show", "chongqing:~deal.nope").status == 1)
        #expect(try chongqing.stats()["deals_digest"] == stats[2]["deals_digest"], "nothing changed")

        // Redaction: the service agent and the event notes leave the published deal.
        #expect(try chongqing.cli.run("redact", "chongqing:~deal.d-1").status == 0)
        let redacted = try chongqing.cli.json("deal", "show", "d-1", "--json")
        let member = try #require(redacted["members"]?.arrayValue?.first { $0["id"]?.stringValue == "chongqing:~deal.d-1" })
        #expect(member["version"]?.intValue == 4, "create 1, advance 2, redact 3, re-published 4: \(member)")
        let page = try chongqing.get("/feeds/chongqing/pages/0.jsonl")
        #expect(!page.isEmpty)
        let bodies = try chongqing.cli.run("dump")
        #expect(!bodies.stdout.contains("王芳") && !bodies.stdout.contains("重庆洽谈"), "no agent or note left")
    }
}
