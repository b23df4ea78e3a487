public import Catalog

/// An error of the store: a missing or existing node, a record that is not there or not ours,
/// an import that was refused, or a database failure.
///
/// A struct wrapping a private code, so that new cases can be added without breaking callers.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case noNode, nodeExists, notFound, foreignOrigin, invalidImport, unreadable, database, invalidArgument, ruleViolation, tooLarge
        case trustChanged, held
    }

    private let code: Code
    /// What went wrong, naming the place (path, id, file and line).
    public let message: String
    /// Every problem of a refused import, in file order.
    public let issues: [ImportIssue]
    /// The field a rule violation is about (`stage`), when there is one.
    public let field: String?

    private init(_ code: Code, _ message: String, issues: [ImportIssue] = [], field: String? = nil) {
        self.code = code
        self.message = message
        self.issues = issues
        self.field = field
    }

    public var description: String { field.map { "\($0): \(message)" } ?? message }

    /// No node exists at the path (run `kechuang init`).
    public static func noNode(_ path: String) -> StoreError {
        StoreError(.noNode, "no kechuang node at \(path) (create one with `kechuang init`)")
    }
    /// A node already exists where one was to be created.
    public static func nodeExists(_ path: String) -> StoreError {
        StoreError(.nodeExists, "a node already exists at \(path); refusing to overwrite it")
    }
    /// The record does not exist.
    public static func notFound(_ id: String) -> StoreError { StoreError(.notFound, "no record \(id)") }
    /// The record belongs to another origin, which alone may change it.
    public static func foreignOrigin(_ id: RecordID, node: String) -> StoreError {
        StoreError(.foreignOrigin, "\(id) belongs to origin \"\(id.origin)\"; this node (\(node)) changes only its own records")
    }
    /// The import was refused and nothing was written.
    public static func foreignObject(_ id: TypedObjectID, node: String) -> StoreError {
        StoreError(.foreignOrigin, "\(id) belongs to origin \(id.origin); this node (\(node)) changes only its own")
    }

    public static func invalidImport(_ issues: [ImportIssue], file: String) -> StoreError {
        StoreError(.invalidImport, "\(file): \(issues.count) problem\(issues.count == 1 ? "" : "s"); nothing was imported", issues: issues)
    }
    /// A file could not be read or decoded.
    public static func unreadable(_ path: String, _ reason: String) -> StoreError {
        StoreError(.unreadable, "\(path): \(reason)")
    }
    /// The database failed.
    public static func database(_ error: any Error) -> StoreError { StoreError(.database, "database error: \(error)") }
    /// The database file at `path` failed (named, for an error before the store is open).
    public static func database(_ error: any Error, at path: String) -> StoreError {
        StoreError(.database, "\(path): database error: \(error)")
    }
    /// A change breaks a rule that depends on the stored record, such as "a stage is never lost".
    public static func ruleViolation(field: String, _ problem: String) -> StoreError {
        StoreError(.ruleViolation, problem, field: field)
    }
    /// The store holds what it cannot read (a row that does not decode): the store's fault, never
    /// to be taken for an absent row.
    public static func corrupt(_ what: String) -> StoreError { StoreError(.database, "database error: corrupt store: \(what)") }
    /// The trust of `origin` is no longer what a sync began with (another process removed it, or
    /// pinned another key): nothing of that sync may be written.
    public static func trustChanged(_ origin: String) -> StoreError {
        StoreError(
            .trustChanged,
            "origin \(origin) is no longer trusted as it was when this sync began (kechuang trust remove or trust, in another process); nothing of it was written")
    }

    /// A record whose published body line would exceed `FeedLimits.recordLine` (feed.md §3);
    /// `field` names its largest member.
    public static func recordTooLarge(field: String, _ problem: String) -> StoreError {
        StoreError(.tooLarge, problem, field: field)
    }

    /// A write of the node's own origin while a restore hold lasts (`RestoreHold`): nothing was written.
    public static func held(_ message: String) -> StoreError { StoreError(.held, message) }

    /// An argument such as a cursor was malformed.
    public static func invalidArgument(_ message: String) -> StoreError { StoreError(.invalidArgument, message) }

    public static func ~= (pattern: StoreError, error: any Error) -> Bool {
        (error as? StoreError)?.code == pattern.code
    }

    /// True when the caller gave bad input (exit code 2 in the CLI) rather than hit a runtime failure.
    public var isBadInput: Bool {
        switch code {
        case .foreignOrigin, .invalidImport, .invalidArgument, .unreadable, .ruleViolation, .tooLarge: true
        default: false
        }
    }

    /// True when a sync's write was refused because the origin's trust changed meanwhile.
    public var isTrustChanged: Bool { code == .trustChanged }

    /// True when a record is too large to publish (HTTP 413).
    public var isTooLarge: Bool { code == .tooLarge }

    /// True when the node is restored and publishes nothing yet (HTTP 409).
    public var isHeld: Bool { code == .held }

    /// True when a named record does not exist.
    public var isNotFound: Bool { code == .notFound }
}

/// One problem of an import, reported as `FILE:LINE: field: problem`.
public struct ImportIssue: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    /// The field path (`organization.region`), a column, or `(record)`.
    public var field: String
    public var problem: String

    public init(file: String, line: Int, field: String, problem: String) {
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
    }

    public var description: String { "\(file):\(line): \(field): \(problem)" }
}
