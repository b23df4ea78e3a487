public import Catalog
import Merge
import SQLite

/// The regional funnel (protocols/deals.md, "The funnel"): how far projects and deals got.
public struct Funnel: Sendable, Equatable {
    public struct Counts: Sendable, Equatable {
        /// Project clusters that reached each stage (cumulative: a cluster at signing has also
        /// reached publication and matchmaking).
        public var projects: [Stage: Int] = [:]
        /// Deals at each stage (their merged stage).
        public var deals: [Stage: Int] = [:]
        public var dealStatus: [Deal.Status: Int] = [:]

        /// reached(next) / reached(stage) for consecutive stages; nil when none reached `stage`.
        public var conversion: [(from: Stage, to: Stage, ratio: Double?)] {
            zip(Stage.allCases, Stage.allCases.dropFirst()).map { from, to in
                let base = projects[from] ?? 0
                return (from, to, base == 0 ? nil : Double(projects[to] ?? 0) / Double(base))
            }
        }

        public static func == (lhs: Counts, rhs: Counts) -> Bool {
            (lhs.projects, lhs.deals, lhs.dealStatus) == (rhs.projects, rhs.deals, rhs.dealStatus)
        }
    }

    public var total = Counts()
    public var regions: [String: Counts] = [:]
}

extension CatalogReader {
    /// The funnel of the unified catalog and the merged deals. A cluster or a deal counts once in
    /// each of its regions (a deal's: those of its parties' clusters) and once in the total.
    public func funnel() throws -> Funnel {
        var funnel = Funnel()
        let stages = Stage.allCases
        let rows = try connection.prepare("""
            WITH c AS (SELECT m.cluster_id AS id, max(r.stage) AS stage FROM cluster_members m JOIN records r ON r.id = m.record_id
                       GROUP BY m.cluster_id),
                 cr AS (SELECT DISTINCT m.cluster_id AS id, r.region AS region FROM cluster_members m JOIN records r ON r.id = m.record_id)
            SELECT '', stage, count(*) FROM c GROUP BY stage
            UNION ALL
            SELECT cr.region, c.stage, count(*) FROM cr JOIN c ON c.id = cr.id GROUP BY cr.region, c.stage
            """).query { ($0.text(0) ?? "", $0.int(1), $0.int(2)) }
        for (region, index, count) in rows where stages.indices.contains(index) {
            for reached in stages[...index] {
                if region.isEmpty {
                    funnel.total.projects[reached, default: 0] += count
                } else {
                    funnel.regions[region, default: Funnel.Counts()].projects[reached, default: 0] += count
                }
            }
        }
        let regionsOfCluster = try connection.prepare(
            "SELECT DISTINCT r.region FROM cluster_members m JOIN records r ON r.id = m.record_id WHERE m.cluster_id = ?")
        for deal in try unifiedDeals() {
            var regions: Set<String> = []
            for party in Set(deal.members.flatMap { [$0.demand, $0.supply] + $0.finance }) {
                guard let cluster = try clusterID(of: party) else { continue }
                regions.formUnion(try regionsOfCluster.query([.text(cluster)]) { $0.text(0) ?? "" })
            }
            funnel.total.deals[deal.stage, default: 0] += 1
            funnel.total.dealStatus[deal.status, default: 0] += 1
            for region in regions {
                funnel.regions[region, default: Funnel.Counts()].deals[deal.stage, default: 0] += 1
                funnel.regions[region, default: Funnel.Counts()].dealStatus[deal.status, default: 0] += 1
            }
        }
        return funnel
    }
}
