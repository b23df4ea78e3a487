import Catalog
import JSON
import Testing

/// `CatalogGenerator`: the conference's mix, determinism, validity and realism of generated records.
@Suite struct GeneratorTests {
    static let today = "2026-11-26"
    static let conferenceWeights = [2430, 1565, 624, 51]
    static let financeWeights = [43, 5, 3]

    /// Runs a generator to the end.
    static func generate(_ region: String = "sichuan", count: Int, seed: UInt64 = 42, today: String = today)
        -> [Project]
    {
        var generator = CatalogGenerator(region: Region(code: region)!, count: count, seed: seed, today: today)
        var projects: [Project] = []
        while let project = generator.next() { projects.append(project) }
        return projects
    }

    /// Canonical bytes of each record, as the CLI writes them.
    static func canonical(_ projects: [Project]) throws -> [[UInt8]] {
        try projects.map { try JCS.canonicalize($0.jsonValue(nodeFields: false)) }
    }

    // MARK: - The conference's mix

    @Test func conferenceCountsAreExact() {
        let kinds = CatalogGenerator.kindCounts(total: 4670)
        #expect(kinds.map(\.key) == ProjectKind.allCases)
        #expect(kinds.map(\.value) == [2430, 1565, 624, 51])
        let finance = CatalogGenerator.financeCounts(total: 51)
        #expect(finance.map(\.key) == [.loan, .fund, .insurance])
        #expect(finance.map(\.value) == [43, 5, 3])
    }

    @Test(arguments: [
        (1, [1, 0, 0, 0]), (2, [1, 1, 0, 0]), (10, [5, 4, 1, 0]), (100, [52, 34, 13, 1]),
        (1000, [520, 335, 134, 11]), (12345, [6424, 4137, 1649, 135]), (0, [0, 0, 0, 0]),
    ])
    func kindCountsUseLargestRemainders(total: Int, expected: [Int]) {
        #expect(CatalogGenerator.kindCounts(total: total).map(\.value) == expected)
    }

    @Test(arguments: [(0, [0, 0, 0]), (1, [1, 0, 0]), (5, [4, 1, 0]), (10, [8, 1, 1]), (102, [86, 10, 6])])
    func financeCountsUseLargestRemainders(total: Int, expected: [Int]) {
        #expect(CatalogGenerator.financeCounts(total: total).map(\.value) == expected)
    }

    @Test(arguments: [1, 3, 7, 10, 99, 100, 1000, 4669, 4671, 12345, 1_000_000, 10_000_000])
    func countsSumToTotalAndStayWithinOneOfTheQuota(total: Int) {
        let kinds = CatalogGenerator.kindCounts(total: total).map(\.value)
        #expect(kinds.reduce(0, +) == total)
        for (count, weight) in zip(kinds, Self.conferenceWeights) {
            #expect(abs(Double(count) - Double(total) * Double(weight) / 4670) < 1)
        }
        let finance = CatalogGenerator.financeCounts(total: total).map(\.value)
        #expect(finance.reduce(0, +) == total)
        for (count, weight) in zip(finance, Self.financeWeights) {
            #expect(abs(Double(count) - Double(total) * Double(weight) / 51) < 1)
        }
    }

    @Test func aConferenceRunHasTheConferenceMix() {
        let projects = Self.generate(count: 4670)
        #expect(projects.count == 4670)
        for (kind, expected) in CatalogGenerator.kindCounts(total: 4670) {
            #expect(projects.count(where: { $0.kind == kind }) == expected, "\(kind)")
        }
        var types: [FinanceProductType: Int] = [:]
        for project in projects {
            if case .finance(let finance) = project.details { types[finance.productType, default: 0] += 1 }
        }
        #expect(types == [.loan: 43, .fund: 5, .insurance: 3])
    }

    @Test(arguments: [7, 100, 1234])
    func otherRunsHaveTheirApportionedMix(count: Int) {
        let projects = Self.generate("chongqing", count: count, seed: 3)
        for (kind, expected) in CatalogGenerator.kindCounts(total: count) {
            #expect(projects.count(where: { $0.kind == kind }) == expected, "\(kind)")
        }
    }

    /// Kinds are spread through the sequence: every prefix stays close to the proportions, so
    /// the first hundred records are not all achievements.
    @Test func kindsAreInterleaved() {
        let projects = Self.generate(count: 4670)
        var seen = [Int](repeating: 0, count: 4)
        for (offset, project) in projects.enumerated() {
            seen[ProjectKind.allCases.firstIndex(of: project.kind)!] += 1
            for (count, weight) in zip(seen, Self.conferenceWeights) {
                let ideal = Double(offset + 1) * Double(weight) / 4670
                #expect(abs(Double(count) - ideal) < 2, "after \(offset + 1) records")
            }
        }
        let firstFinance = projects.firstIndex { $0.kind == .finance }
        #expect(firstFinance.map { $0 < 150 } == true)
    }

