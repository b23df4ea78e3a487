import Catalog
import Foundation

extension Matcher {
    /// The components of a challenge–supply pair (protocols/matching.md, "A solution").
    ///
    /// With `describe` false the texts may leave out the shared runs (scoring only: the weights
    /// are the same); the results shown are described again in full.
    func solutionReasons(
        demand: ClusterProject, demandText: MatchText, supply: ClusterProject, supplyText: MatchText, statistics: MatchStatistics,
        describe: Bool = true
    ) -> [MatchReason]? {
        var reasons: [MatchReason] = []
        let terms = termOverlap(demand: demandText, supply: supplyText, statistics: statistics, keywordCredit: weights.keywordCredit)
        if !terms.shared.isEmpty {
            reasons.append(MatchReason(
                code: "terms", text: "双方都提到" + Self.quoted(terms.shared) + "。", weight: weights.terms * terms.sharedShare))
        }
        if !terms.related.isEmpty {
            let pairs = terms.related.prefix(4).map { "需求中的“\($0.demand)”与方案中的“\($0.supply)”" }
            reasons.append(MatchReason(
                code: "related_terms", text: pairs.joined(separator: "，") + "属于相关技术。", weight: weights.terms * terms.relatedShare))
        }
        let shared = pairOverlap(demand: demandText, supply: supplyText, statistics: statistics, name: describe)
        if shared.share > 0 {
            reasons.append(MatchReason(
                code: "shared_text", text: "需求与方案的文字有共同片段" + Self.quoted(shared.pairs) + "。",
                weight: weights.sharedText * shared.share))
        }
        guard !reasons.isEmpty else { return nil }
        let demandProject = demand.project, supplyProject = supply.project
        if demandProject.industry == supplyProject.industry {
            reasons.append(MatchReason(code: "industry", text: "同属\(demandProject.industry.label)行业。", weight: weights.industry))
        }
        if case .challenge(let challenge) = demandProject.details, case .supply(let offer) = supplyProject.details {
            if let trl = trlReason(challenge, offer) { reasons.append(trl) }
            if let budget = budgetReason(challenge.budget, offer.price) { reasons.append(budget) }
            let common = challenge.wantedModes.filter(offer.cooperation.contains)
            if !common.isEmpty {
                reasons.append(MatchReason(
                    code: "modes", text: "需求方希望的合作方式" + common.map { "“\($0.label)”" }.joined(separator: "、") + "，方案方也接受。",
                    weight: weights.modes * Double(common.count) / Double(challenge.wantedModes.count)))
            }
        }
        reasons.append(regionReason(demand: demand, supply: supply, demandRole: "需求方", supplyRole: "方案方"))
        return reasons
    }

    /// The components of a project–finance pair; nil when the project is not eligible.
    func financeReasons(
        project: ClusterProject, projectText: MatchText, finance: ClusterProject, financeText: MatchText, statistics: MatchStatistics
    ) -> [MatchReason]? {
        guard case .finance(let product) = finance.project.details else { return nil }
        let industry = project.project.industry, stage = project.project.stage
        guard product.eligibleIndustries.isEmpty || product.eligibleIndustries.contains(industry) else { return nil }
        guard product.eligibleStages.isEmpty || product.eligibleStages.contains(stage) else { return nil }
        let regions = project.regions.compactMap(Region.init(code:))
        let served = product.eligibleRegions.isEmpty ? regions : regions.filter(product.eligibleRegions.contains)
        guard !served.isEmpty || regions.isEmpty else { return nil }
        var reasons: [MatchReason] = []
        let name = "“\(finance.project.title)”"
        if product.eligibleIndustries.isEmpty {
            reasons.append(MatchReason(code: "eligible_industry", text: "\(name)不限行业，项目属\(industry.label)。", weight: weights.eligibleOpen))
        } else {
            reasons.append(MatchReason(code: "eligible_industry", text: "\(name)支持\(industry.label)行业的项目。", weight: weights.eligibleNamed))
        }
        if product.eligibleStages.isEmpty {
            reasons.append(MatchReason(code: "eligible_stage", text: "不限项目阶段，项目处于\(stage.label)阶段。", weight: weights.eligibleOpen))
        } else {
            reasons.append(MatchReason(code: "eligible_stage", text: "支持处于\(stage.label)阶段的项目。", weight: weights.eligibleNamed))
        }
        let regionNames = served.map(\.label).joined(separator: "、")
        if product.eligibleRegions.isEmpty {
            reasons.append(MatchReason(code: "eligible_region", text: "不限地区，项目在\(regionNames)。", weight: weights.eligibleOpen))
        } else {
            reasons.append(MatchReason(code: "eligible_region", text: "覆盖项目所在的\(regionNames)。", weight: weights.eligibleNamed))
        }
        if let amount = amountReason(project.project, product.amount) { reasons.append(amount) }
        // A finance product names what it funds by keyword (新能源, 医疗器械): they count fully.
        let terms = termOverlap(demand: projectText, supply: financeText, statistics: statistics, keywordCredit: 1)
        if !terms.shared.isEmpty {
            reasons.append(MatchReason(
                code: "terms", text: "产品说明与项目都提到" + Self.quoted(terms.shared) + "。", weight: weights.financeText * terms.sharedShare))
        }
        return reasons
    }

