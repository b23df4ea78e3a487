/// A region of the federation: a provincial-level division of China, or `overseas`.
///
/// Codes are lowercase pinyin (`sichuan`, `beijing`, `chongqing`), stable in JSON; `label` is the
/// Simplified Chinese name shown to users. Import also accepts the Chinese name (四川, 四川省).
public struct Region: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The stable code, e.g. `sichuan`.
    public let code: String
    /// The Simplified Chinese name, e.g. 四川.
    public let label: String

    public var description: String { code }

    public static func < (lhs: Region, rhs: Region) -> Bool { lhs.code < rhs.code }

    /// Every known region, in the order of the national administrative code.
    public static let all: [Region] = [
        ("beijing", "北京"), ("tianjin", "天津"), ("hebei", "河北"), ("shanxi", "山西"),
        ("inner_mongolia", "内蒙古"), ("liaoning", "辽宁"), ("jilin", "吉林"), ("heilongjiang", "黑龙江"),
        ("shanghai", "上海"), ("jiangsu", "江苏"), ("zhejiang", "浙江"), ("anhui", "安徽"), ("fujian", "福建"),
        ("jiangxi", "江西"), ("shandong", "山东"), ("henan", "河南"), ("hubei", "湖北"), ("hunan", "湖南"),
        ("guangdong", "广东"), ("guangxi", "广西"), ("hainan", "海南"), ("chongqing", "重庆"), ("sichuan", "四川"),
        ("guizhou", "贵州"), ("yunnan", "云南"), ("tibet", "西藏"), ("shaanxi", "陕西"), ("gansu", "甘肃"),
        ("qinghai", "青海"), ("ningxia", "宁夏"), ("xinjiang", "新疆"), ("hongkong", "香港"), ("macau", "澳门"),
        ("taiwan", "台湾"), ("overseas", "海外"),
    ].map { Region(code: $0.0, label: $0.1) }

    private static let byCode: [String: Region] = Dictionary(uniqueKeysWithValues: all.map { ($0.code, $0) })

    private init(code: String, label: String) {
        self.code = code
        self.label = label
    }

    /// The region with this exact code, or nil.
    public init?(code: String) {
        guard let region = Self.byCode[code] else { return nil }
        self = region
    }

    /// Parses a code or a Chinese name, with or without 省/市/自治区, in either script.
    public init?(lenient text: String) {
        if let region = Self.byCode[text] {
            self = region
            return
        }
        var key = TextNormalizer.fold(text).filter { !$0.isWhitespace }
        if let region = Self.byCode[key] {
            self = region
            return
        }
        for suffix in ["特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"] where key.hasSuffix(suffix) {
            key.removeLast(suffix.count)
            break
        }
        guard let region = Self.all.first(where: { $0.label == key }) else { return nil }
        self = region
    }
}
