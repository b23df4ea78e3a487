import Foundation
public import JSON

/// A roadshow (`kechuang.roadshow/1`, protocols/roadshows.md): an event's agenda of industry
/// sessions, each an ordered list of slots pitching projects of the unified catalog.
///
/// A roadshow names projects by id only: titles, organisations and service agents are looked up
/// when it is shown, so a project's redaction reaches every agenda. Times are UTC timestamps;
/// they are shown in Beijing time (UTC+8), and a session's `date` is its day in Beijing.
public struct Roadshow: Sendable, Hashable {
    public enum Status: String, Sendable, CaseIterable {
        case published, withdrawn

        public var label: String { self == .published ? "已发布" : "已撤回" }
    }

    public struct Slot: Sendable, Hashable {
        /// UTC timestamp (`YYYY-MM-DDTHH:MM:SSZ`).
        public var time: String
        public var project: RecordID
        public var expert: String?
        /// Why the project was chosen (the planner's words, or the organiser's).
        public var why: String?

        public init(time: String, project: RecordID, expert: String? = nil, why: String? = nil) {
            (self.time, self.project, self.expert, self.why) = (time, project, expert, why)
        }

        public var object: JSONValue {
            var object: [String: JSONValue] = ["time": .string(time), "project": .string(project.description)]
            if let expert { object["expert"] = .string(expert) }
            if let why { object["why"] = .string(why) }
            return .object(object)
        }
    }

    public struct Session: Sendable, Hashable {
        /// `event/session`, the tag records carry in `sessions`.
        public var id: String
        public var name: String
        /// The industries the session is for; empty for any (the overseas session).
        public var industries: [Industry]
        /// The session's day in Beijing time, `YYYY-MM-DD`.
        public var date: String
        /// UTC timestamp of the session's start.
        public var start: String
        public var place: String
        public var slots: [Slot]

        public init(id: String, name: String, industries: [Industry], date: String, start: String, place: String, slots: [Slot] = []) {
            (self.id, self.name, self.industries, self.date, self.start, self.place, self.slots) = (id, name, industries, date, start, place, slots)
        }

        public var object: JSONValue {
            [
                "id": .string(id), "name": .string(name), "industries": .array(industries.map { .string($0.rawValue) }),
                "date": .string(date), "start": .string(start), "place": .string(place), "slots": .array(slots.map(\.object)),
            ]
        }
    }

    public static let bodyType = "kechuang.roadshow/1"
    /// Bounds every reader checks (protocols/roadshows.md).
    public static let maxSessions = 20
    public static let maxSlots = 100

    public var id: TypedObjectID
    public var version: Int
    public var event: String
    public var title: String
    public var status: Status
    public var sessions: [Session]
    public var createdAt: String
    public var updatedAt: String

    public init(
        id: TypedObjectID, version: Int = 1, event: String, title: String, status: Status = .published, sessions: [Session], createdAt: String,
        updatedAt: String
    ) {
        (self.id, self.version, self.event, self.title, self.status, self.sessions) = (id, version, event, title, status, sessions)
        (self.createdAt, self.updatedAt) = (createdAt, updatedAt)
    }

    /// Every project of every slot, in agenda order.
    public var projects: [RecordID] { sessions.flatMap { $0.slots.map(\.project) } }

    /// The body as published (its JCS bytes are the entry's body line).
    public var object: [String: JSONValue] {
        [
            "id": .string(id.description), "type": .string(Self.bodyType), "version": .number(Double(version)), "event": .string(event),
            "title": .string(title), "status": .string(status.rawValue), "sessions": .array(sessions.map(\.object)),
            "created_at": .string(createdAt), "updated_at": .string(updatedAt),
        ]
    }

    /// Refuses text this node may not write (protocols/roadshows.md, `DisplayText.writeProblem`):
    /// control characters in any text, ESC among them, and in one-line text (`title`, a session's
    /// `name` and `place`, a slot's `expert`) line or paragraph separators and bidi controls; a
    /// slot's `why` is multi-line.
    ///
    /// Applied to this node's own writes only; `init(_:)` reads stored and peers' bodies without it.
    /// - Throws: `RoadshowError` at the member's path, e.g. `sessions[0].name`.
    public func checkWritable() throws(RoadshowError) {
        func check(_ text: String?, _ path: [JSONPathComponent], multiline: Bool = false) throws(RoadshowError) {
            if let text, let problem = DisplayText.writeProblem(text, multiline: multiline) { throw RoadshowError(path, problem) }
        }
        try check(title, [.key("title")])
        for (index, session) in sessions.enumerated() {
            let path: [JSONPathComponent] = [.key("sessions"), .index(index)]
            try check(session.name, path + [.key("name")])
            try check(session.place, path + [.key("place")])
            for (slotIndex, slot) in session.slots.enumerated() {
                let slotPath = path + [.key("slots"), .index(slotIndex)]
                try check(slot.expert, slotPath + [.key("expert")])
                try check(slot.why, slotPath + [.key("why")], multiline: true)
            }
        }
    }

