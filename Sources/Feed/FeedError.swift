/// Why a feed, or a piece of one, was refused: what is wrong and where.
///
/// A struct wrapping a private code, so that cases can be added. `location` names the place
/// (`pages/3.jsonl line 17 (seq 785)`, `checkpoint.json`), and every message says what a reader
/// expected. Errors that carry evidence (a fork's two checkpoints) keep it in `evidence`.
public struct FeedError: Error, Sendable, CustomStringConvertible, Equatable {
    enum Code: Sendable, Equatable {
        case malformed, notCanonical, wrongType, badSignature, keyNotValid, rootMismatch, bodyMismatch
        case redaction, sequence, tooLarge, proof, fork, missing, expired
        // Invalid arguments to the Merkle tree functions (proof generation, `LeafHashes`).
        case indexOutOfRange, sizesOutOfOrder, pageNotFull, rangeOutOfBounds, invalidHash
    }

    let code: Code
    /// What is wrong.
    public let message: String
    /// Where: a file or URL path, a line and a sequence number when known.
    public let location: String?
    /// Signed objects that prove the problem (for a fork: both checkpoints, verbatim).
    public let evidence: [[UInt8]]

    init(_ code: Code, _ message: String, location: String? = nil, evidence: [[UInt8]] = []) {
        self.code = code
        self.message = message
        self.location = location
        self.evidence = evidence
    }

    /// The same error, located at `location` (kept when already located more precisely).
    public func at(_ location: String) -> FeedError {
        FeedError(code, message, location: self.location.map { "\(location) \($0)" } ?? location, evidence: evidence)
    }

    public var description: String { location.map { "\($0): \(message)" } ?? message }

    /// The kind of error as a name (`badSignature`, `rootMismatch`, …), for reports and vectors.
    public var kind: String { "\(code)" }

    /// Compares the kind only, so tests can match `.badSignature` whatever the message.
    public static func == (lhs: FeedError, rhs: FeedError) -> Bool { lhs.code == rhs.code }

    public static let malformed = FeedError(.malformed, "malformed")
    public static let notCanonical = FeedError(.notCanonical, "not canonical JSON")
    public static let wrongType = FeedError(.wrongType, "wrong type")
    public static let badSignature = FeedError(.badSignature, "bad signature")
    public static let keyNotValid = FeedError(.keyNotValid, "key not valid")
    public static let rootMismatch = FeedError(.rootMismatch, "root mismatch")
    public static let bodyMismatch = FeedError(.bodyMismatch, "body mismatch")
    public static let redaction = FeedError(.redaction, "invalid redaction")
    public static let sequence = FeedError(.sequence, "wrong sequence")
    public static let tooLarge = FeedError(.tooLarge, "too large")
    public static let proof = FeedError(.proof, "proof failed")
    public static let fork = FeedError(.fork, "fork")
    public static let missing = FeedError(.missing, "missing")
    /// A checkpoint past its expiry: the origin is stale (a state, not an attack).
    public static let expired = FeedError(.expired, "expired")

    static func malformed(_ message: String) -> FeedError { FeedError(.malformed, message) }
}

// The errors of the tree math. Verification never throws (a bad proof is `false`); only proof
// generation and `LeafHashes` do, for arguments that name no node of the tree or a `RangeHasher`
// that broke its contract.
extension FeedError {
    /// A leaf index outside `0 ..< size`, or a negative size.
    public static func indexOutOfRange(_ index: Int, size: Int) -> FeedError {
        FeedError(.indexOutOfRange, "leaf index \(index) is not in a tree of size \(size)")
    }

    /// A consistency proof asked for sizes that are not `0 ≤ from ≤ to`.
    public static func sizesOutOfOrder(from: Int, to: Int) -> FeedError {
        FeedError(.sizesOutOfOrder, "no consistency proof from size \(from) to size \(to): sizes must satisfy 0 ≤ from ≤ to")
    }

    /// A page proof asked for a page that is not full in the tree of `size`, or a negative page.
    public static func pageNotFull(_ page: Int, size: Int) -> FeedError {
        FeedError(.pageNotFull, "page \(page) is not a full page of a tree of size \(size)")
    }

    /// A range outside the leaves a `RangeHasher` holds.
    public static func rangeOutOfBounds(_ range: Range<Int>, count: Int) -> FeedError {
        FeedError(.rangeOutOfBounds, "leaf range \(range.lowerBound)..<\(range.upperBound) is outside the \(count) leaves held")
    }

    /// A `RangeHasher` returned a hash that is not 32 bytes long.
    public static func invalidHash(range: Range<Int>, byteCount: Int) -> FeedError {
        FeedError(.invalidHash, "range hasher returned a \(byteCount)-byte hash for leaves \(range.lowerBound)..<\(range.upperBound)")
    }
}
