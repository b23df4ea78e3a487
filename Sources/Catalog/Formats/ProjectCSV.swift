public import JSON

/// The CSV form of a project: one column per scalar field, dotted columns for nested objects,
/// `;`-separated lists, and `|`-separated parts for lists of objects (documented in
/// `protocols/README.md`, "CSV columns").
///
/// Reading turns a row into the same JSON object a JSON import would carry, so both formats go
/// through one validator. Writing produces what reading accepts: a CSV dump re-imports into its
/// node as a no-op. The record's fields without a column of their own (extension fields `x_…`)
/// travel in one JSON cell, `extensions`.
///
/// A spreadsheet evaluates a cell that starts with `=`, `+`, `-` or `@` (or TAB, CR) as a formula,
/// so writing prefixes such a cell, and one that starts with `'`, with `'`; reading removes that
/// one `'` again (`'+86 28 …` reads as `+86 28 …`).
public enum ProjectCSV {
    /// Every column, in the order `dump --format csv` writes them.
    public static let columns: [String] = [
        "id", "kind", "title", "summary", "description", "industry", "keywords",
        "organization.name", "organization.type", "organization.region",
        "contact.name", "contact.phone", "contact.email", "contact.visibility",
        "stage", "service_agent.name", "service_agent.organization", "service_agent.phone",
        "sessions", "valid_through", "same_as",
        "trl", "ip", "cooperation", "price.mode", "price.amount", "price.min", "price.max", "price.currency",
        "problem", "targets", "budget.min", "budget.max", "budget.currency", "deadline", "wanted_modes",
        "product_type", "provider", "amount.min", "amount.max", "amount.currency",
        "term.min_months", "term.max_months", "eligible_industries", "eligible_stages", "eligible_regions",
        "origin", "version", "created_at", "updated_at", extensionsColumn,
    ]

    /// The column that holds, as one JSON object, the record's top-level fields that have no
    /// column of their own: extension fields `x_…` (and, in a dump, fields of a later format
    /// version). Reading makes each member a top-level field again.
    public static let extensionsColumn = "extensions"

    /// Columns whose cell is a `;`-separated list.
    static let listColumns: Set<String> = [
        "keywords", "sessions", "same_as", "cooperation", "wanted_modes", "eligible_industries", "eligible_stages",
        "eligible_regions",
    ]
    /// Columns whose cell is a `;`-separated list of `|`-separated parts, with the parts' names.
    static let objectListColumns: [String: [String]] = [
        "ip": ["type", "number", "status"],
        "targets": ["metric", "comparator", "value", "unit"],
    ]
    static let integerColumns: Set<String> = ["trl", "term.min_months", "term.max_months", "version"]

    /// A header problem: an unknown or repeated column.
    public struct HeaderError: Error, Sendable, CustomStringConvertible {
        public var column: String
        public var problem: String
        public var description: String { "column \"\(column)\": \(problem)" }
    }

    /// Checks a header row and returns it trimmed. Extension columns `x_…` are accepted.
    public static func validateHeader(_ header: [String]) throws(HeaderError) -> [String] {
        var seen: Set<String> = []
        var names: [String] = []
        for (index, raw) in header.enumerated() {
            var name = raw.trimmingWhitespace()
            if index == 0, name.hasPrefix("\u{FEFF}") { name.removeFirst() }
            guard columns.contains(name) || name.hasPrefix("x_") else {
                throw HeaderError(column: name, problem: "unknown column (see protocols/README.md, CSV columns)")
            }
            guard seen.insert(name).inserted else { throw HeaderError(column: name, problem: "appears twice") }
            names.append(name)
        }
        guard seen.contains("id") else { throw HeaderError(column: "id", problem: "is missing") }
        return names
    }

    /// A cell that cannot be part of a record: an `extensions` cell that is not a JSON object, or
    /// that repeats a column.
    public struct CellError: Error, Sendable, CustomStringConvertible {
        public var column: String
        public var problem: String
        public var description: String { "\(column): \(problem)" }
    }

