import API
import Catalog
import Foundation
import JSON
import Store

/// What every `roadshow` command shares (`withUnifiedCatalog`); a refused draft's problems name `file`.
private func withRoadshows<T>(
    _ context: Context, _ name: String, file: String? = nil, writes: Bool = false, _ body: (CatalogStore, CatalogReader) throws -> T
) async throws -> T {
    try await withUnifiedCatalog(context, name, file: file, writes: writes, body)
}

/// The bytes of `path`, or exit 2 naming it.
private func readFile(_ path: String, _ name: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else { throw CLIError.usage("\(name): \(path): cannot read the file") }
    guard data.count <= RoadshowService.draftLimits.maxBytes else { throw CLIError.usage("\(name): \(path): over \(RoadshowService.draftLimits.maxBytes) bytes") }
    return [UInt8](data)
}

/// Writes `bytes` to `path` in one step (a reader never sees half a file).
private func writeFile(_ bytes: [UInt8], to path: String, _ name: String) throws {
    do {
        try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        throw CLIError.failure("\(name): \(path): \(error.localizedDescription)")
    }
}

/// `kechuang roadshow plan --event ID --title T …`: a draft agenda from the unified catalog.
enum RoadshowPlanCommand: Command {
    static let spec = CommandSpec(
        name: "roadshow plan",
        summary: "Plan a roadshow draft from the unified catalog (all regions).",
        usage: "--event ID --title T [--sessions FILE] [--per-session N] [--date YYYY-MM-DD] [--out FILE]",
        discussion: """
            Writes a draft agenda (JSON, kechuang.roadshow/1 without the node's members) that an
            organiser edits and then publishes with `roadshow publish FILE`. By default the
            conference's layout: four industry sessions (电子信息和装备制造, 食品轻纺和能源化工,
            先进材料和医药健康, 现代农业/乡村振兴) and one overseas session (projects of an overseas
            organisation or tagged EVENT/overseas), 133 slots over two days from --date. --sessions
            FILE gives another layout ({"sessions": [{"id", "name", "industries", "slots", "date",
            "start", "place", "slot_minutes", "overseas"}]}, times in Beijing time); --per-session
            sets every session's number of slots.

            Projects are chosen by demand (the strength of their cross-region matches), readiness
            (stage, TRL, validity left) and their own session tags, with a minimum share for every
            region present in a session, and no cluster twice (protocols/roadshows.md,
            "Planning"). Each slot says why its project was chosen. The same catalog and options
            give byte-identical drafts. --date is the event's first day in Beijing (default today):
            projects expired by then are left out.

            The draft goes to --out (a summary of session sizes and region shares is printed) or to
            standard output (the summary to standard error). A malformed layout: FILE:LINE: field:
            problem, exit 2.
            """,
        options: [
            OptionSpec(name: "--event", value: "ID", help: "The event tag, such as tianfu-2024."),
            OptionSpec(name: "--title", value: "T", help: "The roadshow's title."),
            OptionSpec(name: "--sessions", value: "FILE", help: "A session layout (JSON)."),
            OptionSpec(name: "--per-session", value: "N", help: "Slots in every session, 1–100."),
            OptionSpec(name: "--date", value: "YYYY-MM-DD", help: "The event's first day, Beijing (default today)."),
            OptionSpec(name: "--out", value: "FILE", help: "Write the draft here."),
        ])

