import Foundation
public import HTTPServer
import Catalog
import Dispatch
import Feed
import HTTPClient
import JSON
import Query
public import Store
import Synchronization
public import Signing

/// The node's HTTP API: the feed (protocols/feed.md §9), catalog reads, the admin API, health
/// and metrics. `Routes.swift` lists the endpoints.
///
/// libmicrohttpd calls `handle` on its own threads, several at once: reads borrow read-only
/// connections from a pool; writes go to the store's actor, whose single writer serialises them.
public struct NodeAPI: HTTPHandler {
    /// What the API needs from the node.
    public struct Configuration: Sendable {
        /// The node's database file.
        public var databasePath: String
        /// The node's store (its one writer).
        public var store: CatalogStore
        /// The admin bearer token.
        public var token: AdminToken
        /// Signs a checkpoint after a write, inside the store's isolation (the CLI knows where the
        /// keys are).
        public var publish: @Sendable (isolated CatalogStore) throws -> Void
        /// Largest admin request body (an import file).
        public var maxImportBytes: Int = 64 << 20
        /// What `GET /v1/matches` matches with: the shipped lexicon, plus `serve --lexicon` files.
        public var match = MatchService(lexicon: MatchLexicon())
        /// How long `GET /v1/matches?all=true` waits for pairs being computed before it answers 503.
        public var matchAllWait: Double = 2
        /// Where the server says what happens (`serve --log-format`).
        public var log = ServerLog(format: .plain)
        /// This node's root public key, to check its own records' provenance on the web page.
        public var rootKey: Ed25519PublicKey?
        /// Queries (searches, matches, reads, pages: not the feed, health, metrics or admin
        /// writes) one client may have in progress at once; more are answered 429. 0: no limit.
        public var maxQueriesPerClient = 2
        /// Reverse proxies whose `X-Forwarded-For` (its last address) names the client.
        public var trustedProxies: Set<String> = []

        public init(
            databasePath: String, store: CatalogStore, token: AdminToken,
            publish: @escaping @Sendable (isolated CatalogStore) throws -> Void
        ) {
            self.databasePath = databasePath
            self.store = store
            self.token = token
            self.publish = publish
            // The shipped lexicon parses (a test holds it so); an empty one would only match less.
            if let lexicon = try? MatchService.lexicon() { match = MatchService(lexicon: lexicon) }
        }
    }

    let configuration: Configuration
    let pool: ReaderPool
    let cache = FeedCache()
    let matchAll: MatchAllCache
    public let metrics = Metrics()
    /// The client and the in-progress bound of `scope=federation`.
    let federation = Federation()
    /// Each client's queries in progress.
    let queries: ClientQueries

    public init(configuration: Configuration) {
        self.configuration = configuration
        pool = ReaderPool(path: configuration.databasePath)
        matchAll = MatchAllCache(wait: configuration.matchAllWait)
        queries = ClientQueries(limit: configuration.maxQueriesPerClient, trustedProxies: configuration.trustedProxies)
    }

    /// The largest body of `PUT /v1/projects/{id}`: one record.
    static let maxRecordBytes = 1 << 20

    /// Decides from the head alone, before a byte of body is read: 404 for an unknown path, 405 for a method
    /// the route does not answer, 401 for a write without the admin token; then the route's body limit (one
    /// record for `PUT`, ``Configuration/maxImportBytes`` for an import, none for every other route).
    public func admit(_ head: HTTPRequestHead) -> HTTPAdmission {
        let started = DispatchTime.now().uptimeNanoseconds
        let route = Route(path: head.path)
        let limit: Int
        do {
            let route = try Self.resolve(route, path: head.path, method: head.method)
            if route.isWrite(head.method) {
                guard configuration.token.accepts(authorization: head.header("authorization")) else { throw APIError.unauthorized }
            }
            limit = switch route {
            case .project where head.method == "PUT": Self.maxRecordBytes
            case .deal where head.method == "PUT", .roadshow where head.method == "PUT": Self.maxRecordBytes
            case .importProjects: configuration.maxImportBytes
            default: 0
            }
        } catch {
            let response = Self.errorResponse(error)
            record(response, route: route, method: head.method, since: started)
            return .refuse(response)
        }
        return .accept(maxBodyBytes: limit)
    }

