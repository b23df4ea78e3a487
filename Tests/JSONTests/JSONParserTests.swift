@testable import JSON
import Testing

@Suite("JSONParser")
struct JSONParserTests {
    @Test func parsesAllValueKinds() throws {
        let value = try JSONParser.parse(
            #" { "s": "中文\n\"q\"", "n": -12.5e1, "t": true, "f": false, "z": null, "a": [1, [], {}] } "#)
        #expect(value == [
            "s": "中文\n\"q\"", "n": -125, "t": true, "f": false, "z": nil, "a": [1, [], [:]],
        ])
    }

    @Test func decodesEscapes() throws {
        let value = try JSONParser.parse(#""\u00e9\n\t\"\\\/\b\f\r\ud83d\ude02\u4E2D\u0000x""#)
        #expect(value == .string("é\n\t\"\\/\u{8}\u{C}\r😂中\u{0}x"))
    }

    @Test func keepsUnnormalizedText() throws {
        let value = try JSONParser.parse(#""A\u030a""#)
        #expect(value.stringValue.map { Array($0.unicodeScalars) } == ["A", "\u{30A}"])
    }

    @Test func acceptsEveryInputShape() throws {
        #expect(try JSONParser.parse(ArraySlice(utf8("[1, 2, 3]")).dropFirst(0)) == [1, 2, 3])
        #expect(try JSONParser.parse(utf8("x[true]").dropFirst()) == [true])
        #expect(try JSONParser.parse(utf8(" 7 ").lazy.map { $0 }) == 7)
        #expect(try JSONParser.parse("\"é\"") == "é")
    }

    @Test(arguments: [
        ("0", 0.0), ("-0", -0.0), ("1E2", 100), ("1e+2", 100), ("0.5e-3", 0.0005), ("123.456", 123.456),
        ("9007199254740993", 9007199254740992), ("123456789012345678901234567890", 1.2345678901234568e29),
        ("2.2250738585072011e-308", Double(bitPattern: 0x000F_FFFF_FFFF_FFFF)), ("1e-400", 0),
        ("1.7976931348623157e308", .greatestFiniteMagnitude),
        ("0.1", 0.1), ("3.0e22", 3e22), ("1234567890123456e-5", 12345678901.23456),
    ] as [(String, Double)])
    func parsesNumbersExactly(literal: String, expected: Double) throws {
        let value = try #require(try JSONParser.parse(literal).doubleValue)
        #expect(value.bitPattern == expected.bitPattern)
    }

    /// Each malformed input with the specific error and its 1-based line and column.
    @Test(arguments: [
        (#"{"a":1,"a":2}"#, JSONError.duplicateKey, 1, 8),
        ("{\n  \"标题\": \"数据\",\n  \"标题\": 1\n}", .duplicateKey, 3, 3),
        (#"{"e\u0301":1,"é":2}"#, .duplicateKey, 1, 14),
        ("[1,]", .unexpectedCharacter, 1, 4),
        ("[1 2]", .unexpectedCharacter, 1, 4),
        (#"{"a" 1}"#, .unexpectedCharacter, 1, 6),
        (#"{"a":1,}"#, .unexpectedCharacter, 1, 8),
        ("{1:2}", .unexpectedCharacter, 1, 2),
        ("[01]", .leadingZero, 1, 2),
        ("-007", .leadingZero, 1, 1),
        ("00", .leadingZero, 1, 1),
        ("+1", .invalidNumber, 1, 1),
        (".5", .invalidNumber, 1, 1),
        ("1.", .invalidNumber, 1, 3),
        ("[1.]", .invalidNumber, 1, 4),
        ("1.e5", .invalidNumber, 1, 3),
        ("1e", .invalidNumber, 1, 3),
        ("1e+", .invalidNumber, 1, 4),
        ("-", .invalidNumber, 1, 2),
        ("1-2", .invalidNumber, 1, 2),
        ("-Infinity", .invalidNumber, 1, 2),
        ("NaN", .invalidLiteral, 1, 1),
        ("[Infinity]", .invalidLiteral, 1, 2),
        ("tru", .invalidLiteral, 1, 1),
        ("truex", .invalidLiteral, 1, 1),
        ("{\"名字\": nul}", .invalidLiteral, 1, 8),
        ("1e400", .numberOutOfRange, 1, 1),
        ("[\n -1e400]", .numberOutOfRange, 2, 2),
        (#"["\ud83d"]"#, .loneSurrogate, 1, 3),
        (#"["\ude00\ud83d"]"#, .loneSurrogate, 1, 3),
        (#""\ud83d\u0041""#, .loneSurrogate, 1, 2),
        (#""ab\ud83dx""#, .loneSurrogate, 1, 4),
        ("\"a\u{1}\"", .controlCharacterInString, 1, 3),
        ("\"line\nbreak\"", .controlCharacterInString, 1, 6),
        ("\"tab\there\"", .controlCharacterInString, 1, 5),
        (#""\x""#, .invalidEscape, 1, 2),
        (#""\u12G4""#, .invalidEscape, 1, 2),
        ("{} x", .trailingData, 1, 4),
        ("{}}", .trailingData, 1, 3),
        ("1 2", .trailingData, 1, 3),
        ("", .unexpectedEndOfInput, 1, 1),
        ("   ", .unexpectedEndOfInput, 1, 4),
        ("[", .unexpectedEndOfInput, 1, 2),
        ("{\"a\":", .unexpectedEndOfInput, 1, 6),
        ("\"abc", .unexpectedEndOfInput, 1, 5),
        ("[\u{A0}1]", .unexpectedCharacter, 1, 2),
        ("\u{C}1", .unexpectedCharacter, 1, 1),
        ("\u{FEFF}{}", .byteOrderMark, 1, 1),
    ] as [(String, JSONError, Int, Int)])
    func rejectsMalformedInput(input: String, expected: JSONError, line: Int, column: Int) throws {
        let error = try #require(parseError(input))
        #expect(error == expected, "\(error)")
        #expect(error.line == line, "\(error)")
        #expect(error.column == column, "\(error)")
    }

    /// Every byte value at every offset of the first two words of a string, so the eight-bytes-at-a-time
    /// scanning cannot skip a quote, backslash or control character, nor miss invalid UTF-8.
    @Test func scansEveryByteAtEveryOffset() throws {
        for offset in 0..<17 {
            for byte in UInt8(0)...0xFF {
                let content = [UInt8](repeating: UInt8(ascii: "a"), count: offset) + [byte] + utf8("ghijkmopqsvwxyzG")
                let input = utf8("[\"") + content + utf8("\"]")
                let result = Result { () throws(JSONError) in try JSONParser.parse(input) }
                switch byte {
                case 0..<0x20:
                    #expect(throws: JSONError.controlCharacterInString) { try result.get() }
                case UInt8(ascii: "\""):
                    #expect(throws: JSONError.unexpectedCharacter) { try result.get() }
                case UInt8(ascii: "\\"):
                    #expect(throws: JSONError.invalidEscape) { try result.get() }
                case 0x80...:
                    let error = try #require(throws: JSONError.self) { try result.get() }
                    #expect(error == .invalidUTF8)
                    #expect(error.offset == offset + 2)
                default:
                    #expect(try result.get() == [.string(text(content))])
                }
            }
        }
    }

    @Test func reportsInvalidUTF8WithPosition() throws {
        let cases: [([UInt8], Int)] = [
            ([0x22, 0x61, 0xFF, 0x22], 3),                   // 0xFF never appears in UTF-8
            ([0x22, 0xC0, 0xAF, 0x22], 2),                   // overlong "/"
            ([0x22, 0xED, 0xA0, 0x80, 0x22], 2),             // encoded surrogate U+D800
            ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 2),       // beyond U+10FFFF
            ([0x22, 0xE4, 0xB8, 0x22], 2),                   // truncated 中
            ([0x22, 0x5C, 0x6E, 0xE4, 0xB8, 0x22], 4),       // after an escape, on the slow path
            ([0x5B, 0xFF, 0x5D], 2),                         // outside strings
            ([0x5B, 0x31, 0x5D, 0x80], 4),                   // as trailing data
            ([0x22, 0xFF, 0x01, 0x22], 2),                   // reported before the later control character
        ]
        for (bytes, column) in cases {
            let error = try #require(parseError(bytes))
            #expect(error == .invalidUTF8, "\(bytes): \(error)")
            #expect(error.line == 1 && error.column == column, "\(bytes): \(error)")
            #expect(error.offset == column - 1, "\(bytes): \(error)")
        }
    }

    @Test func describesErrorsWithLineAndColumn() throws {
        let error = try #require(parseError("{\n  \"id\": 1,\n  \"x\": 2, \"title\": 1, \"title\": 2\n}"))
        #expect(error.description == #"line 3, column 23: duplicate key "title""#)
        #expect(error.offset == 35)
    }

    @Test func countsColumnsInScalars() throws {
        let error = try #require(parseError("[\"中文\", \"\\q\"]"))
        #expect(error == .invalidEscape)
        #expect(error.column == 9)
        #expect(error.offset == 12)
    }

    @Test func rejectsDeepNestingQuicklyWithoutRecursion() throws {
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        let started = ContinuousClock.now
        let error = try #require(parseError(deep))
        #expect(ContinuousClock.now - started < .seconds(1))
        #expect(error == .tooDeep)
        #expect(error.column == 65)

        // Even with a limit far beyond any sane document, descending 100,000 levels does not recurse on
        // the native stack (a recursive parser would overflow it here). The error sits at the bottom so
        // that no 100,000-deep value is built, whose destruction would recurse.
        let bottomless = String(repeating: "[", count: 100_000) + "}"
        let bottom = try #require(parseError(bottomless, limits: .init(maxDepth: 200_000)))
        #expect(bottom == .unexpectedCharacter)
        #expect(bottom.column == 100_001)
    }

    @Test func enforcesDepthLimitExactly() throws {
        let limits = JSONParser.Limits(maxDepth: 3)
        #expect(try JSONParser.parse("[[{}]]", limits: limits) == [[[:]]])
        #expect(try JSONParser.parse("7", limits: .init(maxDepth: 0)) == 7)
        #expect(parseError("[[[[]]]]", limits: limits) == .tooDeep)
        #expect(parseError(#"{"a":{"b":{"c":[]}}}"#, limits: limits) == .tooDeep)
        #expect(parseError(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)) == nil)
        #expect(parseError(String(repeating: "[", count: 65) + String(repeating: "]", count: 65)) == .tooDeep)
    }

    @Test func rejectsLongNumbersQuickly() throws {
        let digits = String(repeating: "7", count: 400)
        let error = try #require(parseError("[\(digits)]"))
        #expect(error == .numberTooLong)
        #expect(error.column == 2)

        let huge = [UInt8](repeating: UInt8(ascii: "1"), count: 10_000_000)
        let started = ContinuousClock.now
        #expect(parseError(huge) == .numberTooLong)
        #expect(ContinuousClock.now - started < .seconds(1))

        let forty = "0." + String(repeating: "1", count: 38)
        #expect(parseError(forty) == nil)
        #expect(parseError(forty + "1") == .numberTooLong)
        #expect(parseError("12345", limits: .init(maxNumberLength: 4)) == .numberTooLong)
    }

    @Test func enforcesSizeLimits() throws {
        let error = try #require(parseError("[1, 2]", limits: .init(maxBytes: 5)))
        #expect(error == .inputTooLarge)
        #expect(error.line == nil)
        #expect(parseError("[1,2]", limits: .init(maxBytes: 5)) == nil)

        let limits = JSONParser.Limits(maxStringBytes: 6)
        #expect(try JSONParser.parse(#"["中文"]"#, limits: limits) == ["中文"])
        let long = try #require(parseError(#"["中文字"]"#, limits: limits))
        #expect(long == .stringTooLong)
        #expect(long.column == 2)
        #expect(parseError(#"["ab\ncd"]"#, limits: limits) == nil)
        #expect(parseError(#"["abcd\ne"]"#, limits: limits) == .stringTooLong)
    }

    @Test func errorsCompareByKindOnly() {
        #expect(JSONError.duplicateKey == JSONError.duplicateKey)
        #expect(JSONError.duplicateKey != JSONError.tooDeep)
        #expect(parseError(#"{"a":1,"a":2}"#) == .duplicateKey)
        #expect(throws: JSONError.tooDeep) {
            try JSONParser.parse("[[1]]", limits: .init(maxDepth: 1))
        }
    }
}
