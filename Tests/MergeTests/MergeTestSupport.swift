import Catalog
import JSON
import Merge
import TestSupport

/// Records and log entries for the merge tests.
enum Fixture {
    static let today = "2026-11-26"

    /// A supply record in stored form, with defaults for every field the tests do not care about.
    static func project(
        _ id: String, title: String = "光电编码器", organization: String = "电子科技大学", stage: Stage = .publication,
        keywords: [String] = [], sessions: [String] = [], validThrough: String = "2030-12-31", sameAs: [String] = [],
        summary: String = "一项可转化的科技成果。", version: Int = 1, createdAt: String = "2026-01-01T00:00:00Z",
        extra: [String: JSONValue] = [:]
    ) -> Project {
        let recordID = RecordID(id)!
        return Project(
            id: recordID, kind: .achievement, title: title, summary: summary, industry: .electronics,
            keywords: keywords,
            organization: Organization(name: organization, type: .university, region: Region(code: "sichuan")!),
            stage: stage, sessions: sessions, validThrough: validThrough, sameAs: sameAs.map { RecordID($0)! },
            details: .supply(Supply(trl: 6, cooperation: [.transfer])), version: version, createdAt: createdAt,
            updatedAt: createdAt, extra: extra)
    }

    /// The body line of a `put`: the record's stored form in canonical JSON.
    static func body(_ project: Project) -> [UInt8] {
        try! JCS.canonicalize(project.jsonValue(nodeFields: true))
    }

    /// A `put` entry carrying `project`.
    static func put(_ seq: Int, _ project: Project) -> FoldInput {
        FoldInput(seq: seq, op: .put, id: project.id.description, version: project.version, body: body(project))
    }

    /// `count` generated records of `region`, with node fields set from `random`.
    ///
    /// Creation times come from a small set so that stewards are sometimes decided by the id.
    static func generated(_ region: String, count: Int, seed: UInt64, _ random: inout SeededRandom) -> [Project] {
        var generator = CatalogGenerator(region: Region(code: region)!, count: count, seed: seed, today: today)
        var projects: [Project] = []
        while var project = generator.next() {
            project.version = 1 + random.below(3)
            project.createdAt = timestamp(random.below(6))
            project.updatedAt = project.createdAt
            projects.append(project)
        }
        return projects
    }

    /// One of a few creation times, by index.
    static func timestamp(_ index: Int) -> String { "2026-0\(1 + index % 9)-15T08:00:00Z" }

    /// A copy of `project` published by `origin` as `local`, changed as another association would
    /// list it: Traditional characters, full-width letters and other punctuation in the title and
    /// the organisation (same duplicate key), and possibly another stage, summary and keywords.
    static func copy(
        _ project: Project, to origin: String, local: String, _ random: inout SeededRandom
    ) -> Project {
        var copy = project
        copy.id = RecordID(origin: origin, local: local)!
        copy.title = "「" + traditional(fullWidth(project.title)) + "」 "
        copy.organization.name = traditional(project.organization.name) + "·"
        if random.chance(50) { copy.stage = random.pick(Stage.allCases) }
        if random.chance(50) { copy.summary = project.summary + "（转载）" }
        if random.chance(50) { copy.keywords = [random.pick(["新材料", "ORC", "智能制造"])] + project.keywords.reversed() }
        if random.chance(30) { copy.sessions.append("tianfu-2024/overseas") }
        if random.chance(30) { copy.validThrough = "2031-06-30" }
        copy.sameAs = []
        copy.version = 1 + random.below(4)
        copy.createdAt = timestamp(random.below(6))
        copy.updatedAt = copy.createdAt
        return copy
    }

    /// Simplified → Traditional for characters common in generated titles and organisations; the
    /// merge's fold maps each back.
    static let traditionalOf: [Character: Character] = [
        "进": "進", "术": "術", "电": "電", "设": "設", "备": "備", "数": "數", "据": "據", "检": "檢",
        "测": "測", "车": "車", "机": "機", "学": "學", "业": "業", "产": "產", "发": "發", "实": "實",
        "现": "現", "应": "應", "用": "用", "开": "開", "统": "統", "系": "係", "门": "門", "药": "藥",
        "医": "醫", "疗": "療", "农": "農", "能": "能", "热": "熱", "气": "氣", "处": "處", "理": "理",
        "转": "轉", "换": "換", "网": "網", "络": "絡", "计": "計", "算": "算", "智": "智", "软": "軟",
        "件": "件", "动": "動", "力": "力", "环": "環", "节": "節", "源": "源", "层": "層", "纳": "納",
        "铁": "鐵", "钢": "鋼", "织": "織", "纺": "紡", "丝": "絲", "种": "種", "质": "質", "体": "體",
        "导": "導", "线": "線", "监": "監", "传": "傳", "感": "感", "器": "器",
    ]

    static func traditional(_ text: String) -> String { String(text.map { traditionalOf[$0] ?? $0 }) }

    /// ASCII letters and digits as their full-width forms (Ａ, ０).
    static func fullWidth(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let isAlphanumeric =
                (0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value)
            scalars.append(isAlphanumeric ? Unicode.Scalar(value + 0xFEE0)! : scalar)
        }
        return String(scalars)
    }

    /// The canonical lines of a set of entries, as one comparable value.
    static func lines(_ entries: some Sequence<UnifiedEntry>) -> [[UInt8]] { Merge.canonicalLines(Array(entries)) }
}
