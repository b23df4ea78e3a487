/// The id of a typed object of the log: `<origin>:~<type>.<local>`, e.g. `chongqing:~deal.d-0001`
/// (protocols/merge.md §2, "Typed objects").
///
/// `~` cannot start a record's local id, so no typed object is ever taken for a project, and key
/// statements (`<origin>:~keys`, no dot) are not typed objects. A type is 1–32 characters of
/// lowercase ASCII letters, digits and `-`, starting with a letter; the local part follows the
/// rules of a record's local id.
public struct TypedObjectID: Hashable, Sendable, CustomStringConvertible {
    public let origin: String
    public let type: String
    public let local: String

    public var description: String { "\(origin):~\(type).\(local)" }

    /// The body's `type` member for this id's type: `kechuang.<type>/1`.
    public var bodyType: String { "kechuang.\(type)/1" }

    public init?(origin: String, type: String, local: String) {
        guard RecordID.isValidOrigin(origin), Self.isValidType(type), RecordID.isValidLocal(local) else { return nil }
        self.origin = origin
        self.type = type
        self.local = local
    }

    /// Parses `origin:~type.local`; nil for anything else (a record id, `origin:~keys`).
    public init?(_ text: String) {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let rest = text[text.index(after: colon)...]
        guard rest.first == "~", let dot = rest.firstIndex(of: ".") else { return nil }
        self.init(
            origin: String(text[..<colon]), type: String(rest[rest.index(after: rest.startIndex)..<dot]),
            local: String(rest[rest.index(after: dot)...]))
    }

    /// True when `text` is `origin:~…`: the form a typed object's id has, well formed or not.
    public static func hasTypedForm(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":") else { return false }
        return text[text.index(after: colon)...].first == "~"
    }

    /// True for a well-formed type name.
    public static func isValidType(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...32).contains(bytes.count), let first = bytes.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else { return false }
        return bytes.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-")
        }
    }
}
