import Feed
import TestSupport
import Testing

extension SeededRandom {
    /// `count` random byte strings of 0…48 bytes: the leaf inputs (entry lines) of a test tree.
    mutating func leaves(_ count: Int) -> [[UInt8]] {
        (0..<count).map { _ in bytes(Int.random(in: 0...48, using: &self)) }
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}

/// Returns `bytes` with bit `bit` inverted.
func flipping(_ bytes: [UInt8], bit: Int) -> [UInt8] {
    var flipped = bytes
    flipped[bit / 8] ^= 1 << UInt8(bit % 8)
    return flipped
}

/// A ``RangeHasher`` that remembers each range's answer, over a fixed set of leaves: the large-tree tests ask
/// for the same subtrees again and again. Not `Sendable`; each test makes its own.
final class MemoizedHashes: RangeHasher {
    private let base: LeafHashes
    private var cache: [Range<Int>: [UInt8]] = [:]

    init(_ leafHashes: [[UInt8]]) {
        base = LeafHashes(leafHashes)
    }

    func hash(of range: Range<Int>) throws -> [UInt8] {
        if let hash = cache[range] {
            return hash
        }
        let hash = try base.hash(of: range)
        cache[range] = hash
        return hash
    }
}

/// A ``RangeHasher`` shaped like the store: it holds leaf hashes and the roots of full pages, and answers a
/// range of more than one page from page roots plus the leaves of at most one partial page (feed.md §5).
/// It refuses a range that crosses a page boundary without starting on one, which the proof functions must
/// never ask for (``RangeHasher``'s contract), and records every range asked.
final class PagedHashes: RangeHasher {
    struct UnalignedRange: Error {
        let range: Range<Int>
    }

    let leafHashes: [[UInt8]]
    let pageRoots: [[UInt8]]
    private(set) var requests: [Range<Int>] = []

    init(_ leafHashes: [[UInt8]]) {
        self.leafHashes = leafHashes
        pageRoots = stride(from: 0, to: leafHashes.count / Merkle.pageSize, by: 1).map { page in
            Merkle.root(leafHashes: leafHashes[page * Merkle.pageSize..<(page + 1) * Merkle.pageSize])
        }
    }

    /// Forgets the ranges asked so far.
    func clearRequests() {
        requests = []
    }

    func hash(of range: Range<Int>) throws -> [UInt8] {
        requests.append(range)
        guard range.lowerBound >= 0, range.upperBound <= leafHashes.count else {
            throw FeedError.rangeOutOfBounds(range, count: leafHashes.count)
        }
        let size = Merkle.pageSize
        if range.isEmpty || range.lowerBound / size == (range.upperBound - 1) / size {
            return Merkle.root(leafHashes: leafHashes[range])  // Within one page: from its leaves.
        }
        guard range.lowerBound % size == 0 else {
            throw UnalignedRange(range: range)
        }
        let fullPages = range.lowerBound / size..<range.upperBound / size
        let tail = fullPages.upperBound * size..<range.upperBound
        return Merkle.root(
            pageRoots: Array(pageRoots[fullPages]),
            tailRoot: tail.isEmpty ? nil : Merkle.root(leafHashes: leafHashes[tail])
        )
    }
}

/// A ``RangeHasher`` that breaks its contract in a chosen way.
struct BrokenHasher: RangeHasher {
    struct Failure: Error, Equatable {}

    let answer: [UInt8]?

    func hash(of range: Range<Int>) throws -> [UInt8] {
        guard let answer else {
            throw Failure()
        }
        return answer
    }
}
