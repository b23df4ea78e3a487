import Catalog
import Feed
import Foundation
import JSON
import Merge
import Signing
import Store
import TestSupport
import Testing

/// A simulated federation: every node is an origin (it writes its own records) and a receiver
/// (it applies the others' logs, from the origin or from any node that relays a copy).
struct Federation {
    let directory: TemporaryDirectory
    var nodes: [(origin: String, store: CatalogStore)] = []
    var random: SeededRandom
    /// Every origin's ids as the schedule has left them (absent: never written).
    var written: [[String: Written]] = []
    /// Every origin's ids that have been redacted.
    var redacted: [Set<String>] = []
    static let titles = ["先进毫米波感知技术", "光电编码器", "新型多用途ORC能量转换技术", "特高土石坝建造成套技术", "碳捕集及资源化CCC工业示范装置"]
    static let organizations = ["电子科技大学", "东方电气集团", "重庆大学"]

    init(seed: UInt64, origins: Int) async throws {
        directory = try TemporaryDirectory(prefix: "federation")
        random = SeededRandom(seed: seed)
        let names = ["sichuan", "beijing", "chongqing", "shanghai", "guangdong"].prefix(origins)
        for name in names {
            let store = try CatalogStore.create(
                path: directory.file("\(name).db"),
                node: NodeInfo(id: name, name: name, region: Region(code: name)!, createdAt: "2026-01-01T00:00:00Z"))
            nodes.append((name, store))
            written.append([:])
            redacted.append([])
        }
    }

    /// What the schedule has done to one of an origin's ids.
    enum Written: Equatable {
        /// Listed, at this index of `stages`.
        case listed(stage: Int)
        /// Deleted (a tombstone).
        case deleted
    }

    /// The stages records are written with, in the order a record may move through them.
    static let stages = ["publication", "matchmaking", "signing", "deployment"]

    /// The records every node must hold once everything is delivered, by origin.
    var expectedRecords: [String: Int] {
        var counts: [String: Int] = [:]
        for (index, ids) in written.enumerated() {
            let listed = ids.values.filter { $0 != .deleted }.count
            if listed > 0 { counts[nodes[index].origin] = listed }
        }
        return counts
    }

    /// One random local change at `node`: a new record (sometimes a duplicate of another
    /// origin's title and organisation, sometimes with a same_as link), an update, a delete or a
    /// redaction. A write the schedule's state allows must succeed; one it does not (a stage
    /// going back, deleting or redacting what is not there) must be refused and append nothing.
    /// No write brings a contact back to a redacted id (that would republish erased data).
    mutating func write(at node: Int, step: Int) async throws {
        let (origin, store) = nodes[node]
        let local = "r\(random.next() % 12)"
        let id = RecordID(origin: origin, local: local)!
        let choice = random.next() % 12
        let time = Date(timeIntervalSince1970: 1_800_000_000 + Double(step))
        let state = written[node][local]
        switch choice {
        case 0..<6:
            let title = random.next() % 3 == 0 ? Self.titles.randomElement(using: &random)! : "项目\(origin)\(local)"
            let organization = Self.organizations.randomElement(using: &random)!
            var extra: [String: JSONValue] = [:]
            if random.next() % 4 == 0 {
                let other = nodes[Int(random.next() % UInt64(nodes.count))].origin
                if other != origin { extra["same_as"] = [.string("\(other):r\(random.next() % 12)")] }
            }
            if random.next() % 3 == 0, !redacted[node].contains(local) {
                extra["contact"] = ["name": "张三丰", "phone": "13812345678", "visibility": "masked"]
            }
            var stage = Int(random.next() % UInt64(Self.stages.count))
            let goBack = random.next() % 8 == 0
            if case .listed(let current) = state {
                // Now and then a listed record's stage is taken back, which is refused.
                stage = goBack && current > 0 ? Int(random.next() % UInt64(current)) : max(stage, current)
            }
            let record = RecordFixture.supply(
                local, title: title, keywords: ["k\(random.next() % 5)"], organization: organization,
                stage: Self.stages[stage], extra: extra)
            let file = try directory.write("\(origin)-\(step).json", RecordFixture.jsonArray([record]))
            if case .listed(let current) = state, stage < current {
                try await Self.expectRefused("\(id): stage \(Self.stages[current]) back to \(Self.stages[stage])", store) {
                    _ = try await store.importProjects(from: .file(file), now: time)
                }
            } else {
                _ = try await store.importProjects(from: .file(file), now: time)
                written[node][local] = .listed(stage: stage)
            }
        case 6..<8:
            if case .listed = state {
                _ = try await store.delete(id, now: time)
                written[node][local] = .deleted
            } else {
                try await Self.expectRefused("deleting \(id), \(state == nil ? "never written" : "deleted")", store) {
                    _ = try await store.delete(id, now: time)
                }
            }
        case 10, 11:
            // A deal (protocols/deals.md) between projects of any origins, held or not: deals
            // with the same parties and contract, or linked by same_as, merge on every node.
            let origins = nodes.map(\.origin)
            func party() -> String { "\(origins.randomElement(using: &random)!):r\(random.next() % 4)" }
            var deal: [String: JSONValue] = [
                "id": .string("\(origin):~deal.d\(random.next() % 3)"), "type": "kechuang.deal/1", "demand": .string(party()),
                "supply": .string(party()), "stage": .string(Stage.allCases.randomElement(using: &random)!.rawValue),
                "status": .string(Deal.Status.allCases.randomElement(using: &random)!.rawValue),
                "events": [["date": .string("2026-12-0\(1 + random.next() % 5)"), "stage": "matchmaking"]],
                "created_at": .string(DateText.timestamp(time)), "updated_at": .string(DateText.timestamp(time)),
            ]
            if random.next() % 2 == 0 { deal["contract"] = .string("K\(random.next() % 2)") }
            if random.next() % 3 == 0 { deal["same_as"] = [.string("\(origins.randomElement(using: &random)!):~deal.d\(random.next() % 3)")] }
            if case .string(let id)? = deal["id"], case .array(let links)? = deal["same_as"], links.contains(.string(id)) { deal["same_as"] = nil }
            _ = try await store.putObject(deal, now: time)
        default:
            if state != nil {
                _ = try await store.redact(id, now: time)
                redacted[node].insert(local)
            } else {
                try await Self.expectRefused("redacting \(id), never written", store) {
                    _ = try await store.redact(id, now: time)
                }
            }
        }
    }

