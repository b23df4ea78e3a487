public import JSON

/// Builds records in the import form for tests, with sensible defaults for every required field.
public enum RecordFixture {
    /// A supply record (achievement by default) as a JSON object in the import form.
    public static func supply(
        _ id: String, title: String, kind: String = "achievement", summary: String = "一项可转化的科技成果。",
        industry: String = "electronics", keywords: [String] = [], organization: String = "电子科技大学",
        region: String = "sichuan", stage: String = "publication", trl: Int = 6, validThrough: String = "2035-12-31",
        extra: [String: JSONValue] = [:]
    ) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(id), "kind": .string(kind), "title": .string(title), "summary": .string(summary),
            "industry": .string(industry), "keywords": .array(keywords.map(JSONValue.string)),
            "organization": ["name": .string(organization), "type": "university", "region": .string(region)],
            "stage": .string(stage), "valid_through": .string(validThrough), "trl": .number(Double(trl)),
            "cooperation": ["transfer", "licence"],
        ]
        for (key, value) in extra { object[key] = value }
        return .object(object)
    }

    /// A challenge record as a JSON object in the import form.
    public static func challenge(
        _ id: String, title: String, summary: String = "征集解决方案。", industry: String = "equipment",
        organization: String = "重庆大学", region: String = "chongqing", validThrough: String = "2035-12-31"
    ) -> JSONValue {
        [
            "id": .string(id), "kind": "challenge", "title": .string(title), "summary": .string(summary),
            "industry": .string(industry), "organization": ["name": .string(organization), "type": "university", "region": .string(region)],
            "valid_through": .string(validThrough), "problem": "现有工艺无法满足要求。",
            "budget": ["min": "500000", "max": "2000000", "currency": "CNY"],
        ]
    }

    /// Records as a JSON array file's text, one record per line (so record N starts on line N + 1).
    public static func jsonArray(_ records: [JSONValue]) -> String {
        "[\n" + records.map { JSONWriter.string($0, pretty: false) }.joined(separator: ",\n") + "\n]\n"
    }
}
