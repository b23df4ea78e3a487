public import Catalog
import Foundation
public import JSON
public import Query
public import Store

/// Matching over the unified catalog (protocols/matching.md), shared by `GET /v1/matches` and
/// `kechuang match`: the store retrieves candidates with a cap, `Matcher` scores them.
public struct MatchService: Sendable {
    public let matcher: Matcher
    /// Records retrieved through the full-text index per request, at most.
    public var candidateCap = 300
    /// Finance products read per request, at most.
    public var financeCap = 2_000
    /// Pairs of each challenge kept for `--all`: its best, and its best cross-region.
    public var pairsPerChallenge = 5

    public init(lexicon: MatchLexicon, weights: MatchWeights = .standard) {
        matcher = Matcher(lexicon: lexicon, weights: weights)
    }

    /// The project's own lexicon (embedded) with the files of `--lexicon` added.
    ///
    /// - Throws: `MatchLexiconError` (`FILE:LINE: problem`) for a malformed file.
    public static func lexicon(adding files: [(name: String, text: String)] = []) throws -> MatchLexicon {
        var lexicon = try MatchLexicon(parsing: DomainLexicon.tsv, file: "DomainLexicon.tsv")
        for file in files { try lexicon.add(parsing: file.text, file: file.name) }
        return lexicon
    }

    /// Parses the `for` id; a local id is taken as the node's own.
    public static func subjectID(_ text: String, node: String) throws -> RecordID {
        guard text.count <= 100, let id = RecordID(text.contains(":") ? text : "\(node):\(text)") else {
            throw APIError.badRequest("\(text) is not a record id")
        }
        return id
    }

    /// The ranked matches of the project `id`.
    ///
    /// - Parameter session: caches of clusters, texts and frequencies, shared by the requests of
    ///   one `--all` run (one catalog state); a new one per request otherwise.
    /// - Throws: `APIError` 404 for an unknown id, 400 for a kind the subject cannot be matched with.
    /// - Parameter select: picks the results to return from the ranking (`Matcher.rank`).
    public func match(
        _ id: RecordID, request: MatchRequest, reader: CatalogReader, session: MatchSession = MatchSession(),
        select: (([MatchResult]) -> [MatchResult])? = nil
    ) throws -> (subject: ClusterProject, results: [MatchResult]) {
        guard let subject = try session.cluster(of: id, reader: reader) else { throw APIError.notFound("no record \(id)") }
        let kinds: [ProjectKind]
        do {
            kinds = try Matcher.targetKinds(for: subject.project.kind, requested: request.kind)
        } catch let error as MatchError {
            throw APIError.badRequest(error.message)
        }
        let text = session.text(subject, lexicon: matcher.lexicon)
        let statistics = try session.statistics(for: [text], reader: reader)
        var ids: [RecordID] = []
        let textKinds = kinds.filter { $0 != .finance }
        if !textKinds.isEmpty {
            ids = try reader.matchCandidates(
                terms: matcher.retrievalTerms(text, statistics: statistics), kinds: textKinds, cap: candidateCap,
                excludingRegions: request.crossRegion ? subject.regions : [])
        }
        if subject.project.kind == .finance, case .finance(let product) = subject.project.details {
            ids += try reader.matchCandidates(
                kinds: textKinds, industries: product.eligibleIndustries, regions: product.eligibleRegions, cap: candidateCap)
        }
        if kinds.contains(.finance) { ids += try reader.financeCandidates(cap: financeCap) }
        var candidates: [ClusterProject] = []
        var seen: Set<String> = []
        for id in ids {
            guard let candidate = try session.cluster(of: id, reader: reader), seen.insert(candidate.cluster).inserted else { continue }
            candidates.append(candidate)
        }
        // IDF is read for the demand side's pairs and terms only (the side whose concepts and
        // pairs a score weighs): the subject's, and the candidates' when they are the demand.
        let demandCandidates = candidates.filter { $0.project.kind == .challenge || subject.project.kind == .finance }
        let full = try session.statistics(
            for: [text] + demandCandidates.map { session.text($0, lexicon: matcher.lexicon) },
            termsOf: candidates.map { session.text($0, lexicon: matcher.lexicon) }, reader: reader)
        let results = try matcher.rank(
            subject, candidates: candidates, request: request, statistics: full, text: { session.text($0, lexicon: matcher.lexicon) },
            select: select)
        return (subject, results)
    }

