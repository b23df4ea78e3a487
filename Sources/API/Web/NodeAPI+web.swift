import Catalog
import Foundation
import HTTPServer
import JSON
import Merge
import Query
import Store

/// The pages of the web page (README, "The web page"), one per `WebPage`.
enum WebPage: Sendable, Equatable {
    case search, project(id: String), matches, roadshows, roadshow(id: String), deals, status, importForm
    case stylesheet, script

    /// The page at a decoded path, or nil.
    init?(path: String) {
        switch path {
        case "/": self = .search
        case "/matches": self = .matches
        case "/roadshows": self = .roadshows
        case "/deals": self = .deals
        case "/status": self = .status
        case "/import": self = .importForm
        case "/static/kechuang.css": self = .stylesheet
        case "/static/kechuang.js": self = .script
        default:
            if let id = Route.identifier(path, after: "/p/") {
                self = .project(id: id)
            } else if let id = Route.identifier(path, after: "/roadshows/"), !id.hasSuffix(".html") {
                // `/roadshows/{id}.html` is the API's printable agenda, not this page.
                self = .roadshow(id: id)
            } else {
                return nil
            }
        }
    }

    var label: String {
        switch self {
        case .search: "web_search"
        case .project: "web_project"
        case .matches: "web_matches"
        case .roadshows: "web_roadshows"
        case .roadshow: "web_roadshow"
        case .deals: "web_deals"
        case .status: "web_status"
        case .importForm: "web_import"
        case .stylesheet, .script: "web_static"
        }
    }
}

extension NodeAPI {
    /// Answers a page; an error becomes an HTML page with its status (400, 404, 503 with
    /// Retry-After) whose message is escaped, and anything unexpected a 500 that shows no internals.
    func web(_ page: WebPage, _ request: HTTPRequest) -> HTTPResponse {
        switch page {
        case .stylesheet: return HTML.response(WebAssets.css, type: "text/css; charset=utf-8")
        case .script: return HTML.response(WebAssets.js, type: "text/javascript; charset=utf-8")
        default: break
        }
        do {
            return HTML.response(try webPage(page, request, node: configuration.store.node))
        } catch {
            return webError(error)
        }
    }

    /// An error as a page, with the status the JSON routes give (a store's "invalid cursor" is a
    /// 400 here too).
    func webError(_ error: any Error) -> HTTPResponse {
        let node = configuration.store.node
        let (status, message, _) = Self.classify(error)
        guard status != 500 else {
            return HTML.response(HTML.page(title: "内部错误", node: node, active: "", body: "<p class=\"warn\">节点内部错误（internal error）。</p>"), status: 500)
        }
        let title = switch status {
        case 404: "未找到"
        case 503: "计算中，请稍后再试"
        case 409: "节点暂停写入"
        case 429: "请求过多，请稍后再试"
        default: "请求有误"
        }
        var extra: [(String, String)] = []
        if status == 503 { extra.append(("Retry-After", "30")) }
        if status == 429 { extra.append(("Retry-After", "1")) }
        let said = status == 503 ? "<p>结果正在后台计算，请约 30 秒后刷新本页。</p>" : status == 429 ? "<p>本机同时进行的查询过多，请稍后刷新本页。</p>" : ""
        let body = said + "<p class=\"warn\">\(HTML.escape(Excerpt.of(message)))</p><p><a href=\"/\">返回搜索</a></p>"
        return HTML.response(HTML.page(title: title, node: node, active: "", body: body), status: status, extra: extra)
    }

    private func webPage(_ page: WebPage, _ request: HTTPRequest, node: NodeInfo) throws -> String {
        switch page {
        case .search: return try searchPage(request, node: node)
        case .project(let id): return try projectPage(id, request, node: node)
        case .matches: return try matchesPage(request, node: node)
        case .roadshows: return try roadshowsPage(request, node: node)
        case .roadshow(let id): return try roadshowPage(id, request, node: node)
        case .deals: return try dealsPage(request, node: node)
        case .status: return try statusPage(request, node: node)
        case .importForm: return try importPage(request, node: node)
        case .stylesheet, .script: return ""
        }
    }

    /// 400 for a parameter the page does not take.
    private func only(_ request: HTTPRequest, _ names: Set<String>) throws {
        if let unknown = request.query.keys.sorted().first(where: { !names.contains($0) }) {
            throw APIError.badRequest("unknown parameter \(unknown)")
        }
    }

    // MARK: Search

