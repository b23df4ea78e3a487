public import Catalog
public import Foundation
public import JSON
public import Merge
import Feed
import Signing
public import Store

/// Recording and reading deals (protocols/deals.md), for the CLI and the HTTP API alike.
/// Bad input throws `APIError` 400 (the CLI exits 2), an unknown deal 404 (exit 1).
public enum DealService {
    /// What an operator states about a deal when recording it (`deal create`, `PUT /v1/deals/{id}`).
    public struct Draft: Sendable {
        public var demand: String
        public var supply: String
        public var finance: [String] = []
        public var stage: Stage = .matchmaking
        public var status: Deal.Status = .open
        public var agent: Deal.Agent?
        public var amount: String?
        public var contract: String?
        public var events: [Deal.Event] = []
        public var sameAs: [String] = []

        public init(demand: String, supply: String) { (self.demand, self.supply) = (demand, supply) }

        /// The body of `PUT /v1/deals/{id}`: the members of `kechuang.deal/1` an operator states
        /// (`id`, `type`, `version`, `created_at` and `updated_at` are the node's).
        /// A local project id (no `:`) means `node`'s own.
        public init(json value: JSONValue, node: String) throws {
            guard var object = value.objectValue else { throw APIError.badRequest("a deal is a JSON object") }
            func qualified(_ value: JSONValue) -> JSONValue {
                guard let text = value.stringValue, !text.contains(":") else { return value }
                return .string("\(node):\(text)")
            }
            for name in ["demand", "supply"] { if let value = object[name] { object[name] = qualified(value) } }
            if let list = object["finance"]?.arrayValue { object["finance"] = .array(list.map(qualified)) }
            for name in ["id", "type", "version", "created_at", "updated_at"] where object[name] != nil {
                throw APIError.badRequest("\(name) is set by the node, not by the request")
            }
            // Read with the schema's own rules, on a placeholder id and times.
            object["id"] = "placeholder:~deal.placeholder"
            object["type"] = .string(Deal.bodyType)
            object["version"] = 1
            object["created_at"] = "2000-01-01T00:00:00Z"
            object["updated_at"] = "2000-01-01T00:00:00Z"
            if object["status"] == nil { object["status"] = "open" }
            if object["stage"] == nil { object["stage"] = "matchmaking" }
            let deal: Deal
            do {
                deal = try Deal(.object(object))
            } catch {
                throw APIError.badRequest("\(error)")
            }
            self.init(demand: deal.demand.description, supply: deal.supply.description)
            (finance, stage, status, agent, amount, contract, events) = (
                deal.finance.map(\.description), deal.stage, deal.status, deal.agent, deal.amount, deal.contract, deal.events
            )
            sameAs = deal.sameAs.map(\.description)
        }
    }

    /// A deal id as given: `O:~deal.LOCAL`, or LOCAL for this node's own.
    public static func dealID(_ text: String, node: String) throws -> TypedObjectID {
        let full = text.contains(":") ? text : "\(node):~deal.\(text)"
        guard text.utf8.count <= 120, let id = TypedObjectID(full), id.type == "deal" else {
            throw APIError.badRequest("\(text) is not a deal id (ORIGIN:~deal.LOCAL, or LOCAL for this node's own)")
        }
        return id
    }

    /// Records a new deal of this node; returns it as written.
    public static func create(_ draft: Draft, local: String?, store: CatalogStore, reader: CatalogReader, now: Date, publish: Publish? = nil) throws -> Deal {
        let node = reader.node.id
        let local = local ?? "d-" + DateText.date(now).replacingOccurrences(of: "-", with: "") + "-" + Hex.encode(SecureRandom.bytes(4))
        let id = try dealID(local, node: node)
        guard id.origin == node else { throw APIError.badRequest("\(id): a deal is recorded by its own origin (\(node) records \(node):~deal.…)") }
        guard try reader.deal(id) == nil else { throw APIError.badRequest("\(id) exists: use deal advance or deal close") }
        var draft = draft
        if draft.events.isEmpty { draft.events = [Deal.Event(date: DateText.date(now), stage: draft.stage)] }
        return try save(try build(id, draft, reader: reader, createdAt: DateText.timestamp(now), now: now), store: store, publish: publish)
    }

    /// Records `draft` as this node's deal `id`, new or the next version (`PUT /v1/deals/{id}`).
    public static func put(_ idText: String, _ draft: Draft, store: CatalogStore, reader: CatalogReader, now: Date, publish: Publish? = nil) throws -> Deal {
        let id = try dealID(idText, node: reader.node.id)
        guard id.origin == reader.node.id else { throw APIError.badRequest("\(id) belongs to origin \(id.origin): this node writes only its own deals") }
        let current = try reader.deal(id)
        let deal = try build(id, draft, reader: reader, createdAt: current?.createdAt ?? DateText.timestamp(now), now: now)
        if let current { try checkForward(from: current, to: deal) }
        return try save(deal, store: store, publish: publish)
    }

