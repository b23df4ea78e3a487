/// The weights of a score's components (protocols/matching.md, "How a score is made").
///
/// A solution's components sum to at most 1: `terms` + `sharedText` + `industry` + `trl` +
/// `budget` + `modes`; a finance pair's: three eligibility components + `amount` + `financeText`.
public struct MatchWeights: Sendable, Hashable {
    /// The IDF-weighted share of the demand's concepts (lexicon groups, keywords) the supply names.
    public var terms: Double
    /// What a related term (rather than a synonym) counts for, as a share of the concept's IDF.
    public var relatedCredit: Double
    /// What a demand keyword the supply names counts for, as a share of its IDF.
    public var keywordCredit: Double
    /// The IDF-weighted share of the demand's character pairs the supply's text holds.
    public var sharedText: Double
    public var industry: Double
    public var trl: Double
    public var budget: Double
    public var modes: Double
    /// A finance product that names the project's industry, stage or region.
    public var eligibleNamed: Double
    /// A finance product open to every industry, stage or region.
    public var eligibleOpen: Double
    public var amount: Double
    public var financeText: Double

    /// Text first: what the two sides name dominates; the values order pairs that name the same.
    /// Tuned on the evaluation set's tuning half only (Tests/MatchTests/Evaluation/README.md):
    /// with keywords counted in `terms` (credit 1) the lexicon share lowered the ranking (hit@5
    /// 0.754 at terms 0.5); with keyword credit 0 the best was terms 0.1, sharedText 0.65
    /// (precision@1 0.677, hit@5 0.831, MRR 0.754 on 65 tuning cases).
    public static let standard = MatchWeights(
        terms: 0.1, relatedCredit: 1.0, keywordCredit: 0, sharedText: 0.65, industry: 0.1, trl: 0.05, budget: 0.05, modes: 0.05,
        eligibleNamed: 0.2, eligibleOpen: 0.1, amount: 0.2, financeText: 0.2)
}
