import Catalog
import JSON
import Merge
import Testing

/// Clusters: `same_as` links and duplicate keys across origins, and nothing else.
@Suite struct ClusterTests {
    /// The member ids of each cluster of a full rebuild.
    static func clusters(_ records: [Project]) -> [[String]] {
        Merge.rebuild(records).map { $0.members.map(\.description) }
    }

    @Test func sameAsLinkDeclaredByOneSideClusters() {
        let records = [
            Fixture.project("sichuan:a1", title: "光电编码器"),
            Fixture.project("beijing:b1", title: "高精度光电编码器", sameAs: ["sichuan:a1"]),
            Fixture.project("chongqing:c1", title: "另一个项目"),
        ]
        #expect(Self.clusters(records) == [["beijing:b1", "sichuan:a1"], ["chongqing:c1"]])
    }

    @Test func linkToMissingRecordDoesNothing() {
        let records = [
            Fixture.project("sichuan:a1", title: "光电编码器", sameAs: ["beijing:gone"]),
            Fixture.project("beijing:b1", title: "高精度光电编码器", sameAs: ["chongqing:none"]),
        ]
        #expect(Self.clusters(records) == [["beijing:b1"], ["sichuan:a1"]])
        #expect(Merge.rebuild(records).allSatisfy { $0.json["conflicts"] == [] })
    }

    @Test func duplicateKeyFoldsScriptWidthPunctuationAndSpaces() {
        let simplified = Fixture.project("sichuan:a1", title: "先进毫米波感知技术", organization: "电子科技大学")
        let traditional = Fixture.project("beijing:b1", title: "「先進 毫米波·感知技術」", organization: "電子科技大學")
        let fullWidth = Fixture.project("chongqing:c1", title: "新型多用途ＯＲＣ能量转换技术", organization: "重庆大学")
        let ascii = Fixture.project("sichuan:a2", title: "新型多用途orc能量转换技术！", organization: "重庆 大学")
        #expect(Merge.duplicateKey(simplified) == Merge.duplicateKey(traditional))
        #expect(Merge.duplicateKey(fullWidth) == Merge.duplicateKey(ascii))
        #expect(Self.clusters([simplified, traditional, fullWidth, ascii]) == [
            ["beijing:b1", "sichuan:a1"], ["chongqing:c1", "sichuan:a2"],
        ])
    }

    @Test func duplicateKeyNeedsTheOrganisationToo() {
        let records = [
            Fixture.project("sichuan:a1", title: "光电编码器", organization: "电子科技大学"),
            Fixture.project("beijing:b1", title: "光电编码器", organization: "北京理工大学"),
        ]
        #expect(Self.clusters(records) == [["beijing:b1"], ["sichuan:a1"]])
    }

    @Test func sameKeyWithinOneOriginDoesNotCluster() {
        let records = [
            Fixture.project("sichuan:a1", title: "光电编码器"), Fixture.project("sichuan:a2", title: "光電編碼器"),
        ]
        #expect(Self.clusters(records) == [["sichuan:a1"], ["sichuan:a2"]])
    }

    @Test func aSecondOriginPullsTheWholeKeyGroupIn() {
        let records = [
            Fixture.project("sichuan:a1", title: "光电编码器"), Fixture.project("sichuan:a2", title: "光電編碼器"),
            Fixture.project("beijing:b1", title: "光电编码器"),
        ]
        #expect(Self.clusters(records) == [["beijing:b1", "sichuan:a1", "sichuan:a2"]])
    }

    @Test func chainsThroughLinksAndKeysAreTransitive() {
        // chongqing:c1 —key— sichuan:a1 —link— beijing:b1 —key— sichuan:a9 ← link — overseas:z1
        let records = [
            Fixture.project("chongqing:c1", title: "特高土石坝建造成套技术", organization: "四川大学"),
            Fixture.project("sichuan:a1", title: "特高土石壩建造成套技術", organization: "四川大學"),
            Fixture.project("beijing:b1", title: "光电编码器", sameAs: ["sichuan:a1"]),
            Fixture.project("sichuan:a9", title: "光电编码器"),
            Fixture.project("overseas:z1", title: "Optical encoder", sameAs: ["sichuan:a9"]),
            Fixture.project("beijing:b2", title: "无关项目"),
        ]
        #expect(Self.clusters(records) == [
            ["beijing:b1", "chongqing:c1", "overseas:z1", "sichuan:a1", "sichuan:a9"], ["beijing:b2"],
        ])
    }

    @Test func noFuzzyMatching() {
        let records = [
            Fixture.project("sichuan:a1", title: "光电编码器"), Fixture.project("beijing:b1", title: "光电编码器A"),
            Fixture.project("chongqing:c1", title: "光电编码"),
        ]
        #expect(Self.clusters(records).count == 3)
    }

    @Test func clusterIDIsTheSmallestMemberID() {
        let records = [
            Fixture.project("sichuan:a1", sameAs: ["chongqing:c1"]), Fixture.project("chongqing:c1", title: "别名"),
            Fixture.project("beijing:z9", title: "再一个", sameAs: ["chongqing:c1"]),
        ]
        let entries = Merge.rebuild(records)
        #expect(entries.map(\.clusterID) == ["beijing:z9"])
        #expect(entries.first?.json["cluster"] == "beijing:z9")
    }

    @Test func affectedClustersCoverPreviousCoMembers() {
        // a1 and a2 (one origin, one key) were clustered through b1, which changed its title.
        var b1 = Fixture.project("beijing:b1", title: "光电编码器")
        var graph = InMemoryGraph([
            Fixture.project("sichuan:a1", title: "光电编码器"), Fixture.project("sichuan:a2", title: "光電編碼器"), b1,
            Fixture.project("chongqing:c1", title: "新标题"), Fixture.project("chongqing:c2", title: "无关"),
        ])
        b1.title = "新标题"
        graph.upsert(b1)
        let previous = [b1.id: [RecordID("beijing:b1")!, RecordID("sichuan:a1")!, RecordID("sichuan:a2")!]]
        let components = Merge.affectedClusters(changed: [b1.id], previousMembers: previous, graph: graph)
        #expect(components.map { $0.map(\.description) } == [
            ["beijing:b1", "chongqing:c1"], ["sichuan:a1"], ["sichuan:a2"],
        ])
    }

    @Test func affectedClustersOmitRemovedRecords() {
        var graph = InMemoryGraph([
            Fixture.project("sichuan:a1"), Fixture.project("beijing:b1", title: "别名", sameAs: ["sichuan:a1"]),
        ])
        graph.remove(RecordID("sichuan:a1")!)
        let previous = [RecordID("sichuan:a1")!: [RecordID("beijing:b1")!, RecordID("sichuan:a1")!]]
        let components = Merge.affectedClusters(
            changed: [RecordID("sichuan:a1")!], previousMembers: previous, graph: graph)
        #expect(components == [[RecordID("beijing:b1")!]])
    }
}
