import Catalog
import JSON

/// `kechuang generate`: a deterministic catalog of realistic Chinese records, for demos, tests
/// and benchmarks.
enum GenerateCommand: Command {
    static let spec = CommandSpec(
        name: "generate",
        summary: "Write a deterministic sample catalog with the conference's mix of kinds.",
        usage: "--region REGION --count N --seed S --out FILE",
        discussion: """
            Writes a JSON array that `import` reads as it is. The kinds follow the conference's
            selection (README, "What it is"): at --count 4670 exactly 2,430 achievements, 1,565
            technologies, 624 challenges and 51 finance products (43 loans, 5 funds, 3
            insurance); other counts in the same proportions (largest remainder). The same
            region, count and seed always give the same bytes. Records are valid for years.
            Streamed: a million records never sit in memory at once.

            The records' ids are of origin REGION (REGION:gSEED-NNNNNNN), so only a node whose
            id is REGION imports them: generate with --region set to the node's id (a node
            imports only its own records).
            """,
        options: [
            OptionSpec(name: "--region", value: "REGION", help: "Region of the organisations, e.g. sichuan."),
            OptionSpec(name: "--count", value: "N", help: "Number of records, 1–10,000,000."),
            OptionSpec(name: "--seed", value: "S", help: "Seed, a whole number (default 1)."),
            OptionSpec(name: "--out", value: "FILE", help: "The file to write."),
        ])

    static func run(_ context: Context) async throws {
        let arguments = context.arguments
        let regionText = try arguments.required("--region", spec)
        guard let region = Region(lenient: regionText) else {
            throw CLIError.usage("generate: --region \(regionText): not a known region (sichuan, beijing, chongqing, …)")
        }
        let count = try arguments.integer("--count", default: -1, in: 1...10_000_000)
        guard count > 0 else { throw CLIError.usage("generate: --count is required") }
        let seedText = arguments.value("--seed") ?? "1"
        guard let seed = UInt64(seedText) else { throw CLIError.usage("generate: --seed \(seedText): expected a whole number") }
        let path = try arguments.required("--out", spec)

        var generator = CatalogGenerator(region: region, count: count, seed: seed, today: DateText.date(context.now))
        let writer = try JSONStreamWriter(path: path)
        while let project = generator.next() {
            try writer.append(project.jsonValue(nodeFields: false))
        }
        try writer.finish()
        let mix = CatalogGenerator.kindCounts(total: count).map { "\($0.value) \($0.key.rawValue)" }
        let finance = CatalogGenerator.financeCounts(total: CatalogGenerator.kindCounts(total: count).last?.value ?? 0)
            .filter { $0.value > 0 }.map { "\($0.value) \($0.key.rawValue)" }
        context.out.line(
            "Wrote \(count) records to \(path): " + mix.joined(separator: ", ")
                + (finance.isEmpty ? "" : " (" + finance.joined(separator: ", ") + ")"))
    }
}
