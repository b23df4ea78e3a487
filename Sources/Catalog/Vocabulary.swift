/// A closed vocabulary of the data model: a JSON code, a Simplified Chinese label, and the
/// spellings operators type in spreadsheets.
///
/// Import accepts the code (`achievement`), the label (`科技成果待转化`) or an alias (`科技成果`), in
/// Simplified or Traditional script; stored records always carry the code.
public protocol Vocabulary: CaseIterable, Hashable, Sendable, RawRepresentable where RawValue == String {
    /// The label shown to users, in Simplified Chinese.
    var label: String { get }
    /// Other accepted spellings (Chinese short forms, English synonyms).
    var aliases: [String] { get }
}

extension Vocabulary {
    public var aliases: [String] { [] }

    /// Parses a code, label or alias; returns nil when nothing matches.
    public init?(lenient text: String) {
        if let exact = Self(rawValue: text) {
            self = exact
            return
        }
        let key = TextNormalizer.fold(text).filter { !$0.isWhitespace }
        if let exact = Self(rawValue: key) {
            self = exact
            return
        }
        for candidate in Self.allCases {
            let spellings = [candidate.rawValue, candidate.label] + candidate.aliases
            if spellings.contains(where: { TextNormalizer.fold($0).filter { !$0.isWhitespace } == key }) {
                self = candidate
                return
            }
        }
        return nil
    }

    /// The codes of every case, for error messages: "achievement, technology, …".
    public static var codeList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// The four kinds of project of the exchange (the conference's figures, README "What it is").
public enum ProjectKind: String, Vocabulary {
    case achievement, technology, challenge, finance

    public var label: String {
        switch self {
        case .achievement: "科技成果待转化"
        case .technology: "高新技术待推广"
        case .challenge: "科技难题待攻关"
        case .finance: "金融创投产品"
        }
    }

    public var aliases: [String] {
        switch self {
        case .achievement: ["科技成果", "成果"]
        case .technology: ["高新技术", "技术"]
        case .challenge: ["科技难题", "难题", "需求"]
        case .finance: ["金融产品", "金融", "金融创投"]
        }
    }

    /// Achievements and technologies are supply; challenges are demand.
    public var isSupply: Bool { self == .achievement || self == .technology }
}

/// The seven industry sectors of the conference.
public enum Industry: String, Vocabulary {
    case electronics, equipment, foodTextile = "food_textile", energyChemical = "energy_chemical"
    case materials, health, agriculture

    public var label: String {
        switch self {
        case .electronics: "电子信息"
        case .equipment: "装备制造"
        case .foodTextile: "食品轻纺"
        case .energyChemical: "能源化工"
        case .materials: "先进材料"
        case .health: "医药健康"
        case .agriculture: "现代农业"
        }
    }

    public var aliases: [String] {
        switch self {
        case .agriculture: ["乡村振兴", "现代农业/乡村振兴", "农业"]
        case .health: ["医药", "大健康"]
        case .materials: ["新材料", "材料"]
        default: []
        }
    }
}

/// The six lifecycle stages, in order. A stage once reached is never lost.
public enum Stage: String, Vocabulary, Comparable {
    case publication, matchmaking, signing, transaction, followUp = "follow_up", deployment

    public var label: String {
        switch self {
        case .publication: "推介发布"
        case .matchmaking: "对接洽谈"
        case .signing: "现场签约"
        case .transaction: "交易合作"
        case .followUp: "跟踪服务"
        case .deployment: "落地运用"
        }
    }

    /// Position in the lifecycle, 0 for publication through 5 for deployment.
    public var ordinal: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: Stage, rhs: Stage) -> Bool { lhs.ordinal < rhs.ordinal }
}

/// What kind of body publishes or owns a project.
public enum OrganizationType: String, Vocabulary {
    case university, institute, enterprise, expertWorkstation = "expert_workstation"
    case financialInstitution = "financial_institution", investmentInstitution = "investment_institution"
    case association, other

