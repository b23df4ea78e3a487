import Catalog
import Query
import Testing

/// The matcher's rules on hand-made clusters, without a store (protocols/matching.md).
@Suite struct MatcherTests {
    static let today = "2026-12-01"

    static func cluster(
        _ id: String, _ kind: ProjectKind, title: String, keywords: [String] = [], region: String, cluster: String? = nil,
        regions: [String]? = nil, validThrough: String = "2030-01-01", deadline: String? = nil, trl: Int = 7,
        targets: [Target] = [], industry: Industry = .electronics
    ) -> ClusterProject {
        let details: Details = switch kind {
        case .challenge: .challenge(Challenge(problem: title, targets: targets, deadline: deadline, wantedModes: [.licence]))
        case .finance: .finance(Finance(productType: .loan, provider: "银行"))
        default: .supply(Supply(trl: trl, cooperation: [.licence]))
        }
        let project = Project(
            id: RecordID(id)!, kind: kind, title: title, summary: title, industry: industry, keywords: keywords,
            organization: Organization(name: "单位", type: .enterprise, region: Region(code: region)!), validThrough: validThrough,
            details: details, version: 1)
        return ClusterProject(project: project, cluster: cluster ?? id, regions: regions ?? [region])
    }

    static let statistics = MatchStatistics(documents: 1000, pairFrequency: [:])

    let demand = cluster("chongqing:c1", .challenge, title: "燃气泄漏报警", keywords: ["燃气泄漏报警"], region: "chongqing")

    func rank(_ candidates: [ClusterProject], _ request: MatchRequest? = nil, lexicon: MatchLexicon = MatchLexicon()) throws -> [MatchResult] {
        try Matcher(lexicon: lexicon).rank(
            demand, candidates: candidates, request: request ?? MatchRequest(today: Self.today), statistics: Self.statistics)
    }

    @Test func theSubjectsClusterIsNeverMatchedAndAClusterIsListedOnce() throws {
        let results = try rank([
            Self.cluster("sichuan:s1", .technology, title: "燃气泄漏报警器", region: "sichuan", cluster: "chongqing:c1"),
            Self.cluster("sichuan:s2", .technology, title: "燃气泄漏报警系统", region: "sichuan", cluster: "beijing:b2"),
            Self.cluster("beijing:b2", .technology, title: "燃气泄漏报警系统", region: "beijing", cluster: "beijing:b2"),
        ])
        #expect(results.map(\.candidate.cluster) == ["beijing:b2"])
    }

    @Test func expiredRecordsAndChallengesPastTheirDeadlineAreLeftOutUnlessAsked() throws {
        let old = Self.cluster("sichuan:s1", .technology, title: "燃气泄漏报警器", region: "sichuan", validThrough: "2026-11-30")
        #expect(try rank([old]).isEmpty)
        #expect(try rank([old], MatchRequest(includeExpired: true, today: Self.today)).count == 1)
        let supply = Self.cluster("sichuan:s1", .technology, title: "燃气泄漏报警器", region: "sichuan")
        let late = Self.cluster("beijing:c2", .challenge, title: "燃气泄漏报警", region: "beijing", deadline: "2026-11-01")
        let matcher = Matcher(lexicon: MatchLexicon())
        #expect(try matcher.rank(supply, candidates: [late], request: MatchRequest(today: Self.today), statistics: Self.statistics).isEmpty)
        #expect(try matcher.rank(supply, candidates: [late], request: MatchRequest(includeExpired: true, today: Self.today), statistics: Self.statistics).count == 1)
    }

    @Test func crossRegionDropsClustersSharingARegion() throws {
        let candidates = [
            Self.cluster("sichuan:s1", .technology, title: "燃气泄漏报警器", region: "sichuan"),
            Self.cluster("chongqing:s2", .technology, title: "燃气泄漏报警器", region: "chongqing"),
            // A Sichuan steward with a Chongqing member shares a region with the demand.
            Self.cluster("sichuan:s3", .technology, title: "燃气泄漏报警器", region: "sichuan", regions: ["sichuan", "chongqing"]),
        ]
        #expect(try rank(candidates).count == 3)
        #expect(try rank(candidates, MatchRequest(crossRegion: true, today: Self.today)).map(\.candidate.cluster) == ["sichuan:s1"])
    }

