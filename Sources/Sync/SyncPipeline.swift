public import Foundation
public import HTTPClient
import Catalog
import Feed
import Signing
public import Store

/// Told, as an origin's entries are applied, the origin, the entries held and the size synced to.
public typealias SyncProgress = @Sendable (_ origin: String, _ held: Int, _ target: Int) -> Void

/// The inbound story of a node, one call per step: poll every peer's checkpoints.json (one
/// conditional request each), verify what they offer for each origin this node trusts, fetch
/// only the missing pages, verify each against the signed root before it is applied, apply it,
/// then bring the unified catalog up to date.
public struct SyncPipeline: Sendable {
    public let store: CatalogStore
    public let client: HTTPClient
    public var policy = RetryPolicy()
    public var breaker = CircuitBreaker()
    /// How long a peer may take to serve one file (retries and mirrors included) before it is
    /// given up for the run.
    public var peerDeadline: Duration = .seconds(60)
    /// The bounds of every request (the largest body is set per kind of file).
    public var limits = HTTPClientLimits.default
    /// Told how far each origin's sync got (`kechuang sync` shows it on a terminal).
    public var progress: SyncProgress?

    public init(store: CatalogStore, client: HTTPClient) {
        self.store = store
        self.client = client
    }

    /// Syncs with `only` (every peer when nil). Peers whose circuit breaker is open are skipped,
    /// unless `ignoreBreaker` (an explicit `kechuang sync --peer`).
    ///
    /// - Throws: `SyncError` `local error: …` when this node's store fails (a read, a write, a row
    ///   it cannot decode). The run stops there: whatever was not committed is rolled back (the
    ///   merge's dirty marks stay for the next run), and no peer is charged with the failure (no
    ///   peer result is recorded, nothing counts toward a circuit breaker).
    public func run(only: [String]? = nil, ignoreBreaker: Bool = false, now: Date = Date()) async throws(SyncError) -> SyncReport {
        var report = SyncReport()
        let peers = try await local("reading the peers") { try await store.peers() }.filter { only == nil || only!.contains($0.id) }
        var trusted = try await local("reading the trusted origins") { try await store.trustedOrigins() }.filter { $0.origin != store.node.id }
        // A node restored from a backup catches its own log up from the peers that relay it,
        // first, so that no other origin's failure gives up a peer before it is asked.
        let hold = try await local("reading the restore hold") { try await store.restoreHold() }
        if let hold { trusted.insert(hold.trust(origin: store.node.id), at: 0) }
        var states: [String: PeerState] = [:]
        for peer in peers {
            states[peer.id] = try await local("reading the state of peer \(peer.id)") { try await store.peerState(peer.id) }
        }

        // 1. Poll: every peer's checkpoints.json, in parallel.
        var bundles: [(peer: Peer, bundle: CheckpointBundle)] = []
        let polls = await withTaskGroup(of: (Peer, PollResult).self) { [states] group in
            for peer in peers {
                group.addTask { (peer, await poll(peer, state: states[peer.id] ?? nil, ignoreBreaker: ignoreBreaker, now: now)) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        if let error = polls.compactMap(\.1.localError).sorted().first { throw SyncError.local(error) }
        for (peer, poll) in polls.sorted(by: { $0.0.id < $1.0.id }) {
            var result = SyncReport.PeerResult(peer: peer.id, ok: poll.error == nil)
            result.skipped = poll.skipped
            result.notModified = poll.notModified
            result.error = poll.error
            report.peers.append(result)
            if let bundle = poll.bundle { bundles.append((peer, bundle)) }
        }

        // 2. Per trusted origin: verify the offers, detect forks, fetch and apply what is missing.
        var badPeers: [String: String] = [:]
        var own: SyncReport.OriginResult?
        for origin in trusted {
            // A peer that failed in this run is given up: no further request goes to it.
            let offers = bundles.filter { badPeers[$0.peer.id] == nil }.flatMap { peer, bundle in
                bundle.origins.filter { $0.origin == origin.origin }.map {
                    OriginSync.Offer(peer: peer, checkpoint: $0.checkpoint, statements: $0.keyStatements)
                }
            }
            guard !offers.isEmpty else {
                if origin.origin == store.node.id { continue }
                // No peer offered it: the data stays, but an expired checkpoint makes it stale.
                if let result = try await markStaleIfExpired(origin, now: now) { report.origins.append(result) }
                continue
            }
            let deadline = peerDeadline
            var sync = OriginSync(
                store: store, trust: origin, now: now,
                makePuller: { [client, policy, limits] peer in
                    FeedPuller(client: client, peer: peer, policy: policy, limits: limits, budget: deadline)
                })
            sync.progress = progress
            let (result, bad) = try await sync.run(offers: offers)
            report.origins.append(result)
            if origin.origin == store.node.id { own = result }
            badPeers.merge(bad) { first, _ in first }
        }

        // 3. The merge, then each peer's outcome and its circuit breaker.
        try await local("merging the unified catalog") { try await store.refreshUnified() }
        // A sync cancelled (serve stopping) failed its transfers itself: no peer is charged.
        guard !Task.isCancelled else { return report }
        if let hold {
            report.restoreHold = try await judgeHold(hold, polls: polls, own: own, badPeers: badPeers, now: now)
        }
        for index in report.peers.indices {
            let id = report.peers[index].peer
            if let error = badPeers[id], report.peers[index].ok {
                report.peers[index].ok = false
                report.peers[index].error = error
            }
            guard !report.peers[index].skipped else { continue }
            let failures = (states[id]??.status.failures ?? 0) + 1
            let failed = !report.peers[index].ok
            let poll = polls.first { $0.0.id == id }?.1
            let peer = report.peers[index]
            try await local("recording the result of peer \(id)") {
                try await store.recordPeerResult(
                    id, error: peer.error, etag: failed ? nil : poll?.etag, checkpoints: failed ? nil : poll?.bytes,
                    retryAfter: failed ? breaker.retryAfter(failures: failures, now: now) : nil, now: now)
            }
        }
        return report
    }

    /// Lifts the restore hold when this run shows the node's own log to be the newest: every
    /// peer it has answered, whatever each offered of the node's origin verified and was caught
    /// up to, and none offers more entries than are now held. Otherwise the hold stays, and the
    /// outcome says why.
    private func judgeHold(
        _ hold: RestoreHold, polls: [(Peer, PollResult)], own: SyncReport.OriginResult?, badPeers: [String: String], now: Date
    ) async throws(SyncError) -> SyncReport.HoldOutcome {
        let origin = store.node.id
        // Read again, not the run's list: a peer added meanwhile (by another process) may hold more.
        let everyPeer = try await local("reading the peers") { try await store.peers() }.map(\.id).sorted()
        let answered = Set(polls.filter { $0.1.bundle != nil }.map(\.0.id))
        let held = try await local("\(origin): reading the log held") { try await store.logPosition(origin).size }
        func kept(_ why: String) -> SyncReport.HoldOutcome {
            SyncReport.HoldOutcome(lifted: false, message: "kept: \(why); publishing stays refused (kechuang restore --latest asserts that no newer copy exists)")
        }
        guard !everyPeer.isEmpty else { return kept("this node has no peer to catch up from or to confirm that none holds more of \(origin)") }
        let missing = everyPeer.filter { !answered.contains($0) }
        guard missing.isEmpty else { return kept("not every peer answered in this sync (\(missing.joined(separator: ", "))): one may hold more of \(origin)") }
        if let own, own.state == .fork || own.error != nil || own.trustChanged {
            return kept("origin \(origin): \(own.state.rawValue)\(own.error.map { " — \($0)" } ?? "")")
        }
        let offers = polls.compactMap { peer, poll in
            poll.bundle?.origins.first { $0.origin == origin }.map { (peer: peer.id, size: $0.checkpoint.size) }
        }
        if let bad = offers.first(where: { badPeers[$0.peer] != nil }) {
            return kept("\(bad.peer) failed in this sync (\(badPeers[bad.peer] ?? "")), so what it offers of \(origin) was not taken")
        }
        if let newer = offers.max(by: { $0.size < $1.size }), newer.size > held {
            return kept("\(newer.peer) offers \(newer.size) entries of \(origin), \(held) held")
        }
        let caughtUp = own.map { $0.after > $0.before ? "caught up from \($0.source ?? "a peer") (\($0.before) → \($0.after) entries); " : "" } ?? ""
        let why = caughtUp + "every peer (\(everyPeer.joined(separator: ", "))) answered, and none holds more than the \(held) entries of \(origin) held"
        try await local("lifting the restore hold") { try await store.liftRestoreHold(why: why, by: "sync", now: now) }
        return SyncReport.HoldOutcome(lifted: true, message: "lifted: " + why)
    }

    /// What the store holds of a peer: its state, its last checkpoints.json and that file's ETag.
    typealias PeerState = (status: PeerStatus, etag: String?, checkpoints: [UInt8]?)?

    /// Marks `origin` stale when no peer offered it and the checkpoint held has expired.
    private func markStaleIfExpired(_ origin: TrustedOrigin, now: Date) async throws(SyncError) -> SyncReport.OriginResult? {
        let held = try await local("\(origin.origin): reading the log held") { try await store.logPosition(origin.origin) }
        guard let checkpoint = held.checkpoint, checkpoint.expires <= now,
            try await local("\(origin.origin): reading its state", { try await store.originState(origin.origin) }) != .fork
        else { return nil }
        do {
            try await local("\(origin.origin): storing its state") {
                try await store.setOriginState(
                    origin.origin, .stale, error: "checkpoint expired at \(checkpoint.expiresAt); no peer offered a newer one", source: "held",
                    trust: origin, now: now)
            }
        } catch where error.code == .trustChanged {
            return nil  // removed meanwhile: there is nothing left to mark
        }
        return SyncReport.OriginResult(
            origin: origin.origin, state: .stale, before: checkpoint.size, after: checkpoint.size,
            error: "checkpoint expired at \(checkpoint.expiresAt)")
    }

    /// One peer's checkpoints.json, or why there is none.
    struct PollResult: Sendable {
        var bundle: CheckpointBundle?
        var bytes: [UInt8]?
        var etag: String?
        var notModified = false
        var skipped = false
        var error: String?
        /// The copy of checkpoints.json this node stored (for a 304) does not decode: its own fault.
        var localError: String?
    }

    private func poll(_ peer: Peer, state: PeerState, ignoreBreaker: Bool, now: Date) async -> PollResult {
        var result = PollResult()
        if !ignoreBreaker, let retry = state?.status.retryAfter.flatMap(DateText.parseTimestamp),
            !CircuitBreaker.allows(retryAfter: retry, now: now)
        {
            result.skipped = true
            result.error = "skipped: circuit open until \(state?.status.retryAfter ?? "") after \(state?.status.failures ?? 0) failures; last error: \(state?.status.lastError ?? "")"
            return result
        }
        let puller = FeedPuller(client: client, peer: peer, policy: policy, limits: limits, budget: peerDeadline)
        do {
            switch try await puller.fetch(FeedPath.checkpoints, maxBytes: FeedPuller.Size.checkpoints, etag: state?.etag) {
            case .ok(let bytes, let etag):
                result.bytes = bytes
                result.etag = etag
                result.bundle = try CheckpointBundle(bytes: bytes)
            case .notModified where state?.etag == nil:
                result.error = "peer \(peer.id): \(FeedPath.checkpoints): 304 Not Modified to a request that named no ETag"
            case .notModified:
                result.notModified = true
                result.etag = state?.etag
                result.bytes = state?.checkpoints
                do {
                    result.bundle = try state?.checkpoints.map { try CheckpointBundle(bytes: $0) }
                } catch {
                    // Stored only once it had decoded: failing now is this node's store, not the peer.
                    result.localError = "the stored copy of peer \(peer.id)'s \(FeedPath.checkpoints) does not decode: \(error)"
                }
            case .notFound:
                result.error = "peer \(peer.id): \(redactingUserInfo(peer.url))\(FeedPath.checkpoints): not found (is it a kechuang node?)"
            }
        } catch let error as FeedError {
            result.error = "peer \(peer.id): \(FeedPath.checkpoints): \(error)"
        } catch {
            result.error = "\(error)"
        }
        return result
    }
}

