@testable import JSON
import Testing

@Suite("JCS")
struct JCSTests {
    static let vectorNames = ["arrays", "french", "structures", "unicode", "values", "weird"]

    /// The cyberphone/json-canonicalization vectors: canonicalize(input/N.json) == output/N.json.
    @Test(arguments: vectorNames)
    func canonicalizesReferenceVector(name: String) throws {
        let input = try Fixtures.bytes("jcs/input/\(name).json")
        let expected = try Fixtures.bytes("jcs/output/\(name).json")
        let hex = try Fixtures.bytes("jcs/outhex/\(name).txt")
        let expectedFromHex = text(hex).split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap {
            UInt8($0, radix: 16)
        }
        #expect(expectedFromHex == expected)

        let canonical = try JCS.canonicalize(bytes: input)
        #expect(canonical == expected, "\(text(canonical))")
        #expect(JCS.isCanonical(expected))
        #expect(!JCS.isCanonical(input))
        #expect(try JCS.canonicalize(bytes: canonical) == canonical)
        // Compact human output is the canonical form.
        #expect(JSONWriter.write(try JSONParser.parse(input), pretty: false) == expected)
    }

    @Test func rejectsLoneSurrogates() {
        #expect(throws: JSONError.loneSurrogate) { try JCS.canonicalize(bytes: utf8(#"["\ud83d"]"#)) }
        #expect(throws: JSONError.loneSurrogate) { try JCS.canonicalize(bytes: utf8(#"["\ude00\ud83d"]"#)) }
        #expect(throws: JSONError.loneSurrogate) { try JCS.canonicalize(bytes: utf8(#"{"\udfff":1}"#)) }
    }

    @Test func rejectsInvalidUTF8InStrings() {
        #expect(throws: JSONError.invalidUTF8) { try JCS.canonicalize(bytes: [0x5B, 0x22, 0xFF, 0x22, 0x5D]) }
        #expect(!JCS.isCanonical([0x5B, 0x22, 0xFF, 0x22, 0x5D]))
    }

    /// UTF-16 order puts U+10000 and above (surrogates D800–DFFF) before U+E000–U+FFFF, unlike
    /// code point or UTF-8 byte order.
    @Test func sortsKeysByUTF16CodeUnits() throws {
        let value: JSONValue = [
            "\u{FFFD}": 1, "\u{E000}": 2, "\u{10000}": 3, "😂": 4, "\u{FB33}": 5, "a": 6, "": 7, "ab": 8,
            "\u{7F}": 9, "é": 10, "\u{D7FF}": 11,
        ]
        let expected = #"{"":7,"a":6,"ab":8,"\#u{7F}":9,"é":10,"\#u{D7FF}":11,"\#u{10000}":3,"😂":4,"#
            + #""\#u{E000}":2,"\#u{FB33}":5,"\#u{FFFD}":1}"#
        #expect(text(try JCS.canonicalize(value)) == expected)

        // The comparator agrees with a direct UTF-16 comparison on every pair.
        let keys = [
            "\u{FFFD}", "\u{E000}", "\u{10000}", "😂", "\u{10FFFF}", "a", "", "ab", "\u{7F}", "é", "中", "\u{EFFF}",
        ]
        for lhs in keys {
            for rhs in keys {
                #expect(JSONOutput.utf16Precedes(lhs, rhs) == lhs.utf16.lexicographicallyPrecedes(rhs.utf16))
            }
        }
    }

    @Test func escapesStringsMinimally() throws {
        let value = JSONValue.string("\u{0}\u{1}\u{8}\t\n\u{B}\u{C}\r\u{1F}\"\\/\u{7F}é中😂")
        let expected = #""\u0000\u0001\b\t\n\u000b\f\r\u001f\"\\/\#u{7F}é中😂""#
        #expect(text(try JCS.canonicalize(value)) == expected)
    }

    /// Every byte value at every offset of the first two words, against a byte-at-a-time reference, so
    /// the eight-bytes-at-a-time skipping in the writer cannot miss anything.
    @Test func escapesEveryByteAtEveryOffset() throws {
        for offset in 0..<17 {
            for byte in UInt8(0)...0x7F {
                let raw = [UInt8](repeating: UInt8(ascii: "a"), count: offset) + [byte] + utf8("bcdefghijklmnopq")
                let string = text(raw)
                var expected = utf8("\"")
                for unit in raw {
                    switch unit {
                    case 0x22: expected += utf8("\\\"")
                    case 0x5C: expected += utf8("\\\\")
                    case 0x08: expected += utf8("\\b")
                    case 0x09: expected += utf8("\\t")
                    case 0x0A: expected += utf8("\\n")
                    case 0x0C: expected += utf8("\\f")
                    case 0x0D: expected += utf8("\\r")
                    case 0..<0x20: expected += utf8("\\u00") + utf8(String(unit, radix: 16)).reversed().padded()
                    default: expected.append(unit)
                    }
                }
                expected += utf8("\"")
                let written = try JCS.canonicalize(.string(string))
                #expect(written == expected, "byte \(byte) at offset \(offset)")
                #expect(try JSONParser.parse(written) == .string(string))
            }
        }
    }

