import Catalog
public import Feed
public import Foundation
public import Signing
import SQLite

extension CatalogStore {
    // MARK: Trust

    /// Pins `origin`'s root key. The node syncs only origins it pins itself.
    public func trust(_ origin: String, rootKey: Ed25519PublicKey, now: Date = Date()) throws {
        guard RecordID.isValidOrigin(origin) else { throw StoreError.invalidArgument("\(origin) is not an origin (node id)") }
        guard origin != node.id else { throw StoreError.invalidArgument("\(origin) is this node's own origin") }
        if let pinned = try trustedOrigins().first(where: { $0.origin == origin }), pinned.rootKey != rootKey {
            throw StoreError.invalidArgument(
                "\(origin) is already pinned to root key \(pinned.rootKey.keyID); remove it first (kechuang trust remove \(origin))")
        }
        try connection.transaction {
            try connection.run(
                "INSERT OR IGNORE INTO trusted_origins (origin, root_key, added_at) VALUES (?, ?, ?)",
                [.text(origin), .text(rootKey.text), .text(DateText.timestamp(now))])
            // A new pin may name another log than any copy held before: a new generation.
            if connection.changes > 0 { try bumpGeneration(origin) }
        }
    }

    /// Starts a new generation of `origin`'s data (see `Schema`, migration 5): files a server
    /// cached for the copy held so far are not served again.
    func bumpGeneration(_ origin: String) throws {
        try connection.run(
            """
            INSERT INTO origin_generations (origin, generation) VALUES (?, 1)
            ON CONFLICT (origin) DO UPDATE SET generation = generation + 1
            """,
            [.text(origin)])
    }

    /// Forgets `origin`: its records leave the unified catalog, its copy of the log, checkpoint,
    /// state and evidence are deleted, and its key is no longer pinned. Trusting it again syncs it
    /// from the start.
    public func untrust(_ origin: String, now: Date = Date()) throws {
        guard try trustedOrigins().contains(where: { $0.origin == origin }) else {
            throw StoreError.notFound("trusted origin \(origin)")
        }
        try connection.transaction {
            let table = RecordTable(connection: connection)
            let rows = try connection.prepare("SELECT rowid, id, version FROM records WHERE origin = ?")
                .query([.text(origin)]) { ($0.int64(0), $0.text(1) ?? "", $0.int(2)) }
            for (rowid, id, version) in rows {
                guard let recordID = RecordID(id) else { throw StoreError.corrupt("records row \(rowid): id \"\(id)\" is not a record id") }
                try table.remove(recordID, rowid: rowid, version: version, now: DateText.timestamp(now))
            }
            for statement in [
                "DELETE FROM tombstones WHERE origin = ?", "DELETE FROM log_entries WHERE origin = ?",
                "DELETE FROM log_pages WHERE origin = ?", "DELETE FROM checkpoints WHERE origin = ?",
                "DELETE FROM origin_state WHERE origin = ?", "DELETE FROM fork_evidence WHERE origin = ?",
                "DELETE FROM ignored_entries WHERE origin = ?", "DELETE FROM trusted_origins WHERE origin = ?",
            ] {
                try connection.run(statement, [.text(origin)])
            }
            try bumpGeneration(origin)
            _ = try Unifier(connection: connection).refresh()
        }
    }

    /// Every pinned origin, sorted.
    public func trustedOrigins() throws -> [TrustedOrigin] {
        try connection.prepare("SELECT origin, root_key, added_at FROM trusted_origins ORDER BY origin").query { row in
            (row.text(0) ?? "", row.text(1) ?? "", row.text(2) ?? "")
        }.map { origin, key, added in TrustedOrigin(origin: origin, rootKey: try Ed25519PublicKey(text: key), addedAt: added) }
    }

    // MARK: Peers

    /// Adds (or updates) a peer to pull from.
    ///
    /// A peer given a new URL or new mirrors starts afresh: its sync state goes (the failures of
    /// the old address, an open circuit breaker, the old server's checkpoints.json and ETag), so
    /// the next sync, periodic or not, tries the new address.
    public func addPeer(_ peer: Peer) throws {
        try connection.transaction {
            let held = try peers().first { $0.id == peer.id }
            if let held, held.url != peer.url || held.mirrors != peer.mirrors {
                try connection.run("DELETE FROM peer_state WHERE peer = ?", [.text(peer.id)])
            }
            try connection.run(
                "INSERT OR REPLACE INTO peers (id, url, mirrors, added_at) VALUES (?, ?, ?, ?)",
                [.text(peer.id), .text(peer.url), .text(peer.mirrors.joined(separator: " ")), .text(peer.addedAt)])
        }
    }

