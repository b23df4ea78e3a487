public import Catalog
import SQLite

extension CatalogReader {
    /// One page of the records matching `request`, with the total and facet counts.
    ///
    /// A page's work is bounded whatever the number of hits and the filters. The planner
    /// (`SearchPlan`) lets the most selective index drive; the candidates are tested from the
    /// newest down. When they run out within one sample (`SearchLimits.sample`), everything is
    /// exact. Otherwise `total` and `facets` are estimated from the sample and flagged; relevance
    /// ranks one window of the newest candidates at a time (`orderApproximate`); recency and
    /// title order walk their index and stay exact; and a page whose work runs out before it
    /// fills comes back short, with a `nextCursor` that continues where it stopped.
    ///
    /// - Throws: `StoreError.invalidArgument` for a cursor that does not decode, or a request over
    ///   the bounds of `SearchRequest` (terms, term length, origins).
    public func search(_ request: SearchRequest) throws -> SearchPage {
        try search(request, limits: SearchLimits())
    }

    /// `search(_:)` with other work limits (tests use small ones to reach the estimated paths).
    func search(_ request: SearchRequest, limits: SearchLimits) throws -> SearchPage {
        if request.terms.count > SearchRequest.maxTerms {
            throw StoreError.invalidArgument("\(request.terms.count) search terms; a search takes at most \(SearchRequest.maxTerms)")
        }
        if let term = request.terms.first(where: { $0.unicodeScalars.count > SearchRequest.maxTermLength }) {
            throw StoreError.invalidArgument(
                "a search term of \(term.unicodeScalars.count) characters; a term takes at most \(SearchRequest.maxTermLength)")
        }
        if request.origins.count > SearchRequest.maxOrigins {
            throw StoreError.invalidArgument("\(request.origins.count) origins; a search takes at most \(SearchRequest.maxOrigins)")
        }
        let cursor = try request.cursor.map(Cursor.init(token:))
        return try connection.readTransaction {
            var run = SearchRun(connection: connection, request: request, limits: limits, cursor: cursor)
            return try run.page()
        }
    }
}

/// One search, run inside one read transaction.
struct SearchRun {
    let connection: Connection
    let request: SearchRequest
    let limits: SearchLimits
    let cursor: Cursor?
    let expressions: [SearchStream: String]
    /// Set once the driver is chosen (it decides which terms need testing on rows).
    private(set) var statements: SearchStatements
    let ordering: SearchRanking.Ordering
    let limit: Int
    /// The statement that tests a unified search's other members, prepared once per search
    /// (order walks collapse one hit at a time).
    private let memberTest = MemberTest()

    init(connection: Connection, request: SearchRequest, limits: SearchLimits, cursor: Cursor?) {
        self.connection = connection
        self.request = request
        self.limits = limits
        self.cursor = cursor
        ordering = SearchRanking.Ordering(request.order, hasTerms: !request.terms.isEmpty)
        expressions = SearchStatements.expressions(request)
        statements = SearchStatements(request, ordering: ordering)
        limit = min(max(request.limit, 1), SearchRequest.maxLimit)
    }

    /// Where candidates come from, newest rowid first.
    enum Driver {
        /// Rowids read from the indexes and intersected (descending).
        case list([Int64])
        /// A stream (or the table, when nil) walked from `high` down to `low`, the table's
        /// extremes; `count` is its number of rows when the planner counted them.
        case walk(SearchStream?, count: Int?, low: Int64, high: Int64)
    }

    /// The candidates of one window: the first `limits.sample` of the driver from a rowid down.
    struct Examined {
        var matches: [SearchMatch] = []
        /// Candidates tested.
        var examined = 0
        /// Rowids the window covers, from its start to its last candidate.
        var span = 0
        /// Where the next window starts; nil when no candidate is left.
        var next: Int64?
        var exhausted: Bool { next == nil }
    }

