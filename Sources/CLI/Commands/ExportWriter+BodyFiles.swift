import Compression
import Feed
import Foundation
import Store

extension ExportWriter {
    /// Brings every body file of `origin` already in the directory in line with the log, not only
    /// those of the current tree.
    ///
    /// Body files change by redaction (feed.md §3, §4), and a static server serves whatever is in
    /// the directory: a partial body file superseded as the page grew (`0.p40.jsonl`), or a `.gz`
    /// copy a mirror made itself, would go on publishing a body that `kechuang redact` erased
    /// since. Each body file the log of size `size` can produce is written again from the store
    /// (markers in place of erased bodies), its `.gz` copy compressed again; any other file in
    /// the directory (a later or other history's, an interrupted export's temporary file) is
    /// removed. Files this export already wrote are left alone.
    mutating func refreshBodyFiles(origin: String, size: Int, feed: FeedReader) throws {
        let directory = "/feeds/\(origin)/bodies/"
        guard FileManager.default.fileExists(atPath: root + directory) else { return }
        for name in try FileManager.default.contentsOfDirectory(atPath: root + directory).sorted() {
            let path = directory + name
            guard !exported.contains(path), try FileManager.default.isRegularFile(root + path) else { continue }
            let gzip = name.hasSuffix(".gz")
            let plain = gzip ? String(name.dropLast(3)) : name
            if case .bodies(_, let page, let width)? = FeedPath.resource(directory + plain), page * Feed.pageSize + width <= size,
                let file = try feed.file(.bodies(origin: origin, page: page, width: width))
            {
                if !gzip {
                    try write(path, file.bytes)
                } else if try !compressedCopy(at: root + path, holds: file.bytes) {
                    try write(path, try file.gzip ?? Gzip.compress(file.bytes))
                } else {
                    exported.insert(path)
                    unchanged += 1
                }
            } else {
                try FileManager.default.removeItem(atPath: root + path)
                removed += 1
            }
        }
    }

    /// Whether the gzip file at `target` decompresses to exactly `bytes`.
    private func compressedCopy(at target: String, holds bytes: [UInt8]) throws -> Bool {
        guard let data = FileManager.default.contents(atPath: target) else { return false }
        do {
            return try Gzip.decompress(Array(data), maxOutput: bytes.count) == bytes
        } catch {
            // Not gzip, or longer than the expected bytes: either way not a copy of them, so it is replaced.
            return false
        }
    }
}

extension FileManager {
    /// Whether `path` is a regular file (not a directory, a link or a device).
    func isRegularFile(_ path: String) throws -> Bool {
        (try attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular
    }
}
