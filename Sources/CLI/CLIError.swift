/// An error of the command line itself: bad usage (exit code 2), a failed run (exit code 1), or
/// data that checked out but has expired (exit code 3, `verify`).
public struct CLIError: Error, Sendable, CustomStringConvertible {
    /// The process exit code this error leads to.
    public let exitCode: Int32
    public let message: String

    public var description: String { message }

    /// Bad usage or bad input: unknown option, missing argument, malformed value (exit code 2).
    public static func usage(_ message: String) -> CLIError { CLIError(exitCode: 2, message: message) }

    /// A runtime failure (exit code 1).
    public static func failure(_ message: String) -> CLIError { CLIError(exitCode: 1, message: message) }

    /// Everything checked out, but past its expiry: the origin is stale (exit code 3).
    public static func expired(_ message: String) -> CLIError { CLIError(exitCode: 3, message: message) }
}
