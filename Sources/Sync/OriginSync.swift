import Catalog
import Feed
import Foundation
import Signing
import Store
import Synchronization

/// Brings one origin up to the best checkpoint its peers offer (feed.md §5–§7): verify every
/// offered checkpoint against the pinned root key and the key statements; check every one of
/// them, whatever its size, against what is held (two roots of one size, or a root that is not
/// that of the held tree of its size, is a fork); then fetch only the missing pages, verify each
/// against the signed tree before it is applied, apply it whole in one transaction (with up to
/// `pagesPerTransaction` consecutive verified pages), and store the checkpoint once every entry
/// it covers is applied. The cursor (the log's size) moves only past applied entries.
///
/// Every store call goes through `local`: a store failure is this node's own (`local error: …`,
/// thrown to the caller), never a peer's. Every write re-reads the origin's trust in its own
/// transaction, so a `trust remove` (or a new `trust`) made by another process during the sync
/// is final: nothing more of the origin is written, and the result says so (`trustChanged`).
struct OriginSync {
    /// Verified pages written in one transaction during a long sync (2,048 entries): fewer
    /// commits, full-text index flushes and unified-catalog refreshes.
    static let pagesPerTransaction = 8
    /// Pages fetched at once ahead of the one being written: how many transfers run in parallel,
    /// not what bounds memory (`LookAhead.budget` does, in bytes).
    static let pagesAhead = 8
    /// The largest body file held in memory and prepared ahead; a larger one (a publisher makes
    /// them up to `FeedLimits.publishedBodyFile`, feed.md allows `FeedLimits.bodyFile`) is checked
    /// line by line in its temporary file and applied from it part by part.
    static let heldBodyFile = 8 << 20
    /// The most bytes of body lines applied in one transaction from a body file over `heldBodyFile`.
    static let spooledPartBytes = 8 << 20

    let store: CatalogStore
    /// The origin and its pinned root key, as trusted when the sync began.
    let trust: TrustedOrigin
    let now: Date
    let makePuller: @Sendable (Peer) -> FeedPuller
    /// Told, after each batch of pages is applied, the origin, the entries now held and the size
    /// of the checkpoint being synced to (`SyncPipeline.progress`).
    var progress: SyncProgress?

    var origin: String { trust.origin }

    /// A checkpoint a peer offers, with the key statements it served beside it.
    struct Offer: Sendable {
        let peer: Peer
        let checkpoint: Checkpoint
        let statements: [KeyStatement]
    }

    /// The origin's result and the peers that served something invalid.
    ///
    /// - Throws: `SyncError` `local error: …` when the store fails.
    func run(offers: [Offer]) async throws(SyncError) -> (result: SyncReport.OriginResult, badPeers: [String: String]) {
        var result = SyncReport.OriginResult(origin: origin, state: .ok, before: 0, after: 0)
        do {
            let badPeers = try await sync(offers, result: &result)
            return (result, badPeers)
        } catch where error.code == .trustChanged {
            // Not the peers' doing, nor the store's: the operator changed the trust meanwhile.
            // Whatever this sync wrote before was deleted with the trust (or belongs to the new one).
            result.trustChanged = true
            result.state = .new
            result.after = result.before
            result.applied = ApplyCounts()
            result.error = nil
            result.notes.append(error.message)
            return (result, [:])
        }
    }

