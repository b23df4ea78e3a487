/// A deterministic generator of realistic catalog records, for demos, tests and benchmarks.
///
/// Records follow the conference's mix of kinds (the conference's figures, README "What it is": 2,430 achievements, 1,565
/// technologies, 624 challenges and 51 financial products of 4,670; the products 43 loans, 5 funds
/// and 3 insurance), split for any count by the largest-remainder method and interleaved by a
/// smooth weighted round-robin, so any prefix of the sequence has about the same mix. Titles,
/// summaries, keywords and organisations come from the vocabularies of the seven sectors and the
/// region's universities, institutes, enterprises and financial providers.
///
/// The same region, count, seed and year of `today` always give the same records: randomness comes
/// from SplitMix64 streams seeded by the seed, the region code and the record's index, never from
/// the system generator or `Hasher`. Every record passes `ProjectDecoder(mode: .importing(origin:))`
/// for the region's origin and stays valid for two to five years after `today`.
///
/// Ids are `g<seed>-<index>` (index from 1, seven digits zero-padded), under the origin equal to
/// the region code (`sichuan:g42-0000001`); the origin of `inner_mongolia` is `inner-mongolia`,
/// since origins cannot contain `_`. Node-owned fields (version, timestamps) are left unset.
///
/// Generation streams: each call to `next()` builds one record in constant memory, so a run of a
/// million records never holds them all.
public struct CatalogGenerator: Sendable {
    /// The conference's selection (the conference's figures, README "What it is"), in `ProjectKind.allCases` order.
    private static let kindWeights: [(ProjectKind, Int)] = [
        (.achievement, 2430), (.technology, 1565), (.challenge, 624), (.finance, 51),
    ]
    /// The conference's financial products: 43 loans, 5 funds, 3 insurance.
    private static let financeWeights: [(FinanceProductType, Int)] = [(.loan, 43), (.fund, 5), (.insurance, 3)]

    private let composer: RecordComposer
    private let count: Int
    private var produced = 0
    private var kinds: SmoothWeightedRoundRobin
    private var financeTypes: SmoothWeightedRoundRobin

    /// Prepares a run of `count` records.
    ///
    /// - Parameters:
    ///   - region: The region of the publishing organisations; its code is the records' origin.
    ///   - count: How many records `next()` yields, zero or more.
    ///   - seed: Selects one of many catalogs; the same seed gives the same records.
    ///   - today: Today's date, `YYYY-MM-DD` (UTC). Only its year matters: validity dates and
    ///     deadlines are whole years after it.
    public init(region: Region, count: Int, seed: UInt64, today: String) {
        precondition(count >= 0, "count must not be negative")
        let yearDigits = today.utf8.prefix(4)
        guard today.utf8.count >= 4, yearDigits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let year = Int(String(decoding: yearDigits, as: UTF8.self)), year <= 9990
        else { preconditionFailure("today must be a date YYYY-MM-DD, not \(today)") }
        composer = RecordComposer(region: region, seed: seed, year: year)
        self.count = count
        let kindCounts = Self.kindCounts(total: count)
        kinds = SmoothWeightedRoundRobin(weights: kindCounts.map(\.value))
        financeTypes = SmoothWeightedRoundRobin(weights: Self.financeCounts(total: kindCounts[3].value).map(\.value))
    }

    /// The next record, or nil once `count` records have been produced.
    public mutating func next() -> Project? {
        guard produced < count else { return nil }
        produced += 1
        let kind = Self.kindWeights[kinds.next()].0
        let financeType = kind == .finance ? Self.financeWeights[financeTypes.next()].0 : .loan
        return composer.project(index: produced, kind: kind, financeType: financeType)
    }

    /// How many records of each kind a run of `total` records holds, in `ProjectKind.allCases` order.
    ///
    /// The conference's proportions (2430 : 1565 : 624 : 51) split by the largest-remainder method,
    /// ties going to the earlier kind; the counts always sum to `total`, and `total` 4670 gives the
    /// conference's counts exactly.
    public static func kindCounts(total: Int) -> [(key: ProjectKind, value: Int)] {
        let shares = LargestRemainder.apportion(total, weights: kindWeights.map(\.1))
        return zip(kindWeights, shares).map { (key: $0.0.0, value: $0.1) }
    }

    /// How many financial products of each type `finance` products hold: loans, funds and
    /// insurance, in the conference's proportions (43 : 5 : 3), by the largest-remainder method.
    ///
    /// Other product types (IP-pledge loans, guarantees) are not generated and not listed.
    public static func financeCounts(total finance: Int) -> [(key: FinanceProductType, value: Int)] {
        let shares = LargestRemainder.apportion(finance, weights: financeWeights.map(\.1))
        return zip(financeWeights, shares).map { (key: $0.0.0, value: $0.1) }
    }
}