    private func searchPage(_ request: HTTPRequest, node: NodeInfo) throws -> String {
        let facets = ["kind", "industry", "region", "stage", "origin"]
        try only(request, Set(["q", "trl_min", "trl_max", "cursor"] + facets))
        let query = request.query
        var base = SearchRequest(today: DateText.date(Date()))
        base.limit = 20
        base.unified = true
        base.cursor = query["cursor"].flatMap { $0.isEmpty ? nil : $0 }
        let text = query["q"] ?? ""
        guard text.utf8.count <= 500 else { throw APIError.badRequest("q is over 500 bytes") }
        var search = try QueryParser.parse(text, into: base, parameter: "q")
        for field in facets {
            if let value = query[field], !value.isEmpty { try QueryParser.apply(field: field, value: value, to: &search) }
        }
        let trlMin = try trl(query["trl_min"], "trl_min"), trlMax = try trl(query["trl_max"], "trl_max")
        if trlMin != nil || trlMax != nil {
            try QueryParser.apply(field: "trl", value: "\(trlMin ?? 1)-\(trlMax ?? 9)", to: &search)
        }
        let results = try pool.with { try $0.catalog.search(search) }
        // The form, each facet with its counts in the answer.
        func options(_ field: String, _ all: [(String, String)]) -> [(String, String)] {
            // Estimated counts (a large answer's facets come from a sample) are not shown: a
            // wrong number is worse than none.
            let counts = results.facetsApproximate ? [:] : results.facets[field] ?? [:]
            return all.map { value, label in (value, counts[value].map { "\(label)（\($0)）" } ?? label) }
        }
        let origins = (results.facets["origin"] ?? [:]).keys.sorted().map { ($0, $0) }
        var body = """
            <form class="search" method="get" action="/">
            <label class="q">关键词（简体或繁体） <input name="q" value="\(HTML.escape(text))" placeholder="例如 毫米波、碳捕集、kind:challenge"></label>
            \(HTML.select("kind", label: "类型", options: options("kind", ProjectKind.allCases.map { ($0.rawValue, $0.label) }), selected: query["kind"]))
            \(HTML.select("industry", label: "行业", options: options("industry", Industry.allCases.map { ($0.rawValue, $0.label) }), selected: query["industry"]))
            \(HTML.select("region", label: "地区", options: options("region", (results.facets["region"] ?? [:]).keys.sorted().map { ($0, HTML.region($0)) }), selected: query["region"]))
            \(HTML.select("stage", label: "阶段", options: options("stage", Stage.allCases.map { ($0.rawValue, $0.label) }), selected: query["stage"]))
            \(HTML.select("origin", label: "来源节点", options: options("origin", origins), selected: query["origin"]))
            \(HTML.select("trl_min", label: "TRL 最低", options: (1...9).map { (String($0), String($0)) }, selected: query["trl_min"]))
            \(HTML.select("trl_max", label: "TRL 最高", options: (1...9).map { (String($0), String($0)) }, selected: query["trl_max"]))
            <button type="submit">搜索</button>
            </form>
            <p class="muted">共 \(results.total)\(results.totalApproximate ? "（约）" : "") 个项目（同一项目的多个来源合为一条）。</p>
            <ol class="results">

            """
        for hit in results.hits {
            let project = hit.project
            var facts = [project.kind.label, project.industry.label, HTML.region(project.organization.region.code), project.stage.label]
            if let trl = project.trl { facts.append("TRL \(trl)") }
            let sources = hit.members.isEmpty ? project.origin : Set(hit.members.map { $0.prefix { $0 != ":" } }).sorted().joined(separator: "、")
            body += """
                <li class="result">\(HTML.projectLink(project.id.description, project.title))
                <div class="facts">\(facts.map(HTML.escape).joined(separator: " · ")) · 来源 \(HTML.escape(sources)) · \(HTML.escape(project.organization.name))</div>
                <div>\(HTML.escape(String(project.summary.prefix(140))))</div></li>

                """
        }
        body += "</ol>\n"
        if results.hits.isEmpty { body += "<p>没有找到匹配的项目。</p>\n" }
        if let next = results.nextCursor {
            var pairs: [(String, String?)] = [("q", text)] + facets.map { ($0, query[$0]) }
            pairs += [("trl_min", query["trl_min"]), ("trl_max", query["trl_max"]), ("cursor", next)]
            body += "<p class=\"pager\"><a rel=\"next\" href=\"/\(HTML.escape(HTML.query(pairs)))\">下一页</a></p>\n"
        }
        return HTML.page(title: "搜索科创项目", node: node, active: "/", body: body)
    }

