/// The words of one industry sector, from which the generator composes titles, summaries,
/// keywords, challenge targets and enterprise names.
///
/// Titles are built from parts, as the conference's own titles are: an optional qualifier
/// (新型, 高精度…), a subject and a suffix that depends on the kind (研制及产业化, 技术,
/// 关键技术攻关…). A subject is either a *product* (a device, material or variety one can make:
/// 毫米波雷达) or a *process* (a way of doing something: 磷化工尾矿综合利用), because the two take
/// different suffixes: one 研制 a radar but 攻关 a tailings process. Each subject lists the metrics
/// and methods that fit it, so that a radar is not praised for its yield per mu. Some subjects mix
/// Latin letters and digits (77GHz, ORC, 50MW, CCUS) so that search has mixed terms to find, and
/// several contain 毫米波 and 燃气轮机, the demo's searches.
struct IndustryLexicon: Sendable {
    /// A measurable figure, used in summaries (performance) and as a challenge's target.
    struct Metric: Sendable {
        let name: String
        /// Empty when the figure has no unit.
        let unit: String
        /// Whether a larger (`atLeast`) or smaller (`atMost`) value is better.
        let comparator: Comparator
        /// Range of values in units of 10^-decimals.
        let low: Int
        let high: Int
        let decimals: Int

        init(_ name: String, _ unit: String, _ comparator: Comparator, _ low: Int, _ high: Int, decimals: Int = 0) {
            self.name = name
            self.unit = unit
            self.comparator = comparator
            self.low = low
            self.high = high
            self.decimals = decimals
        }
    }

    /// A subject of titles, with the metrics and methods that suit it.
    struct Item: Sendable {
        let name: String
        /// Indices into the sector's `metrics`; when empty only `generalMetrics` apply.
        let metrics: [Int]
        /// Indices into the sector's `methods`; when empty no 基于…的… title is made.
        let methods: [Int]

        init(_ name: String, metrics: [Int], methods: [Int]) {
            self.name = name
            self.metrics = metrics
            self.methods = methods
        }
    }

    let qualifiers: [String]
    let products: [Item]
    let processes: [Item]
    /// Methods and enabling technologies, for 基于…的… titles and summaries.
    let methods: [String]
    let keywords: [String]
    let applications: [String]
    /// Problems of the sector, for summaries and challenge statements.
    let pains: [String]
    let metrics: [Metric]
    /// Business words of enterprise names (成都天芯**电子科技**有限公司).
    let businesses: [String]

    /// The sectors in `Industry.allCases` order, cached because `allCases` builds a new array.
    static let industries: [Industry] = Industry.allCases

    /// The lexicon of the sector at `index` in `industries`.
    static func lexicon(at index: Int) -> IndustryLexicon { all[index] }

    /// Relative frequency of the sectors in generated catalogs (electronics and equipment lead, as
    /// at the conference).
    static let industryWeights: [Int] = [20, 19, 8, 15, 13, 14, 11]

    /// Figures that fit any subject of any sector.
    static let generalMetrics: [Metric] = [
        Metric("综合成本降低", "%", .atLeast, 15, 40),
        Metric("生产效率提升", "%", .atLeast, 20, 60),
        Metric("单位产品能耗降低", "%", .atLeast, 10, 30),
        Metric("关键部件国产化率", "%", .atLeast, 80, 100),
        Metric("产品良品率", "%", .atLeast, 950, 995, decimals: 1),
    ]

    private static let all: [IndustryLexicon] = [
        electronics, equipment, foodTextile, energyChemical, materials, health, agriculture,
    ]

