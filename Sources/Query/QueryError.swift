/// A query that cannot be understood, with the part at fault.
public struct QueryError: Error, Sendable, CustomStringConvertible, Hashable {
    /// What is wrong, naming the offending part of the query.
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
