/// Helpers for displaying paths into JSON documents in error messages.
public enum JSONPath {
    /// Renders a path in the familiar dotted form, such as `organization.region` or `ip[2].number`.
    ///
    /// Keys are written bare when that is unambiguous. A key that is empty or contains `.`, `[`, `]`,
    /// `"`, `\`, whitespace or a control character is written as a quoted subscript (`["a.b"]`) with
    /// JSON string escaping, so every rendering maps back to exactly one path. The empty path renders
    /// as `$`, JSONPath's name for the root.
    public static func render(_ path: [JSONPathComponent]) -> String {
        if path.isEmpty {
            return "$"
        }
        var result = ""
        for component in path {
            switch component {
            case .index(let index):
                result += "[\(index)]"
            case .key(let key) where isBare(key):
                if !result.isEmpty {
                    result += "."
                }
                result += key
            case .key(let key):
                result += "["
                result += JSONWriter.string(.string(key), pretty: false)
                result += "]"
            }
        }
        return result
    }

    private static func isBare(_ key: String) -> Bool {
        guard !key.isEmpty else {
            return false
        }
        for scalar in key.unicodeScalars {
            switch scalar {
            case ".", "[", "]", "\"", "\\":
                return false
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar.properties.isWhitespace {
                    return false
                }
            }
        }
        return true
    }
}
