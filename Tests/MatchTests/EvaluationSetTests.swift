import Catalog
import Foundation
import JSON
import Testing
import TestSupport

/// Checks of the matching evaluation set itself (`Tests/MatchTests/Evaluation/`, described in its
/// README): every record is a valid import record, the halves have the size, spread and share of
/// vocabulary-gap cases the set promises, and every gap case really has almost no words in common.
/// These tests read the set's structure only; they compute no match.
@Suite struct EvaluationSetTests {
    static let industries = ["electronics", "equipment", "food_textile", "energy_chemical", "materials", "health", "agriculture"]

    /// One half, parsed: its cases as JSON objects.
    static func cases(_ half: String) throws -> [JSONValue] {
        let path = Repository.root + "/Tests/MatchTests/Evaluation/\(half).json"
        let value = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        return try #require(value.arrayValue, "\(half).json is not an array")
    }

    /// The character bigrams of `text`: pairs of adjacent letters or digits (CJK included) once
    /// punctuation and white space are removed, as the set's README defines them.
    static func bigrams(_ text: String) -> Set<String> {
        let characters = text.filter { $0.isLetter || $0.isNumber }.map(String.init)
        guard characters.count > 1 else { return [] }
        return Set((0..<(characters.count - 1)).map { characters[$0] + characters[$0 + 1] })
    }

    static func jaccard(_ a: String, _ b: String) -> Double {
        let left = bigrams(a), right = bigrams(b)
        let union = left.union(right).count
        return union == 0 ? 0 : Double(left.intersection(right).count) / Double(union)
    }

    static func text(_ record: JSONValue, _ fields: String...) -> String {
        fields.map { record[$0]?.stringValue ?? "" }.joined()
    }

    @Test func jaccardIsTheBigramOverlap() {
        #expect(Self.bigrams("燃气，报警器") == ["燃气", "气报", "报警", "警器"])
        #expect(Self.jaccard("燃气报警", "燃气报警") == 1)
        #expect(Self.jaccard("燃气报警", "激光光谱") == 0)
        #expect(abs(Self.jaccard("燃气报警", "燃气灶具") - 1.0 / 5.0) < 1e-9)
    }

    @Test(arguments: ["heldout", "tuning"])
    func everyRecordIsAValidImportRecord(half: String) throws {
        let decoder = ProjectDecoder(mode: .importing(origin: "eval"))
        var ids: Set<String> = []
        for item in try Self.cases(half) {
            let name = item["case"]?.stringValue ?? "?"
            let demand = try #require(item["demand"], "\(half) \(name): no demand")
            let solutions = item["solutions"]?.arrayValue ?? []
            let distractors = item["distractors"]?.arrayValue ?? []
            #expect((1...2).contains(solutions.count), "\(half) \(name): \(solutions.count) solutions")
            #expect((2...3).contains(distractors.count), "\(half) \(name): \(distractors.count) distractors")
            let industry = item["industry"]?.stringValue
            for record in [demand] + solutions + distractors {
                let id = record["id"]?.stringValue ?? ""
                #expect(ids.insert(id).inserted, "\(half) \(name): id \(id) used twice")
                let project: Project
                do { project = try decoder.decode(record) } catch {
                    Issue.record("\(half) \(name) \(id): \(error)")
                    continue
                }
                #expect(project.industry.rawValue == industry, "\(half) \(name) \(id): industry \(project.industry.rawValue)")
            }
            #expect(demand["kind"]?.stringValue == "challenge", "\(half) \(name): the demand is not a challenge")
            for record in solutions + distractors {
                let kind = record["kind"]?.stringValue
                #expect(kind == "achievement" || kind == "technology", "\(half) \(name): a \(kind ?? "?") as supply")
            }
        }
    }

    @Test(arguments: ["heldout", "tuning"])
    func eachHalfHasItsSizeSpreadAndGapShare(half: String) throws {
        let cases = try Self.cases(half)
        #expect(cases.count >= 30, "\(half): \(cases.count) cases")
        for industry in Self.industries {
            let count = cases.filter { $0["industry"]?.stringValue == industry }.count
            #expect(count >= 4, "\(half): \(count) cases of \(industry)")
        }
        let gaps = cases.filter { $0["gap"]?.boolValue == true }.count
        #expect(gaps * 3 >= cases.count, "\(half): \(gaps) of \(cases.count) cases are vocabulary-gap pairs")
        let regions = Set(cases.compactMap { $0["demand"]?["organization"]?["region"]?.stringValue })
        #expect(regions == ["sichuan", "beijing", "chongqing"], "\(half): demands from \(regions.sorted())")
    }

    /// A gap case's demand (title + problem) and each of its solutions (title + summary) share at
    /// most a tenth of their character bigrams.
    @Test(arguments: ["heldout", "tuning"])
    func gapCasesShareAlmostNoBigrams(half: String) throws {
        for item in try Self.cases(half) where item["gap"]?.boolValue == true {
            let demand = Self.text(try #require(item["demand"]), "title", "problem")
            for solution in item["solutions"]?.arrayValue ?? [] {
                let similarity = Self.jaccard(demand, Self.text(solution, "title", "summary"))
                #expect(similarity <= 0.1, "\(half) \(item["case"]?.stringValue ?? "?"): Jaccard \(similarity) with \(solution["id"]?.stringValue ?? "?")")
            }
        }
    }
}
