import Catalog
import JSON

extension Merge {
    /// The JSON limits of a body line: those of the feed (1 MiB, nesting depth 32, numbers of at most
    /// 40 characters), so that every node parses the same bodies.
    static let bodyLimits = JSONParser.Limits(
        maxBytes: FeedLimits.bodyLine, maxDepth: 32, maxStringBytes: FeedLimits.bodyLine, maxNumberLength: 40)

    /// Decides what one entry of an origin's log does, given the last accepted version of its id.
    ///
    /// Apply the entries of a log one by one, in log order. The rules, checked in this order:
    /// 1. A `key` entry is skipped: it is not a record. So is a typed object (`O:~<type>.<local>`,
    ///    `TypedObjectID`) of a type this reader does not know, after the origin check of rule 2.
    /// 2. An id that does not start with `<origin>:`, byte for byte, is ignored (origin authority),
    ///    and so is an id that is not a well-formed record id.
    /// 3. A version not greater than `lastVersion` is ignored. Accepted `put`, `delete` and `redact`
    ///    entries all set the last accepted version; ignored and skipped ones do not.
    /// 4. `delete` and `redact` remove the record.
    /// 5. A `put` whose body was erased (`body == nil`) removes the record: its content is unknown,
    ///    and a valid log follows it with a `redact` of the same id.
    /// 6. A `put` whose body is not canonical JSON (RFC 8785) of a valid stored record
    ///    (`ProjectDecoder(mode: .stored)`) with the entry's id and version is ignored.
    ///
    /// - Parameters:
    ///   - entry: The entry, with its body for a `put`.
    ///   - origin: The origin whose log this is.
    ///   - lastVersion: The version of the last accepted entry of `entry.id`, nil if none.
    /// - Returns: The decision; the caller records `entry.version` as the id's last accepted version
    ///   after `.put` and `.remove`.
    public static func fold(_ entry: FoldInput, origin: String, lastVersion: Int?, decodedPut: FoldDecision? = nil) -> FoldDecision {
        if entry.op == .key { return .skip }
        let prefix = Array(origin.utf8) + [UInt8(ascii: ":")]
        guard entry.id.utf8.starts(with: prefix) else {
            return .ignore(reason: "entry \(entry.seq): id \(entry.id) does not belong to origin \(origin)")
        }
        // Typed objects (`O:~<type>.<local>`, merge.md §2): a type this reader does not know is
        // skipped like a key entry (stored and relayed, not reported, no version recorded).
        let typed = TypedObjectID(entry.id)
        if let typed, !knownTypes.contains(typed.type) { return .skip }
        let id = RecordID(entry.id)
        guard typed != nil || id?.origin == origin else {
            return .ignore(reason: "entry \(entry.seq): \(entry.id) is not a well-formed record id")
        }
        if let lastVersion, entry.version <= lastVersion {
            return .ignore(
                reason: "entry \(entry.seq): version \(entry.version) of \(entry.id) is not greater than "
                    + "\(lastVersion), its last accepted version")
        }
        switch entry.op {
        case .delete, .redact:
            return .remove
        case .key:
            return .skip
        case .put:
            guard let body = entry.body else { return .remove }
            if let typed { return decodeObject(body, of: entry, id: typed) }
            guard let id else { return .skip }  // unreachable: the guard above holds a record id here
            return decodedPut ?? decodeBody(body, of: entry, id: id)
        }
    }

    /// The types of typed objects this reader knows.
    public static let knownTypes: Set<String> = ["deal", "roadshow"]

    /// Rule 6 for a typed object's body: canonical JSON of a valid object of its type (a deal, a roadshow)
    /// with the entry's id and version.
    static func decodeObject(_ body: [UInt8], of entry: FoldInput, id: TypedObjectID) -> FoldDecision {
        let value: JSONValue
        switch canonicalValue(body, of: entry) {
        case .success(let parsed): value = parsed
        case .failure(let refusal): return refusal.decision
        }
        // The body's own id and version, read with its type's rules.
        let named: (id: TypedObjectID, version: Int)
        do {
            switch id.type {
            case "roadshow":
                let roadshow = try Roadshow(value)
                named = (roadshow.id, roadshow.version)
            default:
                let deal = try Deal(value)
                named = (deal.id, deal.version)
            }
        } catch {
            return .ignore(reason: "entry \(entry.seq): body of \(entry.id) is not a valid \(id.type): \(error)")
        }
        guard named.id == id, named.version == entry.version else {
            return .ignore(reason: "entry \(entry.seq): body of \(entry.id) names \(named.id) at version \(named.version)")
        }
        return .object(id, body: body)
    }

    /// Why a body is ignored before its content is read.
    struct Refusal: Error {
        let decision: FoldDecision
    }

    /// The body parsed within the feed's limits, if it is exactly its own canonical form (JCS).
    static func canonicalValue(_ body: [UInt8], of entry: FoldInput) -> Result<JSONValue, Refusal> {
        let value: JSONValue
        do {
            value = try JSONParser.parse(body, limits: bodyLimits)
        } catch {
            return .failure(Refusal(decision: .ignore(reason: "entry \(entry.seq): body of \(entry.id) is not JSON: \(error.message)")))
        }
        // A value JCS cannot write (a number out of its range) is not in canonical form either.
        guard (try? JCS.canonicalize(value)) == body else {  // no canonical form (see above): not canonical, ignored with that reason
            return .failure(Refusal(decision: .ignore(reason: "entry \(entry.seq): body of \(entry.id) is not in canonical form (RFC 8785)")))
        }
        return .success(value)
    }

    /// The decision for a `put`'s body alone (`.put(project)` or `.ignore`), computed ahead of the
    /// fold, off the writer's thread: `fold(_:origin:lastVersion:decodedPut:)` then uses it after
    /// its own checks, in the same order, so the decision is the same as without it. Nil for
    /// entries whose body does not decide (not a put, no body, or an id the fold ignores first).
    public static func decodePut(_ entry: FoldInput, origin: String) -> FoldDecision? {
        guard entry.op == .put, let body = entry.body, let id = RecordID(entry.id), id.origin == origin else { return nil }
        return decodeBody(body, of: entry, id: id)
    }

    /// The record a `put` body holds, or why the entry is ignored.
    private static func decodeBody(_ body: [UInt8], of entry: FoldInput, id: RecordID) -> FoldDecision {
        let value: JSONValue
        switch canonicalValue(body, of: entry) {
        case .success(let parsed): value = parsed
        case .failure(let refusal): return refusal.decision
        }
        let project: Project
        do {
            project = try ProjectDecoder(mode: .stored).decode(value)
        } catch {
            return .ignore(reason: "entry \(entry.seq): body of \(entry.id) is not a valid record: \(error)")
        }
        guard project.id == id else {
            return .ignore(reason: "entry \(entry.seq): body has id \(project.id), not \(entry.id)")
        }
        guard project.version == entry.version else {
            return .ignore(
                reason: "entry \(entry.seq): body of \(entry.id) has version \(project.version), "
                    + "not \(entry.version)")
        }
        return .put(project)
    }
}
