extension RecordComposer {
    private static let loanProducts = ["科创贷", "成果转化贷", "人才贷", "知识价值信用贷", "科技信用贷", "研发贷", "专精特新贷", "投贷联动贷"]
    private static let loanFeatures = [
        "采用信用方式，无需抵押担保", "支持知识产权质押增信", "可享受财政贴息和风险补偿", "审批快捷，最快五个工作日放款",
        "可与创投机构开展投贷联动",
    ]
    private static let fundProducts = ["科技成果转化项目股权投资", "早期硬科技项目直投", "专精特新企业股权投资", "概念验证项目投资"]
    private static let insuranceProducts = [
        "首台（套）重大技术装备综合保险", "新材料首批次应用保险", "科技成果转化费用损失保险", "专利执行保险",
        "研发费用损失保险", "关键研发设备保险",
    ]

    private static let conferenceRegions = ["sichuan", "beijing", "chongqing"].compactMap { Region(code: $0) }

    /// A financial product: a bank loan, an investment fund or an insurance policy for projects.
    func finance(id: RecordID, type: FinanceProductType, _ random: inout SplitMix64) -> Project {
        var industries: [Industry] = []
        if random.chance(50) {
            for _ in 0..<random.int(in: 1...3) {
                let industry = IndustryLexicon.industries[sector(&random)]
                if !industries.contains(industry) { industries.append(industry) }
            }
        }
        let sector = industries.first.flatMap { IndustryLexicon.industries.firstIndex(of: $0) } ?? sector(&random)
        let scope = industries.isEmpty ? "各行业" : industries.map(\.label).joined(separator: "、") + "领域"
        let regions: [Region]
        let roll = random.below(10)
        if roll == 0 {
            regions = []
        } else if roll <= 3, Self.conferenceRegions.contains(region) {
            // Products of the three conference regions are often open to all of 京川渝.
            regions = Self.conferenceRegions
        } else {
            regions = [region]
        }
        let area = regions.count > 1 ? "京川渝" : (regions.isEmpty ? "" : region.label)

        let title: String
        let provider: String
        let providerType: OrganizationType
        let amount: AmountRange
        let term: TermRange
        let stages: [Stage]
        let sentences: [String]
        let product: String
        switch type {
        case .fund:
            provider = random.pick(directory.funds)
            providerType = .investmentInstitution
            product = random.pick(Self.fundProducts)
            title = provider + product
            let low = random.pick([200, 300, 500, 1000])
            let high = low * random.int(in: 4...10)
            amount = AmountRange(min: NumberText.yuan(wan: low), max: NumberText.yuan(wan: high))
            let years = random.int(in: 5...10)
            term = TermRange(minMonths: 36, maxMonths: years * 12)
            stages = random.chance(50) ? [] : [.matchmaking, .signing, .transaction]
            sentences = [
                provider + "重点投资" + area + scope + "处于中试和产业化阶段的科技成果转化项目，",
                "单个项目投资" + String(low) + "万元至" + String(high) + "万元，基金存续期" + String(years) + "年。",
                "采用股权投资方式，可与银行贷款联动，并提供投后管理和资源对接服务。",
            ]
        case .insurance:
            provider = random.pick(directory.insurers)
            providerType = .financialInstitution
            product = random.pick(Self.insuranceProducts)
            title = product
            let high = random.pick([500, 1000, 2000, 5000])
            amount = AmountRange(max: NumberText.yuan(wan: high))
            term = TermRange(minMonths: 12, maxMonths: random.pick([12, 24, 36]))
            stages = random.chance(50) ? [] : [.transaction, .followUp, .deployment]
            sentences = [
                "由" + provider + "承保，为" + area + scope + "科技型企业提供" + product + "保障，",
                "单个项目保险金额最高" + String(high) + "万元，保费可按规定申请财政补贴。",
                "降低新技术、新产品推广应用中的风险。",
            ]
        default:
            provider = random.pick(directory.banks)
            providerType = .financialInstitution
            product = random.pick(Self.loanProducts)
            title = (random.chance(50) ? directory.brand : provider) + product
            let low = random.pick([50, 100, 200])
            let high = random.pick([500, 1000, 2000, 3000])
            amount = AmountRange(min: NumberText.yuan(wan: low), max: NumberText.yuan(wan: high))
            let longest = random.pick([12, 24, 36, 60])
            term = TermRange(minMonths: random.pick([3, 6]), maxMonths: longest)
            stages = random.chance(50) ? [] : [.signing, .transaction, .followUp, .deployment]
            sentences = [
                provider + "面向" + area + scope + "科技型中小企业推出的" + type.label + "产品，",
                "单户额度" + String(low) + "万元至" + String(high) + "万元，期限最长" + String(longest) + "个月。",
                random.pick(Self.loanFeatures) + "。",
            ]
        }

        var keywords = ["科技金融", type.label, product]
        if let first = industries.first { keywords.append(first.label) }
        if regions.count > 1 { keywords.append("京川渝") }
        return Project(
            id: id, kind: .finance, title: title, summary: summary(sentences),
            industry: IndustryLexicon.industries[sector], keywords: keywords,
            organization: Organization(name: provider, type: providerType, region: region),
            contact: contact(&random), stage: .publication, serviceAgent: serviceAgent(&random), sessions: [],
            validThrough: validThrough(&random),
            details: .finance(Finance(
                productType: type, provider: provider, amount: amount, term: term, eligibleIndustries: industries,
                eligibleStages: stages, eligibleRegions: regions)))
    }
}
