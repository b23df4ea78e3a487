/// Hexadecimal encoding of bytes.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Returns the lowercase hexadecimal form of `bytes`, two digits per byte.
    ///
    /// - Parameter bytes: The bytes to encode.
    /// - Returns: A string of `0-9a-f`, empty for no bytes.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var text = [UInt8]()
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Decodes hexadecimal text strictly.
    ///
    /// Accepts only an even number of the digits `0-9`, `a-f` and `A-F`; no prefix, whitespace or
    /// separators. Upper case is accepted because it is unambiguous; ``encode(_:)`` always writes lower case.
    ///
    /// - Parameter text: The hexadecimal text.
    /// - Returns: The bytes, or `nil` if `text` is not strict hexadecimal.
    public static func decode(_ text: String) -> [UInt8]? {
        let utf8 = text.utf8
        guard utf8.count % 2 == 0 else {
            return nil
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(utf8.count / 2)
        var iterator = utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let highValue = value(of: high), let lowValue = value(of: low) else {
                return nil
            }
            bytes.append(highValue << 4 | lowValue)
        }
        return bytes
    }

    private static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
