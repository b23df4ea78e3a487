/// UTF-8 well-formedness checks (Unicode Standard, Table 3-7).
///
/// `isValid` is the parser's hot path for non-ASCII strings. It exists because the standard library's
/// `String(validating:as:)` is generic and unspecialised, and its runtime metadata lookups cost more
/// than the validation itself; validating here and then building the string with
/// `String(decoding:as:)` (whose own check then never repairs anything) is measurably faster. The other
/// helpers only run once something is known to be wrong, to say exactly where.
enum UTF8Validation {
    /// Whether `count` bytes at `base` are well-formed UTF-8.
    @inline(__always)
    static func isValid(_ base: UnsafePointer<UInt8>, count: Int) -> Bool {
        var index = 0
        while index < count {
            let lead = base[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            if lead < 0xE0 {
                guard lead >= 0xC2, index + 1 < count, base[index + 1] & 0xC0 == 0x80 else {
                    return false
                }
                index += 2
            } else if lead < 0xF0 {
                guard index + 2 < count else {
                    return false
                }
                let second = base[index + 1]
                guard second & 0xC0 == 0x80, base[index + 2] & 0xC0 == 0x80,
                      lead != 0xE0 || second >= 0xA0,   // overlong
                      lead != 0xED || second < 0xA0     // UTF-16 surrogates
                else {
                    return false
                }
                index += 3
            } else {
                guard lead <= 0xF4, index + 3 < count else {
                    return false
                }
                let second = base[index + 1]
                guard second & 0xC0 == 0x80, base[index + 2] & 0xC0 == 0x80, base[index + 3] & 0xC0 == 0x80,
                      lead != 0xF0 || second >= 0x90,   // overlong
                      lead != 0xF4 || second < 0x90     // above U+10FFFF
                else {
                    return false
                }
                index += 4
            }
        }
        return true
    }

    /// The length of the well-formed UTF-8 sequence starting at `index`, or `nil` if there is none.
    ///
    /// Follows Table 3-7 of the Unicode Standard: no overlong forms, no surrogates, nothing above U+10FFFF.
    static func sequenceLength(in base: UnsafePointer<UInt8>, at index: Int, count: Int) -> Int? {
        guard index < count else {
            return nil
        }
        let lead = base[index]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0x00...0x7F:
            return 1
        case 0xC2...0xDF:
            length = 2
        case 0xE0:
            length = 3
            secondRange = 0xA0...0xBF
        case 0xED:
            length = 3
            secondRange = 0x80...0x9F
        case 0xE1...0xEF:
            length = 3
        case 0xF0:
            length = 4
            secondRange = 0x90...0xBF
        case 0xF4:
            length = 4
            secondRange = 0x80...0x8F
        case 0xF1...0xF3:
            length = 4
        default:
            return nil
        }
        guard count - index >= length, secondRange.contains(base[index + 1]) else {
            return nil
        }
        for offset in 2..<length where base[index + offset] & 0xC0 != 0x80 {
            return nil
        }
        return length
    }

    /// The offset of the first byte in `range` that does not start a well-formed sequence.
    static func firstInvalidOffset(in base: UnsafePointer<UInt8>, range: Range<Int>) -> Int? {
        var index = range.lowerBound
        while index < range.upperBound {
            guard let length = sequenceLength(in: base, at: index, count: range.upperBound) else {
                return index
            }
            index += length
        }
        return nil
    }
}
