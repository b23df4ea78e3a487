import Catalog
import Feed
import Foundation
import JSON
import Signing
import Testing
import TestSupport

// The kechuang-feed/1 test vectors in `protocols/vectors` (see its README.md): a small valid log of
// origin `vectorland`, Merkle proofs over it, and negative cases, all generated here from fixed
// seeds and times with the Feed module's own types.
//
// `KECHUANG_WRITE_VECTORS=1 swift test --filter VectorTests` rewrites the committed files. Without
// it, the tests check that the committed files are exactly what this generator makes, and that the
// Feed module reaches the verdict every vector states.

// MARK: - Fixed inputs

/// The fixed shape, times and location of the vectors.
private enum Vectors {
    static let origin = "vectorland"
    /// Entries in the valid log: one full page and a partial page of 54.
    static let size = 310
    /// Entries in the partial page.
    static let partialWidth = size % Feed.pageSize
    /// The size of the older checkpoint (the `stale` case; proofs at an older size).
    static let olderSize = 257
    /// Where the key rotation's two statements land; the new key signs from `rotationSeq + 2` on.
    static let rotationSeq = 300
    /// Entry `seq` is appended `seq` minutes after this.
    static let logStart = "2026-01-14T00:00:00Z"
    static let olderIssuedAt = "2026-01-14T04:20:00Z"
    static let issuedAt = "2026-01-15T08:00:00Z"
    static let expiresAt = "2026-01-22T08:00:00Z"
    /// The time the valid log and most cases are checked at.
    static let at = "2026-01-16T00:00:00Z"
    static let validity: TimeInterval = 7 * 86_400

    /// The repository root, found from this file's location (`Tests/FeedTests/VectorTests.swift`).
    static let repository: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `protocols/vectors` in the repository.
    static let directory = repository + "/protocols/vectors"

    /// Parses a timestamp spelled correctly in this file.
    static func date(_ text: String) -> Date { DateText.parseTimestamp(text)! }

    /// The time of entry `seq`.
    static func time(_ seq: Int) -> String { DateText.timestamp(date(logStart).addingTimeInterval(Double(seq) * 60)) }

    /// A feed path (`/feeds/…`) as a path relative to the export root (`feeds/…`).
    static func relative(_ path: String) -> String { String(path.dropFirst()) }

    /// Where the auditor locates a problem with line `seq` of a page or body file.
    static func line(_ path: String, seq: Int) -> String { "\(path) line \(seq % Feed.pageSize + 1) (seq \(seq))" }
}

/// The fixed Ed25519 keys. Each seed counts up from its own first byte (00 01 02 … 1f for the
/// root), so no one mistakes them for real keys.
private struct VectorKeys {
    /// The root key the verifier pins. Its seed is committed as `test-only-root-seed.hex`.
    let root: Ed25519PrivateKey
    /// Authorised from size 1, retired from size 302.
    let checkpoint1: Ed25519PrivateKey
    /// Authorised from size 302; signs the final checkpoint and the manifest.
    let checkpoint2: Ed25519PrivateKey
    /// The wrong root key a verifier is given in `wrong-root-key`.
    let otherRoot: Ed25519PrivateKey
    /// Signs what only the root key may sign (`authorize-*` cases).
    let impostor: Ed25519PrivateKey

    /// 32 bytes counting up from `first`.
    static func seed(_ first: UInt8) -> [UInt8] { (0..<32).map { first + UInt8($0) } }

    init() throws {
        root = try Ed25519PrivateKey(seed: Self.seed(0x00))
        checkpoint1 = try Ed25519PrivateKey(seed: Self.seed(0x20))
        checkpoint2 = try Ed25519PrivateKey(seed: Self.seed(0x40))
        otherRoot = try Ed25519PrivateKey(seed: Self.seed(0x60))
        impostor = try Ed25519PrivateKey(seed: Self.seed(0x80))
    }

    /// A statement of the root key about `key`, issued at `time`.
    func statement(_ action: KeyStatement.Action, _ key: Ed25519PrivateKey, from: Int, time: String) throws -> KeyStatement {
        try KeyStatement.sign(
            origin: Vectors.origin, action: action, key: key.publicKey, fromSize: from, issuedAt: Vectors.date(time), rootKey: root)
    }
}

// MARK: - The log

/// An origin log in memory: entry lines and body lines exactly as served, and its key statements.
private struct VectorLog {
    var lines: [[UInt8]] = []
    var bodies: [[UInt8]] = []
    var statements: [KeyStatement] = []

    /// The page-roots document of the tree of the first `size` entries (feed.md §5).
    func pageRoots(size: Int) -> PageRoots {
        let leaves = lines.prefix(size).map { Merkle.leafHash($0) }
        let full = size / Feed.pageSize
        let roots = (0..<full).map { Merkle.root(leafHashes: leaves[$0 * Feed.pageSize..<($0 + 1) * Feed.pageSize]) }
        let tail = size % Feed.pageSize == 0 ? nil : Merkle.root(leafHashes: leaves[full * Feed.pageSize..<size])
        return PageRoots(origin: Vectors.origin, size: size, pageRoots: roots, tailRoot: tail)
    }

    /// A JSON Lines file: each line followed by one LF.
    static func file(_ lines: some Sequence<[UInt8]>) -> [UInt8] { lines.flatMap { $0 + [0x0A] } }
}

/// Appends entries the way a node's `RecordWriter` does: versions per id, redaction markers,
/// numbered key entries.
private struct LogBuilder {
    private(set) var log = VectorLog()
    /// The current state of each listed record, by id.
    private(set) var records: [String: Project] = [:]
    private var versions: [String: Int] = [:]
    private var putSeqs: [String: [Int]] = [:]

    var size: Int { log.lines.count }

    /// Appends a `put` of `input` at the record's next version.
    mutating func put(_ input: Project, time: String) throws {
        var project = input
        let id = project.id.description
        project.version = versions[id, default: 0] + 1
        project.createdAt = records[id]?.createdAt ?? time
        project.updatedAt = time
        putSeqs[id, default: []].append(size)
        try append(.put, id: id, version: project.version, time: time, body: VectorRecords.body(project))
        records[id] = project
    }

    /// Appends a `delete`.
    mutating func delete(_ id: String, time: String) throws {
        try append(.delete, id: id, version: versions[id, default: 0] + 1, time: time, body: nil)
        records[id] = nil
    }

    /// Answers an erasure request (feed.md §4): a `redact` entry, markers in place of the earlier
    /// `put` bodies, then the record re-put without `contact` and `service_agent`.
    mutating func redact(_ id: String, time: String) throws {
        let redactSeq = size
        try append(.redact, id: id, version: versions[id, default: 0] + 1, time: time, body: nil)
        for seq in putSeqs[id, default: []] {
            log.bodies[seq] = RedactionMarker.bytes(redactedBy: redactSeq)
        }
        guard var project = records[id] else { return }
        project.contact = nil
        project.serviceAgent = nil
        try put(project, time: time)
    }

    /// Appends a key statement as a `key` entry of `origin:~keys`.
    mutating func key(_ statement: KeyStatement, time: String) throws {
        let id = LogEntry.keysID(origin: Vectors.origin)
        try append(.key, id: id, version: versions[id, default: 0] + 1, time: time, body: statement.bytes)
        log.statements.append(statement)
    }

    private mutating func append(_ op: LogEntry.Operation, id: String, version: Int, time: String, body: [UInt8]?) throws {
        let entry = try LogEntry(
            seq: size, op: op, id: id, version: version, time: time, bodyHash: body.map { SHA256.hash($0) })
        log.lines.append(entry.line)
        log.bodies.append(body ?? Array("null".utf8))
        versions[id] = version
    }
}

/// The records of the valid log: short fictional projects in Simplified Chinese, published in the
/// stored form with the contact masked, as a node publishes them.
private enum VectorRecords {
    static let topics: [(String, Industry)] = [
        ("锂电池正极材料", .energyChemical), ("智能巡检机器人", .equipment), ("高效节水灌溉", .agriculture),
        ("工业废水处理", .energyChemical), ("中药材种植", .health), ("光伏组件回收", .materials),
        ("冷链温度监测", .electronics), ("钒钛资源利用", .materials), ("茶叶精深加工", .foodTextile),
        ("无人机植保", .agriculture), ("医用高分子材料", .health), ("工业互联网网关", .electronics),
    ]
    static let organizations: [(String, OrganizationType)] = [
        ("四川大学", .university), ("电子科技大学", .university), ("成都生物研究所", .institute),
        ("攀枝花钒钛研究院", .institute), ("绵阳智能装备公司", .enterprise), ("雅安茶业科技公司", .enterprise),
    ]
    static let lender = ("成都科技银行", OrganizationType.financialInstitution)
    static let people = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆"]
    static let kinds: [ProjectKind] = [.achievement, .technology, .achievement, .technology, .achievement, .challenge, .technology, .finance]
    static let products: [FinanceProductType] = [.loan, .ipPledgeLoan, .fund, .insurance, .guarantee]