    private func sync(_ offers: [Offer], result: inout SyncReport.OriginResult) async throws(SyncError) -> [String: String] {
        let verifier = FeedVerifier(origin: origin)
        let before = try await local("\(origin): reading the log held") { try await store.logPosition(origin) }
        (result.before, result.after) = (before.size, before.size)
        // A fork stays until the operator resolves it (kechuang trust remove, then trust again):
        // once an origin signed two histories, nothing more of it is applied.
        if try await local("\(origin): reading its state", { try await store.originState(origin) }) == .fork {
            result.state = .fork
            result.error = "origin \(origin) forked earlier (see kechuang peer status); not synced until resolved with kechuang trust remove \(origin)"
            return [:]
        }

        // 1–2. Key statements and checkpoints verified.
        var (valid, badPeers) = try await verify(offers, verifier: verifier)
        // 3. Forks: every valid checkpoint, of any size, against the others and the held tree.
        let offered = valid.map { (source: $0.offer.peer.id, checkpoint: $0.offer.checkpoint) }
        if let conflict = try await conflict(offered, held: before) {
            try await recordFork(conflict, offered: offered, result: &result, badPeers: &badPeers)
            return badPeers
        }
        guard !valid.isEmpty else {
            if let error = badPeers.values.sorted().first {
                result.state = .error
                result.error = error
                try await local("\(origin): storing its state") {
                    try await store.setOriginState(
                        origin, .error, error: error, source: badPeers.keys.sorted().first ?? "", trust: trust, now: now)
                }
            }
            return badPeers
        }
        // A peer offering less than what is held, of the same history (checked above), is a
        // lagging mirror: noted, ignored.
        if let held = before.checkpoint {
            for (offer, _) in valid where offer.checkpoint.size < held.size {
                result.notes.append(
                    "\(offer.peer.id) offers an older checkpoint (size \(offer.checkpoint.size) < \(held.size) held) of the history held: ignored as stale")
            }
        }
        // 4. The best offer: the largest, current before expired.
        // Among equals, the origin itself before relays, then peers by id.
        let ranked = valid.sorted {
            ($0.offer.checkpoint.size, $0.freshness == .current ? 1 : 0, $0.offer.peer.id == origin ? 1 : 0, $1.offer.peer.id)
                > ($1.offer.checkpoint.size, $1.freshness == .current ? 1 : 0, $1.offer.peer.id == origin ? 1 : 0, $0.offer.peer.id)
        }
        for (offer, freshness) in ranked {
            switch SyncPlan.judge(offered: offer.checkpoint, held: before.checkpoint) {
            case .stale, .repeatOfHeld:
                // A re-issued checkpoint of the held tree (same size and root, issued later) is
                // stored, so that this node relays a current one and the origin does not go stale
                // downstream while its log does not grow.
                if let held = before.checkpoint, offer.checkpoint.size == held.size, offer.checkpoint.root == held.root,
                    offer.checkpoint.issued > held.issued
                {
                    result.state = freshness == .expired ? .stale : .ok
                    try await local("\(origin): storing the re-issued checkpoint") { [result] in
                        try await store.acceptCheckpoint(offer.checkpoint, source: offer.peer.id, state: result.state, trust: trust, now: now)
                    }
                    return badPeers
                }
                let heldExpired = before.checkpoint.map { $0.expires <= now } ?? false
                let state: SyncState = heldExpired && freshness == .expired ? .stale : .ok
                result.state = state
                try await local("\(origin): storing its state") {
                    try await store.setOriginState(origin, state, error: state == .stale ? "newest checkpoint expired" : nil,
                                                   source: offer.peer.id, trust: trust, now: now)
                }
                return badPeers
            case .fork:
                // Two roots of one size were found in step 3; kept for a verdict that could reach here.
                let conflict = SyncPlan.Conflict(
                    offered: (offer.peer.id, offer.checkpoint), other: before.checkpoint.map { (source: "held", checkpoint: $0) })
                try await recordFork(conflict, offered: offered, result: &result, badPeers: &badPeers)
                return badPeers
            case .advance:
                let done = try await advance(
                    to: offer, freshness: freshness, before: before, offered: offered, verifier: verifier, result: &result,
                    badPeers: &badPeers)
                if done { return badPeers }
            }
        }
        result.state = .error
        try await local("\(origin): storing its state") { [result] in
            try await store.setOriginState(
                origin, .error, error: result.error, source: ranked.first?.offer.peer.id ?? "", trust: trust, now: now)
        }
        return badPeers
    }

