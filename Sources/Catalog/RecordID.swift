/// A record's identity: `<origin>:<local id>`, e.g. `sichuan:ach-0001`.
///
/// The origin is the node id of the association that owns the record; only that origin may create,
/// change or delete it (origin authority). Origins are 2–32 characters of lowercase ASCII letters,
/// digits and `-`, starting with a letter; local ids are 1–64 characters of ASCII letters, digits,
/// `.`, `_` and `-`, starting with a letter or digit.
public struct RecordID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The owning origin (node id).
    public let origin: String
    /// The id within the origin.
    public let local: String

    public var description: String { "\(origin):\(local)" }

    public static func < (lhs: RecordID, rhs: RecordID) -> Bool { lhs.description < rhs.description }

    /// Creates an id from validated parts; returns nil when either part is malformed.
    public init?(origin: String, local: String) {
        guard Self.isValidOrigin(origin), Self.isValidLocal(local) else { return nil }
        self.origin = origin
        self.local = local
    }

    /// Parses `origin:local`; returns nil for anything else.
    public init?(_ text: String) {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        self.init(origin: String(text[..<colon]), local: String(text[text.index(after: colon)...]))
    }

    /// True for a well-formed origin (node id).
    public static func isValidOrigin(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (2...32).contains(bytes.count), let first = bytes.first, isLower(first) else { return false }
        return bytes.allSatisfy { isLower($0) || isDigit($0) || $0 == UInt8(ascii: "-") }
    }

    /// True for a well-formed local id.
    public static func isValidLocal(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...64).contains(bytes.count), let first = bytes.first, isAlnum(first) else { return false }
        return bytes.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isLower(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    private static func isAlnum(_ byte: UInt8) -> Bool {
        isLower(byte) || isDigit(byte) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }
}
