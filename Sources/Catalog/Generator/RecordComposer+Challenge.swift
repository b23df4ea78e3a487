extension RecordComposer {
    private static let productSuffixes = ["关键技术攻关", "的研发", "国产化替代攻关", "性能提升技术攻关", "的研制"]
    private static let processSuffixes = ["技术攻关", "技术示范应用", "工艺优化及攻关", "难题攻关"]
    private static let demandQualifiers = ["高可靠", "低成本", "高性能", "长寿命", "国产化"]

    /// A technical challenge awaiting solvers: a demand, with quantified targets, budget and deadline.
    func challenge(id: RecordID, _ random: inout SplitMix64) -> Project {
        let sector = sector(&random)
        let lexicon = IndustryLexicon.lexicon(at: sector)
        let subject = subject(lexicon, productPercent: 55, &random)
        let method = subject.isProduct || !random.chance(25) ? nil : method(for: subject, lexicon, &random)

        // Titles read as demands: …关键技术攻关, …的研发, 基于…的…研究.
        var title: String
        if let method {
            title = "基于" + method + "的" + subject.text + (random.chance(50) ? "技术研究" : "技术的科学研究")
        } else if subject.isProduct {
            var qualifier = random.chance(35) ? random.pick(Self.demandQualifiers) : ""
            if subject.text.contains(qualifier) { qualifier = "" }
            title = qualifier + subject.text + random.pick(Self.productSuffixes)
        } else {
            title = subject.text + random.pick(Self.processSuffixes)
        }

        let targets = metrics(for: subject, lexicon, count: random.weighted([40, 40, 20]) + 1, &random).map { metric in
            Target(
                metric: metric.name, comparator: metric.comparator, value: value(of: metric, &random),
                unit: metric.unit.isEmpty ? nil : metric.unit)
        }
        let first = targets[0]
        let firstFigure =
            first.metric + (first.comparator == .atLeast ? "不低于" : "不超过") + first.value + (first.unit ?? "")

        let pain = random.pick(lexicon.pains)
        let application = random.pick(lexicon.applications)
        let deadline = day(inYear: year + 2, &random)
        let opening =
            random.chance(50)
            ? "企业在" + application + "生产中面临" + pain + "等难题，现面向社会征集" + subject.thing + "解决方案。"
            : "为解决" + pain + "的问题，拟联合高校院所开展" + subject.thing + "攻关。"
        let summary = summary([
            opening, "要求" + firstFigure + "，" + String(deadline.prefix(4)) + "年底前完成工程验证。",
            "成果将在" + application + "领域推广应用。",
        ])

        var problem = "目前" + subject.text + "在" + application + "中存在" + pain + "、" + random.pick(lexicon.pains)
        problem += "等问题，制约了企业提质增效。现有技术方案难以兼顾性能与成本，企业自身研发力量不足，"
        problem += "亟需联合高校、科研院所开展攻关，形成可工程化应用的技术方案。具体指标："
        problem += targets.map { $0.metric + ($0.comparator == .atLeast ? "≥" : "≤") + $0.value + ($0.unit ?? "") }
            .joined(separator: "；") + "。"

        // Budgets in 万元; about one in seven gives only a ceiling.
        let minimum = random.pick([20, 30, 50, 80, 100, 150, 200, 300])
        let maximum = NumberText.yuan(wan: minimum * random.int(in: 2...5))
        let floor = random.chance(15) ? nil : NumberText.yuan(wan: minimum)
        let budget = AmountRange(min: floor, max: maximum)
        var wanted: [CooperationMode] = []
        for _ in 0..<(random.weighted([55, 45]) + 1) {
            let modes: [CooperationMode] = [.jointDevelopment, .transfer, .service, .licence]
            let mode = modes[random.weighted([50, 20, 20, 10])]
            if !wanted.contains(mode) { wanted.append(mode) }
        }

        return Project(
            id: id, kind: .challenge, title: title, summary: summary, industry: IndustryLexicon.industries[sector],
            keywords: keywords(subject: subject, method: method, lexicon: lexicon, sector: sector, &random),
            organization: organization(kind: .challenge, sector: sector, &random), contact: contact(&random),
            stage: stage(&random), serviceAgent: serviceAgent(&random), sessions: sessions(sector: sector, &random),
            validThrough: validThrough(&random),
            details: .challenge(Challenge(
                problem: problem, targets: targets, budget: budget, deadline: deadline, wantedModes: wanted)))
    }
}
