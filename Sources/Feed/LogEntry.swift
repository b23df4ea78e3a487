import Catalog
public import JSON
import Signing

/// One entry of an origin's log (feed.md §2): a change of one record, or a key statement.
///
/// The entry's bytes are its JCS form; a page line is exactly those bytes. An entry read from a
/// page keeps the line it came from, so that hashing never re-serialises, and keeps members this
/// version does not know.
public struct LogEntry: Sendable, Hashable {
    /// What an entry does.
    public enum Operation: String, Sendable, CaseIterable {
        /// The body is the record's new state.
        case put
        /// The record is gone.
        case delete
        /// The bodies of the record's earlier entries are erased, and the record is gone.
        case redact
        /// The body is a key statement.
        case key
    }

    public let seq: Int
    public let op: Operation
    /// `origin:local-id`, or `origin:~keys` for key statements.
    public let id: String
    public let version: Int
    /// RFC 3339 UTC.
    public let time: String
    /// SHA-256 of the body line; nil for `delete` and `redact`.
    public let bodyHash: [UInt8]?
    /// The exact JCS bytes of the entry, without a line feed.
    public let line: [UInt8]

    /// The id of the key-statement "record" of an origin.
    public static func keysID(origin: String) -> String { "\(origin):~keys" }

    /// Creates an entry and its canonical line.
    public init(seq: Int, op: Operation, id: String, version: Int, time: String, bodyHash: [UInt8]?) throws(FeedError) {
        var object: [String: JSONValue] = [
            "seq": .number(Double(seq)), "op": .string(op.rawValue), "id": .string(id),
            "version": .number(Double(version)), "time": .string(time),
        ]
        if let bodyHash { object["body_hash"] = .string(Hex.encode(bodyHash)) }
        let line: [UInt8]
        do {
            line = try JCS.canonicalizeForSigning(.object(object))
        } catch {
            throw FeedError.malformed("entry \(seq): \(error.message)")
        }
        self.seq = seq
        self.op = op
        self.id = id
        self.version = version
        self.time = time
        self.bodyHash = bodyHash
        self.line = line
    }

    /// Parses one page line (without its line feed), which must be canonical JSON.
    ///
    /// - Throws: `FeedError` when the line is not a canonical entry object.
    public init(line: ArraySlice<UInt8>) throws(FeedError) {
        let bytes = Array(line)
        guard bytes.count <= Feed.maxEntryLine else {
            throw FeedError(.tooLarge, "entry line of \(bytes.count) bytes exceeds \(Feed.maxEntryLine)")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, limits: Feed.entryLimits)
        } catch {
            throw FeedError.malformed("entry is not JSON: \(error.message)")
        }
        // A value with no canonical form (a fraction, a lone surrogate) is not canonical: the
        // refusal below is that error, named.
        guard (try? JCS.canonicalizeForSigning(value)) == bytes else {  // dropped on purpose: see above
            throw FeedError(.notCanonical, "entry is not in canonical form (RFC 8785, integers only)")
        }
        guard let object = value.objectValue else { throw FeedError.malformed("entry is not a JSON object") }
        guard let seq = object["seq"]?.intValue, seq >= 0 else { throw FeedError.malformed("entry has no valid seq") }
        guard let opText = object["op"]?.stringValue else { throw FeedError.malformed("entry \(seq) has no op") }
        guard let op = Operation(rawValue: opText) else { throw FeedError.malformed("entry \(seq): unknown op \"\(opText)\"") }
        guard let id = object["id"]?.stringValue, id.contains(":") else {
            throw FeedError.malformed("entry \(seq) has no valid id")
        }
        guard let version = object["version"]?.intValue, version >= 1 else {
            throw FeedError.malformed("entry \(seq) has no valid version")
        }
        // `time` is not interpreted (feed.md §2), but it is required and is a string.
        guard let timeValue = object["time"] else { throw FeedError.malformed("entry \(seq) has no time") }
        guard let time = timeValue.stringValue else { throw FeedError.malformed("entry \(seq): time must be a string") }
        var bodyHash: [UInt8]?
        if let text = object["body_hash"]?.stringValue {
            guard let hash = Hex.decode(text), hash.count == 32, text == Hex.encode(hash) else {
                throw FeedError.malformed("entry \(seq): body_hash is not 64 lowercase hex digits")
            }
            bodyHash = hash
        }
        switch op {
        case .put, .key:
            guard bodyHash != nil else { throw FeedError.malformed("entry \(seq): \(op.rawValue) needs a body_hash") }
        case .delete, .redact:
            guard bodyHash == nil else { throw FeedError.malformed("entry \(seq): \(op.rawValue) has no body") }
        }
        // Key statements have one id per origin (feed.md §2); readers find them by it.
        let keysID = Self.keysID(origin: String(Self.origin(of: id)))
        guard (op == .key) == (id == keysID) else {
            throw FeedError.malformed("entry \(seq): \(op == .key ? "a key entry's id must be \(keysID)" : "only key entries have the id \(id)")")
        }
        self.seq = seq
        self.op = op
        self.id = id
        self.version = version
        self.time = time
        self.bodyHash = bodyHash
        self.line = bytes
    }

    /// The origin named by the id (the part before the first `:`).
    public var origin: Substring { Self.origin(of: id) }

    private static func origin(of id: String) -> Substring { id[..<(id.firstIndex(of: ":") ?? id.endIndex)] }

    /// The entry's Merkle leaf hash, SHA-256(0x00 ‖ line).
    public var leafHash: [UInt8] { Merkle.leafHash(line) }
}

/// Constants of the kechuang-feed/1 protocol.
public enum Feed {
    /// The protocol name, as the node manifest states it.
    public static let protocolName = "kechuang-feed/1"
    /// Entries per page.
    public static let pageSize = Merkle.pageSize
    /// Longest entry line a reader accepts (`FeedLimits`, where every limit is derived).
    public static let maxEntryLine = FeedLimits.entryLine
    /// Longest body line a reader accepts.
    public static let maxBodyLine = FeedLimits.bodyLine
    /// Parser limits for entry lines.
    static let entryLimits = JSONParser.Limits(maxBytes: maxEntryLine, maxDepth: 8, maxStringBytes: maxEntryLine, maxNumberLength: 20)
    /// Parser limits for bodies and signed objects.
    public static let bodyLimits = JSONParser.Limits(maxBytes: maxBodyLine, maxDepth: 32, maxStringBytes: maxBodyLine, maxNumberLength: 40)
}
