/// The byte-level engine behind `JSONParser`.
///
/// It works on a raw pointer into a contiguous buffer that the caller keeps alive for the duration
/// of `parseDocument()`; every read is bounds-checked against `count` by the code below instead of
/// by `Array`, which is what makes the hot loops fast. Containers are parsed without recursion:
/// finished values are pushed onto one shared `values` stack (object keys onto `keys`), and a
/// container is materialised in one step when its closing bracket is seen. That keeps the native
/// stack flat for any `maxDepth`, allocates each array and dictionary exactly once at its final size
/// (dictionaries never rehash while growing), and reuses the stacks' storage across containers.
struct JSONParserCore {
    private struct Frame {
        var isObject: Bool
        var valueStart: Int
        var keyStart: Int
    }

    private let base: UnsafePointer<UInt8>
    private let count: Int
    private let limits: JSONParser.Limits
    private let origin: SourcePosition
    private let baseDepth: Int
    private var pos = 0

    private var frames: [Frame] = []
    private var values: [JSONValue] = []
    private var keys: [String] = []
    private var keyOffsets: [Int] = []
    /// Reused buffer for decoding strings that contain escapes.
    private var scratch: [UInt8] = []

    init(base: UnsafePointer<UInt8>, count: Int, limits: JSONParser.Limits, origin: SourcePosition, baseDepth: Int) {
        self.base = base
        self.count = count
        self.limits = limits
        self.origin = origin
        self.baseDepth = baseDepth
    }

    // MARK: Document and containers

    mutating func parseDocument() throws(JSONError) -> JSONValue {
        if count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF {
            throw error(.byteOrderMark, "unexpected UTF-8 byte order mark; strip it before parsing", at: 0)
        }
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if pos < count {
            throw unexpected(.trailingData, expected: "end of input after the JSON value")
        }
        return value
    }

    private mutating func parseValue() throws(JSONError) -> JSONValue {
        var value: JSONValue
        nextValue: while true {
            guard pos < count else {
                throw error(.unexpectedEndOfInput, "unexpected end of input, expected a value", at: pos)
            }
            switch base[pos] {
            case UInt8(ascii: "\""):
                value = .string(try parseString())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = .number(try parseNumber())
            case UInt8(ascii: "{"):
                try checkDepth()
                pos += 1
                skipWhitespace()
                if pos < count && base[pos] == UInt8(ascii: "}") {
                    pos += 1
                    value = .object([:])
                } else {
                    frames.append(Frame(isObject: true, valueStart: values.count, keyStart: keys.count))
                    try parseMemberName()
                    continue nextValue
                }
            case UInt8(ascii: "["):
                try checkDepth()
                pos += 1
                skipWhitespace()
                if pos < count && base[pos] == UInt8(ascii: "]") {
                    pos += 1
                    value = .array([])
                } else {
                    frames.append(Frame(isObject: false, valueStart: values.count, keyStart: keys.count))
                    continue nextValue
                }
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                value = try parseLiteral()
            default:
                throw invalidValueStart()
            }

            // A value is complete: attach it to the enclosing container and close as many
            // containers as the input closes here.
            while let frame = frames.last {
                skipWhitespace()
                let closer = frame.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                guard pos < count else {
                    throw error(.unexpectedEndOfInput,
                                "unexpected end of input, expected ',' or '\(Character(Unicode.Scalar(closer)))'",
                                at: pos)
                }
                let byte = base[pos]
                values.append(value)
                if byte == UInt8(ascii: ",") {
                    pos += 1
                    skipWhitespace()
                    if frame.isObject {
                        try parseMemberName()
                    }
                    continue nextValue
                }
                guard byte == closer else {
                    throw unexpected(.unexpectedCharacter,
                                     expected: "',' or '\(Character(Unicode.Scalar(closer)))'")
                }
                pos += 1
                frames.removeLast()
                value = frame.isObject ? try makeObject(frame) : makeArray(frame)
            }
            return value
        }
    }

    private func checkDepth() throws(JSONError) {
        // Checked before the container is entered, so hostile nesting costs one byte per level.
        if baseDepth + frames.count >= limits.maxDepth {
            throw error(.tooDeep, "nesting exceeds the maximum depth of \(limits.maxDepth)", at: pos)
        }
    }