    /// Expects `write` to be refused with a store error, leaving `store`'s log as it was.
    static func expectRefused(_ what: String, _ store: CatalogStore, _ write: () async throws -> Void) async throws {
        let before = try await store.logSize()
        await #expect(throws: StoreError.self, "\(what) is refused") { try await write() }
        #expect(try await store.logSize() == before, "\(what) appended nothing")
    }

    /// Delivers to `receiver` a random extension of `origin`'s log, from the origin itself or
    /// from any node whose copy is longer (a relay), in one or more pieces.
    mutating func deliver(to receiver: Int, origin: Int, everything: Bool = false) async throws {
        let name = nodes[origin].origin
        guard receiver != origin else { return }
        let target = nodes[receiver].store
        let held = try await target.logPosition(name).size
        var sources: [Int] = []
        for index in nodes.indices where index != receiver {
            let size = try await nodes[index].store.logPosition(name).size
            if size > held { sources.append(index) }
        }
        guard let source = everything ? sources.first(where: { $0 == origin }) ?? sources.first : sources.randomElement(using: &random)
        else { return }
        let available = try await nodes[source].store.logPosition(name).size
        let end = everything ? available : held + 1 + Int(random.next() % UInt64(available - held))
        let lines = try await nodes[source].store.logLines(name, held..<end)
        let verifier = FeedVerifier(origin: name)
        var start = held
        var group: [VerifiedPage] = []
        let groupSize = 1 + Int(random.next() % 3)
        while start < end {
            let count = min(end - start, 1 + Int(random.next() % 40))
            let piece = lines[(start - held)..<(start - held + count)]
            let entries = try piece.map { try LogEntry(line: $0.entry[...]) }
            let bodyFile = piece.flatMap { line -> [UInt8] in line.body + [0x0A] }
            let bodies = try verifier.bodies(bodyFile, entries: entries).bodies
            // Half the pieces come prepared as a sync prepares them (decoded ahead): same result.
            let prepared = random.next() % 2 == 0
                ? PreparedPage(origin: name, entries: entries, bodies: bodies, pageFile: piece.flatMap { line -> [UInt8] in line.entry + [0x0A] }, bodyFile: bodyFile)
                : nil
            // Consecutive pieces are written one to three at a time, as a sync groups pages.
            group.append(VerifiedPage(entries: entries, lines: piece.map(\.body), bodies: bodies, decoded: prepared))
            start += count
            if group.count == groupSize || start == end {
                _ = try await target.applyVerified(origin: name, pages: group, now: Date())
                group.removeAll()
                if random.next() % 3 == 0 { try await target.refreshUnified() }
            }
        }
    }

