public import Catalog
public import Foundation
public import JSON
import Feed
import Signing
public import Store

/// Publishing, withdrawing and showing roadshows (protocols/roadshows.md), for the CLI and the
/// HTTP API alike. A refused draft throws `RoadshowRefusal` (400; the CLI prints each problem as
/// `FILE:LINE: field: problem` and exits 2), an unknown roadshow 404 (exit 1).
public enum RoadshowService {
    /// One problem of a draft: the member at fault, what is wrong, and its line in the source
    /// when the member is in it.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public let field: String
        public let problem: String
        public let line: Int?

        public var description: String { "\(field): \(problem)" }

        /// `FILE:LINE: field: problem` (`FILE: field: problem` without a line).
        public func located(in file: String) -> String { "\(file)\(line.map { ":\($0)" } ?? ""): \(field): \(problem)" }

        public var json: JSONValue {
            var object: [String: JSONValue] = ["field": .string(field), "problem": .string(problem)]
            if let line { object["line"] = .number(Double(line)) }
            return .object(object)
        }
    }

    /// A draft refused whole: nothing was published.
    public struct Refusal: HTTPResponseError, Sendable, CustomStringConvertible {
        public let problems: [Problem]
        public var status: Int { 400 }
        public var message: String { "the roadshow is refused (\(problems.count) problem\(problems.count == 1 ? "" : "s")); nothing was published" }
        public var details: [String: JSONValue] { ["issues": .array(problems.map(\.json))] }
        public var description: String { ([message] + problems.map(\.description)).joined(separator: "\n") }
    }

    /// Limits of a draft read from a file or a request.
    public static let draftLimits = JSONParser.Limits(maxBytes: 4 << 20, maxDepth: 10, maxStringBytes: 64 << 10, maxNumberLength: 40)

    /// A roadshow id as given: `O:~roadshow.LOCAL`, or LOCAL for this node's own.
    public static func roadshowID(_ text: String, node: String) throws -> TypedObjectID {
        let full = text.contains(":") ? text : "\(node):~roadshow.\(text)"
        guard text.utf8.count <= 120, let id = TypedObjectID(full), id.type == "roadshow" else {
            throw APIError.badRequest("\(text) is not a roadshow id (ORIGIN:~roadshow.LOCAL, or LOCAL for this node's own)")
        }
        // `/v1/roadshows/{id}.html` is the agenda of `{id}`: no id ends in `.html` itself.
        guard !id.local.hasSuffix(".html") else { throw APIError.badRequest("\(text): a roadshow id does not end in .html") }
        return id
    }

    /// Parses a draft's bytes; a syntax error is a problem with its line.
    public static func parseDraft(_ bytes: [UInt8]) throws -> JSONValue {
        do {
            return try JSONParser.parse(bytes, limits: draftLimits)
        } catch {
            throw Refusal(problems: [Problem(field: "(file)", problem: "not JSON: \(error.message)", line: error.line)])
        }
    }

    /// Publishes the draft `value` (its source `bytes`, for lines) as this node's roadshow: a new
    /// one, or the next version of the one with the same id. The id is the draft's `id`, else
    /// `local`, else the event tag. Every problem is found before anything is written.
    public static func publish(
        _ value: JSONValue, bytes: [UInt8]?, id idText: String? = nil, store: CatalogStore, reader: CatalogReader, now: Date,
        publish: DealService.Publish? = nil
    ) throws -> Roadshow {
        let node = reader.node.id
        guard let object = value.objectValue else { throw Refusal(problems: [Problem(field: "(body)", problem: "a roadshow draft is a JSON object", line: 1)]) }
        let draftID = object["id"]?.stringValue
        if object["id"] != nil, draftID == nil { throw refusal([.key("id")], "a roadshow id or its local part", bytes) }
        guard let text = idText ?? draftID ?? object["event"]?.stringValue else { throw refusal([.key("event")], "missing", bytes) }
        let id: TypedObjectID
        do {
            id = try roadshowID(text, node: node)
        } catch let error as APIError {
            throw refusal(idText == nil && draftID != nil ? [.key("id")] : [.key("event")], error.message, bytes)
        }
        if let draftID, let idText, (try? roadshowID(draftID, node: node)) != id {  // a malformed draft id differs from any id
            throw refusal([.key("id")], "\(draftID) differs from the id asked for (\(idText))", bytes)
        }
        guard id.origin == node else {
            throw refusal(draftID != nil ? [.key("id")] : [], "\(id) belongs to origin \(id.origin): this node publishes only its own roadshows", bytes)
        }
        let current = try reader.roadshow(id)
        var body = object
        if let type = object["type"], type.stringValue != Roadshow.bodyType { throw refusal([.key("type")], "must be \(Roadshow.bodyType)", bytes) }
        body["id"] = .string(id.description)
        body["type"] = .string(Roadshow.bodyType)
        body["version"] = .number(Double((current?.version ?? 0) + 1))
        body["created_at"] = .string(current?.createdAt ?? DateText.timestamp(now))
        body["updated_at"] = .string(DateText.timestamp(now))
        if body["status"] == nil { body["status"] = "published" }
        let roadshow: Roadshow
        do {
            roadshow = try Roadshow(.object(body))
            // This node's own write: no text that acts on a terminal or reorders what is shown.
            try roadshow.checkWritable()
        } catch {
            throw refusal(error.path, error.problem, bytes)
        }
        try check(roadshow, reader: reader, bytes: bytes)
        return try save(roadshow, store: store, publish: publish)
    }

    /// Publishes the withdrawal of this node's roadshow `id` (its next version, status withdrawn).
    public static func withdraw(_ idText: String, store: CatalogStore, reader: CatalogReader, now: Date, publish: DealService.Publish? = nil) throws -> Roadshow {
        let id = try roadshowID(idText, node: reader.node.id)
        guard id.origin == reader.node.id else { throw APIError.badRequest("\(id) belongs to origin \(id.origin): only its origin withdraws it") }
        guard var roadshow = try reader.roadshow(id) else { throw APIError.notFound("no roadshow \(id)") }
        guard roadshow.status == .published else { throw APIError.badRequest("\(id) is already withdrawn") }
        roadshow.status = .withdrawn
        roadshow.version += 1
        roadshow.updatedAt = DateText.timestamp(now)
        return try save(roadshow, store: store, publish: publish)
    }

    /// The roadshow `id` (any origin's), or 404.
    public static func roadshow(_ idText: String, reader: CatalogReader) throws -> Roadshow {
        let id = try roadshowID(idText, node: reader.node.id)
        guard let roadshow = try reader.roadshow(id) else { throw APIError.notFound("no roadshow \(id)") }
        return roadshow
    }

    /// The roadshow with its projects looked up in the unified catalog now.
    public static func view(_ roadshow: Roadshow, reader: CatalogReader) throws -> RoadshowView {
        let sessions = try roadshow.sessions.map { session in
            try session.slots.map { RoadshowView.Entry(slot: $0, project: try reader.clusterProject(of: $0.project)) }
        }
        return RoadshowView(roadshow: roadshow, sessions: sessions)
    }

    /// `GET /v1/roadshows/{id}`: `{"roadshow": BODY, "origin", "projects": {ID: {…}}, "unknown": [ID]}`;
    /// each project as the public sees it (title, kind, industry, region, regions, organization,
    /// service_agent with its phone masked, stage, cluster).
    public static func json(_ view: RoadshowView) -> JSONValue {
        var projects: [String: JSONValue] = [:]
        for entry in view.sessions.joined() {
            guard let cluster = entry.project else { continue }
            projects[entry.slot.project.description] = projectJSON(cluster)
        }
        return [
            "roadshow": .object(view.roadshow.object), "origin": .string(view.roadshow.id.origin), "projects": .object(projects),
            "unknown": .array(view.unknown.map { .string($0.description) }),
        ]
    }

    /// A line of `GET /v1/roadshows`: `{"id", "origin", "version", "event", "title", "status",
    /// "sessions", "slots", "updated_at"}`.
    public static func summary(_ roadshow: Roadshow) -> JSONValue {
        [
            "id": .string(roadshow.id.description), "origin": .string(roadshow.id.origin), "version": .number(Double(roadshow.version)),
            "event": .string(roadshow.event), "title": .string(roadshow.title), "status": .string(roadshow.status.rawValue),
            "sessions": .number(Double(roadshow.sessions.count)), "slots": .number(Double(roadshow.projects.count)),
            "updated_at": .string(roadshow.updatedAt),
        ]
    }

    /// A slot's project as the agenda shows it.
    static func projectJSON(_ cluster: ClusterProject) -> JSONValue {
        let project = cluster.project
        var object: [String: JSONValue] = [
            "title": .string(project.title), "kind": .string(project.kind.rawValue), "industry": .string(project.industry.rawValue),
            "stage": .string(project.stage.rawValue), "region": .string(project.organization.region.code),
            "regions": .array(cluster.regions.map(JSONValue.string)), "organization": .string(project.organization.name),
            "cluster": .string(cluster.cluster),
        ]
        if let agent = project.serviceAgent {
            var fields: [String: JSONValue] = ["name": .string(agent.name)]
            if let organization = agent.organization { fields["organization"] = .string(organization) }
            // The agent's phone is personal data: masked, as every public output shows it.
            if let phone = agent.phone { fields["phone"] = .string(Contact.maskPhone(phone)) }
            object["service_agent"] = .object(fields)
        }
        return .object(object)
    }

    // MARK: -

    /// The checks that need the unified catalog: every project is in it, no cluster twice.
    private static func check(_ roadshow: Roadshow, reader: CatalogReader, bytes: [UInt8]?) throws {
        var problems: [Problem] = []
        var clusters: [String: String] = [:]
        for (sessionIndex, session) in roadshow.sessions.enumerated() {
            for (slotIndex, slot) in session.slots.enumerated() {
                let path: [JSONPathComponent] = [.key("sessions"), .index(sessionIndex), .key("slots"), .index(slotIndex), .key("project")]
                let field = RoadshowError(path, "").field
                guard let cluster = try reader.clusterProject(of: slot.project) else {
                    problems.append(problem(path, "\(slot.project) is not in the unified catalog", bytes))
                    continue
                }
                if let first = clusters[cluster.cluster] {
                    problems.append(problem(path, "\(slot.project) is one project with \(first) (cluster \(cluster.cluster)): no cluster twice", bytes))
                } else {
                    clusters[cluster.cluster] = "\(slot.project) at \(field)"
                }
            }
        }
        if !problems.isEmpty { throw Refusal(problems: problems) }
    }

    private static func problem(_ path: [JSONPathComponent], _ text: String, _ bytes: [UInt8]?) -> Problem {
        Problem(field: RoadshowError(path, "").field, problem: text, line: bytes.flatMap { JSONLocator.line(of: path, in: $0, firstLine: 1) })
    }

    private static func refusal(_ path: [JSONPathComponent], _ text: String, _ bytes: [UInt8]?) -> Refusal {
        Refusal(problems: [problem(path, text, bytes)])
    }

    /// Appends the roadshow's entry (version numbered by the log), publishes, returns it as written.
    private static func save(_ roadshow: Roadshow, store: CatalogStore, publish: DealService.Publish?) throws -> Roadshow {
        var written = roadshow
        written.version = try DealService.append(roadshow.object, store: store, publish: publish)
        return written
    }
}