    /// The page: the planner picks the driver, a sample of its newest candidates is tested, and
    /// the page is cut from it when it holds every candidate, else ranked or walked within the
    /// page's work.
    mutating func page() throws -> SearchPage {
        let driver = try plan()
        let sample = try examine(driver, from: .max)
        var facets = SearchRanking.Facets()
        for match in sample.matches { facets.add(match) }
        if sample.exhausted {
            // Every candidate was tested: counts and order are exact.
            var sorted = ordering.sorted(sample.matches)
            if let cursor, !cursor.isWindowStart { sorted.removeAll { !ordering.isAfter($0, cursor) } }
            let page = Array(sorted.prefix(limit))
            let next = sorted.count > limit ? page.last.map { ordering.cursor(after: $0) } : nil
            return SearchPage(
                total: facets.total, hits: try hits(page), facets: facets.counts(scaledBy: 1), nextCursor: next?.token)
        }
        // More candidates than one sample: counts are estimated from it. Relevance is ranked a
        // window at a time; recency and title walk their index when matches are dense enough to
        // fill a page within its work, else they too are ordered a window at a time.
        let (factor, density) = estimate(driver, sample)
        let walkOrder = ordering != .relevance && density * Double(limits.pageRows) >= 2 * Double(limit + 1)
        let (page, next) = walkOrder ? try orderPage(driver) : try windowPage(driver, sample: sample)
        return SearchPage(
            total: Int((Double(facets.total) * factor).rounded()), hits: try hits(page), facets: facets.counts(scaledBy: factor),
            nextCursor: next?.token, totalApproximate: true, facetsApproximate: true, orderApproximate: !walkOrder)
    }

    /// Counts each stream up to `limits.readable` from its index, lets `SearchPlan` choose, and
    /// returns the driver (with the statements that test its candidates).
    private mutating func plan() throws -> Driver {
        var counts: [SearchStream: Int] = [:]
        for (stream, expression) in expressions {
            counts[stream] = try connection.prepare(SearchStatements.probe(stream))
                .queryFirst([.text(expression), .integer(Int64(limits.readable + 1))]) { $0.int(0) } ?? 0
        }
        let plan = SearchPlan(counts: counts, limits: limits)
        if let first = plan.read.first, let count = counts[first], count > limits.sample, plan.read.count > 1 {
            // Too many for one sample, and another small stream to narrow them: intersect.
            var list = try read(first)
            var exact: Set<SearchStream> = [first]
            for stream in plan.read.dropFirst() where list.count > limits.sample {
                list = Self.intersect(list, try read(stream))
                exact.insert(stream)
            }
            statements = SearchStatements(request, ordering: ordering, exact: exact)
            return .list(list)
        }
        let range = try connection.prepare("SELECT (SELECT min(rowid) FROM records), (SELECT max(rowid) FROM records)")
            .queryFirst { ($0.int64(0), $0.int64(1)) } ?? (1, 0)
        let stream = plan.read.first ?? plan.walk
        if let stream { statements = SearchStatements(request, ordering: ordering, exact: [stream]) }
        return .walk(stream, count: plan.read.first.flatMap { counts[$0] }, low: range.0, high: range.1)
    }

    /// How many matches each match of the sample stands for, and the matches per row of the
    /// table an order walk would test.
    private func estimate(_ driver: Driver, _ sample: Examined) -> (factor: Double, density: Double) {
        switch driver {
        case .list(let list):
            // The list's length is known; the order walk tests only its members.
            let rate = Double(sample.matches.count) / Double(max(sample.examined, 1))
            return (Double(list.count) / Double(max(sample.examined, 1)), rate)
        case .walk(_, let count, let low, let high):
            // The stream's count when it was counted, else matches are taken to be spread evenly
            // over rowids. The order walk tests every row.
            let factor = count.map { Double($0) / Double(max(sample.examined, 1)) }
                ?? Double(max(high - low + 1, 1)) / Double(max(sample.span, 1))
            return (factor, Double(sample.matches.count) / Double(max(sample.span, 1)))
        }
    }

    // MARK: Candidates

    /// A stream's rowids, newest first (the plan reads only streams it counted as small).
    private func read(_ stream: SearchStream) throws -> [Int64] {
        guard let expression = expressions[stream] else { return [] }
        return try connection.prepare(SearchStatements.read(stream))
            .query([.text(expression), .integer(Int64(limits.readable + 1))]) { $0.int64(0) }
    }

