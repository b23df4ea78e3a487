import Catalog
import Feed
import Foundation
import JSON
import Signing

/// `kechuang verify SOURCE --root-key KEY`: checks a feed end to end, from a URL or a directory.
enum VerifyCommand: Command {
    static let spec = CommandSpec(
        name: "verify",
        summary: "Check a feed end to end against a pinned root key (a URL or an export directory).",
        usage: "SOURCE --root-key KEY [--origin ORIGIN] [--at TIME] [--json]",
        discussion: """
            SOURCE is a node's base URL (http://127.0.0.1:8601) or a directory written by
            `kechuang export`. Checks the manifest, the key statements (signed by KEY), the
            checkpoint's signature, /feeds/checkpoints.json as a syncing peer reads it (the
            origin's statements and checkpoint in it must verify, and be of the same tree as
            checkpoint.json), every page against the signed Merkle root and every body against
            its entry (or a valid redaction marker), and the checkpoint's expiry last. In a
            directory it also checks every file in the origin's bodies/ directory, superseded
            partial body files and .gz copies included, and fails when one still holds a body
            that a later redact entry erased (a static server would publish it). Needs no node
            or data directory. On the first problem it says exactly what failed and where (file,
            line, seq). --at judges expiry at another time (RFC 3339 UTC, e.g.
            2027-01-01T00:00:00Z).

            Exit codes:
              0  the feed is valid and current
              1  the feed is invalid, or SOURCE is unreachable
              2  bad usage (a missing or malformed argument, a SOURCE that does not exist)
              3  the feed is valid but its checkpoint has expired at --at (or now): the origin is stale
            """,
        positionals: [("SOURCE", "http(s)://host:port or an export directory.")],
        options: [
            OptionSpec(name: "--root-key", value: "KEY", help: "The origin's root key: ed25519:<base64 of 32 bytes>."),
            OptionSpec(name: "--origin", value: "ORIGIN", help: "The origin to check (default: the node named by the manifest)."),
            OptionSpec(name: "--at", value: "TIME", help: "Judge expiry at TIME instead of now."),
            .flag("--json", "Print the report as JSON."),
        ],
        minPositionals: 1, maxPositionals: 1)

    static func run(_ context: Context) async throws {
        let arguments = context.arguments
        let keyText = try arguments.required("--root-key", spec)
        let rootKey: Ed25519PublicKey
        do {
            rootKey = try Ed25519PublicKey(text: keyText)
        } catch {
            throw CLIError.usage("verify: --root-key \(keyText): expected ed25519:<base64 of the 32 raw bytes>")
        }
        var now = context.now
        if let at = arguments.value("--at") {
            guard let date = DateText.parseTimestamp(at) else { throw CLIError.usage("verify: --at \(at): expected YYYY-MM-DDTHH:MM:SSZ") }
            now = date
        }
        let source = arguments.positionals[0]
        let report: AuditReport
        var bodyFiles: BodyFileReport?
        do {
            if source.hasPrefix("http://") || source.hasPrefix("https://") {
                report = try FeedAuditor(source: HTTPFeedSource(base: source), rootKey: rootKey, now: now).audit(origin: arguments.value("--origin"))
            } else {
                guard FileManager.default.fileExists(atPath: source) else { throw CLIError.usage("verify: \(source): no such directory or URL") }
                let directory = DirectoryFeedSource(root: source)
                let auditor = FeedAuditor(source: directory, rootKey: rootKey, now: now)
                // Expiry is judged after the other body files: an erased body in one makes the
                // directory invalid (exit 1), not merely stale (exit 3).
                report = try auditor.audit(origin: arguments.value("--origin"), deferringExpiry: true)
                // A directory may hold more than the current tree (superseded body files): all are checked.
                bodyFiles = try directory.auditBodyFiles(auditor, report: report)
                if let expiry = report.expiry { throw expiry }
            }
        } catch let error as FeedError where error == .expired {
            throw CLIError.expired("verify: valid but expired: \(error.description)")
        } catch let error as FeedError {
            throw CLIError.failure("verify failed: \(error.description)")
        }
        let checkpoint = report.checkpoint
        if arguments.flag("--json") {
            var object: [String: JSONValue] = [
                "ok": true, "origin": .string(report.origin), "size": .number(Double(checkpoint?.size ?? 0)),
                "root": .string(checkpoint.map { Hex.encode($0.root) } ?? ""), "key_id": .string(checkpoint?.keyID ?? ""),
                "expires_at": .string(checkpoint?.expiresAt ?? ""), "pages": .number(Double(report.pages)),
                "entries": .number(Double(report.entries)), "redacted_bodies": .number(Double(report.redactedBodies)),
                "key_statements": .number(Double(report.keyStatements)), "ignored": .array(report.ignored.map { .string($0) }),
            ]
            if let bodyFiles { object.merge(Self.json(bodyFiles)) { first, _ in first } }
            context.out.json(.object(object))
            return
        }
        let out = context.out
        out.line("OK \(report.origin): \(report.entries) entries in \(report.pages) pages verify against checkpoint \(checkpoint?.size ?? 0)")
        out.line("   root \(checkpoint.map { Hex.encode($0.root) } ?? "")")
        out.line("   signed by key \(checkpoint?.keyID ?? ""), valid until \(checkpoint?.expiresAt ?? "")")
        let operations = LogEntry.Operation.allCases.compactMap { op in report.operations[op].map { "\($0) \(op.rawValue)" } }
        out.line("   \(operations.joined(separator: ", ")); \(report.redactedBodies) redacted bodies; \(report.keyStatements) key statements")
        for note in report.ignored { out.line("   ignored: \(note)") }
        if let bodyFiles {
            out.line("   \(bodyFiles.checked) body files checked (superseded and .gz copies included); none holds an erased body")
            for path in bodyFiles.outside { out.line("   not in the signed tree (holds no erased body): \(path)") }
        }
    }

    /// The members a directory's body-file check adds to the JSON report.
    static func json(_ report: BodyFileReport) -> [String: JSONValue] {
        ["body_files": .number(Double(report.checked)), "outside_tree": .array(report.outside.map { .string($0) })]
    }
}

/// Reads a feed from an export directory.
struct DirectoryFeedSource: FeedSource {
    let root: String

    func fetch(_ path: String) throws -> [UInt8]? {
        guard !path.contains("..") else { return nil }
        return FileManager.default.contents(atPath: root + path).map { Array($0) }
    }
}
