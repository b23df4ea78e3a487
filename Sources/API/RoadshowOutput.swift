import Catalog

/// The outputs of a shown roadshow (protocols/roadshows.md §3): a CSV a spreadsheet opens
/// correctly, and a printable HTML agenda in Simplified Chinese. Both are made from a
/// `RoadshowView`, so a project's redaction reaches them; times are in Beijing time (UTC+8).
public enum RoadshowOutput {
    /// The CSV's columns, in order (an interface: scripts read them by name).
    public static let columns = [
        "session", "session_name", "date", "time", "time_utc", "place", "project", "title", "kind", "industry", "region", "organization",
        "service_agent", "service_agent_organization", "service_agent_phone", "expert", "why", "status",
    ]

    /// One row per slot after the header: UTF-8 with a byte order mark (EF BB BF) first, so a
    /// spreadsheet reads the Chinese correctly, lines as `dump --format csv` writes them, every
    /// cell neutralised as `dump` does (a cell starting with `=`, `+`, `-`, `@`, TAB, CR or `'`
    /// gets a `'` in front). `date` and `time` are Beijing time; the service agent's phone is
    /// masked as the public sees it. A project this node does not hold has `kind` `unknown` and
    /// empty project columns.
    public static func csv(_ view: RoadshowView) -> [UInt8] {
        var text = CSVParser.format(columns)
        for (index, session) in view.roadshow.sessions.enumerated() {
            for entry in view.sessions[index] {
                let local = Roadshow.beijing(entry.slot.time)
                let project = entry.project?.project
                let agent = project?.serviceAgent
                let cells = [
                    session.id, session.name, local?.date ?? "", local?.time ?? "", entry.slot.time, session.place, entry.slot.project.description,
                    project?.title ?? "", project?.kind.rawValue ?? "unknown", project?.industry.rawValue ?? "",
                    project?.organization.region.code ?? "", project?.organization.name ?? "", agent?.name ?? "", agent?.organization ?? "",
                    agent?.phone.map(Contact.maskPhone) ?? "", entry.slot.expert ?? "", entry.slot.why ?? "", view.roadshow.status.rawValue,
                ]
                text += CSVParser.format(cells.map(ProjectCSV.escapingFormula))
            }
        }
        return [0xEF, 0xBB, 0xBF] + Array(text.utf8)
    }

    /// A printable HTML5 agenda in Simplified Chinese: the title and status (a withdrawn roadshow
    /// says 已撤回 at the top), then each session with its day, start and place in Beijing time and
    /// a table of its slots (time, project, kind, region, organisation, service agent with the
    /// phone masked, expert, why). Every text is escaped; the page loads and runs nothing.
    public static func html(_ view: RoadshowView) -> String {
        let roadshow = view.roadshow
        var page = """
            <!doctype html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(roadshow.title))</title>
            <style>
            body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; margin: 1.5rem; color: #111; }
            h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
            .meta { color: #555; margin: 0 0 1rem; }
            .withdrawn { border: 2px solid #b00; color: #b00; padding: .5rem 1rem; font-weight: bold; }
            section { margin: 1.5rem 0; page-break-inside: avoid; }
            h2 { font-size: 1.2rem; margin: 0 0 .25rem; }
            .table { overflow-x: auto; max-width: 100%; }
            table { border-collapse: collapse; width: 100%; font-size: .9rem; }
            th, td { border: 1px solid #999; padding: .3rem .4rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
            th { background: #eee; white-space: nowrap; }
            td:nth-child(1) { white-space: nowrap; }
            td:nth-child(2) { min-width: 10em; }
            td:nth-child(3), td:nth-child(4) { min-width: 4em; }
            td:nth-child(5), td:nth-child(6) { min-width: 7em; }
            td:nth-child(8) { font-size: .8rem; min-width: 18em; }
            .unknown { color: #b00; }
            .id { color: #555; font-size: .8rem; }
            footer { color: #555; font-size: .85rem; margin-top: 2rem; }
            @media print { body { margin: 0; } .table { overflow: visible; } }
            </style>
            </head>
            <body>
            <h1>\(escape(roadshow.title))</h1>
            <p class="meta">活动 \(escape(roadshow.event)) · \(roadshow.status.label) · 发布方 \(escape(roadshow.id.origin))</p>

            """
        if roadshow.status == .withdrawn {
            page += "<p class=\"withdrawn\">已撤回：本路演已由发布方撤回（withdrawn）。</p>\n"
        }
        for (index, session) in roadshow.sessions.enumerated() {
            let start = Roadshow.beijing(session.start).map { "\($0.date) \($0.time)" } ?? session.start
            let industries = session.industries.isEmpty ? "不限行业" : session.industries.map(\.label).joined(separator: "、")
            page += """
                <section>
                <h2>\(escape(session.name))</h2>
                <p class="meta">\(escape(start))（北京时间） · \(escape(session.place)) · \(escape(industries)) · <span class="id">\(escape(session.id))</span></p>
                <div class="table"><table>
                <thead><tr><th>时间</th><th>项目</th><th>类型</th><th>地区</th><th>单位</th><th>科服保姆</th><th>点评专家</th><th>推荐理由</th></tr></thead>
                <tbody>

                """
            for entry in view.sessions[index] {
                let time = Roadshow.beijing(entry.slot.time)?.time ?? entry.slot.time
                let id = "<br><span class=\"id\">\(escape(entry.slot.project.description))</span>"
                var cells: [String]
                if let project = entry.project?.project {
                    var agent = ""
                    if let serviceAgent = project.serviceAgent {
                        agent = escape(serviceAgent.name)
                        if let organization = serviceAgent.organization { agent += "<br>" + escape(organization) }
                        if let phone = serviceAgent.phone { agent += "<br>" + escape(Contact.maskPhone(phone)) }
                    }
                    cells = [
                        escape(project.title) + id, escape(project.kind.label),
                        escape(Region(code: project.organization.region.code)?.label ?? project.organization.region.code), escape(project.organization.name),
                        agent,
                    ]
                } else {
                    cells = ["<span class=\"unknown\">未知项目（本节点未持有）</span>" + id, "", "", "", ""]
                }
                cells = [escape(time)] + cells + [escape(entry.slot.expert ?? ""), escape(entry.slot.why ?? "")]
                page += "<tr>" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
            }
            page += "</tbody>\n</table></div>\n</section>\n"
        }
        page += """
            <footer>时间均为北京时间（UTC+8）。\(escape(roadshow.id.description)) · 第 \(roadshow.version) 版 · 更新于 \(escape(roadshow.updatedAt))</footer>
            </body>
            </html>

            """
        return page
    }

    /// `text` with `&`, `<`, `>`, `"` and `'` written as character references: safe in element
    /// content and in quoted attribute values.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
