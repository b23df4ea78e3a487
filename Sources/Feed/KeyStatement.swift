public import Foundation
public import JSON
public import Signing
import Catalog

/// A key statement (feed.md §6), signed by an origin's root key: it authorises a checkpoint key
/// from a log size on, retires it, or revokes it.
public struct KeyStatement: Sendable, Hashable {
    public static let type = "kechuang.key-statement/1"

    /// What the statement does to its key.
    public enum Action: String, Sendable, CaseIterable {
        /// The key may sign checkpoints of size ≥ `fromSize`.
        case authorize
        /// The key signs no checkpoint of size ≥ `fromSize` (a planned rotation).
        case retire
        /// The key is compromised: no checkpoint of size ≥ `fromSize` it signed is valid.
        case revoke
    }

    public let origin: String
    public let action: Action
    public let key: Ed25519PublicKey
    public let fromSize: Int
    public let issuedAt: String
    public let rootKeyID: String
    public let object: [String: JSONValue]
    /// JCS bytes: the body line of its log entry.
    public let bytes: [UInt8]

    /// The key id of `key`.
    public var keyID: String { key.keyID }

    /// Signs a statement with the origin's root key.
    public static func sign(
        origin: String, action: Action, key: Ed25519PublicKey, fromSize: Int, issuedAt: Date, rootKey: Ed25519PrivateKey
    ) throws -> KeyStatement {
        let object: [String: JSONValue] = [
            "type": .string(type), "origin": .string(origin), "action": .string(action.rawValue),
            "key": .string(key.text), "key_id": .string(key.keyID), "from_size": .number(Double(fromSize)),
            "issued_at": .string(DateText.timestamp(issuedAt)), "root_key_id": .string(rootKey.publicKey.keyID),
        ]
        return try KeyStatement(try SignedObject.sign(object, with: rootKey))
    }

    /// Parses a statement's bytes (structure only; `KeyState.add` checks the signature).
    public init(bytes: [UInt8]) throws(FeedError) {
        try self.init(SignedObject.parse(bytes, type: Self.type))
    }

    /// Reads a statement from a parsed value (structure only).
    public init(_ value: JSONValue) throws(FeedError) {
        try self.init(SignedObject.object(value, type: Self.type))
    }

    init(_ object: [String: JSONValue]) throws(FeedError) {
        let name = "key statement"
        origin = try SignedObject.string(object, "origin", of: name)
        let actionText = try SignedObject.string(object, "action", of: name)
        guard let action = Action(rawValue: actionText) else {
            throw FeedError.malformed("key statement: unknown action \"\(actionText)\"")
        }
        self.action = action
        do {
            key = try Ed25519PublicKey(text: try SignedObject.string(object, "key", of: name))
        } catch let error as FeedError {
            throw error
        } catch {
            throw FeedError.malformed("key statement: key is not ed25519:<base64 of 32 bytes>")
        }
        let keyID = try SignedObject.keyID(object, "key_id", of: name)
        guard keyID == key.keyID else { throw FeedError.malformed("key statement: key_id \(keyID) is not the id of its key") }
        fromSize = try SignedObject.integer(object, "from_size", of: name)
        if action == .authorize, fromSize < 1 { throw FeedError.malformed("key statement: authorize needs from_size ≥ 1") }
        issuedAt = try SignedObject.timestamp(object, "issued_at", of: name)
        rootKeyID = try SignedObject.keyID(object, "root_key_id", of: name)
        bytes = try SignedObject.canonicalSigned(object, of: name)
        self.object = object
    }

    /// True when the root key `rootKey` made the signature.
    public func isSigned(by rootKey: Ed25519PublicKey) -> Bool { SignedObject.isSigned(object, by: rootKey) }
}
