public import Foundation
public import JSON
public import Signing
import Catalog

/// A signed checkpoint (feed.md §7): the size and Merkle root of an origin's log, when it was
/// issued, until when it may be relied on, and which checkpoint key signed it.
public struct Checkpoint: Sendable, Hashable {
    public static let type = "kechuang.checkpoint/1"

    public let origin: String
    public let size: Int
    public let root: [UInt8]
    public let issuedAt: String
    public let expiresAt: String
    public let keyID: String
    /// The signed object as received or made, members this version does not know included.
    public let object: [String: JSONValue]
    /// Its JCS bytes: what is stored, served and compared.
    public let bytes: [UInt8]

    /// Signs a new checkpoint with a checkpoint key.
    public static func sign(
        origin: String, size: Int, root: [UInt8], issuedAt: Date, validity: TimeInterval = 7 * 86_400,
        key: Ed25519PrivateKey
    ) throws -> Checkpoint {
        let object: [String: JSONValue] = [
            "type": .string(type), "origin": .string(origin), "size": .number(Double(size)),
            "root": .string(Hex.encode(root)), "issued_at": .string(DateText.timestamp(issuedAt)),
            "expires_at": .string(DateText.timestamp(issuedAt.addingTimeInterval(validity))),
            "key_id": .string(key.publicKey.keyID),
        ]
        return try Checkpoint(try SignedObject.sign(object, with: key))
    }

    /// Parses the bytes of a checkpoint (structure only; `FeedVerifier` checks the signature).
    public init(bytes: [UInt8]) throws(FeedError) {
        try self.init(SignedObject.parse(bytes, type: Self.type))
    }

    /// Reads a checkpoint from a parsed value (structure only).
    public init(_ value: JSONValue) throws(FeedError) {
        try self.init(SignedObject.object(value, type: Self.type))
    }

    init(_ object: [String: JSONValue]) throws(FeedError) {
        let name = "checkpoint"
        origin = try SignedObject.string(object, "origin", of: name)
        size = try SignedObject.integer(object, "size", of: name)
        root = try SignedObject.hash(object, "root", of: name)
        issuedAt = try SignedObject.timestamp(object, "issued_at", of: name)
        expiresAt = try SignedObject.timestamp(object, "expires_at", of: name)
        keyID = try SignedObject.keyID(object, "key_id", of: name)
        bytes = try SignedObject.canonicalSigned(object, of: name)
        self.object = object
    }

    /// True when `key` made the signature.
    public func isSigned(by key: Ed25519PublicKey) -> Bool { SignedObject.isSigned(object, by: key) }

    /// The moments of `issued_at` and `expires_at`.
    public var issued: Date { DateText.parseTimestamp(issuedAt)! }
    public var expires: Date { DateText.parseTimestamp(expiresAt)! }
}