    private static let electronics = IndustryLexicon(
        qualifiers: ["新型", "高精度", "低功耗", "智能", "先进", "国产化", "自主可控", "小型化", "高可靠"],
        products: [
            Item("毫米波雷达", metrics: [0, 1, 2, 4], methods: [0, 5]),
            Item("77GHz毫米波雷达芯片", metrics: [0, 2, 4, 7], methods: []),
            Item("毫米波成像安检仪", metrics: [3, 4], methods: [0, 4]),
            Item("光电编码器", metrics: [6, 7], methods: []),
            Item("5G小基站", metrics: [5, 4, 10], methods: [5]),
            Item("MEMS惯性传感器", metrics: [7, 4], methods: []),
            Item("激光可燃气体探测器", metrics: [8, 7], methods: [3]),
            Item("GaN射频功率放大器", metrics: [14, 4], methods: []),
            Item("工业级RFID读写器", metrics: [15, 3], methods: [5]),
            Item("UWB室内定位模组", metrics: [9, 4], methods: [5]),
            Item("北斗高精度定位终端", metrics: [9, 4, 7], methods: [3, 5]),
            Item("红外热成像机芯", metrics: [11, 4], methods: [0]),
            Item("边缘AI计算终端", metrics: [13, 4, 3], methods: [0, 4]),
            Item("400G高速光模块", metrics: [10, 4], methods: []),
            Item("智能电表计量芯片", metrics: [12, 4], methods: []),
        ],
        processes: [
            Item("毫米波感知", metrics: [0, 1, 3], methods: [0, 8]),
            Item("多源数据融合感知", metrics: [3, 5], methods: [0, 5]),
            Item("工业互联网标识解析", metrics: [5], methods: [3, 6]),
            Item("卫星遥感影像智能解译", metrics: [3], methods: [0, 6]),
            Item("电力设备在线监测", metrics: [3, 5], methods: [2, 4, 5]),
            Item("低轨卫星通信", metrics: [5, 10], methods: [3]),
            Item("视频结构化分析", metrics: [3], methods: [0, 4]),
            Item("芯片先进封装测试", metrics: [], methods: []),
            Item("毫米波通信", metrics: [5, 10], methods: [3]),
        ],
        methods: ["深度学习", "联邦学习", "数字孪生", "5G", "AI视觉", "边缘计算", "知识图谱", "北斗", "多源数据融合"],
        keywords: ["毫米波", "雷达", "传感器", "芯片", "物联网", "人工智能", "5G", "集成电路", "信号处理", "嵌入式系统", "工业互联网", "北斗"],
        applications: ["智能驾驶", "低空安防", "智慧交通", "工业自动化", "电力巡检", "智慧城市", "轨道交通", "消费电子", "安防监控", "应急救援"],
        pains: ["核心芯片依赖进口", "复杂环境下探测精度不足", "多目标识别能力弱", "功耗和体积偏大", "数据孤岛难以共享", "设备成本居高不下"],
        metrics: [
            Metric("探测距离", "m", .atLeast, 150, 500),
            Metric("测距精度", "cm", .atMost, 1, 10),
            Metric("角分辨率", "°", .atMost, 5, 30, decimals: 1),
            Metric("识别准确率", "%", .atLeast, 950, 995, decimals: 1),
            Metric("整机功耗", "W", .atMost, 2, 15),
            Metric("通信时延", "ms", .atMost, 1, 20),
            Metric("编码器分辨率", "位", .atLeast, 17, 24),
            Metric("低温启动温度", "℃", .atMost, -45, -30),
            Metric("检测下限", "%LEL", .atMost, 1, 5),
            Metric("定位精度", "cm", .atMost, 1, 30),
            Metric("传输速率", "Gbps", .atLeast, 100, 400),
            Metric("噪声等效温差", "mK", .atMost, 20, 50),
            Metric("计量误差", "%", .atMost, 1, 5, decimals: 1),
            Metric("AI算力", "TOPS", .atLeast, 8, 32),
            Metric("饱和输出功率", "W", .atLeast, 20, 200),
            Metric("读取距离", "m", .atLeast, 5, 15),
        ],
        businesses: ["电子科技", "微电子", "信息技术", "智能科技", "光电技术", "通信技术"])

