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
        // Catalog text is mostly ASCII and CJK ideographs, which NFKC leaves unchanged; only text
        // with other characters pays for Foundation's normalisation.
        let source = text.unicodeScalars.allSatisfy(isNFKCStable) ? text : text.precomposedStringWithCompatibilityMapping
        var scalars = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in source.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                if value == 0x20 || (0x09...0x0D).contains(value) {
                    pendingSpace = !scalars.isEmpty
                    continue
                }
                if pendingSpace {
                    scalars.append(" ")
                    pendingSpace = false
                }
                scalars.append(value >= 0x41 && value <= 0x5A ? Unicode.Scalar(value + 0x20)! : scalar)
                continue
            }
            if isIdeograph(value) {
                if pendingSpace {
                    scalars.append(" ")
                    pendingSpace = false
                }
                scalars.append(hantHans[scalar] ?? scalar)
                continue
            }
            if scalar.properties.isWhitespace {
                pendingSpace = !scalars.isEmpty
                continue
            }
            if pendingSpace {
                scalars.append(" ")
                pendingSpace = false
            }
            if scalar.properties.changesWhenLowercased {
                scalars.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// True for CJK unified ideographs (basic block, extension A and the compatibility block).
    static func isIdeograph(_ value: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value) || (0xF900...0xFAFF).contains(value)
    }

    /// True for characters that NFKC never changes and that are common in catalog text: ASCII,
    /// CJK unified ideographs, and the Chinese punctuation 、。《》「」『』【】“”‘’—.
    /// (Compatibility ideographs U+F900… do change under NFKC, so they are not listed.)
    static func isNFKCStable(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x80 || (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value)
            || (0x3001...0x3002).contains(value) || (0x300A...0x3011).contains(value) || value == 0x2014
            || (0x2018...0x2019).contains(value) || (0x201C...0x201D).contains(value)
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
