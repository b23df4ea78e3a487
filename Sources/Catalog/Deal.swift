public import JSON

/// A deal (`kechuang.deal/1`, protocols/deals.md): a demand and a supply project linked, with
/// finance products, followed through the stages by a service agent (科服保姆).
public struct Deal: Sendable, Hashable {
    public enum Status: String, Sendable, CaseIterable, Comparable {
        case open, closed, abandoned

        /// The merge's order (protocols/deals.md): a side that closed or abandoned the deal wins
        /// over one that still has it open, and `closed` (it happened) over `abandoned`.
        var rank: Int { self == .open ? 0 : self == .abandoned ? 1 : 2 }
        public static func < (lhs: Status, rhs: Status) -> Bool { lhs.rank < rhs.rank }

        public var label: String {
            switch self {
            case .open: "进行中"
            case .closed: "已完成"
            case .abandoned: "已终止"
            }
        }
    }

    public struct Agent: Sendable, Hashable {
        public var name: String
        public var organization: String?
        public var phone: String?

        public init(name: String, organization: String? = nil, phone: String? = nil) {
            (self.name, self.organization, self.phone) = (name, organization, phone)
        }

        /// The agent as published: the phone masked as a contact's is (138****5678,
        /// `Contact.maskPhone`); name and organisation are public. Masking a masked phone keeps it.
        public func masked() -> Agent {
            Agent(name: name, organization: organization, phone: phone.map(Contact.maskPhone))
        }
    }

    public struct Event: Sendable, Hashable {
        public var date: String
        public var stage: Stage
        public var note: String?

        public init(date: String, stage: Stage, note: String? = nil) { (self.date, self.stage, self.note) = (date, stage, note) }

        public var object: JSONValue {
            var object: [String: JSONValue] = ["date": .string(date), "stage": .string(stage.rawValue)]
            if let note { object["note"] = .string(note) }
            return .object(object)
        }
    }

    public static let bodyType = "kechuang.deal/1"

    public var id: TypedObjectID
    public var version: Int
    public var demand: RecordID
    public var supply: RecordID
    public var finance: [RecordID]
    public var stage: Stage
    public var status: Status
    public var agent: Agent?
    public var amount: String?
    public var contract: String?
    public var events: [Event]
    public var sameAs: [TypedObjectID]
    public var createdAt: String
    public var updatedAt: String

    public init(
        id: TypedObjectID, version: Int = 1, demand: RecordID, supply: RecordID, finance: [RecordID] = [], stage: Stage = .matchmaking,
        status: Status = .open, agent: Agent? = nil, amount: String? = nil, contract: String? = nil, events: [Event] = [],
        sameAs: [TypedObjectID] = [], createdAt: String, updatedAt: String
    ) {
        (self.id, self.version, self.demand, self.supply, self.finance, self.stage, self.status) = (id, version, demand, supply, finance, stage, status)
        (self.agent, self.amount, self.contract, self.events, self.sameAs) = (agent, amount, contract, events, sameAs)
        (self.createdAt, self.updatedAt) = (createdAt, updatedAt)
    }

    /// The body as published (its JCS bytes are the entry's body line).
    public var object: [String: JSONValue] {
        var object: [String: JSONValue] = [
            "id": .string(id.description), "type": .string(Self.bodyType), "version": .number(Double(version)),
            "demand": .string(demand.description), "supply": .string(supply.description),
            "finance": .array(finance.map { .string($0.description) }), "stage": .string(stage.rawValue), "status": .string(status.rawValue),
            "events": .array(events.map(\.object)), "same_as": .array(sameAs.map { .string($0.description) }),
            "created_at": .string(createdAt), "updated_at": .string(updatedAt),
        ]
        if let agent {
            var value: [String: JSONValue] = ["name": .string(agent.name)]
            if let organization = agent.organization { value["organization"] = .string(organization) }
            if let phone = agent.phone { value["phone"] = .string(phone) }
            object["service_agent"] = .object(value)
        }
        if let amount { object["amount"] = .string(amount) }
        if let contract { object["contract"] = .string(contract) }
        return object
    }

    /// Refuses text this node may not write (protocols/deals.md §1, `DisplayText.writeProblem`):
    /// control characters in any text, ESC among them, and in one-line text (the agent's members,
    /// `contract`) line or paragraph separators and bidi controls; an event's note is multi-line.
    ///
    /// Applied to this node's own writes only; `init(_:)` reads stored and peers' bodies without it.
    /// - Throws: `DealError` naming the member, e.g. `service_agent.name: must be one line (…)`.
    public func checkWritable() throws(DealError) {
        var fields: [(String, String?, Bool)] = [("contract", contract, false)]
        if let agent {
            fields += [("service_agent.name", agent.name, false), ("service_agent.organization", agent.organization, false), ("service_agent.phone", agent.phone, false)]
        }
        fields += events.enumerated().map { ("events[\($0.offset)].note", $0.element.note, true) }
        for (name, text, multiline) in fields {
            if let text, let problem = DisplayText.writeProblem(text, multiline: multiline) { throw DealError("\(name): \(problem)") }
        }
    }

