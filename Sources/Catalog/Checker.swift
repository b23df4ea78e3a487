import JSON

/// Collects validation problems while a decoder reads fields, so that one pass reports them all.
///
/// Each reader returns the value when it is valid and nil otherwise, recording why. Text is
/// trimmed; an empty string or `null` counts as absent. Only the decoder uses this type.
final class Checker {
    private(set) var issues: [ValidationIssue] = []
    /// Accept Chinese labels and aliases for enumerations (imports); stored records use codes.
    let lenientVocabulary: Bool
    /// Refuse C1 controls, line and paragraph separators and bidi controls (imports: this node's
    /// own writes). The record format (protocols/README.md) refuses only C0 and DEL, so a stored
    /// record, a peer's among them, is read as every node reads it (merge.md §2 rule 6), and shown
    /// escaped on a terminal (`DisplayText`).
    let refusesDisplayControls: Bool

    init(lenientVocabulary: Bool, refusesDisplayControls: Bool = false) {
        self.lenientVocabulary = lenientVocabulary
        self.refusesDisplayControls = refusesDisplayControls
    }

    func fail(_ path: [JSONPathComponent], _ problem: String) {
        issues.append(ValidationIssue(path: path, problem: problem))
    }

    /// The value at `key`, with `null` treated as absent.
    private func present(_ object: [String: JSONValue], _ key: String) -> JSONValue? {
        guard let value = object[key], value != .null else { return nil }
        return value
    }

    func rejectUnknown(_ object: [String: JSONValue], allowed: Set<String>, at path: [JSONPathComponent], strict: Bool) {
        guard strict else { return }
        for key in object.keys.sorted() where !allowed.contains(key) {
            fail(path + [.key(key)], "unknown field")
        }
    }

    func object(_ object: [String: JSONValue], _ key: String, at path: [JSONPathComponent] = [], required: Bool)
        -> [String: JSONValue]?
    {
        guard let value = present(object, key) else {
            if required { fail(path + [.key(key)], "is required") }
            return nil
        }
        return self.object(value, at: path + [.key(key)])
    }

    func object(_ value: JSONValue, at path: [JSONPathComponent]) -> [String: JSONValue]? {
        guard let nested = value.objectValue else {
            fail(path, "must be an object")
            return nil
        }
        return nested
    }

    func array(_ object: [String: JSONValue], _ key: String, at path: [JSONPathComponent] = [], maxItems: Int) -> [JSONValue] {
        guard let value = present(object, key) else { return [] }
        guard let items = value.arrayValue else {
            fail(path + [.key(key)], "must be an array")
            return []
        }
        if items.count > maxItems {
            fail(path + [.key(key)], "has \(items.count) items; at most \(maxItems) are allowed")
            return []
        }
        return items
    }

    func text(
        _ object: [String: JSONValue], _ key: String, at path: [JSONPathComponent] = [], max: Int,
        multiline: Bool = false, required: Bool = false, forbidden: String = ""
    ) -> String? {
        guard let value = present(object, key) else {
            if required { fail(path + [.key(key)], "is required") }
            return nil
        }
        return text(value, at: path + [.key(key)], max: max, multiline: multiline, required: required, forbidden: forbidden)
    }

