/// What to look for in the catalog: folded terms, filters, order and page.
///
/// Built by `Query.QueryParser` from what a user typed, run by the store. Terms are already folded
/// (`TextNormalizer.fold`); every term must match (AND) in the title, summary, keywords or
/// organisation name.
///
/// A search's cost is bounded: at most `maxTerms` terms of at most `maxTermLength` characters,
/// at most `maxOrigins` origins, and a page of at most `maxLimit` hits (the parser and the store
/// refuse more).
public struct SearchRequest: Sendable, Hashable {
    /// The most terms one search may have.
    public static let maxTerms = 8
    /// The longest term, in Unicode scalars (a quoted phrase is one term).
    public static let maxTermLength = 64
    /// The most origins an `origin` filter may name.
    public static let maxOrigins = 32
    /// The largest page.
    public static let maxLimit = 1000

    /// Folded terms, each matched as a substring.
    public var terms: [String]
    public var kinds: Set<ProjectKind>
    public var industries: Set<Industry>
    /// Regions of the publishing organisation.
    public var regions: Set<Region>
    public var origins: Set<String>
    public var stages: Set<Stage>
    /// Technology readiness levels (supply projects only when set).
    public var trl: ClosedRange<Int>?
    /// Also return records past their `valid_through` date.
    public var includeExpired: Bool
    public var order: SearchOrder
    /// Page size, 1…`maxLimit`.
    public var limit: Int
    /// Opaque cursor of the previous page's last hit (keyset pagination).
    public var cursor: String?
    /// Today's date in UTC (`YYYY-MM-DD`), which decides what is expired.
    public var today: String
    /// One result per cluster of the unified catalog instead of one per record: a cluster matches
    /// when any member matches, and `total`, facets and cursors count clusters.
    public var unified = false

    public init(
        terms: [String] = [], kinds: Set<ProjectKind> = [], industries: Set<Industry> = [], regions: Set<Region> = [],
        origins: Set<String> = [], stages: Set<Stage> = [], trl: ClosedRange<Int>? = nil, includeExpired: Bool = false,
        order: SearchOrder = .relevance, limit: Int = 20, cursor: String? = nil, today: String
    ) {
        self.terms = terms
        self.kinds = kinds
        self.industries = industries
        self.regions = regions
        self.origins = origins
        self.stages = stages
        self.trl = trl
        self.includeExpired = includeExpired
        self.order = order
        self.limit = limit
        self.cursor = cursor
        self.today = today
    }
}

/// The order of search results.
public enum SearchOrder: String, Sendable, Hashable, CaseIterable {
    /// Best match first (title matches weigh most); without terms, same as `recency`.
    case relevance
    /// Most recently updated first.
    case recency
    /// By title in pinyin order (阿 before 北 before 重).
    case title
}

/// One page of search results.
///
/// The work of a page is bounded, whatever the number of hits: when more records match than the
/// store examines for one page, `total` and `facets` are estimated from a sample (and flagged),
/// relevance is ranked within windows of the most recently added matches (`orderApproximate`),
/// and a page may hold fewer than `limit` hits while `nextCursor` still leads on.
public struct SearchPage: Sendable, Hashable {
    /// Matching records across all pages (an estimate when `totalApproximate`).
    public var total: Int
    public var hits: [SearchHit]
    /// Counts of the matching records by facet (`kind`, `industry`, `region`, `stage`, `origin`);
    /// estimates when `facetsApproximate`.
    public var facets: [String: [String: Int]]
    /// Pass as `cursor` to get the next page; nil on the last page.
    public var nextCursor: String?
    /// `total` is estimated from a sample of the matching records, not counted.
    public var totalApproximate: Bool
    /// `facets` are estimated from a sample of the matching records, not counted.
    public var facetsApproximate: Bool
    /// Relevance was ranked within a window of the most recently added matches, not across all
    /// of them (only in relevance order, when the matches outnumber one window).
    public var orderApproximate: Bool

    public init(
        total: Int, hits: [SearchHit], facets: [String: [String: Int]], nextCursor: String?, totalApproximate: Bool = false,
        facetsApproximate: Bool = false, orderApproximate: Bool = false
    ) {
        self.total = total
        self.hits = hits
        self.facets = facets
        self.nextCursor = nextCursor
        self.totalApproximate = totalApproximate
        self.facetsApproximate = facetsApproximate
        self.orderApproximate = orderApproximate
    }
}

/// A matching record and its relevance score (higher is better).
public struct SearchHit: Sendable, Hashable {
    public var project: Project
    public var score: Double
    /// In a unified search: the cluster's id (nil otherwise); `project` is then its steward's record.
    public var cluster: String?
    /// In a unified search: the ids of the cluster's members, sorted.
    public var members: [String] = []

    public init(project: Project, score: Double) {
        self.project = project
        self.score = score
    }
}

/// Counts over the whole catalog, as `kechuang stats` prints them.
public struct CatalogStats: Sendable, Hashable {
    /// Records, expired ones included.
    public var total: Int
    /// Records past their `valid_through` date.
    public var expired: Int
    /// Deleted records whose tombstone is kept.
    public var deleted: Int
    public var byKind: [String: Int]
    public var byIndustry: [String: Int]
    public var byOrigin: [String: Int]
    public var byStage: [String: Int]
    public var byRegion: [String: Int]
    /// Finance products by product type.
    public var byFinanceType: [String: Int]
    /// Clusters of the unified catalog (the same project listed by several origins is one).
    public var clusters = 0
    /// For each region, the clusters with a current member of that region (a cluster's regions
    /// are its members' `organization.region`): a cluster listed in two regions counts in both.
    public var clustersByRegion: [String: Int] = [:]
    /// The unified catalog's digest (hex): equal on every node that holds the same logs.
    public var catalogDigest = ""
    /// Changed records the unified catalog has not taken in yet (refreshed after syncs, by the
    /// server every minute, and by `kechuang stats`).
    public var pendingMerge = 0
    /// Unified deals (protocols/deals.md) and their digest, `deals_digest`.
    public var deals = 0
    public var dealsDigest = ""

    public init(
        total: Int, expired: Int, deleted: Int, byKind: [String: Int], byIndustry: [String: Int],
        byOrigin: [String: Int], byStage: [String: Int], byRegion: [String: Int], byFinanceType: [String: Int]
    ) {
        self.total = total
        self.expired = expired
        self.deleted = deleted
        self.byKind = byKind
        self.byIndustry = byIndustry
        self.byOrigin = byOrigin
        self.byStage = byStage
        self.byRegion = byRegion
        self.byFinanceType = byFinanceType
    }
}
