import Catalog
import Merge
import TestSupport

/// A generated federation: catalogs of a few origins, with some projects listed again by another
/// origin (same duplicate key, small differences) and `same_as` links, some to missing records.
struct FederatedCatalog {
    static let origins = ["sichuan", "beijing", "chongqing", "shanghai"]

    var records: [Project]
    /// Generated records not yet in the catalog, for tests that add records later.
    var reserve: [Project]

    /// Generates the federation.
    ///
    /// - Parameter slim: Shortens records (summary cut to 12 characters, at most 3 keywords, no
    ///   contact, service agent or IP rights): tests that rebuild the catalog after every change
    ///   spend most of their time writing canonical JSON, which the cluster logic does not need.
    init(perOrigin: Int, reservePerOrigin: Int = 0, seed: UInt64, slim: Bool = false) {
        var random = SeededRandom(seed: seed)
        var records: [Project] = []
        var reserve: [Project] = []
        for origin in Self.origins {
            var generated = Fixture.generated(origin, count: perOrigin + reservePerOrigin, seed: seed, &random)
            if slim {
                for index in generated.indices {
                    generated[index].summary = String(generated[index].summary.prefix(12))
                    generated[index].keywords = Array(generated[index].keywords.prefix(3))
                    generated[index].contact = nil
                    generated[index].serviceAgent = nil
                    if case .supply(var supply) = generated[index].details {
                        supply.ip = []
                        generated[index].details = .supply(supply)
                    }
                }
            }
            records += generated.prefix(perOrigin)
            reserve += generated.dropFirst(perOrigin)
        }
        var copies: [Project] = []
        for (index, original) in records.enumerated() where random.chance(15) {
            let origin = random.pick(Self.origins.filter { $0 != original.origin })
            var copy = Fixture.copy(original, to: origin, local: "dup-\(index)", &random)
            switch random.below(4) {
            case 0: copy.sameAs = [original.id]  // the copy declares the link
            case 1: records[index].sameAs.append(copy.id)  // the original declares it
            default: break  // the duplicate key alone clusters them
            }
            copies.append(copy)
        }
        records += copies
        // Links between unrelated projects (chaining clusters) and to records that do not exist.
        for index in records.indices where random.chance(4) {
            let other = random.pick(records)
            if other.origin != records[index].origin, !records[index].sameAs.contains(other.id) {
                records[index].sameAs.append(other.id)
            }
        }
        for index in records.indices where random.chance(4) {
            let origin = random.pick(Self.origins.filter { $0 != records[index].origin })
            records[index].sameAs.append(RecordID(origin: origin, local: "missing-\(index)")!)
        }
        self.records = records
        self.reserve = reserve
    }
}
