public import Foundation
public import JSON
public import Signing
import Catalog

/// The node manifest (feed.md §8), served at `/.well-known/kechuang/node.json` and signed by the
/// node's current checkpoint key.
public struct NodeManifest: Sendable, Hashable {
    public static let type = "kechuang.node/1"

    public let nodeID: String
    public let name: String
    public let region: String
    /// Informative: readers compare it with the key they pin, never take it from here.
    public let rootKey: Ed25519PublicKey
    /// Origins the node serves: its own first, then those it relays.
    public let origins: [String]
    /// Base URLs that serve the same files.
    public let mirrors: [String]
    public let issuedAt: String
    public let keyID: String
    public let object: [String: JSONValue]
    public let bytes: [UInt8]

    /// Signs a manifest with the node's checkpoint key.
    public static func sign(
        nodeID: String, name: String, region: String, rootKey: Ed25519PublicKey, origins: [String], mirrors: [String],
        issuedAt: Date, key: Ed25519PrivateKey
    ) throws -> NodeManifest {
        let object: [String: JSONValue] = [
            "type": .string(type), "node_id": .string(nodeID), "name": .string(name), "region": .string(region),
            "protocol": .string(Feed.protocolName), "root_key": .string(rootKey.text),
            "root_key_fingerprint": .string(rootKey.fingerprint), "checkpoints": .string(FeedPath.checkpoints),
            "feeds": "/feeds/", "origins": .array(origins.map(JSONValue.string)),
            "mirrors": .array(mirrors.map(JSONValue.string)), "issued_at": .string(DateText.timestamp(issuedAt)),
            "key_id": .string(key.publicKey.keyID),
        ]
        return try NodeManifest(try SignedObject.sign(object, with: key))
    }

    /// Parses a manifest's bytes (structure only).
    public init(bytes: [UInt8]) throws(FeedError) {
        try self.init(SignedObject.parse(bytes, type: Self.type))
    }

    init(_ object: [String: JSONValue]) throws(FeedError) {
        let name = "node manifest"
        nodeID = try SignedObject.string(object, "node_id", of: name)
        self.name = try SignedObject.string(object, "name", of: name)
        region = try SignedObject.string(object, "region", of: name)
        do {
            rootKey = try Ed25519PublicKey(text: try SignedObject.string(object, "root_key", of: name))
        } catch let error as FeedError {
            throw error
        } catch {
            throw FeedError.malformed("node manifest: root_key is not ed25519:<base64 of 32 bytes>")
        }
        origins = object["origins"]?.arrayValue?.compactMap(\.stringValue) ?? []
        mirrors = object["mirrors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        issuedAt = try SignedObject.timestamp(object, "issued_at", of: name)
        keyID = try SignedObject.keyID(object, "key_id", of: name)
        bytes = try SignedObject.canonicalSigned(object, of: name)
        self.object = object
    }

    /// True when `key` made the signature.
    public func isSigned(by key: Ed25519PublicKey) -> Bool { SignedObject.isSigned(object, by: key) }
}

/// The marker that replaces an erased body (feed.md §4).
public enum RedactionMarker {
    public static let type = "kechuang.redacted/1"

    /// The marker's bytes for an erasure ordered by the `redact` entry at `redactSeq`.
    public static func bytes(redactedBy redactSeq: Int) -> [UInt8] {
        (try? JCS.canonicalizeForSigning(["type": .string(type), "redacted_by": .number(Double(redactSeq))])) ?? []  // a string and an integer: JCS cannot fail
    }

    /// The `redacted_by` of a marker line, or nil when the line is not a marker.
    public static func redactedBy(_ line: ArraySlice<UInt8>) -> Int? {
        guard line.count < 200, let value = try? JSONParser.parse(line), value["type"]?.stringValue == type,  // a line that does not parse is not a marker
            let seq = value["redacted_by"]?.intValue, seq >= 0, bytes(redactedBy: seq) == Array(line)
        else { return nil }
        return seq
    }
}
