/// Text made safe to show on a terminal or in a plain log line, and the characters record text
/// may not hold for the same reason.
///
/// A terminal obeys control characters in what it prints: ESC (U+001B) and the C1 controls CSI
/// (U+009B) and OSC (U+009D) start sequences that move the cursor, clear the screen or retitle the
/// window; CR and NEL (U+0085), LINE and PARAGRAPH SEPARATOR (U+2028, U+2029) start new lines in
/// the middle of one; bidi embedding, override and isolate controls reorder what follows, so that
/// `abc\u{202E}gnp.exe` reads as `abcexe.png`. Text from a peer or a record must show as text.
public enum DisplayText {
    /// Whether `scalar` is a control character: C0 (U+0000–U+001F), DEL (U+007F) or C1 (U+0080–U+009F).
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Whether `scalar` breaks a line without being a control character: U+2028, U+2029.
    public static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// Whether `scalar` is a bidi embedding, override or isolate control (U+202A–U+202E,
    /// U+2066–U+2069), which reorders the text after it. The marks (U+200E, U+200F, U+061C) are not.
    public static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    /// Why `text` may not be written by this node, or nil: the rule imports apply to a record's
    /// text (README, "Importing"), for any other text this node writes into its log.
    ///
    /// Every text refuses C0 controls (ESC among them), DEL and C1 controls; multi-line text keeps
    /// line feeds, carriage returns and tabs. One-line text also refuses line and paragraph
    /// separators and bidi embedding, override and isolate controls. Readers of stored bodies
    /// do not apply this: a body another node's software wrote is read the same on every node.
    ///
    /// - Returns: The problem, worded to follow the field's name (`contract: contains …`).
    public static func writeProblem(_ text: String, multiline: Bool) -> String? {
        for scalar in text.unicodeScalars where isControl(scalar) {
            if multiline, scalar == "\n" || scalar == "\t" || scalar == "\r" { continue }
            return multiline ? "contains a control character (U+\(hex(scalar)))" : "must be one line (contains a control character, U+\(hex(scalar)))"
        }
        return multiline ? nil : oneLineProblem(text)
    }

    /// Why one-line `text` may not be written for what it holds beyond control characters: a line
    /// or paragraph separator, or a bidi embedding, override or isolate control; nil when none.
    /// The project importer applies it beside the record format's own control-character rule.
    public static func oneLineProblem(_ text: String) -> String? {
        if let scalar = text.unicodeScalars.first(where: isSeparator) {
            return "must be one line (contains U+\(hex(scalar)), a line or paragraph separator)"
        }
        if let scalar = text.unicodeScalars.first(where: isBidiControl) {
            return "must not contain U+\(hex(scalar)), a bidi control that reorders the text shown"
        }
        return nil
    }

    private static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(4 - digits.count, 0)) + digits
    }

    /// `text` with every control character, line or paragraph separator and bidi control written
    /// as Swift writes it in a literal (`\u{1B}`), and everything else, Chinese included, unchanged.
    ///
    /// - Parameter keepingLineBreaks: Keep line feeds and tabs as they are, for human output that
    ///   spans lines (a record's summary); false for one log line. Carriage returns are escaped either way.
    public static func escaped(_ text: String, keepingLineBreaks: Bool = true) -> String {
        replacing(text) { needsEscape($0, keepingLineBreaks: keepingLineBreaks) ? "\\u{\(String($0.value, radix: 16, uppercase: true))}" : nil }
    }

    /// `text` with each scalar for which `replacement` gives a text written as that text, and
    /// every other scalar as it is; `text` itself when none is replaced.
    public static func replacing(_ text: String, _ replacement: (Unicode.Scalar) -> String?) -> String {
        guard text.unicodeScalars.contains(where: { replacement($0) != nil }) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if let replaced = replacement(scalar) {
                result.append(contentsOf: replaced.unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    private static func needsEscape(_ scalar: Unicode.Scalar, keepingLineBreaks: Bool) -> Bool {
        if keepingLineBreaks, scalar == "\n" || scalar == "\t" { return false }
        return isControl(scalar) || isSeparator(scalar) || isBidiControl(scalar)
    }
}
