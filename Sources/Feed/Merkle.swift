import Catalog
import Signing

/// The Merkle tree of an origin log: RFC 6962 §2.1 (restated as RFC 9162 §2.1), with the page layout of
/// kechuang-feed/1 §5.
///
/// Everything here is a pure function over 32-byte SHA-256 hashes: no storage, no I/O. Proof *generation*
/// reads the subtree roots it needs through one narrow protocol, ``RangeHasher``, which storage, memory and a
/// peer each implement; proof *verification* needs nothing but the hashes it is given.
///
/// The tree (feed.md §5): the leaf hash of entry line `d` is `SHA-256(0x00 ‖ d)`, an interior node is
/// `SHA-256(0x01 ‖ left ‖ right)`, the tree of `n > 1` leaves splits at the largest power of two smaller than
/// `n`, and the empty tree's root is `SHA-256("")`. Pages of ``pageSize`` entries are aligned power-of-two
/// subtrees, so the root of a full page is a node of every tree that contains it, and the tree's root can
/// be computed from page roots alone (``root(pageRoots:tailRoot:)``).
///
/// Hashes are `[UInt8]` of ``SHA256/byteCount`` (32) bytes. The verification functions reject any other
/// length; the hashing and generation functions take their inputs as given (see each function).
public enum Merkle {
    /// The number of entries in a page (feed.md §3); a page is the subtree at level 8.
    public static let pageSize = FeedLimits.pageSize

    /// The root of the empty tree, `SHA-256("")` (RFC 6962 §2.1: `MTH({}) = SHA-256()`).
    public static let emptyRoot: [UInt8] = SHA256.hash([UInt8]())

    /// The height of a page's subtree: `pageSize == 1 << pageLevel`.
    static let pageLevel = 8

    /// The length of every hash in the tree: a SHA-256 digest.
    static let hashSize = SHA256.byteCount

    /// Returns the leaf hash of one entry, `SHA-256(0x00 ‖ data)` (RFC 6962 §2.1: `MTH({d(0)})`).
    ///
    /// The `0x00` prefix separates leaves from interior nodes (RFC 6962 §2.1, second-preimage resistance).
    ///
    /// - Parameter data: The leaf's bytes: an entry line exactly as served, without its LF.
    /// - Returns: The 32-byte leaf hash.
    public static func leafHash(_ data: some Collection<UInt8>) -> [UInt8] {
        var hasher = SHA256Hasher()
        hasher.update(leafPrefix)
        hasher.update(data)
        return hasher.finalize()
    }

    /// Returns the hash of an interior node, `SHA-256(0x01 ‖ left ‖ right)` (RFC 6962 §2.1).
    ///
    /// - Parameters:
    ///   - left: The left child's hash (32 bytes).
    ///   - right: The right child's hash (32 bytes).
    /// - Returns: The 32-byte node hash.
    public static func nodeHash(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        // One contiguous 65-byte buffer and one `EVP_Digest` call: the cheapest way through `Signing`, and
        // this function runs once per interior node (about a million times for a million-entry log).
        var input = [UInt8]()
        input.reserveCapacity(1 + left.count + right.count)
        input.append(0x01)
        input.append(contentsOf: left)
        input.append(contentsOf: right)
        return SHA256.hash(input)
    }

    /// Returns the RFC 6962 Merkle Tree Hash (RFC 6962 §2.1, `MTH`) of a sequence of leaf hashes.
    ///
    /// The values are taken as the hashes of the tree's leaves, without hashing them again: `[]` gives
    /// ``emptyRoot`` and `[h]` gives `h`. Over page roots (and a partial page's root) this is the page-level
    /// tree of feed.md §5.
    ///
    /// The computation is iterative and streams the input once, keeping only the roots of the perfect
    /// subtrees completed so far (at most one per bit of the count, so O(log n) memory and no copy of the
    /// input); it computes exactly the `n − 1` interior nodes of the tree.
    ///
    /// - Parameter leafHashes: The leaf hashes, in order; each should be 32 bytes (not checked).
    /// - Returns: The 32-byte root.
    public static func root(leafHashes: ArraySlice<[UInt8]>) -> [UInt8] {
        var accumulator = RootAccumulator()
        for leafHash in leafHashes {
            accumulator.append(leafHash)
        }
        return accumulator.root
    }

    /// Returns the root of a tree of size `256·k + w` from the roots of its `k` full pages and the root of
    /// its partial page of `w` leaves (feed.md §5).
    ///
    /// Because pages are aligned subtrees, the tree's root equals the RFC 6962 tree computed over
    /// `pageRoots[0] … pageRoots[k−1]` followed by `tailRoot`, taking those values as leaf hashes (RFC 6962
    /// §2.1 applied one level up, at level 8). This is how a reader checks a `page-roots/{size}.json`
    /// listing against a checkpoint's root without holding the entries.
    ///
    /// - Parameters:
    ///   - pageRoots: The roots of full pages `0 ..< k`, in order (each 32 bytes; not checked here, so a
    ///     parser of peer data checks lengths first).
    ///   - tailRoot: The RFC 6962 root of the partial page's `w` leaves (1 ≤ `w` ≤ 255), or `nil` when the
    ///     size is a multiple of 256.
    /// - Returns: The 32-byte root; ``emptyRoot`` for no pages and no tail.
    public static func root(pageRoots: [[UInt8]], tailRoot: [UInt8]?) -> [UInt8] {
        var accumulator = RootAccumulator()
        for pageRoot in pageRoots {
            accumulator.append(pageRoot)
        }
        if let tailRoot {
            accumulator.append(tailRoot)
        }
        return accumulator.root
    }

    private static let leafPrefix: [UInt8] = [0x00]
}

extension Merkle {
    /// Streams leaf hashes into the RFC 6962 root without holding them (RFC 6962 §2.1).
    ///
    /// After `count` leaves, `stack` holds the roots of the perfect subtrees that `count` decomposes into,
    /// largest (leftmost) first: one per set bit of `count`. Appending leaf number `count` completes as many
    /// subtrees as `count + 1` has trailing zero bits; each merge hashes the two topmost equal-sized
    /// subtrees. The RFC's split at the largest power of two below `n` is exactly this decomposition, so the
    /// root is the stack folded from the right: `H(s0, H(s1, … H(s_{j−1}, s_j)))`.
    struct RootAccumulator {
        private var stack: [[UInt8]] = []
        private var count = 0

        init() {
            stack.reserveCapacity(Int.bitWidth)
        }

        mutating func append(_ leafHash: [UInt8]) {
            count += 1
            var node = leafHash
            for _ in 0..<count.trailingZeroBitCount {
                node = Merkle.nodeHash(stack.removeLast(), node)
            }
            stack.append(node)
        }

        var root: [UInt8] {
            guard var root = stack.last else {
                return Merkle.emptyRoot
            }
            for left in stack.dropLast().reversed() {
                root = Merkle.nodeHash(left, root)
            }
            return root
        }
    }

    /// The largest power of two strictly smaller than `n`, for `n ≥ 2`: RFC 6962 §2.1's split point `k`.
    static func splitPoint(_ n: Int) -> Int {
        1 << (Int.bitWidth - 1 - (n - 1).leadingZeroBitCount)
    }

    /// The number of page-level leaves in a tree of `size` entries: the full pages plus the partial one,
    /// `ceil(size / 256)`, computed without overflow for any `size ≥ 0`.
    static func pageCount(size: Int) -> Int {
        size / pageSize + (size % pageSize == 0 ? 0 : 1)
    }
}