    static func run(_ context: Context) async throws {
        let arguments = context.arguments
        let event = try arguments.required("--event", spec)
        let title = try arguments.required("--title", spec)
        let date = arguments.value("--date") ?? Roadshow.beijing(DateText.timestamp(context.now))!.date
        var perSession: Int?
        if let text = arguments.value("--per-session") {
            guard let value = Int(text) else { throw CLIError.usage("\(spec.name): --per-session \(text) is not a number") }
            perSession = value
        }
        let layoutFile = arguments.value("--sessions")
        let plan = try await withRoadshows(context, spec.name, file: layoutFile) { _, _ in
            let layout = try layoutFile.map { try RoadshowPlanner.layout(parsing: try readFile($0, spec.name), event: event) }
            let planner = RoadshowPlanner(service: MatchService(lexicon: try MatchService.lexicon()))
            return try planner.plan(
                database: context.data.database, options: RoadshowPlanner.Options(event: event, title: title, date: date, sessions: layout, perSession: perSession))
        }
        let bytes = JSONWriter.write(plan.draft, pretty: true) + [UInt8(ascii: "\n")]
        let summary: Output
        if let out = arguments.value("--out") {
            try writeFile(bytes, to: out, spec.name)
            summary = context.out
            summary.line("Wrote \(out): \(plan.sessions.count) sessions, \(plan.sessions.reduce(0) { $0 + $1.slots.count }) slots")
        } else {
            context.out.write(bytes: bytes)
            summary = context.err
        }
        for (index, session) in plan.sessions.enumerated() {
            let shares = plan.regionShares[index].sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { "\(Region(code: $0.key)?.label ?? $0.key) \($0.value)" }.joined(separator: ", ")
            summary.line("  \(session.id)  \(session.slots.count) slots of \(plan.candidates[index]) candidates  [\(shares)]")
        }
    }
}

/// `kechuang roadshow publish FILE`: validates a draft and appends it to the signed log.
enum RoadshowPublishCommand: Command {
    static let spec = CommandSpec(
        name: "roadshow publish",
        summary: "Publish a roadshow draft in this node's signed log; print its id.",
        usage: "FILE [--id LOCAL]",
        discussion: """
            Validates FILE (a draft from `roadshow plan`, edited or not): every project exists in
            the unified catalog, no cluster twice, slots within their session (from its start,
            on its day in Beijing, in time order), times valid, and the schema's own rules
            (protocols/roadshows.md). Each problem is printed as FILE:LINE: field: problem, the
            exit code is 2 and nothing is published. Otherwise the roadshow is appended to this
            node's signed log (its next version when the id exists) and its id is printed:
            ORIGIN:~roadshow.LOCAL, LOCAL being the draft's id, else --id, else the event tag.
            """,
        positionals: [("FILE", "The draft (JSON).")],
        options: [OptionSpec(name: "--id", value: "LOCAL", help: "The local part of the id (default the draft's id, else its event).")],
        minPositionals: 1, maxPositionals: 1)

    static func run(_ context: Context) async throws {
        let file = context.arguments.positionals[0]
        let bytes = try readFile(file, spec.name)
        let roadshow = try await withRoadshows(context, spec.name, file: file, writes: true) { store, reader in
            try RoadshowService.publish(
                try RoadshowService.parseDraft(bytes), bytes: bytes, id: context.arguments.value("--id"), store: store, reader: reader, now: context.now)
        }
        context.out.line(roadshow.id.description)
    }
}

/// `kechuang roadshow withdraw ID`.
enum RoadshowWithdrawCommand: Command {
    static let spec = CommandSpec(
        name: "roadshow withdraw",
        summary: "Publish the withdrawal of one of this node's roadshows.",
        usage: "ID",
        discussion: """
            Appends the roadshow's next version with status withdrawn; every node that syncs this
            node shows it withdrawn. ID is ORIGIN:~roadshow.LOCAL or LOCAL. Another origin's
            roadshow or one already withdrawn: exit 2; an unknown one: exit 1.
            """,
        positionals: [("ID", "The roadshow.")],
        minPositionals: 1, maxPositionals: 1)

    static func run(_ context: Context) async throws {
        let roadshow = try await withRoadshows(context, spec.name, writes: true) { store, reader in
            try RoadshowService.withdraw(context.arguments.positionals[0], store: store, reader: reader, now: context.now)
        }
        context.out.line("\(roadshow.id) withdrawn (version \(roadshow.version))")
    }
}