    /// Reads a roadshow body; the error names the member at fault by its path.
    public init(_ value: JSONValue) throws(RoadshowError) {
        let reader = RoadshowReader()
        self = try reader.roadshow(value)
    }

    // MARK: Beijing time

    /// `timestamp` (UTC) in Beijing time: (`YYYY-MM-DD`, `HH:MM`); nil for a malformed timestamp.
    public static func beijing(_ timestamp: String) -> (date: String, time: String)? {
        guard let moment = DateText.parseTimestamp(timestamp) else { return nil }
        let local = DateText.timestamp(moment.addingTimeInterval(8 * 3600))
        return (String(local.prefix(10)), String(local.dropFirst(11).prefix(5)))
    }

    /// The UTC timestamp of `date` (`YYYY-MM-DD`) at `time` (`HH:MM`) in Beijing; nil when malformed.
    public static func utc(beijingDate date: String, time: String) -> String? {
        let parts = time.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hour = Int(parts[0]), let minute = Int(parts[1]),
            (0..<24).contains(hour), (0..<60).contains(minute), DateText.isValidDate(date),
            let midnight = DateText.parseTimestamp(date + "T00:00:00Z")
        else { return nil }
        return DateText.timestamp(midnight.addingTimeInterval(TimeInterval(hour * 3600 + minute * 60 - 8 * 3600)))
    }

    /// True for an event tag: 1–40 characters of lowercase ASCII letters, digits, `-`, `_` and
    /// `.`, starting with a letter or digit. A session id is `event/name` with a name of the same form.
    public static func isValidTag(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...40).contains(bytes.count), let first = bytes.first, isTagByte(first), first != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy(isTagByte)
    }

    private static func isTagByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
    }
}

/// A roadshow that breaks `kechuang.roadshow/1`: the path of the member at fault and the problem.
public struct RoadshowError: Error, Sendable, CustomStringConvertible {
    public let path: [JSONPathComponent]
    public let problem: String

    public init(_ path: [JSONPathComponent], _ problem: String) { (self.path, self.problem) = (path, problem) }