    /// Steps 1–2: the key statements held and offered, then every offered checkpoint verified
    /// (expired ones kept apart); the peers that served something invalid, with why.
    private func verify(
        _ offers: [Offer], verifier: FeedVerifier
    ) async throws(SyncError) -> (valid: [(offer: Offer, freshness: FeedVerifier.Freshness)], badPeers: [String: String]) {
        var badPeers: [String: String] = [:]
        // 1. Key statements: those held in the log, and those each peer served (self-authenticating).
        var keys = KeyState(origin: origin, rootKey: trust.rootKey)
        for statement in try await local("\(origin): reading the key statements held", { try await store.keyStatements(of: origin) }) {
            // A statement the log holds was verified when it was applied: one that no longer
            // verifies (a revocation, perhaps) is a broken store, never to be skipped.
            do { try keys.add(statement) } catch {
                throw SyncError.local("\(origin): a key statement held in the log does not verify against the pinned root key: \(error)")
            }
        }
        for offer in offers {
            for statement in offer.statements {
                do { try keys.add(statement) } catch { badPeers[offer.peer.id] = "origin \(origin): key statement: \(error)" }
            }
        }
        // 2. Every offered checkpoint verified; expired ones kept apart.
        var valid: [(offer: Offer, freshness: FeedVerifier.Freshness)] = []
        for offer in offers where badPeers[offer.peer.id] == nil {
            do {
                valid.append((offer, try verifier.verify(offer.checkpoint, keys: keys, now: now)))
            } catch {
                badPeers[offer.peer.id] = "origin \(origin): checkpoint from \(offer.peer.id): \(error)"
            }
        }
        return (valid, badPeers)
    }

    /// Takes the peer's offer of a larger tree: fetches, verifies and applies the missing pages,
    /// stores the checkpoint, and checks the other offers against the tree then held.
    ///
    /// - Returns: true when the origin's sync is over; false to try the next offer (this peer failed).
    private func advance(
        to offer: Offer, freshness: FeedVerifier.Freshness, before: (size: Int, checkpoint: Checkpoint?),
        offered: [(source: String, checkpoint: Checkpoint)], verifier: FeedVerifier, result: inout SyncReport.OriginResult,
        badPeers: inout [String: String]
    ) async throws(SyncError) -> Bool {
        do {
            result.applied = try await advance(to: offer, heldSource: heldSource(before.checkpoint, offered: offered), verifier: verifier)
            result.after = offer.checkpoint.size
            result.source = offer.peer.id
            result.state = freshness == .expired ? .stale : .ok
            try await local("\(origin): storing the checkpoint") { [state = result.state] in
                try await store.acceptCheckpoint(offer.checkpoint, source: offer.peer.id, state: state, trust: trust, now: now)
            }
            // The other offers, checked against the tree now held: a smaller checkpoint of another
            // history, offered beside this one, is a fork in this same run.
            if let conflict = try await conflict(offered, held: (offer.checkpoint.size, offer.checkpoint)) {
                try await recordFork(conflict, offered: offered, result: &result, badPeers: &badPeers)
            }
            return true
        } catch let error as SyncError where error.code == .fork {
            // The evidence is stored (`recordFork(held:…)`); the state keeps the full message.
            result.state = .fork
            result.error = error.message
            badPeers[offer.peer.id] = error.message
            if let other = heldPeer(before.checkpoint, offered: offered) { badPeers[other] = error.message }
            try await local("\(origin): storing its state") {
                try await store.setOriginState(origin, .fork, error: error.message, source: offer.peer.id, trust: trust, now: now)
            }
            return true
        } catch let error as SyncError where error.code == .stale {
            result.notes.append(error.message)
            return true
        } catch let error as SyncError where error.code == .local || error.code == .trustChanged {
            throw error
        } catch {
            // What the peer served (or how it served it) failed: the next offer may do better.
            badPeers[offer.peer.id] = "\(error)"
            result.error = "\(error)"
            result.after = try await local("\(origin): reading the log held") { try await store.logPosition(origin).size }
            return false
        }
    }

