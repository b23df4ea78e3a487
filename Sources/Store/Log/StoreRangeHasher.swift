import Feed
import SQLite

/// Answers the Merkle range hashes that proofs need from the store: ranges inside one page from
/// its entries, ranges that start on a page boundary from the sealed page roots (feed.md §5).
struct StoreRangeHasher: RangeHasher {
    let reader: LogReader
    let origin: String
    /// The size of the tree the proof is for.
    let size: Int

    func hash(of range: Range<Int>) throws -> [UInt8] {
        guard range.lowerBound >= 0, range.upperBound <= size, !range.isEmpty else {
            throw StoreError.invalidArgument("range \(range) is outside the tree of size \(size)")
        }
        let page = Feed.pageSize
        if range.lowerBound % page != 0 || range.count < page {
            // RFC 6962 ranges are aligned subtrees: one that does not start on a page boundary,
            // or is shorter than a page, lies inside one page.
            guard range.lowerBound / page == (range.upperBound - 1) / page else {
                throw StoreError.invalidArgument("range \(range) spans pages without starting on one")
            }
            return Merkle.root(leafHashes: try reader.leafHashes(origin: origin, range: range)[...])
        }
        let roots = try reader.connection.prepare(
            "SELECT root FROM log_pages WHERE origin = ? AND page >= ? AND page < ? ORDER BY page"
        ).query([.text(origin), .integer(Int64(range.lowerBound / page)), .integer(Int64(range.upperBound / page))]) {
            $0.blob(0) ?? []
        }
        var tail: [UInt8]?
        if range.upperBound % page != 0 {
            let start = range.upperBound - range.upperBound % page
            tail = Merkle.root(leafHashes: try reader.leafHashes(origin: origin, range: start..<range.upperBound)[...])
        }
        return Merkle.root(pageRoots: roots, tailRoot: tail)
    }
}
