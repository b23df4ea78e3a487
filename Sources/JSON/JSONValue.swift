/// An immutable JSON value as defined by RFC 8259.
///
/// Numbers are stored as `Double`, matching the I-JSON (RFC 7493) interoperability profile and the
/// number model of RFC 8785 canonicalization. Objects are unordered; writers sort keys themselves.
///
/// Object keys are Swift `String`s, which compare by canonical equivalence. Two keys that differ
/// only in Unicode normalisation (for example `"\u00e9"` and `"e\u0301"`) therefore cannot both live in
/// one object; `JSONParser` reports such input as a duplicate key instead of silently merging it.
public enum JSONValue: Sendable, Hashable {
    /// The JSON literal `null`.
    case null
    /// The JSON literals `true` and `false`.
    case bool(Bool)
    /// A finite JSON number.
    case number(Double)
    /// A JSON string.
    case string(String)
    /// A JSON array.
    case array([JSONValue])
    /// A JSON object; member order is not preserved.
    case object([String: JSONValue])
}

extension JSONValue: ExpressibleByNilLiteral {
    /// Creates `.null` from the `nil` literal.
    public init(nilLiteral: ()) {
        self = .null
    }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    /// Creates `.bool` from a Boolean literal.
    public init(booleanLiteral value: Bool) {
        self = .bool(value)
    }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    /// Creates `.number` from an integer literal.
    ///
    /// Literals beyond ±2^53 are rounded to the nearest `Double`, as JSON numbers are doubles here.
    public init(integerLiteral value: Int) {
        self = .number(Double(value))
    }
}

extension JSONValue: ExpressibleByFloatLiteral {
    /// Creates `.number` from a floating-point literal.
    public init(floatLiteral value: Double) {
        self = .number(value)
    }
}

extension JSONValue: ExpressibleByStringLiteral {
    /// Creates `.string` from a string literal.
    public init(stringLiteral value: String) {
        self = .string(value)
    }
}

extension JSONValue: ExpressibleByArrayLiteral {
    /// Creates `.array` from an array literal.
    public init(arrayLiteral elements: JSONValue...) {
        self = .array(elements)
    }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    /// Creates `.object` from a dictionary literal.
    ///
    /// Unlike `Dictionary`'s own literal, a repeated key does not trap: the last occurrence wins.
    /// Literals are written by programmers, so being forgiving here cannot hide malformed input.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
