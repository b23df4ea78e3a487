public import Catalog
import Foundation

/// What a `match` asks for (protocols/matching.md).
public struct MatchRequest: Sendable, Hashable {
    /// Results wanted, 1–100.
    public var limit: Int
    /// Leave out candidates whose cluster shares a region with the subject's.
    public var crossRegion: Bool
    /// The kind of the results; nil for the subject's counterpart kinds.
    public var kind: ProjectKind?
    /// Keep records past `valid_through` and challenges past `deadline`.
    public var includeExpired: Bool
    /// `YYYY-MM-DD` (UTC): what is expired.
    public var today: String

    public init(limit: Int = 10, crossRegion: Bool = false, kind: ProjectKind? = nil, includeExpired: Bool = false, today: String) {
        self.limit = limit
        self.crossRegion = crossRegion
        self.kind = kind
        self.includeExpired = includeExpired
        self.today = today
    }

    /// True when `project` is past its `valid_through` or, for a challenge, its `deadline`.
    public static func isExpired(_ project: Project, today: String) -> Bool {
        if project.validThrough < today { return true }
        if case .challenge(let challenge) = project.details, let deadline = challenge.deadline, deadline < today { return true }
        return false
    }
}

/// One component of a score, in words an organiser can read aloud.
public struct MatchReason: Sendable, Hashable {
    /// `terms`, `related_terms`, `shared_text`, `industry`, `trl`, `budget`, `modes`, `region`,
    /// `eligible_industry`, `eligible_stage`, `eligible_region`, `amount` (protocols/matching.md).
    public let code: String
    /// Simplified Chinese, naming the concrete terms and values.
    public let text: String
    /// This component's share of the score; a result's weights sum to its score.
    public let weight: Double

    public init(code: String, text: String, weight: Double) {
        self.code = code
        self.text = text
        self.weight = weight
    }
}

/// A ranked candidate.
public struct MatchResult: Sendable, Hashable {
    public let candidate: ClusterProject
    /// In [0, 1]: the sum of the reasons' weights.
    public let score: Double
    public let reasons: [MatchReason]

    public init(candidate: ClusterProject, score: Double, reasons: [MatchReason]) {
        self.candidate = candidate
        self.score = score
        self.reasons = reasons
    }
}

/// One pair of `match --all`: `a` is the demand side (the challenge), `b` the solution.
public struct MatchPair: Sendable, Hashable {
    public let a: ClusterProject
    public let b: ClusterProject
    public let score: Double
    public let reasons: [MatchReason]

    public init(a: ClusterProject, b: ClusterProject, score: Double, reasons: [MatchReason]) {
        self.a = a
        self.b = b
        self.score = score
        self.reasons = reasons
    }
}

/// Document frequencies over the catalog, for IDF weighting of character pairs and terms.
public struct MatchStatistics: Sendable {
    /// Records in the catalog.
    public let documents: Int
    /// Records holding each character pair (`records_grams`, keys `MatchText.pair`), for the
    /// pairs asked about.
    public let pairFrequency: [UInt64: Int]
    /// The mean number of character pairs a record's text holds (BM25's average document
    /// length); 0 when unknown, which turns the length normalisation off.
    public let averageLength: Double

    public init(documents: Int, pairFrequency: [UInt64: Int], averageLength: Double = 0) {
        self.documents = documents
        self.pairFrequency = pairFrequency
        self.averageLength = averageLength
    }

    /// ln(1 + N / df): rare pairs weigh more; a pair the catalog lacks counts as held by one.
    public func idf(pair: UInt64) -> Double {
        let df = max(pairFrequency[pair] ?? 1, 1)
        return log(1 + Double(max(documents, 1)) / Double(df))
    }

    /// BM25's IDF, ln((N - df + 0.5) / (df + 0.5)), floored at 10⁻⁶ as SQLite's FTS5 floors it:
    /// a pair half the catalog holds says nothing about a match.
    public func bm25IDF(pair: UInt64) -> Double {
        let n = Double(max(documents, 1)), df = Double(min(max(pairFrequency[pair] ?? 1, 1), max(documents, 1)))
        return max(log((n - df + 0.5) / (df + 0.5)), 1e-6)
    }

    /// The IDF of a term: that of its rarest pair bounds its frequency from above.
    public func idf(term: String) -> Double {
        let pairs = MatchText.pairs(of: Array(term.unicodeScalars))
        return pairs.map { idf(pair: $0) }.max() ?? log(1 + Double(max(documents, 1)))
    }
}

/// Bad input to matching (a kind that cannot be matched with the subject's).
public struct MatchError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
