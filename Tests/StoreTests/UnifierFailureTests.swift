import Catalog
import Foundation
import SQLite
import Store
import TestSupport
import Testing

/// A store that cannot read what it holds says so: the merge never takes an unreadable record
/// for an absent one, and keeps its dirty marks so that the next refresh recomputes.
@Suite struct UnifierFailureTests {
    /// A node with three records, merged; and a second connection to its file, through which a
    /// test breaks a row as a bad disk or a bug would.
    static func node() async throws -> (TestStore, Connection) {
        let node = try TestStore()
        try await node.importJSON((0..<3).map { RecordFixture.supply("r\($0)", title: "合并失败测试\($0)") })
        try await node.store.refreshUnified()
        #expect(try node.reader().unifiedMemberCount() == 3)
        return (node, try Connection(path: node.path))
    }

    static func dirtyMarks(_ connection: Connection) throws -> [String] {
        try connection.prepare("SELECT record_id FROM merge_dirty ORDER BY record_id").query { $0.text(0) ?? "" }
    }

    @Test func aRecordWhoseBodyDoesNotDecodeFailsTheMergeAndKeepsItsMark() async throws {
        let (node, connection) = try await Self.node()
        try connection.run("UPDATE records SET body = ? WHERE id = ?", [.text(#"{"id":"sichuan:r1","title":"#), .text("sichuan:r1")])
        try connection.run("INSERT INTO merge_dirty (record_id) VALUES (?)", [.text("sichuan:r1")])

        await #expect(throws: StoreError.self, "an unreadable record is not an absent one") {
            try await node.store.refreshUnified()
        }
        #expect(try Self.dirtyMarks(connection) == ["sichuan:r1"], "the mark stays for the next refresh")
        #expect(try node.reader().unifiedMemberCount() == 3, "the record's cluster is not dropped")
    }

    @Test func aLinkToAMalformedIDFailsTheMergeAndKeepsItsMark() async throws {
        let (node, connection) = try await Self.node()
        try connection.run("INSERT INTO record_links (from_id, to_id) VALUES (?, ?)", [.text("sichuan:r2"), .text("not an id")])
        try connection.run("INSERT INTO merge_dirty (record_id) VALUES (?)", [.text("sichuan:r2")])

        await #expect(throws: StoreError.self) { try await node.store.refreshUnified() }
        #expect(try Self.dirtyMarks(connection) == ["sichuan:r2"])
    }

    @Test func anSQLFailureDuringTheMergeFailsItAndKeepsTheMarks() async throws {
        let (node, connection) = try await Self.node()
        // The duplicate-key lookup of the merge cannot run: SQLite reports it, the merge must too.
        try connection.execute("DROP INDEX IF EXISTS records_dup_key")
        try connection.execute("ALTER TABLE records RENAME COLUMN dup_key TO dup_key_gone")
        try connection.run("INSERT INTO merge_dirty (record_id) VALUES (?)", [.text("sichuan:r0")])

        await #expect(throws: (any Error).self) { try await node.store.refreshUnified() }
        #expect(try Self.dirtyMarks(connection) == ["sichuan:r0"])
        #expect(try node.reader().unifiedMemberCount() == 3)
    }
}
