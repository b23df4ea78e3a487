import API
import Catalog
import Foundation
import JSON
import Query
import Store

/// `kechuang match ID` and `kechuang match --all`: supply for demand, demand for supply, and
/// finance for projects, over the unified catalog (protocols/matching.md).
enum MatchCommand: Command {
    static let spec = CommandSpec(
        name: "match",
        summary: "Match challenges with solutions and projects with finance products, across regions.",
        usage: "ID [--limit N] [--cross-region] [--kind KIND] [--include-expired] [--json] [--lexicon FILE]\n"
            + "       kechuang match --all [--cross-region] [--industry INDUSTRY] [--region REGION] [--limit N] [--json]",
        discussion: """
            For a challenge: the achievements and technologies that could solve it; for an
            achievement or technology: the challenges it could solve; for a finance product: the
            projects it could fund; with --kind finance, for any project: the finance products it
            is eligible for (industry, stage, region, amount). Clusters are matched, not records:
            the members of one cluster are one project, never matched with each other and listed
            once, under the steward's id. Records past valid_through and challenges past their
            deadline are left out unless --include-expired.

            A score in [0, 1] sums the weights of its reasons: shared terms and related terms of
            the domain lexicon (IDF-weighted over the catalog), shared text, industry, the
            solution's TRL against the challenge's targets, price against budget, cooperation
            modes; each reason names its terms and values (protocols/matching.md). --lexicon adds
            an association's own lexicon file (industry<TAB>term|term<TAB>related|related).

            --all lists the strongest challenge–solution pairs of the whole catalog, each pair
            once, computed once per catalog change and kept in the database.

            Exit codes: 1 when ID is not in the catalog; 2 for a malformed id, limit, kind or
            lexicon file (FILE:LINE: problem).
            """,
        positionals: [("ID", "The project to match (origin:local-id, or a local id of this node).")],
        options: [
            OptionSpec(name: "--limit", value: "N", help: "Results (or pairs), 1–100 (default 10)."),
            .flag("--cross-region", "Only clusters whose regions do not intersect the project's."),
            OptionSpec(name: "--kind", value: "KIND", help: "The kind of the results: achievement, technology, challenge or finance."),
            .flag("--include-expired", "Keep records past valid_through and challenges past their deadline."),
            OptionSpec(name: "--lexicon", value: "FILE", help: "Add an association's lexicon file (repeatable).", repeatable: true),
            .flag("--all", "The strongest pairs of the whole catalog instead of one project's matches."),
            OptionSpec(name: "--industry", value: "INDUSTRY", help: "With --all: pairs with a side of this industry."),
            OptionSpec(name: "--region", value: "REGION", help: "With --all: pairs with a side in this region."),
            .flag("--json", "Print JSON: {\"for\", \"results\": [{\"id\", \"cluster\", …, \"score\", \"reasons\"}]}, or {\"pairs\"} with --all."),
        ],
        minPositionals: 0, maxPositionals: 1)

