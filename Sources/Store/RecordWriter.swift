import Catalog
import Feed
import Foundation
import JSON
import Merge
import SQLite

/// What a write did to one record.
public enum PutOutcome: Sendable, Hashable {
    /// A new record (or one re-created after deletion) at this version.
    case created(version: Int)
    /// The content changed; the record moved to this version.
    case updated(version: Int)
    /// The content was equal; nothing was written.
    case unchanged(version: Int)
}

/// The record-level writes of the node's own origin, run inside the store's transactions on the
/// writer connection. Each change updates `records` (the catalog) and appends the matching entry
/// to the origin's log, in the same transaction.
///
/// The node owns versions and timestamps: a record is created at version 1 (or one past its
/// tombstone), and moves on by exactly one with each entry of its id.
struct RecordWriter {
    let connection: Connection
    private(set) var log: LogAppender
    private var table: RecordTable { RecordTable(connection: connection) }

    init(connection: Connection, origin: String) throws {
        self.connection = connection
        self.log = try LogAppender(connection: connection, origin: origin)
    }

    /// Creates or updates `project`, whose node-owned fields are ignored and set here.
    ///
    /// - Parameter republish: publish a `contact` or `service_agent` again although a redaction
    ///   erased it (the operator's decision); otherwise such a record is refused.
    /// - Throws: `StoreError.ruleViolation` naming the field for a stage that goes back, or for
    ///   personal data a redaction erased.
    mutating func put(_ input: Project, now: String, republish: Bool = false) throws -> PutOutcome {
        var project = input
        let hash = try RecordRow.contentHash(project)
        if let existing = try table.row(project.id) {
            if existing.hash == hash { return .unchanged(version: existing.version) }
            if !republish { try refuseErasedFields(project) }
            if existing.stage > project.stage.ordinal {
                throw StoreError.ruleViolation(
                    field: "stage",
                    "cannot go back from \(Stage.allCases[existing.stage].rawValue) to \(project.stage.rawValue) "
                        + "(a stage once reached is not lost)")
            }
            project.version = existing.version + 1
            project.createdAt = existing.createdAt
            project.updatedAt = now
            try table.replace(project, rowid: existing.rowid)
            try publish(project)
            return .updated(version: project.version)
        }
        let tombstone = try table.tombstoneVersion(project.id)
        // Only a record that existed can have been redacted: a new id needs no look-up.
        if tombstone != nil, !republish { try refuseErasedFields(project) }
        project.version = (tombstone ?? 0) + 1
        project.createdAt = now
        project.updatedAt = now
        try table.insert(project)
        try publish(project)
        if tombstone != nil {
            try connection.run("DELETE FROM tombstones WHERE id = ?", [.text(project.id.description)])
        }
        return .created(version: project.version)
    }

    /// Deletes a record, keeping a tombstone with the version the deletion reached.
    ///
    /// - Returns: the tombstone's version.
    mutating func delete(_ id: RecordID, now: String) throws -> Int {
        guard let existing = try table.row(id) else { throw StoreError.notFound(id.description) }
        try table.remove(id, rowid: existing.rowid, version: existing.version + 1, now: now)
        try log.append(.delete, id: id.description, version: existing.version + 1, time: now, body: nil)
        return existing.version + 1
    }

    /// Answers a personal-data erasure request for `id` (feed.md §4): appends a `redact` entry,
    /// replaces the published bodies of its earlier entries with markers, and, when the record is
    /// listed, re-publishes it without `contact` and `service_agent`.
    ///
    /// - Returns: the record's version afterwards, and whether it is still listed.
    mutating func redact(_ id: RecordID, now: String) throws -> (version: Int, listed: Bool) {
        let existing = try table.row(id)
        guard let current = try existing?.version ?? table.tombstoneVersion(id) else { throw StoreError.notFound(id.description) }
        let redact = try log.append(.redact, id: id.description, version: current + 1, time: now, body: nil)
        try log.erase(id: id.description, redactSeq: redact.seq)
        guard let existing, let body = try connection.prepare("SELECT body FROM records WHERE rowid = ?")
            .queryFirst([.integer(existing.rowid)], row: { $0.text(0) }) ?? nil
        else {
            try table.remove(id, rowid: nil, version: current + 1, now: now)
            return (current + 1, false)
        }
        var project = try RecordRow.project(body: body)
        project.contact = nil
        project.serviceAgent = nil
        project.version = current + 2
        project.updatedAt = now
        try table.replace(project, rowid: existing.rowid)
        try publish(project)
        return (project.version, true)
    }

    /// Refuses a record that would publish again a `contact` or `service_agent` that a redaction
    /// of its id erased (see `ErasedFields`).
    private func refuseErasedFields(_ project: Project) throws {
        var carried: [String] = []
        if project.contact != nil { carried.append("contact") }
        if project.serviceAgent != nil { carried.append("service_agent") }
        guard !carried.isEmpty, let erased = try ErasedFields(connection: connection, origin: log.origin).of(project.id.description) else { return }
        let back = carried.filter(erased.fields.contains)
        guard let field = back.first else { return }
        let names = back.joined(separator: " and ")
        throw StoreError.ruleViolation(
            field: field,
            "\(project.id)'s \(names) \(back.count == 1 ? "was" : "were") erased by a redaction (the redact entry at seq \(erased.redactSeq)); "
                + "this record would publish \(back.count == 1 ? "it" : "them") again. Leave \(names) out, or, if the person agreed "
                + "to be published again, import with --republish (over HTTP: ?republish=true)")
    }

