import Catalog
import Foundation
import SQLite
@testable import Store
import TestSupport
import Testing

/// A store made by an earlier kechuang opens with this one: the migrations it has not seen run,
/// and what it held is kept.
@Suite struct MigrationTests {
    @Test func aVersionThreeStoreKeepsItsLogAndUnifiedCatalog() throws {
        let directory = try TemporaryDirectory(prefix: "migration")
        let path = directory.file("old.db")
        do {
            let old = try Connection(path: path)
            for (offset, sql) in Schema.migrations.prefix(3).enumerated() {
                try old.execute(sql)
                try old.setUserVersion(offset + 1)
            }
            for seq in 0..<300 {
                try old.run(
                    "INSERT INTO log_entries (origin, seq, op, record_id, entry, body) VALUES (?, ?, 'put', ?, ?, ?)",
                    [.text("chongqing"), .integer(Int64(seq)), .text("chongqing:r\(seq)"), .blob(Array("entry \(seq)".utf8)),
                     .blob(Array(String(repeating: "重庆", count: 400).utf8))])
            }
            try old.run("INSERT INTO unified (cluster_id, entry, hash) VALUES ('chongqing:r1', x'7b7d', x'00')")
        }
        let connection = try Schema.open(path: path, readOnly: false)
        try Schema.migrate(connection)
        #expect(try connection.userVersion() == Schema.migrations.count)
        let count = try connection.prepare("SELECT count(*), sum(length(body)) FROM log_entries WHERE origin = 'chongqing'")
            .queryFirst { ($0.int(0), $0.int(1)) }
        #expect(count?.0 == 300)
        #expect(count?.1 == 300 * 2400)
        #expect(try connection.prepare("SELECT entry FROM log_entries WHERE origin = 'chongqing' AND seq = 7").queryFirst { $0.blob(0) }
            == Array("entry 7".utf8))
        #expect(try connection.prepare("SELECT hash FROM unified WHERE cluster_id = 'chongqing:r1'").queryFirst { $0.blob(0) } == [0])
        // Rowid tables now: no WITHOUT ROWID left on the two large-row tables.
        let sql = try connection.prepare("SELECT sql FROM sqlite_schema WHERE name IN ('log_entries', 'unified')").query { $0.text(0) ?? "" }
        #expect(sql.count == 2 && sql.allSatisfy { !$0.contains("WITHOUT ROWID") }, "\(sql)")
        #expect(try connection.prepare("PRAGMA integrity_check").queryFirst { $0.text(0) } == "ok")
    }

    /// A store from before the search indexes of migration 6 gets them filled for the records it
    /// holds: one-character terms and filters find those records at once.
    @Test func aVersionFiveStoreGetsItsSearchIndexesFilled() async throws {
        let test = try TestStore()
        try await test.importJSON([
            RecordFixture.supply("a", title: "鑫源光电", industry: "electronics", trl: 5),
            RecordFixture.challenge("b", title: "普通难题", industry: "health"),
        ])
        do {
            // Take the store back to version 5: no character index, no tags.
            let old = try Connection(path: test.path)
            try old.execute("""
                DROP TRIGGER records_tags_insert; DROP TRIGGER records_tags_delete; DROP TRIGGER records_tags_update;
                DROP TABLE records_tags; DROP TABLE records_chars; DROP TABLE catalog_state;
                DROP TRIGGER record_counts_insert; DROP TRIGGER record_counts_delete; DROP TRIGGER record_counts_update; DROP TABLE record_counts; PRAGMA user_version = 5;
                """)
        }
        _ = try CatalogStore(path: test.path)
        let reader = try test.reader()
        func ids(_ request: SearchRequest) throws -> Set<String> { Set(try reader.search(request).hits.map(\.project.id.local)) }
        #expect(try ids(SearchRequest(terms: ["鑫"], today: "2026-11-26")) == ["a"])
        #expect(try ids(SearchRequest(kinds: [.challenge], today: "2026-11-26")) == ["b"])
        #expect(try ids(SearchRequest(industries: [.health], today: "2026-11-26")) == ["b"])
        let connection = try Connection(path: test.path, mode: .readOnly)
        #expect(try connection.userVersion() == Schema.migrations.count)
        #expect(try connection.prepare("SELECT count(*) FROM records_chars WHERE records_chars MATCH '\"光\"'").queryFirst { $0.int(0) } == 1)
        #expect(try connection.prepare("SELECT count(*) FROM records_tags WHERE records_tags MATCH '\"t_5\"'").queryFirst { $0.int(0) } == 1)
    }
}
