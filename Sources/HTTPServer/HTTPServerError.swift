#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An error thrown by the HTTPServer module when a server cannot be configured or started.
///
/// `HTTPServerError` is a struct rather than an enum so that new kinds can be added without breaking callers'
/// exhaustive `switch` statements. Match a kind with `==` or a `case` pattern against the static members
/// (`.invalidConfiguration`, `.bindFailed`, `.daemonFailed`, `.alreadyStarted`, `.signalSetupFailed`); equality compares the kind
/// only, because the remaining properties are diagnostics.
///
/// Errors while serving are not thrown: the server answers the client (400, 413, 500) and carries on.
public struct HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of failure. Private so that adding one is not a source-breaking change.
    private enum Code: Sendable, Equatable {
        case invalidConfiguration
        case bindFailed
        case daemonFailed
        case alreadyStarted
        case signalSetupFailed
    }

    private let code: Code

    /// What was wrong, for people; empty for the bare static members.
    public let detail: String

    /// The address the server tried to listen on, as `host:port`, when the failure concerns it.
    public let address: String?

    /// The system call that failed (`socket`, `bind`, `listen`, …), if the failure came from one.
    public let function: String?

    /// The `errno` of the failed system call, such as `EADDRINUSE` or `EACCES`.
    public let systemErrorNumber: Int32?

    private init(
        code: Code, detail: String = "", address: String? = nil, function: String? = nil,
        systemErrorNumber: Int32? = nil
    ) {
        self.code = code
        self.detail = detail
        self.address = address
        self.function = function
        self.systemErrorNumber = systemErrorNumber
    }

    /// A ``HTTPServer/Configuration`` value is out of range, or the host is not an IPv4 address.
    public static let invalidConfiguration = HTTPServerError(code: .invalidConfiguration)

    /// The listening socket could not be created, bound or put in listening mode; ``address``, ``function``
    /// and ``systemErrorNumber`` say where and why (`EADDRINUSE` when the port is taken).
    public static let bindFailed = HTTPServerError(code: .bindFailed)

    /// libmicrohttpd refused to start (`MHD_start_daemon` returned NULL), for example because it could not
    /// create its threads or epoll sets.
    public static let daemonFailed = HTTPServerError(code: .daemonFailed)

    /// ``HTTPServer/start()`` was called on a server that was already started (a server runs once).
    public static let alreadyStarted = HTTPServerError(code: .alreadyStarted)

    /// SIGINT and SIGTERM could not be caught (`TerminationSignals`): the pipe or a handler could
    /// not be made; ``systemErrorNumber`` says why.
    public static let signalSetupFailed = HTTPServerError(code: .signalSetupFailed)

    static func signalSetupFailed(errno: Int32) -> HTTPServerError {
        HTTPServerError(code: .signalSetupFailed, function: "pipe2/sigaction", systemErrorNumber: errno)
    }

    /// Two errors are equal when they are of the same kind; the diagnostic properties are ignored.
    public static func == (lhs: HTTPServerError, rhs: HTTPServerError) -> Bool {
        lhs.code == rhs.code
    }

    /// A one-line message naming the kind, the address, the detail and the failing call.
    public var description: String {
        var text: String
        switch code {
        case .invalidConfiguration: text = "invalid HTTP server configuration"
        case .bindFailed: text = "cannot listen"
        case .daemonFailed: text = "cannot start the HTTP daemon"
        case .alreadyStarted: text = "HTTP server already started"
        case .signalSetupFailed: text = "cannot catch SIGINT and SIGTERM"
        }
        if let address {
            text += " on \(address)"
        }
        if !detail.isEmpty {
            text += ": \(detail)"
        }
        if let function {
            text += " (\(function) failed"
            if let systemErrorNumber {
                text += ": \(String(cString: strerror(systemErrorNumber))) (errno \(systemErrorNumber))"
            }
            text += ")"
        }
        return text
    }
}

extension HTTPServerError {
    /// An error of the given kind with a detail and nothing else.
    static func make(_ kind: HTTPServerError, _ detail: String, address: String? = nil) -> HTTPServerError {
        HTTPServerError(code: kind.code, detail: detail, address: address)
    }

    /// A failed system call while setting up the listening socket on `address`.
    static func system(function: String, errno number: Int32, address: String) -> HTTPServerError {
        HTTPServerError(code: .bindFailed, address: address, function: function, systemErrorNumber: number)
    }
}