    /// Converts one row into the JSON object of a record. Empty cells are left out, and one `'`
    /// that escapes a formula character is removed from the start of a cell.
    ///
    /// - Throws: `CellError` for an `extensions` cell that is not a JSON object of fields other
    ///   than the row's columns (the validator then judges the fields it holds).
    public static func object(header: [String], fields: [String]) throws(CellError) -> JSONValue {
        var object: [String: JSONValue] = [:]
        var extensions: [String: JSONValue] = [:]
        for (name, cell) in zip(header, fields) {
            let text = unescapingFormula(cell.trimmingWhitespace())
            if text.isEmpty { continue }
            if name == extensionsColumn {
                extensions = try extensionFields(text, header: header)
                continue
            }
            let value: JSONValue
            if listColumns.contains(name) {
                value = .array(splitList(text).map(JSONValue.string))
            } else if let parts = objectListColumns[name] {
                value = .array(splitList(text).map { item in
                    // Surplus parts stay in the last one, where the validator reports the stray `|`.
                    let values = item.split(separator: "|", maxSplits: parts.count - 1, omittingEmptySubsequences: false)
                        .map { String($0).trimmingWhitespace() }
                    var fields: [String: JSONValue] = [:]
                    for (part, partValue) in zip(parts, values) where !partValue.isEmpty {
                        fields[part] = .string(partValue)
                    }
                    return .object(fields)
                })
            } else if integerColumns.contains(name), let number = Int(text) {
                value = .number(Double(number))
            } else {
                value = .string(text)
            }
            let path = name.split(separator: ".").map(String.init)
            if path.count == 2 {
                var nested = object[path[0]]?.objectValue ?? [:]
                nested[path[1]] = value
                object[path[0]] = .object(nested)
            } else {
                object[name] = value
            }
        }
        for (name, value) in extensions { object[name] = value }
        return .object(object)
    }

    /// The members of an `extensions` cell.
    private static func extensionFields(_ text: String, header: [String]) throws(CellError) -> [String: JSONValue] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch {
            throw CellError(column: extensionsColumn, problem: "not JSON: \(error)")
        }
        guard let members = value.objectValue else {
            throw CellError(column: extensionsColumn, problem: "must be a JSON object of extension fields, such as {\"x_batch\":\"2026-09\"}")
        }
        let columns = Set((header + Self.columns).map { String($0.prefix { $0 != "." }) })
        for name in members.keys.sorted() where columns.contains(name) {
            throw CellError(column: extensionsColumn, problem: "\(name) has a column of its own")
        }
        return members
    }

    // MARK: Formula escaping

    /// First bytes that make a spreadsheet read a cell as a formula (`=`, `+`, `-`, `@`, TAB,
    /// CR), and `'`, the escape itself.
    static let formulaStarts: Set<UInt8> = [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D, 0x27]

    /// `cell` with a `'` in front when it starts with a formula character or `'`.
    public static func escapingFormula(_ cell: String) -> String {
        guard let first = cell.utf8.first, formulaStarts.contains(first) else { return cell }
        return "'" + cell
    }

    /// `cell` without the `'` that `escapingFormula` put in front of a formula character or `'`;
    /// any other cell as it is (a `'` before ordinary text is the text's own).
    public static func unescapingFormula(_ cell: String) -> String {
        let bytes = cell.utf8
        guard bytes.first == 0x27, let second = bytes.dropFirst().first, formulaStarts.contains(second) else { return cell }
        return String(cell.dropFirst())
    }

    /// Splits a list cell at `;` or full-width `；`.
    static func splitList(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == ";" || $0 == "；" }).map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    /// The header row `dump --format csv` writes.
    public static var headerLine: String { CSVParser.format(columns) }

    /// One record as a CSV line in `columns` order, every cell escaped for spreadsheets, the
    /// fields without a column in the `extensions` cell.
    public static func line(_ project: Project) -> String {
        guard case .object(let object) = project.jsonValue(nodeFields: true) else { return "" }
        let cells = columns.map { column -> String in
            if column == extensionsColumn {
                return project.extra.isEmpty ? "" : JSONWriter.string(.object(project.extra), pretty: false)
            }
            let path = column.split(separator: ".").map(String.init)
            var value: JSONValue? = object[path[0]]
            if path.count == 2 { value = value?[path[1]] }
            guard let value else { return "" }
            if let parts = objectListColumns[column], let items = value.arrayValue {
                return items.map { item in parts.map { item[$0]?.stringValue ?? "" }.joined(separator: "|") }
                    .map { $0.hasSuffix("|") ? String($0.dropLast()) : $0 }
                    .joined(separator: ";")
            }
            switch value {
            case .string(let text): return text
            case .number(let number): return String(Int(number))
            case .array(let items): return items.compactMap(\.stringValue).joined(separator: ";")
            default: return ""
            }
        }
        return CSVParser.format(cells.map(escapingFormula))
    }
}
