public import Signing

/// The checkpoint keys of one origin, as its root-signed key statements define them (feed.md §6).
///
/// Statements are self-authenticating: `add` accepts one only when the pinned root key signed it
/// for this origin, so it does not matter who served it. Order does not matter either: validity is
/// a function of the set of statements.
public struct KeyState: Sendable {
    public let origin: String
    public let rootKey: Ed25519PublicKey
    /// Accepted statements, by key id.
    public private(set) var statements: [String: [KeyStatement]] = [:]

    public init(origin: String, rootKey: Ed25519PublicKey) {
        self.origin = origin
        self.rootKey = rootKey
    }

    /// Adds a statement after checking its origin and root signature.
    ///
    /// - Throws: `FeedError` (`.wrongType`, `.keyNotValid`, `.badSignature`) when it is not the
    ///   pinned root key's statement about this origin.
    public mutating func add(_ statement: KeyStatement) throws(FeedError) {
        guard statement.origin == origin else {
            throw FeedError(.malformed, "key statement is about origin \(statement.origin), not \(origin)")
        }
        guard statement.rootKeyID == rootKey.keyID else {
            throw FeedError(.keyNotValid, "key statement names root key \(statement.rootKeyID), but the pinned root key of \(origin) is \(rootKey.keyID)")
        }
        guard statement.isSigned(by: rootKey) else {
            throw FeedError(.badSignature, "key statement for key \(statement.keyID) is not signed by the root key of \(origin)")
        }
        if statements[statement.keyID]?.contains(statement) == true { return }
        statements[statement.keyID, default: []].append(statement)
    }

    /// How a key stands for a checkpoint of a given size.
    public enum Standing: Sendable, Equatable {
        case valid(Ed25519PublicKey)
        case unknown
        case notYetAuthorized(fromSize: Int)
        case retired(fromSize: Int)
        case revoked(fromSize: Int)
    }

    /// The standing of key `keyID` for a checkpoint of `size`.
    public func standing(keyID: String, size: Int) -> Standing {
        guard let list = statements[keyID], let key = list.first?.key else { return .unknown }
        if let revoke = list.filter({ $0.action == .revoke }).map(\.fromSize).min(), revoke <= size {
            return .revoked(fromSize: revoke)
        }
        if let retire = list.filter({ $0.action == .retire }).map(\.fromSize).min(), retire <= size {
            return .retired(fromSize: retire)
        }
        let authorizations = list.filter { $0.action == .authorize }.map(\.fromSize)
        guard let from = authorizations.min() else { return .unknown }
        guard from <= size else { return .notYetAuthorized(fromSize: from) }
        return .valid(key)
    }

    /// Every accepted statement, ordered by key id then action, for publishing.
    public var all: [KeyStatement] {
        statements.keys.sorted().flatMap { statements[$0]!.sorted { ($0.fromSize, $0.action.rawValue) < ($1.fromSize, $1.action.rawValue) } }
    }
}
