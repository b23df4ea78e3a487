public import JSON

/// Short excerpts of text that may quote a request, for error answers.
///
/// An error names what was wrong, and often quotes it: an unknown CSV column, a path, a field value. The input
/// can be megabytes (one CSV header line of 50 MB), and echoing it whole would make the answer as large as the
/// request; every string in an error answer is cut to ``limit`` characters with an ellipsis.
public enum Excerpt {
    /// The most Unicode scalars an error string keeps: room for the node's own explanation (the
    /// longest, a refused re-import naming `?republish=true`, is about 280), not for a quoted input.
    public static let limit = 500

    /// `text`, or its first ``limit`` Unicode scalars followed by `…` when it is longer.
    ///
    /// Counted in scalars rather than characters: one character can hold any number of combining scalars.
    public static func of(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let end = scalars.index(scalars.startIndex, offsetBy: limit, limitedBy: scalars.endIndex),
            end != scalars.endIndex
        else { return text }
        var excerpt = String.UnicodeScalarView(scalars[..<end])
        excerpt.append("…")
        return String(excerpt)
    }

    /// `value` with every string in it, at any depth, cut by ``of(_:)``.
    public static func strings(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): .string(of(text))
        case .array(let elements): .array(elements.map(strings))
        case .object(let members): .object(members.mapValues(strings))
        default: value
        }
    }
}
