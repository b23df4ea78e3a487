public import Catalog

/// The domain lexicon of matching: groups of synonyms, each with related terms, per industry.
///
/// It bridges how a demand is written (a symptom, a goal: 燃气泄漏报警) and how a solution is
/// written (a technique: 激光甲烷遥测). A file has one group per line, three tab-separated
/// columns: the industry code (or `*` for every industry), the group's terms separated by `|`,
/// and optionally its related terms separated by `|`. Lines that are empty or start with `#`
/// are skipped. Terms are folded (`TextNormalizer.fold`), so Traditional and Simplified forms
/// are one term. `protocols/matching.md` describes the format; the project's own lexicon is
/// `DomainLexicon.tsv` (embedded in the binary), and `--lexicon FILE` adds an association's.
public struct MatchLexicon: Sendable {
    /// One line of a lexicon file.
    public struct Group: Sendable, Hashable {
        /// nil for every industry.
        public let industry: Industry?
        /// Folded synonyms, the first being the group's name in reasons.
        public let terms: [String]
        /// Folded related terms: what a demand naming one of `terms` may be solved by, or the reverse.
        public let related: [String]
    }

    public private(set) var groups: [Group] = []
    /// First two scalars of a term → the (term scalars, group index, related?) that start with them.
    private var index: [UInt64: [(term: [Unicode.Scalar], group: Int, related: Bool)]] = [:]

    public init() {}

    /// Parses a lexicon file's text.
    ///
    /// - Parameters:
    ///   - text: the file's content (UTF-8 text).
    ///   - file: the name errors give as the place.
    /// - Throws: `MatchLexiconError` naming `FILE:LINE: problem` for the first bad line.
    public init(parsing text: String, file: String) throws(MatchLexiconError) {
        try add(parsing: text, file: file)
    }

    /// Adds the groups of another file's text (an association's extension).
    public mutating func add(parsing text: String, file: String) throws(MatchLexiconError) {
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if lineNumber == 1, line.hasPrefix("\u{FEFF}") { line = line.dropFirst() }
            if line.trimmingSpaces().isEmpty || line.trimmingSpaces().hasPrefix("#") { continue }
            func fail(_ problem: String) -> MatchLexiconError { MatchLexiconError(file: file, line: lineNumber, problem: problem) }
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard columns.count == 2 || columns.count == 3 else {
                throw fail("expected 2 or 3 tab-separated columns (industry, terms, related terms), found \(columns.count)")
            }
            let industryText = String(columns[0].trimmingSpaces())
            var industry: Industry?
            if industryText != "*" {
                guard let parsed = Industry(rawValue: industryText) ?? Industry(lenient: industryText) else {
                    throw fail("unknown industry \"\(industryText)\" (use * or one of \(Industry.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                industry = parsed
            }
            let terms = try Self.terms(columns[1], column: "terms", fail: fail)
            guard !terms.isEmpty else { throw fail("the terms column is empty") }
            let related = columns.count == 3 ? try Self.terms(columns[2], column: "related terms", fail: fail) : []
            let group = Group(industry: industry, terms: terms, related: related)
            let number = groups.count
            groups.append(group)
            for (term, isRelated) in terms.map({ ($0, false) }) + related.map({ ($0, true) }) {
                let scalars = Array(term.unicodeScalars)
                index[Self.key(scalars[0], scalars[1]), default: []].append((scalars, number, isRelated))
            }
        }
    }

    private static func terms(
        _ column: Substring, column name: String, fail: (String) -> MatchLexiconError
    ) throws(MatchLexiconError) -> [String] {
        var result: [String] = []
        for item in column.split(separator: "|", omittingEmptySubsequences: false) {
            let raw = item.trimmingSpaces()
            if raw.isEmpty {
                if column.trimmingSpaces().isEmpty { continue }
                throw fail("an empty term in the \(name) column (two | in a row, or one at an end)")
            }
            let term = TextNormalizer.fold(String(raw))
            guard term.unicodeScalars.count >= 2 else { throw fail("term \"\(raw)\" is shorter than 2 characters") }
            guard term.count <= 40 else { throw fail("term \"\(raw)\" is longer than 40 characters") }
            if !result.contains(term) { result.append(term) }
        }
        return result
    }

    private static func key(_ first: Unicode.Scalar, _ second: Unicode.Scalar) -> UInt64 {
        UInt64(first.value) << 32 | UInt64(second.value)
    }

    /// A lexicon hit in a text: the group, the term as found, and whether it is a related term.
    public struct Hit: Sendable, Hashable {
        public let group: Int
        public let term: String
        public let related: Bool
    }

    /// The groups whose terms (or related terms) occur in folded `text`, for a record of `industry`.
    public func hits(in text: [Unicode.Scalar], industry: Industry) -> [Hit] {
        guard text.count >= 2, !index.isEmpty else { return [] }
        var found: [Hit] = []
        var seen: Set<Hit> = []
        for start in 0..<(text.count - 1) {
            guard let entries = index[Self.key(text[start], text[start + 1])] else { continue }
            for entry in entries where start + entry.term.count <= text.count {
                let groupIndustry = groups[entry.group].industry
                guard groupIndustry == nil || groupIndustry == industry else { continue }
                if text[start..<(start + entry.term.count)].elementsEqual(entry.term) {
                    let hit = Hit(group: entry.group, term: String(String.UnicodeScalarView(entry.term)), related: entry.related)
                    if seen.insert(hit).inserted { found.append(hit) }
                }
            }
        }
        return found
    }
}

/// A lexicon file line that does not parse: `FILE:LINE: problem`.
public struct MatchLexiconError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let problem: String

    public var description: String { "\(file):\(line): \(problem)" }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\u{3000}" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\u{3000}" { text = text.dropLast() }
        return text
    }
}
