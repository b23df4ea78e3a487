import Catalog
import Feed
import Foundation
import JSON
import Signing
import Store

/// Checks the results of one peer's answer (protocols/federation.md §4): a result about an origin
/// this node pins is shown verified, with the fields of the verified body, only when its proofs
/// hold; one whose proofs fail is dropped; one without proofs, or about an origin not pinned
/// here, is shown with `"verified": false`.
struct ResultChecker {
    struct Checked {
        var items: [FederatedMerge.Item] = []
        /// `id: why`, for each result dropped.
        var dropped: [String] = []
        var forks: [(trust: TrustedOrigin, held: Checkpoint, offered: Checkpoint)] = []
    }

    let pinned: [String: TrustedOrigin]
    let held: [String: Checkpoint]
    /// This node's own origin.
    let node: String
    let reader: CatalogReader
    let now: Date
    /// Each pinned origin's key state from the statements held here, built once per answer.
    private var keyStates: [String: KeyState] = [:]
    /// Each origin's checkpoint verdict in this answer (nil: it verified), checked once: the
    /// results of one answer share their origin's checkpoint and statements.
    private var checkpointVerdicts: [String: RecordProofCheck.Verdict?] = [:]

    init(pinned: [String: TrustedOrigin], held: [String: Checkpoint], node: String, reader: CatalogReader, now: Date) {
        self.pinned = pinned
        self.held = held
        self.node = node
        self.reader = reader
        self.now = now
    }

    /// Fields a peer's result may not set itself: this node's verdict and provenance, and its proofs.
    private static let reserved = ["entry", "score", "via", "verified", "stale"]

    mutating func check(_ answer: JSONValue, from peer: String) throws -> Checked {
        var checked = Checked()
        let origins = answer["origins"]?.objectValue ?? [:]
        for (index, result) in (answer["results"]?.arrayValue ?? []).prefix(FederatedSearch.maxPeerResults).enumerated() {
            guard var fields = result.objectValue, let text = fields["id"]?.stringValue, let id = RecordID(text) else {
                checked.dropped.append("result \(index + 1) has no record id")
                continue
            }
            let proofEntry = fields["entry"]
            for name in Self.reserved { fields[name] = nil }
            var members = (fields["members"]?.arrayValue ?? []).prefix(ClusterRead.maxMembers).compactMap { $0.stringValue.flatMap(RecordID.init)?.description }
            if members.isEmpty { members = [id.description] }
            let unverified = FederatedMerge.Item(fields: fields, members: members, verified: false)
            guard let trust = pinned[id.origin], id.origin != node, let proofEntry, let proofOrigin = origins[id.origin] else {
                // No proofs (a peer of an earlier version), or an origin this node does not pin.
                checked.items.append(unverified)
                continue
            }
            switch try verdict(id: id, version: result["version"]?.intValue, entry: proofEntry, origin: proofOrigin, trust: trust) {
            case .verified(let body):
                guard let shown = Self.fields(of: body, id: id, peerFields: fields) else {
                    checked.items.append(unverified)  // The origin's body, in a form this version cannot read.
                    continue
                }
                checked.items.append(FederatedMerge.Item(fields: shown, members: members, verified: true))
            case .stale:
                var item = unverified
                item.stale = true
                checked.items.append(item)
            case .unverifiable:
                checked.items.append(unverified)
            case .forged(let why, let fork):
                checked.dropped.append("\(id): \(why)")
                if let fork, let heldCheckpoint = held[id.origin] {
                    checked.forks.append((trust, heldCheckpoint, fork))
                }
            }
        }
        return checked
    }

    /// The verdict on one result's proofs; malformed proofs are forged ones.
    private mutating func verdict(id: RecordID, version: Int?, entry: JSONValue, origin: JSONValue, trust: TrustedOrigin) throws -> RecordProofCheck.Verdict {
        let proof: RecordProof
        let checkpoint: Checkpoint
        let statements: [KeyStatement]
        do {
            guard let seq = entry["seq"]?.intValue, let line = entry["line"]?.stringValue, let body = entry["body"]?.stringValue,
                let inclusion = Self.hashes(entry["inclusion"])
            else { return .forged("its proof lacks seq, line, body or a hex inclusion path", fork: nil) }
            proof = RecordProof(seq: seq, line: Array(line.utf8), body: Array(body.utf8), inclusion: inclusion)
            checkpoint = try Checkpoint(origin["checkpoint"] ?? .null)
            statements = try (origin["key_statements"]?.arrayValue ?? []).map { try KeyStatement($0) }
        } catch {
            return .forged("malformed proof: \(error)", fork: nil)
        }
        let heldCheckpoint = held[id.origin]
        var consistency: [[UInt8]]?
        if let heldCheckpoint, let given = origin["consistency"], given["from"]?.intValue == heldCheckpoint.size {
            guard let hashes = Self.hashes(given["proof"]) else {
                return .forged("malformed consistency proof of \(id.origin)", fork: nil)
            }
            consistency = hashes
        }
        let check = RecordProofCheck(origin: id.origin, keys: try keyState(trust), held: heldCheckpoint)
        if checkpointVerdicts[id.origin] == nil {
            checkpointVerdicts[id.origin] = .some(check.checkCheckpoint(checkpoint, statements: statements, now: now))
        }
        if let failure = checkpointVerdicts[id.origin] ?? nil { return failure }
        return try check.check(
            id: id.description, version: version, proof: proof, checkpoint: checkpoint, statements: statements,
            consistency: consistency, now: now, checkpointChecked: true,
            heldLine: { try reader.entryLine(origin: id.origin, seq: $0) })
    }

    /// The hex hashes of a proof, or nil when it is not an array of hex strings (their length is the
    /// proof check's to judge).
    static func hashes(_ value: JSONValue?) -> [[UInt8]]? {
        guard let array = value?.arrayValue, array.count <= 128 else { return nil }
        var hashes: [[UInt8]] = []
        for element in array {
            guard let text = element.stringValue, let bytes = Hex.decode(text) else { return nil }
            hashes.append(bytes)
        }
        return hashes
    }

    /// The pinned root key with the key statements this node holds of the origin (a revocation held
    /// here applies even when the peer leaves it out).
    private mutating func keyState(_ trust: TrustedOrigin) throws -> KeyState {
        if let state = keyStates[trust.origin] { return state }
        var state = KeyState(origin: trust.origin, rootKey: trust.rootKey)
        for statement in try reader.heldKeyStatements(origin: trust.origin) {
            // Held statements were verified under this root key when synced; one that does not
            // verify now (the origin was pinned anew to another key) authorises nothing, as it should.
            do { try state.add(statement) } catch { continue }
        }
        keyStates[trust.origin] = state
        return state
    }

    /// The fields shown for a verified result: from the origin's verified body, with the peer's
    /// `cluster` and `members` (its own computation, protocols/clusters.md) when it gave them.
    static func fields(of body: [UInt8], id: RecordID, peerFields: [String: JSONValue]) -> [String: JSONValue]? {
        // A body that does not decode, or names another record, is shown as unverified instead:
        // its hash matched, so it is the origin's, but nothing of it can be shown as checked.
        guard let value = try? JSONParser.parse(body), let project = try? ProjectDecoder(mode: .stored).decode(value),
            project.id == id
        else { return nil }
        var fields = CatalogJSON.result(SearchHit(project: project, score: 0)).objectValue ?? [:]
        fields["score"] = nil
        if let cluster = peerFields["cluster"], let members = peerFields["members"] {
            fields["cluster"] = cluster
            fields["members"] = members
        }
        return fields
    }
}
