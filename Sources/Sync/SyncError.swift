/// Why syncing an origin or a peer failed: what and where (peer, URL, file, line, seq).
public struct SyncError: Error, Sendable, CustomStringConvertible {
    enum Code: Sendable { case transport, verification, fork, stale, protocolViolation, store }

    let code: Code
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// True for failures worth retrying (the network), false for what a peer served (retrying
    /// would fetch the same bad bytes).
    public var isRetryable: Bool { code == .transport }

    static func transport(_ message: String) -> SyncError { SyncError(.transport, message) }
    static func verification(_ message: String) -> SyncError { SyncError(.verification, message) }
    static func protocolViolation(_ message: String) -> SyncError { SyncError(.protocolViolation, message) }
    static func store(_ message: String) -> SyncError { SyncError(.store, message) }
}
