import Catalog
import Feed
import Foundation
import JSON
import Signing
import Store

/// The provenance line of a project page's members: each member's entry checked, as a client
/// holding only the origins' root keys checks `GET /v1/clusters/{id}` (protocols/clusters.md),
/// against the root key this node pins for the origin (its own, for its own records).
enum Provenance {
    struct Member {
        let id: String
        let origin: String
        let version: Int
        let stage: String
        let verified: Bool
        let checkpointSize: Int
        /// Why it is not verified.
        let why: String?
    }

    /// The members of a cluster read (`ClusterRead.json`), each with its verdict.
    static func check(_ read: JSONValue, reader: CatalogReader, ownRootKey: Ed25519PublicKey?, now: Date) throws -> [Member] {
        let pinned = Dictionary(try reader.pinnedOrigins().map { ($0.origin, $0.rootKey) }, uniquingKeysWith: { first, _ in first })
        let origins = read["origins"]?.objectValue ?? [:]
        var members: [Member] = []
        for member in read["members"]?.arrayValue ?? [] {
            let id = member["id"]?.stringValue ?? ""
            let origin = id.prefix { $0 != ":" }.description
            let version = member["version"]?.intValue ?? 0
            let size = origins[origin]?["checkpoint"]?["size"]?.intValue ?? 0
            func result(_ verified: Bool, _ why: String?) -> Member {
                Member(id: id, origin: origin, version: version, stage: member["stage"]?.stringValue ?? "", verified: verified, checkpointSize: size, why: why)
            }
            guard let rootKey = origin == reader.node.id ? ownRootKey : pinned[origin] else {
                members.append(result(false, "本节点未固定 \(origin) 的根密钥（not pinned）"))
                continue
            }
            let why = try verify(member, origin: origins[origin], rootKey: rootKey, reader: reader, now: now)
            members.append(result(why == nil, why))
        }
        return members
    }

    /// Nil when the member's entry verifies; otherwise why not.
    private static func verify(_ member: JSONValue, origin: JSONValue?, rootKey: Ed25519PublicKey, reader: CatalogReader, now: Date) throws -> String? {
        guard let id = member["id"]?.stringValue, let recordID = RecordID(id), let entry = member["entry"], let origin,
            let seq = entry["seq"]?.intValue, let line = entry["line"]?.stringValue, let body = entry["body"]?.stringValue,
            let inclusion = ResultChecker.hashes(entry["inclusion"])
        else { return "没有证明（no proof）" }
        let checkpoint: Checkpoint
        let statements: [KeyStatement]
        do {
            checkpoint = try Checkpoint(origin["checkpoint"] ?? .null)
            statements = try (origin["key_statements"]?.arrayValue ?? []).map { try KeyStatement($0) }
        } catch {
            return "证明格式错误：\(error)"
        }
        var keys = KeyState(origin: recordID.origin, rootKey: rootKey)
        for statement in try reader.heldKeyStatements(origin: recordID.origin) {
            // Held statements were verified when synced or signed; one that no longer verifies under
            // this root key authorises nothing, which is the verdict wanted.
            do { try keys.add(statement) } catch { continue }
        }
        let check = RecordProofCheck(origin: recordID.origin, keys: keys, held: try reader.heldCheckpoint(origin: recordID.origin))
        let verdict = try check.check(
            id: id, version: member["version"]?.intValue, proof: RecordProof(seq: seq, line: Array(line.utf8), body: Array(body.utf8), inclusion: inclusion),
            checkpoint: checkpoint, statements: statements, consistency: nil, now: now,
            heldLine: { try reader.entryLine(origin: recordID.origin, seq: $0) })
        switch verdict {
        case .verified: return nil
        case .stale: return "证明基于较旧的检查点（stale）"
        case .unverifiable(let why): return why
        case .forged(let why, _): return "证明不成立：\(why)"
        }
    }
}
