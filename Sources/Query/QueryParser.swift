public import Catalog

/// Parses what a user types into a `SearchRequest`.
///
/// A query is terms separated by white space (any term may be Simplified or Traditional,
/// full-width or half-width); `"…"` (or `“…”`) keeps a phrase with spaces together; and
/// `field:value` qualifiers filter: `kind:`, `industry:`, `region:`, `origin:`, `stage:` (each
/// taking a code or a Chinese name, repeatable, comma-separated) and `trl:` (`5` or `3-6`).
/// Examples: `先進毫米波`, `燃气轮机 region:四川`, `kind:challenge industry:能源化工 trl:4-7`.
/// A word with a colon whose field is not one of these stays a term (`ISO:9001`).
public enum QueryParser {
    /// The qualifier names the parser knows.
    public static let qualifiers = ["kind", "industry", "region", "origin", "stage", "trl"]

    /// Parses `text` into the terms and filters of `base`, which carries order, page and date.
    ///
    /// - Parameters:
    ///   - text: What the user typed.
    ///   - base: The request that takes the terms and filters.
    ///   - parameter: The name of the query where the user gave it (`q` in the HTTP API), for errors.
    /// - Throws: `QueryError` for a qualifier with an unknown value, a malformed TRL range, more
    ///   than `SearchRequest.maxTerms` terms, or a term longer than `SearchRequest.maxTermLength`.
    public static func parse(_ text: String, into base: SearchRequest, parameter: String = "query") throws(QueryError) -> SearchRequest {
        var request = base
        for token in tokenize(text) {
            if !token.quoted, let (field, value) = qualifier(token.text) {
                try apply(field: field, value: value, to: &request)
                continue
            }
            for term in TextNormalizer.terms(token.text) where !token.quoted {
                request.terms.append(term)
            }
            if token.quoted {
                let phrase = TextNormalizer.fold(token.text)
                if !phrase.isEmpty { request.terms.append(phrase) }
            }
        }
        var seen: Set<String> = []
        request.terms = request.terms.filter { seen.insert($0).inserted }
        try checkBounds(request.terms, parameter: parameter)
        return request
    }

    /// Refuses more terms, or longer ones, than a search takes (each term costs work on every page).
    public static func checkBounds(_ terms: [String], parameter: String) throws(QueryError) {
        if terms.count > SearchRequest.maxTerms {
            throw QueryError("\(parameter): \(terms.count) terms; a search takes at most \(SearchRequest.maxTerms)")
        }
        for term in terms where term.unicodeScalars.count > SearchRequest.maxTermLength {
            throw QueryError(
                "\(parameter): the term \"\(excerpt(term, 16))\" has \(term.unicodeScalars.count) characters; "
                    + "a term takes at most \(SearchRequest.maxTermLength)")
        }
    }

    /// Applies one filter, as a qualifier or a command-line option (`--kind challenge`).
    public static func apply(field: String, value: String, to request: inout SearchRequest) throws(QueryError) {
        for item in value.split(whereSeparator: { $0 == "," || $0 == "，" }).map(String.init) {
            switch field {
            case "kind": request.kinds.insert(try vocabulary(item, field))
            case "industry": request.industries.insert(try vocabulary(item, field))
            case "stage": request.stages.insert(try vocabulary(item, field))
            case "region":
                guard let region = Region(lenient: item) else {
                    throw QueryError("region:\(excerpt(item)): not a known region (sichuan, beijing, chongqing, 四川, …)")
                }
                request.regions.insert(region)
            case "origin":
                guard RecordID.isValidOrigin(item) else { throw QueryError("origin:\(excerpt(item)): not a node id") }
                request.origins.insert(item)
                guard request.origins.count <= SearchRequest.maxOrigins else {
                    throw QueryError("origin: more than \(SearchRequest.maxOrigins) origins; a search takes at most \(SearchRequest.maxOrigins)")
                }
            case "trl":
                request.trl = try trlRange(item)
            default:
                throw QueryError("\(excerpt(field)): not a filter (use \(qualifiers.joined(separator: ", ")))")
            }
        }
    }

    /// Parses `5` or `3-6` (also `3~6`, `3–6`) into a TRL range within 1…9.
    public static func trlRange(_ text: String) throws(QueryError) -> ClosedRange<Int> {
        // Empty parts kept: `-1` and `3-` are malformed, not `1` and `3`.
        let parts = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "-" || $0 == "~" || $0 == "–" || $0 == "～" })
            .map(String.init)
        let numbers = parts.compactMap { Int($0) }
        guard numbers.count == parts.count, (1...2).contains(numbers.count),
            let low = numbers.first, let high = numbers.last, 1 <= low, low <= high, high <= 9
        else { throw QueryError("trl:\(excerpt(text)): expected a level 1–9 or a range such as 3-6") }
        return low...high
    }

    /// The start of what a user typed, for an error message: an error never echoes long input.
    static func excerpt(_ text: String, _ length: Int = 32) -> String {
        text.unicodeScalars.count <= length ? text : String(String.UnicodeScalarView(text.unicodeScalars.prefix(length))) + "…"
    }

    private static func vocabulary<V: Vocabulary>(_ text: String, _ field: String) throws(QueryError) -> V {
        guard let value = V(lenient: text) else {
            throw QueryError("\(field):\(excerpt(text)): not one of \(V.codeList)")
        }
        return value
    }

    private static func qualifier(_ token: String) -> (String, String)? {
        guard let colon = token.firstIndex(where: { $0 == ":" || $0 == "：" }) else { return nil }
        let field = token[..<colon].lowercased()
        let value = String(token[token.index(after: colon)...])
        guard qualifiers.contains(field), !value.isEmpty else { return nil }
        return (field, value)
    }

    private struct Token {
        var text: String
        var quoted: Bool
    }

    private static func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var current = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                let close: Character = open == "“" ? "”" : open
                if character == close {
                    tokens.append(Token(text: current, quoted: true))
                    current = ""
                    quote = nil
                } else {
                    current.append(character)
                }
            } else if character == "\"" || character == "“" {
                if !current.isEmpty { tokens.append(Token(text: current, quoted: false)) }
                current = ""
                quote = character
            } else if character.isWhitespace {
                if !current.isEmpty { tokens.append(Token(text: current, quoted: false)) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(Token(text: current, quoted: quote != nil)) }
        return tokens
    }
}
