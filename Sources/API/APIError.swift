public import JSON

/// An error a handler turns into an HTTP status (Hummingbird's `HTTPResponseError`): every error
/// the API means to show conforms; anything else becomes a 500 without its message.
public protocol HTTPResponseError: Error {
    var status: Int { get }
    var message: String { get }
    /// Extra members of the error object (`issues` of a refused import).
    var details: [String: JSONValue] { get }
}

extension HTTPResponseError {
    public var details: [String: JSONValue] { [:] }
}

/// The API's own errors.
public struct APIError: HTTPResponseError, Sendable, CustomStringConvertible {
    public let status: Int
    public let message: String
    public let details: [String: JSONValue]

    public init(status: Int, _ message: String, details: [String: JSONValue] = [:]) {
        self.status = status
        self.message = message
        self.details = details
    }

    public var description: String { "\(status) \(message)" }

    static func badRequest(_ message: String, details: [String: JSONValue] = [:]) -> APIError { APIError(status: 400, message, details: details) }
    static func notFound(_ message: String = "not found") -> APIError { APIError(status: 404, message) }
    static func methodNotAllowed(_ allowed: [String]) -> APIError {
        APIError(status: 405, "method not allowed (allowed: \(allowed.joined(separator: ", ")))", details: ["allow": .array(allowed.map { .string($0) })])
    }
    static let unauthorized = APIError(status: 401, "missing or wrong bearer token")
}
