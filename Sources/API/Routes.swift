import Feed

/// Every endpoint of the node's HTTP API, in one place.
///
/// Feed files (protocols/feed.md §9) and catalog reads are public; writes need the admin bearer
/// token. The OpenAPI description is `protocols/openapi.yaml`: a route added here is added there,
/// with requests for its answers in `Tests/CLITests/OpenAPITests.swift`, which checks them.
enum Route: Sendable, Equatable {
    /// `GET /.well-known/kechuang/node.json`, `/feeds/…`: a feed file or proof.
    case feed(FeedPath.Resource)
    /// `GET /healthz`
    case health
    /// `GET /metrics`
    case metrics
    /// `GET /v1/search?q=…`
    case search
    /// `GET /v1/stats`
    case stats
    /// `GET /v1/matches?for=ID` or `?all=true` (protocols/matching.md)
    case matches
    /// `GET /v1/peers`: peers and origins with their sync state.
    case peers
    /// `GET|PUT|DELETE /v1/projects/{id}`
    case project(id: String)
    /// `POST /v1/projects/import`
    case importProjects
    /// `GET /v1/clusters/{id}`: the cluster a record is a member of, with its members' proofs.
    case cluster(id: String)
    /// `GET /v1/deals`: the merged deals, paged (protocols/deals.md).
    case deals
    /// `GET /v1/funnel`: projects and deals by stage, per region.
    case funnel
    /// `GET|PUT /v1/deals/{id}`: the merged deal holding a member; PUT records this node's.
    case deal(id: String)
    /// `GET /v1/roadshows`: the roadshows of every origin, paged (protocols/roadshows.md).
    case roadshows
    /// `GET|PUT /v1/roadshows/{id}`: a roadshow with its projects; PUT publishes this node's.
    case roadshow(id: String)
    /// `GET /v1/roadshows/{id}.html`: the printable agenda.
    case roadshowHTML(id: String)
    /// The web page: `/`, `/p/{id}`, `/matches`, `/roadshows`, `/roadshows/{id}`, `/deals`,
    /// `/status`, `/import`, `/static/…` (README, "The web page").
    case web(WebPage)

    /// The route of a decoded request path, or nil for 404.
    init?(path: String) {
        if let resource = FeedPath.resource(path) {
            self = .feed(resource)
            return
        }
        if let page = WebPage(path: path) {
            self = .web(page)
            return
        }
        switch path {
        case "/healthz": self = .health
        case "/metrics": self = .metrics
        case "/v1/search": self = .search
        case "/v1/stats": self = .stats
        case "/v1/matches": self = .matches
        case "/v1/peers": self = .peers
        case "/v1/projects/import": self = .importProjects
        case "/v1/deals": self = .deals
        case "/v1/funnel": self = .funnel
        case "/v1/roadshows": self = .roadshows
        default:
            if let id = Self.identifier(path, after: "/v1/projects/") {
                self = .project(id: id)
            } else if let id = Self.identifier(path, after: "/v1/clusters/") {
                self = .cluster(id: id)
            } else if let id = Self.identifier(path, after: "/v1/deals/") {
                self = .deal(id: id)
            } else if let id = Self.identifier(path, after: "/v1/roadshows/") {
                // A roadshow's agenda is its id with `.html`.
                self = id.hasSuffix(".html") && id.count > 5 ? .roadshowHTML(id: String(id.dropLast(5))) : .roadshow(id: id)
            } else {
                return nil
            }
        }
    }

    /// The id that follows `prefix` in `path`: one path segment under 120 characters.
    static func identifier(_ path: String, after prefix: String) -> String? {
        guard path.hasPrefix(prefix), path.count > prefix.count, path.count < prefix.count + 120 else { return nil }
        let id = String(path.dropFirst(prefix.count))
        return id.contains("/") ? nil : id
    }

    /// The methods the route answers.
    var methods: [String] {
        switch self {
        case .project: ["GET", "HEAD", "PUT", "DELETE"]
        case .deal, .roadshow: ["GET", "HEAD", "PUT"]
        case .importProjects: ["POST"]
        default: ["GET", "HEAD"]
        }
    }

    /// True for the admin API's writes, which need the bearer token.
    func isWrite(_ method: String) -> Bool {
        switch self {
        case .project: method == "PUT" || method == "DELETE"
        case .deal, .roadshow: method == "PUT"
        case .importProjects: method == "POST"
        default: false
        }
    }

    /// True for the reads a client may run only a few of at once (`serve
    /// --max-queries-per-client`): searches, matches, records, clusters, stats and pages; not the
    /// feed (peers sync it in parallel, and its files are cached), health, metrics, the static
    /// files, or the admin writes (the token holder's).
    func isQuery(_ method: String) -> Bool {
        switch self {
        case .feed, .health, .metrics: false
        case .web(let page): page != .stylesheet && page != .script
        default: !isWrite(method)
        }
    }

    /// A low-cardinality label for metrics.
    var label: String {
        switch self {
        case .feed(let resource):
            switch resource {
            case .manifest: "manifest"
            case .checkpoints: "checkpoints"
            case .checkpoint: "checkpoint"
            case .keys: "keys"
            case .page: "page"
            case .bodies: "bodies"
            case .pageRoots: "page_roots"
            case .inclusionProof, .consistencyProof, .pageProof: "proof"
            }
        case .health: "healthz"
        case .metrics: "metrics"
        case .search: "search"
        case .stats: "stats"
        case .matches: "matches"
        case .peers: "peers"
        case .project: "project"
        case .importProjects: "import"
        case .cluster: "cluster"
        case .deals: "deals"
        case .funnel: "funnel"
        case .deal: "deal"
        case .roadshows: "roadshows"
        case .roadshow: "roadshow"
        case .roadshowHTML: "roadshow_html"
        case .web(let page): page.label
        }
    }
}