    /// A federated search (`/v1/search?scope=federation`) waits on its peers up to its deadline: it runs on a
    /// thread of its own, its connection suspended, so the worker goes on serving other requests.
    public func runsLong(_ head: HTTPRequestHead) -> Bool {
        head.path == "/v1/search" && head.query["scope"] == "federation"
    }

    /// The route of `path` that answers `method`: 404 for an unknown path, 405 for a method the
    /// route does not answer (the same decision at admission and when handling).
    private static func resolve(_ route: Route?, path: String, method: String) throws -> Route {
        guard let route else { throw APIError.notFound("no such resource: \(path)") }
        guard route.methods.contains(method) else { throw APIError.methodNotAllowed(route.methods) }
        return route
    }

    /// Counts an answer in `/metrics`, with the time since `started` (uptime nanoseconds).
    private func record(_ response: HTTPResponse, route: Route?, method: String, since started: UInt64) {
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        metrics.record(route: route?.label ?? "none", method: method, status: response.status, bytes: response.body.count, seconds: seconds)
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let started = DispatchTime.now().uptimeNanoseconds
        let route = Route(path: request.path)
        var response: HTTPResponse
        do {
            let resolved = try Self.resolve(route, path: request.path, method: request.method)
            let client = resolved.isQuery(request.method)
                ? queries.client(address: request.clientAddress, forwardedFor: request.header("x-forwarded-for")) : nil
            if let client, !queries.enter(client) {
                throw APIError(
                    status: 429, "too many queries in progress from \(client): at most \(queries.limit) at once; retry when one has been answered",
                    details: ["retry_after": 1])
            }
            defer { if let client { queries.leave(client) } }
            response = try answer(resolved, request)
        } catch {
            if case .web = route, (error as? APIError)?.status == 429 {
                response = webError(error)
            } else {
                response = Self.errorResponse(error)
            }
        }
        record(response, route: route, method: request.method, since: started)
        return response
    }

    private func answer(_ route: Route, _ request: HTTPRequest) throws -> HTTPResponse {
        switch route {
        case .feed(let resource): return try feed(resource, request)
        case .health: return try health()
        case .metrics: return try metricsResponse()
        case .search: return try search(request)
        case .stats:
            let value = try pool.with { readers in
                CatalogJSON.stats(try readers.catalog.stats(today: DateText.date(Date())), node: readers.catalog.node.id)
            }
            return json(value)
        case .peers:
            // Unauthenticated: errors by class only, never the text (which names what answers where).
            return json(try FederationJSON.status(try FederationReader(path: configuration.databasePath), errors: .classOnly))
        case .project(let id):
            switch request.method {
            case "PUT": return try put(id: id, request)
            case "DELETE": return try delete(id: id, request)
            default: return try project(id: id)
            }
        case .importProjects: return try importProjects(request)
        case .cluster(let id): return try cluster(id: id, request)
        case .matches: return try matches(request)
        case .deals: return try deals(request)
        case .funnel: return try funnel(request)
        case .deal(let id): return request.method == "PUT" ? try putDeal(id: id, request) : try deal(id: id)
        case .roadshows: return try roadshows(request)
        case .roadshow(let id): return request.method == "PUT" ? try putRoadshow(id: id, request) : try roadshow(id: id, request)
        case .roadshowHTML(let id): return try roadshowHTML(id: id, request)
        case .web(let page): return web(page, request)
        }
    }

    // MARK: Feed

