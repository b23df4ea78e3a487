public import Feed
public import Signing

/// An origin whose root key this node pins.
public struct TrustedOrigin: Sendable, Hashable {
    public let origin: String
    public let rootKey: Ed25519PublicKey
    public let addedAt: String
}

/// A node this node pulls feeds from.
public struct Peer: Sendable, Hashable {
    public let id: String
    public let url: String
    /// Base URLs that serve the same files, tried when `url` fails.
    public let mirrors: [String]
    public let addedAt: String

    public init(id: String, url: String, mirrors: [String], addedAt: String) {
        self.id = id
        self.url = url
        self.mirrors = mirrors
        self.addedAt = addedAt
    }
}

/// The state of a peer or an origin as `peer status` and `GET /v1/peers` show it.
public enum SyncState: String, Sendable, Hashable, CaseIterable {
    /// The last sync succeeded (or the origin's data is current).
    case ok
    /// The origin's newest checkpoint is past its expiry (a state, not an attack).
    case stale
    /// The last sync failed; the data stays at its last good state.
    case error
    /// The origin signed two histories that cannot both be true; nothing of the second is applied.
    case fork
    /// Never synced yet.
    case new
}

/// What a node knows about one peer.
public struct PeerStatus: Sendable, Hashable {
    public let peer: Peer
    public var state: SyncState
    public var lastError: String?
    public var lastAttempt: String?
    public var lastSuccess: String?
    /// Consecutive failed syncs.
    public var failures: Int
    /// While the circuit breaker is open, periodic syncs skip the peer until this time.
    public var retryAfter: String?
    /// The last result of this peer that a federated query dropped because it failed verification
    /// (protocols/federation.md), and when; nil when none did.
    public var federatedError: String? = nil
    public var federatedAt: String? = nil
}

/// What a node knows about one origin it trusts.
public struct OriginStatus: Sendable, Hashable {
    public let origin: String
    public var state: SyncState
    public var lastError: String?
    /// The peer (or "local") whose data or error this is.
    public var source: String?
    public var updatedAt: String?
    /// The verified checkpoint the origin's data stands at.
    public var checkpoint: Checkpoint?
    /// Entries held of the origin's log.
    public var logSize: Int
    /// Entries ignored and reported by the merge rules.
    public var ignored: Int
    /// Fork evidence: pairs of signed checkpoints, verbatim, with where each came from.
    public var forks: [ForkEvidence]
}

/// Two signed checkpoints of one origin that cannot both be true.
public struct ForkEvidence: Sendable, Hashable {
    public let origin: String
    public let first: [UInt8]
    public let firstSource: String
    public let second: [UInt8]
    public let secondSource: String
    public let detectedAt: String
}