/// `kechuang roadshow show ID [--json] [--csv FILE] [--html FILE]`.
enum RoadshowShowCommand: Command {
    static let spec = CommandSpec(
        name: "roadshow show",
        summary: "Show a roadshow's agenda (any origin's), in Beijing time.",
        usage: "ID [--json] [--csv FILE] [--html FILE]",
        discussion: """
            Prints the sessions and slots, times in Beijing time (UTC+8), each project with its
            region, organisation and service agent as the public sees them (the phone masked),
            looked up in the unified catalog now. A project this node does not hold is shown as
            unknown. --json prints what GET /v1/roadshows/{id} answers; --csv FILE writes a CSV
            (UTF-8 with BOM, cells neutralised as `dump` does) and --html FILE a printable agenda
            in Simplified Chinese (as served at /v1/roadshows/{id}.html). Unknown roadshow: exit 1.
            """,
        positionals: [("ID", "The roadshow (ORIGIN:~roadshow.LOCAL, or LOCAL for this node's own).")],
        options: [
            OptionSpec.flag("--json", "Print JSON."), OptionSpec(name: "--csv", value: "FILE", help: "Write the agenda as CSV."),
            OptionSpec(name: "--html", value: "FILE", help: "Write the agenda as HTML."),
        ],
        minPositionals: 1, maxPositionals: 1)

    static func run(_ context: Context) async throws {
        let arguments = context.arguments
        let view = try await withRoadshows(context, spec.name) { _, reader in
            try RoadshowService.view(try RoadshowService.roadshow(arguments.positionals[0], reader: reader), reader: reader)
        }
        if let path = arguments.value("--csv") { try writeFile(RoadshowOutput.csv(view), to: path, spec.name) }
        if let path = arguments.value("--html") { try writeFile(Array(RoadshowOutput.html(view).utf8), to: path, spec.name) }
        if arguments.flag("--json") {
            context.out.json(RoadshowService.json(view))
            return
        }
        let roadshow = view.roadshow
        context.out.line("\(roadshow.id)  \(roadshow.title)  [\(roadshow.status.label) \(roadshow.status.rawValue)]  v\(roadshow.version)")
        for (index, session) in roadshow.sessions.enumerated() {
            let start = Roadshow.beijing(session.start).map { "\($0.date) \($0.time)" } ?? session.start
            context.out.line("\n\(session.name)  (\(session.id))  \(start) 北京时间  \(session.place)")
            for entry in view.sessions[index] {
                let time = Roadshow.beijing(entry.slot.time)?.time ?? entry.slot.time
                guard let cluster = entry.project else {
                    context.out.line("  \(time)  \(entry.slot.project)（本节点未收录 unknown here）")
                    continue
                }
                let project = cluster.project
                let region = Region(code: project.organization.region.code)?.label ?? project.organization.region.code
                var line = "  \(time)  \(project.title)  \(entry.slot.project)  \(region) · \(project.organization.name)"
                if let agent = project.serviceAgent { line += " · 科服保姆 \(agent.name)" }
                if let expert = entry.slot.expert { line += " · 点评 \(expert)" }
                context.out.line(line)
            }
        }
    }
}

/// `kechuang roadshow list [--json]`.
enum RoadshowListCommand: Command {
    static let spec = CommandSpec(
        name: "roadshow list",
        summary: "List the roadshows of every origin, published and withdrawn.",
        usage: "[--json]",
        discussion: "--json prints {\"roadshows\": [...], \"total\": N}, each as a line of GET /v1/roadshows.",
        options: [OptionSpec.flag("--json", "Print JSON.")])

    static func run(_ context: Context) async throws {
        let roadshows = try await withRoadshows(context, spec.name) { _, reader in try reader.roadshows() }
        if context.arguments.flag("--json") {
            context.out.json(["roadshows": .array(roadshows.map(RoadshowService.summary)), "total": .number(Double(roadshows.count))])
            return
        }
        for roadshow in roadshows {
            context.out.line(
                "\(roadshow.id)  \(roadshow.title)  [\(roadshow.status.label)]  \(roadshow.sessions.count) sessions, \(roadshow.projects.count) slots  v\(roadshow.version)")
        }
        context.out.line("\(roadshows.count) roadshow\(roadshows.count == 1 ? "" : "s")")
    }
}
