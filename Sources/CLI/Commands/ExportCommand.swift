import Feed
import Foundation
import Signing
import Store

/// `kechuang export DIR`: the feed as static files, laid out like the HTTP paths.
enum ExportCommand: Command {
    static let spec = CommandSpec(
        name: "export",
        summary: "Write the feed as static files laid out like its HTTP paths (for nginx, a CDN, a mirror).",
        usage: "DIR [--mirror URL] [--quiet]",
        discussion: """
            Writes .well-known/kechuang/node.json, feeds/checkpoints.json and, for every origin the
            node holds, feeds/ORIGIN/{checkpoint.json, keys.json, page-roots/SIZE.json,
            pages/N.jsonl, bodies/N.jsonl} (partial pages as N.pW.jsonl), with gzip copies (.gz)
            of full pages and their bodies beside them. Body files already in DIR from earlier
            exports (superseded partial ones such as bodies/0.p40.jsonl, and .gz copies) are
            rewritten from the log, so after `kechuang redact` every one holds the redaction
            marker; a body file the log cannot produce (another history's, a temporary file of an
            interrupted export) is removed. A reader needs nothing else to verify a
            page on its own (protocols/feed.md §5). Incremental: unchanged files are not rewritten;
            every file is written to a temporary name and renamed, the checkpoints and the manifest
            last, so a server never shows a checkpoint whose pages are not there yet.
            deploy/nginx/ has a configuration that serves such a directory.
            """,
        positionals: [("DIR", "The directory to write (created if needed).")],
        options: [
            OptionSpec(name: "--mirror", value: "URL", help: "A base URL that serves the same files, listed in the manifest.", repeatable: true),
            OptionSpec.flag("--quiet", "No progress line (it is shown only on a terminal anyway)."),
        ],
        minPositionals: 1, maxPositionals: 1)

    static func run(_ context: Context) async throws {
        let target = context.arguments.positionals[0]
        let store = try CatalogStore(path: context.data.database)
        let mirrors = context.arguments.all("--mirror")
        try await NodeKeys.publish(store, context.data, now: context.now, mirrors: mirrors.isEmpty ? nil : mirrors)
        let feed = try FeedReader(path: context.data.database)
        var writer = ExportWriter(root: target)
        let progress = TerminalProgress(label: "export", unit: "entries", quiet: context.arguments.flag("--quiet"))
        defer { progress?.finish() }
        // Each origin's checkpoint read once: the sizes give the total for the progress line.
        let checkpoints = try feed.origins().compactMap { try feed.checkpoint(origin: $0) }
        let total = checkpoints.reduce(0) { $0 + $1.size }
        var done = 0
        for checkpoint in checkpoints {
            let (origin, size) = (checkpoint.origin, checkpoint.size)
            for page in 0..<(size + Feed.pageSize - 1) / Feed.pageSize {
                let width = min(Feed.pageSize, size - page * Feed.pageSize)
                done += width
                progress?.update(done: done, share: total > 0 ? Double(done) / Double(total) : nil, bytes: writer.bytes)
                for resource in [FeedPath.Resource.page(origin: origin, page: page, width: width), .bodies(origin: origin, page: page, width: width)] {
                    guard let file = try feed.file(resource) else { continue }
                    let path = resource.path
                    // Full pages never change: an existing one is left alone.
                    let immutable = file.caching == .immutable
                    try writer.write(path, file.bytes, skipIfPresent: immutable)
                    if let gzip = file.gzip { try writer.write(path + ".gz", gzip, skipIfPresent: immutable) }
                }
            }
            // Before the checkpoint: a superseded body file may still hold a body erased since.
            try writer.refreshBodyFiles(origin: origin, size: size, feed: feed)
            for resource in [FeedPath.Resource.pageRoots(origin: origin, size: size), .keys(origin: origin), .checkpoint(origin: origin)] {
                if let file = try feed.file(resource) { try writer.write(resource.path, file.bytes) }
            }
        }
        for resource in [FeedPath.Resource.checkpoints, .manifest] {
            if let file = try feed.file(resource) { try writer.write(resource.path, file.bytes) }
        }
        context.out.line(
            "Exported \(try feed.origins().joined(separator: ", ")) to \(target): \(writer.written) files written, \(writer.unchanged) unchanged"
                + (writer.removed > 0 ? ", \(writer.removed) stale body files removed" : ""))
    }
}

/// Writes export files atomically, skipping those whose bytes are already there.
struct ExportWriter {
    let root: String
    var written = 0
    /// Bytes of the files written.
    var bytes = 0
    var unchanged = 0
    var removed = 0
    /// Every path this export wrote or found unchanged.
    var exported: Set<String> = []

    mutating func write(_ path: String, _ bytes: [UInt8], skipIfPresent: Bool = false) throws {
        exported.insert(path)
        let target = root + path
        let files = FileManager.default
        if files.fileExists(atPath: target), skipIfPresent || files.contents(atPath: target) == Data(bytes) {
            unchanged += 1
            return
        }
        try files.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try AtomicFile.write(bytes, to: target, mode: 0o644, replacing: true, sync: false)
        written += 1
        self.bytes += bytes.count
    }
}

extension FeedPath.Resource {
    /// The path of a file resource (proofs, which take parameters, have none).
    var path: String {
        switch self {
        case .manifest: FeedPath.manifest
        case .checkpoints: FeedPath.checkpoints
        case .checkpoint(let origin): FeedPath.checkpoint(origin)
        case .keys(let origin): FeedPath.keys(origin)
        case .page(let origin, let page, let width): FeedPath.page(origin, page, width: width)
        case .bodies(let origin, let page, let width): FeedPath.bodies(origin, page, width: width)
        case .pageRoots(let origin, let size): FeedPath.pageRoots(origin, size: size)
        case .inclusionProof(let origin): "/feeds/\(origin)/proof/inclusion"
        case .consistencyProof(let origin): "/feeds/\(origin)/proof/consistency"
        case .pageProof(let origin): "/feeds/\(origin)/proof/page"
        }
    }
}
