public import Foundation
public import HTTPClient
import Catalog
import Feed
import Signing
public import Store

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

    public init(store: CatalogStore, client: HTTPClient) {
        self.store = store
        self.client = client
    }

    /// Syncs with `only` (every peer when nil). Peers whose circuit breaker is open are skipped,
    /// unless `ignoreBreaker` (an explicit `kechuang sync --peer`).
    public func run(only: [String]? = nil, ignoreBreaker: Bool = false, now: Date = Date()) async throws -> SyncReport {
        var report = SyncReport()
        let peers = try await store.peers().filter { only == nil || only!.contains($0.id) }
        let trusted = try await store.trustedOrigins()

        // 1. Poll: every peer's checkpoints.json, in parallel.
        var bundles: [(peer: Peer, bundle: CheckpointBundle)] = []
        let polls = await withTaskGroup(of: (Peer, PollResult).self) { group in
            for peer in peers {
                group.addTask { (peer, await poll(peer, ignoreBreaker: ignoreBreaker, now: now)) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
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
        for origin in trusted where origin.origin != store.node.id {
            // A peer that failed in this run is given up: no further request goes to it.
            let offers = bundles.filter { badPeers[$0.peer.id] == nil }.flatMap { peer, bundle in
                bundle.origins.filter { $0.origin == origin.origin }.map {
                    OriginSync.Offer(peer: peer, checkpoint: $0.checkpoint, statements: $0.keyStatements)
                }
            }
            guard !offers.isEmpty else {
                // No peer offered it: the data stays, but an expired checkpoint makes it stale.
                if let held = try await store.logPosition(origin.origin).checkpoint, held.expires <= now,
                    try await store.originState(origin.origin) != .fork
                {
                    try await store.setOriginState(origin.origin, .stale, error: "checkpoint expired at \(held.expiresAt); no peer offered a newer one",
                                                   source: "held", now: now)
                    report.origins.append(SyncReport.OriginResult(
                        origin: origin.origin, state: .stale, before: held.size, after: held.size,
                        error: "checkpoint expired at \(held.expiresAt)"))
                }
                continue
            }
            let deadline = peerDeadline
            let sync = OriginSync(
                store: store, origin: origin.origin, rootKey: origin.rootKey, now: now,
                makePuller: { [client, policy, limits] peer in
                    FeedPuller(client: client, peer: peer, policy: policy, limits: limits, budget: deadline)
                })
            let (result, bad) = await sync.run(offers: offers)
            report.origins.append(result)
            badPeers.merge(bad) { first, _ in first }
        }

        // 3. The merge, then each peer's outcome and its circuit breaker.
        try await store.refreshUnified()
        for index in report.peers.indices {
            let id = report.peers[index].peer
            if let error = badPeers[id], report.peers[index].ok {
                report.peers[index].ok = false
                report.peers[index].error = error
            }
            guard !report.peers[index].skipped else { continue }
            let failures = (try await store.peerState(id)?.status.failures ?? 0) + 1
            let failed = !report.peers[index].ok
            let poll = polls.first { $0.0.id == id }?.1
            try await store.recordPeerResult(
                id, error: report.peers[index].error, etag: failed ? nil : poll?.etag,
                checkpoints: failed ? nil : poll?.bytes,
                retryAfter: failed ? breaker.retryAfter(failures: failures, now: now) : nil, now: now)
        }
        return report
    }

    /// One peer's checkpoints.json, or why there is none.
    struct PollResult: Sendable {
        var bundle: CheckpointBundle?
        var bytes: [UInt8]?
        var etag: String?
        var notModified = false
        var skipped = false
        var error: String?
    }

    private func poll(_ peer: Peer, ignoreBreaker: Bool, now: Date) async -> PollResult {
        var result = PollResult()
        let state = try? await store.peerState(peer.id)
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
                result.bundle = try state?.checkpoints.map { try CheckpointBundle(bytes: $0) }
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