    static func run(_ context: Context) async throws {
        let arguments = context.arguments
        let limit = try arguments.integer("--limit", default: 10, in: 1...100)
        let lexicon = try lexicon(context)
        let service = MatchService(lexicon: lexicon)
        let today = DateText.date(context.now)
        if arguments.flag("--all") {
            guard arguments.positionals.isEmpty else { throw CLIError.usage("match: --all takes no ID") }
            for option in ["--kind", "--include-expired"] where arguments.flag(option) || arguments.value(option) != nil {
                throw CLIError.usage("match: \(option) does not apply to --all")
            }
            try await runAll(context, service: service, limit: limit, today: today)
            return
        }
        for option in ["--industry", "--region"] where arguments.value(option) != nil {
            throw CLIError.usage("match: \(option) applies only to --all")
        }
        guard let idText = arguments.positionals.first else { throw CLIError.usage("match: give an ID or --all (see kechuang match --help)") }
        var kind: ProjectKind?
        if let text = arguments.value("--kind") {
            guard let parsed = ProjectKind(lenient: text) else {
                throw CLIError.usage("match: --kind \(text): use achievement, technology, challenge or finance")
            }
            kind = parsed
        }
        // Take in every change first, so the clusters are those of the current catalog.
        try await CatalogStore(path: context.data.database).refreshUnified()
        let reader = try CatalogReader(path: context.data.database)
        let request = MatchRequest(
            limit: limit, crossRegion: arguments.flag("--cross-region"), kind: kind, includeExpired: arguments.flag("--include-expired"),
            today: today)
        let (subject, results): (ClusterProject, [MatchResult])
        do {
            let id = try MatchService.subjectID(idText, node: reader.node.id)
            (subject, results) = try service.match(id, request: request, reader: reader)
        } catch let error as APIError {
            throw error.status == 404 ? CLIError.failure(error.message) : CLIError.usage("match: \(error.message)")
        }
        if arguments.flag("--json") {
            context.out.json(MatchJSON.answer(subject: subject, results: results))
            return
        }
        let out = context.out
        let project = subject.project
        out.line("\(project.id)  [\(project.kind.label)] \(project.title)  (\(regionNames(subject.regions)))")
        if results.isEmpty { out.line("No matches.") }
        for (index, result) in results.enumerated() {
            let candidate = result.candidate.project
            out.line("")
            out.line(String(format: "%2d. %.3f  ", index + 1, result.score) + "\(candidate.id)  [\(candidate.kind.label)] \(candidate.title)")
            var facts = [candidate.organization.name, regionNames(result.candidate.regions), candidate.stage.label]
            if let trl = candidate.trl { facts.append("TRL \(trl)") }
            out.line("      " + facts.joined(separator: " · "))
            for reason in result.reasons { out.line(String(format: "      %.3f  ", reason.weight) + reason.text) }
        }
    }

    static func runAll(_ context: Context, service: MatchService, limit: Int, today: String) async throws {
        let arguments = context.arguments
        var industry: Industry?
        if let text = arguments.value("--industry") {
            guard let parsed = Industry(lenient: text) else { throw CLIError.usage("match: --industry \(text): not an industry") }
            industry = parsed
        }
        var region: Region?
        if let text = arguments.value("--region") {
            guard let parsed = Region(lenient: text) else { throw CLIError.usage("match: --region \(text): not a known region") }
            region = parsed
        }
        let store = try CatalogStore(path: context.data.database)
        try await store.refreshUnified()
        let reader = try CatalogReader(path: context.data.database)
        let key = try MatchService.allKey(reader: reader, today: today)
        var stored = try reader.storedMatchPairs(key: key)
        if stored == nil {
            let computed = try service.allPairs(reader: reader, today: today)
            try await store.storeMatchPairs(computed, key: key)
            stored = computed
        }
        let answer = try MatchService.allAnswer(
            stored ?? [], crossRegion: arguments.flag("--cross-region"), industry: industry, region: region, limit: limit)
        if arguments.flag("--json") {
            context.out.json(answer)
            return
        }
        let pairs = answer["pairs"]?.arrayValue ?? []
        if pairs.isEmpty { context.out.line("No pairs.") }
        for (index, pair) in pairs.enumerated() {
            let a = pair["a"], b = pair["b"]
            let score = pair["score"]?.doubleValue ?? 0
            context.out.line(String(format: "%2d. %.3f  ", index + 1, score) + "\(a?["id"]?.stringValue ?? "") \(a?["title"]?.stringValue ?? "")")
            context.out.line("           ↔ \(b?["id"]?.stringValue ?? "") \(b?["title"]?.stringValue ?? "")")
            for reason in pair["reasons"]?.arrayValue ?? [] where (reason["weight"]?.doubleValue ?? 0) > 0 {
                context.out.line("           " + (reason["text"]?.stringValue ?? ""))
            }
        }
    }

    /// The shipped lexicon with the `--lexicon` files added; a malformed file is bad input.
    static func lexicon(_ context: Context) throws -> MatchLexicon {
        var files: [(name: String, text: String)] = []
        for path in context.arguments.all("--lexicon") {
            guard let data = FileManager.default.contents(atPath: path) else { throw CLIError.usage("\(path): cannot read the lexicon file") }
            guard let text = String(data: data, encoding: .utf8) else { throw CLIError.usage("\(path):1: not UTF-8 text") }
            files.append((path, text))
        }
        do {
            return try MatchService.lexicon(adding: files)
        } catch let error as MatchLexiconError {
            throw CLIError.usage(error.description)
        }
    }

    static func regionNames(_ codes: [String]) -> String {
        codes.map { Region(code: $0)?.label ?? $0 }.joined(separator: "、")
    }
}
