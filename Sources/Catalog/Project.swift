public import JSON

/// One project of the catalog (科创项目): an achievement or technology on offer, a technical
/// challenge seeking solvers, or a financial product.
///
/// The JSON form is described by `protocols/schema/project.schema.json`. The node owns `origin`,
/// `version`, `created_at` and `updated_at`: an import cannot set them. Fields this version does
/// not know are kept in `extra` and written back unchanged (forward compatibility).
public struct Project: Sendable, Hashable {
    public var id: RecordID
    public var kind: ProjectKind
    public var title: String
    public var summary: String
    public var description: String?
    public var industry: Industry
    public var keywords: [String]
    public var organization: Organization
    public var contact: Contact?
    public var stage: Stage
    /// The service agent (科服保姆) who follows the project until it lands.
    public var serviceAgent: ServiceAgent?
    /// Roadshow session tags.
    public var sessions: [String]
    /// Last day (UTC) on which the project is listed, `YYYY-MM-DD`.
    public var validThrough: String
    /// Ids of the same project published by other origins.
    public var sameAs: [RecordID]
    /// Fields of the kind: supply, challenge or finance.
    public var details: Details
    /// Set by the node: 1 on creation, +1 on every real change.
    public var version: Int
    /// Set by the node, RFC 3339 UTC.
    public var createdAt: String?
    /// Set by the node, RFC 3339 UTC.
    public var updatedAt: String?
    /// Fields unknown to this version, kept verbatim.
    public var extra: [String: JSONValue]

    /// The owning origin.
    public var origin: String { id.origin }

    public init(
        id: RecordID, kind: ProjectKind, title: String, summary: String, description: String? = nil,
        industry: Industry, keywords: [String] = [], organization: Organization, contact: Contact? = nil,
        stage: Stage = .publication, serviceAgent: ServiceAgent? = nil, sessions: [String] = [],
        validThrough: String, sameAs: [RecordID] = [], details: Details, version: Int = 0,
        createdAt: String? = nil, updatedAt: String? = nil, extra: [String: JSONValue] = [:]
    ) {
        self.id = id
        self.kind = kind
        self.title = title
        self.summary = summary
        self.description = description
        self.industry = industry
        self.keywords = keywords
        self.organization = organization
        self.contact = contact
        self.stage = stage
        self.serviceAgent = serviceAgent
        self.sessions = sessions
        self.validThrough = validThrough
        self.sameAs = sameAs
        self.details = details
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.extra = extra
    }

    /// True when `validThrough` is before `today` (`YYYY-MM-DD`, UTC).
    public func isExpired(today: String) -> Bool { validThrough < today }

    /// Technology readiness level, for supply projects.
    public var trl: Int? {
        if case .supply(let supply) = details { return supply.trl }
        return nil
    }
}

/// The fields that depend on a project's kind.
public enum Details: Sendable, Hashable {
    /// Achievements and technologies.
    case supply(Supply)
    /// Technical challenges (demand).
    case challenge(Challenge)
    /// Financial products.
    case finance(Finance)
}

/// Who publishes the project.
public struct Organization: Sendable, Hashable {
    public var name: String
    public var type: OrganizationType
    public var region: Region

    public init(name: String, type: OrganizationType, region: Region) {
        self.name = name
        self.type = type
        self.region = region
    }
}

/// A contact person. Personal data: masked in public output unless `visibility` is `public`.
public struct Contact: Sendable, Hashable {
    public var name: String
    public var phone: String?
    public var email: String?
    public var visibility: ContactVisibility

    public init(name: String, phone: String? = nil, email: String? = nil, visibility: ContactVisibility = .masked) {
        self.name = name
        self.phone = phone
        self.email = email
        self.visibility = visibility
    }

    /// The contact as the public may see it: unchanged when public, otherwise 张**, 138****5678,
    /// z***@example.com.
    public func masked() -> Contact {
        guard visibility == .masked else { return self }
        return Contact(
            name: Self.mask(name, keepPrefix: 1, keepSuffix: 0),
            phone: phone.map(Self.maskPhone),
            email: email.map { address in
                guard let at = address.firstIndex(of: "@") else { return Self.mask(address, keepPrefix: 1, keepSuffix: 0) }
                return Self.mask(String(address[..<at]), keepPrefix: 1, keepSuffix: 0) + address[at...]
            },
            visibility: .masked)
    }

    /// A phone number as the public sees it: the first three and last four characters kept.
    public static func maskPhone(_ phone: String) -> String { mask(phone, keepPrefix: 3, keepSuffix: 4) }

