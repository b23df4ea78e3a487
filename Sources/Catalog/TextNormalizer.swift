import Foundation

/// Folds text for search and for duplicate detection, so that the forms people type find each
/// other: Traditional and Simplified characters, full-width and half-width letters, any case.
///
/// Folding is NFKC normalisation (full-width `ＯＲＣ` becomes `ORC`, circled digits become digits),
/// then Traditional-to-Simplified per character (先進 becomes 先进), then lowercase, then runs of
/// whitespace collapsed to one space. The Traditional-to-Simplified table comes from ICU's
/// `Hant-Hans` transform but is generated once and committed (`HantHansTable.swift`), because the
/// duplicate key feeds the federation's merge and must fold identically on every node.
public enum TextNormalizer {
    /// Traditional scalar → Simplified scalar.
    static let hantHans: [Unicode.Scalar: Unicode.Scalar] = {
        var table: [Unicode.Scalar: Unicode.Scalar] = [:]
        var pending: Unicode.Scalar?
        for scalar in hantHansPairs.unicodeScalars where scalar != "\n" {
            if let traditional = pending {
                table[traditional] = scalar
                pending = nil
            } else {
                pending = scalar
            }
        }
        return table
    }()

    /// Folds `text` for indexing and querying.
    ///
    /// - Returns: the NFKC, Simplified, lowercased text with whitespace runs collapsed and trimmed.
    public static func fold(_ text: String) -> String {
        var needsUnicode = false
        for byte in text.utf8 where byte >= 0x80 {
            needsUnicode = true
            break
        }
        let source = needsUnicode ? text.precomposedStringWithCompatibilityMapping : text
        var scalars = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in source.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !scalars.isEmpty
                continue
            }
            if pendingSpace {
                scalars.append(" ")
                pendingSpace = false
            }
            if scalar.isASCII {
                let value = scalar.value
                scalars.append(value >= 0x41 && value <= 0x5A ? Unicode.Scalar(value + 0x20)! : scalar)
            } else if let simplified = hantHans[scalar] {
                scalars.append(simplified)
            } else if scalar.properties.changesWhenLowercased {
                scalars.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// The duplicate key of a text: its fold with punctuation, symbols and whitespace removed.
    ///
    /// Two records whose titles and organisations have equal keys are taken for the same project.
    public static func duplicateKey(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in fold(text).unicodeScalars {
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                .decimalNumber, .letterNumber, .otherNumber:
                scalars.append(scalar)
            default:
                continue
            }
        }
        return String(scalars)
    }

    /// Splits folded text into search terms at whitespace.
    public static func terms(_ text: String) -> [String] {
        fold(text).split(separator: " ").map(String.init)
    }
}