    private static let equipment = IndustryLexicon(
        qualifiers: ["大功率", "高可靠", "智能", "高精度", "国产化", "重型", "长寿命", "模块化", "新型"],
        products: [
            Item("50MW重型燃气轮机", metrics: [0, 3, 9, 2], methods: [0, 4]),
            Item("燃气轮机叶片", metrics: [6, 14], methods: [4]),
            Item("燃气轮机燃烧室", metrics: [9, 2], methods: [4]),
            Item("工业机器人精密减速器", metrics: [8, 2, 14], methods: [4]),
            Item("五轴联动数控机床", metrics: [1, 2], methods: [0, 7]),
            Item("盾构机主轴承", metrics: [14, 11], methods: [4]),
            Item("大功率永磁同步电机", metrics: [13, 4], methods: [4]),
            Item("高速列车制动系统", metrics: [12, 2], methods: [0]),
            Item("变电站智能巡检机器人", metrics: [15, 2], methods: [2, 5]),
            Item("精密伺服驱动系统", metrics: [12, 1], methods: []),
            Item("无人机飞控系统", metrics: [12, 2], methods: [5]),
            Item("液压支架电液控制系统", metrics: [12, 2], methods: [3, 6]),
            Item("PLC控制器", metrics: [12, 2], methods: [6]),
            Item("风电齿轮箱", metrics: [14, 4, 2], methods: [0, 4]),
        ],
        processes: [
            Item("超大尺寸构件均质化构筑成型", metrics: [7, 16], methods: [4, 0]),
            Item("特高土石坝建造", metrics: [10], methods: [0, 1]),
            Item("大型铸锻件热处理", metrics: [16], methods: [4]),
            Item("隧道围岩超前预判识", metrics: [5, 11], methods: [1, 5]),
            Item("焊接机器人离线编程", metrics: [1], methods: [2, 0]),
            Item("激光增材制造", metrics: [7, 1], methods: [4]),
            Item("高端装备远程运维", metrics: [2], methods: [0, 6, 5]),
            Item("燃气轮机叶片精密铸造", metrics: [6], methods: [4]),
            Item("重型燃气轮机总装调试", metrics: [0, 3], methods: [0]),
        ],
        methods: ["数字孪生", "多源数据", "机器视觉", "PLC", "有限元仿真", "AI", "工业互联网", "激光测量"],
        keywords: ["燃气轮机", "数控机床", "工业机器人", "智能制造", "增材制造", "精密加工", "轨道交通", "盾构", "液压", "重型装备", "无损检测", "高端装备"],
        applications: ["火力发电", "油气管道增压", "轨道交通", "航空航天", "水利水电", "隧道工程", "汽车制造", "矿山开采", "船舶动力", "工程机械"],
        pains: ["关键部件长期依赖进口", "加工精度和一致性不足", "核心部件服役寿命短", "设备运维成本高", "大型构件成型质量不稳定", "施工风险难以提前预判"],
        metrics: [
            Metric("联合循环效率", "%", .atLeast, 50, 60),
            Metric("定位精度", "mm", .atMost, 5, 50, decimals: 3),
            Metric("平均无故障时间", "h", .atLeast, 5000, 30000),
            Metric("额定功率", "MW", .atLeast, 10, 50),
            Metric("运行噪声", "dB", .atMost, 65, 85),
            Metric("超前预判准确率", "%", .atLeast, 85, 95),
            Metric("叶片承温能力", "℃", .atLeast, 1100, 1500),
            Metric("单件成型尺寸", "m", .atLeast, 3, 12),
            Metric("传动回差", "arcmin", .atMost, 5, 30, decimals: 1),
            Metric("氮氧化物排放浓度", "mg/m³", .atMost, 15, 50),
            Metric("坝高", "m", .atLeast, 200, 320),
            Metric("掘进速度", "m/天", .atLeast, 10, 30),
            Metric("响应时间", "ms", .atMost, 1, 10),
            Metric("电机效率", "%", .atLeast, 950, 975, decimals: 1),
            Metric("设计寿命", "年", .atLeast, 20, 30),
            Metric("缺陷识别准确率", "%", .atLeast, 95, 99),
            Metric("成型件密度均匀性", "%", .atLeast, 95, 99),
        ],
        businesses: ["智能装备", "机械制造", "精密机械", "重工", "自动化设备", "动力设备"])