    /// Appends a key statement (signed by the root key) to the log.
    mutating func appendKeyStatement(_ statement: KeyStatement, now: String) throws -> LogEntry {
        let origin = log.origin
        let count = try connection.prepare("SELECT count(*) FROM log_entries WHERE origin = ? AND op = 'key'")
            .queryFirst([.text(origin)]) { $0.int(0) } ?? 0
        return try log.append(.key, id: LogEntry.keysID(origin: origin), version: count + 1, time: now, body: statement.bytes)
    }

    /// Redacts a typed object of this origin (a deal): a redact entry, its earlier bodies erased,
    /// and, if it was current, its next version without the service agent and the event notes
    /// (version + 2), as `redact` does for a project.
    mutating func redactObject(_ id: TypedObjectID, now: String) throws -> (version: Int, listed: Bool) {
        guard let current = try TypedObjects.version(id, connection: connection) else { throw StoreError.notFound(id.description) }
        let body = try TypedObjects.body(id, connection: connection)
        let redact = try log.append(.redact, id: id.description, version: current + 1, time: now, body: nil)
        try log.erase(id: id.description, redactSeq: redact.seq)
        try TypedObjects.remove(id, version: current + 1, connection: connection)
        guard let body, id.type == "deal" else { return (current + 1, false) }
        var deal = try Deal(try JSONParser.parse(body))
        deal.agent = nil
        deal.events = deal.events.map { Deal.Event(date: $0.date, stage: $0.stage) }
        deal.updatedAt = now
        let entry = try appendObject(deal.object, now: now)
        return (entry.version, true)
    }

    /// Appends the `put` entry of a typed object's next version (protocols/merge.md §2, "Typed
    /// objects"): `object` with its `version` set to one more than the id's last entry's.
    ///
    /// - Throws: `StoreError.invalidArgument` for an id that is not this origin's typed object, a
    ///   `type` member that does not name the id's type, or a body over `FeedLimits.recordLine`.
    mutating func appendObject(_ object: [String: JSONValue], now: String) throws -> LogEntry {
        let origin = log.origin
        guard let text = object["id"]?.stringValue, let id = TypedObjectID(text), id.origin == origin else {
            throw StoreError.invalidArgument("a typed object's id must be \(origin):~TYPE.LOCAL, not \(object["id"].map { JSONWriter.string($0, pretty: false) } ?? "absent")")
        }
        guard object["type"]?.stringValue == id.bodyType else {
            throw StoreError.invalidArgument("\(text): its type must be \(id.bodyType)")
        }
        let last = try connection.prepare(
            "SELECT entry FROM log_entries WHERE origin = ? AND record_id = ? ORDER BY seq DESC LIMIT 1"
        ).queryFirst([.text(origin), .text(text)]) { $0.blob(0) } ?? nil
        let version = try last.map { try LogEntry(line: $0[...]).version + 1 } ?? 1
        var body = object
        body["version"] = .number(Double(version))
        let bytes = try JCS.canonicalize(.object(body))
        guard bytes.count <= FeedLimits.recordLine else {
            throw StoreError.invalidArgument("\(text): its body would be \(bytes.count) bytes, over the \(FeedLimits.recordLine) an entry may have")
        }
        // The reader's own rules decide, as for a peer's entry: a deal that breaks its schema is
        // refused here rather than ignored by every reader.
        let input = FoldInput(seq: 0, op: .put, id: text, version: version, body: bytes)
        switch Merge.fold(input, origin: origin, lastVersion: version > 1 ? version - 1 : nil) {
        case .object(let object, let body):
            try TypedObjects.put(object, version: version, body: body, connection: connection)
        case .ignore(let reason):
            throw StoreError.invalidArgument(reason.replacingOccurrences(of: "entry 0: ", with: ""))
        case .put, .remove, .skip:
            break  // a type this version does not know: written, not read back
        }
        return try log.append(.put, id: text, version: version, time: now, body: bytes)
    }

    /// Appends the `put` entry of a record's new state; the published body masks the contact.
    ///
    /// - Throws: `StoreError.recordTooLarge` for a body line over `FeedLimits.recordLine` bytes,
    ///   which would make a body file that some readers refuse (feed.md §3); the caller's
    ///   transaction then writes nothing.
    private mutating func publish(_ project: Project) throws {
        let body = try project.publishedBody()
        guard body.count <= FeedLimits.recordLine else {
            // Name the largest member, where the operator most likely has to cut.
            let members = project.jsonValue(nodeFields: true, maskContact: true).objectValue ?? [:]
            let sizes = members.map { ($0.key, (try? JCS.canonicalize($0.value).count) ?? 0) }  // Only ranks the members.
            let largest = sizes.max { ($0.1, $1.0) < ($1.1, $0.0) } ?? ("(record)", body.count)
            throw StoreError.recordTooLarge(
                field: largest.0,
                "the record's published body would be \(body.count) bytes, over the \(FeedLimits.recordLine) a record may have "
                    + "(protocols/feed.md §3); this field holds \(largest.1) of them")
        }
        try log.append(.put, id: project.id.description, version: project.version, time: project.updatedAt ?? "", body: body)
    }
}
