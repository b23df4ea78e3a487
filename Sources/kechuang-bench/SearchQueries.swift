import Catalog
import Foundation
import Query
import SQLite
import Store

/// The search query set of issue 9: common and rare one-, two- and three-character terms, each
/// alone and combined with kind, industry, region, stage and TRL filters, in each sort order.
///
/// Terms come from the store itself, so the set fits any generated catalog: the document
/// frequencies of the ideograph runs of 2,000 sampled titles give, per length, the two most
/// common terms and two that occur in only one sampled title (rare, but present). Two fixed terms
/// from the issue join them: `先进毫米波感知` (no hits in generated data) and `燃气轮机叶片`.
struct SearchQuerySet {
    struct Query: Hashable {
        var label: String
        var text: String
        var order: SearchOrder
        /// Measure the page after the first (through its cursor) instead of the first.
        var secondPage: Bool
        /// One result per cluster of the unified catalog (`unified=true`, issue 10).
        var unified = false
    }

    var terms: [(label: String, term: String)] = []
    var queries: [Query] = []

    static let filters: [String] = [
        "", "kind:challenge", "kind:finance", "industry:health", "region:sichuan", "region:beijing",
        "stage:deployment", "trl:9", "kind:finance stage:deployment trl:9",
    ]

    init(database: String) throws {
        let connection = try Connection(path: database, mode: .readOnly)
        let total = try connection.prepare("SELECT max(rowid) FROM records").queryFirst { $0.int(0) } ?? 0
        var random = SeededStream(seed: 0x5EA2C)
        let statement = try connection.prepare("SELECT s_title FROM records WHERE rowid >= ? ORDER BY rowid LIMIT 1")
        var frequency: [[String: Int]] = [[:], [:], [:]]
        var sampled = 0
        var attempts = 0
        while sampled < 2000, total > 0, attempts < 20000 {
            attempts += 1
            let rowid = Int64(random.next() % UInt64(total)) + 1
            guard let title = try statement.queryFirst([.integer(rowid)], row: { $0.text(0) }) ?? nil else { continue }
            sampled += 1
            var seen: Set<String> = []
            for run in Self.ideographRuns(title) {
                for length in 1...3 where run.count >= length {
                    for start in 0...(run.count - length) { seen.insert(String(run[start..<start + length])) }
                }
            }
            for term in seen { frequency[term.count - 1][term, default: 0] += 1 }
        }
        for length in 1...3 {
            let ranked = frequency[length - 1].sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            for term in ranked.prefix(2) { terms.append(("common \(length)-char", term.key)) }
            // Rare: seen in one sampled title; spread the choice over the list deterministically.
            let rare = ranked.filter { $0.value == 1 }.map(\.key)
            if !rare.isEmpty {
                terms.append(("rare \(length)-char", rare[rare.count / 3]))
                terms.append(("rare \(length)-char", rare[rare.count * 2 / 3]))
            }
        }
        terms.append(("0-hit 7-char", "先进毫米波感知"))
        terms.append(("6-char", "燃气轮机叶片"))
        terms.append(("no term", ""))
        for (label, term) in terms {
            for filter in Self.filters {
                for order in SearchOrder.allCases {
                    let text = [term, filter].filter { !$0.isEmpty }.joined(separator: " ")
                    queries.append(Query(label: label, text: text, order: order, secondPage: false))
                    if filter.isEmpty {
                        queries.append(Query(label: label, text: text, order: order, secondPage: true))
                    }
                }
            }
        }
        // The unified form of every query: one result per cluster (issue 10 holds it to the same targets).
        queries += queries.map { query in
            var unified = query
            unified.unified = true
            return unified
        }
    }

    static func ideographRuns(_ text: String) -> [[Character]] {
        var runs: [[Character]] = []
        var current: [Character] = []
        for character in text {
            if let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1,
                (0x4E00...0x9FFF).contains(scalar.value)
            {
                current.append(character)
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }
}

/// SplitMix64, so the sampled titles are the same on every run.
struct SeededStream {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The CPU time this thread has used, in milliseconds.
func threadCPUMilliseconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) * 1000 + Double(time.tv_nsec) / 1e6
}

/// One query's latencies over `runs` runs (wall clock, and the thread's CPU time), and its total.
func measure(_ reader: CatalogReader, _ query: SearchQuerySet.Query, runs: Int, today: String) throws -> (samples: [Double], cpu: [Double], total: Int) {
    let clock = ContinuousClock()
    var base = SearchRequest(order: query.order, limit: 20, today: today)
    base.unified = query.unified
    if query.secondPage {
        let first = try reader.search(try QueryParser.parse(query.text, into: base))
        guard let cursor = first.nextCursor else { return ([], [], 0) }
        base.cursor = cursor
    }
    var samples: [Double] = []
    var cpu: [Double] = []
    var total = 0
    for _ in 0..<runs {
        let started = clock.now
        let startedCPU = threadCPUMilliseconds()
        let request = try QueryParser.parse(query.text, into: base)
        let page = try reader.search(request)
        let elapsed = clock.now - started
        cpu.append(threadCPUMilliseconds() - startedCPU)
        samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
        total = page.total
    }
    return (samples.sorted(), cpu.sorted(), total)
}

func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
}