    private static let foodTextile = IndustryLexicon(
        qualifiers: ["绿色", "功能性", "低盐", "高效", "新型", "智能化", "低成本"],
        products: [
            Item("功能性益生菌制剂", metrics: [6, 0], methods: [0]),
            Item("川菜复合调味料", metrics: [0, 4], methods: []),
            Item("低醉度浓香型白酒", metrics: [3, 7], methods: [0]),
            Item("竹纤维无纺布", metrics: [5, 8], methods: []),
            Item("可降解食品包装膜", metrics: [8, 5], methods: []),
            Item("茶多酚提取物", metrics: [11], methods: [4, 6]),
            Item("抗菌功能性纺织面料", metrics: [9, 5], methods: []),
            Item("发酵型猕猴桃果酒", metrics: [0, 11], methods: [0]),
            Item("植物基蛋白肉", metrics: [10, 0], methods: [3, 6]),
            Item("柑橘全果精深加工产品", metrics: [11, 0], methods: [4, 6]),
            Item("高性能芳纶纸", metrics: [5], methods: []),
            Item("自热方便米饭", metrics: [0], methods: []),
        ],
        processes: [
            Item("白酒固态发酵智能控制", metrics: [3, 7], methods: [0, 1, 5]),
            Item("食品冷链智能监测", metrics: [0], methods: [5, 7]),
            Item("泡菜低盐发酵", metrics: [4, 0], methods: [0]),
            Item("纺织印染废水回用", metrics: [2], methods: [4]),
            Item("茶叶清洁化加工", metrics: [], methods: [2, 5]),
            Item("果蔬非热杀菌", metrics: [0], methods: [3]),
            Item("中央厨房预制菜生产", metrics: [0], methods: [5, 7]),
            Item("食品中农残快速检测", metrics: [1, 12], methods: [1, 2]),
        ],
        methods: ["微生物组学", "近红外光谱", "AI视觉", "超高压", "膜分离", "物联网", "酶工程", "区块链溯源"],
        keywords: ["食品加工", "发酵", "白酒", "川菜", "预制菜", "功能食品", "纺织", "无纺布", "食品安全", "冷链", "益生菌", "绿色包装"],
        applications: ["白酒酿造", "调味品生产", "预制菜加工", "茶叶加工", "纺织服装", "餐饮连锁", "乳制品", "果蔬加工", "食品检测", "家纺"],
        pains: ["发酵过程依赖人工经验", "产品货架期短", "能耗和水耗偏高", "产品批次稳定性差", "废水处理成本高", "检测周期长"],
        metrics: [
            Metric("货架期", "天", .atLeast, 90, 365),
            Metric("检测时间", "min", .atMost, 5, 30),
            Metric("节水率", "%", .atLeast, 20, 50),
            Metric("出酒率提升", "%", .atLeast, 3, 10),
            Metric("亚硝酸盐含量", "mg/kg", .atMost, 2, 10),
            Metric("断裂强力", "N", .atLeast, 300, 800),
            Metric("活菌数", "亿CFU/g", .atLeast, 100, 500),
            Metric("优级酒比例提升", "%", .atLeast, 5, 15),
            Metric("180天生物降解率", "%", .atLeast, 90, 99),
            Metric("抑菌率", "%", .atLeast, 950, 999, decimals: 1),
            Metric("蛋白质含量", "%", .atLeast, 15, 30),
            Metric("有效成分提取率", "%", .atLeast, 80, 95),
            Metric("农残检测限", "mg/kg", .atMost, 1, 5, decimals: 2),
        ],
        businesses: ["食品", "生物科技", "酒业", "纺织科技", "调味品", "茶业"])

