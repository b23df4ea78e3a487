import API
import Catalog
import JSON
import Store

/// `kechuang stats`: counts of the catalog by kind, industry, origin, stage and region.
enum StatsCommand: Command {
    static let spec = CommandSpec(
        name: "stats",
        summary: "Count records by kind, industry, origin, stage and region.",
        usage: "[--json]",
        discussion: """
            Counts the unified catalog: the records of every origin this node holds (its own and
            its peers'). total counts every record, expired ones included; expired counts those past
            valid_through; deleted counts tombstones; clusters counts unified entries (one project
            listed by several origins is one cluster); clusters_by_region counts, for each region,
            the clusters with a member of that region (a record's region is its
            organization.region; a cluster listed in two regions counts under both);
            catalog_digest is the SHA-256 digest of the unified catalog (protocols/merge.md), equal
            on every node that holds the same logs. The counts are kept by the store as records are
            written; the digest and the clusters are stored at the end of each merge run.
            deals counts the merged deals and deals_digest is their digest (protocols/deals.md),
            equal on every node that holds the same logs; funnel is what `kechuang funnel --json`
            prints.
            JSON keys: total, expired, deleted, clusters, clusters_by_region, catalog_digest,
            pending_merge, by_kind, by_industry, by_origin, by_stage, by_region, by_finance_type
            (each value → count), deals, deals_digest, funnel.
            """,
        options: [.flag("--json", "Print JSON.")])

    static func run(_ context: Context) async throws {
        // Take in every change first, so the digest is that of the current catalog.
        try await CatalogStore(path: context.data.database).refreshUnified()
        let reader = try CatalogReader(path: context.data.database)
        let stats = try reader.stats(today: DateText.date(context.now))
        let groups: [(String, String, [String: Int])] = [
            ("by_kind", "kind", stats.byKind), ("by_industry", "industry", stats.byIndustry),
            ("by_origin", "origin", stats.byOrigin), ("by_stage", "stage", stats.byStage),
            ("by_region", "region", stats.byRegion), ("by_finance_type", "finance", stats.byFinanceType),
            ("clusters_by_region", "region", stats.clustersByRegion),
        ]
        if context.arguments.flag("--json") {
            guard case .object(var object) = CatalogJSON.stats(stats, node: reader.node.id) else { return }
            object["funnel"] = try reader.funnel().json()
            context.out.json(.object(object))
            return
        }
        let out = context.out
        out.line("Node \(reader.node.id) (\(reader.node.name))")
        out.line("Records: \(stats.total)  (expired \(stats.expired), deleted \(stats.deleted)); clusters \(stats.clusters)")
        out.line("Catalog digest: \(stats.catalogDigest)")
        out.line("Deals: \(stats.deals)  (digest \(stats.dealsDigest))")
        for (key, facet, counts) in groups where !counts.isEmpty {
            out.line("")
            out.line("\(key):")
            for (code, count) in ordered(facet: facet, counts) {
                let label = facet == "finance" ? (FinanceProductType(rawValue: code)?.label ?? code) : SearchOptions.label(facet: facet, code: code)
                out.line("  \(TextLayout.fit(code, 18)) \(TextLayout.fit(label, 16)) \(String(count).leftPadded(8))")
            }
        }
    }

    /// Vocabulary order for closed sets (kinds, stages…), largest first for open ones.
    static func ordered(facet: String, _ counts: [String: Int]) -> [(String, Int)] {
        let order: [String]
        switch facet {
        case "kind": order = ProjectKind.allCases.map(\.rawValue)
        case "industry": order = Industry.allCases.map(\.rawValue)
        case "stage": order = Stage.allCases.map(\.rawValue)
        case "finance": order = FinanceProductType.allCases.map(\.rawValue)
        default: return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        }
        return counts.sorted { (order.firstIndex(of: $0.key) ?? .max, $0.key) < (order.firstIndex(of: $1.key) ?? .max, $1.key) }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
