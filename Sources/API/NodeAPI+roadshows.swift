import Catalog
import Foundation
import HTTPServer
import JSON
import Store

extension NodeAPI {
    /// `GET /v1/roadshows?limit=N&cursor=ID`: `{"roadshows": [...], "total", "next_cursor"}`, in id
    /// order, each a `RoadshowService.summary`; `next_cursor` (the last id, or null) continues after it.
    func roadshows(_ request: HTTPRequest) throws -> HTTPResponse {
        let (limit, cursor) = try Self.page(request, of: "roadshow")
        let value = try pool.with { readers -> JSONValue in
            let all = try readers.catalog.roadshows()
            let after = cursor.map { cursor in all.filter { $0.id.description > cursor } } ?? all
            let page = Array(after.prefix(limit))
            let next: JSONValue = after.count > limit ? .string(page.last!.id.description) : .null
            return ["roadshows": .array(page.map(RoadshowService.summary)), "total": .number(Double(all.count)), "next_cursor": next]
        }
        return json(value)
    }

    /// `GET /v1/roadshows/{id}`: `RoadshowService.json`, its projects looked up now.
    func roadshow(id: String, _ request: HTTPRequest) throws -> HTTPResponse {
        if let unknown = request.query.keys.sorted().first { throw APIError.badRequest("unknown parameter \(unknown)") }
        return json(try pool.with { readers in
            RoadshowService.json(try RoadshowService.view(try RoadshowService.roadshow(id, reader: readers.catalog), reader: readers.catalog))
        })
    }

    /// `GET /v1/roadshows/{id}.html`: the printable agenda (Simplified Chinese, Beijing times).
    /// Every text in it is escaped; the page loads nothing and runs nothing (its CSP says so).
    func roadshowHTML(id: String, _ request: HTTPRequest) throws -> HTTPResponse {
        if let unknown = request.query.keys.sorted().first { throw APIError.badRequest("unknown parameter \(unknown)") }
        let html = try pool.with { readers in
            RoadshowOutput.html(try RoadshowService.view(try RoadshowService.roadshow(id, reader: readers.catalog), reader: readers.catalog))
        }
        return HTTPResponse(
            status: 200,
            headers: [
                ("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-cache"), ("X-Content-Type-Options", "nosniff"),
                ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"),
            ],
            body: Array(html.utf8))
    }

    /// `PUT /v1/roadshows/{id}` (admin): publishes this node's roadshow `id` (new, or its next
    /// version) from a draft, with `roadshow publish`'s validation: 400 with `problems` (each
    /// `{"field", "problem", "line"}`, the line in the request body) and nothing published.
    /// Answers 200 with the roadshow as `GET` shows it.
    func putRoadshow(id: String, _ request: HTTPRequest) throws -> HTTPResponse {
        let who = try authorize(request)
        let value = try jsonBody(request, what: "a roadshow", limits: RoadshowService.draftLimits)
        let store = configuration.store
        let publish = configuration.publish
        let answer = try pool.with { readers -> JSONValue in
            let written = try RoadshowService.publish(value, bytes: request.body, id: id, store: store, reader: readers.catalog, now: Date(), publish: publish)
            try audit(who, "put_roadshow", written.id.description, "version \(written.version), \(written.status.rawValue), \(written.projects.count) slots")
            return RoadshowService.json(try RoadshowService.view(written, reader: readers.catalog))
        }
        return json(answer)
    }
}
