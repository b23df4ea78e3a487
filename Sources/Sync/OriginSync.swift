import Catalog
import Feed
import Foundation
import Signing
import Store

/// Brings one origin up to the best checkpoint its peers offer (feed.md §5–§7): verify every
/// offered checkpoint against the pinned root key and the key statements; detect forks between
/// what is held and what is offered, and between peers; then fetch only the missing pages,
/// verify each against the signed tree before it is applied, apply it whole in one transaction
/// (with up to `pagesPerTransaction` consecutive verified pages), and store the checkpoint once
/// every entry it covers is applied. The cursor (the log's size) moves only past applied entries.
struct OriginSync {
    /// Verified pages written in one transaction during a long sync (2,048 entries): fewer
    /// commits, full-text index flushes and unified-catalog refreshes.
    static let pagesPerTransaction = 8
    /// Pages fetched, verified and prepared ahead of the one being written (memory stays bounded).
    static let pagesAhead = 8
    /// The most bytes of body lines applied in one transaction from a body file larger than a
    /// publisher makes (over `FeedLimits.publishedBodyFile`), which is applied part by part.
    static let spooledPartBytes = 16 << 20

    let store: CatalogStore
    let origin: String
    let rootKey: Ed25519PublicKey
    let now: Date
    let makePuller: @Sendable (Peer) -> FeedPuller

    /// A checkpoint a peer offers, with the key statements it served beside it.
    struct Offer: Sendable {
        let peer: Peer
        let checkpoint: Checkpoint
        let statements: [KeyStatement]
    }

