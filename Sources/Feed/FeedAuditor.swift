public import Foundation
public import Signing
import Catalog
import Merge

/// Where an auditor reads a feed from: an export directory, a node's URL, a mirror.
///
/// The one narrow read path of an audit: it returns a file's bytes exactly as served, nil when
/// the file does not exist, or throws when it cannot be read.
public protocol FeedSource {
    /// The bytes at feed path `path` (`/feeds/sichuan/pages/0.jsonl`), or nil if absent.
    func fetch(_ path: String) throws -> [UInt8]?
}

/// What an audit found.
public struct AuditReport: Sendable {
    public var origin = ""
    public var checkpoint: Checkpoint?
    public var freshness: FeedVerifier.Freshness = .current
    public var pages = 0
    public var entries = 0
    /// Entries by operation.
    public var operations: [LogEntry.Operation: Int] = [:]
    public var redactedBodies = 0
    public var keyStatements = 0
    /// Entries a reader ignores and reports: record entries as the merge decides (merge.md §2:
    /// foreign or malformed ids, versions not above the last accepted one, invalid bodies), and
    /// key entries by the feed's rules (feed.md §2).
    public var ignored: [String] = []
    /// The `redact` entries a reader honours: their seq and the id whose earlier bodies they erase.
    public var redactions: [Int: String] = [:]
    /// Set by `audit(origin:deferringExpiry: true)` instead of throwing: the feed passed every
    /// other check, but its checkpoint has expired (`FeedError.expired`).
    public var expiry: FeedError?

    public init() {}
}

/// Checks a whole feed end to end against a pinned root key (`kechuang verify`): the manifest,
/// the key statements, the checkpoint's signature, the checkpoint bundle a syncing peer polls
/// (`checkpoints.json`), every page against the signed root and every body against its entry,
/// one page at a time, so memory stays bounded; expiry last.
///
/// The first problem stops the audit with a `FeedError` that says what failed and where (file,
/// line, seq). A feed that passes every check but whose checkpoint has expired at `now` ends with
/// `FeedError.expired`: valid, but the origin is stale. See `FeedVerifier` for what is not checked.
public struct FeedAuditor<Source: FeedSource> {
    public let source: Source
    public let rootKey: Ed25519PublicKey
    /// The time the checkpoint's expiry is judged at.
    public let now: Date
    /// `redact` entries held beyond the checkpoint (seq to id), which a redaction marker within it
    /// may name: a node's own log between a redaction and the checkpoint that covers it, as a
    /// restored backup can hold it. Empty for a feed read from outside, where none is trusted.
    public var redactionsBeyondCheckpoint: [Int: String] = [:]

    public init(source: Source, rootKey: Ed25519PublicKey, now: Date) {
        self.source = source
        self.rootKey = rootKey
        self.now = now
    }

