import Foundation
import Signing
import Synchronization

/// The bearer token that authenticates the admin API's writes.
///
/// It lives in `DIR/admin.token` (mode 0600), created by `kechuang init` and replaced by
/// `kechuang token rotate`. The server re-reads the file when it changes, so a rotation takes
/// effect at once. Tokens are compared in constant time and never logged.
public final class AdminToken: Sendable {
    public let path: String
    private let cached = Mutex<(modified: Date?, token: [UInt8])>((nil, []))

    public init(path: String) { self.path = path }

    /// Writes a new random token (32 bytes, base64url) to `path` with mode 0600, atomically.
    @discardableResult
    public static func generate(at path: String) throws -> String {
        let token = Base64.encode(SecureRandom.bytes(32))
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        try AtomicFile.write(Array((token + "\n").utf8), to: path, mode: 0o600, replacing: true)
        return token
    }

    /// True when `header` is `Bearer <the current token>`.
    ///
    /// The scheme name is case-insensitive (RFC 9110, section 11.1: `bearer` and `BEARER` are `Bearer`), and
    /// one or more spaces separate it from the token.
    public func accepts(authorization header: String?) -> Bool {
        guard let header else { return false }
        let scheme = header.prefix { $0 != " " }
        guard scheme.lowercased() == "bearer", header.dropFirst(scheme.count).first == " " else { return false }
        let presented = Array(header.dropFirst(scheme.count).trimmingCharacters(in: .whitespaces).utf8)
        let current = currentToken()
        guard !current.isEmpty else { return false }
        return ConstantTime.equals(presented, current)
    }

    /// The token in the file, re-read when the file's modification time changes.
    private func currentToken() -> [UInt8] {
        let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        if let entry = cached.withLock({ $0.modified == modified && modified != nil ? $0.token : nil }) { return entry }
        let text = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let token = Array(text.utf8)
        cached.withLock { $0 = (modified, token) }
        return token
    }
}