    private func feed(_ resource: FeedPath.Resource, _ request: HTTPRequest) throws -> HTTPResponse {
        let file = try pool.with { readers -> FeedFile? in
            try cache.file(resource, path: request.path, query: request.query, reader: readers.feed)
        }
        guard let file else { throw APIError.notFound("no such feed file: \(request.path)") }
        let gzip = file.gzip != nil && Self.acceptsGzip(request.header("accept-encoding"))
        let etag = gzip ? file.gzipETag ?? file.etag : file.etag
        var headers: [(name: String, value: String)] = [("ETag", etag), ("Cache-Control", file.caching.rawValue)]
        if file.gzip != nil { headers.append(("Vary", "Accept-Encoding")) }
        if Self.matches(request.header("if-none-match"), etag) {
            return HTTPResponse(status: 304, headers: headers, body: [])
        }
        headers.append(("Content-Type", file.contentType))
        if gzip { headers.append(("Content-Encoding", "gzip")) }
        return HTTPResponse(status: 200, headers: headers, body: gzip ? file.gzip ?? file.bytes : file.bytes)
    }

    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        for part in header.lowercased().split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.first == "gzip" || pieces.first == "*" else { continue }
            let refused = pieces.dropFirst().contains { $0.replacingOccurrences(of: " ", with: "").hasPrefix("q=0") && !$0.contains("q=0.") }
            return !refused
        }
        return false
    }

    static func matches(_ header: String?, _ etag: String) -> Bool {
        guard let header else { return false }
        if header.trimmingCharacters(in: .whitespaces) == "*" { return true }
        return header.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "W/", with: "") == etag }
    }

    // MARK: Catalog reads

    private func search(_ request: HTTPRequest) throws -> HTTPResponse {
        let query = request.query
        var base = SearchRequest(today: DateText.date(Date()))
        if let text = query["limit"] {
            guard let limit = Int(text), (1...1000).contains(limit) else { throw APIError.badRequest("limit must be 1–1000") }
            base.limit = limit
        }
        if let text = query["sort"] {
            guard let order = SearchOrder(rawValue: text) else { throw APIError.badRequest("sort must be relevance, recency or title") }
            base.order = order
        }
        base.cursor = query["cursor"]
        base.includeExpired = query["include_expired"] == "true" || query["include_expired"] == "1"
        if let text = query["unified"] {
            // One result per cluster of the unified catalog (protocols/clusters.md).
            guard ["true", "1", "false", "0"].contains(text) else { throw APIError.badRequest("unified must be true or false") }
            base.unified = text == "true" || text == "1"
        }
        // proofs=true (protocols/federation.md §3): each record with what proves it, at most 16.
        let proofs = try Self.flag(query, "proofs")
        if proofs {
            if query["limit"] == nil { base.limit = FederatedSearch.maxPeerResults }
            guard base.limit <= FederatedSearch.maxPeerResults else {
                throw APIError.badRequest("with proofs=true, limit must be 1–\(FederatedSearch.maxPeerResults)")
            }
        }
        var request = try QueryParser.parse(query["q"] ?? "", into: base, parameter: "q")
        for field in QueryParser.qualifiers {
            if let value = query[field] { try QueryParser.apply(field: field, value: value, to: &request) }
        }
        switch query["scope"] ?? "local" {
        case "local": break
        case "federation": return try federated(request, query: query)
        default: throw APIError.badRequest("scope must be local or federation")
        }
        let sizes = try Self.sizes(query["sizes"])
        let (page, recordProofs) = try pool.with { readers in
            let page = try readers.catalog.search(request)
            return (page, proofs ? try readers.catalog.recordProofs(page.hits, heldSizes: sizes) : nil)
        }
        var value = CatalogJSON.page(page)
        if let recordProofs, case .object(var object) = value {
            object["results"] = .array(zip(page.hits, recordProofs.entries).map { hit, entry in
                var result = CatalogJSON.result(hit)
                if let entry, case .object(var fields) = result {
                    fields["entry"] = entry
                    result = .object(fields)
                }
                return result
            })
            object["origins"] = recordProofs.origins
            value = .object(object)
        }
        return json(value)
    }

    /// `scope=federation` (protocols/federation.md): this node's search merged with its peers',
    /// within `deadline_ms`; at most ``FederatedSearch/maxInProgress`` at once, 503 beyond.
    ///
    /// It runs on a thread of its own (``runsLong(_:)``), which the fan-out blocks until the
    /// deadline at most.
    private func federated(_ request: SearchRequest, query: [String: String]) throws -> HTTPResponse {
        guard query["cursor"] == nil else { throw APIError.badRequest("cursor is not accepted with scope=federation") }
        var deadline = FederatedSearch.defaultDeadline
        if let text = query["deadline_ms"] {
            guard let value = Int(text), (1...FederatedSearch.maxDeadline).contains(value) else {
                throw APIError.badRequest("deadline_ms must be 1–\(FederatedSearch.maxDeadline)")
            }
            deadline = value
        }
        guard federation.gate.enter() else {
            var response = Self.errorResponse(
                APIError(status: 503, "\(FederatedSearch.maxInProgress) federated queries are in progress; retry in a second"))
            response.headers.append(("Retry-After", "1"))
            return response
        }
        defer { federation.gate.leave() }
        let forwarded = (["q", "sort", "include_expired", "unified"] + QueryParser.qualifiers).sorted().compactMap { name in
            query[name].map { (name: name, value: $0) }
        }
        let search = FederatedSearch(parameters: forwarded, limit: request.limit, deadline: deadline)
        let client = federation.client
        let report = try pool.with { readers in
            try search.run(local: { try readers.catalog.search(request) }, peers: try readers.catalog.peerList(), reader: readers.catalog, client: client)
        }
        if !report.peerErrors.isEmpty || !report.forks.isEmpty {
            try configuration.store.synchronously { store in try report.record(in: store) }
        }
        return json(Self.classifyingPeerFailures(report.json))
    }

    /// The answer as anyone may read it: a peer that failed or timed out shows the class of its
    /// error (protocols/federation.md §6), not the transport's account naming the URL, host and
    /// port asked (the CLI's `search --scope federation`, the operator's, keeps the text).
    static func classifyingPeerFailures(_ answer: JSONValue) -> JSONValue {
        guard case .object(var object) = answer, case .array(let peers) = object["peers"] ?? .null else { return answer }
        object["peers"] = .array(peers.map { peer in
            guard case .object(var entry) = peer, entry["status"]?.stringValue != "answered",
                let error = entry["error"]?.stringValue
            else { return peer }
            entry["error"] = .string(entry["status"]?.stringValue == "timed_out" ? "timeout" : SyncErrorClass.of(error))
            return .object(entry)
        })
        return .object(object)
    }

    /// A boolean query parameter: true, 1, false or 0 (absent: false).
    static func flag(_ query: [String: String], _ name: String) throws -> Bool {
        guard let text = query[name] else { return false }
        guard ["true", "1", "false", "0"].contains(text) else { throw APIError.badRequest("\(name) must be true or false") }
        return text == "true" || text == "1"
    }

    /// `sizes=ORIGIN:SIZE,…`: the tree sizes the asking node holds (protocols/federation.md §3).
    static func sizes(_ text: String?) throws -> [String: Int] {
        guard let text, !text.isEmpty else { return [:] }
        var sizes: [String: Int] = [:]
        for part in text.split(separator: ",", omittingEmptySubsequences: false).prefix(256) {
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            guard pieces.count == 2, !pieces[0].isEmpty, let size = Int(pieces[1]), size >= 0, size <= Int(Int32.max) else {
                throw APIError.badRequest("sizes must be ORIGIN:SIZE,… (\(Excerpt.of(String(part))))")
            }
            sizes[String(pieces[0])] = size
        }
        return sizes
    }

    private func project(id text: String) throws -> HTTPResponse {
        let found = try pool.with { readers -> Project? in
            guard let id = RecordID(text.contains(":") ? text : "\(readers.catalog.node.id):\(text)") else {
                throw APIError.badRequest("\(text) is not a record id")
            }
            return try readers.catalog.project(id)
        }
        guard let found else { throw APIError.notFound("no record \(text)") }
        return json(found.jsonValue(nodeFields: true, maskContact: true))
    }

    private func cluster(id text: String, _ request: HTTPRequest) throws -> HTTPResponse {
        // The range of limit and the form of cursor are the reader's to check (invalidArgument: 400).
        var limit = ClusterRead.maxMembers
        if let value = request.query["limit"] {
            guard let parsed = Int(value) else { throw APIError.badRequest("limit must be 1–\(ClusterRead.maxMembers)") }
            limit = parsed
        }
        let cursor = request.query["cursor"]
        let found = try pool.with { readers -> ClusterRead? in
            guard let id = RecordID(text.contains(":") ? text : "\(readers.catalog.node.id):\(text)") else {
                throw APIError.badRequest("\(text) is not a record id")
            }
            return try readers.catalog.cluster(of: id, limit: limit, cursor: cursor)
        }
        guard let found else { throw APIError.notFound("no cluster has a member \(text)") }
        return json(found.json)
    }

    // MARK: Admin writes

    /// The name of the token the request presents (`admin`, or a member of staff's), or 401.
    @discardableResult
    func authorize(_ request: HTTPRequest) throws -> String {
        guard let name = configuration.token.name(authorization: request.header("authorization")) else { throw APIError.unauthorized }
        return name
    }

    /// Records an admin write in the audit trail (`kechuang audit`): who, when, what changed.
    func audit(_ who: String, _ action: String, _ target: String, _ detail: String) throws {
        try configuration.store.synchronously { try $0.recordAudit(token: who, action: action, target: target, detail: detail) }
    }

    /// The body of an admin write of one object (`what`): 413 over `maxRecordBytes`, 400 when it
    /// is not JSON within `limits`.
    func jsonBody(_ request: HTTPRequest, what: String, limits: JSONParser.Limits) throws -> JSONValue {
        guard request.body.count <= Self.maxRecordBytes else { throw APIError(status: 413, "\(what) must be under 1 MiB") }
        do {
            return try JSONParser.parse(request.body, limits: limits)
        } catch {
            throw APIError.badRequest("body is not JSON: \(error.description)")
        }
    }

    private func put(id text: String, _ request: HTTPRequest) throws -> HTTPResponse {
        let who = try authorize(request)
        let store = configuration.store
        let origin = store.node.id
        var value = try jsonBody(
            request, what: "a record", limits: JSONParser.Limits(maxBytes: 1 << 20, maxDepth: 16, maxStringBytes: 256 << 10, maxNumberLength: 40))
        let pathID = text.contains(":") ? text : "\(origin):\(text)"
        if case .object(var object) = value {
            if object["id"] == nil { object["id"] = .string(pathID) }
            value = .object(object)
        }
        let project: Project
        do {
            project = try ProjectDecoder(mode: .importing(origin: origin)).decode(value)
        } catch {
            throw APIError.badRequest("invalid record", details: ["issues": .array(error.issues.map { ["field": .string($0.field), "problem": .string($0.problem)] })])
        }
        guard project.id.description == pathID else {
            throw APIError.badRequest("the record's id \(project.id) differs from the path's \(pathID)")
        }
        let republish = try Self.republish(request)
        let publish = configuration.publish
        let outcome = try store.synchronously { store in
            let outcome = try store.put(project, republish: republish)
            try publish(store)
            return outcome
        }
        let (name, version): (String, Int) = switch outcome {
        case .created(let version): ("created", version)
        case .updated(let version): ("updated", version)
        case .unchanged(let version): ("unchanged", version)
        }
        try audit(who, "put", pathID, "\(name), version \(version)\(republish ? ", republish" : "")")
        return json(["id": .string(pathID), "version": .number(Double(version)), "outcome": .string(name)], status: name == "created" ? 201 : 200)
    }

    private func delete(id text: String, _ request: HTTPRequest) throws -> HTTPResponse {
        let who = try authorize(request)
        let store = configuration.store
        guard let id = RecordID(text.contains(":") ? text : "\(store.node.id):\(text)") else { throw APIError.badRequest("\(text) is not a record id") }
        let publish = configuration.publish
        let version = try store.synchronously { store in
            let version = try store.delete(id)
            try publish(store)
            return version
        }
        try audit(who, "delete", id.description, "deleted, version \(version)")
        return json(["id": .string(id.description), "version": .number(Double(version)), "outcome": "deleted"])
    }

    private func importProjects(_ request: HTTPRequest) throws -> HTTPResponse {
        let who = try authorize(request)
        guard request.body.count <= configuration.maxImportBytes else { throw APIError(status: 413, "import body over \(configuration.maxImportBytes) bytes") }
        let type = request.header("content-type")?.lowercased() ?? ""
        let format: ImportSource.Format? = type.contains("csv") ? .csv : (type.contains("json") ? .json : nil)
        var encoding = ImportSource.Encoding.auto
        if let text = request.query["encoding"] ?? (type.contains("gb18030") || type.contains("gbk") ? "gb18030" : nil) {
            guard let parsed = ImportSource.Encoding(rawValue: text.lowercased() == "utf8" ? "utf-8" : text.lowercased()) else {
                throw APIError.badRequest("encoding must be auto, utf-8 or gb18030")
            }
            encoding = parsed
        }
        let source = ImportSource.bytes(request.body, name: "request body", format: format, encoding: encoding)
        let republish = try Self.republish(request)
        let store = configuration.store
        let publish = configuration.publish
        let report = try store.synchronously { store in
            let report = try store.importProjects(from: source, republish: republish)
            try publish(store)
            return report
        }
        try audit(
            who, "import", "\(report.total) records",
            "\(report.created) created, \(report.updated) updated, \(report.unchanged) unchanged\(republish ? ", republish" : "")")
        return json([
            "total": .number(Double(report.total)), "created": .number(Double(report.created)),
            "updated": .number(Double(report.updated)), "unchanged": .number(Double(report.unchanged)),
        ])
    }

    /// `?republish=true`: the operator publishes again a `contact` or `service_agent` that a
    /// redaction erased (refused otherwise).
    static func republish(_ request: HTTPRequest) throws -> Bool {
        switch request.query["republish"] {
        case nil, "false": return false
        case "true": return true
        default: throw APIError.badRequest("republish must be true or false")
        }
    }

    // MARK: Health and metrics

    private func health() throws -> HTTPResponse {
        let node = configuration.store.node.id
        let checkpoint = try pool.with { try $0.feed.checkpoint(origin: node) }
        let now = Date()
        var value: [String: JSONValue] = ["status": "ok", "node": .string(node)]
        if let checkpoint {
            value["checkpoint"] = ["size": .number(Double(checkpoint.size)), "issued_at": .string(checkpoint.issuedAt), "expires_at": .string(checkpoint.expiresAt)]
            if checkpoint.expires <= now { value["status"] = "stale" }
        }
        return json(.object(value))
    }

    private func metricsResponse() throws -> HTTPResponse {
        let now = Date()
        let gauges = try pool.with { readers -> [(name: String, help: String, labels: String, value: Double)] in
            var gauges: [(name: String, help: String, labels: String, value: Double)] = []
            let stats = try readers.catalog.stats(today: DateText.date(now))
            gauges.append(("kechuang_records", "Records in the catalog.", "", Double(stats.total)))
            gauges.append(("kechuang_records_expired", "Records past valid_through.", "", Double(stats.expired)))
            gauges.append((
                "kechuang_restore_hold", "1 while the node, restored from a backup, publishes nothing until its own log is known to be the newest.", "",
                try readers.feed.restoreHold() == nil ? 0 : 1))
            for origin in try readers.feed.origins() {
                guard let checkpoint = try readers.feed.checkpoint(origin: origin) else { continue }
                let labels = Metrics.label("origin", origin)
                gauges.append(("kechuang_checkpoint_size", "Entries covered by the origin's latest checkpoint.", labels, Double(checkpoint.size)))
                gauges.append(("kechuang_checkpoint_age_seconds", "Age of the origin's latest checkpoint.", labels, now.timeIntervalSince(checkpoint.issued).rounded()))
                gauges.append(("kechuang_checkpoint_expires_in_seconds", "Time until the origin's checkpoint expires.", labels, checkpoint.expires.timeIntervalSince(now).rounded()))
            }
            // The federation as the peers' and origins' sync state says it.
            let federation = try FederationReader(path: configuration.databasePath)
            for peer in try federation.peers() {
                let labels = Metrics.label("peer", peer.peer.id)
                gauges.append(("kechuang_peer_up", "1 when the last sync with the peer succeeded.", labels, peer.state == .ok ? 1 : 0))
                gauges.append(("kechuang_peer_failures", "Consecutive failed syncs with the peer.", labels, Double(peer.failures)))
            }
            for origin in try federation.origins() {
                let labels = Metrics.label("origin", origin.origin)
                for state in SyncState.allCases {
                    gauges.append((
                        "kechuang_origin_state", "1 for the origin's sync state (ok, stale, error, fork, new).",
                        labels + "," + Metrics.label("state", state.rawValue), origin.state == state ? 1 : 0))
                }
                let behind = max(0, (origin.checkpoint?.size ?? 0) - origin.logSize)
                gauges.append(("kechuang_origin_lag_entries", "Entries of the origin's newest checkpoint not yet held.", labels, Double(behind)))
                let since = origin.updatedAt.flatMap(DateText.parseTimestamp).map { now.timeIntervalSince($0).rounded() } ?? -1
                gauges.append(("kechuang_origin_lag_seconds", "Seconds since the origin's data last changed state or grew (-1: never).", labels, since))
            }
            return gauges
        }
        return HTTPResponse(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8"), ("Cache-Control", "no-cache")],
                            body: Array(metrics.render(gauges: gauges).utf8))
    }

    // MARK: Helpers

    func json(_ value: JSONValue, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-cache")],
                     body: JSONWriter.write(value, pretty: false))
    }

    /// Maps an error to its response once: known errors keep their status and message; anything
    /// else is a 500 whose message is not shown (it may hold internals). Every string in the error is
    /// cut to an excerpt (``Excerpt``): a message or issue may quote the input, which can be megabytes.
    static func errorResponse(_ error: any Error) -> HTTPResponse {
        let (status, message, details) = classify(error)
        var object = details.filter { $0.key != "allow" }.mapValues(Excerpt.strings)
        object["status"] = .number(Double(status))
        object["message"] = .string(Excerpt.of(message))
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-cache")]
        if let allow = details["allow"]?.arrayValue { headers.append(("Allow", allow.compactMap(\.stringValue).joined(separator: ", "))) }
        if status == 401 { headers.append(("WWW-Authenticate", "Bearer realm=\"kechuang admin\"")) }
        if status == 503 || status == 429, let seconds = details["retry_after"]?.intValue { headers.append(("Retry-After", String(seconds))) }
        return HTTPResponse(status: status, headers: headers, body: JSONWriter.write(["error": .object(object)], pretty: false))
    }

    /// An error's status, message and details, as every route (JSON or web page) answers it.
    static func classify(_ error: any Error) -> (status: Int, message: String, details: [String: JSONValue]) {
        let status: Int
        let message: String
        var details: [String: JSONValue] = [:]
        switch error {
        case let error as any HTTPResponseError:
            (status, message, details) = (error.status, error.message, error.details)
        case let error as StoreError where error.isNotFound:
            (status, message) = (404, error.description)
        case let error as StoreError where error.isHeld:
            (status, message) = (409, error.description)
        case let error as StoreError where error.isTooLarge:
            (status, message) = (413, error.description)
        case let error as StoreError where error.isBadInput:
            (status, message) = (400, error.description)
            if !error.issues.isEmpty {
                details["issues"] = .array(error.issues.map { ["line": .number(Double($0.line)), "field": .string($0.field), "problem": .string($0.problem)] })
            }
        case let error as QueryError:
            (status, message) = (400, error.message)
        default:
            (status, message) = (500, "internal error")
        }
        return (status, message, details)
    }
}