    /// Removes a peer and its state (the origins it served keep their data).
    public func removePeer(_ id: String) throws {
        guard try peers().contains(where: { $0.id == id }) else { throw StoreError.notFound("peer \(id)") }
        try connection.run("DELETE FROM peers WHERE id = ?", [.text(id)])
        try connection.run("DELETE FROM peer_state WHERE peer = ?", [.text(id)])
        try connection.run("DELETE FROM federation_reports WHERE peer = ?", [.text(id)])
    }

    /// Every peer, sorted.
    public func peers() throws -> [Peer] {
        try connection.prepare("SELECT id, url, mirrors, added_at FROM peers ORDER BY id").query { row in
            Peer(id: row.text(0) ?? "", url: row.text(1) ?? "",
                 mirrors: (row.text(2) ?? "").split(separator: " ").map(String.init), addedAt: row.text(3) ?? "")
        }
    }

    // MARK: Sync state

    /// The stored state of a peer (its last checkpoints.json and ETag included).
    public func peerState(_ id: String) throws -> (status: PeerStatus, etag: String?, checkpoints: [UInt8]?)? {
        guard let peer = try peers().first(where: { $0.id == id }) else { return nil }
        let row = try connection.prepare(
            "SELECT state, last_error, last_attempt, last_success, failures, retry_after, checkpoints_etag, checkpoints FROM peer_state WHERE peer = ?"
        ).queryFirst([.text(id)]) { row in
            (row.text(0), row.text(1), row.text(2), row.text(3), row.int(4), row.text(5), row.text(6), row.blob(7))
        }
        let status = PeerStatus(
            peer: peer, state: row.flatMap { $0.0.flatMap(SyncState.init(rawValue:)) } ?? .new, lastError: row?.1 ?? nil,
            lastAttempt: row?.2 ?? nil, lastSuccess: row?.3 ?? nil, failures: row?.4 ?? 0, retryAfter: row?.5 ?? nil)
        return (status, row?.6 ?? nil, row?.7 ?? nil)
    }

    /// Records the outcome of a sync with a peer, and the circuit breaker's new state.
    public func recordPeerResult(
        _ id: String, error: String?, etag: String?, checkpoints: [UInt8]?, retryAfter: Date?, now: Date = Date()
    ) throws {
        let time = DateText.timestamp(now)
        let failures = error == nil ? 0 : ((try peerState(id)?.status.failures ?? 0) + 1)
        try connection.run(
            """
            INSERT INTO peer_state (peer, state, last_error, last_attempt, last_success, failures, retry_after, checkpoints_etag, checkpoints)
            VALUES (?1, ?2, ?3, ?4, CASE WHEN ?3 IS NULL THEN ?4 END, ?5, ?6, ?7, ?8)
            ON CONFLICT (peer) DO UPDATE SET state = ?2, last_error = ?3, last_attempt = ?4,
                last_success = CASE WHEN ?3 IS NULL THEN ?4 ELSE last_success END, failures = ?5, retry_after = ?6,
                checkpoints_etag = COALESCE(?7, checkpoints_etag), checkpoints = COALESCE(?8, checkpoints)
            """,
            [.text(id), .text(error == nil ? SyncState.ok.rawValue : SyncState.error.rawValue), .text(error), .text(time),
             .integer(Int64(failures)), .text(retryAfter.map(DateText.timestamp)), .text(etag), checkpoints.map { .blob($0) } ?? .null])
    }

    /// Records that a federated query dropped a result `peer` served, with why
    /// (protocols/federation.md); `peer status` shows the last one. Not a sync outcome: the peer's
    /// sync state and circuit breaker are untouched.
    public func recordFederatedError(peer: String, error: String, now: Date = Date()) throws {
        try connection.run(
            "INSERT OR REPLACE INTO federation_reports (peer, error, at) VALUES (?, ?, ?)",
            [.text(peer), .text(error), .text(DateText.timestamp(now))])
    }

