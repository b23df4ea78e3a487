import Catalog
import Feed
import Foundation
import JSON
import Store
import TestSupport

/// A fresh node store in its own temporary directory.
struct TestStore {
    let directory: TemporaryDirectory
    let store: CatalogStore
    var path: String { store.path }

    init(node: String = "sichuan") throws {
        directory = try TemporaryDirectory(prefix: "store")
        store = try CatalogStore.create(
            path: directory.file("kechuang.db"),
            node: NodeInfo(id: node, name: "测试节点", region: .init(code: "sichuan")!, createdAt: "2026-01-01T00:00:00Z"))
    }

    /// Imports `records` written as a JSON array file named `name`.
    @discardableResult
    func importJSON(_ records: [JSONValue], name: String = "records.json", now: Date = Date()) async throws -> ImportReport {
        let path = try directory.write(name, RecordFixture.jsonArray(records))
        return try await store.importProjects(from: .file(path), now: now)
    }

    func reader() throws -> CatalogReader { try CatalogReader(path: path) }

    func project(_ id: String) throws -> Project? { try reader().project(RecordID(id)!) }

    /// Applies the whole log of `other`'s own origin to this store, as one verified page of a
    /// sync (bodies checked against their entries), so that this store holds another origin.
    func apply(logOf other: TestStore) async throws {
        let origin = other.store.node.id
        let size = try await other.store.logPosition(origin).size
        let lines = try await other.store.logLines(origin, 0..<size)
        let entries = try lines.map { try LogEntry(line: $0.entry[...]) }
        let bodies = try FeedVerifier(origin: origin).bodies(ApplyTests.file(lines.map(\.body)), entries: entries).bodies
        _ = try await store.applyVerified(
            origin: origin, pages: [VerifiedPage(entries: entries, lines: lines.map(\.body), bodies: bodies, decoded: nil)])
    }
}

/// The problems of a refused import, or an empty list when it was not refused.
func importIssues(_ body: () async throws -> Void) async -> [ImportIssue] {
    do {
        try await body()
        return []
    } catch let error as StoreError {
        return error.issues
    } catch {
        return [ImportIssue(file: "?", line: 0, field: "?", problem: "unexpected error \(error)")]
    }
}