    // MARK: - Identity and determinism

    @Test func yieldsCountRecordsThenNil() {
        var generator = CatalogGenerator(region: Region(code: "sichuan")!, count: 3, seed: 42, today: Self.today)
        #expect(generator.next()?.id.description == "sichuan:g42-0000001")
        #expect(generator.next()?.id.description == "sichuan:g42-0000002")
        #expect(generator.next()?.id.description == "sichuan:g42-0000003")
        #expect(generator.next() == nil)
        #expect(generator.next() == nil)
        var empty = CatalogGenerator(region: Region(code: "beijing")!, count: 0, seed: 1, today: Self.today)
        #expect(empty.next() == nil)
    }

    @Test func idsAreLocalAndLeaveNodeFieldsUnset() throws {
        let projects = Self.generate(count: 200, seed: 7)
        #expect(Set(projects.map(\.id)).count == 200)
        for (offset, project) in projects.enumerated() {
            #expect(project.id.origin == "sichuan")
            #expect(project.id.local == "g7-" + String(repeating: "0", count: 7 - String(offset + 1).count)
                + String(offset + 1))
            #expect(project.version == 0 && project.createdAt == nil && project.updatedAt == nil)
        }
        let value = projects[0].jsonValue(nodeFields: false)
        #expect(value["id"] == "sichuan:g7-0000001")
        #expect(value["version"] == nil && value["origin"] == nil)
    }

    @Test func sameInputsGiveTheSameBytes() throws {
        let first = try Self.canonical(Self.generate(count: 1500))
        let second = try Self.canonical(Self.generate(count: 1500))
        #expect(first == second)
        // Only today's year matters.
        let laterInYear = try Self.canonical(Self.generate(count: 1500, today: "2026-01-01"))
        #expect(first == laterInYear)
    }

    @Test func anotherSeedOrRegionGivesAnotherCatalog() throws {
        let base = Self.generate(count: 300)
        let otherSeed = Self.generate(count: 300, seed: 43)
        let otherRegion = Self.generate("beijing", count: 300)
        #expect(try Self.canonical(base) != Self.canonical(otherSeed))
        #expect(zip(base, otherSeed).count(where: { $0.title != $1.title }) > 200)
        #expect(zip(base, otherRegion).count(where: { $0.summary != $1.summary }) > 200)
    }

    // MARK: - Validity

    @Test func everyRecordPassesTheImportingDecoder() throws {
        let decoder = ProjectDecoder(mode: .importing(origin: "sichuan"))
        let projects = Self.generate(count: 3000, seed: 11)
        #expect(Set(projects.map(\.kind)) == Set(ProjectKind.allCases))
        for project in projects {
            let decoded = try decoder.decode(project.jsonValue(nodeFields: false))
            // Nothing is lost or normalised away on import.
            #expect(decoded == project)
        }
    }

    @Test(arguments: ["beijing", "chongqing", "hebei", "guangxi", "hongkong", "overseas"])
    func recordsOfOtherRegionsPassTheDecoder(region: String) throws {
        let decoder = ProjectDecoder(mode: .importing(origin: region))
        for project in Self.generate(region, count: 400, seed: 5) {
            #expect(project.organization.region.code == region)
            _ = try decoder.decode(project.jsonValue(nodeFields: false))
        }
    }

    /// `_` may not appear in an origin, so Inner Mongolia's records belong to `inner-mongolia`.
    @Test func regionCodesWithUnderscoresMapToValidOrigins() throws {
        let decoder = ProjectDecoder(mode: .importing(origin: "inner-mongolia"))
        for project in Self.generate("inner_mongolia", count: 100) {
            #expect(project.id.origin == "inner-mongolia")
            _ = try decoder.decode(project.jsonValue(nodeFields: false))
        }
    }

    @Test(arguments: ["2026-01-01", "2026-11-26", "2026-12-31", "2028-02-29"])
    func nothingIsExpiredOrOverdue(today: String) {
        let earliest = DateText.adding(days: 2 * 365, to: today)!
        let latest = DateText.adding(days: 5 * 366, to: today)!
        for project in Self.generate(count: 1000, seed: 9, today: today) {
            #expect(!project.isExpired(today: today))
            #expect(project.validThrough >= earliest && project.validThrough <= latest, "\(project.validThrough)")
            if case .challenge(let challenge) = project.details {
                let deadline = try! #require(challenge.deadline)
                #expect(deadline > today && deadline < project.validThrough)
                #expect(deadline >= DateText.adding(days: 365, to: today)!)
            }
        }
    }

    @Test func fieldsStayWithinTheirLimits() {
        for project in Self.generate(count: 4670, seed: 2) {
            #expect((60...200).contains(project.summary.count), "\(project.summary)")
            #expect(project.title.count <= 200)
            #expect(Set(project.keywords).count == project.keywords.count)
            #expect(!project.keywords.contains { $0.contains(";") || $0.contains("；") || $0.count > 40 })
            switch project.details {
            case .supply(let supply):
                #expect((1...9).contains(supply.trl))
                #expect(!supply.cooperation.isEmpty && Set(supply.cooperation).count == supply.cooperation.count)
                #expect(!supply.ip.contains { $0.number.contains("|") })
            case .challenge(let challenge):
                #expect((1...3).contains(challenge.targets.count))
                #expect(challenge.budget != nil && !challenge.wantedModes.isEmpty && !challenge.problem.isEmpty)
                #expect(!challenge.targets.contains { $0.metric.contains("|") || ($0.unit ?? "").contains("|") })
            case .finance(let finance):
                #expect([.financialInstitution, .investmentInstitution].contains(project.organization.type))
                #expect(finance.provider == project.organization.name)
                #expect(finance.amount != nil && finance.term != nil)
            }
        }
    }

    // MARK: - Realism

    @Test func titlesCoverTheDemoSearchesAndMixedTerms() {
        let titles = Self.generate(count: 4670).map(\.title)
        #expect(titles.count(where: { $0.contains("毫米波") }) >= 10)
        #expect(titles.count(where: { $0.contains("燃气轮机") }) >= 10)
        for term in ["ORC", "50MW", "5G", "CCUS", "PLC", "AI"] {
            #expect(titles.contains { $0.contains(term) }, "\(term)")
        }
        #expect(Set(titles).count > 2000)
    }

    @Test func recordsSpreadOverSectorsStagesAndSessions() {
        let projects = Self.generate(count: 4670, seed: 5)
        #expect(Set(projects.map(\.industry)) == Set(Industry.allCases))
        let publication = projects.count { $0.stage == .publication }
        #expect(publication > projects.count / 2)
        #expect(projects.contains { $0.stage == .deployment })
        let inSession = projects.count { !$0.sessions.isEmpty }
        #expect((1200...1600).contains(inSession))
        let tags = Set(projects.flatMap(\.sessions))
        #expect(tags.count == 5 && tags.allSatisfy { $0.hasPrefix("tianfu-2024/") })
        #expect(projects.count { $0.serviceAgent != nil } > projects.count * 2 / 3)
        let contacts = projects.compactMap(\.contact)
        #expect(contacts.count > projects.count * 3 / 4)
        #expect(contacts.count { $0.visibility == .masked } > contacts.count / 2)
    }

    @Test func organisationsBelongToTheirRegion() {
        let sichuan = Set(Self.generate(count: 2000).map(\.organization.name))
        #expect(sichuan.contains("四川大学") && sichuan.contains("电子科技大学"))
        #expect(sichuan.contains { $0.hasPrefix("成都") && $0.hasSuffix("有限公司") })
        let beijing = Set(Self.generate("beijing", count: 2000).map(\.organization.name))
        #expect(beijing.contains("清华大学") && beijing.contains("北京航空航天大学"))
        let chongqing = Set(Self.generate("chongqing", count: 2000).map(\.organization.name))
        #expect(chongqing.contains("重庆大学") && chongqing.contains("重庆邮电大学"))
        let henan = Self.generate("henan", count: 500).map(\.organization)
        #expect(henan.contains { $0.name == "河南大学" && $0.type == .university })
        for organization in henan where organization.type == .university {
            #expect(organization.name.hasPrefix("河南"))
        }
    }

    @Test func organisationTypesMatchTheirNames() {
        for project in Self.generate(count: 3000, seed: 8) {
            let name = project.organization.name
            switch project.organization.type {
            case .university: #expect(name.hasSuffix("大学"))
            case .institute: #expect(["研究所", "研究院", "设计院", "科学院"].contains { name.hasSuffix($0) })
            case .enterprise: #expect(name.hasSuffix("公司"))
            case .expertWorkstation: #expect(name.hasSuffix("工作站"))
            case .financialInstitution: #expect(name.contains("银行") || name.contains("保险"))
            case .investmentInstitution: #expect(name.contains("基金") || name.contains("投资"))
            default: Issue.record("unexpected organisation type for \(name)")
            }
        }
    }
}
