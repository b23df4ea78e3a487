import Signing

/// What the check of every body file of a directory found.
public struct BodyFileReport: Sendable {
    /// Body files checked line by line against the signed tree: the current ones, superseded
    /// partial ones (`0.p40.jsonl` once page 0 grew) and `.gz` copies.
    public var checked = 0
    /// Files whose name places them outside the signed tree (another history's, an interrupted
    /// export's temporary file): checked only for erased bodies, which none of them holds.
    public var outside: [String] = []

    public init() {}
}

extension FeedAuditor {
    /// Checks every body file of an origin that a directory holds, not only those of the current
    /// tree: a static mirror serves whatever is in it, so a superseded body file that still holds
    /// a body erased by a later `redact` (feed.md §4) publishes what the origin erased.
    ///
    /// A file named like a body file of the signed tree (`N.jsonl`, `N.pW.jsonl`, with or without
    /// `.gz`) is checked like the current one: line for line against the first `W` entries of
    /// page `N`, markers against the log's `redact` entries. Any file fails when one of its lines
    /// is the body of a `put` that a later honoured `redact` of the same id erased; for a file of
    /// the tree this is found by position, for any other file by the body's SHA-256.
    ///
    /// Run it after `audit` of the same source, whose report gives the checkpoint and the
    /// redactions. Pages are read again (and checked against the signed page roots again), one at
    /// a time.
    ///
    /// - Parameters:
    ///   - names: the names of the files in `/feeds/{origin}/bodies/`.
    ///   - report: the audit of the same feed.
    ///   - read: the bytes of the file with that name, decompressed when it is a `.gz` copy.
    /// - Throws: `FeedError` naming the file, line and seq of the first problem.
    public func auditBodyFiles(
        _ names: [String], report: AuditReport, read: (String) throws -> [UInt8]
    ) throws(FeedError) -> BodyFileReport {
        var result = BodyFileReport()
        guard let checkpoint = report.checkpoint, !names.isEmpty else { return result }
        let origin = report.origin
        let directory = "/feeds/\(origin)/bodies/"
        var erasedUpTo: [String: Int] = [:]
        for (seq, id) in report.redactions { erasedUpTo[id] = max(erasedUpTo[id] ?? -1, seq) }

        // Files of the tree by page; the others are checked by hash at the end.
        var filesOfPage: [Int: [(name: String, width: Int)]] = [:]
        var outside: [String] = []
        for name in names.sorted() {
            let plain = name.hasSuffix(".gz") ? String(name.dropLast(3)) : name
            if case .bodies(_, let page, let width)? = FeedPath.resource(directory + plain),
                page * Feed.pageSize + width <= checkpoint.size
            {
                filesOfPage[page, default: []].append((name, width))
            } else {
                outside.append(name)
            }
        }

        let verifier = FeedVerifier(origin: origin)
        let rootsPath = FeedPath.pageRoots(origin, size: checkpoint.size)
        let roots = try located(rootsPath) { () throws(FeedError) in try PageRoots(bytes: try fetch(rootsPath)) }
        guard roots.origin == origin, roots.size == checkpoint.size, roots.root == checkpoint.root else {
            throw FeedError(.rootMismatch, "page roots do not make the checkpoint's root \(Hex.encode(checkpoint.root))", location: rootsPath)
        }
        // The erased bodies by SHA-256, with the seq of the put and of the redact that erased it.
        var erasedHashes: [[UInt8]: (seq: Int, id: String, by: Int)] = [:]
        let pageCount = (checkpoint.size + Feed.pageSize - 1) / Feed.pageSize
        for page in 0..<pageCount where filesOfPage[page] != nil || !outside.isEmpty {
            let width = min(Feed.pageSize, checkpoint.size - page * Feed.pageSize)
            let pagePath = FeedPath.page(origin, page, width: width)
            let entries = try located(pagePath) { () throws(FeedError) in try verifier.entries(page: page, bytes: try fetch(pagePath), count: width) }
            guard FeedVerifier.root(of: entries) == (width == Feed.pageSize ? roots.pageRoots[page] : roots.tailRoot) else {
                throw FeedError(.rootMismatch, "the page's entries do not hash to its root in the signed tree of size \(checkpoint.size)", location: pagePath)
            }
            for entry in entries where entry.op == .put {
                if let by = erasedUpTo[entry.id], by > entry.seq, let hash = entry.bodyHash { erasedHashes[hash] = (entry.seq, entry.id, by) }
            }
            for file in filesOfPage[page] ?? [] {
                let path = directory + file.name
                let bytes = try contents(path, file.name, read)
                let checked = try located(path) { () throws(FeedError) in try verifier.bodies(bytes, entries: Array(entries.prefix(file.width))) }
                for claim in checked.claims {
                    try located(path) { () throws(FeedError) in try verifier.resolve(claim, redactedID: report.redactions[claim.redactSeq]) }
                }
                for (entry, body) in zip(entries, checked.bodies) {
                    guard case .body = body, entry.op == .put, let by = erasedUpTo[entry.id], by > entry.seq else { continue }
                    throw FeedError(
                        .redaction, "holds the body of \(entry.id) version \(entry.version), which the redact entry at seq \(by) erased: "
                            + "a reader must get the redaction marker (run `kechuang export` again, or remove the file)",
                        location: "\(path) line \(entry.seq % Feed.pageSize + 1) (seq \(entry.seq))")
                }
                result.checked += 1
            }
        }
        for name in outside {
            let path = directory + name
            let bytes = try contents(path, name, read)
            var line = 1
            var start = 0
            for index in bytes.indices where bytes[index] == 0x0A || index == bytes.count - 1 {
                let end = bytes[index] == 0x0A ? index : index + 1
                if let erased = erasedHashes[SHA256.hash(bytes[start..<end])] {
                    throw FeedError(
                        .redaction, "holds the body of \(erased.id) (seq \(erased.seq)), which the redact entry at seq \(erased.by) erased; "
                            + "the file is not part of the signed tree of size \(checkpoint.size): remove it",
                        location: "\(path) line \(line)")
                }
                line += 1
                start = index + 1
            }
            result.outside.append(path)
        }
        return result
    }

    private func contents(_ path: String, _ name: String, _ read: (String) throws -> [UInt8]) throws(FeedError) -> [UInt8] {
        do {
            return try read(name)
        } catch let error as FeedError {
            throw error.at(path)
        } catch {
            throw FeedError(.missing, "cannot be read: \(error)", location: path)
        }
    }
}
