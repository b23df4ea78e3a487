import API
import Catalog
import Foundation
import HTTPClient
import JSON
import Query
import Store

/// The filter options `search` and `list` share.
enum SearchOptions {
    static let filters: [OptionSpec] = [
        OptionSpec(name: "--kind", value: "KIND", help: "achievement, technology, challenge or finance (or 科技成果, …).", repeatable: true),
        OptionSpec(name: "--industry", value: "INDUSTRY", help: "electronics, equipment, food_textile, energy_chemical, materials, health, agriculture.", repeatable: true),
        OptionSpec(name: "--region", value: "REGION", help: "Region of the organisation: sichuan, beijing, 重庆, …", repeatable: true),
        OptionSpec(name: "--origin", value: "ORIGIN", help: "Node that owns the records.", repeatable: true),
        OptionSpec(name: "--stage", value: "STAGE", help: "publication, matchmaking, signing, transaction, follow_up, deployment.", repeatable: true),
        OptionSpec(name: "--trl", value: "RANGE", help: "Technology readiness level: 5 or 3-6."),
        OptionSpec(name: "--limit", value: "N", help: "Results per page, 1–1000 (default 20)."),
        OptionSpec(name: "--cursor", value: "CURSOR", help: "Continue after the page that printed this cursor."),
        .flag("--include-expired", "Also show records past their valid_through date."),
        .flag("--json", "Print JSON: {\"total\", \"results\": [{\"id\", \"kind\", \"title\", \"origin\", …}], \"facets\", \"next_cursor\", \"total_approximate\", \"facets_approximate\", \"order_approximate\"}."),
        .flag("--facets", "Also print counts by kind, industry, region, stage and origin."),
        .flag("--unified", "One result per cluster of the unified catalog (id = its steward's, with \"cluster\" and \"members\"); a cluster matches when any member does, and the count, facets and cursor count clusters."),
    ]

