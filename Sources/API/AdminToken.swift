import Foundation
public import JSON
import Signing
import Synchronization

/// The bearer tokens that authenticate the admin API's writes, each with a name the audit trail
/// records (never the token).
///
/// - `admin`: the node's token in `DIR/admin.token` (mode 0600), created by `kechuang init` and
///   replaced by `kechuang token rotate`.
/// - staff tokens: `kechuang token add NAME` gives a member of staff a token of their own; only
///   its SHA-256 is kept, in `DIR/staff.tokens` (mode 0600, JSON), and `token revoke NAME` ends it.
///
/// The server re-reads both files when they change, so a rotation, an addition or a revocation
/// takes effect at once. Tokens are compared in constant time and never logged.
public final class AdminToken: Sendable {
    public let path: String
    /// `DIR/staff.tokens`, beside `path`.
    public let staffPath: String
    private let cached = Mutex<(modified: Date?, token: [UInt8])>((nil, []))
    private let staffCache = Mutex<(modified: Date?, tokens: [StaffToken])>((nil, []))

    public init(path: String) {
        self.path = path
        staffPath = (path as NSString).deletingLastPathComponent + "/staff.tokens"
    }

    /// A member of staff's token as kept: its name, the SHA-256 (hex) of the token, and when it
    /// was made and revoked.
    public struct StaffToken: Sendable, Hashable {
        public let name: String
        public let sha256: String
        public let createdAt: String
        public var revokedAt: String?

        public var json: JSONValue {
            ["name": .string(name), "sha256": .string(sha256), "created_at": .string(createdAt), "revoked_at": revokedAt.map(JSONValue.string) ?? .null]
        }
    }

    /// A new random token (32 bytes, base64url).
    static func random() -> String {
        Base64.encode(SecureRandom.bytes(32))
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Writes a new random token to `path` with mode 0600, atomically.
    @discardableResult
    public static func generate(at path: String) throws -> String {
        let token = random()
        try AtomicFile.write(Array((token + "\n").utf8), to: path, mode: 0o600, replacing: true)
        return token
    }

    /// True when `header` is `Bearer <a current token>`.
    public func accepts(authorization header: String?) -> Bool { name(authorization: header) != nil }

    /// The name of the token `header` presents (`Bearer <token>`): `admin` for DIR/admin.token,
    /// a member of staff's name for their unrevoked token; nil for anything else.
    ///
    /// The scheme name is case-insensitive (RFC 9110, section 11.1: `bearer` and `BEARER` are `Bearer`), and
    /// one or more spaces separate it from the token.
    public func name(authorization header: String?) -> String? {
        guard let header else { return nil }
        let scheme = header.prefix { $0 != " " }
        guard scheme.lowercased() == "bearer", header.dropFirst(scheme.count).first == " " else { return nil }
        let presented = Array(header.dropFirst(scheme.count).trimmingCharacters(in: .whitespaces).utf8)
        guard !presented.isEmpty else { return nil }
        let current = currentToken()
        if !current.isEmpty, ConstantTime.equals(presented, current) { return "admin" }
        let digest = Array(Hex.encode(SHA256.hash(presented)).utf8)
        var found: String?
        // Every live token is compared, whichever matches: the time does not say which one did.
        for token in staffTokens() where token.revokedAt == nil {
            if ConstantTime.equals(digest, Array(token.sha256.utf8)) { found = token.name }
        }
        return found
    }

    /// The staff tokens in `staffPath`, re-read when the file's modification time changes; none
    /// when it is absent. A file that does not read authorises nobody (and `token list` says why).
    public func staffTokens() -> [StaffToken] {
        // A missing or unreadable file has no modification time: no staff token authorises.
        let modified = (try? FileManager.default.attributesOfItem(atPath: staffPath))?[.modificationDate] as? Date  // no file: no staff token
        guard let modified else { return [] }
        if let tokens = staffCache.withLock({ $0.modified == modified ? $0.tokens : nil }) { return tokens }
        // A damaged file authorises no one rather than someone: `token list` reports the error.
        let tokens = (try? Self.readStaff(staffPath)) ?? []  // damaged: authorises no one (token list reports it)
        staffCache.withLock { $0 = (modified, tokens) }
        return tokens
    }

    /// Reads `DIR/staff.tokens`: `{"tokens": [{"name", "sha256", "created_at", "revoked_at"}]}`.
    public static func readStaff(_ path: String) throws -> [StaffToken] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let value = try JSONParser.parse(Array(data))
        guard let list = value["tokens"]?.arrayValue else { throw StaffTokenError("\(path): no \"tokens\" array") }
        return try list.map { item in
            guard let name = item["name"]?.stringValue, let sha256 = item["sha256"]?.stringValue, sha256.utf8.count == 64,
                let createdAt = item["created_at"]?.stringValue
            else { throw StaffTokenError("\(path): a token without name, sha256 or created_at") }
            return StaffToken(name: name, sha256: sha256, createdAt: createdAt, revokedAt: item["revoked_at"]?.stringValue)
        }
    }

    /// Writes `tokens` to `path` (mode 0600, atomically).
    public static func writeStaff(_ tokens: [StaffToken], to path: String) throws {
        let value: JSONValue = ["tokens": .array(tokens.map(\.json))]
        try AtomicFile.write(JSONWriter.write(value, pretty: true) + [0x0A], to: path, mode: 0o600, replacing: true)
    }

    /// True for a staff token's name: 1–64 bytes, no white space or control characters, not `admin`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && name != "admin"
            && !name.unicodeScalars.contains { $0.properties.isWhitespace || $0.properties.generalCategory == .control }
    }

    /// Adds a token for `name` to `path` and returns it (the only time it exists outside its holder).
    public static func addStaff(_ name: String, to path: String, now: String) throws -> String {
        guard isValidName(name) else { throw StaffTokenError("\(name): a name of 1–64 bytes without spaces, not admin") }
        var tokens = try readStaff(path)
        guard !tokens.contains(where: { $0.name == name && $0.revokedAt == nil }) else {
            throw StaffTokenError("\(name) already has a token (revoke it first: kechuang token revoke \(name))")
        }
        let token = random()
        tokens.append(StaffToken(name: name, sha256: Hex.encode(SHA256.hash(Array(token.utf8))), createdAt: now, revokedAt: nil))
        try writeStaff(tokens, to: path)
        return token
    }

    /// Revokes `name`'s live token in `path`.
    public static func revokeStaff(_ name: String, in path: String, now: String) throws {
        var tokens = try readStaff(path)
        guard let index = tokens.firstIndex(where: { $0.name == name && $0.revokedAt == nil }) else {
            throw StaffTokenError("\(name) has no live token (kechuang token list)")
        }
        tokens[index].revokedAt = now
        try writeStaff(tokens, to: path)
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

/// A staff token that cannot be added, revoked or read.
public struct StaffTokenError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