    public var label: String {
        switch self {
        case .university: "高等院校"
        case .institute: "科研院所"
        case .enterprise: "企业"
        case .expertWorkstation: "院士（专家）工作站"
        case .financialInstitution: "金融机构"
        case .investmentInstitution: "创投机构"
        case .association: "科协及学会"
        case .other: "其他"
        }
    }

    public var aliases: [String] {
        switch self {
        case .university: ["高校", "大学"]
        case .institute: ["科研院所", "研究院", "研究所"]
        case .expertWorkstation: ["院士工作站", "专家工作站"]
        case .investmentInstitution: ["风投机构", "投资机构"]
        default: []
        }
    }
}

/// How a supply project can be taken up, or what a challenge wants.
public enum CooperationMode: String, Vocabulary {
    case transfer, licence, jointDevelopment = "joint_development", equity, service, other

    public var label: String {
        switch self {
        case .transfer: "技术转让"
        case .licence: "许可使用"
        case .jointDevelopment: "合作开发"
        case .equity: "作价入股"
        case .service: "技术服务"
        case .other: "其他"
        }
    }

    public var aliases: [String] {
        switch self {
        case .transfer: ["转让"]
        case .licence: ["许可", "license"]
        case .jointDevelopment: ["联合开发", "合作研发"]
        case .equity: ["入股", "股权合作"]
        case .service: ["服务", "技术咨询"]
        default: []
        }
    }
}

/// How a supply project is priced.
public enum PriceMode: String, Vocabulary {
    case fixed, negotiable, range

    public var label: String {
        switch self {
        case .fixed: "一口价"
        case .negotiable: "面议"
        case .range: "区间价"
        }
    }
}

/// Kinds of intellectual property right.
public enum IPType: String, Vocabulary {
    case inventionPatent = "invention_patent", utilityModel = "utility_model", designPatent = "design_patent"
    case softwareCopyright = "software_copyright", plantVariety = "plant_variety", icLayout = "ic_layout"
    case tradeSecret = "trade_secret", other

    public var label: String {
        switch self {
        case .inventionPatent: "发明专利"
        case .utilityModel: "实用新型专利"
        case .designPatent: "外观设计专利"
        case .softwareCopyright: "软件著作权"
        case .plantVariety: "植物新品种"
        case .icLayout: "集成电路布图设计"
        case .tradeSecret: "技术秘密"
        case .other: "其他"
        }
    }
}

/// Legal status of an intellectual property right.
public enum IPStatus: String, Vocabulary {
    case granted, pending, expired, other

    public var label: String {
        switch self {
        case .granted: "已授权"
        case .pending: "申请中"
        case .expired: "已失效"
        case .other: "其他"
        }
    }
}

/// Financial products offered to projects (the conference's figures, README "What it is": loans, funds, insurance).
public enum FinanceProductType: String, Vocabulary {
    case loan, ipPledgeLoan = "ip_pledge_loan", fund, insurance, guarantee

    public var label: String {
        switch self {
        case .loan: "科技贷款"
        case .ipPledgeLoan: "知识产权质押贷款"
        case .fund: "创投基金"
        case .insurance: "科技保险"
        case .guarantee: "融资担保"
        }
    }

    public var aliases: [String] {
        switch self {
        case .loan: ["贷款"]
        case .ipPledgeLoan: ["知识产权质押", "质押贷款"]
        case .fund: ["基金"]
        case .insurance: ["保险"]
        case .guarantee: ["担保"]
        }
    }
}

/// Who may see a contact's details.
public enum ContactVisibility: String, Vocabulary {
    /// Shown in full to everyone.
    case `public`
    /// Shown masked (张**, 138****5678) outside the owning node's operator tools.
    case masked

    public var label: String {
        switch self {
        case .public: "公开"
        case .masked: "脱敏"
        }
    }
}

/// Comparison of a challenge's quantified target.
public enum Comparator: String, Vocabulary {
    case atMost = "<=", atLeast = ">=", lessThan = "<", greaterThan = ">", equal = "="

    public var label: String {
        switch self {
        case .atMost: "≤"
        case .atLeast: "≥"
        case .lessThan: "<"
        case .greaterThan: ">"
        case .equal: "="
        }
    }

    public var aliases: [String] { [label] }
}