    /// A reason without its closing 。, to be joined with ；.
    static func sentence(_ text: String) -> String { text.hasSuffix("。") ? String(text.dropLast()) : text }

    private func trl(_ text: String?, _ name: String) throws -> Int? {
        guard let text, !text.isEmpty else { return nil }
        guard let value = Int(text), (1...9).contains(value) else { throw APIError.badRequest("\(name) must be 1–9") }
        return value
    }

    // MARK: Project

    private func projectPage(_ text: String, _ request: HTTPRequest, node: NodeInfo) throws -> String {
        try only(request, [])
        let today = DateText.date(Date())
        let rootKey = configuration.rootKey
        let (read, members, matches, deals, slots, matchNote) = try pool.with { readers in
            let reader = readers.catalog
            guard let id = RecordID(text.contains(":") ? text : "\(reader.node.id):\(text)") else { throw APIError.badRequest("\(text) is not a project id") }
            guard let read = try reader.cluster(of: id) else { throw APIError.notFound("no project \(id) in the unified catalog") }
            let members = try Provenance.check(read.json, reader: reader, ownRootKey: rootKey, now: Date())
            var matches: [MatchResult] = []
            var note: String?
            do {
                matches = try configuration.match.match(id, request: MatchRequest(limit: 5, today: today), reader: reader).results
            } catch let error as APIError {
                note = error.message  // a kind that matches nothing: said on the page
            }
            let memberIDs = Set(members.map(\.id))
            let deals = try reader.unifiedDeals().filter { deal in
                deal.members.contains { Set([$0.demand, $0.supply] + $0.finance).contains { memberIDs.contains($0.description) } }
            }
            var slots: [(Roadshow, Roadshow.Session, Roadshow.Slot)] = []
            for roadshow in try reader.roadshows() {
                for session in roadshow.sessions {
                    for slot in session.slots where memberIDs.contains(slot.project.description) { slots.append((roadshow, session, slot)) }
                }
            }
            return (read, members, matches, deals, slots, note)
        }
        let record = read.json["record"] ?? .null
        var body = Self.recordList(record, cluster: read.json["cluster"]?.stringValue ?? text)
        body += "<section id=\"members\"><h2>来源与签名（\(members.count) 个来源记录）</h2><div class=\"table\"><table>\n"
        body += "<thead><tr><th>记录</th><th>来源节点</th><th>版本</th><th>阶段</th><th>签名验证</th></tr></thead><tbody>\n"
        for member in members {
            let origin = member.origin == node.id ? node.name : HTML.region(member.origin) == member.origin ? member.origin : "\(HTML.region(member.origin))（\(member.origin)）"
            let verdict = member.verified
                ? "<span class=\"ok\">由 \(HTML.escape(origin)) 签名发布，检查点 \(member.checkpointSize)，已验证</span>"
                : "<span class=\"warn\">未验证</span>：\(HTML.escape(member.why ?? ""))"
            body += "<tr><td class=\"code\">\(HTML.escape(member.id))</td><td>\(HTML.escape(member.origin))</td><td>\(member.version)</td><td>\(HTML.escape(member.stage))</td><td>\(verdict)</td></tr>\n"
        }
        body += "</tbody></table></div></section>\n"

        let conflicts = read.json["conflicts"]?.arrayValue ?? []
        body += "<section id=\"conflicts\"><h2>来源间的差异</h2>\n"
        if conflicts.isEmpty {
            body += "<p class=\"muted\">各来源一致。</p>\n"
        } else {
            body += "<div class=\"table\"><table><thead><tr><th>字段</th><th>各来源的值</th></tr></thead><tbody>\n"
            for conflict in conflicts {
                let values = (conflict["values"]?.arrayValue ?? []).map { value -> String in
                    let shown = value["value"].map { $0.stringValue ?? JSONWriter.string($0, pretty: false) } ?? ""
                    return "<div><span class=\"code\">\(HTML.escape(value["id"]?.stringValue ?? ""))</span>：\(HTML.escape(shown))</div>"
                }.joined()
                body += "<tr><td>\(HTML.escape(conflict["field"]?.stringValue ?? ""))</td><td>\(values)</td></tr>\n"
            }
            body += "</tbody></table></div>\n"
        }
        body += "</section>\n"

        body += "<section id=\"matches\"><h2>匹配（附理由）</h2>\n"
        if let matchNote { body += "<p class=\"muted\">\(HTML.escape(matchNote))</p>\n" }
        if matches.isEmpty && matchNote == nil { body += "<p class=\"muted\">暂无匹配。</p>\n" }
        body += "<ul class=\"plain\">\n"
        for match in matches {
            let candidate = match.candidate.project
            let reasons = match.reasons.sorted { $0.weight > $1.weight }.prefix(3).map(\.text).map(Self.sentence).joined(separator: "；")
            body += """
                <li class="match">\(HTML.projectLink(candidate.id.description, candidate.title))
                <div class="facts">\(HTML.escape(candidate.kind.label)) · \(HTML.escape(match.candidate.regions.map(HTML.region).joined(separator: "、"))) · 匹配度 \(String(format: "%.3f", match.score))</div>
                <div>\(HTML.escape(reasons))</div></li>

                """
        }
        body += "</ul></section>\n"

        body += "<section id=\"deals\"><h2>成果转化（交易）</h2>\n"
        if deals.isEmpty { body += "<p class=\"muted\">暂无交易。</p>\n" }
        body += "<ul class=\"plain\">\n"
        for deal in deals {
            body += "<li class=\"deal\"><span class=\"code\">\(HTML.escape(deal.id))</span> · \(HTML.escape(deal.stage.label)) · \(HTML.escape(deal.status.label)) · \(deal.members.count) 个来源记录</li>\n"
        }
        body += "</ul></section>\n"

        body += "<section id=\"roadshows\"><h2>路演安排</h2>\n"
        if slots.isEmpty { body += "<p class=\"muted\">尚未安排路演。</p>\n" }
        body += "<ul class=\"plain\">\n"
        for (roadshow, session, slot) in slots {
            body += "<li class=\"roadshow\"><a href=\"/roadshows/\(HTML.escape(HTML.component(roadshow.id.description)))\">\(HTML.escape(roadshow.title))</a> · \(HTML.escape(session.name)) · \(HTML.escape(HTML.beijing(slot.time)))（北京时间）\(roadshow.status == .withdrawn ? " · 已撤回" : "")</li>\n"
        }
        body += "</ul></section>\n"
        return HTML.page(title: record["title"]?.stringValue ?? text, node: node, active: "", body: body)
    }