    /// `sessions[0].slots[2].time`, or `(body)` for the whole object.
    public var field: String {
        var text = ""
        for component in path {
            switch component {
            case .key(let name): text += text.isEmpty ? name : ".\(name)"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text.isEmpty ? "(body)" : text
    }

    public var description: String { "\(field): \(problem)" }
}

/// The rules of `kechuang.roadshow/1`, shared by the merge (a synced body), publishing and the
/// planner's drafts, so every node reads a body the same way.
struct RoadshowReader {
    func roadshow(_ value: JSONValue) throws(RoadshowError) -> Roadshow {
        let object = try members(value, [], allowed: ["id", "type", "version", "event", "title", "status", "sessions", "created_at", "updated_at"])
        guard let id = TypedObjectID(try text(object, "id", [])), id.type == "roadshow" else {
            throw RoadshowError([.key("id")], "not a roadshow id (ORIGIN:~roadshow.LOCAL)")
        }
        guard try text(object, "type", []) == Roadshow.bodyType else { throw RoadshowError([.key("type")], "must be \(Roadshow.bodyType)") }
        guard let version = object["version"]?.intValue, version >= 1 else { throw RoadshowError([.key("version")], "an integer of at least 1") }
        let event = try text(object, "event", [])
        guard Roadshow.isValidTag(event) else {
            throw RoadshowError([.key("event")], "an event tag: 1–40 of a–z, 0–9, -, _ and ., such as tianfu-2024")
        }
        let title = try text(object, "title", [], max: 200)
        guard let status = Roadshow.Status(rawValue: try text(object, "status", [])) else {
            throw RoadshowError([.key("status")], "published or withdrawn")
        }
        guard let list = object["sessions"]?.arrayValue else { throw RoadshowError([.key("sessions")], "missing (an array of sessions)") }
        guard (1...Roadshow.maxSessions).contains(list.count) else {
            throw RoadshowError([.key("sessions")], "1 to \(Roadshow.maxSessions) sessions")
        }
        var sessions: [Roadshow.Session] = []
        var sessionIDs: Set<String> = []
        var projects: [RecordID: [JSONPathComponent]] = [:]
        for (index, item) in list.enumerated() {
            let path: [JSONPathComponent] = [.key("sessions"), .index(index)]
            let session = try self.session(item, path, event: event)
            guard sessionIDs.insert(session.id).inserted else { throw RoadshowError(path + [.key("id")], "\(session.id) appears twice") }
            for (slotIndex, slot) in session.slots.enumerated() {
                let slotPath = path + [.key("slots"), .index(slotIndex), .key("project")]
                if let first = projects[slot.project] {
                    throw RoadshowError(slotPath, "\(slot.project) is already pitched at \(RoadshowError(first, "").field)")
                }
                projects[slot.project] = slotPath
            }
            sessions.append(session)
        }
        let createdAt = try text(object, "created_at", []), updatedAt = try text(object, "updated_at", [])
        guard DateText.isValidTimestamp(createdAt) else { throw RoadshowError([.key("created_at")], "a UTC timestamp YYYY-MM-DDTHH:MM:SSZ") }
        guard DateText.isValidTimestamp(updatedAt) else { throw RoadshowError([.key("updated_at")], "a UTC timestamp YYYY-MM-DDTHH:MM:SSZ") }
        return Roadshow(
            id: id, version: version, event: event, title: title, status: status, sessions: sessions, createdAt: createdAt, updatedAt: updatedAt)
    }

    private func session(_ value: JSONValue, _ path: [JSONPathComponent], event: String) throws(RoadshowError) -> Roadshow.Session {
        let object = try members(value, path, allowed: ["id", "name", "industries", "date", "start", "place", "slots"])
        let id = try text(object, "id", path)
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == event, Roadshow.isValidTag(String(parts[1])) else {
            throw RoadshowError(path + [.key("id")], "a session tag \(event)/NAME (NAME: 1–40 of a–z, 0–9, -, _ and .)")
        }
        let name = try text(object, "name", path, max: 100)
        guard let industryList = object["industries"]?.arrayValue else { throw RoadshowError(path + [.key("industries")], "missing (an array of industry codes, [] for any)") }
        var industries: [Industry] = []
        for (index, item) in industryList.enumerated() {
            guard let industry = item.stringValue.flatMap(Industry.init(rawValue:)), !industries.contains(industry) else {
                throw RoadshowError(
                    path + [.key("industries"), .index(index)], "an industry code, each once (\(Industry.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            industries.append(industry)
        }
        let date = try text(object, "date", path)
        guard DateText.isValidDate(date) else { throw RoadshowError(path + [.key("date")], "\(date) is not a date YYYY-MM-DD (Beijing)") }
        let start = try text(object, "start", path)
        guard let local = Roadshow.beijing(start) else { throw RoadshowError(path + [.key("start")], "\(start) is not a UTC timestamp YYYY-MM-DDTHH:MM:SSZ") }
        guard local.date == date else {
            throw RoadshowError(path + [.key("start")], "\(start) is \(local.date) \(local.time) in Beijing, not on the session's date \(date)")
        }
        let place = try text(object, "place", path, max: 200)
        guard let slotList = object["slots"]?.arrayValue else { throw RoadshowError(path + [.key("slots")], "missing (an array of slots)") }
        guard slotList.count <= Roadshow.maxSlots else { throw RoadshowError(path + [.key("slots")], "at most \(Roadshow.maxSlots) slots") }
        var slots: [Roadshow.Slot] = []
        for (index, item) in slotList.enumerated() {
            let slotPath = path + [.key("slots"), .index(index)]
            let fields = try members(item, slotPath, allowed: ["time", "project", "expert", "why"])
            let time = try text(fields, "time", slotPath)
            guard let slotLocal = Roadshow.beijing(time) else {
                throw RoadshowError(slotPath + [.key("time")], "\(time) is not a UTC timestamp YYYY-MM-DDTHH:MM:SSZ")
            }
            // The session's bounds: from its start to the end of its day in Beijing, in order.
            guard time >= start, slotLocal.date == date else {
                throw RoadshowError(slotPath + [.key("time")], "\(time) (\(slotLocal.date) \(slotLocal.time) Beijing) is outside the session: from \(start) to the end of \(date) in Beijing")
            }
            if let previous = slots.last, time <= previous.time {
                throw RoadshowError(slotPath + [.key("time")], "\(time) is not after the slot before it (\(previous.time)): slots are in time order")
            }
            let projectText = try text(fields, "project", slotPath, max: 100)
            guard let project = RecordID(projectText) else {
                throw RoadshowError(slotPath + [.key("project")], "\(projectText) is not a project id (origin:local-id)")
            }
            let expert = try optionalText(fields, "expert", slotPath, max: 200)
            let why = try optionalText(fields, "why", slotPath, max: 2_000)
            slots.append(Roadshow.Slot(time: time, project: project, expert: expert, why: why))
        }
        return Roadshow.Session(id: id, name: name, industries: industries, date: date, start: start, place: place, slots: slots)
    }

    private func members(_ value: JSONValue, _ path: [JSONPathComponent], allowed: Set<String>) throws(RoadshowError) -> [String: JSONValue] {
        guard let object = value.objectValue else { throw RoadshowError(path, "must be a JSON object") }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw RoadshowError(path + [.key(unknown)], "not a member here (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
        return object
    }

    private func text(_ object: [String: JSONValue], _ name: String, _ path: [JSONPathComponent], max: Int = 100) throws(RoadshowError) -> String {
        guard let text = try optionalText(object, name, path, max: max) else { throw RoadshowError(path + [.key(name)], "missing") }
        return text
    }

    private func optionalText(_ object: [String: JSONValue], _ name: String, _ path: [JSONPathComponent], max: Int) throws(RoadshowError) -> String? {
        guard let member = object[name] else { return nil }
        guard let text = member.stringValue, !text.isEmpty, text.utf8.count <= max, !text.contains(where: { $0.isNewline && name != "why" }) else {
            throw RoadshowError(path + [.key(name)], "a non-empty string of at most \(max) bytes\(name == "why" ? "" : " on one line")")
        }
        return text
    }
}
