public import Foundation
import Signing

/// Checks what a peer, relay or mirror served against an origin's pinned root key (feed.md).
///
/// Every function is pure: it takes bytes and returns verified values or throws a `FeedError`
/// saying what is wrong and where. Nothing here stores or fetches.
///
/// What this verifier does not check: that a record's content is true; that the origin published
/// everything (only that nothing it published was altered, dropped or reordered); that a
/// checkpoint is the newest one (freshness is bounded by `expires_at`); the merge rules between
/// origins. Redaction markers are checked against the `redact` entries the caller has seen
/// (`RedactionClaim`), because the erasing entry comes later in the log than the erased body.
public struct FeedVerifier: Sendable {
    /// The origin whose feed is checked.
    public let origin: String
    /// How far in the future `issued_at` may be (clock skew).
    public static let allowedSkew: TimeInterval = 300
    /// The longest validity a checkpoint may claim.
    public static let maximumValidity: TimeInterval = 31 * 86_400

    public init(origin: String) { self.origin = origin }

    /// Whether a correctly signed checkpoint may still be relied on at the time of checking.
    public enum Freshness: Sendable, Equatable {
        case current
        /// Past `expires_at`: the origin is stale (a state, not an attack).
        case expired
    }

    /// Checks a checkpoint's origin, key, signature and times at `now`.
    ///
    /// - Throws: `FeedError` for a wrong origin, a key the root key did not authorise for this
    ///   size (or retired or revoked), a bad signature, or impossible times.
    public func verify(_ checkpoint: Checkpoint, keys: KeyState, now: Date) throws(FeedError) -> Freshness {
        guard checkpoint.origin == origin else {
            throw FeedError(.malformed, "checkpoint is for origin \(checkpoint.origin), expected \(origin)")
        }
        let key: Ed25519PublicKey
        switch keys.standing(keyID: checkpoint.keyID, size: checkpoint.size) {
        case .valid(let valid):
            key = valid
        case .unknown:
            throw FeedError(.keyNotValid, "checkpoint is signed by key \(checkpoint.keyID), which no key statement of \(origin)'s root key authorises")
        case .notYetAuthorized(let from):
            throw FeedError(.keyNotValid, "checkpoint of size \(checkpoint.size) is signed by key \(checkpoint.keyID), authorised only from size \(from)")
        case .retired(let from):
            throw FeedError(.keyNotValid, "checkpoint of size \(checkpoint.size) is signed by key \(checkpoint.keyID), retired from size \(from)")
        case .revoked(let from):
            throw FeedError(.keyNotValid, "checkpoint of size \(checkpoint.size) is signed by key \(checkpoint.keyID), revoked from size \(from)")
        }
        guard checkpoint.isSigned(by: key) else {
            throw FeedError(.badSignature, "checkpoint signature does not verify under key \(checkpoint.keyID)")
        }
        let issued = checkpoint.issued, expires = checkpoint.expires
        guard issued <= now.addingTimeInterval(Self.allowedSkew) else {
            throw FeedError(.malformed, "checkpoint issued at \(checkpoint.issuedAt), in the future")
        }
        guard expires > issued, expires.timeIntervalSince(issued) <= Self.maximumValidity else {
            throw FeedError(.malformed, "checkpoint validity \(checkpoint.issuedAt) … \(checkpoint.expiresAt) is not between 0 and 31 days")
        }
        return now >= expires ? .expired : .current
    }

    /// Splits a page file into its entries and checks each line (feed.md §2, §3).
    ///
    /// - Parameters:
    ///   - bytes: the file; every line ends with LF.
    ///   - page: the page number, which fixes the expected `seq` of each line.
    ///   - count: how many entries the page must hold (256 for a full page).
    /// - Throws: `FeedError` located at `line N (seq S)` for the first bad line.
    public func entries(page: Int, bytes: [UInt8], count: Int) throws(FeedError) -> [LogEntry] {
        let lines = try Self.lines(bytes, count: count, maxLine: Feed.maxEntryLine, what: "entries")
        var entries: [LogEntry] = []
        entries.reserveCapacity(count)
        for (index, line) in lines.enumerated() {
            let seq = page * Feed.pageSize + index
            let location = "line \(index + 1) (seq \(seq))"
            let entry: LogEntry
            do {
                entry = try LogEntry(line: line)
            } catch {
                throw error.at(location)
            }
            guard entry.seq == seq else {
                throw FeedError(.sequence, "entry has seq \(entry.seq), expected \(seq)", location: location)
            }
            entries.append(entry)
        }
        return entries
    }

    /// A page's root: the RFC 6962 root of its entries' leaves.
    public static func root(of entries: [LogEntry]) -> [UInt8] {
        Merkle.root(leafHashes: entries.map(\.leafHash)[...])
    }