    /// The first conflict between the offered checkpoints and what is held (`SyncPlan.conflict`),
    /// with the roots of the held tree at every offered size up to the entries held.
    private func conflict(
        _ offered: [(source: String, checkpoint: Checkpoint)], held: (size: Int, checkpoint: Checkpoint?)
    ) async throws(SyncError) -> SyncPlan.Conflict? {
        var roots: [Int: [UInt8]] = [:]
        for size in Set(offered.map(\.checkpoint.size)) where size <= held.size {
            roots[size] = try await local("\(origin): computing the root of the held tree of size \(size)") {
                try await store.treeRoot(origin, size: size)
            }
        }
        return SyncPlan.conflict(offers: offered, held: held.checkpoint, heldRoots: roots)
    }

    /// The peer that offers, in this run, exactly the held checkpoint (the first by id), if any:
    /// it is named as the source of that side of a fork.
    private func heldPeer(_ held: Checkpoint?, offered: [(source: String, checkpoint: Checkpoint)]) -> String? {
        guard let held else { return nil }
        return offered.filter { $0.checkpoint.size == held.size && $0.checkpoint.root == held.root }.map(\.source).sorted().first
    }

    /// How the held checkpoint is named in fork evidence: the peer offering it now, else `held`.
    private func heldSource(_ held: Checkpoint?, offered: [(source: String, checkpoint: Checkpoint)]) -> String {
        heldPeer(held, offered: offered) ?? "held"
    }

    /// Keeps the evidence of `conflict` (both signed checkpoints, the offering peers named), marks
    /// the origin forked, and names the peers that offered either side.
    private func recordFork(
        _ conflict: SyncPlan.Conflict, offered: [(source: String, checkpoint: Checkpoint)], result: inout SyncReport.OriginResult,
        badPeers: inout [String: String]
    ) async throws(SyncError) {
        let first = conflict.offered
        result.state = .fork
        guard var other = conflict.other else {
            let message = "fork: \(first.source) offers a checkpoint of size \(first.checkpoint.size) whose root is not that of the entries held"
            result.error = message
            badPeers[first.source] = message
            try await local("\(origin): storing the fork") {
                try await store.setOriginState(
                    origin, .fork, error: message + " (no checkpoint held to keep as evidence)", source: first.source, trust: trust, now: now)
            }
            return
        }
        if other.source == "held" { other.source = heldSource(other.checkpoint, offered: offered) }
        let message = other.checkpoint.size == first.checkpoint.size
            ? "fork: checkpoints of size \(first.checkpoint.size) from \(other.source) and from \(first.source) have different roots"
            : "fork: the checkpoint of size \(first.checkpoint.size) from \(first.source) is not a prefix of the checkpoint of size \(other.checkpoint.size) from \(other.source)"
        result.error = message
        for source in [first.source, other.source] where source != "held" { badPeers[source] = message }
        try await local("\(origin): storing the fork evidence") {
            try await store.recordFork(
                origin: origin, first: other.checkpoint, firstSource: other.source, second: first.checkpoint, secondSource: first.source,
                trust: trust, now: now)
        }
    }

