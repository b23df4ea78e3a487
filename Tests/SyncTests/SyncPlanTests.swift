import Feed
import Foundation
import Signing
import Sync
import Testing

/// The pure decisions of a sync (no I/O): verdicts on offered checkpoints, forks between
/// sources, the pages to fetch, retry delays and the circuit breaker.
@Suite struct SyncPlanTests {
    /// One key signs every checkpoint here: `judge` and `forks` look at sizes and roots only.
    static let key = try! Ed25519PrivateKey(seed: [UInt8](repeating: 7, count: 32))
    static let issued = Date(timeIntervalSince1970: 1_790_000_000)

    static func checkpoint(size: Int, root: UInt8) throws -> Checkpoint {
        try Checkpoint.sign(
            origin: "chongqing", size: size, root: [UInt8](repeating: root, count: 32), issuedAt: issued, key: key)
    }

    // MARK: judge

    @Test func judgeAdvancesOnALargerCheckpointOrAFirstNonEmptyOne() throws {
        #expect(SyncPlan.judge(offered: try Self.checkpoint(size: 301, root: 1), held: nil) == .advance)
        #expect(SyncPlan.judge(offered: try Self.checkpoint(size: 351, root: 2), held: try Self.checkpoint(size: 301, root: 1)) == .advance)
        // A larger size whose root happens to be the same bytes is still an advance (consistency is checked on the pages).
        #expect(SyncPlan.judge(offered: try Self.checkpoint(size: 302, root: 1), held: try Self.checkpoint(size: 301, root: 1)) == .advance)
    }

    @Test func judgeRepeatStaleAndFork() throws {
        let held = try Self.checkpoint(size: 301, root: 1)
        // The same size and root, even re-issued (another signature), is a repeat.
        #expect(SyncPlan.judge(offered: try Self.checkpoint(size: 301, root: 1), held: held) == .repeatOfHeld)
        #expect(SyncPlan.judge(offered: held, held: held) == .repeatOfHeld)
        // Smaller: a lagging mirror as far as `judge` sees (it looks at sizes; `conflict` has
        // compared the root with the held tree before).
        #expect(SyncPlan.judge(offered: try Self.checkpoint(size: 300, root: 1), held: held) == .stale)
        #expect(SyncPlan.judge(offered: try Self.checkpoint(size: 1, root: 9), held: held) == .stale)
        // The same size with another root: two histories.
        #expect(SyncPlan.judge(offered: try Self.checkpoint(size: 301, root: 2), held: held) == .fork)
        // An empty log offered when nothing is held: nothing to do.
        #expect(SyncPlan.judge(offered: try Self.checkpoint(size: 0, root: 0), held: nil) == .repeatOfHeld)
    }

    // MARK: forks

    @Test func forksArePairsOfEqualSizeWithDifferentRoots() throws {
        let a301 = try Self.checkpoint(size: 301, root: 1)
        let b301 = try Self.checkpoint(size: 301, root: 2)
        let c351 = try Self.checkpoint(size: 351, root: 3)
        let d351 = try Self.checkpoint(size: 351, root: 3)
        let e400 = try Self.checkpoint(size: 400, root: 4)
        let found = SyncPlan.forks([("beijing", b301), ("held", a301), ("chongqing", c351), ("mirror", d351), ("x", e400)])
        #expect(found.count == 1)
        let fork = try #require(found.first)
        // Sorted by size then source: "beijing" before "held".
        #expect(fork.first.0 == "beijing" && fork.first.1 == b301)
        #expect(fork.second.0 == "held" && fork.second.1 == a301)
    }

