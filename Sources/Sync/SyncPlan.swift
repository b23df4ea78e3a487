public import Feed
public import Foundation

/// The decisions of a sync, as pure functions over what is held and what was offered (feed.md §7:
/// stale, repeat, fork; and which pages to fetch). No I/O: the pipeline acts on the verdicts.
public enum SyncPlan {
    /// What to do with a checkpoint a peer offers for an origin, given the one already verified.
    public enum Verdict: Sendable, Equatable {
        /// Larger than what is held: fetch the missing pages.
        case advance
        /// The same size and root as held: nothing to do.
        case repeatOfHeld
        /// Smaller than what is held: a lagging mirror, ignored (not an attack) once `conflict`
        /// found its root equal to that of the held tree of its size.
        case stale
        /// The same size as held with another root: the origin signed two histories.
        case fork
    }

    /// Compares a verified offered checkpoint with the held one.
    public static func judge(offered: Checkpoint, held: Checkpoint?) -> Verdict {
        guard let held else { return offered.size > 0 ? .advance : .repeatOfHeld }
        if offered.size < held.size { return .stale }
        if offered.size == held.size { return offered.root == held.root ? .repeatOfHeld : .fork }
        return .advance
    }

    /// Among verified checkpoints offered by several peers, the pairs that prove a fork: equal
    /// sizes with different roots.
    public static func forks(_ offers: [(source: String, checkpoint: Checkpoint)]) -> [(first: (String, Checkpoint), second: (String, Checkpoint))] {
        var result: [(first: (String, Checkpoint), second: (String, Checkpoint))] = []
        var bySize: [Int: (String, Checkpoint)] = [:]
        for offer in offers.sorted(by: { ($0.checkpoint.size, $0.source) < ($1.checkpoint.size, $1.source) }) {
            if let seen = bySize[offer.checkpoint.size] {
                if seen.1.root != offer.checkpoint.root { result.append((seen, (offer.source, offer.checkpoint))) }
            } else {
                bySize[offer.checkpoint.size] = (offer.source, offer.checkpoint)
            }
        }
        return result
    }

    /// Two signed checkpoints of one origin that cannot both be true, as a sync finds them.
    public struct Conflict: Sendable {
        /// The offered checkpoint that disagrees, with the peer that offered it.
        public let offered: (source: String, checkpoint: Checkpoint)
        /// What it disagrees with: another offered checkpoint of its size, or the held checkpoint
        /// (source `held`); nil when it disagrees with held entries that no kept checkpoint covers
        /// (entries applied from a larger tree before an interruption).
        public let other: (source: String, checkpoint: Checkpoint)?
    }

    /// The first conflict among the verified checkpoints offered for an origin and what is held
    /// (feed.md §7): two checkpoints of one size with different roots (offered or held), or an
    /// offered checkpoint of a size up to the entries held whose root is not the root of the held
    /// tree of that size. A smaller checkpoint is thus never ignored unchecked: the node holds
    /// the entries, so it knows the root of every smaller tree.
    ///
    /// - Parameters:
    ///   - offers: the verified offered checkpoints, with the peers that offered them.
    ///   - held: the checkpoint held (the last fully applied), if any.
    ///   - heldRoots: the root of the held tree at each offered size up to the entries held.
    public static func conflict(
        offers: [(source: String, checkpoint: Checkpoint)], held: Checkpoint?, heldRoots: [Int: [UInt8]]
    ) -> Conflict? {
        let all = offers + (held.map { [("held", $0)] } ?? [])
        if let fork = forks(all).first {
            // The held checkpoint, when it is one of the two, is what the offer disagrees with.
            let (offered, other) = fork.first.0 == "held" ? (fork.second, fork.first) : (fork.first, fork.second)
            return Conflict(offered: (offered.0, offered.1), other: (other.0, other.1))
        }
        for offer in offers.sorted(by: { ($0.checkpoint.size, $0.source) < ($1.checkpoint.size, $1.source) }) {
            guard let root = heldRoots[offer.checkpoint.size], root != offer.checkpoint.root else { continue }
            // The held checkpoint is evidence only when it covers the entries the offer disagrees with.
            let other = held.flatMap { $0.size >= offer.checkpoint.size ? (source: "held", checkpoint: $0) : nil }
            return Conflict(offered: offer, other: other)
        }
        return nil
    }

    /// One page to fetch: its number, how many entries the target tree has in it, and how many
    /// of them are already held (they must match what the peer serves).
    public struct PageStep: Sendable, Hashable {
        public let page: Int
        public let width: Int
        public let held: Int
    }

    /// The pages that take a log from `held` entries to `target` entries, in order.
    public static func pages(held: Int, target: Int) -> [PageStep] {
        guard target > held else { return [] }
        let size = Feed.pageSize
        return (held / size...(target - 1) / size).map { page in
            PageStep(page: page, width: min(size, target - page * size), held: max(0, min(size, held - page * size)))
        }
    }
}

/// How often and how soon a failed request is tried again.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included.
    public var attempts = 3
    /// Delay before the second attempt; doubled for each further one.
    public var initialDelay: Duration = .milliseconds(500)

    public init() {}

    /// The delay before attempt `attempt` (1-based; the first has none).
    public func delay(before attempt: Int) -> Duration {
        attempt <= 1 ? .zero : initialDelay * (1 << min(attempt - 2, 10))
    }
}

/// A per-peer circuit breaker: after `threshold` consecutive failed syncs, periodic syncs leave
/// the peer alone for a cooldown that doubles with each further failure (capped), so a dead peer
/// costs nothing; an explicit `kechuang sync --peer` ignores it.
public struct CircuitBreaker: Sendable, Hashable {
    public var threshold = 3
    public var cooldown: TimeInterval = 60
    public var maximumCooldown: TimeInterval = 3600

    public init() {}

    /// When the peer may be tried again after `failures` consecutive failures ending at `now`,
    /// or nil when the breaker is closed.
    public func retryAfter(failures: Int, now: Date) -> Date? {
        guard failures >= threshold else { return nil }
        let wait = min(cooldown * pow(2, Double(failures - threshold)), maximumCooldown)
        return now.addingTimeInterval(wait)
    }

    /// True when a periodic sync may try the peer at `now`.
    public static func allows(retryAfter: Date?, now: Date) -> Bool {
        guard let retryAfter else { return true }
        return now >= retryAfter
    }
}