    /// The unified record as a definition list (contacts masked as the public API masks them).
    static func recordList(_ record: JSONValue, cluster: String) -> String {
        var rows: [(String, String?)] = []
        do {
            let project = try ProjectDecoder(mode: .stored).decode(record)
            rows = projectRows(project)
        } catch {
            // A record this version cannot read: its summary as it is, nothing personal.
            rows = [("简介", HTML.escape(record["summary"]?.stringValue ?? "")), ("说明", HTML.escape("本版本无法完整读取该记录：\(error)"))]
        }
        rows.append(("项目编号", "<span class=\"code\">\(HTML.escape(cluster))</span>"))
        let items = rows.compactMap { label, value in value.flatMap { $0.isEmpty ? nil : "<dt>\(label)</dt><dd>\($0)</dd>\n" } }
        return "<dl class=\"record\">\n" + items.joined() + "</dl>\n"
    }

    /// The rows of a project's record, each value escaped.
    static func projectRows(_ project: Project) -> [(String, String?)] {
        let trl: String? = project.trl.map { String($0) }
        let contact = project.contact?.masked()
        let agent = project.serviceAgent
        let contactText = contact.map { ([$0.name] + [$0.phone, $0.email].compactMap { $0 }).map(HTML.escape).joined(separator: " · ") }
        let agentText = agent.map { ([$0.name] + [$0.organization, $0.phone.map(Contact.maskPhone)].compactMap { $0 }).map(HTML.escape).joined(separator: " · ") }
        return [
            ("类型", HTML.escape(project.kind.label)), ("行业", HTML.escape(project.industry.label)),
            ("单位", HTML.escape(project.organization.name) + "（\(HTML.escape(HTML.region(project.organization.region.code)))）"),
            ("阶段", HTML.escape(project.stage.label)), ("TRL", trl), ("有效期至", HTML.escape(project.validThrough)),
            ("关键词", HTML.escape(project.keywords.joined(separator: "、"))), ("简介", HTML.escape(project.summary)),
            ("详细说明", project.description.map(HTML.escape)), ("联系人", contactText), ("科服保姆", agentText),
            ("路演场次", HTML.escape(project.sessions.joined(separator: "、"))),
        ] + detailRows(project.details)
    }

