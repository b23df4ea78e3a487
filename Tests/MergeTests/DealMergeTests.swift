import Catalog
import JSON
import Merge
import Testing

/// How deals of several origins become one (protocols/deals.md §2).
@Suite struct DealMergeTests {
    static func deal(
        _ id: String, demand: String, supply: String, stage: Stage = .matchmaking, status: Deal.Status = .open, contract: String? = nil,
        amount: String? = nil, events: [Deal.Event] = [], sameAs: [String] = [], createdAt: String = "2026-12-04T09:00:00Z"
    ) -> Deal {
        Deal(
            id: TypedObjectID(id)!, demand: RecordID(demand)!, supply: RecordID(supply)!, stage: stage, status: status, amount: amount,
            contract: contract, events: events, sameAs: sameAs.map { TypedObjectID($0)! }, createdAt: createdAt, updatedAt: createdAt)
    }

    /// Deals with the same parties stay apart while their projects are in different clusters and
    /// become one when a sync puts the projects in one cluster: the merge reads the clusters of the
    /// moment, so it equals a rebuild from scratch.
    @Test func dealsFollowTheClustersOfTheirParties() {
        let deals = [
            Self.deal("chongqing:~deal.d-1", demand: "chongqing:c1", supply: "sichuan:s1", contract: "K-1"),
            Self.deal("beijing:~deal.d-9", demand: "beijing:c1", supply: "sichuan:s1", contract: "K-1", createdAt: "2026-12-03T09:00:00Z"),
        ]
        let apart = DealMerge.unify(deals) { $0.description }
        #expect(apart.map(\.id) == ["beijing:~deal.d-9", "chongqing:~deal.d-1"])
        let clusters = ["chongqing:c1": "beijing:c1", "beijing:c1": "beijing:c1", "sichuan:s1": "sichuan:s1"]
        let together = DealMerge.unify(deals) { clusters[$0.description] }
        #expect(together.map(\.id) == ["beijing:~deal.d-9"])
        #expect(together.first?.steward.id.description == "beijing:~deal.d-9", "the earlier created_at")
        // Another contract reference is another deal, even between the same projects.
        let other = DealMerge.unify(deals.map { var deal = $0; if deal.id.origin == "beijing" { deal.contract = nil }; return deal }) { clusters[$0.description] }
        #expect(other.count == 2)
    }

    /// The highest stage, closed over abandoned over open, the union of events (equal bytes are
    /// one), and every disagreement listed.
    @Test func theMergedDealTakesTheHighestStageAndKeepsDisagreements() throws {
        let shared = Deal.Event(date: "2026-12-04", stage: .matchmaking, note: "洽谈")
        let deals = [
            Self.deal("chongqing:~deal.d-1", demand: "chongqing:c1", supply: "sichuan:s1", stage: .matchmaking, status: .abandoned, amount: "100.00",
                      events: [shared]),
            Self.deal("sichuan:~deal.d-7", demand: "chongqing:c1", supply: "sichuan:s1", stage: .signing, status: .closed, amount: "120.00",
                      events: [shared, Deal.Event(date: "2026-12-05", stage: .signing, note: "签约")], sameAs: ["chongqing:~deal.d-1"]),
        ]
        let merged = try #require(DealMerge.unify(deals) { _ in nil }.first)
        #expect(merged.record["stage"] == "signing")
        #expect(merged.record["status"] == "closed")
        #expect(merged.record["events"]?.arrayValue?.count == 2)
        #expect(merged.conflicts.compactMap { $0["field"]?.stringValue } == ["amount", "stage", "status"])
        // Order of input does not matter.
        #expect(DealMerge.unify(deals.reversed()) { _ in nil }.first?.entry == merged.entry)
    }

    /// The two rules deals.md §2 states exactly: events of one date follow the pipeline order of
    /// their stages, not text order (`signing` before `follow_up`), then their JCS bytes; and
    /// `events`, `finance` and `same_as`, merged as unions, are never conflicts.
    @Test func eventsFollowThePipelineOrderAndUnionsAreNotConflicts() throws {
        let followUp = Deal.Event(date: "2026-12-05", stage: .followUp, note: "回访")
        let signingB = Deal.Event(date: "2026-12-05", stage: .signing, note: "签约乙")
        let signingA = Deal.Event(date: "2026-12-05", stage: .signing, note: "签约甲")
        let earlier = Deal.Event(date: "2026-12-04", stage: .deployment, note: nil)
        var first = Self.deal(
            "chongqing:~deal.d-1", demand: "chongqing:c1", supply: "sichuan:s1", events: [followUp, signingB], sameAs: ["sichuan:~deal.d-7"])
        first.finance = [RecordID("chongqing:f1")!]
        let second = Self.deal("sichuan:~deal.d-7", demand: "chongqing:c1", supply: "sichuan:s1", events: [signingA, earlier])
        let merged = try #require(DealMerge.unify([first, second]) { _ in nil }.first)
        let notes = merged.record["events"]?.arrayValue?.map { $0["note"]?.stringValue ?? "" }
        // The same date and stage: by JCS bytes, 乙 (E4 B9 99) before 甲 (E7 94 B2).
        #expect(notes == ["", "签约乙", "签约甲", "回访"])
        #expect(merged.conflicts.isEmpty, "events, finance and same_as differ, but are unions: \(merged.conflicts)")
    }
}
