import Feed
import Foundation
import Store
import Sync
import TestSupport
import Testing

/// Two peers offer chongqing's log as two histories signed with the same key: the honest one of
/// size 301 (`small`) and a fork of size 351 that leaves it at entry 290 (`fork`). Whichever
/// arrives first, and whatever their sizes, the node sees a fork: every offered checkpoint is
/// checked against the tree it holds, both checkpoints are kept as evidence, and the offering
/// peers are named.
@Suite struct SplitViewTests {
    /// A relay, "guangdong", serving `snapshot` of chongqing's feed, added as a peer of sichuan.
    final class Relay: Sendable {
        let files: HostileFiles
        let server: TestServer

        init(_ federation: Federation, serving snapshot: FeedSnapshot) async throws {
            files = HostileFiles(snapshot.files)
            server = try TestServer(files.handler)
            try await federation.store.addPeer(Peer(id: "guangdong", url: server.baseURL, mirrors: [], addedAt: "2026-01-01T00:00:00Z"))
        }

        func stop() { server.stop() }
    }

    /// What every order of arrival ends with: a fork with both checkpoints and both peers.
    static func expectFork(_ federation: Federation, _ report: SyncReport, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let feed = federation.feed
        let origin = try #require(report.origin("chongqing"), sourceLocation: sourceLocation)
        #expect(origin.state == .fork, "\(origin.state): \(origin.error ?? "") \(origin.notes)", sourceLocation: sourceLocation)
        let error = origin.error ?? ""
        #expect(error.contains("chongqing") && error.contains("guangdong"), "the error names both peers: \(error)", sourceLocation: sourceLocation)
        let status = try #require(try federation.status(), sourceLocation: sourceLocation)
        #expect(status.state == .fork, sourceLocation: sourceLocation)
        let evidence = try #require(status.forks.first, "fork evidence kept", sourceLocation: sourceLocation)
        #expect(status.forks.count == 1, sourceLocation: sourceLocation)
        #expect(Set([evidence.first, evidence.second]) == Set([feed.small.checkpoint.bytes, feed.fork.checkpoint.bytes]),
                "both signed checkpoints kept verbatim", sourceLocation: sourceLocation)
        #expect(Set([evidence.firstSource, evidence.secondSource]) == ["chongqing", "guangdong"],
                "the offering peers are named: \(evidence.firstSource), \(evidence.secondSource)", sourceLocation: sourceLocation)
    }

    @Test func anHonestSmallerHistoryOfferedAfterALargerForkIsAFork() async throws {
        let federation = try await Federation(serving: { $0.fork })
        defer { federation.stop() }
        _ = try await federation.sync()
        #expect(try await federation.size() == 351)
        let held = try await federation.store.entries("chongqing", 0..<351)

        let relay = try await Relay(federation, serving: federation.feed.small)
        defer { relay.stop() }
        let report = try await federation.sync()
        try Self.expectFork(federation, report)
        #expect(try await federation.store.entries("chongqing", 0..<351) == held)
        try await federation.expectBystandersFine(report)

        // Nothing more of chongqing is applied until the operator resolves the fork.
        relay.files.serve(federation.feed.current)
        let later = try await federation.sync()
        #expect(later.origin("chongqing")?.state == .fork)
        #expect(try await federation.size() == 351)
    }

    @Test func aLargerForkOfferedAfterAnHonestSmallerHistoryIsAFork() async throws {
        let federation = try await Federation(serving: { $0.small })
        defer { federation.stop() }
        _ = try await federation.sync()
        #expect(try await federation.size() == 301)

        let relay = try await Relay(federation, serving: federation.feed.small)
        defer { relay.stop() }
        federation.files.serve(federation.feed.fork)
        let report = try await federation.sync()
        try Self.expectFork(federation, report)
        #expect(try await federation.size() == 301, "nothing of the fork is applied")
        try await federation.expectBystandersFine(report)
    }

    /// Both histories offered in the same run, to a node that holds nothing yet: the larger is
    /// applied, and the smaller, checked against it, shows the fork in the same run.
    @Test(arguments: [false, true])
    func aSplitViewOfferedInOneRunIsAFork(relayServesTheFork: Bool) async throws {
        let federation = try await Federation(serving: { relayServesTheFork ? $0.small : $0.fork })
        defer { federation.stop() }
        let relay = try await Relay(federation, serving: relayServesTheFork ? federation.feed.fork : federation.feed.small)
        defer { relay.stop() }
        let report = try await federation.sync()
        try Self.expectFork(federation, report)
        try await federation.expectBystandersFine(report)
    }

    /// An older checkpoint of the held history is a lagging mirror, not a fork: checked, then ignored.
    @Test func aSmallerCheckpointOfTheHeldHistoryIsStale() async throws {
        let federation = try await Federation()
        defer { federation.stop() }
        let relay = try await Relay(federation, serving: federation.feed.small)
        defer { relay.stop() }
        let report = try await federation.sync()
        let origin = try #require(report.origin("chongqing"))
        #expect(origin.state == .ok, "\(origin.error ?? "")")
        #expect(report.peer("guangdong")?.ok == true)
        #expect(try federation.status()?.forks.isEmpty == true)
        #expect(try await federation.size() == 351)
    }
}

