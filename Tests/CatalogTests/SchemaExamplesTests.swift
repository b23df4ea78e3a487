import Catalog
import Foundation
import JSON
import TestSupport
import Testing

/// Holds the data-model documents of `protocols/` against the reference validator: the examples of
/// `protocols/examples/{valid,invalid}`, the JSON Schemas of `protocols/schema` (through Python
/// `jsonschema`), and the vocabulary tables, CSV column list and CSV example of `protocols/README.md`.
///
/// Expectations live in the documents themselves: the invalid examples' expected fields come from the
/// table in `examples/invalid/README.md`, the CSV example from the README's `csv` block.
struct SchemaExamplesTests {
    // MARK: - Examples against the Swift validator

    /// The members of `valid/achievement.json`, a stored record to alter.
    static func achievement() throws -> [String: JSONValue] {
        try #require(try ProtocolFiles.json(Repository.example("valid/achievement.json")).objectValue, "valid/achievement.json is not an object")
    }

    /// A stored record (a peer's) whose title holds a C1 control or a bidi override is read as
    /// the record format says and every node reads it (merge.md §2 rule 6 does not change with a
    /// node's version, and an upgraded node still lists what it holds); an import refuses it.
    @Test(arguments: ["\u{9B}2J", "\u{202E}", "\u{2028}"])
    func displayControlsAreRefusedOnImportOnly(control: String) throws {
        var object = try Self.achievement()
        object["title"] = .string("abc\(control)gnp.exe 成果")
        #expect(try ProjectDecoder(mode: .stored).decode(.object(object)).title == "abc\(control)gnp.exe 成果")
        #expect(throws: ValidationError.self) { try ProjectDecoder(mode: .importing(origin: "sichuan")).decode(.object(object)) }
        do {
            _ = try ProjectDecoder(mode: .importing(origin: "sichuan")).decode(.object(object))
        } catch {
            #expect(error.issues.contains { $0.field == "title" }, "\(error.issues)")
        }
    }

    /// An extension field's strings (`x_…`, free-form) follow the rule of multi-line text on
    /// import: a control character is refused (ESC, CSI), a line break is not; a stored record's
    /// are read as written.
    @Test(arguments: ["\u{1B}]0;X\u{07}", "X\u{9B}2J", "\u{7F}"])
    func extensionControlsAreRefusedOnImportOnly(control: String) throws {
        var object = try Self.achievement()
        object["x_note"] = .string("备注\n第二行\t\(control)")
        object["x_tags"] = ["ok", ["inner": .string(control)]]
        #expect(try ProjectDecoder(mode: .stored).decode(.object(object)).extra["x_note"] == .string("备注\n第二行\t\(control)"))
        do {
            _ = try ProjectDecoder(mode: .importing(origin: "sichuan")).decode(.object(object))
            Issue.record("an import with \(control.debugDescription) in x_note is accepted")
        } catch {
            let fields = error.issues.map(\.field)
            #expect(fields.contains("x_note") && fields.contains { $0.hasPrefix("x_tags") }, "\(error.issues)")
        }
        object["x_note"] = .string("备注\n第二行\t完\u{202E}")
        object["x_tags"] = ["ok", ["inner": "中文"]]
        #expect(try ProjectDecoder(mode: .importing(origin: "sichuan")).decode(.object(object)).extra["x_tags"] != nil)
    }

    @Test(arguments: ProtocolFiles.exampleNames(in: "valid"))
    func validExampleDecodesAndRoundTrips(name: String) throws {
        let value = try ProtocolFiles.json(Repository.example("valid/\(name)"))
        let project: Project
        do {
            project = try ProjectDecoder(mode: .stored).decode(value)
        } catch {
            Issue.record("valid/\(name) is refused: \(error)")
            return
        }
        let written = String(decoding: try JCS.canonicalize(project.jsonValue()), as: UTF8.self)
        let original = String(decoding: try JCS.canonicalize(value), as: UTF8.self)
        #expect(written == original, "valid/\(name) does not round-trip through Project.jsonValue()")
    }

