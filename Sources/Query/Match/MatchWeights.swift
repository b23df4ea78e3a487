/// The weights of a score's components (protocols/matching.md, "How a score is made").
///
/// A solution's components sum to at most 1: `terms` + `sharedText` + `industry` + `trl` +
/// `budget` + `modes`; a finance pair's: three eligibility components + `amount` + `financeText`.
public struct MatchWeights: Sendable, Hashable {
    /// The IDF-weighted share of the demand's concepts (lexicon groups, keywords) the supply names.
    public var terms: Double
    /// What a related term (rather than a synonym) counts for, as a share of the concept's IDF.
    public var relatedCredit: Double
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
    /// Set after the held-out half was committed; `relatedCredit` tuned on the tuning half (0.7,
    /// 0.9, 1.0 tried: hit@5 0.939, 0.939, 0.970), the terms/shared-text split made no difference there.
    public static let standard = MatchWeights(
        terms: 0.5, relatedCredit: 1.0, sharedText: 0.25, industry: 0.1, trl: 0.05, budget: 0.05, modes: 0.05,
        eligibleNamed: 0.2, eligibleOpen: 0.1, amount: 0.2, financeText: 0.2)
}
