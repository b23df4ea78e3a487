import API
import Foundation

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

