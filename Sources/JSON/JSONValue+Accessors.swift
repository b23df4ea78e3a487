extension JSONValue {
    /// The largest integer that a `Double` represents exactly together with all its neighbours, 2^53 − 1.
    ///
    /// Beyond this bound distinct integers collapse onto the same `Double`, so they are not "safe"
    /// in the ECMAScript sense (`Number.MAX_SAFE_INTEGER`).
    public static let maxSafeInteger: Double = 9_007_199_254_740_991

    /// The member named `key` if this value is an object, otherwise `nil`.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self {
            return members[key]
        }
        return nil
    }

    /// The element at `index` if this value is an array and `index` is in range, otherwise `nil`.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let elements) = self, elements.indices.contains(index) {
            return elements[index]
        }
        return nil
    }

    /// The payload of `.string`, otherwise `nil`.
    public var stringValue: String? {
        if case .string(let value) = self {
            return value
        }
        return nil
    }

    /// The payload of `.bool`, otherwise `nil`.
    public var boolValue: Bool? {
        if case .bool(let value) = self {
            return value
        }
        return nil
    }

    /// The payload of `.number`, otherwise `nil`.
    public var doubleValue: Double? {
        if case .number(let value) = self {
            return value
        }
        return nil
    }

    /// The number as an `Int` when it is an exact integer within ±(2^53 − 1), otherwise `nil`.
    ///
    /// Larger magnitudes are rejected even when integral because the source text may have named a
    /// different integer that rounded to the same `Double`.
    public var intValue: Int? {
        guard case .number(let value) = self,
              value.isFinite,
              value.rounded(.towardZero) == value,
              value.magnitude <= JSONValue.maxSafeInteger
        else {
            return nil
        }
        return Int(value)
    }

    /// The payload of `.array`, otherwise `nil`.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self {
            return value
        }
        return nil
    }

    /// The payload of `.object`, otherwise `nil`.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self {
            return value
        }
        return nil
    }

    /// Whether this value is `.null`.
    public var isNull: Bool {
        if case .null = self {
            return true
        }
        return false
    }
}