    /// The id of the `number`th record: `vectorland:ach-0007`.
    static func id(_ number: Int) -> RecordID {
        let prefix = switch kinds[number % kinds.count] {
        case .achievement: "ach"
        case .technology: "tec"
        case .challenge: "chl"
        case .finance: "fin"
        }
        let digits = String(number)
        return RecordID(origin: Vectors.origin, local: prefix + "-" + String(repeating: "0", count: 4 - digits.count) + digits)!
    }

    /// The record re-put at version 2 (seq 100).
    static let updated = 4
    /// The record deleted at seq 150.
    static let deleted = 10
    /// The record with a contact and a service agent, re-put at seq 200, redacted at seq 270.
    static let redacted = 3

    /// The `number`th record, before the node sets its version and times.
    static func project(_ number: Int) -> Project {
        let kind = kinds[number % kinds.count]
        let (topic, industry) = topics[number % topics.count]
        let (organization, type) = kind == .finance ? lender : organizations[number % organizations.count]
        let title: String, summary: String, details: Details
        switch kind {
        case .achievement, .technology:
            title = topic + (kind == .achievement ? "关键技术" : "集成应用")
            summary = kind == .achievement ? "已完成中试验证。" : "已在省内推广应用。"
            details = .supply(Supply(
                trl: 3 + number % 7,
                ip: number % 8 == 0 ? [IPRight(type: .inventionPatent, number: "ZL2024\(100_000 + number).5", status: .granted)] : [],
                cooperation: number % 2 == 0 ? [.transfer] : [.jointDevelopment],
                price: number % 5 == 0 ? Price(mode: .fixed, amount: "\(50 + number % 50)0000.00") : nil))
        case .challenge:
            title = topic + "难题攻关"
            summary = "征集技术解决方案。"
            details = .challenge(Challenge(problem: "现有工艺能耗偏高。", budget: AmountRange(max: "800000")))
        case .finance:
            let product = products[number % products.count]
            title = "科技型企业" + product.label
            summary = "审批快、额度灵活。"
            details = .finance(Finance(productType: product, provider: organization, amount: AmountRange(max: "5000000")))
        }
        return Project(
            id: id(number), kind: kind, title: title, summary: summary, industry: industry,
            organization: Organization(name: organization, type: type, region: Region(code: "sichuan")!),
            contact: number % 10 == redacted
                ? Contact(name: people[number % people.count], email: "contact\(number)@example.com", visibility: .masked) : nil,
            serviceAgent: number == redacted ? ServiceAgent(name: people[(number + 1) % people.count], organization: "四川省科技服务中心") : nil,
            validThrough: "2026-12-31", details: details)
    }

    /// The body line of a `put`: the stored form with the contact masked (as `RecordWriter`
    /// publishes it), checked to be a record `ProjectDecoder(mode: .stored)` accepts.
    static func body(_ project: Project) throws -> [UInt8] {
        let body = try JCS.canonicalize(project.jsonValue(nodeFields: true, maskContact: true))
        _ = try ProjectDecoder(mode: .stored).decode(try JSONParser.parse(body))
        return body
    }
}

/// The valid log and everything signed over it.
private struct ValidLog {
    static let manifestName = "向量地科学技术协会（测试向量）"

    let keys: VectorKeys
    let log: VectorLog
    /// Size 310, signed by checkpoint key 2.
    let checkpoint: Checkpoint
    /// Size 257, signed by checkpoint key 1 the day before.
    let olderCheckpoint: Checkpoint
    let manifest: NodeManifest
    /// The exported files, by path relative to the export root.
    let files: [String: [UInt8]]

    init() throws {
        let keys = try VectorKeys()
        var builder = LogBuilder()
        var number = 0
        while builder.size < Vectors.size {
            let seq = builder.size
            let time = Vectors.time(seq)
            switch seq {
            case 0:
                try builder.key(keys.statement(.authorize, keys.checkpoint1, from: 1, time: time), time: time)
            case 100:
                // A re-put (version 2): the project moves on to matchmaking.
                var project = builder.records[VectorRecords.id(VectorRecords.updated).description]!
                project.stage = .matchmaking
                project.sessions = ["2026年春季科技成果路演"]
                try builder.put(project, time: time)
            case 150:
                try builder.delete(VectorRecords.id(VectorRecords.deleted).description, time: time)
            case 200:
                var project = builder.records[VectorRecords.id(VectorRecords.redacted).description]!
                project.summary += "已与两家企业达成初步合作意向。"
                try builder.put(project, time: time)
            case 270:
                // The record put at seq 3 and 200 is redacted at 270 and re-put at 271.
                try builder.redact(VectorRecords.id(VectorRecords.redacted).description, time: time)
            case Vectors.rotationSeq:
                // `kechuang keys rotate`: authorise key 2 and retire key 1, both from the size after them.
                try builder.key(keys.statement(.authorize, keys.checkpoint2, from: seq + 2, time: time), time: time)
                try builder.key(keys.statement(.retire, keys.checkpoint1, from: seq + 2, time: time), time: time)
            default:
                number += 1
                try builder.put(VectorRecords.project(number), time: time)
            }
        }
        self.keys = keys
        log = builder.log
        checkpoint = try Checkpoint.sign(
            origin: Vectors.origin, size: Vectors.size, root: log.pageRoots(size: Vectors.size).root,
            issuedAt: Vectors.date(Vectors.issuedAt), validity: Vectors.validity, key: keys.checkpoint2)
        olderCheckpoint = try Checkpoint.sign(
            origin: Vectors.origin, size: Vectors.olderSize, root: log.pageRoots(size: Vectors.olderSize).root,
            issuedAt: Vectors.date(Vectors.olderIssuedAt), validity: Vectors.validity, key: keys.checkpoint1)
        manifest = try NodeManifest.sign(
            nodeID: Vectors.origin, name: Self.manifestName, region: "sichuan", rootKey: keys.root.publicKey,
            origins: [Vectors.origin], mirrors: [], issuedAt: Vectors.date(Vectors.issuedAt), key: keys.checkpoint2)
        files = try Self.export(log, checkpoint: checkpoint, manifest: manifest)
    }

    /// The files `kechuang export` writes for one origin (without the `.gz` copies), by path
    /// relative to the export root.
    static func export(_ log: VectorLog, checkpoint: Checkpoint, manifest: NodeManifest) throws -> [String: [UInt8]] {
        let origin = Vectors.origin
        let size = checkpoint.size
        let bundle = CheckpointBundle(
            node: origin, origins: [.init(origin: origin, checkpoint: checkpoint, keyStatements: log.statements)])
        var files: [String: [UInt8]] = [
            FeedPath.manifest: manifest.bytes,
            FeedPath.checkpoints: try bundle.bytes,
            FeedPath.checkpoint(origin): checkpoint.bytes,
            FeedPath.keys(origin): try KeyStatementList.bytes(origin: origin, statements: log.statements),
            FeedPath.pageRoots(origin, size: size): log.pageRoots(size: size).bytes,
        ]
        for page in 0..<(size + Feed.pageSize - 1) / Feed.pageSize {
            let range = page * Feed.pageSize..<min(size, (page + 1) * Feed.pageSize)
            files[FeedPath.page(origin, page, width: range.count)] = VectorLog.file(log.lines[range])
            files[FeedPath.bodies(origin, page, width: range.count)] = VectorLog.file(log.bodies[range])
        }
        return Dictionary(uniqueKeysWithValues: files.map { (Vectors.relative($0.key), $0.value) })
    }

    /// The export of `log` as the origin would publish it: a checkpoint over it signed by key 2.
    func republish(_ log: VectorLog, validity: TimeInterval = Vectors.validity) throws -> [String: [UInt8]] {
        let checkpoint = try Checkpoint.sign(
            origin: Vectors.origin, size: Vectors.size, root: log.pageRoots(size: Vectors.size).root,
            issuedAt: Vectors.date(Vectors.issuedAt), validity: validity, key: keys.checkpoint2)
        return try Self.export(log, checkpoint: checkpoint, manifest: manifest)
    }

    /// The files of `variant` that differ from the valid export.
    func changed(_ variant: [String: [UInt8]]) -> [String: [UInt8]] {
        variant.filter { files[$0.key] != $0.value }
    }

    /// The root key's public half as text.
    var rootKey: String { keys.root.publicKey.text }
}

// MARK: - Negative and boundary cases

