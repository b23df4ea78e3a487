public import Catalog
import Dispatch
import Foundation
public import JSON
import Query
import Store
import Synchronization

/// `roadshow plan` (protocols/roadshows.md, "Planning"): a draft agenda filled from the unified
/// catalog. Deterministic: the same catalog and options give byte-identical drafts.
///
/// For each session, its candidates are the current projects (achievements, technologies,
/// challenges) of its industries (the overseas session: projects of an overseas organisation or
/// tagged with the session) not already placed. Each gets a score:
///
///     score = 0.5 · demand + 0.3 · readiness + 0.2 · tag
///
/// - demand: the strength of the project's cross-region matches, the best score of a pair that
///   the matcher ranks for a current challenge across regions (the challenge's, or the solution's);
/// - readiness: stage (publication 0 … deployment 1), TRL ((trl − 1) / 8) and validity left after
///   the event (a year or more is 1): 0.4 · stage + 0.4 · TRL + 0.2 · validity for supply,
///   0.6 · stage + 0.4 · validity for a challenge;
/// - tag: 1 when the record lists the session's tag in its own `sessions`.
///
/// Region balance: each region present among a session's candidates gets at least
/// ⌊slots / (2 · regions present)⌋ slots (all its candidates when it has fewer), the best of that
/// region; the remaining slots go to the best scores of any region. Sessions are filled from the
/// one with the fewest candidates, so the overseas session is not emptied by the industry ones;
/// no cluster is placed twice. Slots run in score order from the session's start, every
/// `slot_minutes`.
public struct RoadshowPlanner: Sendable {
    /// A session of the layout: what `--sessions FILE` gives, or the conference's default.
    public struct SessionLayout: Sendable, Hashable {
        /// The part after `event/` of the session's tag.
        public var name: String
        public var title: String
        public var industries: [Industry]
        public var slots: Int
        /// The session's day in Beijing time.
        public var date: String
        /// `HH:MM`, Beijing time.
        public var start: String
        public var place: String
        public var slotMinutes: Int
        /// Takes projects of overseas organisations or tagged with the session, of any industry.
        public var overseas: Bool

        public init(
            name: String, title: String, industries: [Industry], slots: Int, date: String, start: String, place: String, slotMinutes: Int = 10,
            overseas: Bool = false
        ) {
            (self.name, self.title, self.industries, self.slots, self.date, self.start) = (name, title, industries, slots, date, start)
            (self.place, self.slotMinutes, self.overseas) = (place, slotMinutes, overseas)
        }
    }

    public struct Options: Sendable {
        public var event: String
        public var title: String
        /// The first day of the event (Beijing), `YYYY-MM-DD`: what is expired, and the default layout's days.
        public var date: String
        public var sessions: [SessionLayout]?
        public var perSession: Int?

        public init(event: String, title: String, date: String, sessions: [SessionLayout]? = nil, perSession: Int? = nil) {
            (self.event, self.title, self.date, self.sessions, self.perSession) = (event, title, date, sessions, perSession)
        }
    }

    /// A planned draft with what an organiser checks first.
    public struct Plan: Sendable {
        /// The draft: a `kechuang.roadshow/1` body without the node's members (`id`, `version`,
        /// `created_at`, `updated_at`), which publishing sets.
        public let draft: JSONValue
        public let sessions: [Roadshow.Session]
        /// Per session (in layout order): its slots' regions (the steward organisation's) and counts.
        public let regionShares: [[String: Int]]
        /// Candidates per session when it was filled.
        public let candidates: [Int]
    }

    /// The conference's layout (the conference's figures, README "What it is"): four industry sessions and an overseas one, 133
    /// slots over two days.
    public static func defaultLayout(date: String) -> [SessionLayout] {
        let second = DateText.adding(days: 1, to: date) ?? date
        return [
            SessionLayout(
                name: "electronics-equipment", title: "电子信息和装备制造专场", industries: [.electronics, .equipment], slots: 27, date: date, start: "09:00",
                place: "主会场"),
            SessionLayout(
                name: "food-energy-chemical", title: "食品轻纺和能源化工专场", industries: [.foodTextile, .energyChemical], slots: 27, date: date,
                start: "09:00", place: "分会场一"),
            SessionLayout(
                name: "materials-health", title: "先进材料和医药健康专场", industries: [.materials, .health], slots: 27, date: date, start: "14:00",
                place: "主会场"),
            SessionLayout(
                name: "agriculture", title: "现代农业/乡村振兴专场", industries: [.agriculture], slots: 26, date: second, start: "09:00", place: "主会场"),
            SessionLayout(name: "overseas", title: "海外专场", industries: [], slots: 26, date: second, start: "09:00", place: "分会场一", overseas: true),
        ]
    }