    /// The rows of a kind's own fields, each value escaped.
    static func detailRows(_ details: Details) -> [(String, String?)] {
        switch details {
        case .supply(let supply): supplyRows(supply)
        case .challenge(let challenge): challengeRows(challenge)
        case .finance(let finance): financeRows(finance)
        }
    }

    static func supplyRows(_ supply: Supply) -> [(String, String?)] {
        let price = supply.price.map { price in
            [price.mode.label, price.amount, price.min.map { "≥ \($0)" }, price.max.map { "≤ \($0)" }, price.currency].compactMap { $0 }.joined(separator: " ")
        }
        return [
            ("合作方式", HTML.escape(supply.cooperation.map(\.label).joined(separator: "、"))),
            ("知识产权", HTML.escape(supply.ip.map { "\($0.type.label) \($0.number)（\($0.status.label)）" }.joined(separator: "；"))),
            ("价格", price.map(HTML.escape)),
        ]
    }

    static func challengeRows(_ challenge: Challenge) -> [(String, String?)] {
        [
            ("技术难题", HTML.escape(challenge.problem)),
            ("指标", HTML.escape(challenge.targets.map { "\($0.metric) \($0.comparator.rawValue) \($0.value)\($0.unit.map { " \($0)" } ?? "")" }.joined(separator: "；"))),
            ("预算", challenge.budget.map { HTML.escape(amount($0)) }),
            ("截止日期", challenge.deadline.map(HTML.escape)),
            ("期望合作方式", HTML.escape(challenge.wantedModes.map(\.label).joined(separator: "、"))),
        ]
    }

    static func financeRows(_ finance: Finance) -> [(String, String?)] {
        [
            ("产品类型", HTML.escape(finance.productType.label)), ("提供方", HTML.escape(finance.provider)),
            ("额度", finance.amount.map { HTML.escape(amount($0)) }),
            ("期限", finance.term.map { HTML.escape("\($0.minMonths.map { "\($0)" } ?? "")–\($0.maxMonths.map { "\($0)" } ?? "") 个月") }),
            ("适用行业", HTML.escape(finance.eligibleIndustries.map(\.label).joined(separator: "、"))),
            ("适用阶段", HTML.escape(finance.eligibleStages.map(\.label).joined(separator: "、"))),
            ("适用地区", HTML.escape(finance.eligibleRegions.map(\.label).joined(separator: "、"))),
        ]
    }

    static func amount(_ range: AmountRange) -> String {
        "\(range.min ?? "")–\(range.max ?? "") \(range.currency)"
    }

    // MARK: Matches

    private func matchesPage(_ request: HTTPRequest, node: NodeInfo) throws -> String {
        try only(request, ["industry", "region"])
        var industry: Industry?
        if let text = request.query["industry"], !text.isEmpty {
            guard let parsed = Industry(lenient: text) else { throw APIError.badRequest("industry \(text) is not an industry") }
            industry = parsed
        }
        var region: Region?
        if let text = request.query["region"], !text.isEmpty {
            guard let parsed = Region(lenient: text) else { throw APIError.badRequest("region \(text) is not a known region") }
            region = parsed
        }
        let pairs = try allPairs(today: DateText.date(Date()))
        let answer = try MatchService.allAnswer(pairs, crossRegion: true, industry: industry, region: region, limit: 50)
        let regions = Set(pairs.flatMap(\.regions)).sorted()
        var body = """
            <form class="search" method="get" action="/matches">
            \(HTML.select("industry", label: "行业", options: Industry.allCases.map { ($0.rawValue, $0.label) }, selected: industry?.rawValue))
            \(HTML.select("region", label: "地区", options: regions.map { ($0, HTML.region($0)) }, selected: region?.code))
            <button type="submit">筛选</button>
            </form>
            <p class="muted">全联盟最强的跨区域供需配对（难题 ↔ 成果或技术），最多 50 对。</p>
            <ul class="plain">

            """
        for pair in answer["pairs"]?.arrayValue ?? [] {
            func side(_ value: JSONValue?) -> String {
                guard let value else { return "" }
                let region = HTML.region(value["region"]?.stringValue ?? "")
                return HTML.projectLink(value["id"]?.stringValue ?? "", value["title"]?.stringValue ?? "") + "（\(HTML.escape(region))）"
            }
            let reasons = (pair["reasons"]?.arrayValue ?? []).sorted { ($0["weight"]?.doubleValue ?? 0) > ($1["weight"]?.doubleValue ?? 0) }
                .prefix(3).compactMap { $0["text"]?.stringValue }.map(Self.sentence).joined(separator: "；")
            body += """
                <li class="pair"><div>\(side(pair["a"])) ↔ \(side(pair["b"]))</div>
                <div class="facts">匹配度 \(String(format: "%.3f", pair["score"]?.doubleValue ?? 0))</div><div>\(HTML.escape(reasons))</div></li>

                """
        }
        body += "</ul>\n"
        if (answer["pairs"]?.arrayValue ?? []).isEmpty { body += "<p>没有符合条件的跨区域配对。</p>\n" }
        return HTML.page(title: "跨区域匹配", node: node, active: "/matches", body: body)
    }

