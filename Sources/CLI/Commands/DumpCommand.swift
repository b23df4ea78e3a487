import Catalog
import Foundation
import JSON
import Store

/// `kechuang dump`: writes the whole catalog in a form `import` reads back.
enum DumpCommand: Command {
    static let spec = CommandSpec(
        name: "dump",
        summary: "Write the catalog as a JSON array or CSV that import reads back.",
        usage: "[--format json|csv] [--out FILE]",
        discussion: """
            Every record, expired ones included, in id order. Node-owned fields (origin, version,
            created_at, updated_at) are written for reference; import ignores them. The output is
            streamed, so catalogs of millions of records dump in bounded memory. A dump imported
            into its own node changes nothing. In CSV, extension fields (x_…) travel as one JSON
            object in the last column, extensions, and a cell that starts with = + - @ TAB, CR
            or ' gets a ' in front so that a spreadsheet does not run it as a formula (import
            removes it; protocols/README.md, CSV columns).
            """,
        options: [
            OptionSpec(name: "--format", value: "FORMAT", help: "json (default) or csv."),
            OptionSpec(name: "--out", value: "FILE", help: "Write to FILE instead of standard output."),
        ])

    static func run(_ context: Context) async throws {
        let format = context.arguments.value("--format") ?? "json"
        guard format == "json" || format == "csv" else { throw CLIError.usage("dump: --format \(format): use json or csv") }
        let reader = try CatalogReader(path: context.data.database)
        var output = context.out
        if let path = context.arguments.value("--out") {
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                throw CLIError.failure("dump: cannot write \(path)")
            }
            output = Output(handle: handle)
        }
        if format == "csv" {
            output.write(ProjectCSV.headerLine)
            try reader.forEachProject { output.write(ProjectCSV.line($0)) }
        } else {
            var first = true
            output.write("[")
            try reader.forEachProject { project in
                output.write(first ? "\n" : ",\n")
                first = false
                output.write(bytes: try JCS.canonicalize(project.jsonValue(nodeFields: true)))
            }
            output.write(first ? "]\n" : "\n]\n")
        }
        output.flush()
    }
}