    @Test func weightsSumToTheScoreAndTiesGoById() throws {
        let results = try rank([
            Self.cluster("sichuan:s2", .technology, title: "燃气泄漏报警器", region: "sichuan"),
            Self.cluster("sichuan:s1", .technology, title: "燃气泄漏报警器", region: "sichuan"),
            Self.cluster("beijing:b1", .achievement, title: "燃气报警", region: "beijing", trl: 3),
        ])
        #expect(results.count == 3)
        #expect(results[0].score == results[1].score)
        #expect(results.prefix(2).map(\.candidate.id.description) == ["sichuan:s1", "sichuan:s2"])
        #expect(results[2].score < results[1].score)
        for result in results {
            #expect(result.score > 0 && result.score <= 1)
            #expect(abs(result.reasons.reduce(0) { $0 + $1.weight } - result.score) <= 0.001)
            #expect(result.reasons.contains { $0.code == "region" && $0.text.contains("重庆") })
        }
    }

    @Test func aTRLTargetIsCheckedAgainstTheSupply() throws {
        let matcher = Matcher(lexicon: MatchLexicon())
        let subject = Self.cluster(
            "chongqing:c9", .challenge, title: "燃气泄漏报警", region: "chongqing",
            targets: [Target(metric: "技术成熟度", comparator: .atLeast, value: "6")])
        let low = Self.cluster("sichuan:s1", .technology, title: "燃气泄漏报警器", region: "sichuan", trl: 4)
        let high = Self.cluster("sichuan:s2", .technology, title: "燃气泄漏报警器", region: "sichuan", trl: 8)
        let results = try matcher.rank(subject, candidates: [low, high], request: MatchRequest(today: Self.today), statistics: Self.statistics)
        let texts = results.map { $0.reasons.first { $0.code == "trl" }?.text ?? "" }
        #expect(results.map(\.candidate.id.description) == ["sichuan:s2", "sichuan:s1"])
        #expect(texts == ["方案技术成熟度为TRL 8，达到需求目标“技术成熟度 ≥ 6”。", "方案技术成熟度为TRL 4，未达到需求目标“技术成熟度 ≥ 6”。"])
    }

    @Test func aLexiconBridgesASymptomAndATechniqueWithTraditionalFolded() throws {
        let candidate = Self.cluster("sichuan:s1", .technology, title: "可調諧激光甲烷遙測", region: "sichuan")
        #expect(try rank([candidate]).isEmpty, "nothing in common without the lexicon")
        let lexicon = try MatchLexicon(parsing: "electronics\t燃氣洩漏|漏氣\t激光甲烷遙測\n", file: "test.tsv")
        let results = try rank([candidate], lexicon: lexicon)
        let related = try #require(results.first?.reasons.first { $0.code == "related_terms" })
        #expect(related.text.contains("燃气泄漏") && related.text.contains("激光甲烷遥测"), "\(related.text)")
    }

    @Test func kindsAreCheckedAgainstTheSubject() throws {
        #expect(try Matcher.targetKinds(for: .challenge, requested: nil) == [.achievement, .technology])
        #expect(try Matcher.targetKinds(for: .technology, requested: .finance) == [.finance])
        #expect(throws: MatchError.self) { try Matcher.targetKinds(for: .challenge, requested: .challenge) }
        #expect(throws: MatchError.self) { try Matcher.targetKinds(for: .finance, requested: .finance) }
    }

    /// The server takes the shipped lexicon without a way to report an error: it must parse.
    @Test func theShippedLexiconParses() throws {
        let lexicon = try MatchLexicon(parsing: DomainLexicon.tsv, file: "DomainLexicon.tsv")
        for group in lexicon.groups { #expect(!group.terms.isEmpty) }
    }

    @Test(arguments: [
        ("electronics\n", 1, "expected 2 or 3 tab-separated columns"),
        ("# c\n\nwidgets\t甲乙\n", 3, "unknown industry \"widgets\""),
        ("*\t毫米波||雷达\n", 1, "an empty term"),
        ("*\t毫\n", 1, "shorter than 2 characters"),
        ("*\t\t雷达\n", 1, "the terms column is empty"),
        ("*\ta\tb\tc\n", 1, "found 4"),
    ])
    func malformedLexiconLinesNameFileAndLine(text: String, line: Int, problem: String) throws {
        let error = try #require(throws: MatchLexiconError.self) { try MatchLexicon(parsing: text, file: "ours.tsv") }
        #expect(error.line == line && error.file == "ours.tsv")
        #expect(error.description.hasPrefix("ours.tsv:\(line): ") && error.description.contains(problem), "\(error)")
    }
}