    /// Parses `"key"` and the following `:`, leaving `pos` at the member's value.
    private mutating func parseMemberName() throws(JSONError) {
        guard pos < count else {
            throw error(.unexpectedEndOfInput, "unexpected end of input, expected a string key", at: pos)
        }
        guard base[pos] == UInt8(ascii: "\"") else {
            throw unexpected(.unexpectedCharacter, expected: "a string key")
        }
        keyOffsets.append(pos)
        keys.append(try parseString())
        skipWhitespace()
        guard pos < count else {
            throw error(.unexpectedEndOfInput, "unexpected end of input, expected ':'", at: pos)
        }
        guard base[pos] == UInt8(ascii: ":") else {
            throw unexpected(.unexpectedCharacter, expected: "':'")
        }
        pos += 1
        skipWhitespace()
    }

    private mutating func makeArray(_ frame: Frame) -> JSONValue {
        let elements = Array(values[frame.valueStart...])
        values.removeSubrange(frame.valueStart...)
        return .array(elements)
    }

    private mutating func makeObject(_ frame: Frame) throws(JSONError) -> JSONValue {
        let memberCount = keys.count - frame.keyStart
        var members = [String: JSONValue](minimumCapacity: memberCount)
        for index in 0..<memberCount {
            let key = keys[frame.keyStart + index]
            if members.updateValue(values[frame.valueStart + index], forKey: key) != nil {
                // Swift compares keys by canonical equivalence, so this also catches keys that differ
                // only in Unicode normalisation; JSONValue could not represent both of them anyway.
                throw error(.duplicateKey, "duplicate key \(quoted(key))", at: keyOffsets[frame.keyStart + index])
            }
        }
        keys.removeSubrange(frame.keyStart...)
        keyOffsets.removeSubrange(frame.keyStart...)
        values.removeSubrange(frame.valueStart...)
        return .object(members)
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while pos < count {
            switch base[pos] {
            case 0x20, 0x0A, 0x0D, 0x09:
                pos += 1
            default:
                return
            }
        }
    }

    // MARK: Literals

    private mutating func parseLiteral() throws(JSONError) -> JSONValue {
        let value: JSONValue
        let length: Int
        switch base[pos] {
        case UInt8(ascii: "t") where matches("true"):
            value = .bool(true)
            length = 4
        case UInt8(ascii: "f") where matches("false"):
            value = .bool(false)
            length = 5
        case UInt8(ascii: "n") where matches("null"):
            value = .null
            length = 4
        default:
            throw invalidWord()
        }
        // `trueish` is one bad word, not `true` followed by garbage.
        if pos + length < count && isWordByte(base[pos + length]) {
            throw invalidWord()
        }
        pos += length
        return value
    }

    @inline(__always)
    private func matches(_ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard count - pos >= length else {
            return false
        }
        let text = literal.utf8Start
        for index in 0..<length where base[pos + index] != text[index] {
            return false
        }
        return true
    }

