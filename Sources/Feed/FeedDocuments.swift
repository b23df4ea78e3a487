import JSON
import Signing

/// `/feeds/checkpoints.json` (feed.md §7): every origin a node holds, each with its latest
/// checkpoint and its key statements, verbatim.
public struct CheckpointBundle: Sendable {
    public static let type = "kechuang.checkpoints/1"

    /// One origin's part of the bundle.
    public struct Origin: Sendable {
        public let origin: String
        public let checkpoint: Checkpoint
        public let keyStatements: [KeyStatement]

        public init(origin: String, checkpoint: Checkpoint, keyStatements: [KeyStatement]) {
            self.origin = origin
            self.checkpoint = checkpoint
            self.keyStatements = keyStatements
        }
    }

    public let node: String
    public let origins: [Origin]

    public init(node: String, origins: [Origin]) {
        self.node = node
        self.origins = origins.sorted { $0.origin < $1.origin }
    }

    /// The document's JCS bytes. Throws only if a signed object it lists cannot be canonicalised
    /// (a non-integer number or a lone surrogate), which a verified object never holds.
    public var bytes: [UInt8] {
        get throws {
        let value: JSONValue = [
            "type": .string(Self.type), "node": .string(node),
            "origins": .array(origins.map { entry in
                [
                    "origin": .string(entry.origin), "checkpoint": .object(entry.checkpoint.object),
                    "key_statements": .array(entry.keyStatements.map { .object($0.object) }),
                ]
            }),
        ]
        return try JCS.canonicalize(value)
        }
    }

    /// The parser limits of a bundle: it may list many origins, each with its key statements.
    static let limits = JSONParser.Limits(maxBytes: 16 << 20, maxDepth: 16, maxStringBytes: 64 << 10, maxNumberLength: 20)

    /// Parses a bundle. Each checkpoint and statement is parsed; none is verified here.
    public init(bytes: [UInt8]) throws(FeedError) {
        let object = try SignedObject.parse(bytes, type: Self.type, limits: Self.limits)
        node = object["node"]?.stringValue ?? ""
        guard let list = object["origins"]?.arrayValue else { throw FeedError.malformed("checkpoints.json: origins is missing") }
        var origins: [Origin] = []
        for item in list {
            guard let origin = item["origin"]?.stringValue, let checkpoint = item["checkpoint"] else {
                throw FeedError.malformed("checkpoints.json: an origin entry lacks origin or checkpoint")
            }
            let statements = try (item["key_statements"]?.arrayValue ?? []).map { value throws(FeedError) in try KeyStatement(value) }
            origins.append(Origin(origin: origin, checkpoint: try Checkpoint(checkpoint), keyStatements: statements))
        }
        self.origins = origins
    }
}

/// `/feeds/{origin}/keys.json`: every key statement of an origin.
public enum KeyStatementList {
    /// Throws only if a statement cannot be canonicalised, which a verified statement never is.
    public static func bytes(origin: String, statements: [KeyStatement]) throws -> [UInt8] {
        let value: JSONValue = ["origin": .string(origin), "key_statements": .array(statements.map { .object($0.object) })]
        return try JCS.canonicalize(value)
    }

    public static func parse(_ bytes: [UInt8]) throws(FeedError) -> [KeyStatement] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, limits: Feed.bodyLimits)
        } catch {
            throw FeedError.malformed("keys.json is not JSON: \(error.description)")
        }
        guard let list = value["key_statements"]?.arrayValue else { throw FeedError.malformed("keys.json: key_statements is missing") }
        return try list.map { item throws(FeedError) in try KeyStatement(item) }
    }
}

/// `/feeds/{origin}/page-roots/{size}.json` (feed.md §5): the roots of the full pages of a tree
/// and the root of its partial page, from which a reader checks pages one at a time.
public struct PageRoots: Sendable, Hashable {
    public let origin: String
    public let size: Int
    public let pageRoots: [[UInt8]]
    public let tailRoot: [UInt8]?

    public init(origin: String, size: Int, pageRoots: [[UInt8]], tailRoot: [UInt8]?) {
        self.origin = origin
        self.size = size
        self.pageRoots = pageRoots
        self.tailRoot = tailRoot
    }

    /// The root of the tree these page roots make.
    public var root: [UInt8] { Merkle.root(pageRoots: pageRoots, tailRoot: tailRoot) }

    public var bytes: [UInt8] {
        let value: JSONValue = [
            "origin": .string(origin), "size": .number(Double(size)), "page_size": .number(Double(Feed.pageSize)),
            "page_roots": .array(pageRoots.map { .string(Hex.encode($0)) }),
            "tail_root": tailRoot.map { .string(Hex.encode($0)) } ?? .null,
        ]
        return (try? JCS.canonicalize(value)) ?? []  // strings, integers and null only: JCS cannot fail
    }

    /// Parses the document and checks that it has the shape a tree of its size has.
    public init(bytes: [UInt8]) throws(FeedError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, limits: JSONParser.Limits(maxBytes: 64 << 20, maxDepth: 4, maxStringBytes: 1024, maxNumberLength: 20))
        } catch {
            throw FeedError.malformed("page roots are not JSON: \(error.description)")
        }
        guard let origin = value["origin"]?.stringValue, let size = value["size"]?.intValue, size >= 0,
            value["page_size"]?.intValue == Feed.pageSize, let list = value["page_roots"]?.arrayValue
        else { throw FeedError.malformed("page roots: origin, size, page_size 256 and page_roots are required") }
        var roots: [[UInt8]] = []
        for item in list {
            guard let text = item.stringValue, let hash = Hex.decode(text), hash.count == 32 else {
                throw FeedError.malformed("page roots: a root is not 64 hex digits")
            }
            roots.append(hash)
        }
        var tail: [UInt8]?
        if let text = value["tail_root"]?.stringValue {
            guard let hash = Hex.decode(text), hash.count == 32 else { throw FeedError.malformed("page roots: tail_root is not 64 hex digits") }
            tail = hash
        }
        guard roots.count == size / Feed.pageSize, (tail != nil) == (size % Feed.pageSize != 0) else {
            throw FeedError.malformed("page roots: \(roots.count) full pages and \(tail == nil ? "no" : "a") partial page do not make a tree of size \(size)")
        }
        self.init(origin: origin, size: size, pageRoots: roots, tailRoot: tail)
    }
}