    @Test(arguments: [
        (1e21, "1e+21"), (1e20, "100000000000000000000"), (1e-7, "1e-7"), (1.5e-7, "1.5e-7"),
        (0.000001, "0.000001"), (0.0000015, "0.0000015"), (123456789012345683968, "123456789012345680000"),
        (.leastNonzeroMagnitude, "5e-324"), (-.leastNonzeroMagnitude, "-5e-324"), (0.1, "0.1"), (-0.0, "0"),
        (0.0, "0"), (-1.5, "-1.5"),
        (1.7976931348623157e308, "1.7976931348623157e+308"), (9007199254740991, "9007199254740991"),
        (9007199254740992, "9007199254740992"), (-9007199254740994, "-9007199254740994"),
        (1152921504606846976, "1152921504606847000"), (1e16, "10000000000000000"),
        (333333333.33333329, "333333333.3333333"),
        (4.5, "4.5"), (0.002, "0.002"), (1e-27, "1e-27"), (1e30, "1e+30"), (100, "100"), (-42, "-42"),
        (0.30000000000000004, "0.30000000000000004"), (2.2250738585072014e-308, "2.2250738585072014e-308"),
    ] as [(Double, String)])
    func formatsNumbersLikeECMAScript(number: Double, expected: String) throws {
        #expect(text(try JCS.canonicalize(.number(number))) == expected)
    }

    /// Reference strings generated by Node.js `Number.prototype.toString` (see Fixtures/es6/generate-numbers.js).
    @Test func matchesECMAScriptReferenceNumbers() throws {
        let lines = text(try Fixtures.bytes("es6/numbers.txt")).split(separator: "\n")
        #expect(lines.count > 3000)
        var mismatches: [String] = []
        for line in lines {
            let fields = line.split(separator: ",")
            let bits = try #require(UInt64(fields[0], radix: 16))
            let number = Double(bitPattern: bits)
            let actual = text(try JCS.canonicalize(.number(number)))
            if actual != fields[1] {
                mismatches.append("\(fields[0]): expected \(fields[1]), got \(actual)")
            }
            // What we write must parse back to the same double.
            #expect(try JSONParser.parse(actual).doubleValue == number)
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test func rejectsNonFiniteNumbersWithPath() throws {
        let value: JSONValue = ["a": [1, .number(.nan)]]
        let error = try #require(throws: JSONError.self) { try JCS.canonicalize(value) }
        #expect(error == .nonFiniteNumber)
        #expect(error.path == [.key("a"), .index(1)])
        #expect(error.line == nil)
        #expect(error.description.hasPrefix("a[1]: "))
        #expect(throws: JSONError.nonFiniteNumber) { try JCS.canonicalize(.number(-.infinity)) }
    }

    @Test func signingAcceptsOnlySafeIntegers() throws {
        #expect(text(try JCS.canonicalizeForSigning(["n": 9007199254740991])) == #"{"n":9007199254740991}"#)
        #expect(text(try JCS.canonicalizeForSigning(["n": -9007199254740991])) == #"{"n":-9007199254740991}"#)
        #expect(text(try JCS.canonicalizeForSigning([0, -0.0, 42, "1.5"])) == #"[0,0,42,"1.5"]"#)

        for rejected: Double in [1.5, 9007199254740992, -9007199254740992, 1e300, 0.1, -0.5] {
            let error = try #require(throws: JSONError.self) {
                try JCS.canonicalizeForSigning(["price": ["amount": "12.50", "n": .number(rejected)]])
            }
            #expect(error == .numberNotAllowedInSignedObject)
            #expect(error.path == [.key("price"), .key("n")])
        }
        // The same values are fine without the signing restriction.
        #expect(text(try JCS.canonicalize([1.5, 9007199254740992])) == "[1.5,9007199254740992]")
        #expect(throws: JSONError.nonFiniteNumber) { try JCS.canonicalizeForSigning(.number(.nan)) }
    }

    @Test func recognizesCanonicalBytes() {
        #expect(JCS.isCanonical(utf8(#"{"a":1,"b":[true,null,"é"]}"#)))
        #expect(JCS.isCanonical(utf8("\"\u{10000}\"")))
        #expect(!JCS.isCanonical(utf8(#"{"b":1,"a":2}"#)))
        #expect(!JCS.isCanonical(utf8(#"{"a": 1}"#)))
        #expect(!JCS.isCanonical(utf8(#"{"a":1.0}"#)))
        #expect(!JCS.isCanonical(utf8(#"{"a":1}"# + "\n")))
        #expect(!JCS.isCanonical(utf8(#""\u00e9""#)))
        #expect(!JCS.isCanonical(utf8(#""\/""#)))
        #expect(!JCS.isCanonical(utf8(#"{"a":1,"a":1}"#)))
        #expect(!JCS.isCanonical([]))
    }
}

private extension Array where Element == UInt8 {
    /// Reverses back a reversed hex string and left-pads it to two digits (helper for the reference).
    func padded() -> [UInt8] {
        let digits = Array(reversed())
        return digits.count == 1 ? [UInt8(ascii: "0")] + digits : digits
    }
}
