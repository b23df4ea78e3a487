/// Interleaves choices so that each appears exactly as often as its weight, spread evenly.
///
/// This is the smooth weighted round-robin of nginx's upstream balancer: every step adds each
/// weight to its running credit, picks the largest credit (the first on ties) and takes the total
/// weight off the winner. Over one cycle of `sum(weights)` steps each choice is picked exactly
/// `weight` times, and picks of a heavy choice are spread out instead of bunched, which is what a
/// generated catalog needs: the conference's exact mix, with kinds interleaved. Memory is
/// constant, one credit per choice.
struct SmoothWeightedRoundRobin: Sendable {
    private let weights: [Int]
    private let total: Int
    private var credits: [Int]

    /// A schedule over `weights.count` choices; weights must be non-negative.
    init(weights: [Int]) {
        precondition(weights.allSatisfy { $0 >= 0 }, "weights must be non-negative")
        self.weights = weights
        total = weights.reduce(0, +)
        credits = Array(repeating: 0, count: weights.count)
    }

    /// The index of the next choice; the sum of the weights must be positive.
    mutating func next() -> Int {
        precondition(total > 0, "nothing to schedule")
        var best = 0
        for index in credits.indices {
            credits[index] += weights[index]
            if credits[index] > credits[best] { best = index }
        }
        credits[best] -= total
        return best
    }
}
