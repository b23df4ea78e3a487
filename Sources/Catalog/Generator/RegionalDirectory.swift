/// The organisations, cities, financial providers and service offices of one region, from which
/// the generator names who publishes a record.
///
/// Sichuan, Beijing and Chongqing, the three associations of the 京川渝 conference, have lists of
/// real universities, institutes and major enterprises, so that demo data reads like the
/// conference's catalog; the projects attached to them are fictitious. Every other region gets
/// generic names built from its Chinese label (河南大学, 河南工业技术研究院…). Smaller enterprises
/// are composed: city + brand + business + 有限公司 (成都天芯电子科技有限公司).
struct RegionalDirectory: Sendable {
    /// A named organisation and the sectors it works in (empty: every sector).
    struct Entry: Sendable {
        let name: String
        let type: OrganizationType
        let industries: [Industry]

        init(_ name: String, _ type: OrganizationType, _ industries: [Industry] = []) {
            self.name = name
            self.type = type
            self.industries = industries
        }
    }

    /// Universities and institutes, per sector in `IndustryLexicon.industries` order.
    let researchBySector: [[Entry]]
    /// Named enterprises, per sector; often empty.
    let enterprisesBySector: [[Entry]]
    /// City prefixes of composed enterprise names.
    let cities: [String]
    let banks: [String]
    let funds: [String]
    let insurers: [String]
    /// Offices whose staff act as service agents (科服保姆).
    let serviceOffices: [String]
    /// A landline prefix such as `028-8`, followed by seven digits; nil for mobile numbers only.
    let landlinePrefix: String?
    /// Prefix of finance product titles that carry a regional brand (天府科创贷).
    let brand: String

    /// The directory of `region`.
    init(region: Region) {
        let research: [Entry]
        let enterprises: [Entry]
        switch region.code {
        case "sichuan":
            research = Self.sichuanResearch
            enterprises = Self.sichuanEnterprises
            cities = ["成都", "成都", "成都", "绵阳", "德阳", "宜宾", "自贡", "泸州", "乐山", "眉山", "四川"]
            banks = [
                "中国银行四川省分行", "中国建设银行四川省分行", "中国工商银行四川省分行", "交通银行四川省分行", "成都银行",
                "四川银行", "成都农村商业银行", "招商银行成都分行", "兴业银行成都分行",
            ]
            funds = ["四川省知识产权运营基金", "四川省科技成果转化投资引导基金", "成都科技创新投资集团有限公司", "四川省天府科创投资基金"]
            insurers = ["中国人民财产保险股份有限公司四川省分公司", "中国平安财产保险股份有限公司四川分公司", "中国太平洋财产保险股份有限公司四川分公司"]
            serviceOffices = ["四川省科学技术协会", "天府科技云服务平台", "四川省技术转移中心", "成都市科学技术协会", "绵阳市科学技术协会"]
            landlinePrefix = "028-8"
            brand = "天府"
        case "beijing":
            research = Self.beijingResearch
            enterprises = Self.beijingEnterprises
            cities = ["北京", "北京", "北京", "中关村"]
            banks = ["北京银行", "中国银行北京市分行", "中国工商银行北京市分行", "北京农村商业银行", "北京中关村银行"]
            funds = ["北京市科技创新基金", "中关村科技成果转化基金", "北京中关村创业投资发展有限公司"]
            insurers = ["中国人民财产保险股份有限公司北京市分公司", "中国平安财产保险股份有限公司北京分公司"]
            serviceOffices = ["北京市科学技术协会", "中关村技术转移服务中心", "北京技术市场服务中心"]
            landlinePrefix = "010-6"
            brand = "京科"
        case "chongqing":
            research = Self.chongqingResearch
            enterprises = Self.chongqingEnterprises
            cities = ["重庆", "重庆", "重庆两江"]
            banks = ["重庆银行", "重庆农村商业银行", "中国银行重庆市分行", "中国建设银行重庆市分行", "重庆三峡银行"]
            funds = ["重庆市科技成果转化股权投资基金", "重庆产业投资母基金", "重庆科技风险投资有限公司"]
            insurers = ["中国人民财产保险股份有限公司重庆市分公司", "安诚财产保险股份有限公司"]
            serviceOffices = ["重庆市科学技术协会", "重庆科技服务大市场", "两江新区科技创新服务中心"]
            landlinePrefix = "023-6"
            brand = "渝"
        default:
            let label = region.code == "overseas" ? "海外华人" : region.label
            research = region.code == "overseas" ? Self.overseasResearch : Self.genericResearch(label)
            enterprises = []
            cities = [label]
            banks = ["中国银行\(region.label)分行", "中国建设银行\(region.label)分行", "\(label)农村商业银行"]
            funds = ["\(label)科技成果转化引导基金", "\(label)创新投资有限公司"]
            insurers = ["中国人民财产保险股份有限公司\(region.label)分公司"]
            serviceOffices = ["\(label)科学技术协会", "\(label)技术转移中心"]
            landlinePrefix = nil
            brand = label
        }
        researchBySector = Self.bySector(research)
        enterprisesBySector = Self.bySector(enterprises)
    }