    /// One checked body line.
    public enum Body: Sendable, Hashable {
        /// The body of a `put` (a record) or `key` entry (a statement), whose hash matched.
        case body([UInt8])
        /// `null`: the entry is a `delete` or `redact`.
        case none
        /// An erased body; valid once the `redact` entry at `by` is seen (see `RedactionClaim`).
        case redacted(by: Int)
    }

    /// A redaction marker's claim, to be checked against the log: the entry at `redactSeq` must be
    /// a `redact` of `id`, later than `seq`.
    public struct RedactionClaim: Sendable, Hashable {
        public let seq: Int
        public let id: String
        public let redactSeq: Int
    }

    /// Checks a body file against its page's entries (feed.md §3, §4).
    ///
    /// - Returns: the bodies, and the redaction claims the caller must resolve.
    public func bodies(_ bytes: [UInt8], entries: [LogEntry]) throws(FeedError) -> (bodies: [Body], claims: [RedactionClaim]) {
        let lines = try Self.lines(bytes, count: entries.count, maxLine: Feed.maxBodyLine, what: "bodies")
        var bodies: [Body] = []
        var claims: [RedactionClaim] = []
        for (index, (line, entry)) in zip(lines, entries).enumerated() {
            let checked = try body(line, of: entry, location: "line \(index + 1) (seq \(entry.seq))")
            bodies.append(checked.body)
            if let claim = checked.claim { claims.append(claim) }
        }
        return (bodies, claims)
    }

    /// Checks one body line against its entry (feed.md §3, §4): a `null` for `delete` and
    /// `redact`; for `put` and `key`, a line whose SHA-256 is the entry's `body_hash`, or, for a
    /// `put` only, exactly the bytes of a redaction marker naming a later entry.
    ///
    /// - Returns: the body, and the marker's claim to resolve against the log, if it is one.
    func body(_ line: ArraySlice<UInt8>, of entry: LogEntry, location: String) throws(FeedError) -> (body: Body, claim: RedactionClaim?) {
        switch entry.op {
        case .delete, .redact:
            guard line.elementsEqual("null".utf8) else {
                throw FeedError(.bodyMismatch, "a \(entry.op.rawValue) entry's body must be null", location: location)
            }
            return (.none, nil)
        case .put, .key:
            if let hash = entry.bodyHash, SHA256.hash(line) == hash {
                return (.body(Array(line)), nil)
            } else if entry.op == .put, let redactSeq = RedactionMarker.redactedBy(line) {
                guard redactSeq > entry.seq else {
                    throw FeedError(.redaction, "redaction marker names entry \(redactSeq), which is not later than the erased entry", location: location)
                }
                return (.redacted(by: redactSeq), RedactionClaim(seq: entry.seq, id: entry.id, redactSeq: redactSeq))
            } else {
                throw FeedError(.bodyMismatch, "SHA-256 of the body does not match the entry's body_hash", location: location)
            }
        }
    }

    /// Checks a redaction claim against the log.
    ///
    /// - Parameter redactedID: the id of the `redact` entry at `claim.redactSeq`, or nil when that
    ///   entry is not a `redact` (or is not in the log).
    public func resolve(_ claim: RedactionClaim, redactedID: String?) throws(FeedError) {
        guard redactedID == claim.id else {
            throw FeedError(
                .redaction, "body of seq \(claim.seq) is marked redacted by seq \(claim.redactSeq), which is not a redact entry of \(claim.id)",
                location: "line \(claim.seq % Feed.pageSize + 1) (seq \(claim.seq))")
        }
    }

    /// Splits a JSON Lines file into exactly `count` lines, each ending with LF.
    static func lines(_ bytes: [UInt8], count: Int, maxLine: Int, what: String) throws(FeedError) -> [ArraySlice<UInt8>] {
        guard bytes.count <= count * (maxLine + 1) else {
            throw FeedError(.tooLarge, "\(what) file of \(bytes.count) bytes is too large for \(count) lines")
        }
        guard bytes.last == 0x0A || (bytes.isEmpty && count == 0) else {
            throw FeedError(.malformed, "\(what) file does not end with a line feed")
        }
        var lines: [ArraySlice<UInt8>] = []
        lines.reserveCapacity(count)
        var start = 0
        for index in bytes.indices where bytes[index] == 0x0A {
            let line = bytes[start..<index]
            guard !line.isEmpty else { throw FeedError(.malformed, "empty line", location: "line \(lines.count + 1)") }
            guard line.count <= maxLine else { throw FeedError(.tooLarge, "line longer than \(maxLine) bytes", location: "line \(lines.count + 1)") }
            lines.append(line)
            start = index + 1
            if lines.count > count { break }
        }
        guard lines.count == count else {
            throw FeedError(.malformed, "\(what) file has \(lines.count > count ? "more than \(count)" : String(lines.count)) lines, expected \(count)")
        }
        return lines
    }
}