    // MARK: Roadshows

    private func roadshowsPage(_ request: HTTPRequest, node: NodeInfo) throws -> String {
        try only(request, [])
        let roadshows = try pool.with { try $0.catalog.roadshows() }
        var body = "<ul class=\"plain\">\n"
        for roadshow in roadshows {
            body += """
                <li class="roadshow"><a href="/roadshows/\(HTML.escape(HTML.component(roadshow.id.description)))">\(HTML.escape(roadshow.title))</a>
                <div class="facts">\(HTML.escape(roadshow.status.label)) · 发布方 \(HTML.escape(roadshow.id.origin)) · \(roadshow.sessions.count) 个专场 · \(roadshow.projects.count) 个项目 · 第 \(roadshow.version) 版</div></li>

                """
        }
        body += "</ul>\n"
        if roadshows.isEmpty { body += "<p>尚无路演。组织方用 <code>kechuang roadshow plan</code> 和 <code>roadshow publish</code> 发布。</p>\n" }
        return HTML.page(title: "路演", node: node, active: "/roadshows", body: body)
    }

    private func roadshowPage(_ id: String, _ request: HTTPRequest, node: NodeInfo) throws -> String {
        try only(request, [])
        let view = try pool.with { readers in
            try RoadshowService.view(try RoadshowService.roadshow(id, reader: readers.catalog), reader: readers.catalog)
        }
        let roadshow = view.roadshow
        var body = "<p class=\"muted\">活动 \(HTML.escape(roadshow.event)) · \(HTML.escape(roadshow.status.label)) · 发布方 \(HTML.escape(roadshow.id.origin)) · 第 \(roadshow.version) 版 · <a href=\"/v1/roadshows/\(HTML.escape(HTML.component(roadshow.id.description))).html\">打印版</a></p>\n"
        if roadshow.status == .withdrawn { body += "<p class=\"warn\">已撤回：本路演已由发布方撤回。</p>\n" }
        for (index, session) in roadshow.sessions.enumerated() {
            let industries = session.industries.isEmpty ? "不限行业" : session.industries.map(\.label).joined(separator: "、")
            body += """
                <section><h2>\(HTML.escape(session.name))</h2>
                <p class="facts">\(HTML.escape(HTML.beijing(session.start)))（北京时间） · \(HTML.escape(session.place)) · \(HTML.escape(industries))</p>
                <div class="table"><table><thead><tr><th>时间</th><th>项目</th><th>地区 · 单位</th><th>科服保姆</th><th>点评专家</th><th>推荐理由</th></tr></thead><tbody>

                """
            for entry in view.sessions[index] {
                let time = Roadshow.beijing(entry.slot.time)?.time ?? entry.slot.time
                var cells: [String]
                if let project = entry.project?.project {
                    let agent = project.serviceAgent.map { agent in
                        ([agent.name] + [agent.organization, agent.phone.map(Contact.maskPhone)].compactMap { $0 }).map(HTML.escape).joined(separator: "<br>")
                    } ?? ""
                    cells = [
                        HTML.projectLink(entry.slot.project.description, project.title),
                        HTML.escape(HTML.region(project.organization.region.code)) + " · " + HTML.escape(project.organization.name), agent,
                    ]
                } else {
                    cells = ["<span class=\"warn\">未知项目（本节点未持有）</span> <span class=\"code\">\(HTML.escape(entry.slot.project.description))</span>", "", ""]
                }
                cells = [HTML.escape(time)] + cells + [HTML.escape(entry.slot.expert ?? ""), HTML.escape(entry.slot.why ?? "")]
                body += "<tr>" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
            }
            body += "</tbody></table></div></section>\n"
        }
        return HTML.page(title: roadshow.title, node: node, active: "/roadshows", body: body)
    }