/// `SyncPlan.conflict`, the pure check of offered checkpoints against each other and the held tree.
@Suite struct HeldTreeConflictTests {
    static func checkpoint(size: Int, root: UInt8) throws -> Checkpoint { try SyncPlanTests.checkpoint(size: size, root: root) }
    static func roots(_ pairs: [Int: UInt8]) -> [Int: [UInt8]] { pairs.mapValues { [UInt8](repeating: $0, count: 32) } }

    @Test func aSmallerCheckpointIsComparedWithTheHeldPrefix() throws {
        let held = try Self.checkpoint(size: 351, root: 1)
        let agreeing = try Self.checkpoint(size: 301, root: 2)
        let disagreeing = try Self.checkpoint(size: 301, root: 3)
        #expect(SyncPlan.conflict(offers: [("relay", agreeing)], held: held, heldRoots: Self.roots([301: 2])) == nil)
        let conflict = try #require(SyncPlan.conflict(offers: [("relay", disagreeing)], held: held, heldRoots: Self.roots([301: 2])))
        #expect(conflict.offered.source == "relay" && conflict.offered.checkpoint == disagreeing)
        #expect(conflict.other?.source == "held" && conflict.other?.checkpoint == held)
    }

    @Test func twoRootsOfOneSizeAreAConflictWithTheHeldOneAsTheOtherSide() throws {
        let held = try Self.checkpoint(size: 301, root: 1)
        let offered = try Self.checkpoint(size: 301, root: 2)
        let conflict = try #require(SyncPlan.conflict(offers: [("chongqing", offered)], held: held, heldRoots: Self.roots([301: 1])))
        #expect(conflict.offered.source == "chongqing")
        #expect(conflict.other?.source == "held")
        // Between two peers, with nothing held.
        let peers = try #require(SyncPlan.conflict(
            offers: [("a", try Self.checkpoint(size: 10, root: 1)), ("b", offered), ("c", try Self.checkpoint(size: 10, root: 2))],
            held: nil, heldRoots: [:]))
        #expect(Set([peers.offered.source, peers.other?.source]) == ["a", "c"])
    }

    @Test func entriesHeldBeyondTheCheckpointAreCheckedWithoutEvidence() throws {
        // 256 entries held after an interrupted sync, checkpoint of size 100.
        let held = try Self.checkpoint(size: 100, root: 1)
        let offered = try Self.checkpoint(size: 200, root: 5)
        let conflict = try #require(SyncPlan.conflict(offers: [("x", offered)], held: held, heldRoots: Self.roots([200: 4])))
        #expect(conflict.other == nil, "the held checkpoint does not cover entry 200: it is no evidence")
        // Larger than what is held: nothing to compare here (the pages tell, when fetched).
        #expect(SyncPlan.conflict(offers: [("x", try Self.checkpoint(size: 400, root: 9))], held: held, heldRoots: [:]) == nil)
    }
}
