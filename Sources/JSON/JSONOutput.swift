/// The serializer shared by `JCS`, `JSONWriter` and `JSONStreamWriter`.
///
/// Writes straight into a `[UInt8]` so that canonicalizing a record costs one growing buffer and
/// no intermediate `String`s. Compact output is exactly RFC 8785: keys sorted by UTF-16 code units,
/// minimal string escaping, ECMAScript number formatting. Pretty output only adds whitespace.
struct JSONOutput {
    enum NonFinitePolicy {
        /// Throw `JSONError.nonFiniteNumber` (canonical output must not silently change data).
        case fail
        /// Write `null`, like `JSON.stringify` (human output must never fail).
        case writeNull
    }

    var bytes: [UInt8] = []
    let pretty: Bool
    let nonFinite: NonFinitePolicy
    /// Restricts numbers to safe integers, as required for signed objects.
    let safeIntegersOnly: Bool

    init(pretty: Bool, nonFinite: NonFinitePolicy, safeIntegersOnly: Bool, capacity: Int = 1024) {
        self.pretty = pretty
        self.nonFinite = nonFinite
        self.safeIntegersOnly = safeIntegersOnly
        bytes.reserveCapacity(capacity)
    }

    // MARK: Values

    /// Writes `value`; recursion depth equals the value's nesting depth, which the parser bounds.
    mutating func write(_ value: JSONValue, depth: Int = 0) throws(JSONError) {
        switch value {
        case .null:
            append("null")
        case .bool(let flag):
            append(flag ? "true" : "false")
        case .number(let number):
            try writeNumber(number)
        case .string(let string):
            writeString(string)
        case .array(let elements):
            guard !elements.isEmpty else {
                append("[]")
                return
            }
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 {
                    bytes.append(UInt8(ascii: ","))
                }
                newline(depth: depth + 1)
                do {
                    try write(element, depth: depth + 1)
                } catch {
                    throw error.prefixed(by: .index(index))
                }
            }
            newline(depth: depth)
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            guard !members.isEmpty else {
                append("{}")
                return
            }
            bytes.append(UInt8(ascii: "{"))
            // Sort dictionary indices (plain integers), not (key, value) pairs: moving pairs inside the
            // sort costs a retain and release of both per move, which dominated canonicalization.
            var order = Array(members.indices)
            if order.count > 1 {
                order.sort { JSONOutput.utf16Precedes(members.keys[$0], members.keys[$1]) }
            }
            for (position, pairIndex) in order.enumerated() {
                let member = members[pairIndex]
                if position > 0 {
                    bytes.append(UInt8(ascii: ","))
                }
                newline(depth: depth + 1)
                writeString(member.key)
                bytes.append(UInt8(ascii: ":"))
                if pretty {
                    bytes.append(UInt8(ascii: " "))
                }
                do {
                    try write(member.value, depth: depth + 1)
                } catch {
                    throw error.prefixed(by: .key(member.key))
                }
            }
            newline(depth: depth)
            bytes.append(UInt8(ascii: "}"))
        }
    }

    @inline(__always)
    private mutating func newline(depth: Int) {
        guard pretty else {
            return
        }
        bytes.append(0x0A)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
    }

    @inline(__always)
    private mutating func append(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Whether `lhs` sorts before `rhs` when both are compared as UTF-16 code unit sequences (RFC 8785 §3.2.3).
    static func utf16Precedes(_ lhs: String, _ rhs: String) -> Bool {
        let contiguous = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right in
                utf16Precedes(left, right)
            }
        }
        if let result = contiguous ?? nil {
            return result
        }
        // Only strings bridged from foreign storage lack contiguous UTF-8; copy them.
        return Array(lhs.utf8).withUnsafeBufferPointer { left in
            Array(rhs.utf8).withUnsafeBufferPointer { right in
                utf16Precedes(left, right)
            }
        }
    }

    /// UTF-16 order computed on UTF-8 without transcoding.
    ///
    /// UTF-8 byte order equals code point order, which agrees with UTF-16 order except that
    /// supplementary characters (UTF-8 lead byte F0–F4, UTF-16 surrogates D800–DFFF) sort *before*
    /// U+E000–U+FFFF (lead bytes EE, EF) in UTF-16. The first differing byte of two strings with a
    /// common prefix is either a lead byte in both or a continuation byte in both, so checking the
    /// lead bytes there is enough.
    @inline(__always)
    private static func utf16Precedes(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>)
        -> Bool
    {
        let common = min(left.count, right.count)
        var index = 0
        while index < common {
            let a = left[index]
            let b = right[index]
            if a != b {
                if a >= 0xF0 && (b == 0xEE || b == 0xEF) {
                    return true
                }
                if b >= 0xF0 && (a == 0xEE || a == 0xEF) {
                    return false
                }
                return a < b
            }
            index += 1
        }
        return left.count < right.count
    }

    // MARK: Strings

    /// Writes a string escaped per RFC 8785 §3.2.2.2: only `"`, `\` and U+0000–U+001F are escaped.
    mutating func writeString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        let handled: Void? = string.utf8.withContiguousStorageIfAvailable { utf8 in
            writeEscaped(utf8)
        }
        if handled == nil {
            let copy = Array(string.utf8)
            copy.withUnsafeBufferPointer { writeEscaped($0) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func writeEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        var index = 0
        while index < utf8.count {
            // Skip eight bytes at a time while none of them needs escaping (the common case).
            if index + 8 <= utf8.count, let base = utf8.baseAddress,
               !WordScan.hasQuoteBackslashOrControl(at: base + index) {
                index += 8
                continue
            }
            let byte = utf8[index]
            index += 1
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else {
                continue
            }
            let escapeIndex = index - 1
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<escapeIndex]))
            runStart = index
            bytes.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                bytes.append(byte)
            case 0x08:
                bytes.append(UInt8(ascii: "b"))
            case 0x09:
                bytes.append(UInt8(ascii: "t"))
            case 0x0A:
                bytes.append(UInt8(ascii: "n"))
            case 0x0C:
                bytes.append(UInt8(ascii: "f"))
            case 0x0D:
                bytes.append(UInt8(ascii: "r"))
            default:
                let hexDigits: StaticString = "0123456789abcdef"
                bytes.append(UInt8(ascii: "u"))
                bytes.append(UInt8(ascii: "0"))
                bytes.append(UInt8(ascii: "0"))
                bytes.append(hexDigits.utf8Start[Int(byte >> 4)])
                bytes.append(hexDigits.utf8Start[Int(byte & 0x0F)])
            }
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
    }

    // MARK: Numbers

    /// Writes a number the way ECMAScript's `Number.prototype.toString` does (RFC 8785 §3.2.2.3).
    mutating func writeNumber(_ number: Double) throws(JSONError) {
        guard number.isFinite else {
            switch nonFinite {
            case .fail:
                throw JSONError(.nonFiniteNumber, "number \(number) is not finite and has no JSON representation")
            case .writeNull:
                append("null")
                return
            }
        }
        let isInteger = number.rounded(.towardZero) == number
        if safeIntegersOnly && !(isInteger && number.magnitude <= JSONValue.maxSafeInteger) {
            throw JSONError(.numberNotAllowedInSignedObject,
                            "number \(number) is not allowed in a signed object; "
                                + "only integers within ±(2^53 − 1) are (write amounts as decimal strings)")
        }
        if number == 0 {
            // Covers -0, which ECMAScript prints as "0".
            bytes.append(UInt8(ascii: "0"))
            return
        }
        // Below 2^53 every integral double's shortest representation is the integer itself.
        if isInteger && number.magnitude < 9_007_199_254_740_992 {
            writeInteger(Int64(number))
            return
        }
        writeShortest(number)
    }

    private mutating func writeInteger(_ value: Int64) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
        }
        var magnitude = value.magnitude
        var digitCount = 1
        var probe = magnitude
        while probe >= 10 {
            probe /= 10
            digitCount += 1
        }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digitCount))
        bytes.withUnsafeMutableBufferPointer { buffer in
            var index = start + digitCount - 1
            repeat {
                buffer[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                index -= 1
            } while magnitude > 0
        }
    }

    /// Re-lays out Swift's shortest round-trip digits (`Double.description`) in ECMAScript form.
    ///
    /// Swift and ECMAScript both pick the shortest digit string that round-trips, choosing the one
    /// closest to the exact value on ties, so only the layout (exponent thresholds, `e+`) differs.
    private mutating func writeShortest(_ number: Double) {
        var text = number.magnitude.description
        if number < 0 {
            bytes.append(UInt8(ascii: "-"))
        }
        text.withUTF8 { source in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: source.count) { digits in
                var digitCount = 0
                var integerDigits = -1
                var exponent = 0
                var index = 0
                // Mantissa: digits with an optional '.', then an optional exponent "e[+-]ddd".
                while index < source.count {
                    let byte = source[index]
                    if byte == UInt8(ascii: ".") {
                        integerDigits = digitCount
                    } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                        break
                    } else {
                        digits[digitCount] = byte
                        digitCount += 1
                    }
                    index += 1
                }
                if integerDigits < 0 {
                    integerDigits = digitCount
                }
                if index < source.count {
                    index += 1
                    var negativeExponent = false
                    if index < source.count
                        && (source[index] == UInt8(ascii: "-") || source[index] == UInt8(ascii: "+"))
                    {
                        negativeExponent = source[index] == UInt8(ascii: "-")
                        index += 1
                    }
                    while index < source.count {
                        exponent = exponent * 10 + Int(source[index] &- UInt8(ascii: "0"))
                        index += 1
                    }
                    if negativeExponent {
                        exponent = -exponent
                    }
                }
                // value = 0.d1d2…dk × 10^n with d1 != 0 (ECMAScript's k and n).
                var first = 0
                var point = integerDigits + exponent
                while first < digitCount && digits[first] == UInt8(ascii: "0") {
                    first += 1
                    point -= 1
                }
                var last = digitCount
                while last > first && digits[last - 1] == UInt8(ascii: "0") {
                    last -= 1
                }
                let significant = UnsafeBufferPointer(rebasing: digits[first..<last])
                writeECMAScriptLayout(significant, point: point)
            }
        }
    }

    private mutating func writeECMAScriptLayout(_ digits: UnsafeBufferPointer<UInt8>, point: Int) {
        let count = digits.count
        guard count > 0 else {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        if count <= point && point <= 21 {
            bytes.append(contentsOf: digits)
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: point - count))
        } else if 0 < point && point <= 21 {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[..<point]))
            bytes.append(UInt8(ascii: "."))
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[point...]))
        } else if -6 < point && point <= 0 {
            bytes.append(UInt8(ascii: "0"))
            bytes.append(UInt8(ascii: "."))
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -point))
            bytes.append(contentsOf: digits)
        } else {
            bytes.append(digits[0])
            if count > 1 {
                bytes.append(UInt8(ascii: "."))
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[1...]))
            }
            bytes.append(UInt8(ascii: "e"))
            let exponent = point - 1
            bytes.append(exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            writeInteger(Int64(exponent.magnitude))
        }
    }
}
