/// A ``RangeHasher`` over leaf hashes held in memory, for tests and small logs.
///
/// It answers each range by computing the root directly from the leaf hashes
/// (``Merkle/root(leafHashes:)``), so a range of `n` leaves costs `n − 1` node hashes and a proof costs
/// about as many as the tree has leaves. A store answers large ranges from page roots instead.
public struct LeafHashes: RangeHasher, Sendable {
    private let leafHashes: [[UInt8]]

    /// Creates a hasher over the leaves of a tree.
    ///
    /// - Parameter leafHashes: The leaf hashes (``Merkle/leafHash(_:)`` of each entry), in order.
    public init(_ leafHashes: [[UInt8]]) {
        self.leafHashes = leafHashes
    }

    /// Returns the RFC 6962 root of the leaves in `range` (RFC 6962 §2.1, `MTH(D[range])`).
    ///
    /// - Parameter range: Leaf indexes within `0 ... count`; an empty range gives ``Merkle/emptyRoot``.
    /// - Returns: The 32-byte root.
    /// - Throws: ``FeedError/rangeOutOfBounds(_:count:)`` when `range` is not within the leaves held.
    public func hash(of range: Range<Int>) throws -> [UInt8] {
        guard range.lowerBound >= 0, range.upperBound <= leafHashes.count else {
            throw FeedError.rangeOutOfBounds(range, count: leafHashes.count)
        }
        return Merkle.root(leafHashes: leafHashes[range])
    }
}
