import Catalog
import Compression
import Feed
import Foundation
import JSON
import Store
import TestSupport
import Testing

/// Applying a peer's verified page with the work a sync does ahead (`PreparedPage`) stores the
/// same thing as applying it plain, and the gzip copies made ahead are used only for the page
/// they were made of.
@Suite struct ApplyTests {
    /// Lines as a file: each followed by a line feed.
    static func file(_ lines: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = []
        for line in lines { bytes += line + [0x0A] }
        return bytes
    }

    /// An origin with 300 records (one full page and a partial one), and a receiving node.
    static func origin() async throws -> (origin: TestStore, lines: [(entry: [UInt8], body: [UInt8])]) {
        let origin = try TestStore(node: "chongqing")
        let records = (0..<300).map { RecordFixture.supply("r\($0)", title: "页面测试项目\($0)") }
        try await origin.importJSON(records)
        let size = try await origin.store.logPosition("chongqing").size
        return (origin, try await origin.store.logLines("chongqing", 0..<size))
    }

    /// Applies the first page to a fresh node, prepared from `pageFile` and `bodyFile` when given,
    /// and returns that node's served page-0 files: (entries, bodies, entries gzip, bodies gzip).
    static func applyFirstPage(
        _ lines: [(entry: [UInt8], body: [UInt8])], prepareWith files: (page: [UInt8], bodies: [UInt8])?
    ) async throws -> (TestStore, [UInt8], [UInt8]) {
        let node = try TestStore(node: "sichuan")
        let page = Array(lines[0..<Feed.pageSize])
        let entries = try page.map { try LogEntry(line: $0.entry[...]) }
        let bodyFile = Self.file(page.map(\.body))
        let bodies = try FeedVerifier(origin: "chongqing").bodies(bodyFile, entries: entries).bodies
        let prepared = files.map {
            PreparedPage(origin: "chongqing", entries: entries, bodies: bodies, pageFile: $0.page, bodyFile: $0.bodies)
        }
        _ = try await node.store.applyVerified(
            origin: "chongqing", pages: [VerifiedPage(entries: entries, lines: page.map(\.body), bodies: bodies, decoded: prepared)])
        let reader = try FeedReader(path: node.path)
        let entriesFile = try #require(try reader.file(.page(origin: "chongqing", page: 0, width: Feed.pageSize)))
        let bodiesFile = try #require(try reader.file(.bodies(origin: "chongqing", page: 0, width: Feed.pageSize)))
        return (node, try #require(entriesFile.gzip), try #require(bodiesFile.gzip))
    }

    @Test func aPreparedPageStoresWhatAPlainOneStores() async throws {
        let (_, lines) = try await Self.origin()
        let page = Array(lines[0..<Feed.pageSize])
        let files = (Self.file(page.map(\.entry)), Self.file(page.map(\.body)))
        let (plain, plainEntries, plainBodies) = try await Self.applyFirstPage(lines, prepareWith: nil)
        let (prepared, preparedEntries, preparedBodies) = try await Self.applyFirstPage(lines, prepareWith: files)
        #expect(try Gzip.decompress(preparedEntries, maxOutput: 1 << 24) == files.0)
        #expect(try Gzip.decompress(preparedBodies, maxOutput: 1 << 24) == files.1)
        #expect(preparedEntries == plainEntries)
        #expect(preparedBodies == plainBodies)
        try await plain.store.refreshUnified()
        try await prepared.store.refreshUnified()
        #expect(try plain.reader().stats(today: "2026-11-26").catalogDigest == prepared.reader().stats(today: "2026-11-26").catalogDigest)
        #expect(try prepared.project("chongqing:r7")?.title == "页面测试项目7")
    }

    @Test func gzipCopiesOfOtherBytesAreNotUsed() async throws {
        let (_, lines) = try await Self.origin()
        let page = Array(lines[0..<Feed.pageSize])
        var bodies = Self.file(page.map(\.body))
        bodies[10] ^= 0x01  // copies made of bytes the page does not hold
        let (_, entries, bodiesGzip) = try await Self.applyFirstPage(lines, prepareWith: (Self.file(page.map(\.entry)), bodies))
        #expect(try Gzip.decompress(bodiesGzip, maxOutput: 1 << 24) == Self.file(page.map(\.body)))
        #expect(try Gzip.decompress(entries, maxOutput: 1 << 24) == Self.file(page.map(\.entry)))
    }
}