    /// Fetches, verifies and applies the pages between what is held and `offer`'s checkpoint.
    ///
    /// - Parameter heldSource: how the held checkpoint is named in fork evidence.
    private func advance(to offer: Offer, heldSource: String, verifier: FeedVerifier) async throws -> ApplyCounts {
        let origin = self.origin
        let target = offer.checkpoint
        let puller = makePuller(offer.peer)
        let source = "peer \(offer.peer.id)"
        let rootsPath = FeedPath.pageRoots(origin, size: target.size)
        let roots: PageRoots
        do {
            roots = try PageRoots(bytes: try await puller.require(rootsPath, maxBytes: FeedPuller.Size.pageRoots))
        } catch let error as FeedError {
            throw SyncError.verification("\(source): \(rootsPath): \(error)")
        }
        guard roots.origin == origin, roots.size == target.size, roots.root == target.root else {
            throw SyncError.verification("\(source): \(rootsPath): the page roots do not make the checkpoint's root")
        }
        let position = try await local("\(origin): reading the log held") { try await store.logPosition(origin) }
        func fork() async throws -> Never {
            try await recordFork(held: position, heldSource: heldSource, offered: target, source: offer.peer.id)
        }
        guard position.size <= target.size else {
            // More entries are held (applied from a larger tree before an interruption) than the
            // offered tree has: it is behind them if its root is that of their prefix, else a fork.
            let root = try await local("\(origin): computing the root of the held tree") { try await store.treeRoot(origin, size: target.size) }
            guard root == target.root else { try await fork() }
            throw SyncError(.stale, "\(offer.peer.id) offers a checkpoint of size \(target.size), behind the \(position.size) entries held: ignored as stale")
        }
        // What is held must be a prefix of the offered tree; a signed tree that is not is a fork.
        let storedRoots = try await local("\(origin): reading the page roots held") {
            try await store.pageRoots(origin, below: position.size / Feed.pageSize)
        }
        guard storedRoots == Array(roots.pageRoots.prefix(storedRoots.count)) else { try await fork() }
        var counts = ApplyCounts()
        var laterPages: [Int: [LogEntry]] = [:]
        let steps = SyncPlan.pages(held: position.size, target: target.size)
        var applied = 0
        // Two stages: the next pages are fetched, verified against the signed tree and decoded
        // while the current ones are written; errors surface in page order, when it is their turn.
        // Consecutive verified pages are written together (`Self.pagesPerTransaction`), whole.
        let peer = puller.peer.id
        // Memory: everything fetched and not yet applied counts against one budget in bytes
        // (`LookAhead`). A fetch starts only when the budget has room for the page file it may
        // hold (its body file goes to a temporary file); once fetched, a page is prepared ahead
        // only when the budget has room for what that costs, else it waits, unprepared, for its
        // turn. The page whose turn it is always proceeds, so the sync always progresses.
        let budget = LookAhead(limit: LookAhead.budget)
        func prepare(_ step: SyncPlan.PageStep) -> Task<LookAhead.Fetched, any Error> {
            Task {
                async let page = puller.require(FeedPath.page(origin, step.page, width: step.width), maxBytes: FeedPuller.Size.page)
                async let bodies = puller.spool(FeedPath.bodies(origin, step.page, width: step.width), maxBytes: FeedPuller.Size.bodies)
                let (pageBytes, bodyFile) = (try await page, try await bodies)
                try Task.checkCancellation()
                let cost = try FetchedPage.cost(origin: origin, step: step, page: pageBytes, bodies: bodyFile, peer: peer)
                guard budget.exchange(LookAhead.fetchReserve, for: cost) else {
                    // No more than the reservation it replaces (the page file is within it).
                    _ = budget.exchange(LookAhead.fetchReserve, for: pageBytes.count, always: true)
                    return .fetched(page: pageBytes, bodies: bodyFile, cost: pageBytes.count)
                }
                return .prepared(
                    try FetchedPage(origin: origin, step: step, page: pageBytes, bodies: bodyFile, roots: roots, verifier: verifier, peer: peer),
                    cost: cost)
            }
        }
        var ahead: [Task<LookAhead.Fetched, any Error>] = []
        var started = 0
        func fill() {
            while started < steps.count, ahead.count < Self.pagesAhead,
                budget.reserve(LookAhead.fetchReserve, always: ahead.isEmpty)
            {
                ahead.append(prepare(steps[started]))
                started += 1
            }
        }
        defer { ahead.forEach { $0.cancel() } }
        var batch: [VerifiedPage] = []
        var batchCost = 0
        // Writes the verified pages gathered so far; done before any error is thrown, so that
        // every page verified before a failing one is applied, as if written one by one.
        // What they held is given back to the budget (and what the page whose turn it is holds,
        // when it is applied part by part from its file or after them).
        func flush() async throws {
            if !batch.isEmpty {
                let pages = batch
                batch.removeAll()
                counts += try await local("\(origin): applying entries") {
                    try await store.applyVerified(origin: origin, pages: pages, trust: trust, now: now)
                }
                applied += pages.reduce(0) { $0 + $1.entries.count }
                progress?(origin, position.size + applied, target.size)
            }
            budget.release(batchCost)
            batchCost = 0
        }
        fill()
        for (index, step) in steps.enumerated() {
            let current = ahead.removeFirst()
            fill()
            do {
                let prepared: FetchedPage
                let cost: Int
                switch try await current.value {
                case .prepared(let page, let held):
                    (prepared, cost) = (page, held)
                case .fetched(let page, let bodies, let held):
                    // Its turn: prepared now, whatever the budget.
                    cost = try FetchedPage.cost(origin: origin, step: step, page: page, bodies: bodies, peer: peer)
                    _ = budget.exchange(held, for: cost, always: true)
                    prepared = try FetchedPage(
                        origin: origin, step: step, page: page, bodies: bodies, roots: roots, verifier: verifier, peer: peer)
                }
                batchCost += cost
                let bodiesPath = FeedPath.bodies(origin, step.page, width: step.width)
                let entries = prepared.entries
                if step.held > 0 {
                    let range = step.page * Feed.pageSize..<step.page * Feed.pageSize + step.held
                    let stored = try await local("\(origin): reading the entries held") { try await store.entries(origin, range) }
                    guard stored == entries.prefix(step.held).map(\.line) else { try await fork() }
                }
                let checked = try prepared.checked.get()
                if !checked.claims.isEmpty {
                    // A claim may name an entry of a gathered page: those are written first.
                    try await flush()
                }
                for claim in checked.claims {
                    let redacted = try await entry(at: claim.redactSeq, page: step.page, entries: entries, target: target.size,
                                                   roots: roots, puller: puller, verifier: verifier, cache: &laterPages)
                    do {
                        try verifier.resolve(claim, redactedID: redacted?.op == .redact ? redacted?.id : nil)
                    } catch {
                        throw SyncError.verification("\(source): \(bodiesPath) \(error)")
                    }
                }
                if let spooled = prepared.spooled {
                    // Larger than a publisher makes: applied part by part, each read back from
                    // the file and checked again, so the body file is never held whole.
                    try await flush()
                    for part in spooled.parts(from: step.held, maxBytes: Self.spooledPartBytes) {
                        let read: (lines: [[UInt8]], bodies: [FeedVerifier.Body])
                        do {
                            read = try spooled.read(part)
                        } catch {
                            throw SyncError.local("\(bodiesPath) as fetched from \(offer.peer.id): \(error)")
                        }
                        let page = VerifiedPage(entries: Array(entries[part]), lines: read.lines, bodies: read.bodies)
                        counts += try await local("\(origin): applying entries") {
                            try await store.applyVerified(origin: origin, pages: [page], trust: trust, now: now)
                        }
                    }
                } else {
                    batch.append(VerifiedPage(
                        entries: Array(entries[step.held...]), lines: Array(prepared.lines[step.held...]),
                        bodies: Array(checked.bodies[step.held...]), decoded: prepared.decoded?.dropFirst(step.held)))
                }
            } catch {
                try await flush()
                throw error
            }
            // A batch over the budget is written at once, so that fetching goes on.
            if batch.count == Self.pagesPerTransaction || index == steps.count - 1 || budget.isOver {
                try await flush()
            }
        }
        return counts
    }