    @Test(arguments: InvalidExample.all)
    func invalidExampleIsRefusedForTheDocumentedField(example: InvalidExample) throws {
        let value = try ProtocolFiles.json(Repository.example("invalid/\(example.file)"))
        if example.isKnownGap {
            withKnownIssue(
                """
                invalid/\(example.file): the reference validator does not refuse this record yet. Once it \
                does, remove the "known gap" note from its row in protocols/examples/invalid/README.md.
                """
            ) {
                Self.expectRefusal(of: value, as: example)
            }
        } else {
            Self.expectRefusal(of: value, as: example)
        }
    }

    @Test func exampleFoldersMatchTheInvalidTable() throws {
        let valid = ProtocolFiles.exampleNames(in: "valid")
        let invalid = ProtocolFiles.exampleNames(in: "invalid")
        let table = try InvalidExample.parseTable()
        #expect(valid.count >= 6, "protocols/examples/valid has \(valid.count) examples")
        #expect(invalid.count >= 15, "protocols/examples/invalid has \(invalid.count) examples")
        #expect(table.map(\.file).sorted() == invalid, "every invalid example needs exactly one row in invalid/README.md")
        #expect(Set(table.map(\.file)).count == table.count, "invalid/README.md lists a file twice")
    }

    /// Records an issue unless decoding `value` fails, and fails on `example.field` only.
    private static func expectRefusal(of value: JSONValue, as example: InvalidExample) {
        do {
            let project = try ProjectDecoder(mode: .stored).decode(value)
            Issue.record("invalid/\(example.file) was accepted as \(project.id); expected \(example.field): \(example.problem)")
        } catch {
            let fields = error.issues.map(\.field)
            #expect(fields.contains(example.field), "invalid/\(example.file): expected a problem with \(example.field), got \(error)")
            #expect(
                fields.allSatisfy { $0 == example.field },
                "invalid/\(example.file) should have exactly the documented problem, got \(error)")
        }
    }

    // MARK: - JSON Schemas against the Swift validator

    @Test func jsonSchemasAgreeWithTheValidator() throws {
        guard let python = Python.interpreterWithJSONSchema() else {
            Issue.record(
                """
                No Python 3 with the jsonschema module (tried python3 on PATH, then /usr/bin/python3). Install \
                the Debian package python3-jsonschema (`make test` installs it) to check protocols/schema.
                """)
            return
        }
        let invalid = try InvalidExample.parseTable()
        /// One file for the script: `name` in reports, the schema to use, and whether it holds an array of records.
        func document(_ name: String, schema: String, array: Bool = false) -> JSONValue {
            ["name": .string(name), "path": .string(Repository.example(name)), "schema": .string(schema), "array": .bool(array)]
        }
        let catalogs = ["sichuan.json", "beijing.json", "chongqing.json"]
        for catalog in catalogs {
            try #require(FileManager.default.fileExists(atPath: Repository.example(catalog)), "protocols/examples/\(catalog) is missing")
        }
        let documents = ProtocolFiles.exampleNames(in: "valid").map { document("valid/\($0)", schema: "stored") }
            + invalid.map { document("invalid/\($0.file)", schema: "stored") }
            + catalogs.map { document($0, schema: "import", array: true) }
        let schemas: JSONValue = [
            "stored": .string(ProtocolFiles.schema("project.schema.json")),
            "import": .string(ProtocolFiles.schema("project-import.schema.json")),
        ]
        let job = JSONWriter.write(["schemas": schemas, "documents": .array(documents)], pretty: false)
        let run = try ProcessRunner.run(python, ["-c", Python.validationScript], input: job, timeout: 120)
        try #require(run.status == 0, "\(python) failed (status \(run.status)):\n\(run.stderr)")
        let output = try JSONParser.parse(Array(run.stdout.utf8))
        let report = try #require(SchemaReport(output), "unexpected output from \(python): \(run.stdout)")

        #expect(report.schemaProblems.isEmpty, "not valid draft 2020-12 schemas: \(report.schemaProblems)")
        for name in ProtocolFiles.exampleNames(in: "valid") {
            let errors = try #require(report.errors["valid/\(name)"], "no result for valid/\(name)")
            #expect(errors.isEmpty, "project.schema.json refuses valid/\(name): \(errors)")
        }
        for example in invalid {
            let errors = try #require(report.errors["invalid/\(example.file)"], "no result for invalid/\(example.file)")
            if example.schemaRejects {
                #expect(
                    !errors.isEmpty,
                    "project.schema.json accepts invalid/\(example.file); expected it to refuse \(example.field)")
                let unrelated = errors.filter { !$0.concerns(field: example.field) }
                #expect(unrelated.isEmpty, "invalid/\(example.file): schema errors beside \(example.field): \(unrelated)")
            } else {
                #expect(
                    errors.isEmpty,
                    """
                    project.schema.json now refuses invalid/\(example.file) (\(errors)); set its Schema column \
                    in invalid/README.md to rejects
                    """)
            }
        }
        for name in catalogs {
            let records = report.errors.filter { $0.key.hasPrefix("\(name)[") }
            #expect(!records.isEmpty, "\(name) holds no records")
            for (record, errors) in records.sorted(by: { $0.key < $1.key }) {
                #expect(errors.isEmpty, "project-import.schema.json refuses \(record): \(errors)")
            }
        }
    }

    @Test func schemaEnumerationsAreTheVocabularies() throws {
        let stored = try ProtocolFiles.json(ProtocolFiles.schema("project.schema.json"))
        let importing = try ProtocolFiles.json(ProtocolFiles.schema("project-import.schema.json"))
        let definitions = try #require(stored["$defs"])
        let importDefinitions = try #require(importing["$defs"])
        func codes(_ name: String, in defs: JSONValue = definitions) -> [String] {
            defs[name]?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? []
        }
        func rawValues<V: Vocabulary>(_ type: V.Type) -> [String] { V.allCases.map(\.rawValue) }

        #expect(codes("kind") == rawValues(ProjectKind.self))
        #expect(codes("industry") == rawValues(Industry.self))
        #expect(codes("stage") == rawValues(Stage.self))
        #expect(codes("organizationType") == rawValues(OrganizationType.self))
        #expect(codes("cooperationMode") == rawValues(CooperationMode.self))
        #expect(codes("priceMode") == rawValues(PriceMode.self))
        #expect(codes("ipType") == rawValues(IPType.self))
        #expect(codes("ipStatus") == rawValues(IPStatus.self))
        #expect(codes("financeProductType") == rawValues(FinanceProductType.self))
        #expect(codes("contactVisibility") == rawValues(ContactVisibility.self))
        #expect(codes("comparator") == rawValues(Comparator.self))
        #expect(codes("region") == Region.all.map(\.code))
        #expect(codes("supplyKind") == ProjectKind.allCases.filter(\.isSupply).map(\.rawValue))
        #expect(codes("challengeKind") == [ProjectKind.challenge.rawValue])
        #expect(codes("financeKind") == [ProjectKind.finance.rawValue])
        #expect(codes("priceModeFixed") == [PriceMode.fixed.rawValue])
        #expect(codes("priceModeRange") == [PriceMode.range.rawValue])
        #expect(codes("priceModeNegotiable") == [PriceMode.negotiable.rawValue])

        // The import schema's switches list spellings the importer resolves to the right entry,
        // and at least every code, label and alias.
        let kindSwitches: [(String, [ProjectKind])] = [
            ("supplyKind", [.achievement, .technology]), ("challengeKind", [.challenge]), ("financeKind", [.finance]),
        ]
        for (name, kinds) in kindSwitches {
            let spellings = codes(name, in: importDefinitions)
            for spelling in spellings {
                let kind = ProjectKind(lenient: spelling)
                #expect(kind.map { kinds.contains($0) } == true, "\(name): \(spelling) imports as \(String(describing: kind))")
            }
            let documented = kinds.flatMap { [$0.rawValue, $0.label] + $0.aliases }
            #expect(Set(spellings).isSuperset(of: documented), "\(name) misses \(Set(documented).subtracting(spellings))")
        }
        let modeSwitches: [(String, PriceMode)] = [("priceModeFixed", .fixed), ("priceModeRange", .range), ("priceModeNegotiable", .negotiable)]
        for (name, mode) in modeSwitches {
            let spellings = codes(name, in: importDefinitions)
            for spelling in spellings {
                #expect(PriceMode(lenient: spelling) == mode, "\(name): \(spelling) does not import as \(mode)")
            }
            #expect(Set(spellings).isSuperset(of: [mode.rawValue, mode.label] + mode.aliases))
        }

        // One list of field names: the schemas' and the CSV columns'.
        func keys(_ value: JSONValue?) -> Set<String> { Set(value?.objectValue.map { Array($0.keys) } ?? []) }
        let fields = keys(definitions["fields"]?["properties"])
        let nodeFields: Set<String> = ["version", "created_at", "updated_at"]
        #expect(keys(stored["properties"]) == nodeFields)
        #expect(keys(importing["properties"]) == fields.union(nodeFields))
        let fieldColumns = ProjectCSV.columns.filter { $0 != ProjectCSV.extensionsColumn }
        #expect(Set(fieldColumns.map { String($0.prefix { $0 != "." }) }) == fields.union(nodeFields))
    }

    // MARK: - protocols/README.md against the code

    @Test func readmeVocabularyTablesAreTheVocabularies() throws {
        let readme = try ProtocolFiles.text(ProtocolFiles.readme)
        func documented(_ name: String) -> [String] {
            Markdown.table(after: "<!-- vocabulary: \(name) -->", in: readme).map { $0.joined(separator: " / ") }
        }
        func expected<V: Vocabulary>(_ type: V.Type) -> [String] {
            V.allCases.map { "`\($0.rawValue)` / \($0.label) / \($0.aliases.isEmpty ? "—" : $0.aliases.joined(separator: ", "))" }
        }
        #expect(documented("ProjectKind") == expected(ProjectKind.self))
        #expect(documented("Industry") == expected(Industry.self))
        #expect(documented("Stage") == expected(Stage.self))
        #expect(documented("OrganizationType") == expected(OrganizationType.self))
        #expect(documented("CooperationMode") == expected(CooperationMode.self))
        #expect(documented("PriceMode") == expected(PriceMode.self))
        #expect(documented("IPType") == expected(IPType.self))
        #expect(documented("IPStatus") == expected(IPStatus.self))
        #expect(documented("FinanceProductType") == expected(FinanceProductType.self))
        #expect(documented("ContactVisibility") == expected(ContactVisibility.self))
        #expect(documented("Comparator") == expected(Comparator.self))
        #expect(documented("Region") == Region.all.map { "`\($0.code)` / \($0.label)" })
    }

    @Test func readmeCSVColumnsAreProjectCSVColumns() throws {
        let readme = try ProtocolFiles.text(ProtocolFiles.readme)
        let columns = Markdown.table(after: "<!-- csv-columns -->", in: readme).compactMap { $0.first.flatMap(Markdown.code) }
        #expect(columns == ProjectCSV.columns)
    }

    @Test func readmeCSVExampleImports() throws {
        let readme = try ProtocolFiles.text(ProtocolFiles.readme)
        let blocks = Markdown.fencedBlocks(language: "csv", in: readme)
        try #require(blocks.count == 1, "protocols/README.md should hold exactly one ```csv block")
        let rows = try CSVParser.rows(Array(blocks[0].utf8))
        let header = try ProjectCSV.validateHeader(try #require(rows.first).fields)
        let decoder = ProjectDecoder(mode: .importing(origin: "sichuan"))
        var projects: [Project] = []
        for row in rows.dropFirst() {
            #expect(row.fields.count == header.count, "README CSV example, line \(row.line): \(row.fields.count) cells")
            do {
                projects.append(try decoder.decode(ProjectCSV.object(header: header, fields: row.fields)))
            } catch {
                Issue.record("README CSV example, line \(row.line): \(error)")
            }
        }
        try #require(projects.count == 3)

        let achievement = projects[0]
        #expect(achievement.id.description == "sichuan:ach-0001")
        #expect(achievement.kind == .achievement)
        #expect(achievement.industry == .energyChemical)
        #expect(achievement.keywords == ["湿法磷酸", "溶剂萃取"])
        #expect(achievement.organization == Organization(name: "四川大学", type: .university, region: Region(code: "sichuan")!))
        #expect(achievement.contact?.visibility == .masked)
        #expect(achievement.stage == .signing)
        #expect(achievement.extra["x_batch"] == .string("2026-09"))
        guard case .supply(let supply) = achievement.details else {
            Issue.record("ach-0001 is not a supply project")
            return
        }
        #expect(supply.trl == 8)
        #expect(supply.ip == [IPRight(type: .inventionPatent, number: "ZL201510123456.7", status: .granted)])
        #expect(supply.cooperation == [.transfer, .licence])
        #expect(supply.price == Price(mode: .fixed, amount: "12000000.00"))

        let challenge = projects[1]
        #expect(challenge.id.description == "sichuan:chl-0003")
        #expect(challenge.stage == .publication)
        #expect(challenge.contact?.visibility == .public)
        guard case .challenge(let demand) = challenge.details else {
            Issue.record("chl-0003 is not a challenge")
            return
        }
        #expect(demand.problem.contains("\n"))
        #expect(demand.targets == [
            Target(metric: "检测下限", comparator: .atMost, value: "1", unit: "%LEL"),
            Target(metric: "使用寿命", comparator: .atLeast, value: "10", unit: "年"),
        ])
        #expect(demand.budget == AmountRange(min: "500000", max: "2000000"))
        #expect(demand.wantedModes == [.jointDevelopment, .service])

        let finance = projects[2]
        #expect(finance.id.description == "sichuan:fin-0012")
        guard case .finance(let product) = finance.details else {
            Issue.record("fin-0012 is not a financial product")
            return
        }
        #expect(product.productType == .loan)
        #expect(product.amount == AmountRange(max: "10000000"))
        #expect(product.term == TermRange(maxMonths: 36))
        #expect(product.eligibleRegions.map(\.code) == ["sichuan", "chongqing", "beijing"])
    }
}

