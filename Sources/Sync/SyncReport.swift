public import Store

/// What one sync did, per peer and per origin.
public struct SyncReport: Sendable {
    /// One peer's outcome.
    public struct PeerResult: Sendable {
        public let peer: String
        /// The peer answered and everything it served verified.
        public var ok: Bool
        /// The circuit breaker kept the sync away from the peer.
        public var skipped = false
        /// Its checkpoints.json was unchanged (one 304).
        public var notModified = false
        public var error: String?
    }

    /// One origin's outcome.
    public struct OriginResult: Sendable {
        public let origin: String
        public var state: SyncState
        /// Entries held before and after.
        public var before: Int
        public var after: Int
        public var applied = ApplyCounts()
        public var error: String?
        /// The peer the data (or the error) came from.
        public var source: String?
        /// What was ignored without being an error: offers older than what is held (stale).
        public var notes: [String] = []
        /// The origin's trust was removed or changed (by another process) during the sync:
        /// nothing more of it was written, and `state` is `new` (as for an origin never synced).
        public var trustChanged = false
    }

    /// What a sync of a node restored from a backup decided about its restore hold.
    public struct HoldOutcome: Sendable {
        /// The node's own log is known to be the newest: it publishes again.
        public let lifted: Bool
        /// `lifted: …` or `kept: …`, with why.
        public let message: String
    }

    public var peers: [PeerResult] = []
    /// Set when the node was held (restored, `RestoreHold`) at the start of the run.
    public var restoreHold: HoldOutcome?
    public var origins: [OriginResult] = []

    /// True when a peer failed or was skipped for failing (`kechuang sync` then exits 1).
    public var failed: Bool { peers.contains { !$0.ok } }
}