    private static let energyChemical = IndustryLexicon(
        qualifiers: ["绿色", "高效", "低能耗", "新型", "多用途", "低成本", "模块化"],
        products: [
            Item("ORC有机朗肯循环发电机组", metrics: [1, 8, 6], methods: [7]),
            Item("氢燃料电池电堆", metrics: [9, 4], methods: []),
            Item("页岩气压裂返排液处理装置", metrics: [12], methods: [2]),
            Item("LNG储罐", metrics: [16], methods: [4]),
            Item("天然气净化催化剂", metrics: [14, 0], methods: [3]),
            Item("钠离子电池", metrics: [3, 4], methods: []),
            Item("N型TOPCon光伏组件", metrics: [11], methods: []),
            Item("碳捕集复合吸收剂", metrics: [2, 13], methods: [1]),
            Item("电子级高纯磷酸", metrics: [0], methods: [2]),
            Item("PEM电解水制氢装置", metrics: [10], methods: [7]),
            Item("储能变流器", metrics: [8], methods: [7]),
            Item("燃气轮机余热锅炉", metrics: [5, 6], methods: [0, 4]),
        ],
        processes: [
            Item("溶剂萃取法精制工业磷酸", metrics: [0, 5], methods: []),
            Item("磷化工尾矿综合利用", metrics: [7], methods: [6]),
            Item("磷石膏资源化利用", metrics: [7], methods: [6]),
            Item("天然气化工", metrics: [5], methods: [3, 7]),
            Item("CCUS全流程", metrics: [2, 13], methods: [5]),
            Item("工业余热ORC发电", metrics: [1, 6, 8], methods: [7]),
            Item("页岩气高效开采", metrics: [12], methods: [4, 7]),
            Item("煤矸石制备建材", metrics: [7], methods: []),
            Item("废旧锂电池回收", metrics: [15], methods: [6]),
            Item("绿电制氢", metrics: [10], methods: [7]),
        ],
        methods: ["ORC", "CCUS", "膜分离", "催化裂解", "数字孪生", "超临界CO2", "湿法冶金", "AI优化控制"],
        keywords: ["磷化工", "天然气", "页岩气", "氢能", "储能", "锂电池", "碳捕集", "CCUS", "余热发电", "节能减排", "清洁能源", "化工新材料"],
        applications: ["磷化工", "天然气开采", "水泥", "钢铁", "光伏", "新能源汽车", "储能电站", "化工园区", "火电", "垃圾焚烧发电"],
        pains: ["资源利用率低", "副产物堆存污染环境", "生产能耗高", "二氧化碳排放量大", "低品位余热难以利用", "关键催化剂依赖进口"],
        metrics: [
            Metric("产品纯度", "%", .atLeast, 9900, 9999, decimals: 2),
            Metric("能量转换效率", "%", .atLeast, 15, 30),
            Metric("CO2捕集率", "%", .atLeast, 85, 95),
            Metric("能量密度", "Wh/kg", .atLeast, 120, 300),
            Metric("循环寿命", "次", .atLeast, 3000, 10000),
            Metric("吨产品能耗降低", "%", .atLeast, 10, 30),
            Metric("可利用余热温度", "℃", .atMost, 70, 120),
            Metric("尾矿综合利用率", "%", .atLeast, 60, 95),
            Metric("额定功率", "kW", .atLeast, 100, 2000),
            Metric("电堆体积功率密度", "kW/L", .atLeast, 30, 50, decimals: 1),
            Metric("直流电耗", "kWh/Nm³", .atMost, 40, 48, decimals: 1),
            Metric("组件转换效率", "%", .atLeast, 220, 255, decimals: 1),
            Metric("处理后回用率", "%", .atLeast, 85, 98),
            Metric("再生能耗", "GJ/tCO2", .atMost, 20, 30, decimals: 1),
            Metric("催化剂寿命", "年", .atLeast, 3, 8),
            Metric("有价金属回收率", "%", .atLeast, 90, 99),
            Metric("日蒸发率", "%", .atMost, 5, 10, decimals: 2),
        ],
        businesses: ["化工", "能源科技", "新能源", "环保科技", "氢能科技", "石化装备"])

