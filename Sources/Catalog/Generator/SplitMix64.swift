/// The SplitMix64 pseudo-random generator (Steele, Lea and Flood, 2014), with the few draws the
/// catalog generator needs.
///
/// The generator must give the same records on every machine, run and Swift version, so it cannot
/// use `SystemRandomNumberGenerator` (not seedable), `Hasher` (seeded per process) or the standard
/// library's `randomElement(using:)` and `Int.random(in:using:)`, whose use of the generator is an
/// implementation detail that may change between releases. Every draw here is spelled out.
struct SplitMix64: Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// The SplitMix64 finaliser: a bijective scramble of 64 bits, also used to derive seeds.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound`; `bound` must be positive.
    ///
    /// Takes the high word of a 64×64-bit product (Lemire's method without the rejection step): the
    /// bias, below 2⁻⁵⁰ for the small bounds used here, is irrelevant to sample data and keeps one
    /// draw per call, so records never depend on how often a rejection happened.
    mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A number in `range`.
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// True with a probability of `percent` in a hundred.
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    /// A uniformly chosen element of a non-empty array.
    mutating func pick<Element>(_ elements: [Element]) -> Element { elements[below(elements.count)] }

    /// An index chosen with probability proportional to its weight; weights must not all be zero.
    mutating func weighted(_ weights: [Int]) -> Int {
        var total = 0
        for weight in weights { total += weight }
        var roll = below(total)
        for (index, weight) in weights.enumerated() {
            if roll < weight { return index }
            roll -= weight
        }
        return weights.count - 1
    }
}
