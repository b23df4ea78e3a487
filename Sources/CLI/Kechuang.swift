import Catalog
import Foundation
import JSON
import Query
import Signing
import Store

/// The `kechuang` command line: parses the subcommand, runs it, and maps errors to exit codes
/// (0 ok, 1 runtime error, 2 bad usage or bad input, 3 valid but expired for `verify`) in one place.
public enum Kechuang {
    /// The commands, in the order of the data flow, as `kechuang --help` lists them.
    static var commands: [any Command.Type] {
        [
            InitCommand.self, KeysShowCommand.self, KeysRotateCommand.self, KeysRevokeCommand.self,
            TokenRotateCommand.self, TokenAddCommand.self, TokenListCommand.self, TokenRevokeCommand.self, AuditCommand.self, ImportCommand.self, GenerateCommand.self, ListCommand.self, ShowCommand.self,
            SearchCommand.self, MatchCommand.self, DealCreateCommand.self, DealAdvanceCommand.self, DealCloseCommand.self,
            DealShowCommand.self, DealListCommand.self, FunnelCommand.self, RoadshowPlanCommand.self, RoadshowPublishCommand.self,
            RoadshowWithdrawCommand.self, RoadshowShowCommand.self, RoadshowListCommand.self, DeleteCommand.self, RedactCommand.self, DumpCommand.self, StatsCommand.self,
            PeerAddCommand.self, PeerListCommand.self, PeerStatusCommand.self, PeerRemoveCommand.self, TrustCommand.self,
            TrustRemoveCommand.self, SyncCommand.self, ServeCommand.self, ExportCommand.self, VerifyCommand.self, BackupCommand.self,
            RestoreCommand.self,
        ]
    }

    public static let version = "0.1.0"

    static var overview: String {
        var text = """
            kechuang \(version): a federation node for the regional technology-transfer project exchange.

            Usage: kechuang [--data DIR] COMMAND [ARGUMENTS] [--help]

            Commands:

            """
        let width = commands.map { $0.spec.name.count }.max() ?? 0
        for command in commands {
            let name = command.spec.name
            text += "  \(name)\(String(repeating: " ", count: width + 2 - name.count))\(command.spec.summary)\n"
        }
        text += """

            Global options:
              --data DIR      Node data directory (default: $KECHUANG_DATA, else ./kechuang-data).
              --help          Show help; `kechuang COMMAND --help` shows a command's options.
              --version       Print the version.

            Exit codes: 0 ok, 1 runtime error, 2 bad usage or bad input,
            3 (verify) the feed is valid but its checkpoint has expired.

            """
        return text
    }

    /// Commands that do not open a data directory (`init` creates one, and checks its own).
    static let withoutDataDirectory: Set<String> = ["init", "generate", "verify"]

    /// Runs the command line `arguments` (without the program name) and returns the exit code.
    public static func main(_ arguments: [String]) async -> Int32 {
        let out = Output()
        let err = Output(handle: .standardError)
        defer {
            out.flush()
            err.flush()
        }
        var words = arguments
        // `--data DIR` may come before the command as well as after it.
        var leadingData: [String] = []
        while let first = words.first, first.hasPrefix("--data") {
            if first == "--data", words.count >= 2 {
                leadingData += Array(words.prefix(2))
                words.removeFirst(2)
            } else if first.hasPrefix("--data=") {
                leadingData.append(words.removeFirst())
            } else {
                break
            }
        }
        guard let first = words.first, first != "--help", first != "-h", first != "help" || words.count == 1 else {
            if words.first == "help", words.count > 1 { return await main(Array(words.dropFirst()) + ["--help"]) }
            out.write(overview)
            return words.isEmpty ? 2 : 0
        }
        if first == "--version" {
            out.line("kechuang \(version)")
            return 0
        }
        guard let (command, consumed) = match(words) else {
            err.line("kechuang: error: unknown command \(words.prefix(2).joined(separator: " ")) (see kechuang --help)")
            return 2
        }
        do {
            let parsed = try Arguments.parse(leadingData + Array(words.dropFirst(consumed)), spec: command.spec)
            if parsed.flag("--help") {
                out.write(command.spec.help)
                return 0
            }
            let context = Context(
                arguments: parsed, data: DataDirectory.resolve(parsed), out: out, err: err, now: Date(),
                invocation: leadingData + words)
            var lock: DataDirectory.Lock?
            if !Self.withoutDataDirectory.contains(command.spec.name) {
                try context.data.requireOwner(invocation: leadingData + words)
                // restore takes the lock itself, exclusively.
                if command.spec.name != RestoreCommand.spec.name { lock = try context.data.lock(exclusive: false) }
            }
            defer { withExtendedLifetime(lock) {} }
            try await command.run(context)
            return 0
        } catch {
            out.flush()
            return report(error, to: err)
        }
    }

    private static func match(_ words: [String]) -> (any Command.Type, Int)? {
        // Longest name first: `trust remove X` is not `trust` with the argument `remove`.
        let byLength = commands.sorted { $0.spec.name.split(separator: " ").count > $1.spec.name.split(separator: " ").count }
        for command in byLength {
            let name = command.spec.name.split(separator: " ").map(String.init)
            if words.count >= name.count, Array(words.prefix(name.count)) == name { return (command, name.count) }
        }
        return nil
    }

    /// Prints an error and returns its exit code.
    static func report(_ error: any Error, to err: Output) -> Int32 {
        switch error {
        case let error as CLIError:
            err.line("kechuang: error: \(error.message)")
            return error.exitCode
        case let error as StoreError:
            for issue in error.issues { err.line(issue.description) }
            err.line("kechuang: error: \(error.description)")
            return error.isBadInput ? 2 : 1
        case let error as QueryError:
            err.line("kechuang: error: \(error.message)")
            return 2
        case let error as ValidationError:
            err.line("kechuang: error: \(error.description)")
            return 2
        default:
            err.line("kechuang: error: \(error)")
            return 1
        }
    }
}
