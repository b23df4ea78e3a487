public import JSON

/// The CSV form of a project: one column per scalar field, dotted columns for nested objects,
/// `;`-separated lists, and `|`-separated parts for lists of objects (documented in
/// `protocols/README.md`, "CSV columns").
///
/// Reading turns a row into the same JSON object a JSON import would carry, so both formats go
/// through one validator. Writing produces what reading accepts: a CSV dump re-imports as a no-op,
/// except that extension fields `x_…` are not written (`dump --format json` keeps them).
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
        "origin", "version", "created_at", "updated_at",
    ]

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

    /// Converts one row into the JSON object of a record. Empty cells are left out.
    public static func object(header: [String], fields: [String]) -> JSONValue {
        var object: [String: JSONValue] = [:]
        for (name, cell) in zip(header, fields) {
            let text = cell.trimmingWhitespace()
            if text.isEmpty { continue }
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
        return .object(object)
    }

    /// Splits a list cell at `;` or full-width `；`.
    static func splitList(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == ";" || $0 == "；" }).map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    /// The header row `dump --format csv` writes.
    public static var headerLine: String { CSVParser.format(columns) }

    /// One record as a CSV line in `columns` order. Extension fields are not written.
    public static func line(_ project: Project) -> String {
        guard case .object(let object) = project.jsonValue(nodeFields: true) else { return "" }
        let cells = columns.map { column -> String in
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
        return CSVParser.format(cells)
    }
}