    /// Reads a deal body; the error names the member at fault.
    public init(_ value: JSONValue) throws(DealError) {
        guard let object = value.objectValue else { throw DealError("a deal is a JSON object") }
        let known: Set<String> = [
            "id", "type", "version", "demand", "supply", "finance", "stage", "status", "service_agent", "amount", "contract", "events", "same_as",
            "created_at", "updated_at",
        ]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) { throw DealError("\(unknown): not a member of a deal") }
        func text(_ name: String, in object: [String: JSONValue] = object, max: Int = 200) throws(DealError) -> String? {
            guard let member = object[name] else { return nil }
            guard let text = member.stringValue, !text.isEmpty, text.utf8.count <= max else { throw DealError("\(name): a non-empty string of at most \(max) bytes") }
            return text
        }
        func required(_ name: String) throws(DealError) -> String {
            guard let text = try text(name) else { throw DealError("\(name): missing") }
            return text
        }
        func record(_ text: String, _ name: String) throws(DealError) -> RecordID {
            guard let id = RecordID(text) else { throw DealError("\(name): \(text) is not a project id") }
            return id
        }
        guard let id = TypedObjectID(try required("id")), id.type == "deal" else { throw DealError("id: not a deal id (O:~deal.LOCAL)") }
        guard try required("type") == Self.bodyType else { throw DealError("type: must be \(Self.bodyType)") }
        guard let version = object["version"]?.intValue, version >= 1 else { throw DealError("version: an integer of at least 1") }
        let demand = try record(try required("demand"), "demand"), supply = try record(try required("supply"), "supply")
        guard let financeList = (object["finance"] ?? .array([])).arrayValue, financeList.count <= 20 else {
            throw DealError("finance: an array of at most 20 project ids")
        }
        var finance: [RecordID] = []
        for item in financeList {
            guard let text = item.stringValue else { throw DealError("finance: an array of project ids") }
            finance.append(try record(text, "finance"))
        }
        guard let stage = Stage(rawValue: try required("stage")) else { throw DealError("stage: one of \(Stage.allCases.map(\.rawValue).joined(separator: ", "))") }
        guard let status = Status(rawValue: try required("status")) else { throw DealError("status: open, closed or abandoned") }
        var agent: Agent?
        if let member = object["service_agent"] {
            guard let fields = member.objectValue, Set(fields.keys).isSubset(of: ["name", "organization", "phone"]) else {
                throw DealError("service_agent: an object of name, organization and phone")
            }
            guard let name = try text("name", in: fields) else { throw DealError("service_agent.name: missing") }
            agent = Agent(name: name, organization: try text("organization", in: fields), phone: try text("phone", in: fields, max: 40))
        }
        let amount = try text("amount")
        if let amount, !DecimalString.isValidAmount(amount) { throw DealError("amount: a money string such as \"1200000.00\"") }
        guard let eventList = (object["events"] ?? .array([])).arrayValue, eventList.count <= 1_000 else { throw DealError("events: an array of at most 1,000 events") }
        var events: [Event] = []
        for (index, item) in eventList.enumerated() {
            guard let fields = item.objectValue, Set(fields.keys).isSubset(of: ["date", "stage", "note"]) else {
                throw DealError("events[\(index)]: an object of date, stage and note")
            }
            guard let date = try text("date", in: fields), DateText.isValidDate(date) else { throw DealError("events[\(index)].date: YYYY-MM-DD") }
            guard let stageText = try text("stage", in: fields), let eventStage = Stage(rawValue: stageText) else {
                throw DealError("events[\(index)].stage: a stage code")
            }
            events.append(Event(date: date, stage: eventStage, note: try text("note", in: fields, max: 2_000)))
        }
        guard let sameList = (object["same_as"] ?? .array([])).arrayValue, sameList.count <= 20 else { throw DealError("same_as: an array of at most 20 deal ids") }
        var sameAs: [TypedObjectID] = []
        for item in sameList {
            guard let other = item.stringValue.flatMap(TypedObjectID.init), other.type == "deal" else { throw DealError("same_as: an array of deal ids") }
            sameAs.append(other)
        }
        let createdAt = try required("created_at"), updatedAt = try required("updated_at")
        guard DateText.isValidTimestamp(createdAt), DateText.isValidTimestamp(updatedAt) else { throw DealError("created_at, updated_at: timestamps") }
        self.init(
            id: id, version: version, demand: demand, supply: supply, finance: finance, stage: stage, status: status, agent: agent,
            amount: amount, contract: try text("contract"), events: events, sameAs: sameAs, createdAt: createdAt, updatedAt: updatedAt)
    }
}

/// A deal body that breaks `kechuang.deal/1`, naming the member.
public struct DealError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