    /// The digest, records by origin, cluster count and cluster member count of every node after
    /// a refresh.
    func digests() async throws -> [(digest: String, records: [String: Int], clusters: Int, members: Int, deals: String)] {
        var result: [(String, [String: Int], Int, Int, String)] = []
        for (_, store) in nodes {
            try await store.refreshUnified()
            let reader = try CatalogReader(path: store.path)
            let stats = try reader.stats(today: "2026-11-26")
            result.append((stats.catalogDigest, stats.byOrigin, stats.clusters, try reader.unifiedMemberCount(), stats.dealsDigest))
        }
        return result
    }
}

@Suite struct ConvergenceTests {
    /// Schedules in `make test`; `make soak` sets KECHUANG_SOAK_SCHEDULES for many more.
    static let schedules = Int(ProcessInfo.processInfo.environment["KECHUANG_SOAK_SCHEDULES"] ?? "") ?? 200

    /// Schedules run at once: each holds 3 to 5 open stores until it ends.
    static let gate = AsyncGate(limit: 8)

    /// The digest of a catalog with no entry: SHA-256 of nothing.
    static let emptyDigest = Hex.encode(SHA256.hash([UInt8]()))

    @Test(arguments: 0..<schedules)
    func everyNodeReachesTheSameDigest(seed: Int) async throws {
        await Self.gate.enter()
        do {
            try await run(seed: seed)
            await Self.gate.leave()
        } catch {
            await Self.gate.leave()
            throw error
        }
    }

    /// One schedule: random writes and deliveries, then everything to everyone; every node must
    /// reach the same digest, with no record lost, and the incremental result must equal a rebuild.
    private func run(seed: Int) async throws {
        var federation = try await Federation(seed: UInt64(seed) &* 0x1000_0001, origins: 3 + seed % 3)
        let count = federation.nodes.count
        for step in 0..<(40 + seed % 30) {
            if federation.random.next() % 2 == 0 {
                try await federation.write(at: Int(federation.random.next() % UInt64(count)), step: step)
            } else {
                try await federation.deliver(
                    to: Int(federation.random.next() % UInt64(count)), origin: Int(federation.random.next() % UInt64(count)))
            }
        }
        // Everyone gets everything, in a random order of receivers and origins.
        for receiver in (0..<count).shuffled(using: &federation.random) {
            for origin in (0..<count).shuffled(using: &federation.random) {
                try await federation.deliver(to: receiver, origin: origin, everything: true)
            }
        }
        let results = try await federation.digests()
        let first = try #require(results.first)
        #expect(results.allSatisfy { $0.digest == first.digest }, "seed \(seed): \(results.map(\.digest))")
        #expect(results.allSatisfy { $0.deals == first.deals }, "seed \(seed): deals \(results.map(\.deals))")
        // Not only equal to each other: every node holds each origin's records the schedule left
        // listed, and a catalog of them (an empty one has the digest of nothing).
        let expected = federation.expectedRecords
        let total = expected.values.reduce(0, +)
        for (index, result) in results.enumerated() {
            let node = federation.nodes[index].origin
            #expect(result.records == expected, "seed \(seed): \(node) holds \(result.records), the schedule left \(expected)")
            #expect(result.members == total, "seed \(seed): \(node): every record is in exactly one cluster")
            #expect((result.clusters > 0) == (total > 0), "seed \(seed): \(node) has \(result.clusters) clusters for \(total) records")
            #expect((result.digest == Self.emptyDigest) == (total == 0), "seed \(seed): \(node)'s digest \(result.digest)")
        }
        #expect(total > 0, "seed \(seed): the schedule left records listed")

        // The incrementally maintained catalog equals a full rebuild, digested as merge.md §6 says.
        let store = federation.nodes[seed % count].store
        var projects: [Project] = []
        try CatalogReader(path: store.path).forEachProject { projects.append($0) }
        let lines = Merge.canonicalLines(Merge.rebuild(projects))
        // Each canonical line ends with its line feed; the digest hashes the entry bytes without it.
        #expect(Hex.encode(SHA256.hash(lines.flatMap { SHA256.hash($0.dropLast()) })) == first.digest, "seed \(seed): incremental == rebuild")
        // The deals merged over the rebuilt clusters have the digest every node shows.
        var clusterOf: [RecordID: String] = [:]
        for entry in Merge.rebuild(projects) { for member in entry.members { clusterOf[member] = entry.clusterID } }
        let rebuilt = DealMerge.unify(try CatalogReader(path: store.path).deals()) { clusterOf[$0] }
        #expect(CatalogReader.dealsDigest(rebuilt) == first.deals, "seed \(seed): deals, incremental == rebuild")
    }
}