    /// Records an origin's state (`ok`, `stale`, `error`, `fork`) with the error and its source,
    /// if the origin is still trusted as `trust` says (checked in the same transaction).
    ///
    /// - Throws: `StoreError.trustChanged` when it is not; nothing is written then.
    public func setOriginState(
        _ origin: String, _ state: SyncState, error: String?, source: String, trust: TrustedOrigin, now: Date = Date()
    ) throws {
        try connection.transaction {
            try requireTrust(trust, of: origin)
            try writeOriginState(origin, state, error: error, source: source, now: now)
        }
    }

    private func writeOriginState(_ origin: String, _ state: SyncState, error: String?, source: String, now: Date) throws {
        try connection.run(
            "INSERT OR REPLACE INTO origin_state (origin, state, last_error, source, updated_at) VALUES (?, ?, ?, ?, ?)",
            [.text(origin), .text(state.rawValue), .text(error), .text(source), .text(DateText.timestamp(now))])
    }

    /// Keeps two signed checkpoints of `origin` that cannot both be true, and marks it forked, if
    /// the origin is still trusted as `trust` says (checked in the same transaction).
    ///
    /// - Throws: `StoreError.trustChanged` when it is not; nothing is written then.
    public func recordFork(
        origin: String, first: Checkpoint, firstSource: String, second: Checkpoint, secondSource: String, trust: TrustedOrigin,
        now: Date = Date()
    ) throws {
        let (a, b) = first.bytes.lexicographicallyPrecedes(second.bytes) ? (first, second) : (second, first)
        let (sourceA, sourceB) = a.bytes == first.bytes ? (firstSource, secondSource) : (secondSource, firstSource)
        try connection.transaction {
            try requireTrust(trust, of: origin)
            try connection.run(
                "INSERT OR IGNORE INTO fork_evidence (origin, first, first_source, second, second_source, detected_at) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(origin), .blob(a.bytes), .text(sourceA), .blob(b.bytes), .text(sourceB), .text(DateText.timestamp(now))])
            try writeOriginState(
                origin, .fork,
                error: "fork: checkpoints of size \(first.size) (\(firstSource)) and \(second.size) (\(secondSource)) disagree",
                source: secondSource, now: now)
        }
    }

    /// Throws unless `origin` is pinned now as `trust` records it (same root key, pinned at the
    /// same time). Called inside the transaction of every write a sync makes, so that a `trust
    /// remove` (or a new `trust`) committed by another process since the sync began is final: the
    /// sync writes nothing more of that origin.
    private func requireTrust(_ trust: TrustedOrigin, of origin: String) throws {
        guard trust.origin == origin else {
            throw StoreError.invalidArgument("a write for origin \(origin) carries the trust of \(trust.origin)")
        }
        if origin == node.id {
            // The node's own origin is synced only to catch up after a restore, under the hold's trust.
            guard let hold = try RestoreHold.read(connection), hold.trust(origin: origin) == trust else { throw StoreError.trustChanged(origin) }
            return
        }
        let pinned = try connection.prepare("SELECT root_key, added_at FROM trusted_origins WHERE origin = ?")
            .queryFirst([.text(origin)]) { ($0.text(0), $0.text(1)) }
        guard let pinned, pinned.0 == trust.rootKey.text, pinned.1 == trust.addedAt else { throw StoreError.trustChanged(origin) }
    }

    /// The number of entries held of `origin`'s log, and its stored (last fully applied) checkpoint.
    public func logPosition(_ origin: String) throws -> (size: Int, checkpoint: Checkpoint?) {
        let reader = LogReader(connection: connection)
        return (try reader.size(origin: origin), try reader.checkpoint(origin: origin))
    }

    /// The stored entries `range` of `origin`'s log (to compare a peer's page with what is held).
    public func entries(_ origin: String, _ range: Range<Int>) throws -> [[UInt8]] {
        try connection.prepare("SELECT entry FROM log_entries WHERE origin = ? AND seq >= ? AND seq < ? ORDER BY seq")
            .query([.text(origin), .integer(Int64(range.lowerBound)), .integer(Int64(range.upperBound))]) { $0.blob(0) ?? [] }
    }

    /// The Merkle root of the first `size` entries held of `origin`'s log.
    public func treeRoot(_ origin: String, size: Int) throws -> [UInt8] {
        let reader = LogReader(connection: connection)
        guard size > 0 else { return Merkle.emptyRoot }
        return try StoreRangeHasher(reader: reader, origin: origin, size: size).hash(of: 0..<size)
    }

    /// The stored state of an origin, or nil before its first sync.
    public func originState(_ origin: String) throws -> SyncState? {
        try connection.prepare("SELECT state FROM origin_state WHERE origin = ?").queryFirst([.text(origin)]) { $0.text(0) }
            .flatMap { $0.flatMap(SyncState.init(rawValue:)) }
    }

    /// The stored entry and body lines `range` of `origin`'s log, as a relay serves them.
    public func logLines(_ origin: String, _ range: Range<Int>) throws -> [(entry: [UInt8], body: [UInt8])] {
        try connection.prepare("SELECT entry, body FROM log_entries WHERE origin = ? AND seq >= ? AND seq < ? ORDER BY seq")
            .query([.text(origin), .integer(Int64(range.lowerBound)), .integer(Int64(range.upperBound))]) {
                ($0.blob(0) ?? [], $0.blob(1) ?? [])
            }
    }

    /// The stored page roots of `origin`'s sealed pages below `count`.
    public func pageRoots(_ origin: String, below count: Int) throws -> [[UInt8]] {
        try connection.prepare("SELECT root FROM log_pages WHERE origin = ? AND page < ? ORDER BY page")
            .query([.text(origin), .integer(Int64(count))]) { $0.blob(0) ?? [] }
    }

    /// The key statements held in `origin`'s log.
    public func keyStatements(of origin: String) throws -> [KeyStatement] {
        try LogReader(connection: connection).keyStatements(origin: origin)
    }

    /// Applies consecutive verified pages (or the verified new part of the first) of another
    /// origin's log in one transaction, in order: the entries and body lines are appended, the
    /// records folded, and the unified catalog brought up to date once (reusing the records the
    /// fold decoded). A page is never split: the transaction holds whole pages, so the log still
    /// ends at a page boundary (or at the verified tail).
    ///
    /// - Parameter trust: the trust the sync began with; when given, it is checked in the same
    ///   transaction, and nothing is written unless the origin is still trusted so.
    /// - Throws: `StoreError.trustChanged` when the trust changed.
    public func applyVerified(origin: String, pages: [VerifiedPage], trust: TrustedOrigin? = nil, now: Date = Date()) throws -> ApplyCounts {
        // The node's own log grows by its own writes, except while it catches up after a restore.
        guard origin != node.id || trust?.origin == node.id else {
            throw StoreError.foreignOrigin(RecordID(origin: origin, local: "x")!, node: node.id)
        }
        return try connection.transaction {
            if let trust { try requireTrust(trust, of: origin) }
            var applier = try OriginApplier(connection: connection, origin: origin)
            var counts = ApplyCounts()
            let timestamp = DateText.timestamp(now)
            for page in pages {
                counts += try applier.apply(
                    entries: page.entries, lines: page.lines, bodies: page.bodies, prepared: page.decoded, now: timestamp)
            }
            try applier.writeSearchIndex()
            _ = try Unifier(connection: connection, known: applier.decoded).refresh()
            return counts
        }
    }

    /// Stores the checkpoint an origin's data now stands at (every entry it covers is applied),
    /// verbatim, so that this node relays it, if the origin is still trusted as `trust` says.
    ///
    /// - Throws: `StoreError.trustChanged` when it is not; nothing is written then.
    public func acceptCheckpoint(
        _ checkpoint: Checkpoint, source: String, state: SyncState = .ok, trust: TrustedOrigin, now: Date = Date()
    ) throws {
        try connection.transaction {
            try requireTrust(trust, of: checkpoint.origin)
            try connection.run(
                "INSERT OR REPLACE INTO checkpoints (origin, size, issued_at, checkpoint) VALUES (?, ?, ?, ?)",
                [.text(checkpoint.origin), .integer(Int64(checkpoint.size)), .text(checkpoint.issuedAt), .blob(checkpoint.bytes)])
            try writeOriginState(checkpoint.origin, state, error: state == .stale ? "checkpoint expired at \(checkpoint.expiresAt)" : nil,
                                 source: source, now: now)
        }
    }

    /// Brings the unified catalog up to date with every record changed since the last refresh.
    ///
    /// - Returns: how many clusters were recomputed.
    @discardableResult
    public func refreshUnified() throws -> Int {
        try connection.transaction {
            let written = try Unifier(connection: connection).refresh()
            // Once per merge run, not per page batch: readers serve this stored value.
            try CatalogDigest.storeIfBehind(connection)
            return written
        }
    }
}
