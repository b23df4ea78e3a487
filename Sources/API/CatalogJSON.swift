public import Catalog
public import JSON

/// The JSON shapes of catalog answers, shared by the HTTP API and the CLI's `--json` output.
public enum CatalogJSON {
    /// A search page: `{"total", "results": [{"id", "kind", "title", "origin", …}], "facets", "next_cursor",
    /// "total_approximate", "facets_approximate", "order_approximate"}`; the three flags say when `total` and
    /// `facets` are estimates and when relevance was ranked within a window of the newest matches.
    public static func page(_ page: SearchPage) -> JSONValue {
        [
            "total": .number(Double(page.total)),
            "results": .array(page.hits.map(result)),
            "facets": .object(page.facets.mapValues { counts in .object(counts.mapValues { .number(Double($0)) }) }),
            "next_cursor": page.nextCursor.map(JSONValue.string) ?? .null,
            "total_approximate": .bool(page.totalApproximate),
            "facets_approximate": .bool(page.facetsApproximate),
            "order_approximate": .bool(page.orderApproximate),
        ]
    }

    /// One search result.
    public static func result(_ hit: SearchHit) -> JSONValue {
        let project = hit.project
        var result: [String: JSONValue] = [
            "id": .string(project.id.description), "kind": .string(project.kind.rawValue), "title": .string(project.title),
            "origin": .string(project.origin), "industry": .string(project.industry.rawValue),
            "region": .string(project.organization.region.code), "organization": .string(project.organization.name),
            "stage": .string(project.stage.rawValue), "summary": .string(project.summary),
            "valid_through": .string(project.validThrough), "version": .number(Double(project.version)),
            "updated_at": .string(project.updatedAt ?? ""), "score": .number((hit.score * 1000).rounded() / 1000),
        ]
        if let trl = project.trl { result["trl"] = .number(Double(trl)) }
        if let cluster = hit.cluster {
            // A unified search: the result is a cluster, `id` its steward's.
            result["cluster"] = .string(cluster)
            result["members"] = .array(hit.members.map(JSONValue.string))
        }
        return .object(result)
    }

    /// Catalog counts: `{"node", "total", "expired", "deleted", "by_kind", "by_industry", "by_origin", "by_stage",
    /// "by_region", "by_finance_type", "clusters", "clusters_by_region", "catalog_digest", "pending_merge", "deals",
    /// "deals_digest"}`.
    public static func stats(_ stats: CatalogStats, node: String) -> JSONValue {
        func counts(_ values: [String: Int]) -> JSONValue { .object(values.mapValues { .number(Double($0)) }) }
        return [
            "node": .string(node), "total": .number(Double(stats.total)), "expired": .number(Double(stats.expired)),
            "deleted": .number(Double(stats.deleted)), "by_kind": counts(stats.byKind), "by_industry": counts(stats.byIndustry),
            "by_origin": counts(stats.byOrigin), "by_stage": counts(stats.byStage), "by_region": counts(stats.byRegion),
            "by_finance_type": counts(stats.byFinanceType), "clusters": .number(Double(stats.clusters)),
            "clusters_by_region": counts(stats.clustersByRegion),
            "catalog_digest": .string(stats.catalogDigest), "pending_merge": .number(Double(stats.pendingMerge)),
            "deals": .number(Double(stats.deals)), "deals_digest": .string(stats.dealsDigest),
        ]
    }
}
