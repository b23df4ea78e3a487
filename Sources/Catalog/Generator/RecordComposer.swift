/// Composes one generated record from its index and kind, with the parts every kind shares:
/// industry, organisation, contact, service agent, stage, sessions, validity, keywords and the
/// sentences of a summary.
///
/// Each record draws from its own random stream, derived from the seed, the region and the
/// record's index, so a record does not depend on what was drawn for the records before it.
struct RecordComposer: Sendable {
    /// What a title is about: a product one makes, or a process one masters (see `IndustryLexicon`).
    struct Subject {
        let item: IndustryLexicon.Item
        let isProduct: Bool

        var text: String { item.name }
        /// The subject as an object of 研发出 / 征集…方案: 毫米波雷达, 磷化工尾矿综合利用技术.
        var thing: String { isProduct ? item.name : item.name + "技术" }
    }

    /// Roadshow sessions of the conference (the conference's figures, README "What it is"): four industry sessions and an overseas one.
    static let sessionTags: [String] = [
        "tianfu-2024/electronics-equipment", "tianfu-2024/food-energy-chemical", "tianfu-2024/materials-health",
        "tianfu-2024/agriculture", "tianfu-2024/overseas",
    ]

    /// The industry session of each sector, as an index into `sessionTags`.
    private static let sessionOfSector: [Int] = [0, 0, 1, 1, 2, 2, 3]

    let region: Region
    /// The origin of generated ids: the region code, with `_` (not allowed in an origin) as `-`.
    let origin: String
    let seed: UInt64
    /// Today's year: dates are years after it, so that nothing generated is expired or overdue.
    let year: Int
    let directory: RegionalDirectory
    private let streamBase: UInt64

    init(region: Region, seed: UInt64, year: Int) {
        self.region = region
        origin = String(region.code.map { $0 == "_" ? "-" : $0 })
        self.seed = seed
        self.year = year
        directory = RegionalDirectory(region: region)
        // FNV-1a of the region code, so that two regions with one seed give different catalogs.
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in region.code.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        streamBase = SplitMix64.mix(seed ^ SplitMix64.mix(hash))
    }

    /// The record at `index` (1-based) of kind `kind`; `financeType` applies to finance records.
    func project(index: Int, kind: ProjectKind, financeType: FinanceProductType) -> Project {
        let stream = streamBase &+ UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03
        var random = SplitMix64(seed: SplitMix64.mix(stream))
        let id = recordID(index)
        switch kind {
        case .achievement, .technology: return supply(id: id, kind: kind, &random)
        case .challenge: return challenge(id: id, &random)
        case .finance: return finance(id: id, type: financeType, &random)
        }
    }

    /// `g<seed>-<index, 7 digits>` under this region's origin.
    private func recordID(_ index: Int) -> RecordID {
        let local = "g" + String(seed) + "-" + NumberText.padded(index, width: 7)
        guard let id = RecordID(origin: origin, local: local) else {
            preconditionFailure("generated id \(origin):\(local) is malformed")
        }
        return id
    }

    // MARK: - Parts shared by every kind

    /// A sector index into `IndustryLexicon.industries`, by the conference's sector mix.
    func sector(_ random: inout SplitMix64) -> Int { random.weighted(IndustryLexicon.industryWeights) }

    /// A product (with probability `productPercent`) or a process of the sector.
    func subject(_ lexicon: IndustryLexicon, productPercent: Int, _ random: inout SplitMix64) -> Subject {
        random.chance(productPercent)
            ? Subject(item: random.pick(lexicon.products), isProduct: true)
            : Subject(item: random.pick(lexicon.processes), isProduct: false)
    }

    /// A qualifier for `subject`, or an empty string when the subject already says it (智能…智能).
    func qualifier(_ lexicon: IndustryLexicon, for subject: Subject, _ random: inout SplitMix64) -> String {
        let qualifier = random.pick(lexicon.qualifiers)
        return subject.text.contains(qualifier) ? "" : qualifier
    }

