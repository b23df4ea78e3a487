import Foundation
@testable import JSON
import Testing

@Suite("JSONArrayStreamReader")
struct JSONArrayStreamReaderTests {
    static let document = """
        [
          {"名称": "北京", "n": 1},
          {"名称": "上海",
           "n": 2},   "字符串\\n😂",
          3 ,
        \t[true, null, {"深": ["层"]}]
        ]

        """

    static let expected: [(value: JSONValue, line: Int, source: String)] = [
        (["名称": "北京", "n": 1], 2, #"{"名称": "北京", "n": 1}"#),
        (["名称": "上海", "n": 2], 3, "{\"名称\": \"上海\",\n   \"n\": 2}"),
        ("字符串\n😂", 4, #""字符串\n😂""#),
        (3, 5, "3"),
        ([true, nil, ["深": ["层"]]], 6, #"[true, null, {"深": ["层"]}]"#),
    ]

    static func readAll(_ reader: consuming JSONArrayStreamReader) throws -> [JSONArrayStreamReader.Element] {
        var elements: [JSONArrayStreamReader.Element] = []
        while let element = try reader.next() {
            elements.append(element)
        }
        return elements
    }

    static func checkDocument(_ elements: [JSONArrayStreamReader.Element]) {
        #expect(elements.count == expected.count)
        for (element, expected) in zip(elements, expected) {
            #expect(element.value == expected.value)
            #expect(element.line == expected.line)
            #expect(element.bytes == utf8(expected.source))
        }
        #expect(elements.map(\.index) == Array(0..<elements.count))
    }

    @Test func readsElementsWithLinesAndBytes() throws {
        Self.checkDocument(try Self.readAll(JSONArrayStreamReader(bytes: utf8(Self.document))))
    }

    /// Every chunk size from 1 to 16 puts chunk boundaries inside multi-byte characters, inside
    /// strings and escapes, and between an element and its separator.
    @Test(arguments: 1...16)
    func handlesEveryChunkBoundary(chunkSize: Int) throws {
        let reader = JSONArrayStreamReader(bytes: utf8(Self.document), limits: .default, chunkSize: chunkSize)
        Self.checkDocument(try Self.readAll(reader))
    }

    @Test func readsFilesAndSkipsByteOrderMark() throws {
        let path = Fixtures.temporaryPath("bom.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data([0xEF, 0xBB, 0xBF] + utf8(Self.document)).write(to: URL(fileURLWithPath: path))

        Self.checkDocument(try Self.readAll(JSONArrayStreamReader(path: path)))
        for chunkSize in [1, 2, 3, 5, 64] {
            Self.checkDocument(try Self.readAll(JSONArrayStreamReader(path: path, limits: .default,
                                                                      chunkSize: chunkSize)))
        }
        // A BOM moves offsets but not columns.
        try Data([0xEF, 0xBB, 0xBF] + utf8("[1, x]")).write(to: URL(fileURLWithPath: path))
        var reader = try JSONArrayStreamReader(path: path)
        _ = try reader.next()
        let error = try #require(throws: JSONError.self) { try reader.next() }
        #expect(error == .invalidLiteral)
        #expect((error.line, error.column, error.offset) == (1, 5, 7))
    }

    @Test func readsFromFileDescriptor() throws {
        let path = Fixtures.temporaryPath("fd.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(utf8(Self.document)).write(to: URL(fileURLWithPath: path))
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        Self.checkDocument(try Self.readAll(JSONArrayStreamReader(fileDescriptor: handle.fileDescriptor)))
    }

    @Test func reportsMissingFile() {
        #expect(throws: JSONError.ioError) { _ = try JSONArrayStreamReader(path: "/nonexistent/dir/file.json") }
    }

    @Test(arguments: ["[]", "  [ ]  ", "\u{FEFF}[]\n", "[\n]\n"])
    func emptyArrayYieldsNothing(input: String) throws {
        var reader = JSONArrayStreamReader(bytes: utf8(input))
        #expect(try reader.next() == nil)
        #expect(try reader.next() == nil)
    }

    /// Malformed input with the error and its absolute position; `count` elements come out first.
    @Test(arguments: [
        ("[\n  {\"a\": 1},\n  {\"b\": 2},\n  {\"c\": tru}\n]", 2, JSONError.invalidLiteral, 4, 9),
        ("[\n  {\"标题\": 1,\n   \"标题\": 2}\n]", 0, .duplicateKey, 3, 4),
        ("[1, 2 3]", 2, .unexpectedCharacter, 1, 7),
        ("[1,]", 1, .unexpectedCharacter, 1, 4),
        ("[,1]", 0, .unexpectedCharacter, 1, 2),
        ("[1] x", 1, .trailingData, 1, 5),
        ("[1, 2", 2, .unexpectedEndOfInput, 1, 6),
        ("[1, {\"a\": \"x", 1, .unexpectedEndOfInput, 1, 13),
        ("[\"a\\ud83d\"]", 0, .loneSurrogate, 1, 4),
        ("{\"a\": 1}", 0, .expectedArray, 1, 1),
        ("  \n 42", 0, .expectedArray, 2, 2),
        ("", 0, .unexpectedEndOfInput, 1, 1),
        ("\u{FEFF}", 0, .unexpectedEndOfInput, 1, 1),
        ("[01]", 0, .leadingZero, 1, 2),
    ] as [(String, Int, JSONError, Int, Int)])
    func reportsMalformedInput(input: String, count: Int, expected: JSONError, line: Int, column: Int) throws {
        for chunkSize in [1, 3, Int.max] {
            var reader = JSONArrayStreamReader(bytes: utf8(input), limits: .default, chunkSize: chunkSize)
            for _ in 0..<count {
                #expect(try reader.next() != nil)
            }
            let error = try #require(throws: JSONError.self) { try reader.next() }
            #expect(error == expected, "\(error)")
            #expect(error.line == line && error.column == column, "\(error)")
            // The reader stays failed.
            #expect(throws: expected) { try reader.next() }
        }
    }

    @Test func reportsInvalidUTF8AtAbsoluteOffset() throws {
        var reader = JSONArrayStreamReader(bytes: utf8("[\n\"ok\",\n\"中") + [0xFF] + utf8("\"]"), limits: .default,
                                           chunkSize: 2)
        #expect(try reader.next()?.value == "ok")
        let error = try #require(throws: JSONError.self) { try reader.next() }
        #expect(error == .invalidUTF8)
        #expect((error.line, error.column, error.offset) == (3, 3, 12))

        // Between elements, too, and with the bad sequence split across chunks.
        for chunkSize in [1, 2, 3, Int.max] {
            var split = JSONArrayStreamReader(bytes: utf8("[1,\n 2 ") + [0xE4, 0xB8] + utf8("]"), limits: .default,
                                              chunkSize: chunkSize)
            _ = try split.next()
            _ = try split.next()
            let error = try #require(throws: JSONError.self) { try split.next() }
            #expect(error == .invalidUTF8)
            #expect((error.line, error.column) == (2, 4))
            var valid = JSONArrayStreamReader(bytes: utf8("[1 中]"), limits: .default, chunkSize: chunkSize)
            _ = try valid.next()
            let unexpected = try #require(throws: JSONError.self) { try valid.next() }
            #expect(unexpected == .unexpectedCharacter)
            #expect(unexpected.message == "expected ',' or ']' but found '中'")
        }
    }

    @Test func countsDepthFromTheTopLevelArray() throws {
        let limits = JSONParser.Limits(maxDepth: 3)
        var shallow = JSONArrayStreamReader(bytes: utf8("[[[1]], {\"a\": []}]"), limits: limits)
        #expect(try shallow.next()?.value == [[1]])
        #expect(try shallow.next()?.value == ["a": []])
        #expect(try shallow.next() == nil)

        var deep = JSONArrayStreamReader(bytes: utf8("[1, [[[2]]]]"), limits: limits)
        #expect(try deep.next()?.value == 1)
        let error = try #require(throws: JSONError.self) { try deep.next() }
        #expect(error == .tooDeep)
        #expect(error.column == 7)

        // Hostile nesting fails after the limit, not after buffering the whole element.
        let hostile = [UInt8]("[".utf8) + [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        var reader = JSONArrayStreamReader(bytes: hostile, limits: .default, chunkSize: 4096)
        #expect(throws: JSONError.tooDeep) { try reader.next() }
    }

    @Test func limitsElementSize() throws {
        let limits = JSONParser.Limits(maxBytes: 16)
        let input = "[\"short\",\n \"this element is too large\", 1]"
        var reader = JSONArrayStreamReader(bytes: utf8(input), limits: limits, chunkSize: 4)
        #expect(try reader.next()?.value == "short")
        let error = try #require(throws: JSONError.self) { try reader.next() }
        #expect(error == .inputTooLarge)
        #expect((error.line, error.column) == (2, 2))
    }

    @Test func roundTripsThroughStreamWriter() throws {
        let path = Fixtures.temporaryPath("stream.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let records: [JSONValue] = (0..<2_000).map { index in
            ["id": .number(Double(index)), "标题": .string("记录 \(index)\n第二行"), "tags": ["a", .number(Double(index) / 4)]]
        }
        let writer = try JSONStreamWriter(path: path)
        for record in records {
            try writer.append(record)
        }
        #expect(writer.count == records.count)
        try writer.finish()
        try writer.finish()
        #expect(throws: JSONError.ioError) { try writer.append(1) }

        var reader = try JSONArrayStreamReader(path: path, limits: .default, chunkSize: 1000)
        var seen = 0
        while let element = try reader.next() {
            #expect(element.value == records[element.index])
            #expect(element.line == element.index + 2)
            #expect(element.bytes == (try JCS.canonicalize(records[element.index])))
            seen += 1
        }
        #expect(seen == records.count)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(data.starts(with: utf8("[\n{")))
        #expect(data.suffix(3) == Data(utf8("}\n]\n")) || data.suffix(4) == Data(utf8("]}\n]\n").suffix(4)))
    }

    @Test func streamWriterWritesEmptyArray() throws {
        let path = Fixtures.temporaryPath("empty.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try JSONStreamWriter(path: path)
        try writer.finish()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(utf8("[]\n")))

        let single = try JSONStreamWriter(path: path)
        try single.append(["b": 1, "a": "中"])
        try single.finish()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(utf8("[\n{\"a\":\"中\",\"b\":1}\n]\n")))
    }
}