    /// Fetches a page's entries and checks them against the signed tree's page roots.
    private func verifiedEntries(
        _ page: Int, width: Int, roots: PageRoots, puller: FeedPuller, verifier: FeedVerifier
    ) async throws -> [LogEntry] {
        let bytes = try await puller.require(FeedPath.page(origin, page, width: width), maxBytes: FeedPuller.Size.page)
        return try Self.verifiedEntries(origin: origin, page, width: width, bytes: bytes, roots: roots, verifier: verifier, peer: puller.peer.id)
    }

    /// Checks a fetched page's entries against the signed tree's page roots.
    fileprivate static func verifiedEntries(
        origin: String, _ page: Int, width: Int, bytes: [UInt8], roots: PageRoots, verifier: FeedVerifier, peer: String
    ) throws -> [LogEntry] {
        let path = FeedPath.page(origin, page, width: width)
        let entries: [LogEntry]
        do {
            entries = try verifier.entries(page: page, bytes: bytes, count: width)
        } catch {
            throw SyncError.verification("peer \(peer): \(path) \(error)")
        }
        let expected = width == Feed.pageSize ? roots.pageRoots[page] : roots.tailRoot
        guard FeedVerifier.root(of: entries) == expected else {
            throw SyncError.verification("peer \(peer): \(path): the entries do not hash to the page's root in the signed tree of size \(roots.size)")
        }
        return entries
    }

