import Feed
import Foundation
import JSON
import Signing
import Testing

/// A small origin built in memory: keys, entries, bodies.
struct TestOrigin {
    let origin = "sichuan"
    let root: Ed25519PrivateKey
    let checkpointKey: Ed25519PrivateKey
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws {
        root = try Ed25519PrivateKey(seed: Array(repeating: 1, count: 32))
        checkpointKey = try Ed25519PrivateKey(seed: Array(repeating: 2, count: 32))
    }

    func authorize(_ key: Ed25519PrivateKey, from: Int = 1) throws -> KeyStatement {
        try KeyStatement.sign(origin: origin, action: .authorize, key: key.publicKey, fromSize: from, issuedAt: now, rootKey: root)
    }

    func keys(_ statements: [KeyStatement]) throws -> KeyState {
        var state = KeyState(origin: origin, rootKey: root.publicKey)
        for statement in statements { try state.add(statement) }
        return state
    }

    /// `count` entries: a key statement, then puts with JSON bodies; returns page files.
    func log(count: Int) throws -> (entries: [LogEntry], bodies: [[UInt8]]) {
        var entries: [LogEntry] = []
        var bodies: [[UInt8]] = []
        let statement = try authorize(checkpointKey)
        for seq in 0..<count {
            let body = seq == 0 ? statement.bytes : try JCS.canonicalize(["id": .string("\(origin):r\(seq)"), "title": .string("项目\(seq)")])
            entries.append(try LogEntry(
                seq: seq, op: seq == 0 ? .key : .put, id: seq == 0 ? LogEntry.keysID(origin: origin) : "\(origin):r\(seq)",
                version: 1, time: "2027-01-15T08:00:00Z", bodyHash: SHA256.hash(body)))
            bodies.append(body)
        }
        return (entries, bodies)
    }

    static func file(_ lines: [[UInt8]]) -> [UInt8] { lines.flatMap { $0 + [0x0A] } }
}

@Suite struct LogEntryTests {
    @Test func entryLineIsCanonicalAndRoundTrips() throws {
        let entry = try LogEntry(seq: 7, op: .put, id: "sichuan:a1", version: 2, time: "2027-01-15T08:00:00Z", bodyHash: Array(repeating: 0xab, count: 32))
        #expect(String(decoding: entry.line, as: UTF8.self)
            == #"{"body_hash":"abababababababababababababababababababababababababababababababab","id":"sichuan:a1","op":"put","seq":7,"time":"2027-01-15T08:00:00Z","version":2}"#)
        let parsed = try LogEntry(line: entry.line[...])
        #expect(parsed == entry)
        #expect(parsed.origin == "sichuan")
        #expect(entry.leafHash == SHA256.hash([0] + entry.line))
    }