    private func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }

    private func invalidWord() -> JSONError {
        var end = pos
        while end < count && end - pos < 24 && isWordByte(base[end]) {
            end += 1
        }
        let word = String(decoding: UnsafeBufferPointer(start: base + pos, count: end - pos), as: UTF8.self)
        return error(.invalidLiteral, "invalid literal '\(word)'; JSON allows only true, false and null", at: pos)
    }

    // MARK: Numbers

    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
             UInt8(ascii: "e"), UInt8(ascii: "E"):
            return true
        default:
            return false
        }
    }

    private mutating func parseNumber() throws(JSONError) -> Double {
        let start = pos
        // Find the extent of the number-like token first, looking at most one byte past the limit,
        // so that an overlong literal is rejected without scanning or converting it.
        let maxLength = limits.maxNumberLength
        let windowEnd = count - start > maxLength ? start + maxLength + 1 : count
        var end = start
        while end < windowEnd && Self.isNumberByte(base[end]) {
            end += 1
        }
        if end - start > maxLength {
            throw error(.numberTooLong, "number literal exceeds \(maxLength) characters", at: start)
        }

        // Validate the RFC 8259 grammar while accumulating the decimal significand.
        var index = start
        let negative = base[index] == UInt8(ascii: "-")
        if negative {
            index += 1
        }
        var significand: UInt64 = 0
        var digitCount = 0
        guard index < end, Self.isDigit(base[index]) else {
            throw numberError(at: index, "expected a digit after '-'")
        }
        if base[index] == UInt8(ascii: "0") {
            index += 1
            if index < end && Self.isDigit(base[index]) {
                throw error(.leadingZero, "number has a leading zero", at: start)
            }
        } else {
            while index < end && Self.isDigit(base[index]) {
                significand = significand &* 10 &+ UInt64(base[index] &- UInt8(ascii: "0"))
                digitCount += 1
                index += 1
            }
        }
        var fractionDigits = 0
        if index < end && base[index] == UInt8(ascii: ".") {
            index += 1
            while index < end && Self.isDigit(base[index]) {
                significand = significand &* 10 &+ UInt64(base[index] &- UInt8(ascii: "0"))
                digitCount += 1
                fractionDigits += 1
                index += 1
            }
            if fractionDigits == 0 {
                throw numberError(at: index, "expected a digit after '.'")
            }
        }
        var exponent = 0
        if index < end && base[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            var negativeExponent = false
            if index < end && (base[index] == UInt8(ascii: "+") || base[index] == UInt8(ascii: "-")) {
                negativeExponent = base[index] == UInt8(ascii: "-")
                index += 1
            }
            let exponentStart = index
            while index < end && Self.isDigit(base[index]) {
                // Clamped: the length limit already bounds the digits, this just avoids overflow.
                exponent = min(exponent * 10 + Int(base[index] &- UInt8(ascii: "0")), 1_000_000)
                index += 1
            }
            if index == exponentStart {
                throw numberError(at: index, "expected a digit in the exponent")
            }
            if negativeExponent {
                exponent = -exponent
            }
        }
        if index != end {
            throw numberError(at: index, "unexpected '\(Character(Unicode.Scalar(base[index])))' in number")
        }
        pos = end

        // Clinger's fast path: with at most 15 digits the significand is exact in a Double, and so is
        // 10^k for k <= 22, so one correctly rounded multiplication or division gives the exact result.
        if digitCount <= 15 {
            let scale = exponent - fractionDigits
            let magnitude = Double(significand)
            if scale == 0 {
                return negative ? -magnitude : magnitude
            }
            if scale > 0 && scale <= 22 {
                let value = magnitude * Self.powersOfTen[scale]
                return negative ? -value : value
            }
            if scale < 0 && scale >= -22 {
                let value = magnitude / Self.powersOfTen[-scale]
                return negative ? -value : value
            }
        }
        // Everything else goes through the C library's correctly rounded strtod (via the standard
        // library, which pins the "C" locale). The literal is short and already validated.
        let literal = String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self)
        guard let value = Double(literal) else {
            throw error(.invalidNumber, "invalid number", at: start)
        }
        guard value.isFinite else {
            throw error(.numberOutOfRange, "number \(literal) is out of the range of a double", at: start)
        }
        return value
    }

    /// A grammar error in a number; reported as `invalidNumber` even at the end of input, since `1.`
    /// is malformed whether or not more text follows.
    private func numberError(at offset: Int, _ message: String) -> JSONError {
        error(.invalidNumber, message, at: offset)
    }

    // MARK: Strings

    /// Parses a string literal starting at the opening quote at `pos`.
    private mutating func parseString() throws(JSONError) -> String {
        let quote = pos
        let start = pos + 1
        // Scan at most one byte past the limit, so an overlong string fails without a full scan.
        let end = count - start > limits.maxStringBytes ? start + limits.maxStringBytes + 1 : count
        var index = start
        // OR of all bytes seen: if no high bit is set, the string is ASCII and needs no UTF-8 check.
        var seen: UInt64 = 0
        while index < end {
            // Eight bytes at a time while none is a quote, backslash or control character; UTF-8
            // continuation bytes are all >= 0x80, so the test cannot hit inside a multi-byte character.
            if index + 8 <= end {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                if !WordScan.hasQuoteBackslashOrControl(word) {
                    seen |= word
                    index += 8
                    continue
                }
            }
            let stop = min(index + 8, end)
            while index < stop {
                let byte = base[index]
                if byte == UInt8(ascii: "\"") {
                    pos = index + 1
                    let length = index - start
                    if seen & 0x8080_8080_8080_8080 != 0 && !UTF8Validation.isValid(base + start, count: length) {
                        throw invalidUTF8(in: start..<index)
                    }
                    return String(decoding: UnsafeBufferPointer(start: base + start, count: length), as: UTF8.self)
                }
                seen |= UInt64(byte)
                if byte == UInt8(ascii: "\\") {
                    return try parseEscapedString(quote: quote, start: start, from: index, end: end)
                }
                if byte < 0x20 {
                    throw stringError(.controlCharacterInString,
                                      "unescaped control character U+\(hex(byte, width: 4)) in string",
                                      at: index, stringStart: start)
                }
                index += 1
            }
        }
        throw unterminatedString(quote: quote, start: start, end: end)
    }

    /// The slow path for strings with escapes: decodes into `scratch`.
    private mutating func parseEscapedString(quote: Int, start: Int, from firstEscape: Int, end: Int)
        throws(JSONError) -> String
    {
        scratch.removeAll(keepingCapacity: true)
        var segmentStart = start
        var index = firstEscape
        while index < end {
            // Long runs between escapes (text with the odd "\n") still go eight bytes at a time.
            if index + 8 <= end && !WordScan.hasQuoteBackslashOrControl(at: base + index) {
                index += 8
                continue
            }
            let byte = base[index]
            if byte == UInt8(ascii: "\"") {
                scratch.append(contentsOf: UnsafeBufferPointer(start: base + segmentStart, count: index - segmentStart))
                pos = index + 1
                // Escapes decode to whole, valid scalars, so the decoded text is valid exactly when the
                // raw segments are; on failure the culprit is located in the raw source.
                let valid = scratch.withUnsafeBufferPointer { decoded in
                    decoded.baseAddress.map { UTF8Validation.isValid($0, count: decoded.count) } ?? true
                }
                guard valid else {
                    throw invalidUTF8(in: start..<index)
                }
                return String(decoding: scratch, as: UTF8.self)
            }
            if byte < 0x20 {
                throw stringError(.controlCharacterInString,
                                  "unescaped control character U+\(hex(byte, width: 4)) in string",
                                  at: index, stringStart: start)
            }
            guard byte == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            scratch.append(contentsOf: UnsafeBufferPointer(start: base + segmentStart, count: index - segmentStart))
            guard index + 1 < count else {
                throw error(.unexpectedEndOfInput, "unexpected end of input in string escape", at: count)
            }
            switch base[index + 1] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
                scratch.append(base[index + 1])
            case UInt8(ascii: "b"):
                scratch.append(0x08)
            case UInt8(ascii: "f"):
                scratch.append(0x0C)
            case UInt8(ascii: "n"):
                scratch.append(0x0A)
            case UInt8(ascii: "r"):
                scratch.append(0x0D)
            case UInt8(ascii: "t"):
                scratch.append(0x09)
            case UInt8(ascii: "u"):
                index = try decodeUnicodeEscape(at: index, stringStart: start)
                segmentStart = index
                continue
            default:
                throw stringError(.invalidEscape, "invalid escape sequence \(escapeText(at: index, length: 2))",
                                  at: index, stringStart: start)
            }
            index += 2
            segmentStart = index
        }
        throw unterminatedString(quote: quote, start: start, end: end)
    }

    /// Decodes `\uXXXX` (or a surrogate pair of them) at `index` into `scratch`; returns the next index.
    private mutating func decodeUnicodeEscape(at index: Int, stringStart: Int) throws(JSONError) -> Int {
        let unit = try hex4(at: index, stringStart: stringStart)
        var scalarValue = UInt32(unit)
        var next = index + 6
        switch unit {
        case 0xD800...0xDBFF:
            // A high surrogate must be followed immediately by an escaped low surrogate.
            guard next + 1 < count, base[next] == UInt8(ascii: "\\"), base[next + 1] == UInt8(ascii: "u") else {
                throw stringError(.loneSurrogate, "lone surrogate \(escapeText(at: index, length: 6)) in string",
                                  at: index, stringStart: stringStart)
            }
            let low = try hex4(at: next, stringStart: stringStart)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw stringError(.loneSurrogate, "lone surrogate \(escapeText(at: index, length: 6)) in string",
                                  at: index, stringStart: stringStart)
            }
            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            next += 6
        case 0xDC00...0xDFFF:
            throw stringError(.loneSurrogate,
                              "lone low surrogate \(escapeText(at: index, length: 6)) in string",
                              at: index, stringStart: stringStart)
        default:
            break
        }
        // Not a surrogate by construction, so the scalar is valid; encode it as UTF-8 by hand.
        switch scalarValue {
        case 0..<0x80:
            scratch.append(UInt8(scalarValue))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | (scalarValue >> 6)))
            scratch.append(UInt8(0x80 | (scalarValue & 0x3F)))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | (scalarValue >> 12)))
            scratch.append(UInt8(0x80 | ((scalarValue >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalarValue & 0x3F)))
        default:
            scratch.append(UInt8(0xF0 | (scalarValue >> 18)))
            scratch.append(UInt8(0x80 | ((scalarValue >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((scalarValue >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalarValue & 0x3F)))
        }
        return next
    }

    /// Reads the four hex digits of the `\u` escape whose backslash is at `index`.
    private func hex4(at index: Int, stringStart: Int) throws(JSONError) -> UInt16 {
        var value: UInt16 = 0
        for offset in 2..<6 {
            guard index + offset < count else {
                throw error(.unexpectedEndOfInput, "unexpected end of input in \\u escape", at: count)
            }
            let byte = base[index + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"):
                digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"):
                digit = byte - UInt8(ascii: "A") + 10
            default:
                throw stringError(.invalidEscape, "invalid \\u escape \(escapeText(at: index, length: offset + 1))",
                                  at: index, stringStart: stringStart)
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    private func unterminatedString(quote: Int, start: Int, end: Int) -> JSONError {
        if end < count {
            return error(.stringTooLong, "string exceeds \(limits.maxStringBytes) bytes", at: quote)
        }
        if let invalid = UTF8Validation.firstInvalidOffset(in: base, range: start..<count) {
            return error(.invalidUTF8, "invalid UTF-8 in string", at: invalid)
        }
        return error(.unexpectedEndOfInput, "unexpected end of input in string", at: count)
    }

    /// An error inside a string, unless an earlier invalid UTF-8 sequence deserves to be reported first.
    private func stringError(_ kind: JSONError, _ message: String, at offset: Int, stringStart: Int) -> JSONError {
        if let invalid = UTF8Validation.firstInvalidOffset(in: base, range: stringStart..<offset) {
            return error(.invalidUTF8, "invalid UTF-8 in string", at: invalid)
        }
        return error(kind, message, at: offset)
    }

    private func invalidUTF8(in range: Range<Int>) -> JSONError {
        let offset = UTF8Validation.firstInvalidOffset(in: base, range: range) ?? range.lowerBound
        return error(.invalidUTF8, "invalid UTF-8 in string", at: offset)
    }

    private func escapeText(at index: Int, length: Int) -> String {
        let available = min(length, count - index)
        return String(decoding: UnsafeBufferPointer(start: base + index, count: available), as: UTF8.self)
    }

    // MARK: Errors

    private func error(_ kind: JSONError, _ message: String, at offset: Int) -> JSONError {
        let position = SourcePosition.of(offset, in: UnsafeBufferPointer(start: base, count: count), origin: origin)
        return JSONError(kind, message, at: position)
    }

    /// Describes the byte at `pos` as unexpected, preferring `invalidUTF8` when it is not valid UTF-8.
    private func unexpected(_ kind: JSONError, expected: String) -> JSONError {
        guard let length = UTF8Validation.sequenceLength(in: base, at: pos, count: count) else {
            return error(.invalidUTF8, "invalid UTF-8", at: pos)
        }
        let found = String(decoding: UnsafeBufferPointer(start: base + pos, count: length), as: UTF8.self)
        return error(kind, "expected \(expected) but found \(describe(found))", at: pos)
    }

    private func invalidValueStart() -> JSONError {
        let byte = base[pos]
        switch byte {
        case UInt8(ascii: "+"), UInt8(ascii: "."):
            return error(.invalidNumber, "a number must start with '-' or a digit", at: pos)
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return invalidWord()
        default:
            return unexpected(.unexpectedCharacter, expected: "a value")
        }
    }

    private func describe(_ text: String) -> String {
        guard let scalar = text.unicodeScalars.first else {
            return "nothing"
        }
        if scalar.value < 0x20 || scalar.value == 0x7F || scalar.properties.isWhitespace {
            return "U+\(hex(scalar.value, width: 4))"
        }
        return "'\(text)'"
    }

    private func quoted(_ key: String) -> String {
        JSONWriter.string(.string(key), pretty: false)
    }
}

func hex(_ value: some BinaryInteger, width: Int) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
