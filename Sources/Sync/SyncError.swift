import Store

/// Why syncing an origin or a peer failed: what and where (peer, URL, file, line, seq).
public struct SyncError: Error, Sendable, CustomStringConvertible {
    enum Code: Sendable { case transport, verification, fork, stale, protocolViolation, local, trustChanged }

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

    /// True for a failure of this node's own store: no peer is to blame for it.
    public var isLocal: Bool { code == .local }

    static func transport(_ message: String) -> SyncError { SyncError(.transport, message) }
    static func verification(_ message: String) -> SyncError { SyncError(.verification, message) }
    static func protocolViolation(_ message: String) -> SyncError { SyncError(.protocolViolation, message) }
    /// The node's own store failed (a read, a write, a row it cannot decode): `local error: …`.
    static func local(_ message: String) -> SyncError { SyncError(.local, "local error: \(message)") }
}

/// Runs one store call of a sync. Its failure is the node's own (`SyncError.local`, reported as
/// `local error: …`), never charged to a peer; a write refused because the origin's trust changed
/// meanwhile (`StoreError.trustChanged`) ends that origin's sync (`.trustChanged`).
///
/// - Parameter what: what the call does, for the message ("reading the log held of chongqing").
@discardableResult
func local<T>(_ what: @autoclosure () -> String, _ body: () async throws -> T) async throws(SyncError) -> T {
    do {
        return try await body()
    } catch let error as StoreError where error.isTrustChanged {
        throw SyncError(.trustChanged, error.message)
    } catch let error as SyncError {
        throw error
    } catch {
        throw SyncError.local("\(what()): \(error)")
    }
}