    static func request(_ context: Context, query: String, defaultOrder: SearchOrder) throws -> SearchRequest {
        let arguments = context.arguments
        var order = defaultOrder
        if let text = arguments.value("--sort") {
            guard let parsed = SearchOrder(rawValue: text) else {
                throw CLIError.usage("--sort \(text): use \(SearchOrder.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            order = parsed
        }
        var request = SearchRequest(
            includeExpired: arguments.flag("--include-expired"), order: order,
            limit: try arguments.integer("--limit", default: 20, in: 1...1000), cursor: arguments.value("--cursor"),
            today: DateText.date(context.now))
        request.unified = arguments.flag("--unified")
        request = try QueryParser.parse(query, into: request)
        for field in ["kind", "industry", "region", "origin", "stage", "trl"] {
            for value in arguments.all("--" + field) {
                try QueryParser.apply(field: field, value: value, to: &request)
            }
        }
        return request
    }

    static func print(_ page: SearchPage, request: SearchRequest, context: Context) {
        let out = context.out
        if context.arguments.flag("--json") {
            out.json(CatalogJSON.page(page))
            return
        }
        if page.totalApproximate {
            out.line("about \(page.total) result\(page.total == 1 ? "" : "s") (estimated from a sample)")
        } else {
            out.line(page.total == 0 ? "No results." : "\(page.total) result\(page.total == 1 ? "" : "s")")
        }
        for hit in page.hits {
            let project = hit.project
            out.line("  \(project.id)  [\(project.kind.label)] \(project.title)")
            if hit.cluster != nil, hit.members.count > 1 { out.line("      cluster: " + hit.members.joined(separator: ", ")) }
            var facts = [project.industry.label, project.organization.region.label, project.organization.name]
            if let trl = project.trl { facts.append("TRL \(trl)") }
            facts.append(project.stage.label)
            if project.isExpired(today: request.today) { facts.append("已过期 expired \(project.validThrough)") }
            out.line("      " + facts.joined(separator: " · "))
        }
        if context.arguments.flag("--facets") {
            if page.facetsApproximate { out.line("  (facet counts estimated from a sample)") }
            for facet in ["kind", "industry", "region", "stage", "origin"] {
                let counts = (page.facets[facet] ?? [:]).sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                out.line("  \(facet): " + counts.map { "\(label(facet: facet, code: $0.key)) \($0.value)" }.joined(separator: ", "))
            }
        }
        if let next = page.nextCursor {
            out.line("More: " + context.continuation(cursor: next))
        }
    }

    static func label(facet: String, code: String) -> String {
        switch facet {
        case "kind": ProjectKind(rawValue: code)?.label ?? code
        case "industry": Industry(rawValue: code)?.label ?? code
        case "region": Region(code: code)?.label ?? code
        case "stage": Stage(rawValue: code)?.label ?? code
        default: code
        }
    }
}

/// `kechuang search QUERY`: full-text search in Chinese (Simplified or Traditional) and mixed terms.
enum SearchCommand: Command {
    static let spec = CommandSpec(
        name: "search",
        summary: "Search the catalog (Chinese, Traditional or Simplified, and mixed terms such as 50MW).",
        usage: "QUERY [--kind KIND] [--industry INDUSTRY] [--region REGION] [--origin ORIGIN] [--stage STAGE] [--trl RANGE] [--sort relevance|recency|title] [--limit N] [--cursor CURSOR] [--include-expired] [--facets] [--unified] [--federated [--deadline SECONDS]] [--json]",
        discussion: """
            Every term must match the title, summary, keywords or organisation. Terms are folded:
            先進 finds 先进, ＯＲＣ finds ORC; one- and two-character terms (毫米, 光) work too.
            Quote a phrase ("毫米波 感知"); filter inline with kind:, industry:, region:, origin:,
            stage:, trl: (e.g. 燃气轮机 region:四川 trl:5-9). Records past valid_through are left
            out unless --include-expired. At most 8 terms of at most 64 characters.

            A page's work is bounded: when more records match than one sample (2,000
            candidates), the count and facets are estimated from it ("about N results"),
            relevance ranks the newest 2,000 candidates at a time, and a page may come back
            short with a cursor that continues.

            With --unified (also for list): one result per cluster of the unified catalog, under
            its steward's id, with "cluster" and "members" in --json; a cluster matches when any
            member matches, and the count, facets and cursor count clusters (each facet once per
            distinct value among a cluster's matching members). See protocols/clusters.md.

            With --federated (also with --unified): the same search on every peer as well, in
            parallel, answered within --deadline seconds (default 2, at most 5) whatever the
            peers do (protocols/federation.md). Each peer is asked once (scope=local, so the
            query goes one hop) for at most 16 results with their proofs; its answer is read up
            to 4 MiB. A result about an origin this node pins is shown verified only when its
            entry line, body and inclusion path check out under a checkpoint signed with a key
            the origin's root key authorises, consistent with the tree this node holds; one that
            fails is dropped and its peer reported (peers[].error and kechuang peer status). A
            result without proofs, or about an origin not pinned here, is shown unverified.
            Results that share a member id are one; they are ordered by a rank merge (this
            node's first, then each peer's by its own rank, interleaved; scores are never
            compared), and each says where it came from ("via"). --json prints {"scope":
            "federation", "results": [{…, "via", "verified", "stale"?}], "total", "peers":
            [{"id", "status": "answered"|"failed"|"timed_out", "results", "ms", "error"}],
            "deadline_ms"}. No --cursor or --facets with --federated.
            """,
        positionals: [("QUERY", "Search terms and filters; several words are joined.")],
        options: SearchOptions.filters + [
            OptionSpec(name: "--sort", value: "ORDER", help: "relevance (default), recency or title (pinyin order)."),
            .flag("--federated", "Also search every peer, in parallel, within --deadline; verify their results against the pinned origins (protocols/federation.md)."),
            OptionSpec(name: "--deadline", value: "SECONDS", help: "With --federated: answer within this time (default 2, at most 5; decimals allowed)."),
        ],
        minPositionals: 1, maxPositionals: 64)

    static func run(_ context: Context) async throws {
        let query = context.arguments.positionals.joined(separator: " ")
        let request = try SearchOptions.request(context, query: query, defaultOrder: .relevance)
        let reader = try CatalogReader(path: context.data.database)
        if context.arguments.flag("--federated") {
            try federated(context, request: request, query: query, reader: reader)
            return
        }
        guard context.arguments.value("--deadline") == nil else { throw CLIError.usage("search: --deadline needs --federated") }
        let page = try reader.search(request)
        SearchOptions.print(page, request: request, context: context)
    }

    /// `--federated`: this node's search and its peers', merged (protocols/federation.md).
    static func federated(_ context: Context, request: SearchRequest, query: String, reader: CatalogReader) throws {
        let arguments = context.arguments
        guard arguments.value("--cursor") == nil, !arguments.flag("--facets") else {
            throw CLIError.usage("search --federated: no --cursor or --facets (a federated answer is one page)")
        }
        var deadline = FederatedSearch.defaultDeadline
        if let text = arguments.value("--deadline") {
            guard let seconds = Double(text), seconds > 0, seconds * 1000 <= Double(FederatedSearch.maxDeadline) else {
                throw CLIError.usage("search: --deadline \(text): expected seconds, more than 0 and at most \(FederatedSearch.maxDeadline / 1000)")
            }
            deadline = max(1, Int((seconds * 1000).rounded()))
        }
        // The peers get the terms and filters as given: the same search, parsed by each node.
        var forwarded: [(name: String, value: String)] = [("q", query)]
        for field in QueryParser.qualifiers {
            for value in arguments.all("--" + field) { forwarded.append((field, value)) }
        }
        if let order = arguments.value("--sort") { forwarded.append(("sort", order)) }
        if arguments.flag("--include-expired") { forwarded.append(("include_expired", "true")) }
        if request.unified { forwarded.append(("unified", "true")) }
        let client = HTTPClient()
        defer { client.shutdown() }
        let search = FederatedSearch(parameters: forwarded, limit: request.limit, deadline: deadline)
        let report = try search.run(local: { try reader.search(request) }, peers: try reader.peerList(), reader: reader, client: client)
        if !report.peerErrors.isEmpty || !report.forks.isEmpty {
            let store = try CatalogStore(path: context.data.database)
            try store.synchronously { store in try report.record(in: store) }
        }
        if arguments.flag("--json") {
            context.out.json(report.json)
            return
        }
        printFederated(report.json, context: context)
    }

    static func printFederated(_ value: JSONValue, context: Context) {
        let out = context.out
        let results = value["results"]?.arrayValue ?? []
        out.line(results.isEmpty ? "No results." : "\(results.count) result\(results.count == 1 ? "" : "s") (federated)")
        for result in results {
            let mark = result["verified"]?.boolValue == true ? "" : (result["stale"]?.boolValue == true ? "  (unverified: stale)" : "  (unverified)")
            out.line("  \(result["id"]?.stringValue ?? "?")  \(result["title"]?.stringValue ?? "")\(mark)")
            let via = (result["via"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ", ")
            out.line("      via \(via) · \(result["organization"]?.stringValue ?? "") · \(result["stage"]?.stringValue ?? "")")
        }
        for peer in value["peers"]?.arrayValue ?? [] {
            var line = "  peer \(peer["id"]?.stringValue ?? "?"): \(peer["status"]?.stringValue ?? "?"), \(peer["results"]?.intValue ?? 0) results, \(peer["ms"]?.intValue ?? 0) ms"
            if let error = peer["error"]?.stringValue { line += ": " + error }
            out.line(line)
        }
    }
}

/// `kechuang list`: the catalog without search terms, filtered and ordered.
enum ListCommand: Command {
    static let spec = CommandSpec(
        name: "list",
        summary: "List records, filtered, by title (pinyin order) or most recently updated.",
        usage: "[--kind KIND] [--industry INDUSTRY] [--region REGION] [--origin ORIGIN] [--stage STAGE] [--trl RANGE] [--sort title|recency] [--limit N] [--cursor CURSOR] [--include-expired] [--facets] [--unified] [--json]",
        options: SearchOptions.filters + [
            OptionSpec(name: "--sort", value: "ORDER", help: "title (default, pinyin order) or recency.")
        ])

    static func run(_ context: Context) async throws {
        let request = try SearchOptions.request(context, query: "", defaultOrder: .title)
        let reader = try CatalogReader(path: context.data.database)
        SearchOptions.print(try reader.search(request), request: request, context: context)
    }
}
