import Catalog
import Foundation
import JSON
import TestSupport
import Testing

/// The CSV vector of `protocols/examples/csv` (protocols/README.md, CSV columns): `dump.csv` is what
/// `kechuang dump --format csv` writes for the records of `dump.json`, formula-escaped cells and
/// the `extensions` column included, and import reads the same records back from it.
@Suite struct CSVVectorTests {
    @Test func theDumpVectorIsWhatDumpWritesAndWhatImportReadsBack() throws {
        let json = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: Repository.example("csv/dump.json")))))
        let csv = Array(try Data(contentsOf: URL(fileURLWithPath: Repository.example("csv/dump.csv"))))
        let stored = try #require(json.arrayValue).map { try ProjectDecoder(mode: .stored).decode($0) }
        try #require(stored.count == 3)

        let written = ProjectCSV.headerLine + stored.map(ProjectCSV.line).joined()
        #expect(written == String(decoding: csv, as: UTF8.self), "dump.csv is what dump writes for dump.json")
        let text = String(decoding: csv, as: UTF8.self)
        for cell in [",'=cmd|' /C calc'!A0,", ",'-40 ℃", ",'@低温;锂电池,", ",''引号'研究所,", ",'+86 28 8765 4321,", ",'@某制造企业,", ",'-现有工艺能耗偏高。,"] {
            #expect(text.contains(cell), "dump.csv holds \(cell)")
        }

        let rows = try CSVParser.rows(csv)
        try #require(rows.count == stored.count + 1)
        let header = try ProjectCSV.validateHeader(rows[0].fields)
        let decoder = ProjectDecoder(mode: .importing(origin: "sichuan"))
        for (row, expected) in zip(rows.dropFirst(), stored) {
            let read = try decoder.decode(try ProjectCSV.object(header: header, fields: row.fields))
            #expect(read.jsonValue(nodeFields: false) == expected.jsonValue(nodeFields: false), "line \(row.line)")
        }
    }

    @Test(arguments: [
        ("=1+2", "'=1+2"), ("+86 28 8765 4321", "'+86 28 8765 4321"), ("-40", "'-40"), ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"), ("\r\nx", "'\r\nx"), ("'x", "''x"), ("''=", "'''="), ("a=b", "a=b"), ("", ""), ("＝全角", "＝全角"),
    ])
    func aCellIsEscapedForSpreadsheetsAndReadBackExactly(value: String, written: String) {
        #expect(ProjectCSV.escapingFormula(value) == written)
        #expect(ProjectCSV.unescapingFormula(written) == value)
    }

    @Test func aQuoteBeforeOrdinaryTextIsTheTextsOwn() {
        #expect(ProjectCSV.unescapingFormula("'x") == "'x")
        #expect(ProjectCSV.unescapingFormula("'") == "'")
    }
}