    /// Who publishes a record of `kind`: research bodies lead on achievements, enterprises on
    /// technologies and, above all, challenges (the demand side).
    func organization(kind: ProjectKind, sector: Int, _ random: inout SplitMix64) -> Organization {
        let researchPercent = kind == .achievement ? 55 : (kind == .technology ? 35 : 8)
        let roll = random.below(100)
        let research = directory.researchBySector[sector]
        if roll < researchPercent, !research.isEmpty {
            let entry = random.pick(research)
            return Organization(name: entry.name, type: entry.type, region: region)
        }
        let named = directory.enterprisesBySector[sector]
        if !named.isEmpty, random.chance(20) {
            let entry = random.pick(named)
            return Organization(name: entry.name, type: entry.type, region: region)
        }
        let enterprise = composedEnterprise(sector: sector, &random)
        if kind != .challenge, roll >= 95 {
            return Organization(name: enterprise + "院士（专家）工作站", type: .expertWorkstation, region: region)
        }
        return Organization(name: enterprise, type: .enterprise, region: region)
    }

    /// City + brand + business + 有限公司, e.g. 成都天芯电子科技有限公司.
    func composedEnterprise(sector: Int, _ random: inout SplitMix64) -> String {
        let lexicon = IndustryLexicon.lexicon(at: sector)
        let head = random.pick(RegionalDirectory.brandHeads)
        var tail = random.pick(RegionalDirectory.brandTails)
        if tail == head { tail = "源" }
        return random.pick(directory.cities) + head + tail + random.pick(lexicon.businesses)
            + (random.chance(15) ? "股份有限公司" : "有限公司")
    }

    /// A contact person, on most records; masked unless the publisher chose otherwise.
    func contact(_ random: inout SplitMix64) -> Contact? {
        guard random.chance(92) else { return nil }
        let name = ChineseNames.random(&random)
        let phone: String
        if let landline = directory.landlinePrefix, random.chance(40) {
            phone = landline + NumberText.randomDigits(7, &random)
        } else {
            phone = mobile(&random)
        }
        // example.com is reserved for documentation (RFC 2606): no mail can reach a real person.
        let email = random.chance(25) ? "kc" + NumberText.randomDigits(6, &random) + "@example.com" : nil
        return Contact(name: name, phone: phone, email: email, visibility: random.chance(85) ? .masked : .public)
    }

    /// A mobile number 13x xxxx xxxx; generated digits, not anyone's number.
    func mobile(_ random: inout SplitMix64) -> String { "13" + NumberText.randomDigits(9, &random) }

    /// The service agent (科服保姆), on most records.
    func serviceAgent(_ random: inout SplitMix64) -> ServiceAgent? {
        guard random.chance(80) else { return nil }
        return ServiceAgent(
            name: ChineseNames.random(&random), organization: random.pick(directory.serviceOffices),
            phone: random.chance(70) ? mobile(&random) : nil)
    }

    /// The lifecycle stage: most records are newly published, a few already deployed.
    func stage(_ random: inout SplitMix64) -> Stage {
        [Stage.publication, .matchmaking, .signing, .transaction, .followUp, .deployment][
            random.weighted([70, 14, 6, 4, 3, 3])]
    }

    /// About 30 % of projects are in a roadshow session: their sector's, or now and then the
    /// overseas one.
    func sessions(sector: Int, _ random: inout SplitMix64) -> [String] {
        let roll = random.below(100)
        if roll < 27 { return [Self.sessionTags[Self.sessionOfSector[sector]]] }
        if roll < 30 { return [Self.sessionTags[4]] }
        return []
    }

    /// A day 3 or 4 calendar years after today's year: between two and five years after today,
    /// whatever today is, and depending only on its year.
    func validThrough(_ random: inout SplitMix64) -> String { day(inYear: year + 3 + random.below(2), &random) }

    /// A random day of `year`; a third of them the last day of the year, as associations often list.
    func day(inYear year: Int, _ random: inout SplitMix64) -> String {
        if random.chance(33) { return NumberText.date(year: year, month: 12, day: 31) }
        let month = random.int(in: 1...12)
        let day = random.int(in: 1...NumberText.daysIn(month: month, year: year))
        return NumberText.date(year: year, month: month, day: day)
    }