/// Runs the query set and prints the median over all runs and every query's p95 against their
/// targets, each with PASS or FAIL; a query whose p95 misses is measured twice more and fails when
/// the median of its three p95s misses. Returns false when a figure failed.
func runSearchQueries(
    database: String, runs: Int, p95Target: Double?, medianTarget: Double, verbose: Bool, only: String? = nil
) throws -> Bool {
    var set = try SearchQuerySet(database: database)
    if let only {
        set.queries = set.queries.filter { "\($0.text) sort=\($0.order.rawValue)\($0.unified ? " unified" : "") \($0.label)".contains(only) }
    }
    let reader = try CatalogReader(path: database)
    let records = try Connection(path: database, mode: .readOnly).prepare("SELECT count(*) FROM records").queryFirst { $0.int(0) } ?? 0
    // The issue's targets: p95 under 50 ms on 100,000 records, under 200 ms on 1,000,000.
    let target = p95Target ?? (records <= 200_000 ? 50 : 200)
    let today = DateText.date(Date())
    print("terms: " + set.terms.filter { !$0.term.isEmpty }.map { "\($0.term) (\($0.label))" }.joined(separator: ", "))
    print("queries: \(set.queries.count) (\(set.terms.count) terms x \(SearchQuerySet.filters.count) filters x 3 sorts, "
        + "and the second page of each unfiltered one; each also unified), \(runs) runs each, on \(records) records")
    for query in set.queries.prefix(20) { _ = try measure(reader, query, runs: 1, today: today) }  // warm the cache
    var all: [Double] = []
    var results: [(query: SearchQuerySet.Query, p95: Double, cpu: Double, total: Int)] = []
    for query in set.queries {
        let (samples, cpu, total) = try measure(reader, query, runs: runs, today: today)
        var p95 = percentile(samples, 0.95)
        if p95 >= target {
            var again = [p95]
            for _ in 0..<2 { again.append(percentile(try measure(reader, query, runs: runs, today: today).samples, 0.95)) }
            p95 = again.sorted()[1]
        }
        all += samples
        if !samples.isEmpty { results.append((query, p95, percentile(cpu, 0.95), total)) }
    }
    all.sort()
    func name(_ query: SearchQuerySet.Query) -> String {
        "\"\(query.text)\" sort=\(query.order.rawValue)\(query.secondPage ? " page=2" : "")\(query.unified ? " unified" : "")"
    }
    if verbose {
        for result in results {
            print(String(format: "  %8.2f ms  (cpu %7.2f ms)  %8d hits  %@ (%@)", result.p95, result.cpu, result.total, name(result.query),
                         result.query.label))
        }
    }
    let median = percentile(all, 0.5)
    let worst = results.max { $0.p95 < $1.p95 }
    let misses = results.filter { $0.p95 >= target }
    func verdict(_ ok: Bool) -> String { ok ? "PASS" : "FAIL" }
    print(String(format: "%-44@ %10.2f ms  (target < %.0f)  %@", "search median over all runs" as NSString, median, medianTarget,
                 verdict(median < medianTarget)))
    print(String(format: "%-44@ %10.2f ms  (target < %.0f)  %@", "search slowest query p95" as NSString, worst?.p95 ?? 0, target,
                 verdict(misses.isEmpty)))
    if let worst { print("  slowest: \(name(worst.query)), \(worst.total) hits") }
    // The CPU time a query used, beside its wall-clock time: on a shared machine the difference
    // is time spent waiting for a core.
    if let busiest = results.max(by: { $0.cpu < $1.cpu }) {
        print(String(format: "%-44@ %10.2f ms  (for information: %@)", "search most CPU per query (p95)" as NSString, busiest.cpu,
                     name(busiest.query)))
    }
    print("queries whose p95 missed the target: \(misses.count) of \(results.count)")
    for miss in misses.sorted(by: { $0.p95 > $1.p95 }).prefix(20) {
        print(String(format: "  %8.2f ms  (cpu %7.2f ms)  %@ (%@, %d hits)", miss.p95, miss.cpu, name(miss.query), miss.query.label,
                     miss.total))
    }
    return median < medianTarget && misses.isEmpty
}