    /// The strongest challenge–solution pairs of the whole catalog, each pair once: every
    /// current challenge's best `pairsPerChallenge` solutions and best cross-region ones.
    public func allPairs(reader: CatalogReader, today: String) throws -> [StoredMatchPair] {
        var pairs: [MatchPair] = []
        let session = MatchSession()
        for challenge in try reader.challengeClusters() where !MatchRequest.isExpired(challenge.project, today: today) {
            // One ranking per challenge: its best, and its best cross-region, from the top 100.
            let request = MatchRequest(limit: 100, today: today)
            let kept = try match(challenge.id, request: request, reader: reader, session: session) { results in
                let best = results.prefix(pairsPerChallenge)
                let cross = results.filter { challenge.isCrossRegion(with: $0.candidate) }.prefix(pairsPerChallenge)
                var seen: Set<String> = []
                return (Array(best) + Array(cross)).filter { seen.insert($0.candidate.cluster).inserted }
            }.results
            for result in kept {
                pairs.append(MatchPair(a: challenge, b: result.candidate, score: result.score, reasons: result.reasons))
            }
        }
        pairs.sort {
            if $0.score != $1.score { return $0.score > $1.score }
            if $0.a.id != $1.a.id { return $0.a.id.description < $1.a.id.description }
            return $0.b.id.description < $1.b.id.description
        }
        return pairs.map { pair in
            StoredMatchPair(
                crossRegion: pair.a.isCrossRegion(with: pair.b),
                industries: Array(Set([pair.a.project.industry.rawValue, pair.b.project.industry.rawValue])).sorted(),
                regions: Array(Set(pair.a.regions + pair.b.regions)).sorted(),
                json: JSONWriter.string(MatchJSON.pair(pair), pretty: false))
        }
    }

    /// The `--all` pairs filtered and cut to `limit`, as `{"pairs": […]}`.
    public static func allAnswer(
        _ stored: [StoredMatchPair], crossRegion: Bool, industry: Industry?, region: Region?, limit: Int
    ) throws -> JSONValue {
        var pairs: [JSONValue] = []
        for pair in stored {
            if crossRegion && !pair.crossRegion { continue }
            if let industry, !pair.industries.contains(industry.rawValue) { continue }
            if let region, !pair.regions.contains(region.code) { continue }
            pairs.append(try JSONParser.parse(pair.json))
            if pairs.count == limit { break }
        }
        return ["pairs": .array(pairs)]
    }

    /// The key the stored `--all` pairs are computed for: the catalog generation and the day
    /// (what is expired moves with the date).
    public static func allKey(reader: CatalogReader, today: String) throws -> String {
        "\(try reader.catalogGeneration())/\(today)"
    }
}

/// Caches for the requests of one catalog state: clusters by record, texts by cluster, pair
/// frequencies and the record count. Not shared between threads.
///
/// The clusters and texts are bounded (`limit` entries each, emptied when full): `--all` over a
/// national catalog meets most supply clusters, and keeping every one would hold gigabytes.
public final class MatchSession {
    private let limit = 20_000
    private var clusters: [RecordID: ClusterProject?] = [:]
    private var texts: [String: MatchText] = [:]
    private var frequencies: [UInt64: Int] = [:]
    private var asked: Set<UInt64> = []
    private var documents: Int?
    private var averageLength: Double?

    public init() {}