/// One case of `protocols/vectors/cases/`: its `case.json` and the files it overlays.
private struct VectorCase {
    let name: String
    let description: String
    var at = Vectors.at
    /// `accept`, `reject`, `expired`, `stale` or `fork`.
    let expect: String
    /// The `FeedError` kind kechuang reports (`badSignature`), for `reject` and `expired`.
    var error: String?
    /// Where kechuang's auditor locates the problem.
    var location: String?
    var messageContains: String?
    /// The pinned root key, when it is not the vectors' root key.
    var rootKey: String?
    /// For `accept`: entries the verifier must ignore and report (feed.md §2).
    var ignored: [Int] = []
    /// Files by path relative to the case directory: overlays (`feeds/…`) and `checkpoint-a.json`/`-b.json`.
    var files: [String: [UInt8]] = [:]

    /// The `case.json` document.
    var spec: JSONValue {
        var object: [String: JSONValue] = ["description": .string(description), "at": .string(at), "expect": .string(expect)]
        if let error { object["error"] = .string(error) }
        if let location { object["location"] = .string(location) }
        if let messageContains { object["message_contains"] = .string(messageContains) }
        if let rootKey { object["root_key"] = .string(rootKey) }
        if !ignored.isEmpty { object["ignored"] = .array(ignored.map { .number(Double($0)) }) }
        return .object(object)
    }

