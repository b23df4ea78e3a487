public import API
public import Catalog
import Foundation
public import JSON
import Query
public import Store

/// One labelled demand of the evaluation set (`Tests/MatchTests/Evaluation/*.json`).
public struct EvaluationCase: Sendable {
    public let name: String
    public let gap: Bool
    /// The demand's local id in the evaluation catalog.
    public let demand: String
    /// The intended solutions' local ids.
    public let solutions: [String]
}

/// What the matcher achieved on one half of the evaluation set.
public struct EvaluationFigures: Sendable, CustomStringConvertible {
    public let cases: Int
    public let precisionAt1: Double
    public let hitAt5: Double
    public let mrr: Double
    /// Cases whose first solution ranked below 5 (or not at all: rank 0), by name.
    public let misses: [(name: String, rank: Int)]

    public var description: String {
        String(format: "%d demands: precision@1 %.3f, hit@5 %.3f, MRR %.3f", cases, precisionAt1, hitAt5, mrr)
    }
}

/// Item 3's harness: the evaluation set embedded in a generated catalog of three regions,
/// imported through the store's import path, merged into the unified catalog, then every
/// demand matched as `kechuang match` does (the same `MatchService`). Shared by the quality
/// tests (Tests/MatchTests) and `make bench` (kechuang-bench match-quality).
public enum EvaluationHarness {
    /// The day the catalog is generated for and matched on (the set's dates are fixed).
    public static let today = "2026-06-01"
    static let regions = ["sichuan", "beijing", "chongqing"]

    /// Reads one half (`DIRECTORY/HALF.json`): its cases and its records in import form, with ids made local.
    public static func load(_ half: String, in directory: String) throws -> (cases: [EvaluationCase], records: [JSONValue]) {
        let value = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/\(half).json"))))
        var cases: [EvaluationCase] = []
        var records: [JSONValue] = []
        for (index, item) in (value.arrayValue ?? []).enumerated() {
            guard let demand = item["demand"], let demandID = demand["id"]?.stringValue else {
                throw HarnessError("\(half).json case \(index): no demand id")
            }
            let solutions = item["solutions"]?.arrayValue ?? []
            records += [demand] + solutions + (item["distractors"]?.arrayValue ?? [])
            cases.append(EvaluationCase(
                name: item["case"]?.stringValue ?? "\(index)", gap: item["gap"]?.boolValue ?? false, demand: local(demandID),
                solutions: solutions.compactMap { $0["id"]?.stringValue }.map(local)))
        }
        return (cases, records.map(localized))
    }

    /// Builds the catalog in `directory`: `perRegion` generated records of each region plus the
    /// records of `halves`, imported into one node and merged. Returns the database path.
    public static func buildCatalog(in directory: String, set: String, halves: [String], perRegion: Int) async throws -> String {
        let path = directory + "/eval.db"
        let store = try CatalogStore.create(
            path: path, node: NodeInfo(id: "eval", name: "评测", region: Region(code: "sichuan")!, createdAt: today + "T00:00:00Z"))
        var seen: Set<String> = []
        var records: [JSONValue] = []
        for half in halves {
            for record in try load(half, in: set).records {
                guard let id = record["id"]?.stringValue, seen.insert(id).inserted else { continue }
                records.append(record)
            }
        }
        for (offset, code) in regions.enumerated() {
            var generator = CatalogGenerator(region: Region(code: code)!, count: perRegion, seed: UInt64(11 + offset), today: today)
            while var project = generator.next() {
                project.id = RecordID(origin: "eval", local: "\(code)-\(project.id.local)")!
                records.append(project.jsonValue(nodeFields: false))
            }
        }
        let bytes = JSONWriter.write(.array(records), pretty: false)
        _ = try await store.importProjects(from: .bytes(bytes, name: "evaluation.json"))
        _ = try await store.refreshUnified()
        return path
    }

    /// Matches every demand as `kechuang match` does and computes precision@1, hit@5 and MRR
    /// (over the top 100).
    public static func evaluate(_ cases: [EvaluationCase], database: String, service: MatchService) throws -> EvaluationFigures {
        let reader = try CatalogReader(path: database)
        return try evaluate(cases, reader: reader) { demand in
            let request = MatchRequest(limit: 100, today: today)
            return try service.match(demand, request: request, reader: reader).results.map(\.candidate.cluster)
        }
    }

    /// The same figures for the BM25-bigram baseline on the same catalog.
    public static func evaluateBaseline(_ cases: [EvaluationCase], database: String) throws -> EvaluationFigures {
        let reader = try CatalogReader(path: database)
        let baseline = try BaselineRanker(database: database)
        return try evaluate(cases, reader: reader) { demand in
            guard let project = try reader.project(demand) else { return [] }
            var clusters: [String] = []
            for id in try baseline.rank(project) {
                if let cluster = try reader.clusterProject(of: id)?.cluster, !clusters.contains(cluster) { clusters.append(cluster) }
            }
            return clusters
        }
    }

    /// Figures of a ranking: `rank` gives the ordered cluster ids for a demand.
    static func evaluate(_ cases: [EvaluationCase], reader: CatalogReader, rank: (RecordID) throws -> [String]) throws -> EvaluationFigures {
        var first = 0, hits = 0
        var reciprocal = 0.0
        var misses: [(String, Int)] = []
        for item in cases {
            var clusters: Set<String> = []
            for solution in item.solutions {
                if let found = try reader.clusterProject(of: RecordID(origin: "eval", local: solution)!) { clusters.insert(found.cluster) }
            }
            let ranked = try rank(RecordID(origin: "eval", local: item.demand)!)
            let position = (ranked.firstIndex { clusters.contains($0) }).map { $0 + 1 } ?? 0
            if position == 1 { first += 1 }
            if position >= 1 && position <= 5 { hits += 1 } else { misses.append((item.name, position)) }
            if position > 0 { reciprocal += 1 / Double(position) }
        }
        let n = Double(max(cases.count, 1))
        return EvaluationFigures(cases: cases.count, precisionAt1: Double(first) / n, hitAt5: Double(hits) / n, mrr: reciprocal / n, misses: misses)
    }

    /// `sichuan:ach-1` → `ach-1`: the evaluation node holds every record under its own origin.
    static func local(_ id: String) -> String {
        id.split(separator: ":", maxSplits: 1).last.map(String.init) ?? id
    }

    /// The record with its id made local and its `same_as` links dropped (they name other origins).
    static func localized(_ record: JSONValue) -> JSONValue {
        guard case .object(var object) = record else { return record }
        if let id = object["id"]?.stringValue { object["id"] = .string(local(id)) }
        object["same_as"] = nil
        object["origin"] = nil
        return .object(object)
    }
}

public struct HarnessError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
