import API
import Catalog
import Foundation
import JSON
import Merge
import Store

/// What every `deal` command shares (`withUnifiedCatalog`).
private func withDeals<T>(
    _ context: Context, _ name: String, writes: Bool = false, _ body: (CatalogStore, CatalogReader) throws -> T
) async throws -> T {
    try await withUnifiedCatalog(context, name, writes: writes, body)
}

/// A stage code or its Chinese label.
private func stageArgument(_ text: String, _ name: String) throws -> Stage {
    guard let stage = Stage(lenient: text) else {
        throw CLIError.usage("\(name): \(text) is not a stage (\(Stage.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    return stage
}

/// Prints a unified deal for people: parties, stage and status, events, members, conflicts.
private func printDeal(_ deal: DealMerge.Unified, reader: CatalogReader, out: Output) throws {
    func party(_ id: RecordID) throws -> String {
        guard let project = try reader.clusterProject(of: id) else { return "\(id)（本节点未收录 unknown here）" }
        return "\(id)  \(project.project.title)"
    }
    let record = deal.steward
    out.line("\(deal.id)  [\(deal.stage.label) · \(deal.status.label)]  \(deal.members.count) member\(deal.members.count == 1 ? "" : "s")")
    out.line("  demand   \(try party(record.demand))")
    out.line("  supply   \(try party(record.supply))")
    for finance in Set(deal.members.flatMap(\.finance)).sorted() { out.line("  finance  \(try party(finance))") }
    if let amount = record.amount { out.line("  amount   \(amount) CNY") }
    if let contract = record.contract { out.line("  contract \(contract)") }
    if let agent = record.agent { out.line("  agent    \(agent.name)\(agent.organization.map { "（\($0)）" } ?? "")") }
    for event in deal.record["events"]?.arrayValue ?? [] {
        let stage = event["stage"]?.stringValue.flatMap(Stage.init(rawValue:))?.label ?? ""
        out.line("  \(event["date"]?.stringValue ?? "")  \(stage)  \(event["note"]?.stringValue ?? "")")
    }
    for member in deal.members { out.line("  member   \(member.id) v\(member.version) \(member.stage.rawValue) \(member.status.rawValue)") }
    for conflict in deal.conflicts { out.line("  conflict \(conflict["field"]?.stringValue ?? "")") }
}

/// `kechuang deal create --demand ID --supply ID …`: records a deal of this node and prints its id.
enum DealCreateCommand: Command {
    static let spec = CommandSpec(
        name: "deal create",
        summary: "Record a deal between a demand and a supply project (any origins).",
        usage: "--demand ID --supply ID [--finance ID]... [--stage S] [--agent NAME] [--amount X] [--contract REF] [--same-as ID]... [--id LOCAL]",
        discussion: """
            Records a deal (kechuang.deal/1, protocols/deals.md) in this node's signed log and
            prints its id, ORIGIN:~deal.LOCAL. --demand names a challenge, --supply an achievement
            or technology, --finance finance products (repeatable), by project id (a local id
            means this node's own). The stage starts at matchmaking unless --stage; the first
            event is dated today. --agent names the service agent (科服保姆), --amount is a money
            string (CNY), --contract the contract reference. When another association recorded the
            same deal, --same-as ITS_ID (repeatable) makes them one: deals with the same parties
            and the same contract reference merge too. An unknown project, a project of the
            wrong kind, parties of one cluster or a malformed value: exit 2.
            """,
        options: [
            OptionSpec(name: "--demand", value: "ID", help: "The challenge."),
            OptionSpec(name: "--supply", value: "ID", help: "The achievement or technology."),
            OptionSpec(name: "--finance", value: "ID", help: "A finance product.", repeatable: true),
            OptionSpec(name: "--stage", value: "S", help: "publication, matchmaking (default), signing, transaction, follow_up, deployment."),
            OptionSpec(name: "--agent", value: "NAME", help: "The service agent."),
            OptionSpec(name: "--amount", value: "X", help: "The deal's amount in CNY, e.g. 1200000.00."),
            OptionSpec(name: "--contract", value: "REF", help: "The contract reference."),
            OptionSpec(name: "--same-as", value: "ID", help: "Another origin's record of this deal.", repeatable: true),
            OptionSpec(name: "--id", value: "LOCAL", help: "The local part of the id (default d-DATE-RANDOM)."),
        ])

    static func run(_ context: Context) async throws {
        let arguments = context.arguments
        var draft = DealService.Draft(demand: try arguments.required("--demand", spec), supply: try arguments.required("--supply", spec))
        draft.finance = arguments.all("--finance")
        if let stage = arguments.value("--stage") { draft.stage = try stageArgument(stage, spec.name) }
        draft.amount = arguments.value("--amount")
        draft.contract = arguments.value("--contract")
        draft.sameAs = arguments.all("--same-as")
        let deal = try await withDeals(context, spec.name, writes: true) { store, reader in
            if let name = arguments.value("--agent") { draft.agent = Deal.Agent(name: name, organization: reader.node.name) }
            return try DealService.create(draft, local: arguments.value("--id"), store: store, reader: reader, now: context.now)
        }
        context.out.line(deal.id.description)
    }
}

/// `kechuang deal advance ID STAGE [--date D] [--note TEXT]`.
enum DealAdvanceCommand: Command {
    static let spec = CommandSpec(
        name: "deal advance",
        summary: "Move one of this node's deals to a later stage, with a dated event.",
        usage: "ID STAGE [--date YYYY-MM-DD] [--note TEXT]",
        discussion: """
            Appends an event (date, stage, note) and sets the stage. A stage never goes back, and a
            closed or abandoned deal does not move (exit 2). ID is this node's deal
            (ORIGIN:~deal.LOCAL or LOCAL); another origin's deal is recorded here with
            `deal create --same-as ID`. --date defaults to today.
            """,
        positionals: [("ID", "The deal."), ("STAGE", "The new stage.")],
        options: [OptionSpec(name: "--date", value: "YYYY-MM-DD", help: "The event's date (default today)."), OptionSpec(name: "--note", value: "TEXT", help: "What happened.")],
        minPositionals: 2, maxPositionals: 2)

    static func run(_ context: Context) async throws {
        let arguments = context.arguments
        let stage = try stageArgument(arguments.positionals[1], spec.name)
        let deal = try await withDeals(context, spec.name, writes: true) { store, reader in
            try DealService.advance(
                arguments.positionals[0], to: stage, date: arguments.value("--date") ?? DateText.date(context.now), note: arguments.value("--note"),
                store: store, reader: reader, now: context.now)
        }
        context.out.line("\(deal.id) at \(deal.stage.rawValue) (version \(deal.version))")
    }
}

/// `kechuang deal close ID --status closed|abandoned [--note TEXT]`.
enum DealCloseCommand: Command {
    static let spec = CommandSpec(
        name: "deal close",
        summary: "Close (done) or abandon one of this node's deals.",
        usage: "ID --status closed|abandoned [--note TEXT]",
        discussion: "Sets the status and appends an event dated today. A deal already closed or abandoned: exit 2.",
        positionals: [("ID", "The deal.")],
        options: [OptionSpec(name: "--status", value: "S", help: "closed or abandoned."), OptionSpec(name: "--note", value: "TEXT", help: "Why.")],
        minPositionals: 1, maxPositionals: 1)

    static func run(_ context: Context) async throws {
        let arguments = context.arguments
        let text = try arguments.required("--status", spec)
        guard let status = Deal.Status(rawValue: text), status != .open else { throw CLIError.usage("deal close: --status \(text): closed or abandoned") }
        let deal = try await withDeals(context, spec.name, writes: true) { store, reader in
            try DealService.close(arguments.positionals[0], status: status, note: arguments.value("--note"), store: store, reader: reader, now: context.now)
        }
        context.out.line("\(deal.id) \(deal.status.rawValue) (version \(deal.version))")
    }
}

/// `kechuang deal show ID [--json]`: the merged deal holding ID.
enum DealShowCommand: Command {
    static let spec = CommandSpec(
        name: "deal show",
        summary: "Show a deal as merged from every association's record of it.",
        usage: "ID [--json]",
        discussion: """
            ID is any member's id. The merged deal takes the highest stage, the union of the events
            and the status closed > abandoned > open; members that disagree are listed in
            conflicts (protocols/deals.md). --json prints what GET /v1/deals/{id} answers. Unknown
            deal: exit 1.
            """,
        positionals: [("ID", "A deal id.")],
        options: [OptionSpec.flag("--json", "Print JSON.")],
        minPositionals: 1, maxPositionals: 1)

    static func run(_ context: Context) async throws {
        try await withDeals(context, spec.name) { _, reader in
            let deal = try DealService.unified(context.arguments.positionals[0], reader: reader)
            if context.arguments.flag("--json") {
                context.out.json(try DealService.json(deal, reader: reader))
            } else {
                try printDeal(deal, reader: reader, out: context.out)
            }
        }
    }
}

/// `kechuang deal list [--json]`: every merged deal.
enum DealListCommand: Command {
    static let spec = CommandSpec(
        name: "deal list",
        summary: "List the deals of the federation, merged, in id order.",
        usage: "[--json]",
        discussion: "--json prints {\"deals\": [...], \"total\": N}, each deal as `deal show --json` prints it.",
        options: [OptionSpec.flag("--json", "Print JSON.")])

    static func run(_ context: Context) async throws {
        try await withDeals(context, spec.name) { _, reader in
            let deals = try reader.unifiedDeals()
            if context.arguments.flag("--json") {
                context.out.json(["deals": .array(try deals.map { try DealService.json($0, reader: reader) }), "total": .number(Double(deals.count))])
                return
            }
            for deal in deals {
                let record = deal.steward
                context.out.line("\(deal.id)  [\(deal.stage.label) · \(deal.status.label)]  \(record.demand) ↔ \(record.supply)  (\(deal.members.count))")
            }
            context.out.line("\(deals.count) deal\(deals.count == 1 ? "" : "s")")
        }
    }
}
