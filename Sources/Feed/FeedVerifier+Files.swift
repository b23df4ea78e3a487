import Foundation
import Catalog
import Signing

/// A body file on disk checked against its page's entries, line by line, never held whole.
///
/// A v1 body file may reach `FeedLimits.bodyFile` (256 lines of 1 MiB). `FeedVerifier.bodies(file:entries:)`
/// reads it once to check every line and find the redaction claims, keeping only where each line
/// is; `read(_:)` then reads a range of lines back, checked again, for the caller to apply a part
/// of the page at a time.
public struct CheckedBodyFile: Sendable {
    /// The file.
    public let path: String
    /// The page's entries, line for line.
    public let entries: [LogEntry]
    /// The redaction claims of the file's markers, to resolve against the log before applying.
    public internal(set) var claims: [FeedVerifier.RedactionClaim]
    /// Where line `i` is: its byte offset and length (without its line feed).
    let spans: [(offset: Int, count: Int)]
    let verifier: FeedVerifier

    /// The lines of entries `range` (indices into `entries`) and their bodies, read back from the
    /// file and checked again against their entries.
    ///
    /// - Throws: `FeedError` when the file cannot be read, or changed since it was checked.
    public func read(_ range: Range<Int>) throws(FeedError) -> (lines: [[UInt8]], bodies: [FeedVerifier.Body]) {
        var lines: [[UInt8]] = []
        var bodies: [FeedVerifier.Body] = []
        try forEachLine(range) { index, line throws(FeedError) in
            bodies.append(try verifier.body(line[...], of: entries[index], location: "line \(index + 1) (seq \(entries[index].seq))").body)
            lines.append(line)
        }
        return (lines, bodies)
    }

    /// Consecutive ranges of lines from `start` on, each of at most `maxBytes` bytes of lines (or
    /// a single longer line), in which to apply the page.
    public func parts(from start: Int, maxBytes: Int) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var lower = start
        var bytes = 0
        for index in start..<spans.count {
            if index > lower, bytes + spans[index].count > maxBytes {
                parts.append(lower..<index)
                lower = index
                bytes = 0
            }
            bytes += spans[index].count
        }
        if lower < spans.count { parts.append(lower..<spans.count) }
        return parts
    }

    /// Calls `body` with each line of `range` (all by default), read from the file in order.
    func forEachLine(_ range: Range<Int>? = nil, _ body: (Int, [UInt8]) throws(FeedError) -> Void) throws(FeedError) {
        let range = range ?? spans.indices
        guard let first = range.first else { return }
        let handle = try Self.open(path)
        defer { try? handle.close() }  // Read-only: closing cannot lose data.
        do {
            try handle.seek(toOffset: UInt64(spans[first].offset))
        } catch {
            throw FeedError(.missing, "body file \(path) cannot be read: \(error)")
        }
        for index in range {
            // Each line and its line feed, in order: the spans are contiguous.
            var line = try Self.read(handle, upTo: spans[index].count + 1, path)
            guard line.count == spans[index].count + 1, line.removeLast() == 0x0A else {
                throw FeedError(.malformed, "body file \(path) changed since it was checked", location: "line \(index + 1)")
            }
            try body(index, line)
        }
    }

    static func open(_ path: String) throws(FeedError) -> FileHandle {
        do {
            return try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        } catch {
            throw FeedError(.missing, "body file \(path) cannot be read: \(error)")
        }
    }

    static func read(_ handle: FileHandle, upTo count: Int, _ path: String) throws(FeedError) -> [UInt8] {
        do {
            return Array(try handle.read(upToCount: count) ?? Data())
        } catch {
            throw FeedError(.missing, "body file \(path) cannot be read: \(error)")
        }
    }
}

extension FeedVerifier {
    /// Checks a body file on disk against its page's entries (feed.md §3, §4) as `bodies(_:entries:)`
    /// does, with the same errors, reading it in bounded memory: first its lines' places (the
    /// file's shape, checked as `lines` checks it), then one line of at most `Feed.maxBodyLine`
    /// bytes at a time.
    ///
    /// - Throws: `FeedError` located at `line N (seq S)` for the first bad line, or for a file that
    ///   is not `entries.count` lines each ending with LF.
    public func bodies(file path: String, entries: [LogEntry]) throws(FeedError) -> CheckedBodyFile {
        let spans = try Self.lineSpans(file: path, count: entries.count, maxLine: Feed.maxBodyLine, what: "bodies")
        var checked = CheckedBodyFile(path: path, entries: entries, claims: [], spans: spans, verifier: self)
        var claims: [RedactionClaim] = []
        try checked.forEachLine { index, line throws(FeedError) in
            if let claim = try body(line[...], of: entries[index], location: "line \(index + 1) (seq \(entries[index].seq))").claim {
                claims.append(claim)
            }
        }
        checked.claims = claims
        return checked
    }

    /// Where each line of a JSON Lines file is, after the checks `lines(_:count:maxLine:what:)`
    /// makes, in the same order and with the same errors, reading 1 MiB at a time.
    static func lineSpans(file path: String, count: Int, maxLine: Int, what: String) throws(FeedError) -> [(offset: Int, count: Int)] {
        let handle = try CheckedBodyFile.open(path)
        defer { try? handle.close() }  // Read-only: closing cannot lose data.
        let size: Int
        do {
            size = Int(try handle.seekToEnd())
            try handle.seek(toOffset: 0)
        } catch {
            throw FeedError(.missing, "\(what) file \(path) cannot be read: \(error)")
        }
        guard size <= count * (maxLine + 1) else {
            throw FeedError(.tooLarge, "\(what) file of \(size) bytes is too large for \(count) lines")
        }
        var spans: [(offset: Int, count: Int)] = []
        var lineStart = 0
        var chunkStart = 0
        var last: UInt8?
        while spans.count <= count {
            let chunk = try CheckedBodyFile.read(handle, upTo: 1 << 20, path)
            if chunk.isEmpty { break }
            var position = 0
            while let end = chunk[position...].firstIndex(of: 0x0A) {
                let length = chunkStart + end - lineStart
                guard length > 0 else { throw FeedError(.malformed, "empty line", location: "line \(spans.count + 1)") }
                guard length <= maxLine else { throw FeedError(.tooLarge, "line longer than \(maxLine) bytes", location: "line \(spans.count + 1)") }
                spans.append((lineStart, length))
                lineStart = chunkStart + end + 1
                position = end + 1
                if spans.count > count { break }
            }
            last = chunk.last
            chunkStart += chunk.count
        }
        guard spans.count > count || last == 0x0A || (size == 0 && count == 0) else {
            throw FeedError(.malformed, "\(what) file does not end with a line feed")
        }
        guard spans.count == count else {
            throw FeedError(.malformed, "\(what) file has \(spans.count > count ? "more than \(count)" : String(spans.count)) lines, expected \(count)")
        }
        return spans
    }
}