    // MARK: Deals and the funnel

    private func dealsPage(_ request: HTTPRequest, node: NodeInfo) throws -> String {
        try only(request, ["region"])
        var region: String?
        if let text = request.query["region"], !text.isEmpty {
            guard let parsed = Region(lenient: text) else { throw APIError.badRequest("region \(text) is not a known region") }
            region = parsed.code
        }
        let (deals, funnel, titles) = try pool.with { readers -> ([DealMerge.Unified], Funnel, [String: String]) in
            let deals = try readers.catalog.unifiedDeals()
            var titles: [String: String] = [:]
            for id in Set(deals.flatMap { [$0.steward.demand, $0.steward.supply] }) {
                titles[id.description] = try readers.catalog.clusterProject(of: id)?.project.title
            }
            return (deals, try readers.catalog.funnel(), titles)
        }
        let counts = region.map { funnel.regions[$0] ?? funnel.total.emptied } ?? funnel.total
        let regions = funnel.regions.keys.sorted()
        var body = """
            <form class="search" method="get" action="/deals">
            \(HTML.select("region", label: "地区", options: regions.map { ($0, HTML.region($0)) }, selected: region))
            <button type="submit">查看</button>
            </form>
            <section id="funnel"><h2>转化漏斗（\(HTML.escape(region.map(HTML.region) ?? "全联盟"))）</h2>
            \(FunnelSVG.render(counts, title: "转化漏斗：\(region.map(HTML.region) ?? "全联盟")"))
            </section>
            <section id="regions"><h2>各地区</h2><div class="table"><table class="funnel-regions">
            <thead><tr><th>地区</th>\(Stage.allCases.map { "<th>\(HTML.escape($0.label))</th>" }.joined())<th>交易</th></tr></thead><tbody>
            \(regions.map { code in
                let row = funnel.regions[code] ?? funnel.total.emptied
                let cells = Stage.allCases.map { "<td>\(row.projects[$0] ?? 0)</td>" }.joined()
                return "<tr><td><a href=\"/deals?region=\(HTML.escape(HTML.component(code)))\">\(HTML.escape(HTML.region(code)))</a></td>\(cells)<td>\(row.deals.values.reduce(0, +))</td></tr>"
            }.joined(separator: "\n"))
            </tbody></table></div></section>
            <section><h2>交易（\(deals.count)）</h2><ul class="plain">

            """
        func party(_ id: RecordID) -> String {
            titles[id.description].map { HTML.projectLink(id.description, $0) } ?? "<span class=\"code\">\(HTML.escape(id.description))</span>（本节点未收录）"
        }
        for deal in deals {
            body += """
                <li class="deal">\(party(deal.steward.demand)) ↔ \(party(deal.steward.supply))
                <div class="facts">\(HTML.escape(deal.stage.label)) · \(HTML.escape(deal.status.label)) · \(deal.members.count) 个来源记录 · <span class="code">\(HTML.escape(deal.id))</span></div></li>

                """
        }
        body += "</ul></section>\n"
        return HTML.page(title: "成果转化与漏斗", node: node, active: "/deals", body: body)
    }

    // MARK: Federation status