    /// Reads a `--sessions FILE` layout: `{"sessions": [{"id", "name", "industries", "slots",
    /// "date", "start", "place", "slot_minutes", "overseas"}]}` (or the bare array). `id` is the
    /// session's part of its tag (`electronics-equipment`, or `EVENT/electronics-equipment`),
    /// `name` its title, `date` its day and `start` its `HH:MM` in Beijing time, `slots` 1–100;
    /// `slot_minutes` (default 10) and `overseas` (default false) are optional.
    ///
    /// - Throws: `RoadshowService.Refusal`, each problem with its line in `bytes`.
    public static func layout(parsing bytes: [UInt8], event: String) throws -> [SessionLayout] {
        let value = try RoadshowService.parseDraft(bytes)
        var base: [JSONPathComponent] = []
        var list = value.arrayValue
        if list == nil, let object = value.objectValue {
            if let unknown = object.keys.sorted().first(where: { $0 != "sessions" }) { throw refusal([.key(unknown)], "not a member of a layout (sessions)", bytes) }
            list = object["sessions"]?.arrayValue
            base = [.key("sessions")]
        }
        guard let list, (1...Roadshow.maxSessions).contains(list.count) else {
            throw refusal(base, "a layout is {\"sessions\": [...]} with 1 to \(Roadshow.maxSessions) sessions", bytes)
        }
        var sessions: [SessionLayout] = []
        var names: Set<String> = []
        for (index, item) in list.enumerated() {
            let path = base + [.index(index)]
            guard let object = item.objectValue else { throw refusal(path, "a session is a JSON object", bytes) }
            let allowed: Set<String> = ["id", "name", "industries", "slots", "date", "start", "place", "slot_minutes", "overseas"]
            if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
                throw refusal(path + [.key(unknown)], "not a member of a session (\(allowed.sorted().joined(separator: ", ")))", bytes)
            }
            func text(_ name: String, max: Int = 200) throws -> String {
                guard let text = object[name]?.stringValue, !text.isEmpty, text.utf8.count <= max, !text.contains(where: \.isNewline) else {
                    throw refusal(path + [.key(name)], object[name] == nil ? "missing" : "one line of 1–\(max) bytes", bytes)
                }
                return text
            }
            var id = try text("id", max: 81)
            if id.hasPrefix(event + "/") { id.removeFirst(event.count + 1) }
            guard Roadshow.isValidTag(id), names.insert(id).inserted else {
                throw refusal(path + [.key("id")], "\(id): a session tag part (1–40 of a–z, 0–9, -, _ and .), each once", bytes)
            }
            let title = try text("name", max: 100)
            guard let industryList = object["industries"]?.arrayValue else { throw refusal(path + [.key("industries")], "missing (industry codes, [] for any)", bytes) }
            var industries: [Industry] = []
            for (position, industry) in industryList.enumerated() {
                guard let parsed = industry.stringValue.flatMap(Industry.init(lenient:)) else {
                    throw refusal(path + [.key("industries"), .index(position)], "not an industry (\(Industry.allCases.map(\.rawValue).joined(separator: ", ")))", bytes)
                }
                if !industries.contains(parsed) { industries.append(parsed) }
            }
            guard let slots = object["slots"]?.intValue, (1...Roadshow.maxSlots).contains(slots) else {
                throw refusal(path + [.key("slots")], "the number of slots, 1–\(Roadshow.maxSlots)", bytes)
            }
            let date = try text("date")
            guard DateText.isValidDate(date) else { throw refusal(path + [.key("date")], "\(date) is not YYYY-MM-DD (the day in Beijing)", bytes) }
            let start = try text("start")
            guard Roadshow.utc(beijingDate: date, time: start) != nil else { throw refusal(path + [.key("start")], "\(start) is not HH:MM (Beijing time)", bytes) }
            let place = try text("place")
            var minutes = 10
            if let member = object["slot_minutes"] {
                guard let value = member.intValue, (1...240).contains(value) else { throw refusal(path + [.key("slot_minutes")], "minutes per slot, 1–240", bytes) }
                minutes = value
            }
            // The last slot must start on the session's day (Beijing), as publishing checks.
            let startMinutes = Int(start.prefix(2))! * 60 + Int(start.suffix(2))!
            guard startMinutes + (slots - 1) * minutes < 24 * 60 else {
                throw refusal(path + [.key("slots")], "\(slots) slots of \(minutes) minutes from \(start) run past the end of \(date)", bytes)
            }
            var overseas = false
            if let member = object["overseas"] {
                guard case .bool(let flag) = member else { throw refusal(path + [.key("overseas")], "true or false", bytes) }
                overseas = flag
            }
            sessions.append(
                SessionLayout(
                    name: id, title: title, industries: industries, slots: slots, date: date, start: start, place: place, slotMinutes: minutes,
                    overseas: overseas))
        }
        return sessions
    }

    private static func refusal(_ path: [JSONPathComponent], _ text: String, _ bytes: [UInt8]) -> RoadshowService.Refusal {
        RoadshowService.Refusal(problems: [
            RoadshowService.Problem(field: RoadshowError(path, "").field, problem: text, line: JSONLocator.line(of: path, in: bytes, firstLine: 1))
        ])
    }

    public let service: MatchService
    /// Threads ranking challenges (each with its own reader).
    public var workers = 2

    /// `service` with at most `candidateCap` candidates per challenge: the demand signal needs a
    /// challenge's two strongest cross-region solutions, and a cross-region request retrieves
    /// only records of other regions, ranked by BM25, so they are near the top. (300, the
    /// default of `match`, costs 9 s instead of 6 s on the demo catalog and changed 3 of 133
    /// slots there.)
    public init(service: MatchService, candidateCap: Int = 50) {
        var service = service
        service.candidateCap = candidateCap
        self.service = service
    }

    /// Plans a draft from the catalog at `database`.
    ///
    /// - Throws: `APIError` 400 for options that cannot be planned (a bad event tag or layout).
    public func plan(database: String, options: Options) throws -> Plan {
        guard Roadshow.isValidTag(options.event) else {
            throw APIError.badRequest("--event \(options.event): an event tag, 1–40 of a–z, 0–9, -, _ and . (such as tianfu-2024)")
        }
        guard !options.title.isEmpty, options.title.utf8.count <= 200, !options.title.contains(where: \.isNewline) else {
            throw APIError.badRequest("--title: one line of 1–200 bytes")
        }
        guard DateText.isValidDate(options.date) else { throw APIError.badRequest("--date \(options.date): YYYY-MM-DD") }
        var layout = options.sessions ?? Self.defaultLayout(date: options.date)
        if let perSession = options.perSession {
            guard (1...Roadshow.maxSlots).contains(perSession) else { throw APIError.badRequest("--per-session must be 1–\(Roadshow.maxSlots)") }
            for index in layout.indices { layout[index].slots = perSession }
        }
        let reader = try CatalogReader(path: database)
        let today = options.date
        let pool = try reader.clusterProjects(kinds: [.achievement, .technology, .challenge])
            .filter { !MatchRequest.isExpired($0.project, today: today) }
        let demand = try crossRegionDemand(database: database, challenges: pool.filter { $0.project.kind == .challenge }, today: today)

        // Each session's candidates, scored (micro-units, so comparisons are exact).
        func sessionID(_ session: SessionLayout) -> String { "\(options.event)/\(session.name)" }
        func eligible(_ cluster: ClusterProject, _ session: SessionLayout) -> Bool {
            if session.overseas {
                return cluster.regions.contains("overseas") || cluster.project.organization.region.code == "overseas"
                    || cluster.project.sessions.contains(sessionID(session))
            }
            return session.industries.isEmpty || session.industries.contains(cluster.project.industry)
        }
        let eligibility = layout.map { session in pool.filter { eligible($0, session) } }
        let order = layout.indices.sorted { (eligibility[$0].count, $0) < (eligibility[$1].count, $1) }
        var taken: Set<String> = []
        var chosen = [[Scored]](repeating: [], count: layout.count)
        var candidateCounts = [Int](repeating: 0, count: layout.count)
        for index in order {
            let session = layout[index]
            let candidates = eligibility[index].filter { !taken.contains($0.cluster) }.map {
                score($0, session: sessionID(session), demand: demand[$0.cluster], today: today)
            }
            candidateCounts[index] = candidates.count
            let picked = Self.balanced(candidates, slots: session.slots)
            for item in picked { taken.insert(item.cluster.cluster) }
            chosen[index] = picked
        }
        // The draft.
        var sessions: [Roadshow.Session] = []
        var shares: [[String: Int]] = []
        for (index, session) in layout.enumerated() {
            guard let start = Roadshow.utc(beijingDate: session.date, time: session.start), let startDate = DateText.parseTimestamp(start) else {
                throw APIError.badRequest("session \(session.name): date \(session.date) and start \(session.start) are not a Beijing date and HH:MM")
            }
            var slots: [Roadshow.Slot] = []
            for (position, item) in chosen[index].enumerated() {
                let time = DateText.timestamp(startDate.addingTimeInterval(TimeInterval(position * session.slotMinutes * 60)))
                slots.append(Roadshow.Slot(time: time, project: item.cluster.id, why: item.why))
            }
            sessions.append(
                Roadshow.Session(
                    id: sessionID(session), name: session.title, industries: session.industries, date: session.date, start: start, place: session.place,
                    slots: slots))
            shares.append(chosen[index].reduce(into: [:]) { $0[$1.region, default: 0] += 1 })
        }
        let draft: JSONValue = [
            "type": .string(Roadshow.bodyType), "event": .string(options.event), "title": .string(options.title), "status": "published",
            "sessions": .array(sessions.map(\.object)),
        ]
        return Plan(draft: draft, sessions: sessions, regionShares: shares, candidates: candidateCounts)
    }

    // MARK: - Scoring

    struct Scored {
        let cluster: ClusterProject
        let score: Int
        var why: String
        var region: String { cluster.project.organization.region.code }
    }

    /// A cluster's strongest cross-region pairs: (score, the other side, its reasons).
    struct Demand: Sendable {
        var pairs: [(score: Double, other: ClusterProject, reasons: [MatchReason])] = []
        var best: Double { pairs.first?.score ?? 0 }

        mutating func add(_ score: Double, _ other: ClusterProject, _ reasons: [MatchReason]) {
            pairs.append((score, other, reasons))
            pairs.sort { $0.score != $1.score ? $0.score > $1.score : $0.other.cluster < $1.other.cluster }
            if pairs.count > 2 { pairs.removeLast() }
        }
    }

    func score(_ cluster: ClusterProject, session: String, demand: Demand?, today: String) -> Scored {
        let project = cluster.project
        let stage = Double(Stage.allCases.firstIndex(of: project.stage) ?? 0) / Double(Stage.allCases.count - 1)
        let days = Self.days(from: today, to: project.validThrough)
        let validity = min(1, max(0, Double(days) / 365))
        let readiness: Double
        if let trl = project.trl {
            readiness = 0.4 * stage + 0.4 * Double(max(0, trl - 1)) / 8 + 0.2 * validity
        } else {
            readiness = 0.6 * stage + 0.4 * validity
        }
        let tagged = project.sessions.contains(session)
        let demandScore = demand?.best ?? 0
        let total = 0.5 * demandScore + 0.3 * readiness + 0.2 * (tagged ? 1 : 0)
        // The reasons, in the catalog's language.
        var parts: [String] = []
        if let demand, !demand.pairs.isEmpty {
            let matches = demand.pairs.map { pair in
                let region = pair.other.regions.compactMap { Region(code: $0)?.label }.joined(separator: "、")
                let reasons = pair.reasons.sorted { $0.weight > $1.weight }.prefix(1).map { $0.text.hasSuffix("。") ? String($0.text.dropLast()) : $0.text }
                    .joined()
                return "\(region)「\(pair.other.project.title)」(\(pair.other.id)，\(Self.decimal(pair.score))：\(reasons))"
            }
            parts.append("跨区域匹配：" + matches.joined(separator: "；"))
        } else {
            parts.append("跨区域匹配：无")
        }
        var readinessText = "成熟度：\(project.stage.label)"
        if let trl = project.trl { readinessText += "，TRL \(trl)" }
        readinessText += "，有效期至 \(project.validThrough)"
        parts.append(readinessText)
        if tagged { parts.append("项目自报本场次") }
        parts.append(
            "评分 \(Self.decimal(total))（需求 \(Self.decimal(demandScore))×0.5 + 成熟度 \(Self.decimal(readiness))×0.3 + 场次标签 \(tagged ? 1 : 0)×0.2）")
        var why = parts.joined(separator: "。")
        // Room for the region-balance note; the body allows 2,000 bytes.
        while why.utf8.count > 1_800 { why.removeLast() }
        return Scored(cluster: cluster, score: Int((total * 1_000_000).rounded()), why: why)
    }

    /// `slots` of `candidates`: each region's minimum share first, then the best of the rest; in
    /// score order (ties by cluster id).
    static func balanced(_ candidates: [Scored], slots: Int) -> [Scored] {
        func better(_ a: Scored, _ b: Scored) -> Bool { a.score != b.score ? a.score > b.score : a.cluster.cluster < b.cluster.cluster }
        let ranked = candidates.sorted(by: better)
        let byRegion = Dictionary(grouping: ranked, by: \.region)
        let minimum = byRegion.isEmpty ? 0 : slots / (2 * byRegion.count)
        var picked: [Scored] = []
        var used: Set<String> = []
        // The best of the rest: who would be chosen without the minimum shares.
        let open = Set(ranked.prefix(slots).map(\.cluster.cluster))
        for region in byRegion.keys.sorted() {
            for var item in byRegion[region]!.prefix(minimum) where picked.count < slots {
                if !open.contains(item.cluster.cluster) {
                    let label = Region(code: region)?.label ?? region
                    item.why += "。地区平衡：\(label)在本场的保底名额（每个地区至少 \(minimum) 个）"
                }
                picked.append(item)
                used.insert(item.cluster.cluster)
            }
        }
        for item in ranked where picked.count < slots && !used.contains(item.cluster.cluster) {
            picked.append(item)
            used.insert(item.cluster.cluster)
        }
        return picked.sorted(by: better)
    }

    /// The cross-region pairs of every current challenge, ranked by the matcher across regions,
    /// on `workers` threads (each challenge's ranking is its own, so the split changes nothing).
    func crossRegionDemand(database: String, challenges: [ClusterProject], today: String) throws -> [String: Demand] {
        let count = max(1, min(workers, challenges.count))
        let results = Mutex<[Int: Result<[(ClusterProject, MatchResult)], any Error>]>([:])
        let service = self.service
        DispatchQueue.concurrentPerform(iterations: count) { worker in
            let outcome = Result { () throws -> [(ClusterProject, MatchResult)] in
                let reader = try CatalogReader(path: database)
                let session = MatchSession()
                var found: [(ClusterProject, MatchResult)] = []
                for index in stride(from: worker, to: challenges.count, by: count) {
                    let challenge = challenges[index]
                    let request = MatchRequest(limit: 2, crossRegion: true, today: today)
                    for result in try service.match(challenge.id, request: request, reader: reader, session: session).results {
                        found.append((challenge, result))
                    }
                }
                return found
            }
            results.withLock { $0[worker] = outcome }
        }
        var demand: [String: Demand] = [:]
        for worker in 0..<count {
            guard let outcome = results.withLock({ $0[worker] }) else { continue }
            for (challenge, result) in try outcome.get() {
                demand[challenge.cluster, default: Demand()].add(result.score, result.candidate, result.reasons)
                demand[result.candidate.cluster, default: Demand()].add(result.score, challenge, result.reasons)
            }
        }
        return demand
    }

    static func days(from: String, to: String) -> Int {
        guard let a = DateText.parseTimestamp(from + "T00:00:00Z"), let b = DateText.parseTimestamp(to + "T00:00:00Z") else { return 0 }
        return Int((b.timeIntervalSince(a) / 86_400).rounded())
    }

    /// Three decimals, as the agenda prints a score.
    static func decimal(_ value: Double) -> String { String(format: "%.3f", value) }
}
