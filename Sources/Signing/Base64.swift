/// Standard base64 (RFC 4648 §4: alphabet `A-Z a-z 0-9 + /`, `=` padding), strict in both directions.
///
/// Written here rather than taken from Foundation so that the rules are the module's own and the same on
/// every platform: key texts must have exactly one spelling, so anything but the canonical encoding is
/// rejected.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let padding = UInt8(ascii: "=")

    /// Returns the padded standard base64 encoding of `bytes`, without line breaks.
    ///
    /// - Parameter bytes: The bytes to encode.
    /// - Returns: The encoding; its length is a multiple of 4, empty for no bytes.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let input = Array(bytes)
        var text = [UInt8]()
        text.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= input.count {
            let group = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            text.append(alphabet[Int(group >> 18 & 0x3f)])
            text.append(alphabet[Int(group >> 12 & 0x3f)])
            text.append(alphabet[Int(group >> 6 & 0x3f)])
            text.append(alphabet[Int(group & 0x3f)])
            index += 3
        }
        switch input.count - index {
        case 1:
            let group = UInt32(input[index]) << 16
            text.append(alphabet[Int(group >> 18 & 0x3f)])
            text.append(alphabet[Int(group >> 12 & 0x3f)])
            text.append(padding)
            text.append(padding)
        case 2:
            let group = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
            text.append(alphabet[Int(group >> 18 & 0x3f)])
            text.append(alphabet[Int(group >> 12 & 0x3f)])
            text.append(alphabet[Int(group >> 6 & 0x3f)])
            text.append(padding)
        default:
            break
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Decodes padded standard base64 strictly.
    ///
    /// Rejects, by returning `nil`: any character outside the alphabet (whitespace and line breaks
    /// included), the URL-safe alphabet, a length that is not a multiple of 4, missing or misplaced `=`, and
    /// non-zero bits in the last character before the padding (so every byte string has exactly one
    /// accepted encoding). The empty string decodes to no bytes.
    ///
    /// - Parameter text: The base64 text.
    /// - Returns: The bytes, or `nil` if `text` is not canonical padded base64.
    public static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else {
            return nil
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(input.count / 4 * 3)
        var index = 0
        while index < input.count {
            let isLastGroup = index + 4 == input.count
            let a = value(of: input[index])
            let b = value(of: input[index + 1])
            guard let a, let b else {
                return nil
            }
            let third = input[index + 2]
            let fourth = input[index + 3]
            if isLastGroup && third == padding && fourth == padding {
                guard b & 0x0f == 0 else {
                    return nil
                }
                bytes.append(a << 2 | b >> 4)
            } else if isLastGroup && fourth == padding {
                guard let c = value(of: third), c & 0x03 == 0 else {
                    return nil
                }
                bytes.append(a << 2 | b >> 4)
                bytes.append(b << 4 | c >> 2)
            } else {
                guard let c = value(of: third), let d = value(of: fourth) else {
                    return nil
                }
                bytes.append(a << 2 | b >> 4)
                bytes.append(b << 4 | c >> 2)
                bytes.append(c << 6 | d)
            }
            index += 4
        }
        return bytes
    }

    /// The 6-bit value of an alphabet character, or `nil` for anything else (including `=`).
    private static func value(of character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
