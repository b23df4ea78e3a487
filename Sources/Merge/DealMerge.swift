public import Catalog
public import JSON

/// The unified deals (protocols/deals.md): the deals of all trusted origins grouped into one deal
/// per real-world deal, and merged. A pure function of the deals and of the project clusters.
public enum DealMerge {
    /// One merged deal: its members and the entry every node serves for it.
    public struct Unified: Sendable {
        /// The smallest member id.
        public let id: String
        public let steward: Deal
        public let members: [Deal]
        /// The merged body: the steward's, with `stage`, `status`, `events`, `finance` and `same_as`
        /// merged over all members.
        public let record: [String: JSONValue]
        public let conflicts: [JSONValue]

        public var stage: Stage { members.map(\.stage).max() ?? steward.stage }
        public var status: Deal.Status { members.map(\.status).max() ?? steward.status }

        /// `{"deal", "steward", "members", "record", "conflicts"}`.
        public var entry: JSONValue {
            [
                "deal": .string(id), "steward": .string(steward.id.description),
                "members": .array(members.map {
                    ["id": .string($0.id.description), "origin": .string($0.id.origin), "version": .number(Double($0.version)),
                     "stage": .string($0.stage.rawValue), "status": .string($0.status.rawValue)]
                }),
                "record": .object(record), "conflicts": .array(conflicts),
            ]
        }
    }

    /// Groups and merges `deals`. `cluster` maps a project id to its cluster id (nil for a
    /// project this node does not hold: the id then stands for itself).
    public static func unify(_ deals: [Deal], cluster: (RecordID) -> String?) -> [Unified] {
        let sorted = deals.sorted { $0.id.description < $1.id.description }
        var parent = Array(sorted.indices)
        func find(_ index: Int) -> Int {
            var index = index
            while parent[index] != index {
                parent[index] = parent[parent[index]]
                index = parent[index]
            }
            return index
        }
        func union(_ a: Int, _ b: Int) {
            let (ra, rb) = (find(a), find(b))
            if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
        }
        var index: [String: Int] = [:]
        for (position, deal) in sorted.enumerated() { index[deal.id.description] = position }
        // Links: one side declaring `same_as` is enough.
        for (position, deal) in sorted.enumerated() {
            for other in deal.sameAs { if let target = index[other.description] { union(position, target) } }
        }
        // The same parties (clusters of demand, supply and finance) and the same contract reference.
        var byParties: [String: Int] = [:]
        for (position, deal) in sorted.enumerated() {
            func of(_ id: RecordID) -> String { cluster(id) ?? id.description }
            let key = [of(deal.demand), of(deal.supply), Set(deal.finance.map(of)).sorted().joined(separator: ","), deal.contract ?? ""]
                .joined(separator: "\u{1F}")
            if let first = byParties[key] { union(position, first) } else { byParties[key] = position }
        }
        var groups: [Int: [Deal]] = [:]
        for position in sorted.indices { groups[find(position), default: []].append(sorted[position]) }
        return groups.keys.sorted().map { merge(groups[$0]!) }
    }

    /// Merges one group (members in id order).
    static func merge(_ members: [Deal]) -> Unified {
        let steward = members.min { ($0.createdAt, $0.id.description) < ($1.createdAt, $1.id.description) }!
        var record = steward.object
        record["stage"] = .string((members.map(\.stage).max() ?? steward.stage).rawValue)
        record["status"] = .string((members.map(\.status).max() ?? steward.status).rawValue)
        // Events: the union; two are one when their JCS bytes are equal. Ordered by date, stage,
        // then bytes.
        var events: [(Deal.Event, [UInt8])] = []
        var seen: Set<[UInt8]> = []
        for event in members.flatMap(\.events) {
            let bytes = (try? JCS.canonicalize(event.object)) ?? []  // an event of strings always has JCS bytes
            if seen.insert(bytes).inserted { events.append((event, bytes)) }
        }
        events.sort { a, b in
            if a.0.date != b.0.date { return a.0.date < b.0.date }
            if a.0.stage != b.0.stage { return a.0.stage < b.0.stage }
            return a.1.lexicographicallyPrecedes(b.1)
        }
        record["events"] = .array(events.map { $0.0.object })
        record["finance"] = .array(Set(members.flatMap { $0.finance.map(\.description) }).sorted().map(JSONValue.string))
        record["same_as"] = .array(Set(members.flatMap { $0.sameAs.map(\.description) }).sorted().map(JSONValue.string))
        // Conflicts: every member whose value differs, as a cluster read lists them.
        let skipped: Set<String> = ["id", "type", "version", "created_at", "updated_at", "same_as", "events", "finance"]
        var conflicts: [JSONValue] = []
        if members.count > 1 {
            let objects = members.map(\.object)
            for field in Set(objects.flatMap(\.keys)).subtracting(skipped).sorted() {
                let values = objects.map { $0[field] ?? .null }
                guard Set(values.map { (try? JCS.canonicalize($0)) ?? [] }).count > 1 else { continue }  // JCS of decoded members always succeeds
                conflicts.append([
                    "field": .string(field),
                    "values": .array(zip(members, values).map { deal, value in
                        ["id": .string(deal.id.description), "origin": .string(deal.id.origin), "version": .number(Double(deal.version)), "value": value]
                    }),
                ])
            }
        }
        return Unified(id: members[0].id.description, steward: steward, members: members, record: record, conflicts: conflicts)
    }
}