    private static let materials = IndustryLexicon(
        qualifiers: ["高性能", "低成本", "轻量化", "耐高温", "高纯", "新型", "国产化"],
        products: [
            Item("锂电池正极材料", metrics: [3, 7], methods: [4]),
            Item("T800级碳纤维复合材料", metrics: [0, 10], methods: [6]),
            Item("镍基高温合金", metrics: [2, 0], methods: [4, 5]),
            Item("SiC陶瓷基复合材料", metrics: [2, 5], methods: [3]),
            Item("石墨烯导热膜", metrics: [1], methods: [3]),
            Item("钒钛合金", metrics: [0, 5], methods: [1]),
            Item("PEEK特种工程塑料", metrics: [7], methods: []),
            Item("稀土永磁材料", metrics: [8], methods: [1]),
            Item("连续玄武岩纤维", metrics: [0, 7], methods: []),
            Item("电子级多晶硅", metrics: [4], methods: [3]),
            Item("聚酰亚胺薄膜", metrics: [12], methods: []),
            Item("SiO2气凝胶隔热毡", metrics: [6], methods: [2]),
            Item("3D打印钛合金粉末", metrics: [11, 4], methods: [0]),
            Item("超高分子量聚乙烯纤维", metrics: [0, 5], methods: []),
        ],
        processes: [
            Item("钒钛磁铁矿综合利用", metrics: [9], methods: []),
            Item("高温合金真空熔炼", metrics: [2, 4], methods: [4]),
            Item("碳纤维原丝制备", metrics: [0, 10], methods: []),
            Item("稀土高效分离", metrics: [4], methods: []),
            Item("金属粉末等离子雾化", metrics: [11], methods: [0]),
            Item("复合材料自动铺放", metrics: [7], methods: [4]),
            Item("陶瓷基复合材料致密化", metrics: [2, 5], methods: [3]),
            Item("大尺寸单晶生长", metrics: [13], methods: [4]),
        ],
        methods: ["等离子体", "粉末冶金", "溶胶凝胶", "化学气相沉积", "AI材料设计", "热等静压", "原位复合", "3D打印"],
        keywords: ["新材料", "复合材料", "高温合金", "钒钛", "稀土", "碳纤维", "石墨烯", "特种工程塑料", "粉末冶金", "轻量化", "耐高温", "电池材料"],
        applications: ["航空航天", "新能源汽车", "电子封装", "轨道交通", "核电", "医疗器械", "国防军工", "建筑节能", "风电叶片", "5G通信"],
        pains: ["高端牌号依赖进口", "产品批次一致性差", "制备成本高", "资源综合利用率低", "性能与国外产品差距大", "大尺寸构件制备困难"],
        metrics: [
            Metric("拉伸强度", "MPa", .atLeast, 800, 3500),
            Metric("面内导热系数", "W/(m·K)", .atLeast, 500, 1500),
            Metric("长期使用温度", "℃", .atLeast, 600, 1200),
            Metric("首次放电比容量", "mAh/g", .atLeast, 150, 220),
            Metric("材料纯度", "%", .atLeast, 99900, 99999, decimals: 3),
            Metric("密度", "g/cm³", .atMost, 15, 45, decimals: 1),
            Metric("常温热导率", "W/(m·K)", .atMost, 15, 30, decimals: 3),
            Metric("制备成本降低", "%", .atLeast, 20, 40),
            Metric("最大磁能积", "MGOe", .atLeast, 40, 55),
            Metric("TiO2回收率", "%", .atLeast, 60, 85),
            Metric("拉伸模量", "GPa", .atLeast, 280, 300),
            Metric("粉末球形度", "%", .atLeast, 90, 98),
            Metric("介电常数", "", .atMost, 28, 35, decimals: 1),
            Metric("单晶尺寸", "英寸", .atLeast, 6, 12),
        ],
        businesses: ["新材料", "材料科技", "复合材料", "钒钛科技", "合金材料", "高分子材料"])

