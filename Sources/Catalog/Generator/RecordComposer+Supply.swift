extension RecordComposer {
    private static let achievementProductSuffixes = [
        "研制及产业化", "关键技术及产业化", "研制及应用", "关键技术研究与应用", "设计与制造关键技术", "工程化技术",
    ]
    private static let achievementProcessSuffixes = [
        "成套技术", "关键技术", "技术及装备", "技术及示范应用", "集成技术与应用", "新工艺",
    ]
    private static let technologyProductSuffixes = ["技术", "应用技术", "集成应用技术", "系统解决方案", "智能化升级技术"]
    private static let technologyProcessSuffixes = ["技术", "成套技术", "智能化技术", "集成技术", "一体化解决方案"]

    private static let achievementOpenings: [(String, String)] = [
        ("该成果针对", "等问题，突破了设计、制造与测试等关键技术，研发出"),
        ("项目团队历经多年攻关，解决了", "的难题，形成了具有自主知识产权的"),
        ("该成果打破国外技术垄断，有效解决了", "的行业痛点，研发出"),
    ]

    /// An achievement awaiting commercialisation or a technology awaiting promotion.
    func supply(id: RecordID, kind: ProjectKind, _ random: inout SplitMix64) -> Project {
        let sector = sector(&random)
        let lexicon = IndustryLexicon.lexicon(at: sector)
        let isAchievement = kind == .achievement
        let subject = subject(lexicon, productPercent: isAchievement ? 65 : 55, &random)
        let method = method(for: subject, lexicon, &random)
        let titleMethod = random.chance(20) ? method : nil

        var title = titleMethod.map { "基于" + $0 + "的" } ?? ""
        if random.chance(subject.isProduct ? 60 : 30) { title += qualifier(lexicon, for: subject, &random) }
        title += subject.text
        switch (isAchievement, subject.isProduct) {
        case (true, true): title += random.pick(Self.achievementProductSuffixes)
        case (true, false): title += random.pick(Self.achievementProcessSuffixes)
        case (false, true): title += random.pick(Self.technologyProductSuffixes)
        case (false, false): title += random.pick(Self.technologyProcessSuffixes)
        }

        let pain = random.pick(lexicon.pains)
        let opening: String
        if isAchievement {
            let (head, middle) = random.pick(Self.achievementOpenings)
            opening = head + pain + middle + subject.thing + "。"
        } else if let method, random.chance(50) {
            opening = "该技术基于" + method + "，实现了" + subject.thing + "的智能化与低成本化，解决了" + pain + "等问题。"
        } else if let method {
            opening = "该技术将" + method + "与" + subject.thing + "深度融合，已形成标准化产品和工程化实施方案。"
        } else {
            opening = "该技术围绕" + subject.thing + "形成了标准化产品和工程化实施方案，解决了" + pain + "等问题。"
        }
        let summary = summary([
            opening, performanceSentence(subject, lexicon, &random), applicationSentence(lexicon, &random),
        ])

        let details = Supply(
            trl: trl(kind: kind, &random), ip: ipRights(sector: sector, &random),
            cooperation: cooperation(kind: kind, &random), price: price(kind: kind, &random))
        return Project(
            id: id, kind: kind, title: title, summary: summary, industry: IndustryLexicon.industries[sector],
            keywords: keywords(subject: subject, method: titleMethod, lexicon: lexicon, sector: sector, &random),
            organization: organization(kind: kind, sector: sector, &random), contact: contact(&random),
            stage: stage(&random), serviceAgent: serviceAgent(&random), sessions: sessions(sector: sector, &random),
            validThrough: validThrough(&random), details: .supply(details))
    }

    /// Readiness 1–9, mostly 4–8: achievements cluster around pilot scale (5–7), technologies on
    /// offer for promotion are further along (6–8).
    private func trl(kind: ProjectKind, _ random: inout SplitMix64) -> Int {
        let weights = kind == .achievement ? [1, 2, 3, 9, 16, 18, 14, 9, 3] : [0, 0, 1, 4, 9, 16, 20, 16, 7]
        return random.weighted(weights) + 1
    }

    /// Up to three rights, of the types the sector files: layout designs and software in
    /// electronics, plant varieties in agriculture, designs in light industry.
    private func ipRights(sector: Int, _ random: inout SplitMix64) -> [IPRight] {
        let count = random.weighted([15, 35, 30, 20])
        guard count > 0 else { return [] }
        let industry = IndustryLexicon.industries[sector]
        // invention, utility model, design, software, plant variety, layout design, trade secret
        let weights: [Int] = [
            55, 25, industry == .foodTextile ? 10 : 2, industry == .electronics ? 18 : 6,
            industry == .agriculture ? 25 : 0, industry == .electronics ? 8 : 0, 3,
        ]
        let types: [IPType] = [
            .inventionPatent, .utilityModel, .designPatent, .softwareCopyright, .plantVariety, .icLayout, .tradeSecret,
        ]
        var rights: [IPRight] = []
        for _ in 0..<count { rights.append(ipRight(types[random.weighted(weights)], &random)) }
        return rights
    }

    private func ipRight(_ type: IPType, _ random: inout SplitMix64) -> IPRight {
        let filed = random.int(in: (year - 12)...(year - 1))
        let number: String
        var status = IPStatus.granted
        switch type {
        case .inventionPatent:
            // An invention takes years to grant: recent filings are still pending, under their
            // application number (no ZL).
            if filed >= year - 2, random.chance(60) {
                status = .pending
            } else if random.chance(4) {
                status = .expired
            }
            number = patentNumber(filed: filed, kind: 1, granted: status != .pending, &random)
        case .utilityModel: number = patentNumber(filed: filed, kind: 2, granted: true, &random)
        case .designPatent: number = patentNumber(filed: filed, kind: 3, granted: true, &random)
        case .softwareCopyright: number = String(filed) + "SR" + NumberText.randomDigits(7, &random)
        case .plantVariety:
            number = "CNA" + String(filed) + NumberText.randomDigits(7, &random)
            if random.chance(30) { status = .pending }
        case .icLayout:
            number = "BS." + NumberText.padded(filed % 100, width: 2) + "5" + NumberText.randomDigits(6, &random)
        default:
            number = "JM-" + String(filed) + "-" + NumberText.randomDigits(3, &random)
            status = .other
        }
        return IPRight(type: type, number: number, status: status)
    }

    /// A Chinese patent number such as ZL202110123456.7: filing year, kind (1 invention, 2 utility
    /// model, 3 design), a seven-digit serial and the CNIPA check digit, with ZL once granted.
    private func patentNumber(filed: Int, kind: Int, granted: Bool, _ random: inout SplitMix64) -> String {
        let body = String(filed) + String(kind) + NumberText.randomDigits(7, &random)
        // Check digit of twelve-digit application numbers: digits weighted 2–9, 2–5, sum mod 11,
        // 10 written X.
        let weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
        var sum = 0
        for (offset, byte) in body.utf8.enumerated() { sum += Int(byte - UInt8(ascii: "0")) * weights[offset] }
        let check = sum % 11
        return (granted ? "ZL" : "") + body + "." + (check == 10 ? "X" : String(check))
    }

    /// One to three ways to cooperate: achievements lean on transfer, licence and equity,
    /// technologies on licence, service and joint development.
    private func cooperation(kind: ProjectKind, _ random: inout SplitMix64) -> [CooperationMode] {
        let modes: [CooperationMode] = [.transfer, .licence, .jointDevelopment, .equity, .service]
        let weights = kind == .achievement ? [35, 25, 15, 20, 5] : [10, 30, 25, 5, 30]
        var chosen: [CooperationMode] = []
        for _ in 0..<(random.weighted([45, 40, 15]) + 1) {
            let mode = modes[random.weighted(weights)]
            if !chosen.contains(mode) { chosen.append(mode) }
        }
        return chosen
    }

    private static let priceSteps = [10, 20, 30, 50, 80, 100, 150, 200, 300, 500, 800, 1000, 1500, 2000, 3000]

    /// Half the projects ask to negotiate; the rest give a price or a range, in 万元 steps.
    private func price(kind: ProjectKind, _ random: inout SplitMix64) -> Price? {
        let steps = Self.priceSteps
        switch random.weighted([8, 46, 23, 23]) {
        case 0: return nil
        case 1: return Price(mode: .negotiable)
        case 2: return Price(mode: .fixed, amount: NumberText.yuan(wan: random.pick(steps)))
        default:
            let low = random.below(steps.count - 2)
            let high = random.int(in: (low + 1)...min(low + 4, steps.count - 1))
            return Price(mode: .range, min: NumberText.yuan(wan: steps[low]), max: NumberText.yuan(wan: steps[high]))
        }
    }
}
