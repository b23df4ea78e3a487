/// The one narrow read path of proof generation: the RFC 6962 root of a range of leaves.
///
/// `hash(of: range)` returns `MTH(D[range.lowerBound : range.upperBound])` (RFC 6962 §2.1), the root of the
/// leaves `range.lowerBound ..< range.upperBound` taken as a tree of their own. Storage (a database
/// holding page roots and entries), memory (``LeafHashes``) and a peer each implement it, so the proof
/// functions in ``Merkle`` never see a storage type: they work out which ranges a proof needs, ask for each,
/// and return the hashes (the shape of Go's `tlog.HashReader`).
///
/// The ranges ``Merkle`` asks for are exactly the subtrees named by RFC 6962's `PATH` (§2.1.1) and
/// `SUBPROOF` (§2.1.2): each is non-empty and either a perfect subtree `[j·2^h, (j+1)·2^h)` or the right
/// edge `[j·2^h, size)` of the tree being proven. So every requested range lies inside one page or starts
/// on a page boundary, and an implementation holding page roots (feed.md §5) answers any range of 256 or
/// more leaves from page roots plus at most one partial page.
///
/// An implementation returns exactly the 32-byte hash asked for, or throws; it never guesses. A hasher
/// backed by a peer's data must only return hashes it has verified against a signed checkpoint.
public protocol RangeHasher {
    /// Returns the RFC 6962 root of the leaves in `range`.
    ///
    /// - Parameter range: The leaf indexes, `lowerBound ..< upperBound`.
    /// - Returns: The 32-byte root `MTH(D[range])`.
    /// - Throws: When the range is out of bounds or the hashes cannot be read.
    func hash(of range: Range<Int>) throws -> [UInt8]
}