    @Test(arguments: [
        (#"{"id":"sichuan:a","op":"put","seq":1,"time":"t","version":1,"body_hash":"00"}"#, "not in canonical form"),
        (#"{"id":"sichuan:a","op":"put","seq":1.0,"time":"t","version":1}"#, "canonical"),
        (#"{"id":"sichuan:a","op":"put","seq":9007199254740992,"time":"t","version":1}"#, "canonical"),
        (#"{"id":"sichuan:a","op":"delete","seq":1,"time":"t","version":1}"#, ""),
        (#"{"id":"sichuan:a","op":"put","seq":1,"time":"t","version":1}"#, "needs a body_hash"),
        (#"{"id":"sichuan:a","op":"fly","seq":1,"time":"t","version":1}"#, "unknown op"),
        (#"{"body_hash":"abababababababababababababababababababababababababababababababab","id":"sichuan:k","op":"key","seq":1,"time":"t","version":1}"#, "must be sichuan:~keys"),
        (#"{"id":"sichuan:~keys","op":"delete","seq":1,"time":"t","version":1}"#, "only key entries"),
        (#"{"id":"sichuan:a","op":"delete","seq":1,"time":"t","version":0}"#, "version"),
        (#"{"id":"sichuan:a","op":"delete","seq":1,"time":5,"version":1}"#, "entry 1: time must be a string"),
        (#"{"id":"sichuan:a","op":"delete","seq":1,"version":1}"#, "entry 1 has no time"),
        (#"{"id":"sichuan:a","op":"archive","seq":1,"time":"t","version":1}"#, "unknown op \"archive\""),
        (#"["not","an","object"]"#, "not a JSON object"),
        ("{\"id\":\"\u{1}\"}", "not JSON"),
    ])
    func malformedLinesAreRefused(_ line: String, _ message: String) {
        let result = Result { () throws(FeedError) in try LogEntry(line: Array(line.utf8)[...]) }
        if message.isEmpty {
            #expect((try? result.get()) != nil, "\(line) is a valid delete entry")
        } else {
            #expect(throws: FeedError.self) { try result.get() }
            if case .failure(let error) = result { #expect(error.message.contains(message), "\(error.message)") }
        }
    }

    @Test func loneSurrogateInEntryIsRefused() {
        #expect(throws: FeedError.self) { try LogEntry(line: Array(#"{"id":"a:\ud800","op":"delete","seq":0,"time":"t","version":1}"#.utf8)[...]) }
    }
}

@Suite struct SignedObjectTests {
    @Test func checkpointSignsAndVerifiesAndTamperingBreaksIt() throws {
        let origin = try TestOrigin()
        let keys = try origin.keys([origin.authorize(origin.checkpointKey)])
        let checkpoint = try Checkpoint.sign(origin: "sichuan", size: 5, root: Array(repeating: 7, count: 32), issuedAt: origin.now, key: origin.checkpointKey)
        let verifier = FeedVerifier(origin: "sichuan")
        #expect(try verifier.verify(checkpoint, keys: keys, now: origin.now) == .current)
        #expect(try verifier.verify(checkpoint, keys: keys, now: origin.now.addingTimeInterval(8 * 86_400)) == .expired)
        #expect(try Checkpoint(bytes: checkpoint.bytes) == checkpoint, "bytes round trip")

        var object = checkpoint.object
        object["size"] = 6
        let tampered = try Checkpoint(.object(object))
        #expect(throws: FeedError.badSignature) { try verifier.verify(tampered, keys: keys, now: origin.now) }
        #expect(throws: FeedError.self) { try verifier.verify(checkpoint, keys: keys, now: origin.now.addingTimeInterval(-3600)) }
    }

    @Test func aSignatureOfOneTypeNeverPassesForAnother() throws {
        let origin = try TestOrigin()
        let statement = try origin.authorize(origin.checkpointKey)
        var object = statement.object
        object["type"] = .string(Checkpoint.type)
        #expect(throws: FeedError.self) { try Checkpoint(.object(object)) }
        #expect(throws: FeedError.wrongType) { try Checkpoint(bytes: statement.bytes) }
        #expect(throws: FeedError.wrongType) { try KeyStatement(bytes: try Checkpoint.sign(origin: "sichuan", size: 1, root: Array(repeating: 0, count: 32), issuedAt: origin.now, key: origin.checkpointKey).bytes) }
    }

    @Test func keyStandingFollowsAuthorizeRetireRevoke() throws {
        let origin = try TestOrigin()
        let second = try Ed25519PrivateKey(seed: Array(repeating: 3, count: 32))
        let first = origin.checkpointKey.publicKey.keyID
        var keys = try origin.keys([origin.authorize(origin.checkpointKey)])
        #expect(keys.standing(keyID: first, size: 1) == .valid(origin.checkpointKey.publicKey))
        #expect(keys.standing(keyID: second.publicKey.keyID, size: 1) == .unknown)
        try keys.add(origin.authorize(second, from: 10))
        try keys.add(KeyStatement.sign(origin: "sichuan", action: .retire, key: origin.checkpointKey.publicKey, fromSize: 10, issuedAt: origin.now, rootKey: origin.root))
        #expect(keys.standing(keyID: first, size: 9) == .valid(origin.checkpointKey.publicKey))
        #expect(keys.standing(keyID: first, size: 10) == .retired(fromSize: 10))
        #expect(keys.standing(keyID: second.publicKey.keyID, size: 9) == .notYetAuthorized(fromSize: 10))
        #expect(keys.standing(keyID: second.publicKey.keyID, size: 10) == .valid(second.publicKey))
        try keys.add(KeyStatement.sign(origin: "sichuan", action: .revoke, key: second.publicKey, fromSize: 12, issuedAt: origin.now, rootKey: origin.root))
        #expect(keys.standing(keyID: second.publicKey.keyID, size: 11) == .valid(second.publicKey))
        #expect(keys.standing(keyID: second.publicKey.keyID, size: 12) == .revoked(fromSize: 12))

        let checkpoint = try Checkpoint.sign(origin: "sichuan", size: 12, root: Array(repeating: 1, count: 32), issuedAt: origin.now, key: second)
        #expect(throws: FeedError.keyNotValid) { try FeedVerifier(origin: "sichuan").verify(checkpoint, keys: keys, now: origin.now) }
    }

    @Test func statementsNotSignedByThePinnedRootAreRefused() throws {
        let origin = try TestOrigin()
        let impostor = try Ed25519PrivateKey(seed: Array(repeating: 9, count: 32))
        let forged = try KeyStatement.sign(origin: "sichuan", action: .authorize, key: impostor.publicKey, fromSize: 1, issuedAt: origin.now, rootKey: impostor)
        var keys = KeyState(origin: "sichuan", rootKey: origin.root.publicKey)
        #expect(throws: FeedError.keyNotValid) { try keys.add(forged) }
        var object = try origin.authorize(impostor).object
        object["from_size"] = 2
        #expect(throws: FeedError.badSignature) { try keys.add(KeyStatement(.object(object))) }
        let beijing = try KeyStatement.sign(origin: "beijing", action: .authorize, key: impostor.publicKey, fromSize: 1, issuedAt: origin.now, rootKey: origin.root)
        #expect(throws: FeedError.self) { try keys.add(beijing) }
    }
}

@Suite struct PageVerificationTests {
    let verifier = FeedVerifier(origin: "sichuan")

    @Test func pagesAndBodiesVerifyAndEveryTamperIsLocated() throws {
        let origin = try TestOrigin()
        let log = try origin.log(count: 300)
        let page = TestOrigin.file(log.entries.prefix(256).map(\.line))
        let entries = try verifier.entries(page: 0, bytes: page, count: 256)
        #expect(entries.count == 256)
        #expect(FeedVerifier.root(of: entries) == Merkle.root(leafHashes: log.entries.prefix(256).map(\.leafHash)[...]))
        let bodies = TestOrigin.file(Array(log.bodies.prefix(256)))
        #expect(try verifier.bodies(bodies, entries: entries).bodies.count == 256)

        var flipped = page
        let needle = Array("sichuan:r1\"".utf8)
        let offset = try #require((0..<page.count - needle.count).first { Array(page[$0..<$0 + needle.count]) == needle }) + 8
        flipped[offset] ^= 1
        // A flipped letter inside a string keeps the line canonical: only the page root catches it.
        #expect(FeedVerifier.root(of: try verifier.entries(page: 0, bytes: flipped, count: 256)) != FeedVerifier.root(of: entries))

        var badBody = bodies
        badBody[bodies.count - 3] ^= 1
        #expect {
            try verifier.bodies(badBody, entries: entries)
        } throws: { error in
            (error as? FeedError)?.description == "line 256 (seq 255): SHA-256 of the body does not match the entry's body_hash"
        }

        let partial = TestOrigin.file(log.entries.suffix(44).map(\.line))
        #expect(try verifier.entries(page: 1, bytes: partial, count: 44).first?.seq == 256)
        #expect {
            try verifier.entries(page: 0, bytes: partial, count: 44)
        } throws: { error in
            (error as? FeedError)?.description == "line 1 (seq 0): entry has seq 256, expected 0"
        }
        #expect(throws: FeedError.self) { try verifier.entries(page: 1, bytes: partial, count: 45) }
        #expect(throws: FeedError.self) { try verifier.entries(page: 1, bytes: Array(partial.dropLast()), count: 44) }
    }

    @Test func redactionMarkersNeedAMatchingRedactEntry() throws {
        let put = try LogEntry(seq: 3, op: .put, id: "sichuan:a", version: 1, time: "2027-01-15T08:00:00Z", bodyHash: SHA256.hash(Array("{}".utf8)))
        let marker = RedactionMarker.bytes(redactedBy: 9)
        #expect(String(decoding: marker, as: UTF8.self) == #"{"redacted_by":9,"type":"kechuang.redacted/1"}"#)
        let checked = try verifier.bodies(marker + [0x0A], entries: [put])
        #expect(checked.bodies == [.redacted(by: 9)])
        let claim = try #require(checked.claims.first)
        #expect(throws: Never.self) { try verifier.resolve(claim, redactedID: "sichuan:a") }
        #expect(throws: FeedError.redaction) { try verifier.resolve(claim, redactedID: "sichuan:b") }
        #expect(throws: FeedError.redaction) { try verifier.resolve(claim, redactedID: nil) }
        // A marker that points backwards, or stands for a key statement, is refused at once.
        #expect(throws: FeedError.redaction) { try verifier.bodies(RedactionMarker.bytes(redactedBy: 2) + [0x0A], entries: [put]) }
        let key = try LogEntry(seq: 3, op: .key, id: "sichuan:~keys", version: 1, time: "2027-01-15T08:00:00Z", bodyHash: SHA256.hash(Array("{}".utf8)))
        #expect(throws: FeedError.bodyMismatch) { try verifier.bodies(marker + [0x0A], entries: [key]) }
    }

    @Test func pageRootsMustHaveTheShapeOfTheirTree() throws {
        let roots = PageRoots(origin: "sichuan", size: 300, pageRoots: [Array(repeating: 1, count: 32)], tailRoot: Array(repeating: 2, count: 32))
        #expect(try PageRoots(bytes: roots.bytes) == roots)
        let wrong = PageRoots(origin: "sichuan", size: 512, pageRoots: [Array(repeating: 1, count: 32)], tailRoot: nil)
        #expect(throws: FeedError.self) { try PageRoots(bytes: wrong.bytes) }
    }

    @Test func feedPathsParseTheirOwnOutput() {
        #expect(FeedPath.resource(FeedPath.page("sichuan", 3, width: 256)) == .page(origin: "sichuan", page: 3, width: 256))
        #expect(FeedPath.resource(FeedPath.bodies("sichuan", 3, width: 40)) == .bodies(origin: "sichuan", page: 3, width: 40))
        #expect(FeedPath.resource(FeedPath.pageRoots("chongqing", size: 4690)) == .pageRoots(origin: "chongqing", size: 4690))
        #expect(FeedPath.resource("/feeds/sichuan/pages/03.jsonl") == nil)
        #expect(FeedPath.resource("/feeds/sichuan/pages/3.p256.jsonl") == nil)
        #expect(FeedPath.resource("/feeds/sichuan/pages/3.p0.jsonl") == nil)
        #expect(FeedPath.resource("/feeds/Sichuan/checkpoint.json") == nil)
        #expect(FeedPath.resource("/feeds/sichuan/../keys.json") == nil)
        #expect(FeedPath.resource("/.well-known/kechuang/node.json") == .manifest)
    }
}
