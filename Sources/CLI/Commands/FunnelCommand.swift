import API
import Catalog
import Foundation
import JSON
import Store

/// `kechuang funnel [--region R] [--json]`: how far the federation's projects and deals got.
enum FunnelCommand: Command {
    static let spec = CommandSpec(
        name: "funnel",
        summary: "The regional funnel: projects and deals by stage, with the conversion between stages.",
        usage: "[--region R] [--json]",
        discussion: """
            Per region and in total: the project clusters that reached each stage (cumulative: a
            cluster at signing has also reached publication and matchmaking), the merged deals at
            each stage and status, and the conversion between consecutive stages (clusters that
            reached the next stage / those that reached this one). A cluster or deal counts once
            in each of its regions (a deal's: its parties') and once in the total. Every node that
            holds the same logs prints the same funnel (protocols/deals.md). --json prints what
            GET /v1/funnel answers.
            """,
        options: [OptionSpec(name: "--region", value: "R", help: "Only this region (code or name)."), .flag("--json", "Print JSON.")])

    static func run(_ context: Context) async throws {
        var region: String?
        if let text = context.arguments.value("--region") {
            guard let parsed = Region(lenient: text) else { throw CLIError.usage("funnel: --region \(text) is not a known region") }
            region = parsed.code
        }
        try await CatalogStore(path: context.data.database).refreshUnified()
        let funnel = try CatalogReader(path: context.data.database).funnel()
        if context.arguments.flag("--json") {
            context.out.json(funnel.json(region: region))
            return
        }
        let out = context.out
        var rows: [(String, Funnel.Counts)] = region == nil ? [("合计 total", funnel.total)] : []
        for (code, counts) in funnel.regions.sorted(by: { $0.key < $1.key }) where region == nil || code == region {
            rows.append(("\(Region(code: code)?.label ?? code) \(code)", counts))
        }
        for (name, counts) in rows {
            out.line(name)
            for (index, stage) in Stage.allCases.enumerated() {
                let conversion = index == 0 ? "" : counts.conversion[index - 1].ratio.map { String(format: "  ↑ %.1f%%", $0 * 100) } ?? ""
                out.line("  \(TextLayout.fit(stage.label, 10)) projects \(String(counts.projects[stage] ?? 0).leftPadded(7))  deals \(String(counts.deals[stage] ?? 0).leftPadded(5))\(conversion)")
            }
            out.line("  deals: " + Deal.Status.allCases.map { "\($0.label) \(counts.dealStatus[$0] ?? 0)" }.joined(separator: "  "))
        }
    }
}
