import SQLite

/// The per-value record counts that `CatalogReader.stats` serves (`record_counts`, migration 8).
///
/// Triggers on `records` keep them exact inside the transaction that writes a record, so a
/// reader sees counts and records of one and the same state; reading them costs one row per
/// distinct value, however large the catalog. `finance_type` is NULL for records that are not
/// finance products: it is counted under the empty value, which readers skip.
enum RecordCounts {
    /// The counted columns of `records`, each one dimension.
    static let columns = ["kind", "industry", "origin", "stage", "region", "finance_type", "valid_through"]

    /// The trigger statement adding `delta` to each dimension's count of the `row` (`new`/`old`).
    static func add(_ row: String, _ delta: Int) -> String {
        let values = columns.map { column in
            let value = column == "finance_type" ? "coalesce(\(row).\(column), '')" : "\(row).\(column)"
            return "('\(column)', \(value), \(delta))"
        }
        return "INSERT INTO record_counts (dimension, value, n) VALUES \(values.joined(separator: ", ")) "
            + "ON CONFLICT (dimension, value) DO UPDATE SET n = n + excluded.n;"
    }

    /// Counts the records a store already holds (the migration's backfill).
    static var backfill: String {
        columns.map { column in
            let value = column == "finance_type" ? "coalesce(\(column), '')" : column
            return "INSERT INTO record_counts (dimension, value, n) SELECT '\(column)', \(value), count(*) FROM records GROUP BY 2;"
        }.joined(separator: "\n")
    }

    /// The counts of one dimension, value → records, without the empty and zero ones.
    static func grouped(_ connection: Connection, _ dimension: String) throws -> [String: Int] {
        let pairs = try connection.prepare(
            "SELECT value, n FROM record_counts WHERE dimension = ? AND n > 0 AND value <> ''"
        ).query([.text(dimension)]) { ($0.text(0) ?? "", $0.int(1)) }
        return Dictionary(pairs, uniquingKeysWith: +)
    }

    /// Records whose `valid_through` is before `today`: a sum over the distinct dates.
    static func expired(_ connection: Connection, today: String) throws -> Int {
        try connection.prepare(
            "SELECT coalesce(sum(n), 0) FROM record_counts WHERE dimension = 'valid_through' AND value < ?"
        ).queryFirst([.text(today)]) { $0.int(0) } ?? 0
    }
}
