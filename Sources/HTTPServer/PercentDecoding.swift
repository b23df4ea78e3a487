/// Percent-decoding of the request target (RFC 3986, section 2.1), done here rather than by libmicrohttpd.
///
/// libmicrohttpd decodes `%HH` in the URL and query arguments before the access handler sees them, which loses
/// the raw path and silently accepts malformed escapes. The server installs a no-op unescape callback instead,
/// keeps the raw text, and decodes it with these strict rules.
enum PercentDecoding {
    /// `text` with every `%HH` replaced by the byte it encodes, or `nil` when an escape is malformed (`%` not
    /// followed by two hex digits), when the result is not valid UTF-8, or when it contains NUL (which C code
    /// further down, such as file APIs, would read as the end of the string).
    static func decode(_ text: String) -> String? {
        let utf8 = text.utf8
        guard utf8.contains(UInt8(ascii: "%")) else {
            return text
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(utf8.count)
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                let first = utf8.index(after: index)
                guard first != utf8.endIndex else { return nil }
                let second = utf8.index(after: first)
                guard second != utf8.endIndex, let high = hexValue(utf8[first]), let low = hexValue(utf8[second])
                else {
                    return nil
                }
                bytes.append(high << 4 | low)
                index = utf8.index(after: second)
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        guard !bytes.contains(0) else {
            return nil
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
