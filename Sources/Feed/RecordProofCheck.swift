public import Foundation
import Signing

/// One record's proof as `GET /v1/search?proofs=true` serves it (protocols/federation.md §3): its
/// `put` entry line and body line as the origin published them, and the inclusion path of that
/// entry under the checkpoint served for its origin.
public struct RecordProof: Sendable, Hashable {
    public let seq: Int
    public let line: [UInt8]
    public let body: [UInt8]
    public let inclusion: [[UInt8]]

    public init(seq: Int, line: [UInt8], body: [UInt8], inclusion: [[UInt8]]) {
        self.seq = seq
        self.line = line
        self.body = body
        self.inclusion = inclusion
    }
}

/// Checks a record a peer served in a federated query against the record's origin, whose root key
/// this node pins, and against this node's own copy of that origin's log (protocols/federation.md §4).
///
/// Pure, like ``FeedVerifier`` and built from its parts (``FeedVerifier/verify(_:keys:now:)``,
/// ``KeyState``, ``Merkle/verifyInclusion(leafHash:index:size:proof:root:)``,
/// ``Merkle/verifyConsistency(from:to:proof:oldRoot:newRoot:)``, the body check of feed.md §3): it
/// takes what the peer served and what this node holds, and returns a verdict; it stores nothing.
///
/// What it does not check: that the record is the newest state of its id (a later entry may exist
/// beyond the checkpoint served), that the peer left nothing out, or the peer's clustering and
/// ranking; nor that the decoded body is a valid record (the caller decodes it).
public struct RecordProofCheck: Sendable {
    /// What a peer's record is worth.
    public enum Verdict: Sendable, Equatable {
        /// Every check passed: `body` is the origin's, and the fields shown come from it.
        case verified(body: [UInt8])
        /// The proof holds under an older checkpoint than this node's, and this node's copy does
        /// not hold the same entry line at that seq: shown as `"verified": false, "stale": true`.
        case stale
        /// Nothing proves the record wrong, but it cannot be checked (a larger checkpoint without a
        /// consistency proof, a redacted body): shown as `"verified": false`.
        case unverifiable(String)
        /// The proof fails: the record is dropped and the peer reported. `fork` is a checkpoint,
        /// correctly signed by the origin, of the size this node holds with another root: the
        /// evidence to record as sync does.
        case forged(String, fork: Checkpoint?)
    }

    public let origin: String
    /// The origin's key state: its pinned root key with the statements this node holds.
    public let keys: KeyState
    /// The checkpoint this node holds for the origin (nil when it holds none yet).
    public let held: Checkpoint?

    public init(origin: String, keys: KeyState, held: Checkpoint?) {
        self.origin = origin
        self.keys = keys
        self.held = held
    }

    /// Step 1 alone: nil when `checkpoint` is signed by a key that the root key authorises for its size,
    /// per the statements held here and `statements` (each of which must verify under the root key);
    /// otherwise the ``Verdict/forged(_:fork:)`` verdict. An expired checkpoint passes: it still proves what
    /// it covered (stale is a state, not an attack).
    public func checkCheckpoint(_ checkpoint: Checkpoint, statements: [KeyStatement], now: Date) -> Verdict? {
        var keys = keys
        for statement in statements {
            do {
                try keys.add(statement)
            } catch {
                return .forged("key statement of \(origin): \(error)", fork: nil)
            }
        }
        do {
            _ = try FeedVerifier(origin: origin).verify(checkpoint, keys: keys, now: now)
        } catch {
            return .forged("checkpoint of \(origin): \(error)", fork: nil)
        }
        return nil
    }

    /// The verdict on `proof` of record `id` (at `version`, when the peer named one), served under
    /// `checkpoint` with `statements`, and `consistency` from the held size when the checkpoint is larger.
    ///
    /// - Parameter heldLine: The entry line this node holds at a seq of the origin's log, or nil.
    ///   `checkpointChecked` says that ``checkCheckpoint(_:statements:now:)`` already passed for this
    ///   checkpoint and these statements (the results of one answer share them).
    public func check(
        id: String, version: Int?, proof: RecordProof, checkpoint: Checkpoint, statements: [KeyStatement],
        consistency: [[UInt8]]?, now: Date, checkpointChecked: Bool = false, heldLine: (Int) throws -> [UInt8]?
    ) rethrows -> Verdict {
        // 1. The checkpoint.
        if !checkpointChecked, let failure = checkCheckpoint(checkpoint, statements: statements, now: now) {
            return failure
        }
        // 2. The entry: a canonical `put` of this id (and version) below the checkpoint's size.
        let entry: LogEntry
        do {
            entry = try LogEntry(line: proof.line[...])
        } catch {
            return .forged("entry line of \(id): \(error)", fork: nil)
        }
        guard entry.seq == proof.seq, entry.op == .put, entry.id == id, version == nil || entry.version == version,
            entry.seq < checkpoint.size
        else {
            return .forged("entry line of \(id) is not its put at seq \(proof.seq) below size \(checkpoint.size)", fork: nil)
        }
        // 3. The inclusion path leads from the entry's leaf to the checkpoint's root.
        guard Merkle.verifyInclusion(leafHash: entry.leafHash, index: entry.seq, size: checkpoint.size, proof: proof.inclusion, root: checkpoint.root) else {
            return .forged("inclusion proof of \(id) (seq \(entry.seq)) does not lead to the root of \(origin)'s checkpoint of size \(checkpoint.size)", fork: nil)
        }
        // 4. The body's hash is the entry's body_hash (or it is a redaction marker: nothing to show).
        let body: [UInt8]
        do {
            switch try FeedVerifier(origin: origin).body(proof.body[...], of: entry, location: "body of \(id)").body {
            case .body(let bytes): body = bytes
            case .redacted, .none: return .unverifiable("the body of \(id) was redacted")
            }
        } catch {
            return .forged("body of \(id): \(error)", fork: nil)
        }
        // 5. The checkpoint against the tree this node holds.
        guard let held, held.size > 0 else { return .verified(body: body) }
        if checkpoint.size == held.size {
            guard checkpoint.root == held.root else {
                return .forged("fork: \(origin)'s checkpoint of size \(checkpoint.size) has another root than the one held", fork: checkpoint)
            }
        } else if checkpoint.size > held.size {
            guard let consistency else {
                return .unverifiable("no consistency proof from \(origin)'s held size \(held.size) to \(checkpoint.size)")
            }
            // A proof that fails is no fork evidence: the peer may have sent a wrong proof for
            // a consistent checkpoint (sync decides forks from the entries themselves).
            guard Merkle.verifyConsistency(from: held.size, to: checkpoint.size, proof: consistency, oldRoot: held.root, newRoot: checkpoint.root) else {
                return .forged("the consistency proof of \(origin) from the held size \(held.size) to \(checkpoint.size) does not verify", fork: nil)
            }
        } else {
            // A lagging peer: fine when this node's own copy holds the same entry at that seq.
            guard try heldLine(entry.seq) == proof.line else { return .stale }
        }
        return .verified(body: body)
    }
}
