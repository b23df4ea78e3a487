/// The two-character index: every pair of adjacent letters or digits of a record's folded text.
///
/// `先进毫米波` gives `先进 进毫 毫米 米波`; runs are cut at spaces and punctuation, and fields
/// are kept apart, so a pair is indexed exactly when `instr` would find it in one of the fields.
/// The pairs are stored as space-separated tokens of a contentless FTS5 table whose `unicode61`
/// tokenizer keeps each pair whole (letters and digits are token characters).
///
/// The function must stay stable: deleting a record's grams re-derives them from its stored
/// folded columns, and FTS5 only deletes the exact tokens it indexed. Changing it requires a
/// migration that rebuilds `records_grams`.
public enum SearchGrams {
    /// The grams of the folded fields, space-separated.
    public static func grams(_ fields: [String]) -> String {
        var output = String.UnicodeScalarView()
        for field in fields {
            var previous: Unicode.Scalar?
            for scalar in field.unicodeScalars {
                guard isWordScalar(scalar) else {
                    previous = nil
                    continue
                }
                if let first = previous {
                    if !output.isEmpty { output.append(" ") }
                    output.append(first)
                    output.append(scalar)
                }
                previous = scalar
            }
        }
        return String(output)
    }

    /// The distinct letters and digits of the folded fields, space-separated in scalar order: the
    /// tokens of the one-character index (`records_chars`), so a one-character term is an index
    /// lookup instead of a scan. Stable for the same reason as `grams(_:)`.
    public static func characters(_ fields: [String]) -> String {
        var values: [UInt32] = []
        for field in fields {
            for scalar in field.unicodeScalars where isWordScalar(scalar) { values.append(scalar.value) }
        }
        values.sort()
        var output = String.UnicodeScalarView()
        var previous: UInt32?
        for value in values where value != previous {
            if previous != nil { output.append(" ") }
            if let scalar = Unicode.Scalar(value) { output.append(scalar) }
            previous = value
        }
        return String(output)
    }

    /// True when a one-character query term can be answered from `records_chars`.
    static func isCharacter(_ term: String) -> Bool {
        let scalars = term.unicodeScalars
        return scalars.count == 1 && scalars.allSatisfy(isWordScalar)
    }

    /// True when a query term can be answered from the index: exactly two word characters.
    static func isIndexable(_ term: String) -> Bool {
        let scalars = Array(term.unicodeScalars)
        return scalars.count == 2 && scalars.allSatisfy(isWordScalar)
    }

    /// Letters and digits, the characters `unicode61` keeps inside tokens.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return (0x30...0x39).contains(value) || (0x61...0x7A).contains(value) || (0x41...0x5A).contains(value)
        }
        if (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value) { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }
}
