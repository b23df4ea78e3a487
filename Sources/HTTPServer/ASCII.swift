/// ASCII-only text helpers for header names, which are ASCII tokens (RFC 9110, section 5.1).
///
/// `String.lowercased()` applies Unicode case mapping, which is slower and not what HTTP means by
/// case-insensitive.
enum ASCII {
    /// `text` with A–Z mapped to a–z and every other byte unchanged.
    static func lowercased(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5a }) else {
            return text
        }
        return lowercased(bytes: text.utf8)
    }

    /// The bytes with A–Z mapped to a–z, decoded as UTF-8.
    static func lowercased<Bytes: Collection<UInt8>>(bytes: Bytes) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { buffer in
            var index = 0
            for byte in bytes {
                buffer[index] = (byte >= 0x41 && byte <= 0x5a) ? byte | 0x20 : byte
                index += 1
            }
            return index
        }
    }

    /// True when `a` and `b` are equal ignoring the case of ASCII letters.
    static func equalsIgnoringCase(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8) { x, y in
            (x >= 0x41 && x <= 0x5a ? x | 0x20 : x) == (y >= 0x41 && y <= 0x5a ? y | 0x20 : y)
        }
    }

    /// True when `name` is a non-empty HTTP token: letters, digits and ``!#$%&'*+-.^_`|~`` (RFC 9110, 5.6.2).
    static func isToken(_ name: String) -> Bool {
        !name.utf8.isEmpty && name.utf8.allSatisfy(isTokenByte)
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// True when `value` can be sent as a header value: no control characters except horizontal tab, so no CR
    /// or LF that would end the header early and let the rest pose as further headers (response splitting).
    static func isFieldValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7f) }
    }
}