    @Test func noForkAmongAgreeingOrDifferentlySizedSources() throws {
        #expect(SyncPlan.forks([]).isEmpty)
        #expect(SyncPlan.forks([("held", try Self.checkpoint(size: 301, root: 1))]).isEmpty)
        #expect(SyncPlan.forks([
            ("held", try Self.checkpoint(size: 301, root: 1)), ("beijing", try Self.checkpoint(size: 301, root: 1)),
            ("chongqing", try Self.checkpoint(size: 302, root: 2)),
        ]).isEmpty)
    }

    @Test func everyDisagreeingSourceOfOneSizeIsReportedAgainstTheFirst() throws {
        let found = SyncPlan.forks([
            ("a", try Self.checkpoint(size: 10, root: 1)), ("b", try Self.checkpoint(size: 10, root: 2)),
            ("c", try Self.checkpoint(size: 10, root: 3)), ("d", try Self.checkpoint(size: 20, root: 4)),
            ("e", try Self.checkpoint(size: 20, root: 5)),
        ])
        #expect(found.map { "\($0.first.0)-\($0.second.0)" } == ["a-b", "a-c", "d-e"])
    }

    // MARK: pages

    /// The steps as [page, width, held] (`PageStep` has no public initializer to compare with).
    func steps(_ held: Int, _ target: Int) -> [[Int]] {
        SyncPlan.pages(held: held, target: target).map { [$0.page, $0.width, $0.held] }
    }

    @Test func pagesFromNothing() {
        #expect(steps(0, 1) == [[0, 1, 0]])
        #expect(steps(0, 301) == [
            [0, 256, 0], [1, 45, 0],
        ])
        #expect(steps(0, 256) == [[0, 256, 0]])
        #expect(SyncPlan.pages(held: 0, target: 1024).map(\.page) == [0, 1, 2, 3])
        #expect(SyncPlan.pages(held: 0, target: 1024).allSatisfy { $0.width == 256 && $0.held == 0 })
    }

    @Test func pagesFromTheMiddleOfAPage() {
        // 301 held (page 1 holds 45), 351 offered: page 1 again, now 95 wide, 45 of them held.
        #expect(steps(301, 351) == [[1, 95, 45]])
        // Across a boundary: the rest of page 1, then page 2 partial.
        #expect(steps(300, 600) == [
            [1, 256, 44], [2, 88, 0],
        ])
        #expect(steps(1, 2) == [[0, 2, 1]])
        #expect(steps(255, 256) == [[0, 256, 255]])
    }

    @Test func pagesAtExactPageBoundaries() {
        #expect(steps(256, 512) == [[1, 256, 0]])
        #expect(steps(256, 257) == [[1, 1, 0]])
        #expect(steps(512, 1024) == [
            [2, 256, 0], [3, 256, 0],
        ])
        #expect(steps(200, 512) == [
            [0, 256, 200], [1, 256, 0],
        ])
    }

    @Test func pagesWhenThereIsNothingToDo() {
        #expect(SyncPlan.pages(held: 0, target: 0).isEmpty)
        #expect(SyncPlan.pages(held: 301, target: 301).isEmpty)
        #expect(SyncPlan.pages(held: 512, target: 512).isEmpty)
        #expect(SyncPlan.pages(held: 351, target: 301).isEmpty, "a smaller target fetches nothing")
    }

    @Test(arguments: [(0, 1), (0, 256), (0, 257), (1, 1000), (255, 257), (256, 4097), (4000, 4096), (1234, 5678)])
    func pagesCoverExactlyTheMissingEntries(held: Int, target: Int) {
        let steps = SyncPlan.pages(held: held, target: target)
        #expect(steps.map(\.page) == Array(steps.first!.page...steps.last!.page), "consecutive pages")
        #expect(steps.reduce(0) { $0 + $1.width - $1.held } == target - held, "each missing entry once")
        #expect(steps.first!.page * 256 + steps.first!.held == held, "starts just after what is held")
        #expect(steps.last!.page * 256 + steps.last!.width == target, "ends at the target")
        #expect(steps.dropLast().allSatisfy { $0.width == 256 }, "only the last page may be partial")
        #expect(steps.dropFirst().allSatisfy { $0.held == 0 }, "only the first page may be partly held")
    }

    // MARK: RetryPolicy

    @Test func retryDelaysDoubleFromTheInitialDelay() {
        let policy = RetryPolicy()
        #expect(policy.attempts == 3)
        #expect(policy.delay(before: 0) == .zero)
        #expect(policy.delay(before: 1) == .zero)
        #expect(policy.delay(before: 2) == .milliseconds(500))
        #expect(policy.delay(before: 3) == .seconds(1))
        #expect(policy.delay(before: 4) == .seconds(2))
        var short = RetryPolicy()
        short.initialDelay = .milliseconds(50)
        #expect(short.delay(before: 2) == .milliseconds(50))
        #expect(short.delay(before: 5) == .milliseconds(400))
    }

    @Test func retryDelayStopsDoublingAfterTenDoublings() {
        var policy = RetryPolicy()
        policy.initialDelay = .milliseconds(1)
        #expect(policy.delay(before: 12) == .milliseconds(1024))
        #expect(policy.delay(before: 13) == .milliseconds(1024))
        #expect(policy.delay(before: 1_000) == .milliseconds(1024), "no overflow for absurd attempt numbers")
    }

    // MARK: CircuitBreaker

    @Test func breakerIsClosedBelowTheThreshold() {
        let breaker = CircuitBreaker()
        let now = Self.issued
        #expect(breaker.retryAfter(failures: 0, now: now) == nil)
        #expect(breaker.retryAfter(failures: 1, now: now) == nil)
        #expect(breaker.retryAfter(failures: 2, now: now) == nil)
        #expect(breaker.retryAfter(failures: 3, now: now) == now.addingTimeInterval(60))
    }

    @Test func breakerCooldownDoublesAndIsCapped() {
        let breaker = CircuitBreaker()
        let now = Self.issued
        let waits = (3...12).map { breaker.retryAfter(failures: $0, now: now)!.timeIntervalSince(now) }
        #expect(waits == [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600])
        #expect(breaker.retryAfter(failures: 10_000, now: now)?.timeIntervalSince(now) == 3600, "capped, however many failures")
        var custom = CircuitBreaker()
        custom.threshold = 1
        custom.cooldown = 10
        custom.maximumCooldown = 35
        #expect(custom.retryAfter(failures: 1, now: now)?.timeIntervalSince(now) == 10)
        #expect(custom.retryAfter(failures: 2, now: now)?.timeIntervalSince(now) == 20)
        #expect(custom.retryAfter(failures: 3, now: now)?.timeIntervalSince(now) == 35)
    }

    @Test func breakerAllowsWhenClosedOrOnceTheCooldownHasPassed() {
        let now = Self.issued
        #expect(CircuitBreaker.allows(retryAfter: nil, now: now))
        #expect(!CircuitBreaker.allows(retryAfter: now.addingTimeInterval(1), now: now))
        #expect(CircuitBreaker.allows(retryAfter: now, now: now), "allowed at the moment the cooldown ends")
        #expect(CircuitBreaker.allows(retryAfter: now.addingTimeInterval(-1), now: now))
    }
}
