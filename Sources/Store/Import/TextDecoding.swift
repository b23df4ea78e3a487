import Foundation

/// Turns the bytes of an import file into UTF-8, whatever encoding the spreadsheet wrote.
enum TextDecoding {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
    /// GB18030 as Foundation names it (kCFStringEncodingGB_18030_2000 as an NSStringEncoding).
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    /// The bytes as UTF-8 without a byte-order mark.
    ///
    /// - Throws: `StoreError.unreadable` naming the file when the bytes are not in the encoding.
    static func utf8(_ bytes: [UInt8], encoding: ImportSource.Encoding, name: String) throws -> [UInt8] {
        switch encoding {
        case .utf8:
            guard let text = String(validating: stripBOM(bytes), as: UTF8.self) else {
                throw StoreError.unreadable(name, "not valid UTF-8 (try --encoding gb18030)")
            }
            return Array(text.utf8)
        case .gb18030:
            guard let text = String(bytes: bytes, encoding: gb18030) else {
                throw StoreError.unreadable(name, "not valid GB18030")
            }
            return Array(text.utf8)
        case .auto:
            if let text = String(validating: stripBOM(bytes), as: UTF8.self) { return Array(text.utf8) }
            guard let text = String(bytes: bytes, encoding: gb18030) else {
                throw StoreError.unreadable(name, "neither UTF-8 nor GB18030")
            }
            return Array(text.utf8)
        }
    }

    static func stripBOM(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        bytes.starts(with: byteOrderMark) ? bytes.dropFirst(3) : bytes[...]
    }
}