    /// Every case, built over the valid log.
    static func all(_ valid: ValidLog) throws -> [VectorCase] {
        let origin = Vectors.origin
        let page0 = FeedPath.page(origin, 0, width: Feed.pageSize)
        let partialPage = FeedPath.page(origin, 1, width: Vectors.partialWidth)
        let partialBodies = FeedPath.bodies(origin, 1, width: Vectors.partialWidth)
        let checkpointPath = FeedPath.checkpoint(origin)
        let keysPath = FeedPath.keys(origin)
        let partial = Vectors.size - Vectors.partialWidth..<Vectors.size
        let keys = valid.keys
        var cases: [VectorCase] = []

        let forked = try forkedLog(valid)
        cases.append(VectorCase(
            name: "tampered-entry",
            description: "One byte of page 0 changed inside a string value (entry 41's time, 00:41:00 → 00:41:01): the line is still canonical JSON, but the page no longer hashes to its root in the signed tree.",
            expect: "reject", error: "rootMismatch", location: page0, messageContains: "do not hash to its root",
            files: [Vectors.relative(page0): VectorLog.file(forked.lines[0..<Feed.pageSize])]))

        var bodies = valid.log.bodies
        bodies[280] = try edit(bodies[280], "\"valid_through\":\"2026-12-31\"", "\"valid_through\":\"2027-12-31\"")
        cases.append(VectorCase(
            name: "tampered-body",
            description: "One byte of the body of entry 280 changed (valid_through 2026 → 2027): its SHA-256 no longer matches the entry's body_hash.",
            expect: "reject", error: "bodyMismatch", location: Vectors.line(partialBodies, seq: 280),
            messageContains: "SHA-256 of the body does not match",
            files: [Vectors.relative(partialBodies): VectorLog.file(bodies[partial])]))

        var object = valid.checkpoint.object
        var signature = Base64.decode(object["signature"]!.stringValue!)!
        signature[10] ^= 0x01
        object["signature"] = .string(Base64.encode(signature))
        cases.append(VectorCase(
            name: "tampered-checkpoint-signature",
            description: "One bit of the checkpoint's signature flipped.",
            expect: "reject", error: "badSignature", location: checkpointPath, messageContains: "signature does not verify",
            files: [Vectors.relative(checkpointPath): try Checkpoint(.object(object)).bytes]))

        cases.append(VectorCase(
            name: "wrong-root-key",
            description: "The verifier pins another root key (root_key below). No key statement verifies under it; kechuang stops first at the manifest, whose informative root_key differs from the pinned one.",
            expect: "reject", error: "keyNotValid", location: FeedPath.manifest, messageContains: "not the pinned key",
            rootKey: keys.otherRoot.publicKey.text))

        let revoke = try keys.statement(.revoke, keys.checkpoint2, from: Vectors.rotationSeq + 2, time: "2026-01-15T12:00:00Z")
        cases.append(VectorCase(
            name: "revoked-key",
            description: "keys.json also holds a root-signed revoke of checkpoint key 2 from size 302 (the key was compromised), so the checkpoint of size 310 it signed is not valid.",
            expect: "reject", error: "keyNotValid", location: checkpointPath, messageContains: "revoked from size 302",
            files: [Vectors.relative(keysPath): try KeyStatementList.bytes(origin: origin, statements: valid.log.statements + [revoke])]))

        let retired = try Checkpoint.sign(
            origin: origin, size: Vectors.size, root: valid.checkpoint.root, issuedAt: Vectors.date(Vectors.issuedAt),
            validity: Vectors.validity, key: keys.checkpoint1)
        cases.append(VectorCase(
            name: "retired-key",
            description: "The checkpoint of size 310 (right root) is signed by checkpoint key 1, which the log retired from size 302.",
            expect: "reject", error: "keyNotValid", location: checkpointPath, messageContains: "retired from size 302",
            files: [Vectors.relative(checkpointPath): retired.bytes]))

        let fork = try Checkpoint.sign(
            origin: origin, size: Vectors.size, root: forked.pageRoots(size: Vectors.size).root,
            issuedAt: Vectors.date(Vectors.issuedAt), validity: Vectors.validity, key: keys.checkpoint2)
        cases.append(VectorCase(
            name: "fork",
            description: "checkpoint-a.json is the valid log's checkpoint, verified first; checkpoint-b.json is signed by the same valid key for the same size 310 over another tree (page 0 of tampered-entry). Both verify: a fork (feed.md §7). Neither is applied; both are kept as evidence.",
            expect: "fork",
            files: ["checkpoint-a.json": valid.checkpoint.bytes, "checkpoint-b.json": fork.bytes]))

        cases.append(VectorCase(
            name: "stale",
            description: "checkpoint-a.json is the valid log's checkpoint (size 310), verified first; checkpoint-b.json is the older checkpoint of size 257 signed by key 1, valid and not expired: a lagging mirror, stale and ignored (feed.md §7). proofs.json holds the consistency proof from 257 to 310.",
            expect: "stale",
            files: ["checkpoint-a.json": valid.checkpoint.bytes, "checkpoint-b.json": valid.olderCheckpoint.bytes]))

        cases.append(VectorCase(
            name: "expired",
            description: "The valid log checked after its checkpoint's expires_at (2026-01-22T08:00:00Z): the origin is stale (feed.md §7.2); kechuang's auditor refuses it.",
            at: "2026-01-23T00:00:00Z", expect: "expired", error: "expired", location: checkpointPath,
            messageContains: "expired at \(Vectors.expiresAt)"))
        cases.append(VectorCase(
            name: "expired-at-expiry",
            description: "The valid log checked at exactly expires_at: T ≥ expires_at is expired.",
            at: Vectors.expiresAt, expect: "expired", error: "expired", location: checkpointPath,
            messageContains: "expired at \(Vectors.expiresAt)"))
        cases.append(VectorCase(
            name: "just-before-expiry",
            description: "The valid log checked one second before expires_at: accepted.",
            at: "2026-01-22T07:59:59Z", expect: "accept"))
        cases.append(VectorCase(
            name: "issued-in-future",
            description: "The valid log checked 5 minutes and 1 second before the checkpoint's issued_at: more than the allowed 5 minutes of clock skew.",
            at: "2026-01-15T07:54:59Z", expect: "reject", error: "malformed", location: checkpointPath, messageContains: "in the future"))
        cases.append(VectorCase(
            name: "issued-within-skew",
            description: "The valid log checked exactly 5 minutes before the checkpoint's issued_at: within the allowed clock skew, accepted.",
            at: "2026-01-15T07:55:00Z", expect: "accept"))

        let longer = try valid.republish(valid.log, validity: 32 * 86_400)
        cases.append(VectorCase(
            name: "validity-too-long",
            description: "The origin signed a checkpoint whose expires_at is 32 days after issued_at (at most 31 are allowed).",
            expect: "reject", error: "malformed", location: checkpointPath, messageContains: "is not between 0 and 31 days",
            files: valid.changed(longer)))

        // Entry lines that break the canonical-form rules, in a log the origin signed as it is:
        // the page roots and the checkpoint match, only the rule refuses the line.
        for (name, seq, old, new, description, error, message) in [
            ("entry-non-canonical-number", 260, "\"seq\":260,", "\"seq\":260.0,",
             "Entry 260 is written with \"seq\":260.0, a number not in canonical form; the origin signed the tree over that line.",
             "notCanonical", "not in canonical form"),
            ("entry-integer-beyond-2-53", 261, "\"version\":1}", "\"version\":9007199254740993}",
             "Entry 261 has \"version\":9007199254740993, an integer beyond 2^53 − 1; the origin signed the tree over that line.",
             "notCanonical", "not in canonical form"),
            ("entry-lone-surrogate", 262, "\"id\":\"vectorland:", "\"id\":\"vectorland:\\ud800",
             "Entry 262's id holds a lone surrogate (\\ud800); the origin signed the tree over that line.",
             "malformed", "lone surrogate"),
        ] {
            var log = valid.log
            log.lines[seq] = try edit(log.lines[seq], old, new)
            cases.append(VectorCase(
                name: name, description: description, expect: "reject", error: error,
                location: Vectors.line(partialPage, seq: seq), messageContains: message, files: valid.changed(try valid.republish(log))))
        }

        var swapped = valid.log
        swapped.lines.swapAt(263, 264)
        swapped.bodies.swapAt(263, 264)
        cases.append(VectorCase(
            name: "entry-out-of-order",
            description: "Entries 263 and 264 (and their bodies) swapped; the origin signed the tree over the swapped lines. Line 8 of the partial page has seq 264.",
            expect: "reject", error: "sequence", location: Vectors.line(partialPage, seq: 263),
            messageContains: "entry has seq 264, expected 263", files: valid.changed(try valid.republish(swapped))))

        cases.append(VectorCase(
            name: "cross-type-statement-as-checkpoint",
            description: "checkpoint.json is the root-signed key statement authorising key 2 (entry 300's body): a signed object of another type.",
            expect: "reject", error: "wrongType", location: checkpointPath,
            messageContains: "is of type \(KeyStatement.type), expected \(Checkpoint.type)",
            files: [Vectors.relative(checkpointPath): valid.log.statements[1].bytes]))

        var retyped = valid.checkpoint.object
        retyped["type"] = .string(KeyStatement.type)
        cases.append(VectorCase(
            name: "cross-type-checkpoint-retyped",
            description: "checkpoint.json is the valid checkpoint with its type changed to kechuang.key-statement/1 (the signature unchanged).",
            expect: "reject", error: "wrongType", location: checkpointPath,
            messageContains: "is of type \(KeyStatement.type), expected \(Checkpoint.type)",
            files: [Vectors.relative(checkpointPath): try JCS.canonicalize(.object(retyped))]))

        for (name, marker, description) in [
            ("redaction-marker-not-redact", 265,
             "The body of put 260 is replaced by a redaction marker naming entry 265, which is a put, not a redact."),
            ("redaction-marker-other-record", 270,
             "The body of put 260 is replaced by a redaction marker naming entry 270, a redact of another record."),
        ] {
            var bodies = valid.log.bodies
            bodies[260] = RedactionMarker.bytes(redactedBy: marker)
            cases.append(VectorCase(
                name: name, description: description, expect: "reject", error: "redaction",
                location: Vectors.line(partialBodies, seq: 260), messageContains: "which is not a redact entry of",
                files: [Vectors.relative(partialBodies): VectorLog.file(bodies[partial])]))
        }

        var missing = Array(valid.log.bodies[partial])
        missing.remove(at: 290 - partial.lowerBound)
        cases.append(VectorCase(
            name: "body-line-missing",
            description: "The partial page's body file lacks the line of entry 290: 53 lines for 54 entries.",
            expect: "reject", error: "malformed", location: partialBodies,
            messageContains: "has \(Vectors.partialWidth - 1) lines, expected \(Vectors.partialWidth)",
            files: [Vectors.relative(partialBodies): VectorLog.file(missing)]))

        // The checkpoint bundle a syncing peer polls (feed.md §7): refused as a whole when it is not
        // JSON, when a statement or the checkpoint of the origin does not verify; its `node` is
        // unsigned and informative; its checkpoint must be of the tree the feed's checkpoint.json is.
        let bundlePath = FeedPath.checkpoints
        let validBundle = valid.files[Vectors.relative(bundlePath)]!
        func bundle(node: String? = nil, checkpoint: Checkpoint? = nil, statements: [KeyStatement]? = nil) throws -> [UInt8] {
            try CheckpointBundle(node: node ?? origin, origins: [.init(
                origin: origin, checkpoint: checkpoint ?? valid.checkpoint, keyStatements: statements ?? valid.log.statements)]).bytes
        }
        var flippedStatement = valid.log.statements[1].object
        var statementSignature = Base64.decode(flippedStatement["signature"]!.stringValue!)!
        statementSignature[10] ^= 0x01
        flippedStatement["signature"] = .string(Base64.encode(statementSignature))
        var statements = valid.log.statements
        statements[1] = try KeyStatement(.object(flippedStatement))
        let nodeMember = Array("\"node\":\"vectorland\"".utf8)
        guard let nodeAt = validBundle.indices.first(where: { validBundle[$0...].starts(with: nodeMember) }) else {
            throw VectorError("checkpoints.json has no node member")
        }
        var invalidUTF8 = validBundle
        invalidUTF8[nodeAt + nodeMember.count - 2] = 0xFF
        for (name, description, bytes, error, message) in [
            ("checkpoints-bad-signature", "checkpoints.json holds the checkpoint with one bit of its signature flipped (checkpoint.json is the valid one).",
             try bundle(checkpoint: try Checkpoint(.object(object))), "badSignature", "signature does not verify"),
            ("checkpoints-statement-bad-signature", "checkpoints.json holds the key statement of entry 300 with one bit of its signature flipped: the document is refused as a whole (feed.md §6).",
             try bundle(statements: statements), "badSignature", "is not signed by the root key"),
            ("checkpoints-invalid-utf8", "The last letter of the node member of checkpoints.json is replaced by the byte 0xFF: not UTF-8, so not JSON.",
             invalidUTF8, "malformed", "invalid UTF-8"),
            ("checkpoints-broken-json", "checkpoints.json lacks its last byte (the closing brace).",
             Array(validBundle.dropLast()), "malformed", "not JSON"),
            ("checkpoints-other-tree", "checkpoints.json offers the older checkpoint (size 257, valid and current), while checkpoint.json and the pages are of size 310: a peer would sync another tree than the one verified.",
             try bundle(checkpoint: valid.olderCheckpoint), "rootMismatch", "peers would sync another tree"),
        ] {
            cases.append(VectorCase(
                name: name, description: description, expect: "reject", error: error, location: bundlePath, messageContains: message,
                files: [Vectors.relative(bundlePath): bytes]))
        }
        cases.append(VectorCase(
            name: "checkpoints-node-unsigned",
            description: "The node member of checkpoints.json names another node. It is not signed, and a reader does not rely on it (feed.md §7): accepted.",
            expect: "accept", files: [Vectors.relative(bundlePath): try bundle(node: "elsewhere")]))

        // What feed.md §1–§4 settle the way kechuang's reader decides.
        let markerLog = try markerLog(valid, marker: Array("{\"type\":\"kechuang.redacted/1\",\"redacted_by\":\(Self.markerRedactSeq)}".utf8))
        cases.append(VectorCase(
            name: "redaction-marker-not-exact",
            description: "Entry 280 is a redact of the record put at 275 (the origin signed that log), and body 275 is a marker naming 280 with its members in another order: the same JSON, but not the exact bytes of a marker (feed.md §4), so it is a body whose SHA-256 does not match.",
            expect: "reject", error: "bodyMismatch", location: Vectors.line(partialBodies, seq: Self.markerErasedSeq),
            messageContains: "SHA-256 of the body does not match", files: valid.changed(try valid.republish(markerLog))))

        var upper = valid.log
        let hash = Hex.encode(SHA256.hash(valid.log.bodies[280]))
        upper.lines[280] = try edit(upper.lines[280], hash, hash.uppercased())
        cases.append(VectorCase(
            name: "entry-upper-case-hex",
            description: "Entry 280's body_hash is written in upper-case hex; the origin signed the tree over that line. Hashes in entries and signed objects are lowercase (feed.md §1): the page is invalid.",
            expect: "reject", error: "malformed", location: Vectors.line(partialPage, seq: 280),
            messageContains: "body_hash is not 64 lowercase hex digits", files: valid.changed(try valid.republish(upper))))

        var upperRoot = valid.checkpoint.object
        upperRoot["root"] = .string(Hex.encode(valid.checkpoint.root).uppercased())
        cases.append(VectorCase(
            name: "checkpoint-upper-case-hex",
            description: "checkpoint.json is signed by key 2 with its root in upper-case hex: a signed object with a hash not in lowercase is malformed (feed.md §1).",
            expect: "reject", error: "malformed", location: checkpointPath, messageContains: "root is not 64 lowercase hex digits",
            files: [Vectors.relative(checkpointPath): try JCS.canonicalize(.object(SignedObject.sign(upperRoot, with: keys.checkpoint2)))]))

        let roots = valid.log.pageRoots(size: Vectors.size)
        let upperRoots: JSONValue = [
            "origin": .string(origin), "size": .number(Double(Vectors.size)), "page_size": .number(Double(Feed.pageSize)),
            "page_roots": .array(roots.pageRoots.map { .string(Hex.encode($0).uppercased()) }),
            "tail_root": .string(Hex.encode(roots.tailRoot!).uppercased()),
        ]
        cases.append(VectorCase(
            name: "page-roots-upper-case-hex",
            description: "page-roots/310.json spells its hashes in upper-case hex. The document is not signed, and its hashes are checked against the signed root: a reader accepts either case there (feed.md §1).",
            expect: "accept", files: [Vectors.relative(FeedPath.pageRoots(origin, size: Vectors.size)): try JCS.canonicalize(upperRoots)]))

        var badTime = valid.log
        badTime.lines[262] = try edit(badTime.lines[262], "\"time\":\"\(Vectors.time(262))\"", "\"time\":\"2026-01-14T12:22:00+08:00\"")
        cases.append(VectorCase(
            name: "entry-time-not-utc",
            description: "Entry 262's time is 2026-01-14T12:22:00+08:00, not a UTC timestamp; the origin signed the tree over that line. A reader does not interpret an entry's time (feed.md §2): accepted.",
            expect: "accept", files: valid.changed(try valid.republish(badTime))))

        var skipping = valid.log
        skipping.lines[301] = try edit(skipping.lines[301], "\"version\":3}", "\"version\":4}")
        cases.append(VectorCase(
            name: "key-entry-version-skips",
            description: "The key entry 301 (retire) has version 4 after the key entry 300 at version 2: key-entry versions increase but may skip (feed.md §2); the origin signed the tree over that line. Accepted, and the statement counts.",
            expect: "accept", files: valid.changed(try valid.republish(skipping))))

        // An authorisation made with another key, and a checkpoint signed by the key it claims to
        // authorise: a verifier that skipped the bad statement would still refuse the checkpoint.
        let impostorCheckpoint = try Checkpoint.sign(
            origin: origin, size: Vectors.size, root: valid.checkpoint.root, issuedAt: Vectors.date(Vectors.issuedAt),
            validity: Vectors.validity, key: keys.impostor)
        var claimed = try KeyStatement.sign(
            origin: origin, action: .authorize, key: keys.impostor.publicKey, fromSize: 1, issuedAt: Vectors.date(Vectors.issuedAt),
            rootKey: keys.impostor).object
        claimed["root_key_id"] = .string(keys.root.publicKey.keyID)
        let forgeries = [
            ("authorize-signed-by-other-key", try KeyStatement(.object(SignedObject.sign(claimed, with: keys.impostor))),
             "keys.json also holds an authorize statement for another key that names the root key's id but is signed by that other key; checkpoint.json is signed by it.",
             "badSignature", "is not signed by the root key"),
            ("authorize-names-other-root", try KeyStatement.sign(
                origin: origin, action: .authorize, key: keys.impostor.publicKey, fromSize: 1,
                issuedAt: Vectors.date(Vectors.issuedAt), rootKey: keys.impostor),
             "keys.json also holds an authorize statement for another key, signed by that key as its own root key; checkpoint.json is signed by it.",
             "keyNotValid", "but the pinned root key of vectorland is"),
        ]
        for (name, statement, description, error, message) in forgeries {
            cases.append(VectorCase(
                name: name, description: description, expect: "reject", error: error, location: keysPath, messageContains: message,
                files: [
                    Vectors.relative(keysPath): try KeyStatementList.bytes(origin: origin, statements: valid.log.statements + [statement]),
                    Vectors.relative(checkpointPath): impostorCheckpoint.bytes,
                ]))
        }

        // Entries a reader ignores and reports (feed.md §2, merge.md §2), in a log the origin signed.
        var ignoring = valid.log
        let previous = try JSONParser.parse(valid.log.bodies[264])
        var repeated = try ProjectDecoder(mode: .stored).decode(previous)
        repeated.title += "（重复版本）"
        let repeatedBody = try VectorRecords.body(repeated)
        ignoring.lines[265] = try LogEntry(
            seq: 265, op: .put, id: repeated.id.description, version: repeated.version, time: Vectors.time(265),
            bodyHash: SHA256.hash(repeatedBody)).line
        ignoring.bodies[265] = repeatedBody
        var foreign = VectorRecords.project(1)
        foreign.id = RecordID(origin: "othertown", local: "ach-0001")!
        foreign.version = 1
        foreign.createdAt = Vectors.time(266)
        foreign.updatedAt = Vectors.time(266)
        let foreignBody = try VectorRecords.body(foreign)
        ignoring.lines[266] = try LogEntry(
            seq: 266, op: .put, id: foreign.id.description, version: 1, time: Vectors.time(266), bodyHash: SHA256.hash(foreignBody)).line
        ignoring.bodies[266] = foreignBody
        // An ignored entry's version does not count (merge.md §2, rule 3): entry 303 puts the record
        // of entry 302 at version 5 with a body that says version 4 (ignored, rule 6), and entry 304
        // puts it at version 3 with a valid body, which is accepted: 3 exceeds 1, the last accepted.
        var record = try ProjectDecoder(mode: .stored).decode(try JSONParser.parse(valid.log.bodies[302]))
        for (seq, entryVersion, bodyVersion) in [(303, 5, 4), (304, 3, 3)] {
            record.version = bodyVersion
            record.updatedAt = Vectors.time(seq)
            let body = try VectorRecords.body(record)
            ignoring.lines[seq] = try LogEntry(
                seq: seq, op: .put, id: record.id.description, version: entryVersion, time: Vectors.time(seq),
                bodyHash: SHA256.hash(body)).line
            ignoring.bodies[seq] = body
        }
        cases.append(VectorCase(
            name: "ignored-entries",
            description: "Entry 265 re-puts the record of entry 264 at the same version 1, and entry 266 puts a record of origin othertown. Entry 303 puts the record of entry 302 at version 5, but its body says version 4 (merge.md §2, rule 6); entry 304 puts that record at version 3 with a valid body. All stay in the log and the tree (the origin signed it), but a reader ignores and reports 265, 266 and 303: the log is accepted. The version of an ignored entry does not count, so 304 is accepted (3 is greater than 1, the last accepted version).",
            expect: "accept", ignored: [265, 266, 303], files: valid.changed(try valid.republish(ignoring))))

        return cases.sorted { $0.name < $1.name }
    }

