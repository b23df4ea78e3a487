public import Catalog

/// The text side of a project as matching reads it: its folded fields, the lexicon groups they
/// name, its keywords and its character pairs.
public struct MatchText: Sendable {
    /// Folded `title`, `summary`, `problem`, target metrics and `keywords`, joined by newlines.
    public let folded: [Unicode.Scalar]
    /// Lexicon groups whose synonyms the text names, with the first term found.
    public let groups: [Int: String]
    /// Lexicon groups whose related terms the text names (and not a synonym), with the term found.
    public let relatedGroups: [Int: String]
    /// Folded keywords, distinct, in order.
    public let keywords: [String]
    /// Distinct character pairs of the fields (cut at punctuation and spaces), as `pair(_:_:)`.
    public let pairs: Set<UInt64>
    /// How often each pair occurs in the fields (BM25's term frequency).
    public let pairCounts: [UInt64: Int]
    /// The number of pairs in the fields, repeats counted (BM25's document length).
    public let length: Int

    public init(_ project: Project, lexicon: MatchLexicon) {
        var fields = [project.title, project.summary]
        if case .challenge(let challenge) = project.details {
            fields.append(challenge.problem)
            fields += challenge.targets.map(\.metric)
        }
        fields += project.keywords
        let folded = fields.map(TextNormalizer.fold)
        let scalars = Array(folded.joined(separator: "\n").unicodeScalars)
        self.folded = scalars
        var groups: [Int: String] = [:]
        var related: [Int: String] = [:]
        for hit in lexicon.hits(in: scalars, industry: project.industry) {
            if hit.related {
                if related[hit.group] == nil { related[hit.group] = hit.term }
            } else if groups[hit.group] == nil {
                groups[hit.group] = hit.term
            }
        }
        for group in groups.keys { related[group] = nil }
        self.groups = groups
        relatedGroups = related
        var keywords: [String] = []
        for keyword in project.keywords.map(TextNormalizer.fold) where keyword.unicodeScalars.count >= 2 && !keywords.contains(keyword) {
            keywords.append(keyword)
        }
        self.keywords = keywords
        let all = Self.pairs(of: scalars)
        var counts: [UInt64: Int] = [:]
        for pair in all { counts[pair, default: 0] += 1 }
        pairCounts = counts
        pairs = Set(counts.keys)
        length = all.count
    }

    /// True when folded `term` occurs in the text.
    public func contains(_ term: String) -> Bool {
        let needle = Array(term.unicodeScalars)
        guard let first = needle.first, needle.count <= folded.count else { return false }
        var start = 0
        while start + needle.count <= folded.count {
            if folded[start] == first, folded[start..<(start + needle.count)].elementsEqual(needle) { return true }
            start += 1
        }
        return false
    }

    /// Adjacent pairs of letters or digits, runs cut at anything else (as `records_grams` indexes).
    public static func pairs(of scalars: [Unicode.Scalar]) -> [UInt64] {
        var result: [UInt64] = []
        var previous: Unicode.Scalar?
        for scalar in scalars {
            guard isWord(scalar) else {
                previous = nil
                continue
            }
            if let first = previous { result.append(pair(first, scalar)) }
            previous = scalar
        }
        return result
    }

    /// A pair of scalars as one number (cheaper to hash than a string).
    public static func pair(_ first: Unicode.Scalar, _ second: Unicode.Scalar) -> UInt64 {
        UInt64(first.value) << 32 | UInt64(second.value)
    }

    /// The two characters of a pair.
    public static func string(pair: UInt64) -> String {
        var text = String.UnicodeScalarView()
        if let first = Unicode.Scalar(UInt32(pair >> 32)), let second = Unicode.Scalar(UInt32(pair & 0xFFFF_FFFF)) {
            text.append(first)
            text.append(second)
        }
        return String(text)
    }

    /// Letters and digits: the characters `records_grams` keeps inside tokens.
    static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return (0x30...0x39).contains(value) || (0x61...0x7A).contains(value) || (0x41...0x5A).contains(value) }
        if (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value) { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }
}
