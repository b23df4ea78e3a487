public import Catalog
import Foundation

/// Scores pairs of projects of the unified catalog and ranks candidates (protocols/matching.md).
///
/// Pure: the store retrieves the candidates and the catalog's pair frequencies; this code reads
/// only the records, the lexicon and the weights. A pair is always scored the same way round:
/// the challenge (or, with a finance product, the project) is the demand side, so a pair has
/// one score whichever side asked.
public struct Matcher: Sendable {
    public let lexicon: MatchLexicon
    public let weights: MatchWeights

    public init(lexicon: MatchLexicon, weights: MatchWeights = .standard) {
        self.lexicon = lexicon
        self.weights = weights
    }

    /// The kinds a subject of `kind` is matched with, narrowed by `requested`.
    ///
    /// - Throws: `MatchError` when `requested` cannot be matched with `kind`.
    public static func targetKinds(for kind: ProjectKind, requested: ProjectKind?) throws -> [ProjectKind] {
        let allowed: [ProjectKind]
        let standard: [ProjectKind]
        switch kind {
        case .challenge: (allowed, standard) = ([.achievement, .technology, .finance], [.achievement, .technology])
        case .achievement, .technology: (allowed, standard) = ([.challenge, .finance], [.challenge])
        case .finance: (allowed, standard) = ([.achievement, .technology, .challenge], [.achievement, .technology, .challenge])
        }
        guard let requested else { return standard }
        guard allowed.contains(requested) else {
            throw MatchError(
                "kind \(requested.rawValue): a\(kind == .achievement ? "n" : "") \(kind.rawValue) is matched with "
                    + allowed.map(\.rawValue).joined(separator: ", "))
        }
        return [requested]
    }

    /// The terms whose records are worth scoring for `subject`: its lexicon groups' synonyms and
    /// related terms, its keywords, and its character pairs that at most `rareShare` of the
    /// catalog holds (at least its `pairs` rarest): the pairs that decide a BM25 ranking, while
    /// the common ones (企业, 技术), which every record holds, would only make the query slow.
    public func retrievalTerms(_ subject: MatchText, statistics: MatchStatistics, pairs: Int = 40, rareShare: Double = 0.05) -> [String] {
        var terms: [String] = []
        func add(_ term: String) { if !terms.contains(term) { terms.append(term) } }
        for group in (Array(subject.groups.keys) + Array(subject.relatedGroups.keys)).sorted() {
            for term in lexicon.groups[group].terms + lexicon.groups[group].related { add(term) }
        }
        for keyword in subject.keywords { add(keyword) }
        let rare = subject.pairs.sorted {
            let (left, right) = (statistics.idf(pair: $0), statistics.idf(pair: $1))
            return left != right ? left > right : $0 < $1
        }
        let limit = Double(statistics.documents) * rareShare
        for (index, pair) in rare.enumerated() where index < pairs || Double(statistics.pairFrequency[pair] ?? 0) <= limit {
            add(MatchText.string(pair: pair))
        }
        return terms
    }

    /// Ranks `candidates` for `subject`: leaves out the subject's own cluster, repeated clusters,
    /// expired records (unless asked), same-region clusters with `crossRegion`, kinds not asked
    /// for and ineligible finance pairs; orders by score descending, then id.
    ///
    /// - Parameters:
    ///   - text: the text of a cluster (a caller may cache them).
    ///   - select: picks, from the ranked results (at most `request.limit`), those to return; only
    ///     these get their reason texts in full (naming shared runs is the costly part of a
    ///     score), so `match --all`, which keeps a few of each ranking, describes only those.
    public func rank(
        _ subject: ClusterProject, candidates: [ClusterProject], request: MatchRequest, statistics: MatchStatistics,
        text: ((ClusterProject) -> MatchText)? = nil, select: (([MatchResult]) -> [MatchResult])? = nil
    ) throws -> [MatchResult] {
        let kinds = try Self.targetKinds(for: subject.project.kind, requested: request.kind)
        let textOf = text ?? { MatchText($0.project, lexicon: lexicon) }
        let subjectText = textOf(subject)
        var seen: Set<String> = [subject.cluster]
        var results: [MatchResult] = []
        for candidate in candidates where kinds.contains(candidate.project.kind) {
            guard seen.insert(candidate.cluster).inserted else { continue }
            if !request.includeExpired && MatchRequest.isExpired(candidate.project, today: request.today) { continue }
            if request.crossRegion && !subject.isCrossRegion(with: candidate) { continue }
            if let result = score(subject, subjectText, candidate, textOf(candidate), statistics: statistics, describe: false) {
                results.append(result)
            }
        }
        results.sort { $0.score != $1.score ? $0.score > $1.score : $0.candidate.id.description < $1.candidate.id.description }
        let ranked = Array(results.prefix(request.limit))
        // The texts of the results shown, in full (the weights do not change).
        return (select?(ranked) ?? ranked).map { result in
            score(subject, subjectText, result.candidate, textOf(result.candidate), statistics: statistics, describe: true) ?? result
        }
    }

    /// The score of `candidate` for `subject`, or nil when the pair is not a match at all (a
    /// finance product the project is not eligible for, or nothing in common).
    func score(
        _ subject: ClusterProject, _ subjectText: MatchText, _ candidate: ClusterProject, _ candidateText: MatchText, statistics: MatchStatistics,
        describe: Bool = true
    ) -> MatchResult? {
        let reasons: [MatchReason]?
        switch (subject.project.kind, candidate.project.kind) {
        case (.finance, _):
            reasons = financeReasons(project: candidate, projectText: candidateText, finance: subject, financeText: subjectText, statistics: statistics)
        case (_, .finance):
            reasons = financeReasons(project: subject, projectText: subjectText, finance: candidate, financeText: candidateText, statistics: statistics)
        case (.challenge, _):
            reasons = solutionReasons(
                demand: subject, demandText: subjectText, supply: candidate, supplyText: candidateText, statistics: statistics, describe: describe)
        default:
            reasons = solutionReasons(
                demand: candidate, demandText: candidateText, supply: subject, supplyText: subjectText, statistics: statistics, describe: describe)
        }
        guard let reasons else { return nil }
        return Self.result(candidate, reasons)
    }

    /// The pair's score for `match --all`, the challenge first.
    public func pair(demand: ClusterProject, supply: ClusterProject, statistics: MatchStatistics) -> MatchPair? {
        let demandText = MatchText(demand.project, lexicon: lexicon)
        guard let reasons = solutionReasons(
            demand: demand, demandText: demandText, supply: supply, supplyText: MatchText(supply.project, lexicon: lexicon),
            statistics: statistics)
        else { return nil }
        let result = Self.result(supply, reasons)
        return MatchPair(a: demand, b: supply, score: result.score, reasons: result.reasons)
    }

    /// Rounds each weight to 1/10,000 and sums the rounded weights, so they add up to the score.
    static func result(_ candidate: ClusterProject, _ reasons: [MatchReason]) -> MatchResult {
        let rounded = reasons.map { MatchReason(code: $0.code, text: $0.text, weight: ($0.weight * 10_000).rounded() / 10_000) }
        let score = min(max(rounded.reduce(0) { $0 + $1.weight }, 0), 1)
        return MatchResult(candidate: candidate, score: (score * 10_000).rounded() / 10_000, reasons: rounded)
    }
}
