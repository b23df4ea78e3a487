extension Merkle {
    /// Returns the inclusion proof (audit path) of leaf `index` in the tree of `size` leaves.
    ///
    /// Follows RFC 6962 §2.1.1 `PATH(m, D[n])` (RFC 9162 §2.1.3.1): the roots of the sibling subtrees on
    /// the way from the leaf to the root, nearest the leaf first. The proof is served as
    /// `proof/inclusion?seq=i&size=N` (feed.md §5) and checked with
    /// ``verifyInclusion(leafHash:index:size:proof:root:)``.
    ///
    /// The ranges are worked out first, without hashing; then each is read once through `hasher`.
    ///
    /// - Parameters:
    ///   - index: The leaf's index, `0 ≤ index < size`.
    ///   - size: The size of the tree the proof is against.
    ///   - hasher: Answers the RFC 6962 root of each sibling range.
    /// - Returns: The proof: `⌈log2 size⌉` or fewer 32-byte hashes (none for a tree of one leaf).
    /// - Throws: ``FeedError/indexOutOfRange(_:size:)`` for an index outside the tree, or whatever
    ///   `hasher` throws.
    public static func inclusionProof(index: Int, size: Int, hasher: some RangeHasher) throws -> [[UInt8]] {
        guard index >= 0, index < size else {
            throw FeedError.indexOutOfRange(index, size: size)
        }
        return try hashes(of: inclusionRanges(index: index, size: size), hasher: hasher)
    }

    /// Returns the consistency proof between the tree of `from` leaves and the tree of `to` leaves.
    ///
    /// Follows RFC 6962 §2.1.2 `PROOF(m, D[n]) = SUBPROOF(m, D[n], true)` (RFC 9162 §2.1.4.1), nearest the
    /// leaves first. The proof is empty when `from == 0` or `from == to`, where nothing is left to prove
    /// beyond the roots themselves (see ``verifyConsistency(from:to:proof:oldRoot:newRoot:)``). Served as
    /// `proof/consistency?from=M&to=N` (feed.md §5).
    ///
    /// - Parameters:
    ///   - from: The size of the older tree, `0 ≤ from ≤ to`.
    ///   - to: The size of the newer tree.
    ///   - hasher: Answers the RFC 6962 root of each range the proof lists.
    /// - Returns: The proof's 32-byte hashes.
    /// - Throws: ``FeedError/sizesOutOfOrder(from:to:)`` unless `0 ≤ from ≤ to`, or whatever `hasher`
    ///   throws.
    public static func consistencyProof(from: Int, to: Int, hasher: some RangeHasher) throws -> [[UInt8]] {
        guard from >= 0, from <= to else {
            throw FeedError.sizesOutOfOrder(from: from, to: to)
        }
        guard from > 0, from < to else {
            return []
        }
        return try hashes(of: consistencyRanges(from: from, to: to), hasher: hasher)
    }

    /// Returns the audit path of full page `page` in the tree of `size` leaves (feed.md §5, `proof/page`).
    ///
    /// This is the audit path of the node at level 8, index `page`: the RFC 9162 §2.1.3.1 inclusion proof
    /// of index `page` in the tree of `⌈size / 256⌉` page-level leaves, whose leaves are the page roots and,
    /// last, the partial page's root. Each page-level range `[a, b)` is read as the leaf range
    /// `[256a, min(256b, size))`, whose RFC 6962 root is the same value because pages are aligned subtrees.
    /// Equivalently, it is the inclusion proof of any leaf of the page with its first 8 (in-page) hashes
    /// dropped. Checked with ``verifyPage(pageRoot:page:size:proof:root:)``.
    ///
    /// - Parameters:
    ///   - page: The page number; the page must be full: `256·(page+1) ≤ size`.
    ///   - size: The size of the tree, in leaves (entries).
    ///   - hasher: Answers the RFC 6962 root of each sibling range (in leaves).
    /// - Returns: The proof's 32-byte hashes, nearest the page first.
    /// - Throws: ``FeedError/pageNotFull(_:size:)`` unless the page is full in the tree, or whatever
    ///   `hasher` throws.
    public static func pageProof(page: Int, size: Int, hasher: some RangeHasher) throws -> [[UInt8]] {
        // `page < size / 256` is `256·(page+1) ≤ size` without the multiplication, which could overflow.
        guard page >= 0, page < size / pageSize else {
            throw FeedError.pageNotFull(page, size: size)
        }
        let pages = pageCount(size: size)
        let ranges = inclusionRanges(index: page, size: pages).map { pageRange in
            // A range's upper bound reaches `pages` only on the right edge, which ends at `size` (the partial
            // page's end); every other bound is below `pages`, so `256·bound < size` cannot overflow.
            let upper = pageRange.upperBound == pages ? size : pageRange.upperBound * pageSize
            return pageRange.lowerBound * pageSize..<upper
        }
        return try hashes(of: ranges, hasher: hasher)
    }
}

extension Merkle {
    /// The leaf ranges whose roots form RFC 6962 §2.1.1 `PATH(index, D[0:size])`, nearest the leaf first.
    ///
    /// Walks from the root down: at each subtree `[lower, upper)` of more than one leaf, split at
    /// `k` = the largest power of two below its size; the leaf's side is descended into and the other side
    /// is a sibling. `PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n])` lists the deepest sibling first, hence
    /// the reversal. Requires `0 ≤ index < size`.
    static func inclusionRanges(index: Int, size: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var lower = 0
        var upper = size
        while upper - lower > 1 {
            let split = lower + splitPoint(upper - lower)
            if index < split {
                ranges.append(split..<upper)
                upper = split
            } else {
                ranges.append(lower..<split)
                lower = split
            }
        }
        return ranges.reversed()
    }

    /// The leaf ranges whose roots form RFC 6962 §2.1.2 `PROOF(from, D[0:to])`, nearest the leaves first.
    ///
    /// `SUBPROOF(m, D[lower:upper], b)` iteratively, with `m` kept as the absolute end of the old tree:
    /// - `m == upper`: the subtree is the old tree's last piece; it is listed unless it is the whole old
    ///   tree (`b` true), whose root the verifier already has.
    /// - `m ≤ split`: descend left, `b` unchanged; the right subtree `[split, upper)` is listed.
    /// - `m > split`: descend right with `b` false; the left subtree `[lower, split)` is listed.
    ///
    /// Requires `0 < from < to`; then `lower < from ≤ upper` throughout, so the loop ends at `from == upper`.
    static func consistencyRanges(from: Int, to: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var lower = 0
        var upper = to
        var isWholeOldTree = true
        while from != upper {
            let split = lower + splitPoint(upper - lower)
            if from <= split {
                ranges.append(split..<upper)
                upper = split
            } else {
                ranges.append(lower..<split)
                lower = split
                isWholeOldTree = false
            }
        }
        if !isWholeOldTree {
            ranges.append(lower..<upper)
        }
        return ranges.reversed()
    }

    /// Reads each range's root through `hasher`, in order, holding the hasher to its contract.
    private static func hashes(of ranges: [Range<Int>], hasher: some RangeHasher) throws -> [[UInt8]] {
        try ranges.map { range in
            let hash = try hasher.hash(of: range)
            guard hash.count == hashSize else {
                throw FeedError.invalidHash(range: range, byteCount: hash.count)
            }
            return hash
        }
    }
}