    private static func mask(_ text: String, keepPrefix: Int, keepSuffix: Int) -> String {
        let characters = Array(text)
        guard characters.count > keepPrefix + keepSuffix else {
            return String(characters.prefix(1)) + String(repeating: "*", count: max(characters.count - 1, 1))
        }
        let hidden = characters.count - keepPrefix - keepSuffix
        return String(characters.prefix(keepPrefix)) + String(repeating: "*", count: hidden)
            + String(characters.suffix(keepSuffix))
    }
}

/// The service agent (科服保姆) following a project.
public struct ServiceAgent: Sendable, Hashable {
    public var name: String
    public var organization: String?
    public var phone: String?

    public init(name: String, organization: String? = nil, phone: String? = nil) {
        self.name = name
        self.organization = organization
        self.phone = phone
    }
}

/// Supply-side fields: achievements awaiting commercialisation, technologies awaiting promotion.
public struct Supply: Sendable, Hashable {
    /// Technology readiness level, 1–9.
    public var trl: Int
    public var ip: [IPRight]
    public var cooperation: [CooperationMode]
    public var price: Price?

    public init(trl: Int, ip: [IPRight] = [], cooperation: [CooperationMode], price: Price? = nil) {
        self.trl = trl
        self.ip = ip
        self.cooperation = cooperation
        self.price = price
    }
}

/// An intellectual property right attached to a supply project.
public struct IPRight: Sendable, Hashable {
    public var type: IPType
    public var number: String
    public var status: IPStatus

    public init(type: IPType, number: String, status: IPStatus) {
        self.type = type
        self.number = number
        self.status = status
    }
}

/// The asking price of a supply project. Amounts are decimal strings, never floats.
public struct Price: Sendable, Hashable {
    public var mode: PriceMode
    public var amount: String?
    public var min: String?
    public var max: String?
    public var currency: String

    public init(mode: PriceMode, amount: String? = nil, min: String? = nil, max: String? = nil, currency: String = "CNY") {
        self.mode = mode
        self.amount = amount
        self.min = min
        self.max = max
        self.currency = currency
    }
}

/// A range of money, either bound optional but not both. Decimal strings.
public struct AmountRange: Sendable, Hashable {
    public var min: String?
    public var max: String?
    public var currency: String

    public init(min: String? = nil, max: String? = nil, currency: String = "CNY") {
        self.min = min
        self.max = max
        self.currency = currency
    }
}

/// Demand-side fields: a technical challenge awaiting solvers.
public struct Challenge: Sendable, Hashable {
    public var problem: String
    public var targets: [Target]
    public var budget: AmountRange?
    /// `YYYY-MM-DD`.
    public var deadline: String?
    public var wantedModes: [CooperationMode]

    public init(
        problem: String, targets: [Target] = [], budget: AmountRange? = nil, deadline: String? = nil,
        wantedModes: [CooperationMode] = []
    ) {
        self.problem = problem
        self.targets = targets
        self.budget = budget
        self.deadline = deadline
        self.wantedModes = wantedModes
    }
}

/// A quantified target of a challenge, such as 检测下限 ≤ 1 %LEL.
public struct Target: Sendable, Hashable {
    public var metric: String
    public var comparator: Comparator
    /// A decimal string.
    public var value: String
    public var unit: String?

    public init(metric: String, comparator: Comparator, value: String, unit: String? = nil) {
        self.metric = metric
        self.comparator = comparator
        self.value = value
        self.unit = unit
    }
}

/// Fields of a financial product: loans, funds, insurance, guarantees.
public struct Finance: Sendable, Hashable {
    public var productType: FinanceProductType
    public var provider: String
    public var amount: AmountRange?
    public var term: TermRange?
    /// Empty means every industry.
    public var eligibleIndustries: [Industry]
    /// Empty means every stage.
    public var eligibleStages: [Stage]
    /// Empty means every region.
    public var eligibleRegions: [Region]

    public init(
        productType: FinanceProductType, provider: String, amount: AmountRange? = nil, term: TermRange? = nil,
        eligibleIndustries: [Industry] = [], eligibleStages: [Stage] = [], eligibleRegions: [Region] = []
    ) {
        self.productType = productType
        self.provider = provider
        self.amount = amount
        self.term = term
        self.eligibleIndustries = eligibleIndustries
        self.eligibleStages = eligibleStages
        self.eligibleRegions = eligibleRegions
    }
}

/// A term in months; either bound optional but not both.
public struct TermRange: Sendable, Hashable {
    public var minMonths: Int?
    public var maxMonths: Int?

    public init(minMonths: Int? = nil, maxMonths: Int? = nil) {
        self.minMonths = minMonths
        self.maxMonths = maxMonths
    }
}
