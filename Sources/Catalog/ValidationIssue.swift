public import JSON

/// One problem found in a record: where it is and what is wrong.
public struct ValidationIssue: Sendable, Hashable, CustomStringConvertible {
    /// The field, as a path into the record (`organization.region`, `ip[1].status`).
    public var path: [JSONPathComponent]
    /// What is wrong, in a short phrase ("is required", "must be one of …").
    public var problem: String

    public init(path: [JSONPathComponent], problem: String) {
        self.path = path
        self.problem = problem
    }

    /// The field path rendered with dots and brackets, or `(record)` for the record as a whole.
    public var field: String { path.isEmpty ? "(record)" : JSONPath.render(path) }

    public var description: String { "\(field): \(problem)" }
}

/// A record that failed validation, with every problem found in it.
public struct ValidationError: Error, Sendable, CustomStringConvertible {
    public var issues: [ValidationIssue]

    public init(issues: [ValidationIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "; ") }
}
