import JSON

/// The rank merge of a federated query (protocols/federation.md §2): raw scores of different
/// nodes are never compared. Sources are taken in order (`local` first, then the peers by id), and
/// their results are interleaved by rank: the first result of each source, then the second of
/// each, and so on. A result that shares any member id with one already placed is that result: its
/// source joins `via` (listed in source order), its members join the result's, and a verified copy replaces the fields of
/// an unverified one.
struct FederatedMerge {
    struct Item {
        var fields: [String: JSONValue]
        var members: [String]
        var verified: Bool
        var stale = false
    }

    private struct Placed {
        var item: Item
        var via: [String]
    }

    let limit: Int
    private var sources: [(name: String, items: [Item])] = []

    init(limit: Int) {
        self.limit = limit
    }

    /// Adds a source's results, in its own rank order; sources merge in the order added.
    mutating func add(source: String, results: [Item]) {
        sources.append((source, results))
    }

    /// The merged results, at most `limit`, each with `via` and `verified` (and `stale` when so).
    func results() -> [JSONValue] {
        var placed: [Placed] = []
        var byMember: [String: Int] = [:]
        let depth = sources.map(\.items.count).max() ?? 0
        for rank in 0..<depth {
            for source in sources where rank < source.items.count {
                let item = source.items[rank]
                if let index = item.members.lazy.compactMap({ byMember[$0] }).first {
                    if !placed[index].via.contains(source.name) { placed[index].via.append(source.name) }
                    if item.verified, !placed[index].item.verified {
                        placed[index].item.fields = item.fields
                        placed[index].item.verified = true
                        placed[index].item.stale = false
                    }
                    for member in item.members where byMember[member] == nil {
                        byMember[member] = index
                        placed[index].item.members.append(member)
                    }
                } else {
                    for member in item.members where byMember[member] == nil { byMember[member] = placed.count }
                    placed.append(Placed(item: item, via: [source.name]))
                }
            }
        }
        let order = Dictionary(sources.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        return placed.prefix(limit).map { placed in
            var fields = placed.item.fields
            // `via` in source order: "local" first, then the peers by id.
            fields["via"] = .array(placed.via.sorted { order[$0, default: 0] < order[$1, default: 0] }.map(JSONValue.string))
            fields["verified"] = .bool(placed.item.verified)
            if placed.item.stale { fields["stale"] = true }
            return .object(fields)
        }
    }
}