    func cluster(of id: RecordID, reader: CatalogReader) throws -> ClusterProject? {
        if let known = clusters[id] { return known }
        let found = try reader.clusterProject(of: id)
        if clusters.count >= limit { clusters.removeAll(keepingCapacity: true) }
        clusters[id] = .some(found)
        return found
    }

    func text(_ cluster: ClusterProject, lexicon: MatchLexicon) -> MatchText {
        if let known = texts[cluster.cluster] { return known }
        let text = MatchText(cluster.project, lexicon: lexicon)
        if texts.count >= limit { texts.removeAll(keepingCapacity: true) }
        texts[cluster.cluster] = text
        return text
    }

    /// The catalog's size and the frequencies of the texts' character pairs and of their terms'.
    /// (`termsOf`: texts whose lexicon terms only are weighed, the supply side's.)
    func statistics(for texts: [MatchText], termsOf others: [MatchText] = [], reader: CatalogReader) throws -> MatchStatistics {
        var wanted: Set<UInt64> = []
        for text in texts { wanted.formUnion(text.pairs) }
        for text in texts + others {
            for term in Array(text.groups.values) + Array(text.relatedGroups.values) + text.keywords {
                wanted.formUnion(MatchText.pairs(of: Array(term.unicodeScalars)))
            }
        }
        wanted.subtract(asked)
        if !wanted.isEmpty {
            let found = try reader.pairFrequencies(Set(wanted.map(MatchText.string(pair:))))
            for (pair, count) in found {
                let scalars = Array(pair.unicodeScalars)
                if scalars.count == 2 { frequencies[MatchText.pair(scalars[0], scalars[1])] = count }
            }
            asked.formUnion(wanted)
        }
        if documents == nil { documents = try reader.recordCount() }
        if averageLength == nil { averageLength = try reader.averageGramLength() }
        return MatchStatistics(documents: documents ?? 0, pairFrequency: frequencies, averageLength: averageLength ?? 0)
    }
}

@available(*, unavailable)
extension MatchSession: Sendable {}

/// The JSON shapes of matching, shared by the HTTP API and `kechuang match --json`.
public enum MatchJSON {
    /// `{"for": {"id", "cluster", "kind", "title", "region"}, "results": [result]}`.
    public static func answer(subject: ClusterProject, results: [MatchResult]) -> JSONValue {
        let project = subject.project
        return [
            "for": [
                "id": .string(project.id.description), "cluster": .string(subject.cluster), "kind": .string(project.kind.rawValue),
                "title": .string(project.title), "region": .string(project.organization.region.code),
            ],
            "results": .array(results.map { side($0.candidate, score: $0.score, reasons: $0.reasons) }),
        ]
    }

    /// `{"a": side, "b": side, "score", "reasons"}`.
    public static func pair(_ pair: MatchPair) -> JSONValue {
        ["a": side(pair.a), "b": side(pair.b), "score": .number(pair.score), "reasons": reasons(pair.reasons)]
    }

    /// `{"id", "cluster", "kind", "title", "origin", "region", "organization", "stage", "trl"}`,
    /// with `score` and `reasons` for a result.
    static func side(_ side: ClusterProject, score: Double? = nil, reasons: [MatchReason]? = nil) -> JSONValue {
        let project = side.project
        var object: [String: JSONValue] = [
            "id": .string(project.id.description), "cluster": .string(side.cluster), "kind": .string(project.kind.rawValue),
            "title": .string(project.title), "origin": .string(project.origin), "region": .string(project.organization.region.code),
            "organization": .string(project.organization.name), "stage": .string(project.stage.rawValue),
            "trl": project.trl.map { .number(Double($0)) } ?? .null,
        ]
        if let score { object["score"] = .number(score) }
        if let reasons { object["reasons"] = Self.reasons(reasons) }
        return .object(object)
    }

    static func reasons(_ reasons: [MatchReason]) -> JSONValue {
        .array(reasons.map { ["code": .string($0.code), "text": .string($0.text), "weight": .number($0.weight)] })
    }
}