    /// Moves this node's deal `id` to `stage` (never backwards) with a dated event.
    public static func advance(_ idText: String, to stage: Stage, date: String, note: String?, store: CatalogStore, reader: CatalogReader, now: Date, publish: Publish? = nil) throws -> Deal {
        var deal = try own(idText, reader: reader)
        guard DateText.isValidDate(date) else { throw APIError.badRequest("--date \(date): YYYY-MM-DD") }
        guard deal.status == .open else { throw APIError.badRequest("\(deal.id) is \(deal.status.rawValue): it no longer moves") }
        guard stage >= deal.stage else {
            throw APIError.badRequest("\(deal.id) is at \(deal.stage.rawValue); a deal never goes back to \(stage.rawValue)")
        }
        deal.stage = stage
        deal.events.append(Deal.Event(date: date, stage: stage, note: note))
        return try save(next(deal, now: now), store: store, publish: publish)
    }

    /// Closes or abandons this node's deal `id`.
    public static func close(_ idText: String, status: Deal.Status, note: String?, store: CatalogStore, reader: CatalogReader, now: Date, publish: Publish? = nil) throws -> Deal {
        var deal = try own(idText, reader: reader)
        guard status != .open else { throw APIError.badRequest("--status: closed or abandoned") }
        guard deal.status == .open else { throw APIError.badRequest("\(deal.id) is already \(deal.status.rawValue)") }
        deal.status = status
        deal.events.append(Deal.Event(date: DateText.date(now), stage: deal.stage, note: note ?? (status == .closed ? "完成" : "终止")))
        return try save(next(deal, now: now), store: store, publish: publish)
    }

    /// The unified deal that holds `id` (any member's id), or 404.
    public static func unified(_ idText: String, reader: CatalogReader) throws -> DealMerge.Unified {
        let id = try dealID(idText, node: reader.node.id)
        guard let found = try reader.unifiedDeals().first(where: { $0.members.contains { $0.id == id } }) else {
            throw APIError.notFound("no deal \(id)")
        }
        return found
    }

    /// A unified deal as served: its entry, with `unknown` listing the parties this node does
    /// not hold (a synced deal may name them before their records arrive).
    public static func json(_ deal: DealMerge.Unified, reader: CatalogReader) throws -> JSONValue {
        guard case .object(var object) = deal.entry else { return deal.entry }
        // A member written by older software, or by a peer's, may hold the agent's full phone: its
        // signed body stays as it is (and `deals_digest` counts it), but it is served masked, as a
        // peer's project contact is.
        if case .object(var record) = object["record"] {
            record["service_agent"] = record["service_agent"].map(maskedAgent)
            object["record"] = .object(record)
        }
        if case .array(let conflicts) = object["conflicts"] {
            object["conflicts"] = .array(conflicts.map { conflict in
                guard case .object(var item) = conflict, item["field"] == "service_agent", case .array(let values) = item["values"] else { return conflict }
                item["values"] = .array(values.map { value in
                    guard case .object(var member) = value else { return value }
                    member["value"] = member["value"].map(maskedAgent)
                    return .object(member)
                })
                return .object(item)
            })
        }
        let parties = Set(deal.members.flatMap { [$0.demand, $0.supply] + $0.finance })
        object["unknown"] = .array(try parties.sorted().filter { try reader.clusterID(of: $0) == nil }.map { .string($0.description) })
        return .object(object)
    }

    // MARK: -

    /// A `service_agent` value with its phone masked (`Contact.maskPhone`).
    private static func maskedAgent(_ value: JSONValue) -> JSONValue {
        guard case .object(var fields) = value, let phone = fields["phone"]?.stringValue else { return value }
        fields["phone"] = .string(Contact.maskPhone(phone))
        return .object(fields)
    }

    private static func own(_ idText: String, reader: CatalogReader) throws -> Deal {
        let id = try dealID(idText, node: reader.node.id)
        guard id.origin == reader.node.id else {
            throw APIError.badRequest("\(id) belongs to origin \(id.origin): record this node's view with `deal create --same-as \(id)`")
        }
        guard let deal = try reader.deal(id) else { throw APIError.notFound("no deal \(id)") }
        return deal
    }

    private static func next(_ deal: Deal, now: Date) -> Deal {
        var deal = deal
        deal.version += 1
        deal.updatedAt = DateText.timestamp(now)
        return deal
    }

    private static func checkForward(from current: Deal, to deal: Deal) throws {
        guard deal.stage >= current.stage else {
            throw APIError.badRequest("\(deal.id) is at \(current.stage.rawValue); a deal never goes back to \(deal.stage.rawValue)")
        }
    }