    /// The entry at `seq`: in the page being applied, in the stored log, or in a later page of
    /// the target tree (fetched and verified, then kept for later claims).
    private func entry(
        at seq: Int, page: Int, entries: [LogEntry], target: Int, roots: PageRoots, puller: FeedPuller,
        verifier: FeedVerifier, cache: inout [Int: [LogEntry]]
    ) async throws -> LogEntry? {  // nil when seq is at or past the target
        guard seq < target else { return nil }
        let start = page * Feed.pageSize
        if seq >= start, seq < start + entries.count { return entries[seq - start] }
        if seq < start {
            let held = try await local("\(origin): reading entry \(seq) held") { try await store.entries(origin, seq..<seq + 1) }
            guard let line = held.first else { throw SyncError.local("\(origin): entry \(seq) is not held") }
            do {
                return try LogEntry(line: line[...])
            } catch {
                throw SyncError.local("\(origin): entry \(seq) held does not parse: \(error)")
            }
        }
        let later = seq / Feed.pageSize
        if cache[later] == nil {
            cache[later] = try await verifiedEntries(
                later, width: min(Feed.pageSize, target - later * Feed.pageSize), roots: roots, puller: puller, verifier: verifier)
        }
        return cache[later]?[seq % Feed.pageSize]
    }

    /// Records that `offered` does not agree with the entries held, and throws the fork.
    private func recordFork(
        held: (size: Int, checkpoint: Checkpoint?), heldSource: String, offered: Checkpoint, source: String
    ) async throws -> Never {
        let message = "fork: \(source) offers a checkpoint of size \(offered.size) whose tree does not agree with the \(held.size) entries held"
        if let checkpoint = held.checkpoint {
            let described = message + " (checkpoint of size \(checkpoint.size) from \(heldSource))"
            try await local("\(origin): storing the fork evidence") {
                try await store.recordFork(
                    origin: origin, first: checkpoint, firstSource: heldSource, second: offered, secondSource: source, trust: trust, now: now)
            }
            throw SyncError(.fork, described)
        }
        try await local("\(origin): storing the fork") {
            try await store.setOriginState(
                origin, .fork, error: message + " (no checkpoint held to keep as evidence)", source: source, trust: trust, now: now)
        }
        throw SyncError(.fork, message)
    }
}

/// The memory a sync holds in pages fetched and not yet applied, counted in bytes against one
/// limit: what bounds the look-ahead (feed.md §3, README "How a sync goes").
final class LookAhead: Sendable {
    /// The limit of a sync's look-ahead: 64 MiB.
    static let budget = 64 << 20
    /// What a fetch reserves before it starts: the page file it may hold in memory (its body file
    /// is written to a temporary file as it arrives).
    static let fetchReserve = FeedLimits.pageFile
    /// How many bytes of memory a prepared page holds per byte of its body file: the body lines,
    /// the verifier's copies, the decoded records and their rows.
    static let bodyFactor = 4
    /// The same per byte of its page file: the lines and the parsed entries.
    static let pageFactor = 2

    /// A page's fetch as it reaches its turn: prepared ahead, or only fetched (the budget had no
    /// room to prepare it), each with the bytes it holds in the budget.
    enum Fetched: Sendable {
        case prepared(FetchedPage, cost: Int)
        case fetched(page: [UInt8], bodies: SpooledFile, cost: Int)
    }