// MARK: - Helpers

// Nested in the suite so that the names cannot collide with other test files of the target.
extension SchemaExamplesTests {
    /// A file of `protocols/` that a test needs and cannot read.
    struct MissingFile: Error, CustomStringConvertible {
        var path: String
        var description: String { "cannot read \(path)" }
    }

    /// Paths and readers for the files under `protocols/`.
    enum ProtocolFiles {
        static let readme = "\(Repository.root)/protocols/README.md"

        /// The path of a schema in `protocols/schema`.
        static func schema(_ name: String) -> String { "\(Repository.root)/protocols/schema/\(name)" }

        /// The names of the `.json` files in `protocols/examples/<folder>`, sorted; empty when the folder is missing.
        static func exampleNames(in folder: String) -> [String] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: Repository.example(folder))) ?? []
            return names.filter { $0.hasSuffix(".json") }.sorted()
        }

        static func bytes(_ path: String) throws -> [UInt8] {
            guard let data = FileManager.default.contents(atPath: path) else { throw MissingFile(path: path) }
            return Array(data)
        }

        static func text(_ path: String) throws -> String { String(decoding: try bytes(path), as: UTF8.self) }

        static func json(_ path: String) throws -> JSONValue { try JSONParser.parse(bytes(path)) }
    }

    /// One row of the table in `protocols/examples/invalid/README.md`.
    struct InvalidExample: Sendable, CustomTestStringConvertible {
        /// The file name in `protocols/examples/invalid`.
        var file: String
        /// The field the validator must report, such as `price.amount`.
        var field: String
        /// The problem as the reference validator words it today (informative).
        var problem: String
        /// The reference validator does not refuse the record yet (the error cell says "known gap").
        var isKnownGap: Bool
        /// `project.schema.json` refuses the record too (the Schema cell starts with "rejects").
        var schemaRejects: Bool

        var testDescription: String { file }

        static let all: [InvalidExample] = (try? parseTable()) ?? []

        /// Reads the table rows whose first cell is a backticked `.json` file name.
        static func parseTable() throws -> [InvalidExample] {
            let text = try ProtocolFiles.text(Repository.example("invalid/README.md"))
            var examples: [InvalidExample] = []
            for line in text.split(separator: "\n") {
                guard let cells = Markdown.cells(line), cells.count == 4, let file = Markdown.code(cells[0]),
                    file.hasSuffix(".json"), let error = Markdown.code(cells[2])
                else { continue }
                let separator = error.range(of: ": ")
                examples.append(
                    InvalidExample(
                        file: file, field: separator.map { String(error[..<$0.lowerBound]) } ?? error,
                        problem: separator.map { String(error[$0.upperBound...]) } ?? "",
                        isKnownGap: cells[2].contains("known gap"), schemaRejects: cells[3].hasPrefix("rejects")))
            }
            return examples
        }
    }

    /// The little Markdown reading the tests need: table rows, code spans and fenced blocks.
    enum Markdown {
        /// The cells of a table row `| a | b |`, trimmed, with `\|` unescaped; nil for any other line.
        static func cells(_ line: Substring) -> [String]? {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("|"), trimmed.hasSuffix("|"), trimmed.count > 1 else { return nil }
            var cells: [String] = []
            var cell = ""
            var escaped = false
            for character in trimmed.dropFirst().dropLast() {
                if escaped {
                    cell.append(character == "|" ? "|" : "\\\(character)")
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "|" {
                    cells.append(cell.trimmingCharacters(in: .whitespaces))
                    cell = ""
                } else {
                    cell.append(character)
                }
            }
            if escaped { cell.append("\\") }
            cells.append(cell.trimmingCharacters(in: .whitespaces))
            return cells
        }

        /// The text of the first code span (between backticks) in `text`.
        static func code(_ text: String) -> String? {
            guard let open = text.firstIndex(of: "`") else { return nil }
            let rest = text[text.index(after: open)...]
            guard let close = rest.firstIndex(of: "`") else { return nil }
            return String(rest[..<close])
        }

        /// The body rows (without header and separator) of the first table after the line holding `marker`.
        static func table(after marker: String, in text: String) -> [[String]] {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            guard let start = lines.firstIndex(where: { $0.contains(marker) }) else { return [] }
            var rows: [[String]] = []
            var started = false
            for line in lines[(start + 1)...] {
                guard let cells = cells(line) else {
                    if started { break }
                    continue
                }
                started = true
                rows.append(cells)
            }
            // Drop the header row and the `| --- |` separator.
            return Array(rows.dropFirst(2))
        }

        /// The bodies of the fenced code blocks opened with three backticks and `language`.
        static func fencedBlocks(language: String, in text: String) -> [String] {
            var blocks: [String] = []
            var current: [Substring]?
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if var body = current {
                    if line.hasPrefix("```") {
                        blocks.append(body.joined(separator: "\n") + "\n")
                        current = nil
                    } else {
                        body.append(line)
                        current = body
                    }
                } else if line == "```\(language)" {
                    current = []
                }
            }
            return blocks
        }
    }

    /// Finds a Python 3 that has `jsonschema`, and the script that validates records with it.
    enum Python {
        /// `python3` from `PATH`, else `/usr/bin/python3`, whichever first imports `jsonschema`.
        static func interpreterWithJSONSchema() -> String? {
            var candidates: [String] = []
            let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
            let onPath = path.split(separator: ":").map { "\($0)/python3" }
            if let found = onPath.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
                candidates.append(found)
            }
            candidates.append("/usr/bin/python3")
            for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
                if let result = try? ProcessRunner.run(candidate, ["-c", "import jsonschema"], timeout: 60), result.status == 0 {
                    return candidate
                }
            }
            return nil
        }

        /// Reads a job from standard input (`schemas`: name → path; `documents`: name, path, schema name,
        /// and `array` for files holding a JSON array of records), checks the schemas against the draft
        /// 2020-12 meta-schema, validates every record, and prints the errors as JSON.
        static let validationScript = """
            import json, sys
            import jsonschema
            from jsonschema import Draft202012Validator

            job = json.load(sys.stdin)
            schemas = {}
            for key, path in job["schemas"].items():
                with open(path, encoding="utf-8") as handle:
                    schemas[key] = json.load(handle)
            problems = []
            for key, schema in schemas.items():
                try:
                    Draft202012Validator.check_schema(schema)
                except jsonschema.exceptions.SchemaError as error:
                    problems.append("%s: %s" % (key, error.message))
            try:
                from referencing import Registry, Resource
                registry = Registry().with_resources(
                    [(schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()])
                def make(schema):
                    return Draft202012Validator(schema, registry=registry)
            except ImportError:  # jsonschema before 4.18, such as Debian 12's 4.10
                store = {schema["$id"]: schema for schema in schemas.values()}
                def make(schema):
                    return Draft202012Validator(schema, resolver=jsonschema.RefResolver.from_schema(schema, store=store))
            validators = {key: make(schema) for key, schema in schemas.items()}
            results = []
            for document in job["documents"]:
                with open(document["path"], encoding="utf-8") as handle:
                    value = json.load(handle)
                records = list(enumerate(value)) if document.get("array") else [(None, value)]
                for index, record in records:
                    name = document["name"] if index is None else "%s[%d]" % (document["name"], index)
                    errors = [{"path": list(error.absolute_path), "message": error.message}
                              for error in validators[document["schema"]].iter_errors(record)]
                    results.append({"name": name, "errors": errors})
            json.dump({"schema_problems": problems, "results": results}, sys.stdout)
            """
    }

    /// The output of `Python.validationScript`.
    struct SchemaReport {
        /// One schema error: where in the record, and what.
        struct SchemaError: CustomStringConvertible {
            var path: [JSONPathComponent]
            var message: String

            var description: String { "\(JSONPath.render(path)): \(message)" }

            /// True when the error sits at `field` (a rendered field path such as `price.amount`) or at an
            /// object that contains it, as a `required` or `additionalProperties` error does.
            func concerns(field: String) -> Bool {
                if path.isEmpty { return true }
                let rendered = JSONPath.render(path)
                return field == rendered || field.hasPrefix(rendered + ".") || field.hasPrefix(rendered + "[")
            }
        }

        var schemaProblems: [String]
        /// Errors by document name (`valid/achievement.json`, `sichuan.json[3]`).
        var errors: [String: [SchemaError]]

        init?(_ output: JSONValue) {
            guard let problems = output["schema_problems"]?.arrayValue, let results = output["results"]?.arrayValue else {
                return nil
            }
            schemaProblems = problems.compactMap(\.stringValue)
            errors = [:]
            for result in results {
                guard let name = result["name"]?.stringValue, let list = result["errors"]?.arrayValue else { return nil }
                errors[name] = list.map { error in
                    let path = (error["path"]?.arrayValue ?? []).map { component -> JSONPathComponent in
                        component.intValue.map(JSONPathComponent.index) ?? .key(component.stringValue ?? "")
                    }
                    return SchemaError(path: path, message: error["message"]?.stringValue ?? "")
                }
            }
        }
    }
}
