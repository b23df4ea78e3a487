// kechuang-bench: in-process measurements for `make bench` (scripts/bench.sh).
//
//     kechuang-bench search-latency DB [COUNT]
//     kechuang-bench search-queries DB [--runs N] [--p95-target MS] [--verbose] [--only TEXT]
//     kechuang-bench grams-sql DB
//     kechuang-bench publish DB COUNT RAW-OUT
//     kechuang-bench match-quality SET-DIR [--per-region N]
//     kechuang-bench match-baseline COPY OUT-DIR [--demands N] [--all-sample S]
//
// Samples COUNT record titles (deterministically), takes a three-character and a two-character
// substring of each as a query, runs each query once through the same path as `kechuang search`
// (QueryParser, then CatalogReader.search with facets and the first page of 20), and prints the
// median and 95th percentile latency per term length as `key value` lines.
//
// search-queries runs the query set of issue 9 (SearchQueries.swift: common and rare one-, two-
// and three-character terms, alone and with each filter, in each order) and prints the median
// and the slowest query's p95 with their targets and PASS or FAIL; it exits 1 when one fails.
//
// grams-sql prints the rows of the two-character and one-character indexes as SQL inserts, so the
// bare-tool baseline (sqlite3 loading the same rows into the same schema) loads those indexes too.
//
// publish appends COUNT generated records to the node's own log through the store's append path
// (entry lines, body hashes, one transaction per 4,096 entries, pages sealed with their roots and
// gzip copies as they fill) and signs a checkpoint, timing only that, and prints
// `publish_seconds`. It writes every entry line and body it appended to RAW-OUT, for the
// baseline's sha256sum over the same bytes.
//
// match-quality and match-baseline: issue 10's quality figures and the speed baseline's queries
// (MatchBench.swift).
import Catalog
import Feed
import Foundation
import JSON
import Query
import Signing
import SQLite
import Store

func sampleTerms(database: String, count: Int) throws -> (three: [String], two: [String]) {
    let connection = try Connection(path: database, mode: .readOnly)
    let total = try connection.prepare("SELECT max(rowid) FROM records").queryFirst { $0.int(0) } ?? 0
    var three: [String] = []
    var two: [String] = []
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    let statement = try connection.prepare("SELECT s_title FROM records WHERE rowid >= ? ORDER BY rowid LIMIT 1")
    while three.count < count, total > 0 {
        guard let title = try statement.queryFirst([.integer(Int64(next() % UInt64(total)) + 1)], row: { $0.text(0) }) ?? nil
        else { continue }
        let characters = Array(title).filter { !$0.isWhitespace }
        guard characters.count >= 4 else { continue }
        let start = Int(next() % UInt64(characters.count - 3))
        three.append(String(characters[start..<start + 3]))
        two.append(String(characters[start..<start + 2]))
    }
    return (three, two)
}

func latencies(_ reader: CatalogReader, _ terms: [String]) throws -> (median: Double, p95: Double, hits: Int) {
    let clock = ContinuousClock()
    var samples: [Double] = []
    var hits = 0
    let today = DateText.date(Date())
    for term in terms {
        let started = clock.now
        let request = try QueryParser.parse(term, into: SearchRequest(limit: 20, today: today))
        let page = try reader.search(request)
        let elapsed = clock.now - started
        samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
        hits += page.total
    }
    samples.sort()
    return (samples[samples.count / 2], samples[min(samples.count - 1, samples.count * 95 / 100)], hits / max(terms.count, 1))
}

func printGramsSQL(database: String) throws {
    let connection = try Connection(path: database, mode: .readOnly)
    let statement = try connection.prepare("SELECT rowid, s_title, s_summary, s_keywords, s_org FROM records ORDER BY rowid")
    var output = ""
    try statement.bind([])
    while try statement.step() {
        let folded = (1...4).map { statement.text($0) ?? "" }
        let grams = SearchGrams.grams(folded)
        let characters = SearchGrams.characters(folded)
        output += "INSERT INTO records_grams (rowid, grams) VALUES (\(statement.int64(0)), '\(grams.replacingOccurrences(of: "'", with: "''"))');\n"
        output += "INSERT INTO records_chars (rowid, chars) VALUES (\(statement.int64(0)), '\(characters.replacingOccurrences(of: "'", with: "''"))');\n"
        if output.utf8.count > 1 << 20 {
            FileHandle.standardOutput.write(Data(output.utf8))
            output = ""
        }
    }
    FileHandle.standardOutput.write(Data(output.utf8))
}