    /// Keywords: the subject, the method, the sector and two of its terms, without repeats.
    func keywords(
        subject: Subject, method: String?, lexicon: IndustryLexicon, sector: Int, _ random: inout SplitMix64
    ) -> [String] {
        var keywords = [subject.text]
        if let method { keywords.append(method) }
        keywords.append(IndustryLexicon.industries[sector].label)
        for _ in 0..<2 {
            let term = random.pick(lexicon.keywords)
            if !keywords.contains(term) { keywords.append(term) }
        }
        return keywords
    }

    /// A method that suits `subject`, or nil when none does.
    func method(for subject: Subject, _ lexicon: IndustryLexicon, _ random: inout SplitMix64) -> String? {
        subject.item.methods.isEmpty ? nil : lexicon.methods[random.pick(subject.item.methods)]
    }

    /// Up to `count` different metrics for `subject`: its own in random order, then one general one.
    func metrics(for subject: Subject, _ lexicon: IndustryLexicon, count: Int, _ random: inout SplitMix64)
        -> [IndustryLexicon.Metric]
    {
        var chosen: [IndustryLexicon.Metric] = []
        var own = subject.item.metrics
        while chosen.count < count, !own.isEmpty {
            chosen.append(lexicon.metrics[own.remove(at: random.below(own.count))])
        }
        if chosen.count < count {
            // One general figure at most: "cost down 20 %" on every record would read as filler.
            chosen.append(random.pick(IndustryLexicon.generalMetrics))
        }
        return chosen
    }

    /// A value of `metric` as a decimal string.
    func value(of metric: IndustryLexicon.Metric, _ random: inout SplitMix64) -> String {
        NumberText.decimal(random.int(in: metric.low...metric.high), decimals: metric.decimals)
    }

    /// 识别准确率达到99.2% / 整机功耗低于5W.
    func figure(_ metric: IndustryLexicon.Metric, value: String, _ random: inout SplitMix64) -> String {
        let better = metric.comparator == .atLeast
        let verb = better ? (random.chance(50) ? "达到" : "不低于") : (random.chance(50) ? "低于" : "不超过")
        return metric.name + verb + value + metric.unit
    }

    /// A sentence of performance figures for `subject`.
    func performanceSentence(_ subject: Subject, _ lexicon: IndustryLexicon, _ random: inout SplitMix64) -> String {
        let chosen = metrics(for: subject, lexicon, count: 2, &random)
        let first = figure(chosen[0], value: value(of: chosen[0], &random), &random)
        switch random.below(3) {
        case 0 where chosen.count > 1:
            return first + "，" + figure(chosen[1], value: value(of: chosen[1], &random), &random) + "。"
        case 1: return "经第三方检测，" + first + "，综合性能达到国际先进水平。"
        default: return first + "，较同类进口产品成本降低" + String(random.int(in: 15...45)) + "%。"
        }
    }

    /// A sentence saying where the result applies.
    func applicationSentence(_ lexicon: IndustryLexicon, _ random: inout SplitMix64) -> String {
        let count = lexicon.applications.count
        let firstIndex = random.below(count)
        // Any other application: an offset of 1…count-1 never lands on the first.
        let first = lexicon.applications[firstIndex]
        let second = lexicon.applications[(firstIndex + 1 + random.below(count - 1)) % count]
        switch random.below(3) {
        case 0: return "可广泛应用于" + first + "、" + second + "等领域。"
        case 1: return "已在" + first + "领域开展示范应用，市场前景广阔。"
        default: return "适用于" + first + "和" + second + "等场景，可带动上下游产业协同发展。"
        }
    }

    /// Joins sentences into a summary of 60 to 200 characters: padded with a closing sentence when
    /// short, cut back to whole sentences when long.
    ///
    /// Lengths are counted in Unicode scalars, which for this text (CJK, ASCII, ℃, °, ³) equal the
    /// characters the decoder counts, and cost far less to count.
    func summary(_ sentences: [String]) -> String {
        var text = ""
        var length = 0
        for sentence in sentences {
            let count = sentence.unicodeScalars.count
            if length + count > 200 { break }
            text += sentence
            length += count
        }
        for filler in ["项目团队具备完善的中试条件和工程化能力。", "欢迎有意向的企业和机构洽谈合作。"] where length < 60 {
            text += filler
            length += filler.unicodeScalars.count
        }
        return text
    }
}