/// What federated queries share on one node: an HTTP client (each query fans out on a libcurl
/// multi handle of its own, on the calling thread) and the count of queries in progress.
final class Federation: Sendable {
    let client = HTTPClient()
    let gate = FederationGate(limit: FederatedSearch.maxInProgress)
}

/// Counts work in progress and refuses more than `limit` at once.
final class FederationGate: Sendable {
    private let count = Atomic<Int>(0)
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Takes a place, or returns false when `limit` are taken.
    func enter() -> Bool {
        if count.add(1, ordering: .acquiringAndReleasing).newValue <= limit { return true }
        count.subtract(1, ordering: .acquiringAndReleasing)
        return false
    }

    func leave() {
        count.subtract(1, ordering: .acquiringAndReleasing)
    }
}

/// Feed files kept in memory, so hot files are served without touching the database twice: files
/// that never change for a given copy of an origin's log by their path and the origin's generation
/// (which another process bumps when it removes the origin's trust or pins it anew, so a copy
/// replaced meanwhile is never answered from the cache), the others by the publication stamp
/// (which changes with every checkpoint).
final class FeedCache: Sendable {
    private struct State {
        var files: [String: FeedFile] = [:]
        var bytes = 0
    }

    private let state = Mutex(State())
    /// Memory the cache may use before it starts over.
    static let budget = 64 << 20

