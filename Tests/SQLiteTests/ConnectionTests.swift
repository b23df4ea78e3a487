import Foundation
import SQLite
import Testing

@Suite struct ConnectionTests {
    @Test func bindsAndReadsEveryType() throws {
        let db = try Connection(path: ":memory:")
        try db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)")
        try db.run("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [.integer(42), .real(1.5), .text("先进毫米波"), .blob([0, 1, 255]), .null])
        let row = try #require(try db.prepare("SELECT i, r, s, b, n FROM t").queryFirst { row in
            (row.int(0), row.double(1), row.text(2), row.blob(3), row.isNull(4))
        })
        #expect(row.0 == 42)
        #expect(row.1 == 1.5)
        #expect(row.2 == "先进毫米波")
        #expect(row.3 == [0, 1, 255])
        #expect(row.4)
    }

    @Test func emptyStringIsNotNull() throws {
        let db = try Connection(path: ":memory:")
        try db.execute("CREATE TABLE t (s TEXT)")
        try db.run("INSERT INTO t VALUES (?)", [.text("")])
        let isNull = try db.prepare("SELECT s IS NULL FROM t").queryFirst { $0.int(0) }
        #expect(isNull == 0)
    }

    @Test func errorsCarryCodeMessageAndSQL() throws {
        let db = try Connection(path: ":memory:")
        try db.execute("CREATE TABLE t (id TEXT PRIMARY KEY)")
        try db.run("INSERT INTO t VALUES (?)", ["a"])
        do {
            try db.run("INSERT INTO t VALUES (?)", ["a"])
            Issue.record("a duplicate primary key must fail")
        } catch {
            #expect(error.isConstraintViolation)
            #expect(error.sql == "INSERT INTO t VALUES (?)")
            #expect(error.description.contains("UNIQUE"))
        }
        #expect(throws: SQLiteError.self) { try db.prepare("SELEC nonsense") }
    }

    @Test func transactionRollsBackWhenTheBodyThrows() throws {
        struct Abort: Error {}
        let db = try Connection(path: ":memory:")
        try db.execute("CREATE TABLE t (i INTEGER)")
        #expect(throws: Abort.self) {
            try db.transaction {
                try db.run("INSERT INTO t VALUES (1)")
                throw Abort()
            }
        }
        #expect(try db.prepare("SELECT count(*) FROM t").queryFirst { $0.int(0) } == 0)
        try db.transaction { try db.run("INSERT INTO t VALUES (1)") }
        #expect(try db.prepare("SELECT count(*) FROM t").queryFirst { $0.int(0) } == 1)
    }

    @Test func readOnlyConnectionRefusesWrites() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ro-\(UUID()).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let writer = try Connection(path: path)
            try writer.execute("PRAGMA journal_mode = WAL; CREATE TABLE t (i INTEGER); INSERT INTO t VALUES (7)")
        }
        let reader = try Connection(path: path, mode: .readOnly)
        #expect(try reader.prepare("SELECT i FROM t").queryFirst { $0.int(0) } == 7)
        #expect(throws: SQLiteError.self) { try reader.execute("INSERT INTO t VALUES (8)") }
    }

    @Test func userVersionRoundTrips() throws {
        let db = try Connection(path: ":memory:")
        #expect(try db.userVersion() == 0)
        try db.setUserVersion(3)
        #expect(try db.userVersion() == 3)
    }

    @Test func ftsTrigramIsAvailable() throws {
        let db = try Connection(path: ":memory:")
        try db.execute("CREATE VIRTUAL TABLE f USING fts5(t, tokenize = 'trigram'); INSERT INTO f VALUES ('先进毫米波感知技术')")
        #expect(try db.prepare("SELECT count(*) FROM f WHERE f MATCH ?").queryFirst(["\"毫米波\""]) { $0.int(0) } == 1)
    }
}