    private static func bySector(_ entries: [Entry]) -> [[Entry]] {
        IndustryLexicon.industries.map { industry in
            entries.filter { $0.industries.isEmpty || $0.industries.contains(industry) }
        }
    }

    private static func genericResearch(_ label: String) -> [Entry] {
        [
            Entry("\(label)大学", .university),
            Entry("\(label)理工大学", .university, [.electronics, .equipment, .energyChemical, .materials]),
            Entry("\(label)科技大学", .university, [.electronics, .equipment, .materials]),
            Entry("\(label)农业大学", .university, [.agriculture, .foodTextile]),
            Entry("\(label)医科大学", .university, [.health]),
            Entry("\(label)工业技术研究院", .institute, [.electronics, .equipment, .energyChemical, .materials]),
            Entry("\(label)农业科学院", .institute, [.agriculture, .foodTextile]),
            Entry("\(label)中医药研究院", .institute, [.health]),
        ]
    }

    /// Overseas partners are associations and joint institutes rather than a 海外大学.
    private static let overseasResearch: [Entry] = [
        Entry("海外华人科技工作者协会", .association),
        Entry("旅欧华人专业人士协会", .association, [.electronics, .equipment, .materials, .energyChemical]),
        Entry("全美华人生物医药协会", .association, [.health, .agriculture, .foodTextile]),
        Entry("中欧先进制造联合研究院", .institute, [.equipment, .materials, .electronics]),
        Entry("中新现代农业联合研究中心", .institute, [.agriculture, .foodTextile]),
    ]

    private static let sichuanResearch: [Entry] = [
        Entry("四川大学", .university),
        Entry("电子科技大学", .university, [.electronics]),
        Entry("西南交通大学", .university, [.equipment, .electronics, .materials]),
        Entry("西南石油大学", .university, [.energyChemical, .equipment]),
        Entry("成都理工大学", .university, [.energyChemical, .materials, .equipment]),
        Entry("西南科技大学", .university, [.materials, .equipment]),
        Entry("四川农业大学", .university, [.agriculture, .foodTextile]),
        Entry("西华大学", .university, [.foodTextile, .equipment]),
        Entry("成都信息工程大学", .university, [.electronics]),
        Entry("四川轻化工大学", .university, [.foodTextile, .energyChemical]),
        Entry("成都中医药大学", .university, [.health]),
        Entry("西南医科大学", .university, [.health]),
        Entry("中国科学院成都有机化学研究所", .institute, [.energyChemical, .materials, .health]),
        Entry("中国科学院光电技术研究所", .institute, [.electronics]),
        Entry("中国科学院成都生物研究所", .institute, [.agriculture, .health, .foodTextile]),
        Entry("四川省农业科学院", .institute, [.agriculture, .foodTextile]),
        Entry("中国核动力研究设计院", .institute, [.energyChemical, .equipment]),
        Entry("中国测试技术研究院", .institute, [.electronics, .equipment]),
    ]

    private static let sichuanEnterprises: [Entry] = [
        Entry("东方电气集团东方汽轮机有限公司", .enterprise, [.equipment, .energyChemical]),
        Entry("东方电气集团东方锅炉股份有限公司", .enterprise, [.equipment, .energyChemical]),
        Entry("中国电建集团成都勘测设计研究院有限公司", .enterprise, [.equipment]),
        Entry("四川长虹电器股份有限公司", .enterprise, [.electronics]),
        Entry("中国第二重型机械集团有限公司", .enterprise, [.equipment, .materials]),
        Entry("攀钢集团研究院有限公司", .enterprise, [.materials]),
        Entry("四川发展龙蟒股份有限公司", .enterprise, [.energyChemical]),
        Entry("四川美丰化工股份有限公司", .enterprise, [.energyChemical, .agriculture]),
        Entry("宜宾五粮液股份有限公司", .enterprise, [.foodTextile]),
        Entry("泸州老窖股份有限公司", .enterprise, [.foodTextile]),
        Entry("四川科伦药业股份有限公司", .enterprise, [.health]),
        Entry("新希望六和股份有限公司", .enterprise, [.agriculture, .foodTextile]),
    ]

