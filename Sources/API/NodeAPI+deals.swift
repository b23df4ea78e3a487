import Catalog
import Foundation
import HTTPServer
import JSON
import Merge
import Store

extension NodeAPI {
    /// `GET /v1/deals?limit=N&cursor=ID`: `{"deals": [...], "total", "next_cursor"}`, in deal id
    /// order; `next_cursor` (the last deal's id, or null) continues after it.
    func deals(_ request: HTTPRequest) throws -> HTTPResponse {
        let (limit, cursor) = try Self.page(request, of: "deal")
        let value = try pool.with { readers -> JSONValue in
            let all = try readers.catalog.unifiedDeals()
            let after = cursor.map { cursor in all.filter { $0.id > cursor } } ?? all
            let page = Array(after.prefix(limit))
            let next: JSONValue = after.count > limit ? .string(page.last!.id) : .null
            return [
                "deals": .array(try page.map { try DealService.json($0, reader: readers.catalog) }), "total": .number(Double(all.count)),
                "next_cursor": next,
            ]
        }
        return json(value)
    }

    /// The `limit` (1–100, default 20) and `cursor` (an id of `what`) of a paged list, no other parameter.
    static func page(_ request: HTTPRequest, of what: String) throws -> (limit: Int, cursor: String?) {
        if let unknown = request.query.keys.sorted().first(where: { !["limit", "cursor"].contains($0) }) {
            throw APIError.badRequest("unknown parameter \(unknown)")
        }
        var limit = 20
        if let text = request.query["limit"] {
            guard let parsed = Int(text), (1...100).contains(parsed) else { throw APIError.badRequest("limit must be 1–100") }
            limit = parsed
        }
        let cursor = request.query["cursor"]
        if let cursor, cursor.isEmpty || cursor.utf8.count > 120 { throw APIError.badRequest("cursor must be a \(what) id") }
        return (limit, cursor)
    }

    /// `GET /v1/deals/{id}`: the merged deal holding the member `id`.
    func deal(id: String) throws -> HTTPResponse {
        json(try pool.with { readers in try DealService.json(try DealService.unified(id, reader: readers.catalog), reader: readers.catalog) })
    }

    /// `PUT /v1/deals/{id}` (admin): records this node's deal `id`, new or its next version. The
    /// body: `{"demand", "supply", "finance", "stage", "status", "service_agent", "amount",
    /// "contract", "events", "same_as"}` (demand and supply required). Answers 200 with the merged
    /// deal.
    func putDeal(id: String, _ request: HTTPRequest) throws -> HTTPResponse {
        let who = try authorize(request)
        let value = try jsonBody(
            request, what: "a deal", limits: JSONParser.Limits(maxBytes: 1 << 20, maxDepth: 8, maxStringBytes: 64 << 10, maxNumberLength: 40))
        let draft = try DealService.Draft(json: value, node: configuration.store.node.id)
        let store = configuration.store
        let publish = configuration.publish
        let answer = try pool.with { readers -> JSONValue in
            let written = try DealService.put(id, draft, store: store, reader: readers.catalog, now: Date(), publish: publish)
            try audit(who, "put_deal", written.id.description, "version \(written.version), \(written.stage.rawValue), \(written.status.rawValue)")
            return try DealService.json(try DealService.unified(written.id.description, reader: readers.catalog), reader: readers.catalog)
        }
        return json(answer)
    }

    /// `GET /v1/funnel?region=R`: `Funnel.json`.
    func funnel(_ request: HTTPRequest) throws -> HTTPResponse {
        if let unknown = request.query.keys.sorted().first(where: { $0 != "region" }) { throw APIError.badRequest("unknown parameter \(unknown)") }
        var region: String?
        if let text = request.query["region"] {
            guard let parsed = Region(lenient: text) else { throw APIError.badRequest("region \(text) is not a known region") }
            region = parsed.code
        }
        return json(try pool.with { try $0.catalog.funnel().json(region: region) })
    }
}
