import Feed
import Foundation
import Signing
import Testing

/// ``RecordProofCheck``: the verdict on a record a peer served in a federated query
/// (protocols/federation.md §4), over logs signed here, every branch with a case that must pass
/// and one that must fail.
@Suite struct RecordProofCheckTests {
    /// One origin's log of `count` puts, its keys, and checkpoints of any size.
    struct Log {
        let root: Ed25519PrivateKey
        let key: Ed25519PrivateKey
        let statement: KeyStatement
        var entries: [LogEntry] = []
        var bodies: [[UInt8]] = []
        let now = Date()

        init(count: Int, variant: String = "") throws {
            root = try Ed25519PrivateKey()
            key = try Ed25519PrivateKey()
            statement = try KeyStatement.sign(origin: "beijing", action: .authorize, key: key.publicKey, fromSize: 1, issuedAt: now, rootKey: root)
            try grow(to: count, variant: variant)
        }

        mutating func grow(to count: Int, variant: String = "") throws {
            while entries.count < count {
                let seq = entries.count
                let body = Array(#"{"id":"beijing:r\#(seq)","title":"\#(variant)\#(seq)"}"#.utf8)
                entries.append(try LogEntry(seq: seq, op: .put, id: "beijing:r\(seq)", version: 1, time: "2026-12-05T00:00:00Z", bodyHash: SHA256.hash(body)))
                bodies.append(body)
            }
        }

        var hasher: LeafHashes { LeafHashes(entries.map(\.leafHash)) }

        func checkpoint(_ size: Int, key signer: Ed25519PrivateKey? = nil) throws -> Checkpoint {
            let root = Merkle.root(leafHashes: entries.prefix(size).map(\.leafHash)[...])
            return try Checkpoint.sign(origin: "beijing", size: size, root: root, issuedAt: now, key: signer ?? key)
        }

        func proof(_ seq: Int, size: Int) throws -> RecordProof {
            let hashes = LeafHashes(entries.prefix(size).map(\.leafHash))
            return RecordProof(seq: seq, line: entries[seq].line, body: bodies[seq], inclusion: try Merkle.inclusionProof(index: seq, size: size, hasher: hashes))
        }

        func checker(held: Checkpoint?) -> RecordProofCheck {
            RecordProofCheck(origin: "beijing", keys: KeyState(origin: "beijing", rootKey: root.publicKey), held: held)
        }

        func check(
            _ seq: Int, size: Int, held: Checkpoint?, proof: RecordProof? = nil, version: Int? = 1, consistency: [[UInt8]]? = nil,
            statements: [KeyStatement]? = nil, checkpoint: Checkpoint? = nil, heldLines: [LogEntry]? = nil
        ) throws -> RecordProofCheck.Verdict {
            let lines = heldLines ?? entries
            return try checker(held: held).check(
                id: "beijing:r\(seq)", version: version, proof: proof ?? self.proof(seq, size: size),
                checkpoint: checkpoint ?? self.checkpoint(size), statements: statements ?? [statement], consistency: consistency,
                now: now, heldLine: { $0 < lines.count ? lines[$0].line : nil })
        }
    }

    static func isForged(_ verdict: RecordProofCheck.Verdict) -> Bool {
        if case .forged = verdict { return true }
        return false
    }

    @Test func aRecordUnderAValidCheckpointIsVerifiedWithItsBody() throws {
        let log = try Log(count: 5)
        #expect(try log.check(3, size: 5, held: nil) == .verified(body: log.bodies[3]))
        #expect(try log.check(3, size: 5, held: log.checkpoint(5)) == .verified(body: log.bodies[3]))
    }

    @Test func tamperedPartsAreForged() throws {
        let log = try Log(count: 5)
        let good = try log.proof(2, size: 5)
        // The body altered.
        var body = good.body
        body[body.count - 3] ^= 1
        #expect(Self.isForged(try log.check(2, size: 5, held: nil, proof: RecordProof(seq: 2, line: good.line, body: body, inclusion: good.inclusion))))
        // The inclusion path altered.
        var path = good.inclusion
        path[0][0] ^= 1
        #expect(Self.isForged(try log.check(2, size: 5, held: nil, proof: RecordProof(seq: 2, line: good.line, body: good.body, inclusion: path))))
        // Another version than the result claims.
        #expect(Self.isForged(try log.check(2, size: 5, held: nil, version: 2)))
        // Another record's proof.
        #expect(Self.isForged(try log.check(2, size: 5, held: nil, proof: try log.proof(1, size: 5))))
        // A checkpoint signed by a key the root key never authorised.
        #expect(Self.isForged(try log.check(2, size: 5, held: nil, checkpoint: try log.checkpoint(5, key: try Ed25519PrivateKey()))))
        // A statement signed by another root key.
        let other = try KeyStatement.sign(origin: "beijing", action: .authorize, key: log.key.publicKey, fromSize: 1, issuedAt: log.now, rootKey: try Ed25519PrivateKey())
        #expect(Self.isForged(try log.check(2, size: 5, held: nil, statements: [other])))
        // No statement at all authorises the key.
        #expect(Self.isForged(try log.check(2, size: 5, held: nil, statements: [])))
    }

    @Test func aCheckpointOfTheHeldSizeWithAnotherRootIsAFork() throws {
        let log = try Log(count: 5)
        var split = log
        split.entries.removeLast(2)
        split.bodies.removeLast(2)
        try split.grow(to: 5, variant: "split")
        let offered = try split.checkpoint(5)
        let verdict = try split.check(1, size: 5, held: try log.checkpoint(5))
        #expect(verdict == .forged("fork: beijing's checkpoint of size 5 has another root than the one held", fork: offered))
    }

    @Test func aLargerCheckpointNeedsAValidConsistencyProof() throws {
        var log = try Log(count: 4)
        let held = try log.checkpoint(4)
        try log.grow(to: 9)
        let consistency = try Merkle.consistencyProof(from: 4, to: 9, hasher: log.hasher)
        #expect(try log.check(6, size: 9, held: held, consistency: consistency) == .verified(body: log.bodies[6]))
        guard case .unverifiable = try log.check(6, size: 9, held: held) else {
            Issue.record("a larger checkpoint without a consistency proof must be unverifiable")
            return
        }
        var wrong = consistency
        wrong[0][5] ^= 1
        let verdict = try log.check(6, size: 9, held: held, consistency: wrong)
        guard case .forged(_, let fork) = verdict else {
            Issue.record("a consistency proof that fails must drop the record: \(verdict)")
            return
        }
        #expect(fork == nil, "a wrong proof is not fork evidence")
    }

    @Test func aLaggingPeerIsVerifiedOnlyWhenTheHeldCopyHasTheSameLine() throws {
        let log = try Log(count: 8)
        let held = try log.checkpoint(8)
        #expect(try log.check(2, size: 4, held: held) == .verified(body: log.bodies[2]))
        var other = log
        other.entries.removeAll()
        other.bodies.removeAll()
        try other.grow(to: 8, variant: "other")
        #expect(try log.check(2, size: 4, held: held, heldLines: other.entries) == .stale)
        #expect(try log.check(2, size: 4, held: held, heldLines: []) == .stale)
    }
}