    // MARK: Text components

    /// The demand's concepts (lexicon groups, related terms, keywords), IDF-weighted, and which
    /// of them the supply names: the same group counts fully, a related term at `relatedCredit`,
    /// a keyword at `keywordCredit`.
    func termOverlap(demand: MatchText, supply: MatchText, statistics: MatchStatistics, keywordCredit: Double)
        -> (shared: [String], related: [(demand: String, supply: String)], sharedShare: Double, relatedShare: Double)
    {
        var total = 0.0, sharedWeight = 0.0, relatedWeight = 0.0
        var shared: [(String, Double)] = []
        var related: [(demand: String, supply: String, weight: Double)] = []
        for (group, term) in demand.groups {
            let idf = groupIDF(group, found: term, statistics: statistics)
            total += idf
            if let other = supply.groups[group] {
                sharedWeight += idf
                shared.append((term == other ? term : "\(term)/\(other)", idf))
            } else if let other = supply.relatedGroups[group] {
                // A related term counts as much as the rarer of the two terms: a generic
                // technique (深度学习) bridges less than a specific one.
                relatedWeight += min(idf, statistics.idf(term: other)) * weights.relatedCredit
                related.append((term, other, idf))
            }
        }
        for (group, term) in demand.relatedGroups {
            let idf = statistics.idf(term: term)
            total += idf
            if let other = supply.groups[group] {
                relatedWeight += min(idf, statistics.idf(term: other)) * weights.relatedCredit
                related.append((term, other, idf))
            }
        }
        let groupTerms = Set(shared.map(\.0))
        for keyword in demand.keywords {
            // Named in the reason whatever its credit; counted at `keywordCredit` of its IDF.
            let idf = statistics.idf(term: keyword)
            total += idf * keywordCredit
            if supply.contains(keyword) {
                sharedWeight += idf * keywordCredit
                if !groupTerms.contains(keyword) { shared.append((keyword, idf)) }
            }
        }
        let byWeight = shared.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.map(\.0)
        let relatedOrdered = related.sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.demand < $1.demand }
        // No weighed concept (only keywords, at credit 0): the shared terms are named, and weigh nothing.
        let share: (Double) -> Double = { total > 0 ? $0 / total : 0 }
        return (Array(byWeight.prefix(6)), relatedOrdered.map { ($0.demand, $0.supply) }, share(sharedWeight), share(relatedWeight))
    }

    /// The IDF of a lexicon group: that of the term found (its synonyms are one concept).
    func groupIDF(_ group: Int, found: String, statistics: MatchStatistics) -> Double {
        statistics.idf(term: found)
    }

    /// The IDF-weighted share of the demand's character pairs that the supply's text holds, and
    /// the rarest shared pairs, each extended to the longest run both texts share around it.
    func pairOverlap(demand: MatchText, supply: MatchText, statistics: MatchStatistics, name: Bool = true) -> (share: Double, pairs: [String]) {
        // BM25 of the demand's pairs (each once, as an OR query) in the supply's text, divided
        // by what a record of average length holding each pair once would score: k1 = 1.2,
        // b = 0.75, as SQLite's bm25(). Always scored demand → supply, so a pair has one value.
        let k1 = 1.2, b = 0.75
        let norm = statistics.averageLength > 0 ? 1 - b + b * Double(supply.length) / statistics.averageLength : 1
        var total = 0.0, shared = 0.0
        var common: [(UInt64, Double)] = []
        for pair in demand.pairs {
            let idf = statistics.bm25IDF(pair: pair)
            total += idf
            if let count = supply.pairCounts[pair] {
                let tf = Double(count)
                shared += idf * tf * (k1 + 1) / (tf + k1 * norm)
                common.append((pair, idf))
            }
        }
        guard total > 0, shared > 0 else { return (0, []) }
        let share = min(shared / total, 1)
        guard name else { return (share, []) }
        // Name the rarest shared pairs, each grown to the longest run of the demand's text
        // around it that the supply's text holds too (毫米 → 毫米波雷达), each run once.
        var named: [String] = []
        for (pair, _) in common.sorted(by: { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }) {
            guard named.count < 4, !named.contains(where: { $0.contains(MatchText.string(pair: pair)) }) else { continue }
            let run = Self.sharedRun(around: MatchText.string(pair: pair), in: demand, heldBy: supply)
            named.removeAll { run.contains($0) }
            named.append(run)
        }
        return (share, named)
    }

    /// The longest run of letters and digits of `demand` containing `pair` that `supply` holds.
    static func sharedRun(around pair: String, in demand: MatchText, heldBy supply: MatchText) -> String {
        let text = demand.folded
        let needle = Array(pair.unicodeScalars)
        var best = pair
        var start = 0
        while start + needle.count <= text.count {
            defer { start += 1 }
            guard text[start..<(start + needle.count)].elementsEqual(needle) else { continue }
            var low = start, high = start + needle.count
            func held(_ low: Int, _ high: Int) -> Bool { supply.contains(String(String.UnicodeScalarView(text[low..<high]))) }
            while high < text.count, MatchText.isWord(text[high]), held(low, high + 1) { high += 1 }
            while low > 0, MatchText.isWord(text[low - 1]), held(low - 1, high) { low -= 1 }
            if high - low > best.unicodeScalars.count { best = String(String.UnicodeScalarView(text[low..<high])) }
        }
        return best
    }

    // MARK: Values

    /// A target on the readiness level (metric naming TRL or 成熟度) checked against the supply's.
    func trlReason(_ challenge: Challenge, _ offer: Supply) -> MatchReason? {
        for target in challenge.targets {
            let metric = TextNormalizer.fold(target.metric)
            guard metric.contains("trl") || metric.contains("成熟度"), let value = Double(target.value) else { continue }
            let trl = Double(offer.trl)
            let met: Bool = switch target.comparator {
            case .atLeast: trl >= value
            case .greaterThan: trl > value
            case .atMost: trl <= value
            case .lessThan: trl < value
            case .equal: trl == value
            }
            let stated = "\(target.metric) \(target.comparator.label) \(target.value)"
            return MatchReason(
                code: "trl", text: "方案技术成熟度为TRL \(offer.trl)，\(met ? "达到" : "未达到")需求目标“\(stated)”。",
                weight: met ? weights.trl : 0)
        }
        return MatchReason(code: "trl", text: "方案技术成熟度为TRL \(offer.trl)（共9级）。", weight: weights.trl * Double(offer.trl) / 9)
    }

    /// The supply's price against the challenge's budget.
    func budgetReason(_ budget: AmountRange?, _ price: Price?) -> MatchReason? {
        guard let budget, budget.min != nil || budget.max != nil else { return nil }
        let budgetText = Self.range(budget.min, budget.max)
        guard let price else {
            return MatchReason(code: "budget", text: "需求预算\(budgetText)，方案未标价。", weight: weights.budget / 2)
        }
        switch price.mode {
        case .negotiable:
            return MatchReason(code: "budget", text: "需求预算\(budgetText)，方案价格面议。", weight: weights.budget / 2)
        case .fixed:
            guard let amount = price.amount else { return nil }
            let fits = Self.overlaps(amount, amount, budget.min, budget.max)
            return MatchReason(
                code: "budget", text: "方案报价\(Self.money(amount))\(fits ? "在" : "超出")需求预算\(budgetText)\(fits ? "之内" : "")。",
                weight: fits ? weights.budget : 0)
        case .range:
            let fits = Self.overlaps(price.min, price.max, budget.min, budget.max)
            return MatchReason(
                code: "budget", text: "方案报价\(Self.range(price.min, price.max))与需求预算\(budgetText)\(fits ? "有重合" : "不重合")。",
                weight: fits ? weights.budget : 0)
        }
    }

    /// The project's budget or price against the product's amount.
    func amountReason(_ project: Project, _ amount: AmountRange?) -> MatchReason? {
        guard let amount, amount.min != nil || amount.max != nil else { return nil }
        var low: String?, high: String?, what = ""
        switch project.details {
        case .challenge(let challenge):
            (low, high, what) = (challenge.budget?.min, challenge.budget?.max, "项目预算")
        case .supply(let offer):
            guard let price = offer.price, price.mode != .negotiable else { return nil }
            (low, high, what) = (price.amount ?? price.min, price.amount ?? price.max, "项目报价")
        case .finance:
            return nil
        }
        guard low != nil || high != nil else { return nil }
        let fits = Self.overlaps(low, high, amount.min, amount.max)
        return MatchReason(
            code: "amount", text: "\(what)\(Self.range(low, high))与产品额度\(Self.range(amount.min, amount.max))\(fits ? "相符" : "不符")。",
            weight: fits ? weights.amount : 0)
    }

    /// Where the two sides are: cross-region or not. Informational (weight 0).
    func regionReason(demand: ClusterProject, supply: ClusterProject, demandRole: String, supplyRole: String) -> MatchReason {
        func names(_ regions: [String]) -> String { regions.map { Region(code: $0)?.label ?? $0 }.joined(separator: "、") }
        let cross = demand.isCrossRegion(with: supply)
        return MatchReason(
            code: "region",
            text: "\(demandRole)在\(names(demand.regions))，\(supplyRole)在\(names(supply.regions))，\(cross ? "属跨区域对接" : "同一地区")。",
            weight: 0)
    }

    // MARK: Formatting

    static func quoted(_ terms: [String]) -> String { terms.map { "“\($0)”" }.joined(separator: "") }

    /// True when [low1, high1] and [low2, high2] intersect (a missing bound is open).
    static func overlaps(_ low1: String?, _ high1: String?, _ low2: String?, _ high2: String?) -> Bool {
        if let low1, let high2, DecimalString.compare(low1, high2) > 0 { return false }
        if let low2, let high1, DecimalString.compare(low2, high1) > 0 { return false }
        return true
    }

    static func range(_ low: String?, _ high: String?) -> String {
        switch (low, high) {
        case (let low?, let high?) where low == high: money(low)
        case (let low?, let high?): money(low, unit: false) + "–" + money(high)
        case (let low?, nil): money(low) + "以上"
        case (nil, let high?): money(high) + "以内"
        case (nil, nil): "未定"
        }
    }

    /// A money string in 万元 (or 元 below ten thousand).
    static func money(_ text: String, unit: Bool = true) -> String {
        guard let value = Double(text) else { return text }
        if value >= 10_000 {
            let wan = value / 10_000
            let shown = wan == wan.rounded() ? String(Int(wan)) : String(format: "%.2f", wan).replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
            return shown + (unit ? "万元" : "万")
        }
        return (value == value.rounded() ? String(Int(value)) : text) + (unit ? "元" : "")
    }
}
