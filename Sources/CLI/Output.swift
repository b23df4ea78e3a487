import Catalog
import Foundation
import JSON

/// Buffered writing to standard output and standard error.
///
/// Output is collected and written in large chunks, so that dumping a million records does not
/// make a million system calls.
///
/// ``line(_:)`` is the one way human text is written, errors included, and the one place it is
/// made safe for a terminal: control characters (but line feed and tab), line separators and bidi
/// controls, which a peer's error or a record's text may carry, are shown escaped (`\u{1B}`)
/// through ``DisplayText/escaped(_:keepingLineBreaks:)``. Data is written as it is: JSON through
/// ``json(_:)`` (the same value, with those characters as `\uXXXX` escapes) and ``write(bytes:)``
/// (byte-exact), CSV and help text through ``write(_:)``.
final class Output {
    private var buffer: [UInt8] = []
    private let handle: FileHandle

    init(handle: FileHandle = .standardOutput) {
        self.handle = handle
        buffer.reserveCapacity(1 << 16)
    }

    deinit { flush() }

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Writes a line of human text, escaped for a terminal (``DisplayText/escaped(_:keepingLineBreaks:)``).
    func line(_ text: String = "") { write(DisplayText.escaped(text) + "\n") }

    func write(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Writes a JSON value, pretty-printed with Chinese kept readable, and a newline. DEL, C1
    /// controls, line separators and bidi controls in its strings are written as `\uXXXX`: the
    /// same JSON value, which a terminal showing it (`kechuang show ID`) does not act on.
    func json(_ value: JSONValue) {
        write(Self.escapingDisplayControls(json: String(decoding: JSONWriter.write(value, pretty: true), as: UTF8.self)))
        write("\n")
    }

    /// `json` with every DEL, C1 control, U+2028/U+2029 and bidi control written as `\uXXXX`.
    /// They occur only inside its strings (JSON's own syntax is ASCII), where the escape means
    /// the same character.
    static func escapingDisplayControls(json: String) -> String {
        DisplayText.replacing(json) { scalar in
            guard scalar.value >= 0x7F, DisplayText.isControl(scalar) || DisplayText.isSeparator(scalar) || DisplayText.isBidiControl(scalar)
            else { return nil }
            let digits = String(scalar.value, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
        }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Width-aware text layout for terminals, where Chinese characters take two columns.
enum TextLayout {
    /// Display width: East Asian wide and full-width characters count two columns.
    static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + (isWide($1) ? 2 : ($1.properties.generalCategory == .nonspacingMark ? 0 : 1)) }
    }

    /// `text` cut to at most `columns` display columns, with … when cut, then padded with spaces.
    static func fit(_ text: String, _ columns: Int) -> String {
        let full = width(text)
        guard full > columns else { return text + String(repeating: " ", count: columns - full) }
        var result = ""
        var used = 0
        for character in text {
            let w = width(String(character))
            if used + w > columns - 1 { break }
            result.append(character)
            used += w
        }
        return result + "…" + String(repeating: " ", count: max(columns - used - 1, 0))
    }

    private static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
