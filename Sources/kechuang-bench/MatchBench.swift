import API
import Catalog
import Foundation
import MatchEvaluation
import Query
import SQLite
import Store

/// `kechuang-bench match-quality SET-DIR [--per-region N]`: the matcher's and the plain
/// baseline's precision@1, hit@5 and MRR on both halves of the evaluation set, embedded in a
/// generated catalog of three regions (the harness of the quality tests), with the held-out
/// floors of issue 10 (hit@5 >= 0.9, MRR >= 0.75, above the baseline on every figure) as
/// PASS/FAIL. Returns false when a floor fails.
func runMatchQuality(set: String, perRegion: Int) async throws -> Bool {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kechuang-match-quality-\(getpid())").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer {
        // A leftover temporary catalog is harmless; failing to remove it must not hide the figures.
        try? FileManager.default.removeItem(atPath: directory)
    }
    let database = try await EvaluationHarness.buildCatalog(in: directory, set: set, halves: ["heldout", "tuning"], perRegion: perRegion)
    let service = MatchService(lexicon: try MatchService.lexicon())
    var passed = true
    for half in ["heldout", "tuning"] {
        let cases = try EvaluationHarness.load(half, in: set).cases
        let matcher = try EvaluationHarness.evaluate(cases, database: database, service: service)
        let baseline = try EvaluationHarness.evaluateBaseline(cases, database: database)
        print("   " + "\(half) (\(cases.count) demands)".padding(toLength: 28, withPad: " ", startingAt: 0) + "precision@1   hit@5    MRR")
        for (name, figures) in [("matcher", matcher), ("baseline (BM25 bigrams)", baseline)] {
            print("     " + name.padding(toLength: 26, withPad: " ", startingAt: 0)
                + String(format: "%8.3f  %6.3f  %6.3f", figures.precisionAt1, figures.hitAt5, figures.mrr))
        }
        guard half == "heldout" else { continue }
        let checks: [(String, Bool)] = [
            (String(format: "held-out hit@5 %.3f, target >= 0.9", matcher.hitAt5), matcher.hitAt5 >= 0.9),
            (String(format: "held-out MRR %.3f, target >= 0.75", matcher.mrr), matcher.mrr >= 0.75),
            (String(format: "held-out precision@1 %.3f above the baseline's %.3f", matcher.precisionAt1, baseline.precisionAt1),
             matcher.precisionAt1 > baseline.precisionAt1),
            (String(format: "held-out hit@5 %.3f above the baseline's %.3f", matcher.hitAt5, baseline.hitAt5), matcher.hitAt5 > baseline.hitAt5),
            (String(format: "held-out MRR %.3f above the baseline's %.3f", matcher.mrr, baseline.mrr), matcher.mrr > baseline.mrr),
        ]
        for (text, ok) in checks {
            print("   \(ok ? "PASS" : "FAIL")  \(text)")
            passed = passed && ok
        }
    }
    return passed
}

/// `kechuang-bench match-baseline COPY OUT-DIR [--demands N] [--all-sample S]`: prepares the
/// speed baseline of issue 10 item 4 on COPY, a copy of the node's database: builds the plain
/// baseline's bigram index there (not timed) and writes, for the `sqlite3` tool,
/// - `OUT/ids.txt` and `OUT/one-K.sql`: N challenges sampled evenly by id, and for each the
///   baseline's query (the same statement as the quality baseline, its query inlined);
/// - `OUT/all.sql`: one such query per current challenge (what `match --all` ranks), and
///   `OUT/all-sample.sql`: S of them sampled evenly, with `OUT/all-count.txt` (both counts).
func runMatchBaseline(copy: String, out: String, demands: Int, allSample: Int) throws {
    _ = try BaselineRanker(database: copy)
    let reader = try CatalogReader(path: copy)
    let connection = try Connection(path: copy, mode: .readOnly)
    let ids = try connection.prepare("SELECT id FROM records WHERE kind = 'challenge' ORDER BY id").query { $0.text(0) ?? "" }
    let today = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
    var current: [(id: String, sql: String)] = []
    for text in ids {
        guard let id = RecordID(text), let project = try reader.project(id), !MatchRequest.isExpired(project, today: today) else { continue }
        let query = BaselineRanker.query(project)
        guard !query.isEmpty, !query.contains("'") else { continue }
        current.append((text, BaselineRanker.statement.replacingOccurrences(of: "?", with: "'\(query)'") + ";\n"))
    }
    func sample(_ count: Int) -> [(id: String, sql: String)] {
        guard count < current.count else { return current }
        return (0..<count).map { current[$0 * current.count / count] }
    }
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: out + "/" + name))
    }
    let chosen = sample(demands)
    try write("ids.txt", chosen.map(\.id).joined(separator: "\n") + "\n")
    for (index, item) in chosen.enumerated() { try write("one-\(index).sql", item.sql) }
    try write("all.sql", current.map(\.sql).joined())
    let sampled = sample(allSample)
    try write("all-sample.sql", sampled.map(\.sql).joined())
    try write("all-count.txt", "\(current.count) \(sampled.count)\n")
    print("match_baseline_demands \(chosen.count)")
    print("match_baseline_current_challenges \(current.count)")
}