    /// The entry that redacts, and the `put` it erases, of `redaction-marker-not-exact`.
    static let markerRedactSeq = 280
    static let markerErasedSeq = 275

    /// The valid log with entry 280 turned into a `redact` of the record put at 275 (version 2),
    /// and body 275 replaced by `marker` (the exact marker makes a valid log).
    static func markerLog(_ valid: ValidLog, marker: [UInt8]) throws -> VectorLog {
        var log = valid.log
        let erased = try LogEntry(line: log.lines[markerErasedSeq][...])
        log.lines[markerRedactSeq] = try LogEntry(
            seq: markerRedactSeq, op: .redact, id: erased.id, version: erased.version + 1, time: Vectors.time(markerRedactSeq),
            bodyHash: nil).line
        log.bodies[markerRedactSeq] = Array("null".utf8)
        log.bodies[markerErasedSeq] = marker
        return log
    }

    /// The valid log with one byte of entry 41's time changed (00:41:00 → 00:41:01): every line
    /// still canonical, but another tree (`tampered-entry`, `fork`).
    static func forkedLog(_ valid: ValidLog) throws -> VectorLog {
        var log = valid.log
        log.lines[41] = try edit(log.lines[41], "\"time\":\"2026-01-14T00:41:00Z\"", "\"time\":\"2026-01-14T00:41:01Z\"")
        return log
    }

    /// `line` with the one occurrence of `old` replaced by `new`.
    static func edit(_ line: [UInt8], _ old: String, _ new: String) throws -> [UInt8] {
        let text = String(decoding: line, as: UTF8.self)
        guard text.components(separatedBy: old).count == 2 else { throw VectorError("\(old) does not occur exactly once in \(text)") }
        return Array(text.replacingOccurrences(of: old, with: new).utf8)
    }
}

/// A generator input that does not have the shape the generator expects.
private struct VectorError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}

// MARK: - Proofs, descriptions, the whole tree

/// Generates every file of `protocols/vectors` but the hand-written README.md.
private enum VectorGenerator {
    /// Every generated file, by path relative to `protocols/vectors`.
    static func files() throws -> [String: [UInt8]] {
        let valid = try ValidLog()
        var files = valid.files
        files["proofs.json"] = pretty(try proofs(valid))
        files["valid.json"] = pretty(validLog(valid))
        files["vector-keys.json"] = pretty(keyList(valid.keys))
        files["root-key.txt"] = Array((valid.rootKey + "\n").utf8)
        files["test-only-root-seed.hex"] = Array((Hex.encode(VectorKeys.seed(0x00)) + "\n").utf8)
        for vectorCase in try VectorCase.all(valid) {
            let directory = "cases/\(vectorCase.name)/"
            files[directory + "case.json"] = pretty(vectorCase.spec)
            for (path, bytes) in vectorCase.files {
                files[directory + path] = bytes
            }
        }
        return files
    }