    private func statusPage(_ request: HTTPRequest, node: NodeInfo) throws -> String {
        try only(request, [])
        let status = try FederationJSON.status(try FederationReader(path: configuration.databasePath), errors: .classOnly)
        let now = Date()
        var body = "<section><h2>对等节点（peers）</h2><div class=\"table\"><table class=\"peers\">\n"
        body += "<thead><tr><th>节点</th><th>地址</th><th>状态</th><th>最近错误</th><th>连续失败</th><th>下次重试</th><th>最近成功</th></tr></thead><tbody>\n"
        for peer in status["peers"]?.arrayValue ?? [] {
            let state = peer["state"]?.stringValue ?? ""
            let failing = state != "ok" && state != "never"
            let stateText = failing ? "<span class=\"warn\">异常</span> (\(HTML.escape(state)))" : HTML.escape(state == "ok" ? "正常 (ok)" : state)
            body += """
                <tr class="peer state-\(HTML.escape(state))\(failing ? " peer-error" : "")"><td>\(HTML.escape(peer["id"]?.stringValue ?? ""))</td><td class="code">\(HTML.escape(peer["url"]?.stringValue ?? ""))</td><td>\(stateText)</td><td>\(HTML.escape(peer["last_error"]?.stringValue ?? ""))</td><td>\(peer["failures"]?.intValue ?? 0)</td><td>\(HTML.escape(peer["retry_after"]?.stringValue.map(HTML.beijing) ?? ""))</td><td>\(HTML.escape(peer["last_success"]?.stringValue.map(HTML.beijing) ?? "从未"))</td></tr>

                """
        }
        body += "</tbody></table></div></section>\n"
        body += "<section><h2>来源（origins）</h2><div class=\"table\"><table class=\"origins\">\n"
        body += "<thead><tr><th>来源</th><th>状态</th><th>已同步条目</th><th>滞后</th><th>最近错误</th><th>分叉证据</th></tr></thead><tbody>\n"
        for origin in status["origins"]?.arrayValue ?? [] {
            let forks = origin["fork_evidence"]?.arrayValue ?? []
            let size = origin["checkpoint"]?["size"]?.intValue ?? 0
            let logSize = origin["log_size"]?.intValue ?? 0
            var lag = "落后 \(max(0, size - logSize)) 条"
            if let time = origin["checkpoint"]?["issued_at"]?.stringValue, let moment = DateText.parseTimestamp(time) {
                let minutes = max(0, Int(now.timeIntervalSince(moment) / 60))
                lag += "；最新检查点 \(HTML.beijing(time))（\(minutes < 120 ? "\(minutes) 分钟" : "\(minutes / 60) 小时")前）"
            }
            let state = origin["state"]?.stringValue ?? ""
            let forkText = forks.isEmpty ? "无" : "<span class=\"warn\">分叉证据 \(forks.count) 份</span>：" + forks.map { evidence in
                HTML.escape("\(evidence["first_source"]?.stringValue ?? "") 与 \(evidence["second_source"]?.stringValue ?? "")，发现于 \(HTML.beijing(evidence["detected_at"]?.stringValue ?? ""))")
            }.joined(separator: "；")
            body += """
                <tr class="origin state-\(HTML.escape(state))\(forks.isEmpty ? "" : " fork")"><td>\(HTML.escape(origin["origin"]?.stringValue ?? ""))</td><td>\(state == "ok" ? "正常 (ok)" : "<span class=\"warn\">\(HTML.escape(state))</span>")</td><td>\(logSize)</td><td class="lag">\(HTML.escape(lag))</td><td>\(HTML.escape(origin["last_error"]?.stringValue ?? ""))</td><td>\(forkText)</td></tr>

                """
        }
        body += "</tbody></table></div></section>\n"
        return HTML.page(title: "联盟状态", node: node, active: "/status", body: body)
    }

    // MARK: Import

    private func importPage(_ request: HTTPRequest, node: NodeInfo) throws -> String {
        try only(request, [])
        let host = request.header("host").map { "http://\($0)" } ?? "http://NODE"
        let body = """
            <p>工作人员上传 CSV 或 JSON 文件，导入本节点（\(HTML.escape(node.id))）的目录。需要管理令牌（admin token，或 <code>kechuang token add</code> 发给您的个人令牌）。令牌只随本次请求发送，不会保存在页面或 Cookie 中。整个文件要么全部导入，要么一条也不导入；错误会列出行号。</p>
            <form id="import-form" method="post" action="/v1/projects/import" enctype="multipart/form-data">
            <p><label>文件 <input type="file" name="file" id="import-file" accept=".csv,.json,text/csv,application/json"></label></p>
            <p><label>格式 <select id="import-format" name="format"><option value="csv">CSV</option><option value="json">JSON</option></select></label>
            <label>编码 <select id="import-encoding" name="encoding"><option value="utf-8">UTF-8</option><option value="gb18030">GB18030 (GBK)</option></select></label></p>
            <p><label>管理令牌 (admin token) <input type="password" id="import-token" autocomplete="off" spellcheck="false"></label></p>
            <p><button type="submit">上传并导入</button></p>
            </form>
            <div id="import-result" role="status"></div>
            <h2>不用浏览器脚本时</h2>
            <p>在终端里用 curl 发送同样的请求：</p>
            <pre id="import-curl">curl -X POST -H "Authorization: Bearer $(cat DIR/admin.token)" \\
              -H "Content-Type: text/csv" --data-binary @projects.csv \\
              \(HTML.escape(host))/v1/projects/import</pre>
            """
        return HTML.page(title: "导入项目（工作人员）", node: node, active: "/import", body: body)
    }
}
