import Compression
import Feed
import Foundation

extension DirectoryFeedSource {
    /// The largest body file a v1 feed may publish (256 lines of up to 1 MiB with their line
    /// feeds): the bound on a `.gz` copy's decompressed size.
    static let maxBodyFile = Feed.pageSize * (Feed.maxBodyLine + 1)

    /// Checks every file in the origin's `bodies/` directory, superseded and `.gz` ones included
    /// (`FeedAuditor.auditBodyFiles`), after `auditor` audited the current tree into `report`.
    func auditBodyFiles(_ auditor: FeedAuditor<DirectoryFeedSource>, report: AuditReport) throws -> BodyFileReport {
        let directory = root + "/feeds/\(report.origin)/bodies"
        guard FileManager.default.fileExists(atPath: directory) else { return BodyFileReport() }
        // Everything a static server could send: files, and links (followed when read).
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
            (try FileManager.default.attributesOfItem(atPath: directory + "/" + $0)[.type] as? FileAttributeType) != .typeDirectory
        }
        return try auditor.auditBodyFiles(names, report: report) { name in
            guard let data = FileManager.default.contents(atPath: directory + "/" + name) else {
                throw CLIError.failure("the file vanished or is unreadable")
            }
            guard name.hasSuffix(".gz") else { return Array(data) }
            return try Gzip.decompress(Array(data), maxOutput: Self.maxBodyFile)
        }
    }
}