    /// Audits the feed of `origin` (default: the node named by the manifest).
    ///
    /// - Parameter deferringExpiry: When true, an expired checkpoint is returned in
    ///   ``AuditReport/expiry`` instead of thrown, so that a caller with more to check (a
    ///   directory's other body files) can judge what it finds before expiry.
    public func audit(origin requested: String? = nil, deferringExpiry: Bool = false) throws(FeedError) -> AuditReport {
        var report = AuditReport()
        let manifest = try located(FeedPath.manifest) { () throws(FeedError) in try NodeManifest(bytes: try fetch(FeedPath.manifest)) }
        let origin = requested ?? manifest.nodeID
        report.origin = origin
        if origin == manifest.nodeID, manifest.rootKey != rootKey {
            throw FeedError(.keyNotValid, "the manifest names root key \(manifest.rootKey.keyID), not the pinned key \(rootKey.keyID)", location: FeedPath.manifest)
        }

        var keys = KeyState(origin: origin, rootKey: rootKey)
        let keysPath = FeedPath.keys(origin)
        for statement in try located(keysPath, { () throws(FeedError) in try KeyStatementList.parse(try fetch(keysPath)) }) {
            do { try keys.add(statement) } catch { throw error.at(keysPath) }
        }

        let checkpointPath = FeedPath.checkpoint(origin)
        let checkpoint = try located(checkpointPath) { () throws(FeedError) in try Checkpoint(bytes: try fetch(checkpointPath)) }
        let verifier = FeedVerifier(origin: origin)
        report.freshness = try located(checkpointPath) { () throws(FeedError) in try verifier.verify(checkpoint, keys: keys, now: now) }
        report.checkpoint = checkpoint
        let offered = try offeredCheckpoints(origin: origin, matching: checkpoint, verifier: verifier)
        if origin == manifest.nodeID {
            guard case .valid(let key) = keys.standing(keyID: manifest.keyID, size: checkpoint.size), manifest.isSigned(by: key) else {
                throw FeedError(.badSignature, "manifest is not signed by a checkpoint key valid for size \(checkpoint.size)", location: FeedPath.manifest)
            }
        }

        let rootsPath = FeedPath.pageRoots(origin, size: checkpoint.size)
        let roots = try located(rootsPath) { () throws(FeedError) in try PageRoots(bytes: try fetch(rootsPath)) }
        guard roots.origin == origin, roots.size == checkpoint.size, roots.root == checkpoint.root else {
            throw FeedError(.rootMismatch, "page roots do not make the checkpoint's root \(Hex.encode(checkpoint.root))", location: rootsPath)
        }

        var pending: [FeedVerifier.RedactionClaim] = []
        var redacts: [Int: String] = [:]
        var records = AuditedRecords(origin: origin)
        var keyVersion: Int?
        var statementSeqs: [String: Int] = [:]
        let pageCount = (checkpoint.size + Feed.pageSize - 1) / Feed.pageSize
        for page in 0..<pageCount {
            let width = min(Feed.pageSize, checkpoint.size - page * Feed.pageSize)
            let pagePath = FeedPath.page(origin, page, width: width)
            let entries = try located(pagePath) { () throws(FeedError) in try verifier.entries(page: page, bytes: try fetch(pagePath), count: width) }
            let expected = width == Feed.pageSize ? roots.pageRoots[page] : roots.tailRoot
            guard FeedVerifier.root(of: entries) == expected else {
                throw FeedError(.rootMismatch, "the page's entries do not hash to its root in the signed tree of size \(checkpoint.size)", location: pagePath)
            }
            let bodiesPath = FeedPath.bodies(origin, page, width: width)
            let checked = try located(bodiesPath) { () throws(FeedError) in try verifier.bodies(try fetch(bodiesPath), entries: entries) }
            pending += checked.claims
            for (entry, body) in zip(entries, checked.bodies) {
                report.entries += 1
                report.operations[entry.op, default: 0] += 1
                if case .redacted = body { report.redactedBodies += 1 }
                // A marker may name any `redact` entry of its id (feed.md §4), ignored or not, as
                // on the sync path.
                if entry.op == .redact { redacts[entry.seq] = entry.id }
                guard entry.op == .key else {
                    // Which record entries are ignored is the merge's decision (merge.md §2), the
                    // one every node's catalog is computed with.
                    if let reason = records.apply(entry, body: body) { report.ignored.append("seq \(entry.seq): \(reason)") }
                    continue
                }
                // Key entries keep the feed's own rules (feed.md §2): of the origin, and a version
                // greater than every earlier key entry's.
                if entry.origin != origin {
                    report.ignored.append("seq \(entry.seq): id \(entry.id) belongs to another origin")
                    continue
                }
                if let last = keyVersion, entry.version <= last {
                    report.ignored.append("seq \(entry.seq): version \(entry.version) of \(entry.id) does not exceed \(last)")
                    continue
                }
                keyVersion = entry.version
                guard case .body(let bytes) = body else { continue }
                let location = "\(bodiesPath) line \(entry.seq % Feed.pageSize + 1) (seq \(entry.seq))"
                let statement = try located(location) { () throws(FeedError) in try KeyStatement(bytes: bytes) }
                do { try keys.add(statement) } catch { throw error.at(location) }
                if statement.action == .authorize, statement.fromSize <= entry.seq {
                    throw FeedError(.keyNotValid, "authorises key \(statement.keyID) from size \(statement.fromSize), which does not contain the statement", location: location)
                }
                if statement.action == .authorize, statement.fromSize <= checkpoint.size {
                    statementSeqs[statement.keyID] = statementSeqs[statement.keyID] ?? entry.seq
                }
                report.keyStatements += 1
            }
            report.pages += 1
        }
        for claim in pending {
            let page = claim.seq / Feed.pageSize
            let path = FeedPath.bodies(origin, page, width: min(Feed.pageSize, checkpoint.size - page * Feed.pageSize))
            try located(path) { () throws(FeedError) in try verifier.resolve(claim, redactedID: redacts[claim.redactSeq] ?? redactionsBeyondCheckpoint[claim.redactSeq]) }
        }
        report.redactions = redacts
        guard let authorized = statementSeqs[checkpoint.keyID], authorized < checkpoint.size else {
            throw FeedError(.keyNotValid, "the authorisation of key \(checkpoint.keyID), which signed the checkpoint, is not in the log below size \(checkpoint.size)", location: checkpointPath)
        }
        // Expiry last: every other check has passed, so an expired feed is valid but stale.
        for (expired, path) in [(checkpoint, checkpointPath)] + offered.map({ ($0, FeedPath.checkpoints) }) where now >= expired.expires {
            let error = FeedError(.expired, "checkpoint expired at \(expired.expiresAt) (checked at \(format(now))): the origin is stale", location: path)
            guard deferringExpiry else { throw error }
            report.expiry = error
            break
        }
        return report
    }