    /// Checks every string in an extension field's value (`x_…`, any JSON) by the rule of
    /// multi-line text (`DisplayText.writeProblem`): no control character but line feed, carriage
    /// return and tab. Separators and bidi controls are kept: the value is free-form, possibly
    /// several lines, and its meaning is the publisher's. Member names inside it are checked too.
    func extensionText(_ value: JSONValue, at path: [JSONPathComponent]) {
        switch value {
        case .string(let text):
            if let problem = DisplayText.writeProblem(text, multiline: true) { fail(path, problem) }
        case .array(let items):
            for (index, item) in items.enumerated() { extensionText(item, at: path + [.index(index)]) }
        case .object(let members):
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                if let problem = DisplayText.writeProblem(key, multiline: false) {
                    fail(path, "member name \(DisplayText.escaped(key, keepingLineBreaks: false)): \(problem)")
                } else {
                    extensionText(member, at: path + [.key(key)])
                }
            }
        default:
            break
        }
    }

    /// Reads text; `forbidden` lists characters reserved as separators in the CSV form.
    func text(
        _ value: JSONValue, at path: [JSONPathComponent], max: Int, multiline: Bool = false, required: Bool = true,
        forbidden: String = ""
    ) -> String? {
        guard let raw = value.stringValue else {
            fail(path, "must be a string")
            return nil
        }
        let trimmed = raw.trimmingWhitespace()
        if trimmed.isEmpty {
            if required { fail(path, "is required (empty)") }
            return nil
        }
        // C0 controls and DEL: the record format. On import also C1 controls, line and paragraph
        // separators and bidi embedding, override and isolate controls, which would act on a
        // terminal or reorder the text around them (DisplayText).
        for scalar in trimmed.unicodeScalars where scalar.value < 0x20 || scalar.value == 0x7F || (refusesDisplayControls && DisplayText.isControl(scalar)) {
            if multiline, scalar == "\n" || scalar == "\t" || scalar == "\r" { continue }
            fail(path, multiline ? "contains a control character" : "must be one line (contains a control character)")
            return nil
        }
        if refusesDisplayControls, !multiline, let problem = DisplayText.oneLineProblem(trimmed) {
            fail(path, problem)
            return nil
        }
        if let separator = trimmed.first(where: { forbidden.contains($0) }) {
            fail(path, "must not contain \"\(separator)\" (a separator in the CSV form)")
            return nil
        }
        let count = trimmed.count
        if count > max {
            fail(path, "is \(count) characters long; at most \(max) are allowed")
            return nil
        }
        return trimmed
    }

    func textList(_ object: [String: JSONValue], _ key: String, at path: [JSONPathComponent] = [], maxItems: Int, maxLength: Int)
        -> [String]
    {
        var result: [String] = []
        for (index, item) in array(object, key, at: path, maxItems: maxItems).enumerated() {
            let text = text(item, at: path + [.key(key), .index(index)], max: maxLength, forbidden: ";；")
            if let text, !result.contains(text) {
                result.append(text)
            }
        }
        return result
    }

    func vocabulary<V: Vocabulary>(_ object: [String: JSONValue], _ key: String, at path: [JSONPathComponent] = [], required: Bool = false)
        -> V?
    {
        guard let value = present(object, key) else {
            if required { fail(path + [.key(key)], "is required") }
            return nil
        }
        return vocabulary(value, at: path + [.key(key)])
    }

    func vocabulary<V: Vocabulary>(_ value: JSONValue, at path: [JSONPathComponent]) -> V? {
        guard let text = value.stringValue else {
            fail(path, "must be a string, one of \(V.codeList)")
            return nil
        }
        let parsed = lenientVocabulary ? V(lenient: text) : V(rawValue: text)
        guard let parsed else {
            fail(path, "\"\(text)\" is not one of \(V.codeList)")
            return nil
        }
        return parsed
    }

    func vocabularyList<V: Vocabulary>(_ object: [String: JSONValue], _ key: String, required: Bool) -> [V] {
        guard present(object, key) != nil else {
            if required { fail([.key(key)], "is required (one or more of \(V.codeList))") }
            return []
        }
        let before = issues.count
        let items = array(object, key, maxItems: V.allCases.count * 2)
        var result: [V] = []
        for (index, item) in items.enumerated() {
            if let value: V = vocabulary(item, at: [.key(key), .index(index)]), !result.contains(value) {
                result.append(value)
            }
        }
        if required, result.isEmpty, issues.count == before {
            fail([.key(key)], "needs at least one of \(V.codeList)")
        }
        return result
    }

    func integer(
        _ object: [String: JSONValue], _ key: String, at path: [JSONPathComponent] = [], range: ClosedRange<Int>,
        required: Bool = false
    ) -> Int? {
        guard let value = present(object, key) else {
            if required { fail(path + [.key(key)], "is required") }
            return nil
        }
        guard let number = value.intValue else {
            fail(path + [.key(key)], "must be an integer from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        guard range.contains(number) else {
            fail(path + [.key(key)], "\(number) is out of range \(range.lowerBound)–\(range.upperBound)")
            return nil
        }
        return number
    }

    func amount(_ object: [String: JSONValue], _ key: String, at path: [JSONPathComponent], required: Bool = false) -> String? {
        guard let value = present(object, key) else {
            if required { fail(path + [.key(key)], "is required") }
            return nil
        }
        guard let text = value.stringValue else {
            fail(path + [.key(key)], "must be a decimal string such as \"1500000.00\", not a JSON number")
            return nil
        }
        guard DecimalString.isValidAmount(text) else {
            fail(path + [.key(key)], "\"\(text)\" is not an amount (digits, optional . and up to 4 decimals, no sign)")
            return nil
        }
        return text
    }

    func quantity(_ object: [String: JSONValue], _ key: String, at path: [JSONPathComponent]) -> String? {
        guard let value = present(object, key) else {
            fail(path + [.key(key)], "is required")
            return nil
        }
        guard let text = value.stringValue, DecimalString.isValidQuantity(text) else {
            fail(path + [.key(key)], "must be a decimal string such as \"0.5\" or \"-40\"")
            return nil
        }
        return text
    }

    func currency(_ object: [String: JSONValue], at path: [JSONPathComponent]) -> String {
        guard let value = present(object, "currency") else { return "CNY" }
        guard let text = value.stringValue, text.utf8.count == 3,
            text.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") })
        else {
            fail(path + [.key("currency")], "must be an ISO 4217 code such as CNY")
            return "CNY"
        }
        return text
    }

    func date(_ object: [String: JSONValue], _ key: String, required: Bool) -> String? {
        guard let value = present(object, key) else {
            if required { fail([.key(key)], "is required (YYYY-MM-DD)") }
            return nil
        }
        guard let text = value.stringValue?.trimmingWhitespace(), DateText.isValidDate(text) else {
            fail([.key(key)], "must be a date YYYY-MM-DD")
            return nil
        }
        return text
    }

    func timestamp(_ object: [String: JSONValue], _ key: String, required: Bool) -> String? {
        guard let value = present(object, key) else {
            if required { fail([.key(key)], "is required") }
            return nil
        }
        guard let text = value.stringValue, DateText.isValidTimestamp(text) else {
            fail([.key(key)], "must be an RFC 3339 UTC timestamp YYYY-MM-DDTHH:MM:SSZ")
            return nil
        }
        return text
    }

    /// Reads a phone number. Stored and published records may mask digits as `*` (138****5678);
    /// an import carries the real number.
    func phone(_ object: [String: JSONValue], _ key: String, at path: [JSONPathComponent]) -> String? {
        guard let text = text(object, key, at: path, max: 32) else { return nil }
        let masked = lenientVocabulary ? "" : "*"
        let allowed = text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || " -+()".unicodeScalars.contains($0) || masked.unicodeScalars.contains($0) }
        let digits = text.unicodeScalars.filter { ("0"..."9").contains($0) || masked.unicodeScalars.contains($0) }.count
        guard allowed, digits >= 5 else {
            fail(path + [.key(key)], "\"\(text)\" is not a phone number (digits, spaces, + - and parentheses)")
            return nil
        }
        return text
    }

    func email(_ object: [String: JSONValue], _ key: String, at path: [JSONPathComponent]) -> String? {
        guard let text = text(object, key, at: path, max: 254) else { return nil }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix("."), !text.contains(where: \.isWhitespace)
        else {
            fail(path + [.key(key)], "\"\(text)\" is not an email address")
            return nil
        }
        return text
    }

    func region(_ object: [String: JSONValue], _ key: String, at path: [JSONPathComponent], required: Bool) -> Region? {
        guard let value = present(object, key) else {
            if required { fail(path + [.key(key)], "is required") }
            return nil
        }
        return region(value, at: path + [.key(key)])
    }

    func region(_ value: JSONValue, at path: [JSONPathComponent]) -> Region? {
        guard let text = value.stringValue else {
            fail(path, "must be a region code such as sichuan")
            return nil
        }
        guard let region = lenientVocabulary ? Region(lenient: text) : Region(code: text) else {
            fail(path, "\"\(text)\" is not a known region code (sichuan, beijing, chongqing, … or overseas)")
            return nil
        }
        return region
    }
}

extension String {
    /// The string without leading and trailing white space (including U+3000 ideographic space).
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        if first == startIndex, last == index(before: endIndex) { return self }
        return String(self[first...last])
    }
}
