public import JSON
public import Signing
import Catalog

/// The signing convention of every signed object (feed.md §1): an Ed25519 signature over the JCS
/// bytes of the object without its `signature` member, kept base64 in that member.
public enum SignedObject {
    /// The bytes a signature covers.
    public static func signingBytes(_ object: [String: JSONValue]) throws(FeedError) -> [UInt8] {
        var unsigned = object
        unsigned["signature"] = nil
        do {
            return try JCS.canonicalizeForSigning(.object(unsigned))
        } catch {
            throw FeedError(.notCanonical, "cannot be signed: \(error.message)")
        }
    }

    /// Returns `object` with a `signature` member made by `key`.
    public static func sign(_ object: [String: JSONValue], with key: Ed25519PrivateKey) throws -> [String: JSONValue] {
        var signed = object
        signed["signature"] = .string(Base64.encode(try key.signature(for: try signingBytes(object))))
        return signed
    }

    /// The decoded signature, 64 bytes.
    static func signature(_ object: [String: JSONValue]) throws(FeedError) -> [UInt8] {
        guard let text = object["signature"]?.stringValue, let bytes = Base64.decode(text), bytes.count == 64 else {
            throw FeedError.malformed("signature is missing or not 64 bytes of base64")
        }
        return bytes
    }

    /// Checks that `object` carries a signature of the right form and returns the object's
    /// canonical bytes, as it is stored, served and relayed; `type` names it in an error.
    static func canonicalSigned(_ object: [String: JSONValue], of type: String) throws(FeedError) -> [UInt8] {
        _ = try signature(object)
        do {
            return try JCS.canonicalizeForSigning(.object(object))
        } catch {
            throw FeedError(.notCanonical, "\(type): \(error.message)")
        }
    }

    /// True when `key` signed `object`.
    public static func isSigned(_ object: [String: JSONValue], by key: Ed25519PublicKey) -> Bool {
        // A missing or malformed signature, or an object JCS cannot write, is not signed by `key`: that is the answer.
        guard let signature = try? signature(object), let bytes = try? signingBytes(object) else { return false }  // see above
        return key.isValidSignature(signature, for: bytes)
    }

    /// Parses a signed object of `type` from bytes, with bounded size and depth.
    static func parse(_ bytes: [UInt8], type: String, limits: JSONParser.Limits = Feed.bodyLimits) throws(FeedError) -> [String: JSONValue] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, limits: limits)
        } catch {
            throw FeedError.malformed("not JSON: \(error.description)")
        }
        return try object(value, type: type)
    }

    /// Checks that `value` is an object of `type`.
    static func object(_ value: JSONValue, type: String) throws(FeedError) -> [String: JSONValue] {
        guard let object = value.objectValue else { throw FeedError.malformed("not a JSON object") }
        guard let actual = object["type"]?.stringValue else { throw FeedError(.wrongType, "has no type (expected \(type))") }
        guard actual == type else { throw FeedError(.wrongType, "is of type \(actual), expected \(type)") }
        return object
    }

    static func string(_ object: [String: JSONValue], _ key: String, of type: String) throws(FeedError) -> String {
        guard let text = object[key]?.stringValue else { throw FeedError.malformed("\(type): \(key) is missing") }
        return text
    }

    static func integer(_ object: [String: JSONValue], _ key: String, of type: String) throws(FeedError) -> Int {
        guard let number = object[key]?.intValue, number >= 0 else {
            throw FeedError.malformed("\(type): \(key) is not a non-negative integer")
        }
        return number
    }

    static func timestamp(_ object: [String: JSONValue], _ key: String, of type: String) throws(FeedError) -> String {
        let text = try string(object, key, of: type)
        guard DateText.parseTimestamp(text) != nil else { throw FeedError.malformed("\(type): \(key) is not a UTC timestamp") }
        return text
    }

    static func hash(_ object: [String: JSONValue], _ key: String, of type: String) throws(FeedError) -> [UInt8] {
        let text = try string(object, key, of: type)
        guard let bytes = Hex.decode(text), bytes.count == 32, Hex.encode(bytes) == text else {
            throw FeedError.malformed("\(type): \(key) is not 64 lowercase hex digits")
        }
        return bytes
    }

    static func keyID(_ object: [String: JSONValue], _ key: String, of type: String) throws(FeedError) -> String {
        let text = try string(object, key, of: type)
        guard text.utf8.count == 16, let bytes = Hex.decode(text), Hex.encode(bytes) == text else {
            throw FeedError.malformed("\(type): \(key) is not 16 lowercase hex digits")
        }
        return text
    }
}