    /// The origin's result and the peers that served something invalid.
    func run(offers: [Offer]) async -> (result: SyncReport.OriginResult, badPeers: [String: String]) {
        let verifier = FeedVerifier(origin: origin)
        var badPeers: [String: String] = [:]
        let before: (size: Int, checkpoint: Checkpoint?) = (try? await store.logPosition(origin)) ?? (size: 0, checkpoint: nil)
        var result = SyncReport.OriginResult(origin: origin, state: .ok, before: before.size, after: before.size)
        // A fork stays until the operator resolves it (kechuang trust remove, then trust again):
        // once an origin signed two histories, nothing more of it is applied.
        if (try? await store.originState(origin)) == .fork {
            result.state = .fork
            result.error = "origin \(origin) forked earlier (see kechuang peer status); not synced until resolved with kechuang trust remove \(origin)"
            return (result, [:])
        }

        // 1. Key statements: those held in the log, and those each peer served (self-authenticating).
        var keys = KeyState(origin: origin, rootKey: rootKey)
        for statement in (try? await store.keyStatements(of: origin)) ?? [] { try? keys.add(statement) }
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
        // 3. Forks: two valid checkpoints of one size with different roots, held or offered.
        var candidates = valid.map { (source: $0.offer.peer.id, checkpoint: $0.offer.checkpoint) }
        if let held = before.checkpoint { candidates.append(("held", held)) }
        if let fork = SyncPlan.forks(candidates).first {
            try? await store.recordFork(
                origin: origin, first: fork.first.1, firstSource: fork.first.0, second: fork.second.1, secondSource: fork.second.0, now: now)
            result.state = .fork
            result.error = "fork: two checkpoints of size \(fork.first.1.size) from \(fork.first.0) and \(fork.second.0) have different roots"
            for source in [fork.first.0, fork.second.0] where source != "held" { badPeers[source] = result.error }
            return (result, badPeers)
        }
        guard !valid.isEmpty else {
            if let error = badPeers.values.sorted().first {
                result.state = .error
                result.error = error
                try? await store.setOriginState(origin, .error, error: error, source: badPeers.keys.sorted().first ?? "", now: now)
            }
            return (result, badPeers)
        }
        // A peer offering less than what is held is a lagging mirror: noted, ignored.
        if let held = before.checkpoint {
            for (offer, _) in valid where offer.checkpoint.size < held.size {
                result.notes.append(
                    "\(offer.peer.id) offers an older checkpoint (size \(offer.checkpoint.size) < \(held.size) held): ignored as stale")
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
                    try? await store.acceptCheckpoint(
                        offer.checkpoint, source: offer.peer.id, state: freshness == .expired ? .stale : .ok, now: now)
                    result.state = freshness == .expired ? .stale : .ok
                    return (result, badPeers)
                }
                let heldExpired = before.checkpoint.map { $0.expires <= now } ?? false
                let state: SyncState = heldExpired && freshness == .expired ? .stale : .ok
                result.state = state
                try? await store.setOriginState(origin, state, error: state == .stale ? "newest checkpoint expired" : nil,
                                                source: offer.peer.id, now: now)
                return (result, badPeers)
            case .fork:
                if let held = before.checkpoint {
                    try? await store.recordFork(origin: origin, first: held, firstSource: "held", second: offer.checkpoint,
                                                secondSource: offer.peer.id, now: now)
                }
                result.state = .fork
                result.error = "fork: \(offer.peer.id) offers a checkpoint of size \(offer.checkpoint.size) whose root differs from the one held"
                badPeers[offer.peer.id] = result.error
                return (result, badPeers)
            case .advance:
                do {
                    result.applied = try await advance(to: offer, held: before, verifier: verifier)
                    result.after = offer.checkpoint.size
                    result.source = offer.peer.id
                    result.state = freshness == .expired ? .stale : .ok
                    try await store.acceptCheckpoint(offer.checkpoint, source: offer.peer.id, state: result.state, now: now)
                    return (result, badPeers)
                } catch let error as SyncError where error.code == .fork {
                    result.state = .fork
                    result.error = error.message
                    badPeers[offer.peer.id] = error.message
                    try? await store.setOriginState(origin, .fork, error: error.message, source: offer.peer.id, now: now)
                    return (result, badPeers)
                } catch let error as SyncError where error.code == .stale {
                    result.notes.append(error.message)
                    return (result, badPeers)
                } catch {
                    badPeers[offer.peer.id] = "\(error)"
                    result.error = "\(error)"
                    result.after = (try? await store.logPosition(origin).size) ?? result.after
                    continue
                }
            }
        }
        result.state = .error
        try? await store.setOriginState(origin, .error, error: result.error, source: ranked.first?.offer.peer.id ?? "", now: now)
        return (result, badPeers)
    }

    /// Fetches, verifies and applies the pages between what is held and `offer`'s checkpoint.
    private func advance(to offer: Offer, held: (size: Int, checkpoint: Checkpoint?), verifier: FeedVerifier) async throws -> ApplyCounts {
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
        let position = try await store.logPosition(origin)
        guard position.size <= target.size else {
            // More entries are held (applied from a larger tree before an interruption) than the
            // offered tree has: it is behind them if its root is that of their prefix, else a fork.
            guard try await store.treeRoot(origin, size: target.size) == target.root else {
                try await recordFork(held: position.checkpoint, offered: target, source: offer.peer.id)
            }
            throw SyncError(.stale, "\(offer.peer.id) offers a checkpoint of size \(target.size), behind the \(position.size) entries held: ignored as stale")
        }
        // What is held must be a prefix of the offered tree; a signed tree that is not is a fork.
        let storedRoots = try await store.pageRoots(origin, below: position.size / Feed.pageSize)
        guard storedRoots == Array(roots.pageRoots.prefix(storedRoots.count)) else {
            try await recordFork(held: position.checkpoint, offered: target, source: offer.peer.id)
        }
        var counts = ApplyCounts()
        var laterPages: [Int: [LogEntry]] = [:]
        let steps = SyncPlan.pages(held: position.size, target: target.size)
        // Two stages: the next pages are fetched, verified against the signed tree and decoded
        // while the current ones are written; errors surface in page order, when it is their turn.
        // Consecutive verified pages are written together (`Self.pagesPerTransaction`), whole.
        let origin = self.origin
        let peer = puller.peer.id
        func prepare(_ step: SyncPlan.PageStep) -> Task<FetchedPage, any Error> {
            Task {
                async let page = puller.require(FeedPath.page(origin, step.page, width: step.width), maxBytes: FeedPuller.Size.page)
                async let bodies = puller.spool(FeedPath.bodies(origin, step.page, width: step.width), maxBytes: FeedPuller.Size.bodies)
                let (pageBytes, bodyFile) = (try await page, try await bodies)
                try Task.checkCancellation()
                return try FetchedPage(
                    origin: origin, step: step, page: pageBytes, bodies: bodyFile, roots: roots, verifier: verifier, peer: peer)
            }
        }
        var ahead: [Task<FetchedPage, any Error>] = []
        var started = 0
        func fill() {
            while started < steps.count, ahead.count < Self.pagesAhead {
                ahead.append(prepare(steps[started]))
                started += 1
            }
        }
        defer { ahead.forEach { $0.cancel() } }
        var batch: [VerifiedPage] = []
        // Writes the verified pages gathered so far; done before any error is thrown, so that
        // every page verified before a failing one is applied, as if written one by one.
        func flush() async throws {
            guard !batch.isEmpty else { return }
            let pages = batch
            batch.removeAll()
            counts += try await store.applyVerified(origin: origin, pages: pages, now: now)
        }
        fill()
        for (index, step) in steps.enumerated() {
            let current = ahead.removeFirst()
            fill()
            do {
                let prepared = try await current.value
                let bodiesPath = FeedPath.bodies(origin, step.page, width: step.width)
                let entries = prepared.entries
                if step.held > 0 {
                    let stored = try await store.entries(origin, step.page * Feed.pageSize..<step.page * Feed.pageSize + step.held)
                    guard stored == entries.prefix(step.held).map(\.line) else {
                        try await recordFork(held: position.checkpoint, offered: target, source: offer.peer.id)
                    }
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
                            throw SyncError.store("local error: \(bodiesPath) as fetched from \(offer.peer.id): \(error)")
                        }
                        counts += try await store.applyVerified(
                            origin: origin, pages: [VerifiedPage(entries: Array(entries[part]), lines: read.lines, bodies: read.bodies)], now: now)
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
            if batch.count == Self.pagesPerTransaction || index == steps.count - 1 {
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
    ) async throws -> LogEntry? {
        guard seq < target else { return nil }
        let start = page * Feed.pageSize
        if seq >= start, seq < start + entries.count { return entries[seq - start] }
        if seq < start { return try await store.entries(origin, seq..<seq + 1).first.map { try LogEntry(line: $0[...]) } }
        let later = seq / Feed.pageSize
        if cache[later] == nil {
            cache[later] = try await verifiedEntries(
                later, width: min(Feed.pageSize, target - later * Feed.pageSize), roots: roots, puller: puller, verifier: verifier)
        }
        return cache[later]?[seq % Feed.pageSize]
    }

    private func recordFork(held: Checkpoint?, offered: Checkpoint, source: String) async throws -> Never {
        let message = "fork: \(source) offers a checkpoint of size \(offered.size) whose tree does not agree with the entries held"
        if let held {
            try await store.recordFork(origin: origin, first: held, firstSource: "held", second: offered, secondSource: source, now: now)
        } else {
            try await store.setOriginState(origin, .fork, error: message + " (no checkpoint held to keep as evidence)", source: source, now: now)
        }
        throw SyncError(.fork, message)
    }
}

/// A fetched page, its entries verified against the signed tree, its bodies checked against the
/// entries (the result kept for its turn, after the held-prefix comparison) and decoded.
///
/// A body file of at most `FeedLimits.publishedBodyFile` (every one a publisher makes) is held and
/// prepared ahead. A larger one, which feed.md allows up to `FeedLimits.bodyFile`, is checked
/// line by line in its file (`spooled`), and applied from it part by part.
private struct FetchedPage: Sendable {
    let entries: [LogEntry]
    let lines: [[UInt8]]
    let checked: Result<(bodies: [FeedVerifier.Body], claims: [FeedVerifier.RedactionClaim]), SyncError>
    let decoded: PreparedPage?
    /// The checked body file, when it is too large to hold (then `lines` and the checked bodies are empty).
    let spooled: CheckedBodyFile?
    /// Keeps the spooled file until the page is applied.
    private let file: SpooledFile

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
            throw SyncError.store("local error: \(path) as fetched from \(peer): \(error)")
        }
        if size > FeedLimits.publishedBodyFile {
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
            throw SyncError.store("local error: \(path) as fetched from \(peer): \(error)")
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