    /// The files held.
    var count: Int { state.withLock { $0.files.count } }

    func file(_ resource: FeedPath.Resource, path: String, query: [String: String], reader: FeedReader) throws -> FeedFile? {
        let key: String
        if let (origin, immutableKey) = Self.immutableKey(resource, path: path, query: query) {
            key = "\(try reader.originGeneration(origin))|\(immutableKey)"
        } else {
            key = "\(path)|\(try reader.publicationStamp())"
        }
        if let file = state.withLock({ $0.files[key] }) { return file }
        guard let file = try reader.file(resource, query: query) else { return nil }
        state.withLock { state in
            let size = file.bytes.count + (file.gzip?.count ?? 0)
            if state.bytes + size > Self.budget {
                state.files.removeAll()
                state.bytes = 0
            }
            state.files[key] = file
            state.bytes += size
        }
        return file
    }

    /// The origin and key of a file that never changes while the node holds one copy of the
    /// origin's log: full and partial pages (their address fixes their entries), page roots and
    /// proofs of a given size.
    private static func immutableKey(_ resource: FeedPath.Resource, path: String, query: [String: String]) -> (String, String)? {
        switch resource {
        case .page(let origin, _, _), .pageRoots(let origin, _): (origin, path)
        case .inclusionProof(let origin): (origin, proofKey(path, query, ["seq", "size"]))
        case .consistencyProof(let origin): (origin, proofKey(path, query, ["from", "to"]))
        case .pageProof(let origin): (origin, proofKey(path, query, ["page", "size"]))
        default: nil
        }
    }

    /// A proof's key: its path and the parameters that decide it, as numbers. Other parameters
    /// (`&x=RAND`) change nothing of the answer, and so nothing of the key: they cannot fill the
    /// cache with copies of one proof.
    private static func proofKey(_ path: String, _ query: [String: String], _ names: [String]) -> String {
        path + "?" + names.map { "\($0)=\(query[$0].flatMap { Int($0) }.map(String.init) ?? "-")" }.joined(separator: "&")
    }
}