    /// Writes `files` under `root`, first removing everything there but README.md.
    static func write(_ files: [String: [UInt8]], to root: String) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: root, withIntermediateDirectories: true)
        for name in try manager.contentsOfDirectory(atPath: root) where name != "README.md" {
            try manager.removeItem(atPath: root + "/" + name)
        }
        for (path, bytes) in files {
            let url = URL(fileURLWithPath: root + "/" + path)
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
    }

    /// A document for people: pretty JSON, members sorted as in JCS, ending with a line feed.
    static func pretty(_ value: JSONValue) -> [UInt8] { JSONWriter.write(value, pretty: true) + [0x0A] }

    static func hex(_ hashes: [[UInt8]]) -> JSONValue { .array(hashes.map { .string(Hex.encode($0)) }) }

    /// `valid.json`: how to check the valid log and what a verifier finds in it.
    static func validLog(_ valid: ValidLog) -> JSONValue {
        let operations = valid.log.lines.reduce(into: [String: Int]()) { counts, line in
            counts[(try? LogEntry(line: line[...]))?.op.rawValue ?? "?", default: 0] += 1
        }
        return [
            "description": "The valid log of origin vectorland: verify it with the pinned root_key at time at; every check passes.",
            "origin": .string(Vectors.origin), "root_key": .string(valid.rootKey), "at": .string(Vectors.at), "expect": "accept",
            "size": .number(Double(Vectors.size)), "root": .string(Hex.encode(valid.checkpoint.root)),
            "checkpoint_key_id": .string(valid.checkpoint.keyID), "expires_at": .string(valid.checkpoint.expiresAt),
            "report": [
                "pages": 2, "entries": .number(Double(Vectors.size)), "key_statements": .number(Double(valid.log.statements.count)),
                "redacted_bodies": .number(Double(valid.log.bodies.filter { RedactionMarker.redactedBy($0[...]) != nil }.count)),
                "operations": .object(operations.mapValues { .number(Double($0)) }),
            ],
        ]
    }

    /// `vector-keys.json`: the public halves of the fixed keys.
    static func keyList(_ keys: VectorKeys) -> JSONValue {
        func key(_ key: Ed25519PrivateKey, _ role: String) -> JSONValue {
            ["key": .string(key.publicKey.text), "key_id": .string(key.publicKey.keyID),
             "fingerprint": .string(key.publicKey.fingerprint), "role": .string(role)]
        }
        return [
            "root": key(keys.root, "The pinned root key (private seed in test-only-root-seed.hex; a test key, never use it elsewhere)."),
            "checkpoint_1": key(keys.checkpoint1, "Checkpoint key 1: authorised from size 1 (seq 0), retired from size 302 (seq 301)."),
            "checkpoint_2": key(keys.checkpoint2, "Checkpoint key 2: authorised from size 302 (seq 300); signs the checkpoint and the manifest."),
            "other_root": key(keys.otherRoot, "The wrong root key of the wrong-root-key case."),
            "impostor": key(keys.impostor, "A key that is not the root key, signing statements in the authorize-* cases."),
        ]
    }

    /// `proofs.json`: inclusion, consistency and page proofs over the valid log, with their verdicts.
    static func proofs(_ valid: ValidLog) throws -> JSONValue {
        let leaves = valid.log.lines.map { Merkle.leafHash($0) }
        let hasher = LeafHashes(leaves)
        func root(_ size: Int) -> [UInt8] { Merkle.root(leafHashes: leaves[0..<size]) }
        func flipped(_ hash: [UInt8]) -> [UInt8] {
            var copy = hash
            copy[31] ^= 0x01
            return copy
        }
        let final = Vectors.size

        var inclusion: [JSONValue] = []
        func addInclusion(_ name: String, seq: Int, size: Int, leaf: [UInt8], proof: [[UInt8]], root: [UInt8], valid: Bool) {
            inclusion.append([
                "name": .string(name), "seq": .number(Double(seq)), "size": .number(Double(size)),
                "leaf_hash": .string(Hex.encode(leaf)), "proof": hex(proof), "root": .string(Hex.encode(root)),
                "verdict": valid ? "valid" : "invalid",
            ])
        }
        for (seq, size) in [(0, final), (41, final), (255, final), (256, final), (301, final), (309, final), (0, 257), (200, 257), (256, 257)] {
            let proof = try Merkle.inclusionProof(index: seq, size: size, hasher: hasher)
            addInclusion("seq \(seq) in size \(size)", seq: seq, size: size, leaf: leaves[seq], proof: proof, root: root(size), valid: true)
        }
        let proof41 = try Merkle.inclusionProof(index: 41, size: final, hasher: hasher)
        var flippedProof = proof41
        flippedProof[2] = flipped(flippedProof[2])
        addInclusion("seq 41: one bit of the third proof hash flipped", seq: 41, size: final, leaf: leaves[41], proof: flippedProof,
                     root: root(final), valid: false)
        addInclusion("seq 41's leaf and proof claimed for index 42", seq: 42, size: final, leaf: leaves[41], proof: proof41,
                     root: root(final), valid: false)
        addInclusion("seq 256: one bit of the leaf hash flipped", seq: 256, size: final, leaf: flipped(leaves[256]),
                     proof: try Merkle.inclusionProof(index: 256, size: final, hasher: hasher), root: root(final), valid: false)
        addInclusion("seq 301: the last proof hash dropped", seq: 301, size: final, leaf: leaves[301],
                     proof: Array(try Merkle.inclusionProof(index: 301, size: final, hasher: hasher).dropLast()), root: root(final), valid: false)
        addInclusion("seq 200: the proof for size 257 claimed for size 310", seq: 200, size: final, leaf: leaves[200],
                     proof: try Merkle.inclusionProof(index: 200, size: 257, hasher: hasher), root: root(final), valid: false)

        var consistency: [JSONValue] = []
        func addConsistency(_ name: String, from: Int, to: Int, proof: [[UInt8]], old: [UInt8], new: [UInt8], valid: Bool) {
            consistency.append([
                "name": .string(name), "from": .number(Double(from)), "to": .number(Double(to)), "proof": hex(proof),
                "old_root": .string(Hex.encode(old)), "new_root": .string(Hex.encode(new)), "verdict": valid ? "valid" : "invalid",
            ])
        }
        for (from, to) in [(1, final), (100, final), (256, final), (257, final), (100, 257)] {
            let proof = try Merkle.consistencyProof(from: from, to: to, hasher: hasher)
            addConsistency("from \(from) to \(to)", from: from, to: to, proof: proof, old: root(from), new: root(to), valid: true)
        }
        let proof100 = try Merkle.consistencyProof(from: 100, to: final, hasher: hasher)
        var flipped100 = proof100
        flipped100[0] = flipped(flipped100[0])
        addConsistency("100 to 310: one bit of the first proof hash flipped", from: 100, to: final, proof: flipped100,
                       old: root(100), new: root(final), valid: false)
        addConsistency("100 to 310: the old root of size 101", from: 100, to: final, proof: proof100,
                       old: root(101), new: root(final), valid: false)
        addConsistency("257 to 310: the last proof hash dropped", from: 257, to: final,
                       proof: Array(try Merkle.consistencyProof(from: 257, to: final, hasher: hasher).dropLast()),
                       old: root(257), new: root(final), valid: false)
        addConsistency("the proof from 256 claimed from 257", from: 257, to: final,
                       proof: try Merkle.consistencyProof(from: 256, to: final, hasher: hasher), old: root(257), new: root(final), valid: false)
        addConsistency("1 to 310: the new root of the fork (cases/fork)", from: 1, to: final,
                       proof: try Merkle.consistencyProof(from: 1, to: final, hasher: hasher), old: root(1),
                       new: try VectorCase.forkedLog(valid).pageRoots(size: final).root, valid: false)
        // The two answers RFC 9162 §2.1.4.2 does not cover (feed.md §5): an empty proof, from the
        // empty tree (consistent with every tree) or between equal sizes (the roots must be equal).
        addConsistency("from 0 to 310: empty proof, old root of the empty tree", from: 0, to: final, proof: [],
                       old: root(0), new: root(final), valid: true)
        addConsistency("from 310 to 310: empty proof, equal roots", from: final, to: final, proof: [],
                       old: root(final), new: root(final), valid: true)
        addConsistency("310 to 310: the old root of size 309", from: final, to: final, proof: [],
                       old: root(final - 1), new: root(final), valid: false)
        addConsistency("0 to 310: the old root is not the empty tree's", from: 0, to: final, proof: [],
                       old: root(1), new: root(final), valid: false)
        addConsistency("0 to 310: a proof that is not empty", from: 0, to: final, proof: [root(1)],
                       old: root(0), new: root(final), valid: false)

        var pages: [JSONValue] = []
        func addPage(_ name: String, page: Int, size: Int, pageRoot: [UInt8], proof: [[UInt8]], root: [UInt8], valid: Bool) {
            pages.append([
                "name": .string(name), "page": .number(Double(page)), "size": .number(Double(size)),
                "page_root": .string(Hex.encode(pageRoot)), "proof": hex(proof), "root": .string(Hex.encode(root)),
                "verdict": valid ? "valid" : "invalid",
            ])
        }
        let pageRoot = valid.log.pageRoots(size: Feed.pageSize).pageRoots[0]
        for size in [final, 256, 257] {
            addPage("page 0 in size \(size)", page: 0, size: size, pageRoot: pageRoot,
                    proof: try Merkle.pageProof(page: 0, size: size, hasher: hasher), root: root(size), valid: true)
        }
        let pageProof = try Merkle.pageProof(page: 0, size: final, hasher: hasher)
        addPage("page 0: one bit of the proof flipped", page: 0, size: final, pageRoot: pageRoot,
                proof: pageProof.map(flipped), root: root(final), valid: false)
        addPage("page 0's proof claimed for page 1, which is not full", page: 1, size: final, pageRoot: pageRoot,
                proof: pageProof, root: root(final), valid: false)
        addPage("page 0: one bit of the page root flipped", page: 0, size: final, pageRoot: flipped(pageRoot),
                proof: pageProof, root: root(final), valid: false)

        return [
            "description": "Merkle proofs over the valid log (RFC 9162 §2.1.3, §2.1.4; feed.md §5), hex encoded. Check each with the roots it lists and expect its verdict.",
            "origin": .string(Vectors.origin), "size": .number(Double(final)), "root": .string(Hex.encode(root(final))),
            "inclusion": .array(inclusion), "consistency": .array(consistency), "page": .array(pages),
        ]
    }
}