func publish(database: String, count: Int, rawOut: String) async throws {
    let store = try CatalogStore(path: database)
    let origin = store.node.id
    var generator = CatalogGenerator(region: store.node.region, count: count, seed: 1, today: "2026-11-26")
    var bodies: [(id: String, body: [UInt8])] = []
    bodies.reserveCapacity(count)
    while var project = generator.next() {
        project.version = 1
        project.createdAt = "2026-11-26T00:00:00Z"
        project.updatedAt = "2026-11-26T00:00:00Z"
        bodies.append(("\(origin):\(project.id.local)", try JCS.canonicalize(project.jsonValue(nodeFields: true, maskContact: true))))
    }
    let key = try Ed25519PrivateKey()
    let clock = ContinuousClock()
    let started = clock.now
    var size = try await store.logSize()
    var raw: [UInt8] = []
    for batch in stride(from: 0, to: bodies.count, by: 4096) {
        var entries: [LogEntry] = []
        var lines: [[UInt8]] = []
        for (id, body) in bodies[batch..<min(batch + 4096, bodies.count)] {
            let entry = try LogEntry(seq: size, op: .put, id: id, version: 1, time: "2026-11-26T00:00:00Z", bodyHash: SHA256.hash(body))
            entries.append(entry)
            lines.append(body)
            size += 1
        }
        try await store.appendVerified(origin: origin, entries: entries, bodies: lines)
        for (entry, body) in zip(entries, lines) {
            raw += entry.line
            raw += body
        }
    }
    let checkpoint = try await store.publish(key: key, rootKey: key.publicKey, now: Date(), force: true)
    let elapsed = clock.now - started
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    guard FileManager.default.createFile(atPath: rawOut, contents: Data(raw)) else { throw CocoaError(.fileWriteUnknown) }
    print(String(format: "publish_seconds %.3f", seconds))
    print("publish_entries \(count)")
    print("publish_checkpoint_size \(checkpoint?.size ?? 0)")
}

let arguments = CommandLine.arguments
if arguments.count == 5, arguments[1] == "publish", let count = Int(arguments[3]) {
    try await publish(database: arguments[2], count: count, rawOut: arguments[4])
    exit(0)
}
if arguments.count == 3, arguments[1] == "grams-sql" {
    try printGramsSQL(database: arguments[2])
    exit(0)
}
/// The value of `--name N` among `arguments`, else `fallback`.
func option(_ name: String, _ fallback: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]) else { return fallback }
    return value
}
if arguments.count >= 3, arguments[1] == "match-quality" {
    exit(try await runMatchQuality(set: arguments[2], perRegion: option("--per-region", 1_700)) ? 0 : 1)
}
if arguments.count >= 4, arguments[1] == "match-baseline" {
    try runMatchBaseline(copy: arguments[2], out: arguments[3], demands: option("--demands", 20), allSample: option("--all-sample", 100))
    exit(0)
}
if arguments.count >= 3, arguments[1] == "search-queries" {
    var runs = 10
    var target: Double?
    var verbose = false
    var only: String?
    var index = 3
    while index < arguments.count {
        switch arguments[index] {
        case "--runs" where index + 1 < arguments.count: runs = Int(arguments[index + 1]) ?? runs; index += 1
        case "--p95-target" where index + 1 < arguments.count: target = Double(arguments[index + 1]); index += 1
        case "--verbose": verbose = true
        case "--only" where index + 1 < arguments.count: only = arguments[index + 1]; index += 1
        default: FileHandle.standardError.write(Data("unknown option \(arguments[index])\n".utf8)); exit(2)
        }
        index += 1
    }
    let passed = try runSearchQueries(database: arguments[2], runs: max(runs, 1), p95Target: target, medianTarget: 20, verbose: verbose, only: only)
    exit(passed ? 0 : 1)
}
guard arguments.count >= 3, arguments[1] == "search-latency" else {
    FileHandle.standardError.write(
        Data("usage: kechuang-bench search-latency DB [COUNT] | search-queries DB [--runs N] [--p95-target MS] [--verbose] [--only TEXT] | grams-sql DB | publish DB COUNT RAW-OUT | match-quality SET-DIR [--per-region N] | match-baseline COPY OUT-DIR [--demands N] [--all-sample S]\n".utf8))
    exit(2)
}
let count = arguments.count > 3 ? Int(arguments[3]) ?? 100 : 100
let terms = try sampleTerms(database: arguments[2], count: count)
let reader = try CatalogReader(path: arguments[2])
_ = try latencies(reader, Array(terms.three.prefix(5)))  // warm the page cache
let three = try latencies(reader, terms.three)
let two = try latencies(reader, terms.two)
print(String(format: "search_3char_median_ms %.2f", three.median))
print(String(format: "search_3char_p95_ms %.2f", three.p95))
print("search_3char_mean_hits \(three.hits)")
print(String(format: "search_2char_median_ms %.2f", two.median))
print(String(format: "search_2char_p95_ms %.2f", two.p95))
print("search_2char_mean_hits \(two.hits)")