    /// The deal `draft` describes, checked against the unified catalog.
    private static func build(_ id: TypedObjectID, _ draft: Draft, reader: CatalogReader, createdAt: String, now: Date) throws -> Deal {
        let node = reader.node.id
        func project(_ text: String, _ role: String, kinds: [ProjectKind]) throws -> ClusterProject {
            guard text.utf8.count <= 100, let id = RecordID(text.contains(":") ? text : "\(node):\(text)") else {
                throw APIError.badRequest("--\(role) \(text): not a project id")
            }
            guard let found = try reader.clusterProject(of: id) else { throw APIError.badRequest("--\(role) \(id): no such project in the unified catalog") }
            guard kinds.contains(found.project.kind) else {
                throw APIError.badRequest("--\(role) \(id) is a\(found.project.kind == .achievement ? "n" : "") \(found.project.kind.rawValue); expected \(kinds.map(\.rawValue).joined(separator: " or "))")
            }
            return ClusterProject(project: found.project, cluster: found.cluster, regions: found.regions)
        }
        let demand = try project(draft.demand, "demand", kinds: [.challenge])
        let supply = try project(draft.supply, "supply", kinds: [.achievement, .technology])
        let finance = try draft.finance.map { try project($0, "finance", kinds: [.finance]) }
        let clusters = [demand.cluster, supply.cluster] + finance.map(\.cluster)
        guard Set(clusters).count == clusters.count else {
            throw APIError.badRequest("the parties are one project (cluster \(demand.cluster == supply.cluster ? demand.cluster : clusters.sorted().first!)): a deal links different projects")
        }
        if let amount = draft.amount, !DecimalString.isValidAmount(amount) {
            throw APIError.badRequest("--amount \(amount): a money string such as 1200000.00")
        }
        let sameAs = try draft.sameAs.map { text in
            let other = try dealID(text, node: node)
            guard other != id else { throw APIError.badRequest("--same-as \(text): a deal is not the same as itself") }
            return other
        }
        let deal = Deal(
            id: id, version: 1, demand: demand.id, supply: supply.id, finance: finance.map(\.id), stage: draft.stage, status: draft.status,
            agent: draft.agent, amount: draft.amount, contract: draft.contract, events: draft.events, sameAs: sameAs, createdAt: createdAt,
            updatedAt: DateText.timestamp(now))
        // The schema's own bounds (lengths, counts), as every reader checks them.
        do {
            _ = try Deal(.object(deal.object))
        } catch {
            throw APIError.badRequest("\(error)")
        }
        return deal
    }

    /// Signs a checkpoint after a write, inside the store's isolation (`NodeAPI.Configuration.publish`).
    public typealias Publish = @Sendable (isolated CatalogStore) throws -> Void

    /// Appends the deal's entry (version numbered by the log), publishes, and returns it as written.
    ///
    /// Every write of a deal passes here (create, put, advance, close), so the node's own rules
    /// for what it publishes apply once: the agent's phone is masked (protocols/deals.md §1: the
    /// log is published forever), and text with control characters is refused.
    private static func save(_ deal: Deal, store: CatalogStore, publish: Publish?) throws -> Deal {
        var written = deal
        written.agent = deal.agent?.masked()
        do {
            try written.checkWritable()
        } catch {
            throw APIError.badRequest("\(error)")
        }
        written.version = try append(written.object, store: store, publish: publish)
        return written
    }

    /// Appends a typed object's entry (its version numbered by the log) and publishes, in one
    /// turn of the store; returns the version written.
    static func append(_ object: [String: JSONValue], store: CatalogStore, publish: Publish?) throws -> Int {
        try store.synchronously { store in
            let entry = try store.putObject(object)
            try publish?(store)
            return entry.version
        }
    }
}

extension Funnel {
    /// `{"total": {…}, "regions": {REGION: {…}}}`, each `{"projects": {STAGE: n}, "deals": {STAGE: n},
    /// "deal_status": {STATUS: n}, "conversion": {"publication→matchmaking": ratio|null, …}}`; every
    /// stage and status is present (0 when none). `region` keeps only that region.
    public func json(region: String? = nil) -> JSONValue {
        func counts(_ counts: Funnel.Counts) -> JSONValue {
            var conversion: [String: JSONValue] = [:]
            for step in counts.conversion {
                conversion["\(step.from.rawValue)→\(step.to.rawValue)"] = step.ratio.map { .number(($0 * 10_000).rounded() / 10_000) } ?? .null
            }
            return [
                "projects": .object(Dictionary(uniqueKeysWithValues: Stage.allCases.map { ($0.rawValue, .number(Double(counts.projects[$0] ?? 0))) })),
                "deals": .object(Dictionary(uniqueKeysWithValues: Stage.allCases.map { ($0.rawValue, .number(Double(counts.deals[$0] ?? 0))) })),
                "deal_status": .object(Dictionary(uniqueKeysWithValues: Deal.Status.allCases.map { ($0.rawValue, .number(Double(counts.dealStatus[$0] ?? 0))) })),
                "conversion": .object(conversion),
            ]
        }
        let shown = regions.filter { region == nil || $0.key == region }
        return ["total": counts(total), "regions": .object(shown.mapValues(counts))]
    }
}
