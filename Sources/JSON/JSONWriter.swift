/// Serializes JSON for people: logs, command-line output, files meant to be read.
///
/// Members are sorted exactly as in `JCS`, strings keep non-ASCII text as raw UTF-8 (Chinese stays
/// readable), and numbers use the ECMAScript/JCS format. Compact output is byte-identical to
/// `JCS.canonicalize(_:)` for every value that has a canonical form; pretty output adds a line per
/// element or member, two-space indentation and `": "` after keys, with no trailing newline.
/// Writing never fails: a NaN or infinite number (which `JSONParser` never produces) becomes `null`.
public enum JSONWriter {
    /// Returns `value` as UTF-8 bytes, pretty-printed or compact.
    public static func write(_ value: JSONValue, pretty: Bool) -> [UInt8] {
        var output = JSONOutput(pretty: pretty, nonFinite: .writeNull, safeIntegersOnly: false)
        do {
            try output.write(value)
        } catch {
            // Unreachable: with `.writeNull` and no integer restriction, `JSONOutput` has no
            // failure path. Returning the partial output is better than trapping in a logger.
        }
        return output.bytes
    }

    /// Returns `value` as a `String`, pretty-printed or compact.
    public static func string(_ value: JSONValue, pretty: Bool) -> String {
        String(decoding: write(value, pretty: pretty), as: UTF8.self)
    }
}
