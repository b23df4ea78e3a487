import Catalog
import JSON
import Merge
import TestSupport
import Testing

/// The unified catalog depends on the records only, never on the order they arrive in.
@Suite struct DeterminismTests {
    static let catalog = FederatedCatalog(perOrigin: 75, seed: 7)
    static let reference = Merge.rebuild(catalog.records)

    @Test func catalogHasWhatTheTestNeeds() {
        let multi = Self.reference.filter { $0.members.count > 1 }
        #expect(Self.catalog.records.count > 300)
        #expect(multi.count >= 20)
        #expect(multi.contains { $0.json["conflicts"]?.arrayValue?.isEmpty == false })
        #expect(multi.contains { Set($0.members.map(\.origin)).count >= 3 } || multi.contains { $0.members.count >= 3 })
        // Every copy joined its original's cluster, by key or link.
        let clusterOf = Dictionary(uniqueKeysWithValues: Self.reference.flatMap { entry in
            entry.members.map { ($0, entry.clusterID) }
        })
        for copy in Self.catalog.records where copy.id.local.hasPrefix("dup-") {
            let index = Int(copy.id.local.dropFirst(4))!
            #expect(clusterOf[copy.id] == clusterOf[Self.catalog.records[index].id])
        }
    }

    @Test(arguments: 1...20)
    func anyOrderGivesTheSameCanonicalLines(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let shuffled = random.shuffle(Self.catalog.records)
        #expect(Merge.canonicalLines(Merge.rebuild(shuffled)) == Merge.canonicalLines(Self.reference))
    }

    @Test func entriesAreSortedAndCoverEveryRecordOnce() {
        let ids = Self.reference.map(\.clusterID)
        #expect(ids == ids.sorted())
        let members = Self.reference.flatMap(\.members)
        #expect(members.count == Self.catalog.records.count)
        #expect(Set(members) == Set(Self.catalog.records.map(\.id)))
    }
}