    private static let health = IndustryLexicon(
        qualifiers: ["新型", "智能", "便携式", "高灵敏", "国产化", "精准"],
        products: [
            Item("多导睡眠脑电监测设备", metrics: [6, 15], methods: [0, 1]),
            Item("中药配方颗粒", metrics: [7, 3], methods: [7]),
            Item("医用钛合金骨科植入物", metrics: [9], methods: [5]),
            Item("新型疫苗佐剂", metrics: [12], methods: []),
            Item("便携式超声诊断仪", metrics: [0], methods: [0]),
            Item("mRNA疫苗递送系统", metrics: [12], methods: []),
            Item("CAR-T细胞治疗产品", metrics: [13], methods: [3]),
            Item("可降解心血管支架", metrics: [10], methods: [5]),
            Item("核素靶向药物", metrics: [3], methods: []),
            Item("康复外骨骼机器人", metrics: [11], methods: [0]),
            Item("骨科手术导航机器人", metrics: [4], methods: [0]),
            Item("化学发光免疫分析仪", metrics: [5, 1], methods: [4]),
            Item("川产道地药材提取物", metrics: [7, 3], methods: []),
            Item("智能输液监护系统", metrics: [14], methods: [7]),
        ],
        processes: [
            Item("中药材规范化种植", metrics: [7], methods: [7]),
            Item("医学影像AI辅助诊断", metrics: [0, 2], methods: [0, 1]),
            Item("抗体药物高效表达", metrics: [8, 3], methods: [3]),
            Item("中药经典名方二次开发", metrics: [7, 3], methods: [7, 6]),
            Item("核酸快速检测", metrics: [1, 2], methods: [2, 4]),
            Item("远程心电监护", metrics: [14, 0], methods: [0, 7]),
            Item("创新药靶点筛选", metrics: [], methods: [6, 0]),
            Item("医疗废物无害化处理", metrics: [], methods: []),
        ],
        methods: ["深度学习", "联邦学习", "PCR", "基因编辑", "微流控", "3D打印", "类器官", "大数据"],
        keywords: ["医疗器械", "中医药", "生物医药", "创新药", "体外诊断", "医学影像", "康复", "疫苗", "细胞治疗", "睡眠监测", "智慧医疗", "道地药材"],
        applications: ["三甲医院", "基层医疗机构", "养老机构", "体检中心", "疾控中心", "康复中心", "家庭健康管理", "制药企业", "中药饮片生产", "第三方检测"],
        pains: ["高端设备依赖进口", "诊断准确率受医生经验影响", "检测周期长", "生产工艺收率低", "基层缺乏便捷检测手段", "药效物质基础不清"],
        metrics: [
            Metric("诊断准确率", "%", .atLeast, 90, 98),
            Metric("检测时间", "min", .atMost, 15, 60),
            Metric("检测灵敏度", "%", .atLeast, 950, 995, decimals: 1),
            Metric("工艺收率提升", "%", .atLeast, 10, 30),
            Metric("手术定位精度", "mm", .atMost, 5, 20, decimals: 1),
            Metric("检测限", "pg/mL", .atMost, 1, 50, decimals: 1),
            Metric("睡眠分期一致性", "%", .atLeast, 85, 95),
            Metric("指标成分含量", "mg/g", .atLeast, 5, 30),
            Metric("抗体表达量", "g/L", .atLeast, 3, 10),
            Metric("弹性模量", "GPa", .atMost, 40, 80),
            Metric("完全降解周期", "月", .atMost, 24, 36),
            Metric("辅助步行速度", "km/h", .atLeast, 2, 5),
            Metric("中和抗体阳转率", "%", .atLeast, 90, 99),
            Metric("客观缓解率", "%", .atLeast, 60, 90),
            Metric("报警准确率", "%", .atLeast, 95, 99),
            Metric("脑电导联数", "导", .atLeast, 16, 64),
        ],
        businesses: ["生物医药", "医疗器械", "药业", "健康科技", "医疗科技", "制药"])

