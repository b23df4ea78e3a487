import Foundation
import JSON
import TestSupport
import Testing

/// `kechuang match` as operators run it: real processes, three synced regional nodes.
@Suite struct MatchCLITests {
    /// An import-form record of a matching scenario: laser detection of combustible gas.
    static func record(_ id: String, kind: String, title: String, summary: String, keywords: [String], region: String, extra: String) -> String {
        let keywordList = keywords.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
            {"id": "\(id)", "kind": "\(kind)", "title": "\(title)", "summary": "\(summary)", "industry": "electronics",
             "keywords": [\(keywordList)], "organization": {"name": "\(region)测试单位\(id)", "type": "enterprise", "region": "\(region)"},
             "valid_through": "2099-12-31", \(extra)}
            """
    }

    static let supply = #""trl": 7, "cooperation": ["licence", "joint_development"], "price": {"mode": "fixed", "amount": "500000"}"#

    /// Writes `records` as an import file in the node's directory and imports it.
    static func importRecords(_ node: FederationNode, _ records: [String]) throws {
        let path = node.cli.data.file("match-\(node.id).json")
        try Data(("[" + records.joined(separator: ",\n") + "]").utf8).write(to: URL(fileURLWithPath: path))
        let result = try node.cli.run("import", path)
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// Done-when of issue 10: on three synced nodes a Chongqing challenge gets ranked Sichuan and
    /// Beijing solutions with reasons naming their shared terms; `--cross-region` drops the
    /// same-region one; the HTTP answer is the CLI's, and bad requests get the API's JSON errors.
    @Test(.timeLimit(.minutes(5)))
    func chongqingChallengeGetsSichuanAndBeijingSolutionsAcrossSyncedNodes() throws {
        let nodes = try ["sichuan", "beijing", "chongqing"].map { try FederationNode($0) }
        defer { nodes.forEach { $0.stop() } }
        let (sichuan, beijing, chongqing) = (nodes[0], nodes[1], nodes[2])
        try Self.importRecords(chongqing, [
            Self.record(
                "cq-gas-001", kind: "challenge", title: "家用可燃气体探测器的研发",
                summary: "需要低功耗、免标定的家用甲烷泄漏报警装置。", keywords: ["激光甲烷检测", "燃气泄漏报警"], region: "chongqing",
                extra: #""problem": "现有催化燃烧式探测器易中毒、需频繁标定，误报多。", "targets": [{"metric": "检测下限", "comparator": "<=", "value": "1", "unit": "%LEL"}, {"metric": "技术成熟度TRL", "comparator": ">=", "value": "6"}], "budget": {"min": "300000", "max": "800000"}, "wanted_modes": ["licence"]"#),
            Self.record(
                "cq-gas-002", kind: "technology", title: "重庆本地燃气泄漏报警器", summary: "本地企业的激光甲烷检测报警器。",
                keywords: ["激光甲烷检测", "燃气泄漏报警"], region: "chongqing", extra: Self.supply),
        ])
        try Self.importRecords(sichuan, [
            Self.record(
                "sc-gas-001", kind: "technology", title: "可调谐半导体激光甲烷检测模组", summary: "基于TDLAS的激光甲烷检测，免标定。",
                keywords: ["激光甲烷检测", "TDLAS"], region: "sichuan", extra: Self.supply)
        ])
        try Self.importRecords(beijing, [
            Self.record(
                "bj-gas-001", kind: "achievement", title: "开放光路燃气泄漏报警系统", summary: "燃气泄漏报警与巡检一体化。",
                keywords: ["燃气泄漏报警", "光学遥测"], region: "beijing", extra: Self.supply),
            // Beijing lists Sichuan's module too: one cluster, one project, listed once.
            Self.record(
                "bj-gas-002", kind: "technology", title: "可调谐半导体激光甲烷检测模组（北京推介）", summary: "基于TDLAS的激光甲烷检测，免标定。",
                keywords: ["激光甲烷检测", "TDLAS"], region: "beijing", extra: Self.supply + #", "same_as": ["sichuan:sc-gas-001"]"#),
        ])
        for node in nodes { try node.serve() }
        for node in nodes {
            for other in nodes where other !== node { try node.peer(other) }
        }
        for node in nodes { _ = try node.sync() }

        let answer = try sichuan.cli.json("match", "chongqing:cq-gas-001", "--json")
        #expect(answer["for"]?["region"]?.stringValue == "chongqing")
        let results = answer["results"]?.arrayValue ?? []
        let ids = results.compactMap { $0["id"]?.stringValue }
        for expected in ["beijing:bj-gas-001", "chongqing:cq-gas-002"] {
            #expect(ids.contains(expected), "\(ids)")
        }
        let clusters = results.compactMap { $0["cluster"]?.stringValue }
        #expect(Set(clusters).count == clusters.count, "a cluster is listed once: \(clusters)")
        let module = try #require(results.first { $0["cluster"]?.stringValue == "beijing:bj-gas-002" }, "\(clusters)")
        #expect(["sichuan:sc-gas-001", "beijing:bj-gas-002"].contains(module["id"]?.stringValue ?? ""))
        #expect(!(ids.contains("sichuan:sc-gas-001") && ids.contains("beijing:bj-gas-002")), "\(ids)")
        var previous = 1.0
        for result in results {
            let score = try #require(result["score"]?.doubleValue)
            #expect(score <= previous && score > 0 && score <= 1)
            previous = score
            let reasons = result["reasons"]?.arrayValue ?? []
            let sum = reasons.reduce(0.0) { $0 + ($1["weight"]?.doubleValue ?? 0) }
            #expect(abs(sum - score) <= 0.001, "\(result)")
        }
        let sichuanResult = module
        let texts = (sichuanResult["reasons"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }
        #expect(texts.contains { $0.contains("激光甲烷检测") }, "\(texts)")
        #expect(texts.contains { $0.contains("TRL 7") && $0.contains("≥ 6") }, "\(texts)")
        #expect(texts.contains { $0.contains("重庆") && $0.contains("四川") }, "\(texts)")
        let beijingResult = try #require(results.first { $0["id"]?.stringValue == "beijing:bj-gas-001" })
        let beijingTexts = (beijingResult["reasons"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }
        #expect(beijingTexts.contains { $0.contains("燃气泄漏报警") }, "\(beijingTexts)")

        let cross = try beijing.cli.json("match", "chongqing:cq-gas-001", "--cross-region", "--json")
        let crossIDs = (cross["results"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
        let crossClusters = (cross["results"]?.arrayValue ?? []).compactMap { $0["cluster"]?.stringValue }
        #expect(crossClusters.contains("beijing:bj-gas-002") && crossIDs.contains("beijing:bj-gas-001"), "\(crossIDs)")
        #expect(!crossIDs.contains { $0.hasPrefix("chongqing:") }, "\(crossIDs)")

        let http = try JSONParser.parse(Array(try chongqing.get("/v1/matches?for=chongqing:cq-gas-001&cross_region=true").utf8))
        #expect((http["results"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue } == crossIDs)

        for (query, status) in [
            ("for=chongqing:nope", 404), ("for=bad%20id", 400), ("for=cq-gas-001&limit=0", 400), ("for=cq-gas-001&limit=101", 400),
            ("for=cq-gas-001&kind=widget", 400), ("for=cq-gas-001&all=true", 400), ("", 400), ("all=true&kind=finance", 400),
        ] {
            let result = try ProcessRunner.run(
                "/usr/bin/curl", ["-s", "-w", "\n%{http_code}", "--max-time", "20", chongqing.base + "/v1/matches?" + query], timeout: 60)
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.last.map(String.init) == String(status), "\(query): \(result.stdout)")
            let error = try JSONParser.parse(Array((lines.first.map(String.init) ?? "").utf8))
            #expect(error["error"]?["status"]?.intValue == status, "\(query): \(result.stdout)")
        }

        let all = try chongqing.cli.json("match", "--all", "--cross-region", "--limit", "100", "--json")
        let pairs = all["pairs"]?.arrayValue ?? []
        #expect(pairs.contains { $0["a"]?["id"]?.stringValue == "chongqing:cq-gas-001" && $0["b"]?["cluster"]?.stringValue == "beijing:bj-gas-002" })
        #expect(!pairs.contains { $0["a"]?["region"]?.stringValue == $0["b"]?["region"]?.stringValue }, "\(pairs)")
    }

    /// Unknown id exits 1; malformed id, limit, kind and lexicon file exit 2 naming the problem.
    @Test func badInputExitCodes() throws {
        let cli = try CLI()
        try cli.initNode("chongqing")
        #expect(try cli.run("import", Repository.root + "/protocols/examples/chongqing.json").status == 0)
        #expect(try cli.run("match", "cq-chal-001").status == 0)
        let unknown = try cli.run("match", "chongqing:nope")
        #expect(unknown.status == 1 && unknown.stderr.contains("no record chongqing:nope"), "\(unknown.stderr)")
        for arguments in [
            ["match", "bad id"], ["match", "cq-chal-001", "--limit", "0"], ["match", "cq-chal-001", "--limit", "101"],
            ["match", "cq-chal-001", "--kind", "widget"], ["match", "cq-chal-001", "--kind", "challenge"], ["match", "--all", "cq-chal-001"],
            ["match"],
        ] {
            let result = try cli.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
        }
        let lexicon = cli.data.file("lexicon.tsv")
        try Data("# ours\nelectronics\t毫米波|毫米波雷达\t车载感知\nwidgets\t甲|乙\n".utf8).write(to: URL(fileURLWithPath: lexicon))
        let bad = try cli.run("match", "cq-chal-001", "--lexicon", lexicon)
        #expect(bad.status == 2 && bad.stderr.contains("\(lexicon):3: unknown industry \"widgets\""), "\(bad.stderr)")
        try Data("electronics\t毫米波雷达|毫米波雷達\t视觉融合\n".utf8).write(to: URL(fileURLWithPath: lexicon))
        #expect(try cli.run("match", "cq-chal-001", "--lexicon", lexicon).status == 0)
        // The example the README and matching.md point to reads as it is.
        let example = try cli.run("match", "cq-chal-001", "--lexicon", Repository.root + "/protocols/examples/lexicon.tsv")
        #expect(example.status == 0, "\(example.stderr)")
    }

    /// `--cross-region` ranks only records of other regions: 320 same-region solutions that match
    /// better no longer use up the 300 candidates read, so the other region's solution is found.
    /// (Before, the 300 were all from the subject's region and the answer was empty.)
    @Test(.timeLimit(.minutes(3)))
    func crossRegionCandidatesAreNotCrowdedOutBySameRegionOnes() throws {
        let node = try FederationNode("sichuan", sample: false)
        var records = [
            Self.record(
                "gas-chal", kind: "challenge", title: "家用可燃气体激光探测器的研发", summary: "需要激光甲烷检测的家用燃气泄漏报警装置。",
                keywords: ["激光甲烷检测"], region: "sichuan", extra: #""problem": "现有探测器易中毒。", "budget": {"min": "300000", "max": "800000"}"#)
        ]
        for index in 0..<320 {
            records.append(Self.record(
                "same-\(index)", kind: "technology", title: "家用可燃气体激光探测器技术\(index)", summary: "激光甲烷检测的家用燃气泄漏报警装置。",
                keywords: ["激光甲烷检测"], region: "sichuan", extra: Self.supply))
        }
        records.append(Self.record(
            "other-1", kind: "technology", title: "可调谐激光甲烷传感模组", summary: "激光甲烷检测模组。", keywords: ["激光甲烷检测"], region: "beijing",
            extra: Self.supply))
        try Self.importRecords(node, records)
        let answer = try node.cli.json("match", "gas-chal", "--cross-region", "--limit", "3", "--json")
        let ids = (answer["results"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
        #expect(ids == ["sichuan:other-1"], "\(ids)")
    }
}
