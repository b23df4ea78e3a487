import Catalog

/// The filter index of search: each record's filter values as tokens of the contentless FTS5
/// table `records_tags` (schema migration 6), so that any combination of filters is one full-text
/// expression that SQLite evaluates, intersects and counts from the index alone.
///
/// A record's tags are `k_<kind> i_<industry> r_<region> s_<stage ordinal> o_<origin>`, and
/// `t_<trl>` when it has a TRL: `k_challenge i_energy_chemical r_sichuan s_0 o_sichuan`. The
/// table's tokenizer keeps `_` and `-` inside tokens, so a tag is one token. Triggers on
/// `records` keep the table in step, deriving the tags of a deleted or changed row from its old
/// columns (a contentless table deletes only the exact tokens it was given).
///
/// The tags only narrow the candidates: every candidate is tested against the request's filters
/// on its own columns (`SearchRow`), so the tags never decide a result on their own.
enum SearchTags {
    /// The SQL expression of a row's tags, over the columns of `records` prefixed by `prefix`
    /// (`""`, `"new."`, `"old."`).
    static func sql(_ prefix: String) -> String {
        let p = prefix
        return "'k_' || \(p)kind || ' i_' || \(p)industry || ' r_' || \(p)region || ' s_' || \(p)stage"
            + " || ' o_' || \(p)origin || coalesce(' t_' || \(p)trl, '')"
    }

    /// The FTS5 expression that selects the request's filters, or nil when it has none.
    ///
    /// Each filter is an OR of its tags, and the filters are joined by AND:
    /// `("k_challenge" OR "k_finance") AND ("t_7" OR "t_8" OR "t_9")`. Expiry is not a tag (it
    /// moves with the date); it is tested on each row.
    static func expression(_ request: SearchRequest) -> String? {
        var groups: [[String]] = []
        func add(_ prefix: String, _ values: [String]) {
            guard !values.isEmpty else { return }
            groups.append(values.sorted().map { "\"\(prefix)_\($0)\"" })
        }
        add("k", request.kinds.map(\.rawValue))
        add("i", request.industries.map(\.rawValue))
        add("r", request.regions.map(\.code))
        add("s", request.stages.map { String($0.ordinal) })
        // An origin the tokenizer would split is no record's origin; when only such origins are
        // asked for, the group is a tag no record has.
        let origins = request.origins.filter(isTagSafe)
        if origins.isEmpty && !request.origins.isEmpty { groups.append(["\"o_\""]) }
        add("o", Array(origins))
        if let trl = request.trl {
            add("t", trl.map(String.init))
        }
        guard !groups.isEmpty else { return nil }
        return groups.map { $0.count == 1 ? $0[0] : "(" + $0.joined(separator: " OR ") + ")" }.joined(separator: " AND ")
    }

    /// True when `value` is one token of the table: lowercase letters, digits, `_` and `-`
    /// (every origin, kind, industry and region code is).
    static func isTagSafe(_ value: String) -> Bool {
        !value.isEmpty
            && value.utf8.allSatisfy {
                ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                    || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
            }
    }
}