    private static let agriculture = IndustryLexicon(
        qualifiers: ["绿色", "高产", "优质", "智能", "轻简化", "新型"],
        products: [
            Item("杂交水稻新品种", metrics: [1, 0], methods: [3]),
            Item("双低油菜新品种", metrics: [7, 0], methods: [3]),
            Item("柑橘脱毒种苗", metrics: [8], methods: []),
            Item("生猪智能饲喂系统", metrics: [6, 12], methods: [0, 4]),
            Item("茶园智能管理系统", metrics: [2, 9], methods: [0, 1]),
            Item("丘陵山地小型农机", metrics: [3], methods: [5]),
            Item("植保无人机", metrics: [3, 2], methods: [5, 4]),
            Item("生物有机肥", metrics: [10, 2], methods: [6]),
            Item("川藏黑猪良种", metrics: [12, 6], methods: [3]),
            Item("智能温室", metrics: [0], methods: [0, 4]),
            Item("食用菌工厂化生产线", metrics: [11], methods: [0]),
            Item("农产品冷链保鲜设备", metrics: [4], methods: [0]),
            Item("魔芋高产品种", metrics: [13, 0], methods: [3]),
        ],
        processes: [
            Item("丘陵山区宜机化改造", metrics: [3], methods: [5]),
            Item("稻渔综合种养", metrics: [0, 2], methods: []),
            Item("秸秆资源化利用", metrics: [15], methods: [6]),
            Item("畜禽粪污资源化利用", metrics: [14], methods: [6]),
            Item("耕地土壤重金属修复", metrics: [5], methods: [1]),
            Item("柑橘黄龙病绿色防控", metrics: [9], methods: [1, 4]),
            Item("高标准农田数字化管理", metrics: [0, 2], methods: [0, 1, 7]),
            Item("茶叶病虫害绿色防控", metrics: [9, 2], methods: [4]),
        ],
        methods: ["物联网", "遥感", "基因编辑", "分子标记辅助育种", "AI", "北斗导航", "微生物发酵", "大数据"],
        keywords: ["乡村振兴", "种业", "智慧农业", "农机", "生猪", "柑橘", "茶叶", "绿色防控", "土壤修复", "有机肥", "数字农业", "丘陵山区"],
        applications: ["丘陵山区", "家庭农场", "农业合作社", "规模化养殖场", "现代农业园区", "茶园", "果园", "粮油基地", "乡村产业", "设施农业"],
        pains: ["丘陵山区机械化水平低", "化肥农药用量大", "良种依赖外购", "养殖粪污处理难", "农产品产后损耗高", "农村劳动力短缺"],
        metrics: [
            Metric("亩产提高", "%", .atLeast, 8, 20),
            Metric("亩产", "kg", .atLeast, 550, 750),
            Metric("化肥减量", "%", .atLeast, 15, 30),
            Metric("作业效率", "亩/小时", .atLeast, 5, 40),
            Metric("产后损耗率", "%", .atMost, 3, 8),
            Metric("土壤镉含量降低", "%", .atLeast, 30, 60),
            Metric("料肉比", "", .atMost, 23, 28, decimals: 1),
            Metric("含油量", "%", .atLeast, 45, 50),
            Metric("种苗脱毒率", "%", .atLeast, 95, 100),
            Metric("防治效果", "%", .atLeast, 80, 95),
            Metric("有机质含量", "%", .atLeast, 30, 45),
            Metric("生产周期", "天", .atMost, 40, 70),
            Metric("日增重", "g", .atLeast, 600, 900),
            Metric("葡甘聚糖含量", "%", .atLeast, 50, 70),
            Metric("粪污综合利用率", "%", .atLeast, 85, 95),
            Metric("秸秆综合利用率", "%", .atLeast, 85, 95),
        ],
        businesses: ["农业科技", "种业", "生态农业", "牧业", "农业机械", "农业发展"])
}