    let limit: Int
    private let held = Mutex(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Takes `bytes` when they fit under the limit, or in any case when `always` is set.
    func reserve(_ bytes: Int, always: Bool = false) -> Bool {
        held.withLock { held in
            guard always || held + bytes <= limit else { return false }
            held += bytes
            return true
        }
    }

    /// Gives back `old` bytes and takes `new` ones, when these fit under the limit (or `always`);
    /// otherwise changes nothing.
    func exchange(_ old: Int, for new: Int, always: Bool = false) -> Bool {
        held.withLock { held in
            guard always || held - old + new <= limit else { return false }
            held += new - old
            return true
        }
    }

    func release(_ bytes: Int) {
        held.withLock { $0 -= bytes }
    }

    /// Whether more than the limit is held (the page whose turn it is went over it).
    var isOver: Bool { held.withLock { $0 > limit } }
}

/// A fetched page, its entries verified against the signed tree, its bodies checked against the
/// entries (the result kept for its turn, after the held-prefix comparison) and decoded.
///
/// A body file of at most `OriginSync.heldBodyFile` is held and prepared ahead. A larger one
/// (a publisher makes them up to `FeedLimits.publishedBodyFile`, feed.md allows up to
/// `FeedLimits.bodyFile`) is checked line by line in its file (`spooled`), and applied from it
/// part by part.
struct FetchedPage: Sendable {
    let entries: [LogEntry]
    let lines: [[UInt8]]
    let checked: Result<(bodies: [FeedVerifier.Body], claims: [FeedVerifier.RedactionClaim]), SyncError>
    let decoded: PreparedPage?
    /// The checked body file, when it is too large to hold (then `lines` and the checked bodies are empty).
    let spooled: CheckedBodyFile?
    /// Keeps the spooled file until the page is applied.
    private let file: SpooledFile

    /// The bytes of memory the page holds once prepared, as the look-ahead counts them: its page
    /// file and, when it is held in memory (`OriginSync.heldBodyFile`), its body file, each with
    /// what is made of it (`LookAhead.pageFactor`, `LookAhead.bodyFactor`).
    static func cost(origin: String, step: SyncPlan.PageStep, page: [UInt8], bodies file: SpooledFile, peer: String) throws -> Int {
        let size: Int
        do {
            size = try file.size()
        } catch {
            throw SyncError.local("\(FeedPath.bodies(origin, step.page, width: step.width)) as fetched from \(peer): \(error)")
        }
        return page.count * LookAhead.pageFactor + (size > OriginSync.heldBodyFile ? 0 : size * LookAhead.bodyFactor)
    }

    init(
        origin: String, step: SyncPlan.PageStep, page: [UInt8], bodies file: SpooledFile, roots: PageRoots, verifier: FeedVerifier,
        peer: String
    ) throws {
        entries = try OriginSync.verifiedEntries(origin: origin, step.page, width: step.width, bytes: page, roots: roots,
                                                 verifier: verifier, peer: peer)
        self.file = file
        let path = FeedPath.bodies(origin, step.page, width: step.width)
        let size: Int
        do {
            size = try file.size()
        } catch {
            throw SyncError.local("\(path) as fetched from \(peer): \(error)")
        }
        if size > OriginSync.heldBodyFile {
            lines = []
            decoded = nil
            do {
                let checkedFile = try verifier.bodies(file: file.path, entries: entries)
                spooled = checkedFile
                checked = .success(([], checkedFile.claims))
            } catch {
                spooled = nil
                checked = .failure(SyncError.verification("peer \(peer): \(path) \(error)"))
            }
            return
        }
        spooled = nil
        let bodies: [UInt8]
        do {
            bodies = try file.contents()
        } catch {
            throw SyncError.local("\(path) as fetched from \(peer): \(error)")
        }
        lines = bodies.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map(Array.init)
        do {
            let result = try verifier.bodies(bodies, entries: entries)
            checked = .success(result)
            decoded = PreparedPage(origin: origin, entries: entries, bodies: result.bodies, pageFile: page, bodyFile: bodies)
        } catch {
            checked = .failure(SyncError.verification("peer \(peer): \(FeedPath.bodies(origin, step.page, width: step.width)) \(error)"))
            decoded = nil
        }
    }
}
