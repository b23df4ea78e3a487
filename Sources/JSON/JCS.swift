/// RFC 8785 JSON Canonicalization Scheme (JCS).
///
/// Produces the unique byte sequence that RFC 8785 assigns to a JSON value: no whitespace, object
/// members sorted by the UTF-16 code units of their names, strings with minimal escaping and no
/// Unicode normalisation, and numbers formatted like ECMAScript's `Number.prototype.toString`.
/// The output is what gets hashed and signed, so every function here either produces exactly that
/// form or throws.
public enum JCS {
    /// Returns the canonical UTF-8 form of `value`.
    ///
    /// Throws `JSONError.nonFiniteNumber` for NaN or infinity, which JSON cannot represent; the error's
    /// `path` names the offending value.
    public static func canonicalize(_ value: JSONValue) throws(JSONError) -> [UInt8] {
        var output = JSONOutput(pretty: false, nonFinite: .fail, safeIntegersOnly: false)
        try output.write(value)
        return output.bytes
    }

    /// Returns the canonical form of a value that is about to be signed.
    ///
    /// Signed objects in this protocol carry only safe integers (amounts travel as decimal strings),
    /// because other numbers are a classic source of cross-implementation canonicalization mismatches.
    /// Any number that is not an integer within ±(2^53 − 1) throws
    /// `JSONError.numberNotAllowedInSignedObject`, with `path` naming the offending value.
    public static func canonicalizeForSigning(_ value: JSONValue) throws(JSONError) -> [UInt8] {
        var output = JSONOutput(pretty: false, nonFinite: .fail, safeIntegersOnly: true)
        try output.write(value)
        return output.bytes
    }

    /// Parses `bytes` strictly with `JSONParser` and returns their canonical form.
    public static func canonicalize(bytes: [UInt8], limits: JSONParser.Limits = .default) throws(JSONError)
        -> [UInt8]
    {
        try canonicalize(JSONParser.parse(bytes, limits: limits))
    }

    /// Whether `bytes` are valid JSON already in canonical form, that is, `canonicalize(bytes:)` would
    /// return them unchanged.
    ///
    /// Returns `false` for input that does not parse within `limits`.
    public static func isCanonical(_ bytes: [UInt8], limits: JSONParser.Limits = .default) -> Bool {
        do {
            return try canonicalize(bytes: bytes, limits: limits) == bytes
        } catch {
            return false
        }
    }
}