// MARK: - Reading the committed vectors

/// Reads the committed vectors and feeds them to the Feed module.
private enum VectorFiles {
    /// The names of the committed cases, sorted (empty before the first generation).
    static let caseNames: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: Vectors.directory + "/cases")) ?? []).sorted()

    /// The `FeedError` each kind name of `case.json` stands for.
    static let errorKinds: [String: FeedError] = [
        "malformed": .malformed, "notCanonical": .notCanonical, "wrongType": .wrongType, "badSignature": .badSignature,
        "keyNotValid": .keyNotValid, "expired": .expired, "rootMismatch": .rootMismatch, "bodyMismatch": .bodyMismatch, "redaction": .redaction,
        "sequence": .sequence, "tooLarge": .tooLarge, "proof": .proof, "fork": .fork, "missing": .missing,
    ]

    /// The bytes of a file.
    static func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// A parsed JSON file.
    static func json(_ path: String) throws -> JSONValue { try JSONParser.parse(try bytes(path)) }

    /// Every file under `root`, hidden ones included, by path relative to `root`.
    static func all(_ root: String) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return files }
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = try bytes(root + "/" + path)
            }
        }
        return files
    }

    /// The key statements of the committed `keys.json`, accepted under `rootKey`.
    static func keyState(rootKey: Ed25519PublicKey) throws -> KeyState {
        var keys = KeyState(origin: Vectors.origin, rootKey: rootKey)
        for statement in try KeyStatementList.parse(try bytes(Vectors.directory + "/" + Vectors.relative(FeedPath.keys(Vectors.origin)))) {
            try keys.add(statement)
        }
        return keys
    }

    /// A copy of the valid log with the files of case `name` laid over it.
    static func overlay(_ name: String, in directory: TemporaryDirectory) throws -> String {
        let manager = FileManager.default
        for top in [".well-known", "feeds"] {
            try manager.copyItem(atPath: Vectors.directory + "/" + top, toPath: directory.path + "/" + top)
        }
        for (path, bytes) in try all(Vectors.directory + "/cases/" + name)
        where !["case.json", "checkpoint-a.json", "checkpoint-b.json"].contains(path) {
            let url = URL(fileURLWithPath: directory.path + "/" + path)
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        return directory.path
    }
}

/// A feed read from an export directory, as a static mirror serves it.
private struct DirectoryFeedSource: FeedSource {
    let root: String

    func fetch(_ path: String) throws -> [UInt8]? {
        guard path.hasPrefix("/"), !path.contains("/..") else { return nil }
        return FileManager.default.contents(atPath: root + path).map { Array($0) }
    }
}

/// A feed held in memory: files by path relative to the export root.
private struct MemoryFeedSource: FeedSource {
    let files: [String: [UInt8]]

    func fetch(_ path: String) throws -> [UInt8]? { files[Vectors.relative(path)] }
}

/// A directory under the system's temporary directory, removed when the value goes away.
private final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("kechuang-vectors-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The protocol's independent Python checker (`Tests/CLITests/Fixtures/independent_check.py`).
private enum IndependentChecker {
    static let python = "/usr/bin/python3"
    static let script = Vectors.repository + "/Tests/CLITests/Fixtures/independent_check.py"
    /// Whether python3 with the `cryptography` package is installed.
    static let isAvailable: Bool = (try? run(["-c", "import cryptography"]).status) == 0

    /// Runs python3 with `arguments`; returns its exit status and its output.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try ProcessRunner.run(python, arguments, timeout: 300)
        return (result.status, result.stdout + result.stderr)
    }
}

// MARK: - Tests

@Suite("Feed: protocol test vectors (protocols/vectors)")
struct VectorTests {
    @Test func committedVectorsAreExactlyWhatTheGeneratorMakes() throws {
        let generated = try VectorGenerator.files()
        if ProcessInfo.processInfo.environment["KECHUANG_WRITE_VECTORS"] == "1" {
            try VectorGenerator.write(generated, to: Vectors.directory)
        }
        let temporary = try TemporaryDirectory()
        try VectorGenerator.write(generated, to: temporary.path)
        let regenerated = try VectorFiles.all(temporary.path)
        let committed = try VectorFiles.all(Vectors.directory).filter { $0.key != "README.md" }
        let hint = "regenerate with KECHUANG_WRITE_VECTORS=1 swift test --filter VectorTests"
        #expect(committed.keys.sorted() == regenerated.keys.sorted(), "\(hint)")
        for (path, bytes) in regenerated.sorted(by: { $0.key < $1.key }) {
            let same = committed[path] == bytes
            #expect(same, "protocols/vectors/\(path) is not what the generator makes; \(hint)")
        }
        let total = committed.values.reduce(0) { $0 + $1.count }
        #expect(total < 600_000, "protocols/vectors holds \(total) bytes")
    }

    @Test func theReadmeDescribesEveryCase() throws {
        let readme = String(decoding: try VectorFiles.bytes(Vectors.directory + "/README.md"), as: UTF8.self)
        #expect(!VectorFiles.caseNames.isEmpty)
        for name in VectorFiles.caseNames {
            #expect(readme.contains("`\(name)`"), "README.md does not list case \(name)")
        }
    }