    private static let beijingResearch: [Entry] = [
        Entry("清华大学", .university),
        Entry("北京大学", .university, [.electronics, .materials, .health, .energyChemical]),
        Entry("北京航空航天大学", .university, [.electronics, .equipment, .materials]),
        Entry("北京理工大学", .university, [.electronics, .equipment, .materials]),
        Entry("北京科技大学", .university, [.materials, .equipment, .energyChemical]),
        Entry("北京化工大学", .university, [.energyChemical, .materials]),
        Entry("北京工业大学", .university, [.equipment, .electronics, .foodTextile]),
        Entry("中国农业大学", .university, [.agriculture, .foodTextile]),
        Entry("北京邮电大学", .university, [.electronics]),
        Entry("北京交通大学", .university, [.equipment, .electronics]),
        Entry("首都医科大学", .university, [.health]),
        Entry("北京中医药大学", .university, [.health]),
        Entry("中国科学院自动化研究所", .institute, [.electronics, .equipment]),
        Entry("中国科学院化学研究所", .institute, [.energyChemical, .materials]),
        Entry("中国科学院半导体研究所", .institute, [.electronics, .materials]),
        Entry("中国科学院过程工程研究所", .institute, [.energyChemical, .materials]),
        Entry("北京市农林科学院", .institute, [.agriculture, .foodTextile]),
        Entry("中国农业科学院作物科学研究所", .institute, [.agriculture]),
    ]

    private static let beijingEnterprises: [Entry] = [
        Entry("京东方科技集团股份有限公司", .enterprise, [.electronics]),
        Entry("北京北方华创微电子装备有限公司", .enterprise, [.electronics, .equipment]),
        Entry("中国航发北京航空材料研究院", .institute, [.materials]),
        Entry("北京同仁堂股份有限公司", .enterprise, [.health]),
        Entry("北京首农食品集团有限公司", .enterprise, [.foodTextile, .agriculture]),
        Entry("中国石化北京化工研究院", .institute, [.energyChemical]),
    ]

    private static let chongqingResearch: [Entry] = [
        Entry("重庆大学", .university, [.electronics, .equipment, .energyChemical, .materials, .health]),
        Entry("重庆邮电大学", .university, [.electronics]),
        Entry("西南大学", .university, [.agriculture, .foodTextile, .health, .materials]),
        Entry("重庆交通大学", .university, [.equipment]),
        Entry("重庆理工大学", .university, [.equipment, .electronics, .materials]),
        Entry("重庆医科大学", .university, [.health]),
        Entry("重庆工商大学", .university, [.foodTextile, .energyChemical]),
        Entry("中国科学院重庆绿色智能技术研究院", .institute, [.electronics, .materials, .energyChemical]),
        Entry("重庆市农业科学院", .institute, [.agriculture, .foodTextile]),
    ]

    private static let chongqingEnterprises: [Entry] = [
        Entry("重庆长安汽车股份有限公司", .enterprise, [.equipment, .electronics]),
        Entry("中冶赛迪集团有限公司", .enterprise, [.equipment, .materials]),
        Entry("中国汽车工程研究院股份有限公司", .enterprise, [.equipment]),
        Entry("重庆川仪自动化股份有限公司", .enterprise, [.electronics, .equipment]),
        Entry("西南铝业（集团）有限责任公司", .enterprise, [.materials]),
        Entry("重庆智飞生物制品股份有限公司", .enterprise, [.health]),
        Entry("重庆市涪陵榨菜集团股份有限公司", .enterprise, [.foodTextile]),
        Entry("重庆建峰工业集团有限公司", .enterprise, [.energyChemical]),
    ]

    /// First and second characters of composed brand names: 30 × 30 brands, so that a large
    /// catalog has tens of thousands of distinct enterprises.
    static let brandHeads: [String] = [
        "天", "蜀", "锦", "华", "瑞", "中", "航", "宏", "科", "长", "博", "智", "恒", "新", "海", "盛", "光", "远",
        "德", "川", "鑫", "腾", "嘉", "睿", "安", "鼎", "润", "联", "昊", "创",
    ]
    static let brandTails: [String] = [
        "芯", "达", "信", "源", "科", "通", "宇", "能", "泰", "邦", "威", "腾", "辰", "峰", "微", "图", "锐", "航",
        "昌", "联", "星", "智", "康", "利", "成", "宸", "诺", "晟", "盈", "和",
    ]
}
