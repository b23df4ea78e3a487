import Catalog
import Foundation
import JSON
import Store

/// `kechuang import FILE`: loads records into the node's own catalog, atomically.
enum ImportCommand: Command {
    static let spec = CommandSpec(
        name: "import",
        summary: "Import records from a JSON array or CSV file, all or nothing.",
        usage: "FILE [--format json|csv] [--encoding auto|utf-8|gb18030] [--republish] [--json] [--quiet]",
        discussion: """
            FILE is a JSON array of records or a CSV file with a header row (columns in
            protocols/README.md). Text may be UTF-8 (with or without BOM) or GB18030, as Chinese
            spreadsheet software writes; auto picks UTF-8 when the bytes are valid UTF-8.
            Ids without "ORIGIN:" get this node's origin; other origins' ids are refused.
            If any record is invalid, nothing is imported and every problem is printed as
            FILE:LINE: field: problem (exit code 2). Re-importing an id updates it (version + 1)
            only when its content changed; a deleted id that comes back continues its version.
            A record that would publish again the contact or service_agent that `kechuang redact`
            erased is refused (FILE:LINE: contact: …, exit code 2, nothing imported) unless
            --republish is given; a re-import without those fields passes.
            Every change is appended to the node's log and a new checkpoint is signed, so a
            running `kechuang serve` publishes it at once.
            """,
        positionals: [("FILE", "The file to import.")],
        options: [
            OptionSpec(name: "--format", value: "FORMAT", help: "json or csv (default: from the extension, else sniffed)."),
            OptionSpec(name: "--encoding", value: "ENCODING", help: "auto (default), utf-8 or gb18030."),
            OptionSpec.flag("--quiet", "No progress line (it is shown only on a terminal anyway)."),
            .flag("--republish", "Publish again a contact or service agent that a redaction erased (the person agreed)."),
            .flag("--json", "Print the summary as JSON."),
        ],
        minPositionals: 1, maxPositionals: 1)

    static func run(_ context: Context) async throws {
        let arguments = context.arguments
        let path = arguments.positionals[0]
        var format: ImportSource.Format?
        if let text = arguments.value("--format") {
            guard let parsed = ImportSource.Format(rawValue: text.lowercased()) else {
                throw CLIError.usage("import: --format \(text): use json or csv")
            }
            format = parsed
        }
        let encodingText = arguments.value("--encoding")?.lowercased() ?? "auto"
        guard let encoding = ImportSource.Encoding(rawValue: encodingText == "utf8" ? "utf-8" : encodingText) else {
            throw CLIError.usage("import: --encoding \(encodingText): use auto, utf-8 or gb18030")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw CLIError.usage("import: \(path): no such readable file")
        }
        let store = try CatalogStore(path: context.data.database)
        let progress = TerminalProgress(label: "import", unit: "records", quiet: arguments.flag("--quiet"))
        var tell: ImportProgress?
        if let progress { tell = { records, share in progress.update(done: records, share: share) } }
        defer { progress?.finish() }
        let report = try await store.importProjects(
            from: .file(path, format: format, encoding: encoding), now: context.now, republish: arguments.flag("--republish"), progress: tell)
        progress?.finish()
        try await NodeKeys.publish(store, context.data, now: context.now)
        if arguments.flag("--json") {
            context.out.json([
                "file": .string(path), "total": .number(Double(report.total)), "created": .number(Double(report.created)),
                "updated": .number(Double(report.updated)), "unchanged": .number(Double(report.unchanged)),
            ])
        } else {
            context.out.line(
                "Imported \(path): \(report.total) records (\(report.created) created, \(report.updated) updated, \(report.unchanged) unchanged)")
        }
    }
}