    @Test func theValidLogIsAcceptedWithWhatItHolds() throws {
        let spec = try VectorFiles.json(Vectors.directory + "/valid.json")
        let rootKey = try Ed25519PublicKey(text: try #require(spec["root_key"]?.stringValue))
        let at = Vectors.date(try #require(spec["at"]?.stringValue))
        let report = try FeedAuditor(source: DirectoryFeedSource(root: Vectors.directory), rootKey: rootKey, now: at).audit()
        let checkpoint = try #require(report.checkpoint)
        #expect(report.origin == Vectors.origin)
        #expect(report.freshness == .current)
        #expect(checkpoint.size == spec["size"]?.intValue)
        #expect(Hex.encode(checkpoint.root) == spec["root"]?.stringValue)
        #expect(checkpoint.keyID == spec["checkpoint_key_id"]?.stringValue)
        #expect(report.pages == spec["report"]?["pages"]?.intValue)
        #expect(report.entries == spec["report"]?["entries"]?.intValue)
        #expect(report.keyStatements == spec["report"]?["key_statements"]?.intValue)
        #expect(report.redactedBodies == spec["report"]?["redacted_bodies"]?.intValue)
        for op in LogEntry.Operation.allCases {
            #expect(report.operations[op, default: 0] == spec["report"]?["operations"]?[op.rawValue]?.intValue ?? 0, "\(op)")
        }
        #expect(report.ignored.isEmpty)
    }

    @Test(arguments: VectorFiles.caseNames)
    func caseReachesItsVerdict(_ name: String) throws {
        let directory = Vectors.directory + "/cases/" + name
        let spec = try VectorFiles.json(directory + "/case.json")
        let valid = try VectorFiles.json(Vectors.directory + "/valid.json")
        let expect = try #require(spec["expect"]?.stringValue)
        let at = Vectors.date(try #require(spec["at"]?.stringValue))
        let rootKey = try Ed25519PublicKey(text: try #require(spec["root_key"]?.stringValue ?? valid["root_key"]?.stringValue))
        let verifier = FeedVerifier(origin: Vectors.origin)

        if expect == "fork" || expect == "stale" {
            // Verdicts about two checkpoints: both verify; then their sizes and roots decide (feed.md §7.3).
            let keys = try VectorFiles.keyState(rootKey: rootKey)
            let verified = try Checkpoint(bytes: try VectorFiles.bytes(directory + "/checkpoint-a.json"))
            let presented = try Checkpoint(bytes: try VectorFiles.bytes(directory + "/checkpoint-b.json"))
            #expect(try verifier.verify(verified, keys: keys, now: at) == .current)
            #expect(try verifier.verify(presented, keys: keys, now: at) == .current)
            let verdict =
                if presented.size < verified.size { "stale" }
                else if presented.size == verified.size { presented.root == verified.root ? "repeat" : "fork" }
                else { "newer" }
            #expect(verdict == expect)
            return
        }

        let copy = try TemporaryDirectory()
        let source = DirectoryFeedSource(root: try VectorFiles.overlay(name, in: copy))
        let result = Result { () throws(FeedError) in try FeedAuditor(source: source, rootKey: rootKey, now: at).audit() }
        switch (expect, result) {
        case ("accept", .success(let report)):
            let ignored = spec["ignored"]?.arrayValue?.compactMap(\.intValue) ?? []
            #expect(report.ignored.count == ignored.count, "\(report.ignored)")
            for (seq, message) in zip(ignored, report.ignored) {
                #expect(message.hasPrefix("seq \(seq):"), "\(message)")
            }
        case ("reject", .failure(let error)), ("expired", .failure(let error)):
            let kindName = try #require(spec["error"]?.stringValue)
            let kind = try #require(VectorFiles.errorKinds[kindName])
            #expect(error == kind, "\(error)")
            #expect(error.location == spec["location"]?.stringValue, "\(error)")
            #expect(error.message.contains(try #require(spec["message_contains"]?.stringValue)), "\(error)")
            if expect == "expired" {
                // Expired, not forged: the checkpoint itself verifies, and is past its expiry.
                let checkpoint = try Checkpoint(bytes: try #require(try source.fetch(FeedPath.checkpoint(Vectors.origin))))
                #expect(try verifier.verify(checkpoint, keys: try VectorFiles.keyState(rootKey: rootKey), now: at) == .expired)
            }
        default:
            Issue.record("case \(name): expected \(expect), the auditor's result is \(result)")
        }
    }

    /// `redaction-marker-not-exact` fails only for the marker's bytes: with the exact marker, the
    /// same log is valid.
    @Test func theExactMarkerOfTheNotExactCaseIsAccepted() throws {
        let valid = try ValidLog()
        let log = try VectorCase.markerLog(valid, marker: RedactionMarker.bytes(redactedBy: VectorCase.markerRedactSeq))
        let files = try valid.republish(log)
        let source = MemoryFeedSource(files: files)
        let report = try FeedAuditor(source: source, rootKey: valid.keys.root.publicKey, now: Vectors.date(Vectors.at)).audit()
        #expect(report.redactedBodies == 3)
        #expect(report.ignored.isEmpty)
    }

    @Test func proofsHaveTheirVerdicts() throws {
        let proofs = try VectorFiles.json(Vectors.directory + "/proofs.json")
        let valid = try VectorFiles.json(Vectors.directory + "/valid.json")
        #expect(proofs["root"] == valid["root"], "the proofs are over the valid log")
        func hash(_ value: JSONValue?) throws -> [UInt8] {
            let text = try #require(value?.stringValue)
            return try #require(Hex.decode(text))
        }
        func hashes(_ value: JSONValue?) throws -> [[UInt8]] { try (try #require(value?.arrayValue)).map { try hash($0) } }
        func int(_ value: JSONValue?) throws -> Int { try #require(value?.intValue) }
        var counts = (valid: 0, invalid: 0)
        func expectVerdict(_ item: JSONValue, _ verified: Bool) {
            let verdict = item["verdict"]?.stringValue
            #expect(verified == (verdict == "valid"), "\(item["name"]?.stringValue ?? "?"): \(verdict ?? "?")")
            if verdict == "valid" { counts.valid += 1 } else { counts.invalid += 1 }
        }
        for item in try #require(proofs["inclusion"]?.arrayValue) {
            expectVerdict(item, Merkle.verifyInclusion(
                leafHash: try hash(item["leaf_hash"]), index: try int(item["seq"]), size: try int(item["size"]),
                proof: try hashes(item["proof"]), root: try hash(item["root"])))
        }
        for item in try #require(proofs["consistency"]?.arrayValue) {
            expectVerdict(item, Merkle.verifyConsistency(
                from: try int(item["from"]), to: try int(item["to"]), proof: try hashes(item["proof"]),
                oldRoot: try hash(item["old_root"]), newRoot: try hash(item["new_root"])))
        }
        for item in try #require(proofs["page"]?.arrayValue) {
            expectVerdict(item, Merkle.verifyPage(
                pageRoot: try hash(item["page_root"]), page: try int(item["page"]), size: try int(item["size"]),
                proof: try hashes(item["proof"]), root: try hash(item["root"])))
        }
        #expect(counts.valid == 19 && counts.invalid == 16, "\(counts)")
    }

    @Test func theIndependentCheckerAcceptsTheValidLog() throws {
        try #require(IndependentChecker.isAvailable, "needs python3 with the cryptography package (make test installs python3-cryptography)")
        let valid = try VectorFiles.json(Vectors.directory + "/valid.json")
        let root = try #require(valid["root_key"]?.stringValue)
        let at = try #require(valid["at"]?.stringValue)
        let result = try IndependentChecker.run([IndependentChecker.script, Vectors.directory, root, Vectors.origin, "--at", at])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.hasPrefix("OK vectorland: checkpoint 310"), "\(result.output)")
        #expect(result.output.contains("310 entries and bodies checked; 2 redacted bodies"), "\(result.output)")
    }

    /// Every case through the independent Python checker (written from feed.md alone), at the
    /// case's time: it must reach the case's verdict (exit 0 accept, 1 reject, 3 expired; the
    /// printed comparison for stale and fork), report the same ignored entries, and blame the
    /// file kechuang blames.
    @Test(arguments: VectorFiles.caseNames)
    func theIndependentCheckerReachesEveryVerdict(_ name: String) throws {
        try #require(IndependentChecker.isAvailable, "needs python3 with the cryptography package (make test installs python3-cryptography)")
        let directory = Vectors.directory + "/cases/" + name
        let spec = try VectorFiles.json(directory + "/case.json")
        let valid = try VectorFiles.json(Vectors.directory + "/valid.json")
        let expect = try #require(spec["expect"]?.stringValue)
        let at = try #require(spec["at"]?.stringValue)
        let root = try #require(spec["root_key"]?.stringValue ?? valid["root_key"]?.stringValue)
        let copy = try TemporaryDirectory()
        var arguments = [IndependentChecker.script, try VectorFiles.overlay(name, in: copy), root, Vectors.origin, "--at", at]
        if expect == "stale" || expect == "fork" {
            arguments += ["--compare", directory + "/checkpoint-a.json", directory + "/checkpoint-b.json"]
        }
        let result = try IndependentChecker.run(arguments)
        switch expect {
        case "stale", "fork":
            #expect(result.status == 0 && result.output == expect + "\n", "\(name): \(result.output)")
        case "accept":
            #expect(result.status == 0, "\(name): \(result.output)")
            let ignored = result.output.split(separator: "\n").filter { $0.hasPrefix("ignored: seq ") }
                .compactMap { Int($0.dropFirst("ignored: seq ".count).prefix { $0.isNumber }) }
            #expect(ignored == (spec["ignored"]?.arrayValue?.compactMap(\.intValue) ?? []), "\(name): \(result.output)")
        case "reject":
            #expect(result.status == 1 && result.output.hasPrefix("FAIL: "), "\(name): \(result.output)")
            // The manifest's informative root_key is kechuang's first stop; the checker, given the
            // origin, does not read the manifest and stops at the statements the key does not sign.
            let file = String(try #require(spec["location"]?.stringValue).prefix { $0 != " " })
            #expect(name == "wrong-root-key" || result.output.contains(file), "\(name): blames another file than \(file): \(result.output)")
        case "expired":
            #expect(result.status == 3 && result.output.hasPrefix("EXPIRED "), "\(name): \(result.output)")
        default:
            Issue.record("case \(name): unknown verdict \(expect)")
        }
    }
}
