import Foundation

/// A feed file fetched into a temporary file of its own (a body file may reach 256 MiB, more than
/// a sync should hold in memory), removed when the last reference goes away.
final class SpooledFile: Sendable {
    let path: String

    /// A new, not yet created, file name in the system's temporary directory.
    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("kechuang-spool-\(UUID().uuidString).jsonl").path
    }

    deinit {
        // Nothing to keep: the file is this object's own copy of what a peer served, and a file
        // that was never created (a failed fetch) has nothing to remove.
        try? FileManager.default.removeItem(atPath: path)  // dropped on purpose: see above
    }

    /// The file's size in bytes.
    func size() throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    }

    /// The whole file, for a file small enough to hold.
    func contents() throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
