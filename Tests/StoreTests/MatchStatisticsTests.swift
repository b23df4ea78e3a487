import Catalog
import JSON
import SQLite
import Testing
import TestSupport

@testable import Store

/// Matching's BM25 reads the catalog's mean text length from the totals FTS5 keeps for
/// `records_grams` (its averages record) instead of scanning the index.
@Suite struct MatchStatisticsTests {
    @Test func sqliteVarintsDecodeAsFTS5WritesThem() {
        func decode(_ bytes: [UInt8]) -> UInt64? {
            var slice = bytes[...]
            return CatalogReader.fts5Varint(&slice)
        }
        #expect(decode([0x05]) == 5)
        #expect(decode([0xA9, 0x70]) == 5_360)  // a real averages record's row count
        #expect(decode([0xA5, 0xFE, 0x6A]) == 622_442)
        #expect(decode([0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]) == 1 << 57 | 1)  // the ninth byte is whole
        #expect(decode([0x81]) == nil)  // cut short
    }

    @Test func averageLengthIsTheIndexedPairsPerRecord() async throws {
        let test = try TestStore()
        #expect(try test.reader().averageGramLength() == 0)
        let records: [JSONValue] = [
            RecordFixture.supply("a-1", title: "激光甲烷检测模组"),
            RecordFixture.supply("a-2", title: "燃气泄漏报警器", keywords: ["燃气", "报警"]),
            RecordFixture.challenge("c-1", title: "毫米波雷达在雨雾中看不清"),
        ]
        try await test.importJSON(records)
        // Count what was indexed: every record's grams, from the folded columns they come from.
        let connection = try Connection(path: test.path)
        let rows = try connection.prepare("SELECT s_title, s_summary, s_keywords, s_org FROM records").query { row in
            (0..<4).map { row.text($0) ?? "" }
        }
        let pairs = rows.map { SearchGrams.grams($0).split(separator: " ").count }
        let expected = Double(pairs.reduce(0, +)) / Double(rows.count)
        #expect(expected > 0)
        #expect(try test.reader().averageGramLength() == expected)
    }
}