    /// Reads `/feeds/checkpoints.json` and checks `origin`'s part of it as a syncing peer does
    /// (feed.md §6, §7), with the same code: the document parsed as a whole, each of the origin's
    /// key statements accepted under the pinned root key, and its checkpoint verified under those
    /// statements alone (what a peer that holds nothing of the origin yet has). The checkpoint
    /// must be of the tree `checkpoint.json` commits to, so that peers sync what is audited.
    ///
    /// - Returns: the checkpoints the bundle offers for `origin`; the caller judges expiry last.
    private func offeredCheckpoints(origin: String, matching checkpoint: Checkpoint, verifier: FeedVerifier) throws(FeedError) -> [Checkpoint] {
        let path = FeedPath.checkpoints
        let bytes: [UInt8]
        do {
            bytes = try fetch(path)
        } catch where error == .missing && error.message == "not found" {
            throw FeedError(.missing, "not found: every syncing peer polls this document first (feed.md §7), so peers sync nothing", location: path)
        }
        let bundle = try located(path) { () throws(FeedError) in try CheckpointBundle(bytes: bytes) }
        let entries = bundle.origins.filter { $0.origin == origin }
        guard !entries.isEmpty else {
            throw FeedError(.missing, "lists no checkpoint of \(origin): a syncing peer finds nothing of it", location: path)
        }
        for entry in entries {
            var keys = KeyState(origin: origin, rootKey: rootKey)
            for statement in entry.keyStatements {
                do { try keys.add(statement) } catch { throw error.at(path) }
            }
            _ = try located(path) { () throws(FeedError) in try verifier.verify(entry.checkpoint, keys: keys, now: now) }
            guard entry.checkpoint.size == checkpoint.size, entry.checkpoint.root == checkpoint.root else {
                throw FeedError(
                    .rootMismatch,
                    "offers \(origin) at size \(entry.checkpoint.size) (root \(Hex.encode(entry.checkpoint.root))), but checkpoint.json is of size \(checkpoint.size) (root \(Hex.encode(checkpoint.root))): peers would sync another tree than the one audited",
                    location: path)
            }
        }
        return entries.map(\.checkpoint)
    }

    /// The bytes at `path`, or `.missing` located there (also used by the body-file check).
    func fetch(_ path: String) throws(FeedError) -> [UInt8] {
        let bytes: [UInt8]?
        do {
            bytes = try source.fetch(path)
        } catch let error as FeedError {
            throw error.at(path)
        } catch {
            throw FeedError(.missing, "cannot be read: \(error)", location: path)
        }
        guard let bytes else { throw FeedError(.missing, "not found", location: path) }
        return bytes
    }

    /// Runs `body`, locating its errors at `location` unless they already name a path.
    func located<T>(_ location: String, _ body: () throws(FeedError) -> T) throws(FeedError) -> T {
        do { return try body() } catch where error.location?.hasPrefix("/") == true { throw error } catch { throw error.at(location) }
    }

    private func format(_ date: Date) -> String { DateText.timestamp(date) }
}
