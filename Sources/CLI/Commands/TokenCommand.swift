import API
import Catalog
import Foundation
import JSON
import Signing
import Store

/// `kechuang token rotate`: replaces the admin API's bearer token.
enum TokenRotateCommand: Command {
    static let spec = CommandSpec(
        name: "token rotate",
        summary: "Replace the admin API's bearer token (DIR/admin.token, mode 0600).",
        usage: "",
        discussion: """
            The old token stops working at once, also for a running `kechuang serve`, which re-reads
            the file when it changes. The token is never printed or logged; read it from the file:
              curl -H "Authorization: Bearer $(cat DIR/admin.token)" …
            """)

    static func run(_ context: Context) async throws {
        guard FileManager.default.fileExists(atPath: context.data.database) else {
            throw CLIError.failure("no kechuang node at \(context.data.path) (create one with `kechuang init`)")
        }
        try AdminToken.generate(at: context.data.adminToken)
        context.out.line("Wrote a new admin token to \(context.data.adminToken)")
    }
}


/// The node's data directory, or exit 1 when there is no node.
private func requireNode(_ context: Context) throws {
    guard FileManager.default.fileExists(atPath: context.data.database) else {
        throw CLIError.failure("no kechuang node at \(context.data.path) (create one with `kechuang init`)")
    }
}

/// `kechuang token add NAME`: a member of staff's own admin token.
enum TokenAddCommand: Command {
    static let spec = CommandSpec(
        name: "token add",
        summary: "Give a member of staff an admin token of their own; print it once.",
        usage: "NAME [--out FILE]",
        discussion: """
            Makes a random token for NAME (1–64 bytes without spaces; not admin) and prints it once:
            only its SHA-256 is kept, in DIR/staff.tokens (mode 0600), so it cannot be shown again.
            With --out FILE the token is written to FILE (mode 0600) instead of printed. It works at
            once, also for a running `kechuang serve`. Every admin write records the name of the
            token that authorised it (`kechuang audit`), never the token. One live token per name:
            revoke the old one first.
            """,
        positionals: [("NAME", "Whose token it is, such as zhang.wei.")],
        options: [OptionSpec(name: "--out", value: "FILE", help: "Write the token to FILE (mode 0600) instead of printing it.")],
        minPositionals: 1, maxPositionals: 1)

    static func run(_ context: Context) async throws {
        try requireNode(context)
        let name = context.arguments.positionals[0]
        let token: String
        do {
            token = try AdminToken.addStaff(name, to: context.data.staffTokens, now: DateText.timestamp(context.now))
        } catch let error as StaffTokenError {
            throw CLIError.usage("token add: \(error.description)")
        }
        if let out = context.arguments.value("--out") {
            do {
                try AtomicFile.write(Array((token + "\n").utf8), to: out, mode: 0o600, replacing: false)
            } catch {
                // The token exists only here: take it back rather than leave one nobody holds.
                try AdminToken.revokeStaff(name, in: context.data.staffTokens, now: DateText.timestamp(context.now))
                throw CLIError.failure("token add: \(out): \(error); the token was revoked again")
            }
            context.out.line("Wrote \(name)'s admin token to \(out)")
        } else {
            context.out.line(token)
            context.err.line("kechuang: this is \(name)'s admin token; it is shown once and not kept (only its SHA-256 is)")
        }
    }
}

/// `kechuang token list [--json]`.
enum TokenListCommand: Command {
    static let spec = CommandSpec(
        name: "token list",
        summary: "List the admin tokens' names (admin and staff), made and revoked when.",
        usage: "[--json]",
        discussion: "Never shows a token. --json prints {\"tokens\": [{\"name\", \"created_at\", \"revoked_at\"}]}.",
        options: [OptionSpec.flag("--json", "Print JSON.")])

    static func run(_ context: Context) async throws {
        try requireNode(context)
        let staff: [AdminToken.StaffToken]
        do {
            staff = try AdminToken.readStaff(context.data.staffTokens)
        } catch {
            throw CLIError.failure("token list: \(context.data.staffTokens): \(error) (no staff token works until it reads)")
        }
        if context.arguments.flag("--json") {
            let tokens: [JSONValue] = [["name": "admin", "created_at": .null, "revoked_at": .null]]
                + staff.map { ["name": .string($0.name), "created_at": .string($0.createdAt), "revoked_at": $0.revokedAt.map(JSONValue.string) ?? .null] }
            context.out.json(["tokens": .array(tokens)])
            return
        }
        context.out.line("admin  (DIR/admin.token; kechuang token rotate)")
        for token in staff {
            context.out.line("\(token.name)  made \(token.createdAt)\(token.revokedAt.map { "  revoked \($0)" } ?? "")")
        }
    }
}

/// `kechuang token revoke NAME`.
enum TokenRevokeCommand: Command {
    static let spec = CommandSpec(
        name: "token revoke",
        summary: "Revoke a member of staff's admin token, at once.",
        usage: "NAME",
        discussion: "The token stops working at once, also for a running serve; its name stays in the list and the audit trail.",
        positionals: [("NAME", "Whose token.")],
        minPositionals: 1, maxPositionals: 1)

    static func run(_ context: Context) async throws {
        try requireNode(context)
        let name = context.arguments.positionals[0]
        do {
            try AdminToken.revokeStaff(name, in: context.data.staffTokens, now: DateText.timestamp(context.now))
        } catch let error as StaffTokenError {
            throw CLIError.usage("token revoke: \(error.description)")
        }
        context.out.line("Revoked \(name)'s admin token")
    }
}

/// `kechuang audit [--since T] [--json]`: the admin API's writes.
enum AuditCommand: Command {
    static let spec = CommandSpec(
        name: "audit",
        summary: "Who changed what through the admin API, and when.",
        usage: "[--since TIME] [--json]",
        discussion: """
            Every admin write (PUT and DELETE /v1/projects/ID, POST /v1/projects/import, PUT
            /v1/deals/ID, PUT /v1/roadshows/ID) is recorded with the name of the token that
            authorised it (admin, or a member of staff's: `kechuang token add`), the time (UTC)
            and what changed. --since TIME (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ) shows the writes
            from then on. --json prints {"entries": [{"seq", "time", "token", "action", "target",
            "detail"}]}. Writes made with the CLI on the node itself are not in it (the operator's
            shell history and the signed log have them).
            """,
        options: [OptionSpec(name: "--since", value: "TIME", help: "From this time (UTC) on."), OptionSpec.flag("--json", "Print JSON.")])

    static func run(_ context: Context) async throws {
        try requireNode(context)
        let since = context.arguments.value("--since")
        if let since, !DateText.isValidDate(since), !DateText.isValidTimestamp(since) {
            throw CLIError.usage("audit: --since \(since): YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ")
        }
        let entries = try CatalogReader(path: context.data.database).audit(since: since)
        if context.arguments.flag("--json") {
            context.out.json([
                "entries": .array(entries.map {
                    ["seq": .number(Double($0.seq)), "time": .string($0.time), "token": .string($0.token), "action": .string($0.action),
                     "target": .string($0.target), "detail": .string($0.detail)]
                })
            ])
            return
        }
        for entry in entries { context.out.line("\(entry.time)  \(entry.token)  \(entry.action) \(entry.target): \(entry.detail)") }
        context.out.line("\(entries.count) write\(entries.count == 1 ? "" : "s")")
    }
}
