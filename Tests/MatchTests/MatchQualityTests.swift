import API
import MatchEvaluation
import Foundation
import Query
import TestSupport
import Testing

/// Item 3 of issue 10: the matcher's quality on the labelled evaluation set, embedded in a
/// generated catalog of three regions (EvaluationHarness). The held-out half sets the floors;
/// the tuning half is what the lexicon and weights were tuned on.
@Suite(.serialized) struct MatchQualityTests {
    /// The evaluation set's directory.
    static let set = Repository.root + "/Tests/MatchTests/Evaluation"
    /// Generated records per region (three regions: 5,100 besides the evaluation set's own).
    static let perRegion = 1_700

    /// The catalog with both halves, built once per test run. `KECHUANG_EVAL_DB` names a
    /// database to reuse (tuning runs), built there when absent.
    /// The directory is returned with the path so that it lives as long as the task's value.
    static let catalog = Task<(path: String, directory: TemporaryDirectory?), any Error> {
        if let path = ProcessInfo.processInfo.environment["KECHUANG_EVAL_DB"], FileManager.default.fileExists(atPath: path) {
            return (path, nil)
        }
        let directory = try TemporaryDirectory(prefix: "match-eval")
        // KECHUANG_EVAL_TUNING_ONLY=1 (tuning runs of tuningHalfFigures): the held-out half is
        // not even read to fill the catalog.
        let tuningOnly = ProcessInfo.processInfo.environment["KECHUANG_EVAL_TUNING_ONLY"] == "1"
        let halves = tuningOnly ? ["tuning"] : ["heldout", "tuning"]
        let path = try await EvaluationHarness.buildCatalog(in: directory.path, set: set, halves: halves, perRegion: perRegion)
        if let target = ProcessInfo.processInfo.environment["KECHUANG_EVAL_DB"] {
            try FileManager.default.copyItem(atPath: path, toPath: target)
        }
        return (path, directory)
    }

    /// The standard weights; on tuning runs `KECHUANG_EVAL_WEIGHTS=name=value,…` changes some
    /// (`terms=0.4,sharedText=0.35`), so a tuning run needs no rebuild.
    static var weights: MatchWeights {
        var weights = MatchWeights.standard
        for setting in (ProcessInfo.processInfo.environment["KECHUANG_EVAL_WEIGHTS"] ?? "").split(separator: ",") {
            let parts = setting.split(separator: "=")
            guard parts.count == 2, let value = Double(parts[1]) else { continue }
            switch parts[0] {
            case "terms": weights.terms = value
            case "relatedCredit": weights.relatedCredit = value
            case "keywordCredit": weights.keywordCredit = value
            case "sharedText": weights.sharedText = value
            case "industry": weights.industry = value
            case "trl": weights.trl = value
            case "budget": weights.budget = value
            case "modes": weights.modes = value
            default: continue
            }
        }
        return weights
    }

    /// The embedded lexicon; on tuning runs `KECHUANG_EVAL_LEXICON=FILE` adds a file to it, as
    /// `--lexicon FILE` does, so a candidate lexicon is tried without a rebuild.
    static var lexicon: MatchLexicon {
        get throws {
            guard let path = ProcessInfo.processInfo.environment["KECHUANG_EVAL_LEXICON"], !path.isEmpty else { return try MatchService.lexicon() }
            return try MatchService.lexicon(adding: [(path, try String(contentsOfFile: path, encoding: .utf8))])
        }
    }

    /// The matcher's and the baseline's figures on one half, printed.
    static func figures(_ half: String) async throws -> (matcher: EvaluationFigures, baseline: EvaluationFigures) {
        let database = try await catalog.value.path
        let cases = try EvaluationHarness.load(half, in: set).cases
        let figures = try EvaluationHarness.evaluate(cases, database: database, service: MatchService(lexicon: try lexicon, weights: weights))
        let baseline = try EvaluationHarness.evaluateBaseline(cases, database: database)
        print("match quality, \(half), matcher:  \(figures)")
        print("match quality, \(half), baseline: \(baseline)")
        print("match quality, \(half): matcher below 5: " + figures.misses.map { "\($0.name)@\($0.rank)" }.joined(separator: " "))
        return (figures, baseline)
    }

    /// The floors of issue 10 (hit@5 >= 0.9, MRR >= 0.75) and the baseline, beaten on every figure.
    ///
    /// The floors are a KNOWN FAILURE, recorded as such (issue 10 stays open). The second held-out
    /// half (N01–N34) was run once, on the matcher committed in 6d4cfcd: precision@1 0.559,
    /// hit@5 0.706, MRR 0.629, against the baseline's 0.471, 0.559, 0.523. Four of its 34 demands
    /// are not among the candidates at all: their solutions share no lexicon concept and almost
    /// no character pair with them. Should the floors ever hold, `withKnownIssue` reports it, and
    /// this wrapper must go. Beating the baseline is asserted plainly.
    @Test(.timeLimit(.minutes(10)))
    func heldOutHalfMeetsTheFloorsAndBeatsTheBaseline() async throws {
        let (figures, baseline) = try await Self.figures("heldout")
        #expect(figures.cases >= 30)
        #expect(figures.precisionAt1 > baseline.precisionAt1, "matcher \(figures), baseline \(baseline)")
        #expect(figures.hitAt5 > baseline.hitAt5, "matcher \(figures), baseline \(baseline)")
        #expect(figures.mrr > baseline.mrr, "matcher \(figures), baseline \(baseline)")
        withKnownIssue("issue 10: the held-out floors are not met (hit@5 0.706, MRR 0.629 on the second held-out half)") {
            #expect(figures.hitAt5 >= 0.9, "\(figures)")
            #expect(figures.mrr >= 0.75, "\(figures)")
        }
    }

    /// The tuning half's figures (printed for the closing note); the held-out floors do not
    /// bind it, but a matcher that finds less than half of what it was tuned on is broken.
    @Test(.timeLimit(.minutes(10)))
    func tuningHalfFigures() async throws {
        let (figures, _) = try await Self.figures("tuning")
        #expect(figures.cases >= 30)
        #expect(figures.hitAt5 >= 0.5, "\(figures)")
    }
}