    /// The rowids in both descending lists.
    static func intersect(_ a: [Int64], _ b: [Int64]) -> [Int64] {
        var result: [Int64] = []
        var i = 0
        var j = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] {
                result.append(a[i])
                i += 1
                j += 1
            } else if a[i] > b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return result
    }

    /// Tests the window of candidates that starts at rowid `start` (at most), newest first.
    private func examine(_ driver: Driver, from start: Int64) throws -> Examined {
        var result = Examined()
        switch driver {
        case .list(let list):
            // The first position whose rowid is at most `start` (the list descends).
            var low = 0
            var high = list.count
            while low < high {
                let middle = (low + high) / 2
                if list[middle] > start { low = middle + 1 } else { high = middle }
            }
            let end = min(low + limits.sample, list.count)
            guard end > low else { return result }
            let rowids = "[" + list[low..<end].map(String.init).joined(separator: ",") + "]"
            let statement = try connection.prepareUncached(statements.batch)
            try statement.forEach(statements.values + [.text(rowids)]) { result.matches.append(match($0)) }
            result.examined = end - low
            result.span = Int(list[low] - list[end - 1] + 1)
            result.next = end < list.count ? list[end] : nil
        case .walk(let stream, _, let low, let high):
            let upper = min(start, high)
            guard upper >= low else { return result }
            // The window's extent from the index alone, then its rows by rowid range.
            let expression = stream.flatMap { expressions[$0] }
            let size = Int64(limits.sample)
            let extent: [SQLValue] = expression.map { [.text($0), .integer(upper), .integer(size)] } ?? [.integer(upper), .integer(size)]
            guard let (count, lowest) = try connection.prepare(SearchStatements.window(stream))
                .queryFirst(extent, row: { ($0.int(0), $0.int64(1)) }), count > 0
            else { return result }
            let statement = try connection.prepareUncached(statements.range(stream))
            let bounds: [SQLValue] = [.integer(upper), .integer(lowest)] + (expression.map { [SQLValue.text($0)] } ?? [])
            try statement.forEach(statements.values + bounds) { result.matches.append(match($0)) }
            result.examined = count
            result.span = Int(upper - lowest + 1)
            if count == limits.sample, lowest > low {
                // A full window: another follows when a candidate lies below it.
                let below: [SQLValue] = expression.map { [.text($0), .integer(lowest - 1), .integer(1)] } ?? [.integer(lowest - 1), .integer(1)]
                let more = try connection.prepare(SearchStatements.window(stream)).queryFirst(below) { $0.int(0) } ?? 0
                result.next = more > 0 ? lowest - 1 : nil
            }
        }
        if request.unified { result.matches = try collapse(result.matches) }
        return result
    }

    /// The match on the statement's current row (a row of `SearchStatements.columns`). Its score
    /// is there in relevance order; the other orders score only their page's hits.
    private func match(_ row: Statement) -> SearchMatch {
        let masks = (0..<statements.maskCount).map { row.int(SearchStatements.firstMaskColumn + $0) }
        let base = SearchStatements.firstMaskColumn + statements.maskCount
        return SearchMatch(
            rowid: row.int64(SearchStatements.rowidColumn), score: SearchRanking.score(masks: masks),
            updatedAt: row.text(base + SearchStatements.updatedAtOffset) ?? "",
            titleKey: row.text(base + SearchStatements.titleKeyOffset) ?? "", kind: row.text(base + SearchStatements.kindOffset) ?? "",
            industry: row.text(base + SearchStatements.industryOffset) ?? "",
            region: row.text(base + SearchStatements.regionOffset) ?? "", stage: row.int(base + SearchStatements.stageOffset),
            origin: row.text(base + SearchStatements.originOffset) ?? "")
    }

    // MARK: Pages

    /// A page ranked one window at a time, newest window first; the sample is the first window.
    private func windowPage(_ driver: Driver, sample: Examined) throws -> ([SearchMatch], Cursor?) {
        var start = cursor?.window ?? .max
        var after = cursor
        var window = start == .max ? sample : try examine(driver, from: start)
        var hits: [(match: SearchMatch, window: Int64)] = []
        var spent = 0
        var next: Cursor?
        while true {
            var ranked = ordering.sorted(window.matches)
            if let position = after, !position.isWindowStart {
                ranked.removeAll { !ordering.isAfter($0, position) }
            }
            after = nil
            hits += ranked.map { ($0, start) }
            guard hits.count <= limit, let following = window.next else { break }
            spent += window.examined
            if spent >= limits.pageRows {
                // The page's work is spent: the next page starts with the next window.
                next = Cursor.windowStart(following)
                break
            }
            start = following
            window = try examine(driver, from: start)
        }
        let page = hits.prefix(limit)
        if hits.count > limit, let last = page.last {
            next = ordering.cursor(after: last.match, window: last.window)
        }
        return (page.map(\.match), next)
    }

    /// A page in recency or title order: the order's index is walked from the cursor and each
    /// entry tested, until the page is full or its work is spent (then the page is short and the
    /// cursor continues after the last entry walked).
    private func orderPage(_ driver: Driver) throws -> ([SearchMatch], Cursor?) {
        var position: [SQLValue] = []
        if let cursor, !cursor.isWindowStart { position = [.text(cursor.key), .integer(cursor.rowid)] }
        var hits: [SearchMatch] = []
        var next: Cursor?
        var tested = 0
        if case .list(let list) = driver {
            // Only candidates cost a row read; other entries are skipped on the index alone.
            let members = Set(list)
            let walk = try connection.prepareUncached(statements.orderWalk(ordering, after: !position.isEmpty, keysOnly: true))
            let row = try connection.prepareUncached(statements.batch)
            try walk.bind(position)
            defer { walk.reset() }
            var steps = 0
            while try walk.step() {
                steps += 1
                let rowid = walk.int64(0)
                if members.contains(rowid) {
                    tested += 1
                    var found: [SearchMatch] = []
                    try row.forEach(statements.values + [.text("[\(rowid)]")]) { found.append(match($0)) }
                    hits += request.unified ? try collapse(found) : found
                    if hits.count > limit { break }
                }
                if steps >= limits.pageSteps || tested >= limits.pageRows {
                    next = Cursor(score: 0, key: walk.text(1) ?? "", rowid: rowid)
                    break
                }
            }
        } else {
            // The order's index yields every row, not only the driver's: every term is tested.
            let full = SearchStatements(request, ordering: ordering)
            let walk = try connection.prepareUncached(full.orderWalk(ordering, after: !position.isEmpty, keysOnly: false))
            try walk.bind(full.values + position)
            defer { walk.reset() }
            let base = SearchStatements.firstMaskColumn + full.maskCount
            while try walk.step() {
                tested += 1
                if walk.int(base + SearchStatements.testOffset) != 0 {
                    hits += request.unified ? try collapse([match(walk)]) : [match(walk)]
                    if hits.count > limit { break }
                }
                if tested >= limits.pageRows {
                    let key = ordering == .title ? SearchStatements.titleKeyOffset : SearchStatements.updatedAtOffset
                    next = Cursor(score: 0, key: walk.text(base + key) ?? "", rowid: walk.int64(SearchStatements.rowidColumn))
                    break
                }
            }
        }
        let page = Array(hits.prefix(limit))
        if hits.count > limit, let last = page.last { next = ordering.cursor(after: last) }
        return (page, next)
    }

    /// The records of a page's matches, in order, each with its relevance score.
    private func hits(_ matches: [SearchMatch]) throws -> [SearchHit] {
        let statement = try connection.prepareUncached(statements.hit)
        let terms = request.terms.count
        return try matches.map { match in
            let found = try statement.queryFirst(statements.values + [.integer(match.rowid)]) { row in
                (body: row.text(0), masks: (0..<terms).map { row.int(1 + $0) })
            }
            guard let found, let body = found.body else { throw StoreError.database(SearchRowMissing(rowid: match.rowid)) }
            var hit = SearchHit(project: try RecordRow.project(body: body), score: SearchRanking.score(masks: found.masks))
            if request.unified { try unify(&hit) }
            return hit
        }
    }

    // MARK: Unified search

    /// The matches that stand for their cluster: of a cluster's matching members, the one with
    /// the highest rowid, carrying the others in `group`. Whether a record stands for its cluster
    /// depends on the record and the request only, never on the page, so every path (sample,
    /// windows, order walks, cursors) sees each cluster once. A member outside `matches` is tested
    /// in full here; a record not yet merged is a cluster of its own.
    func collapse(_ matches: [SearchMatch]) throws -> [SearchMatch] {
        guard !matches.isEmpty else { return matches }
        let rowids = "[" + matches.map { String($0.rowid) }.joined(separator: ",") + "]"
        // Each match's fellow members (rowids), through the cluster table.
        var fellows: [Int64: [Int64]] = [:]
        try connection.prepare(Self.fellowsSQL).forEach([.text(rowids)]) { row in
            let (rowid, fellow) = (row.int64(0), row.int64(1))
            if fellow != rowid { fellows[rowid, default: []].append(fellow) }
        }
        guard !fellows.isEmpty else { return matches }
        var known: [Int64: SearchMatch] = [:]
        for match in matches { known[match.rowid] = match }
        let untested = Set(fellows.values.joined()).subtracting(known.keys)
        if !untested.isEmpty {
            // Test in full: the driving index proposed none of these rows.
            let full = SearchStatements(request, ordering: ordering)
            let list = "[" + untested.sorted().map(String.init).joined(separator: ",") + "]"
            if memberTest.statement == nil { memberTest.statement = try connection.prepareUncached(full.batch) }
            try memberTest.statement!.forEach(full.values + [.text(list)]) { row in
                let found = match(row)
                known[found.rowid] = found
            }
        }
        return matches.compactMap { match in
            let others = (fellows[match.rowid] ?? []).compactMap { known[$0] }
            guard others.allSatisfy({ $0.rowid < match.rowid }) else { return nil }
            var kept = match
            kept.group = others
            return kept
        }
    }

    /// For each rowid of the JSON array `?1`: the rowids of every member of its cluster (itself
    /// included) that has a record.
    static let fellowsSQL = """
        SELECT r.rowid, f.rowid FROM json_each(?1) AS j CROSS JOIN records AS r ON r.rowid = j.value
        JOIN cluster_members AS c ON c.record_id = r.id
        JOIN cluster_members AS m ON m.cluster_id = c.cluster_id
        JOIN records AS f ON f.id = m.record_id
        """

    /// Makes a hit the result of its cluster: the steward's record (the hit's own when the
    /// steward has none here), the cluster id and its members' ids.
    private func unify(_ hit: inout SearchHit) throws {
        let id = hit.project.id.description
        guard let cluster = try connection.prepare("SELECT cluster_id FROM cluster_members WHERE record_id = ?")
            .queryFirst([.text(id)], row: { $0.text(0) }) ?? nil
        else {
            // Not merged yet: a cluster of one.
            hit.cluster = id
            hit.members = [id]
            return
        }
        hit.cluster = cluster
        hit.members = try connection.prepare(
            "SELECT m.record_id FROM cluster_members AS m JOIN records AS r ON r.id = m.record_id WHERE m.cluster_id = ? ORDER BY m.record_id"
        ).query([.text(cluster)]) { $0.text(0) ?? "" }
        let steward = try connection.prepare("SELECT json_extract(CAST(entry AS TEXT), '$.steward') FROM unified WHERE cluster_id = ?")
            .queryFirst([.text(cluster)]) { $0.text(0) } ?? nil
        if let steward, steward != id,
            let body = try connection.prepare("SELECT body FROM records WHERE id = ?").queryFirst([.text(steward)], row: { $0.text(0) }) ?? nil
        {
            hit.project = try RecordRow.project(body: body)
        }
    }
}

/// The prepared member test of one unified search (a reference, so the run's non-mutating steps
/// can fill it in).
final class MemberTest {
    var statement: Statement?
}

/// A row the search found was not there when its body was read (within one read transaction this
/// means a damaged database).
struct SearchRowMissing: Error, CustomStringConvertible {
    let rowid: Int64
    var description: String { "records row \(rowid) matched a search but has no body" }
}
