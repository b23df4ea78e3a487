import Foundation

/// What every command receives: its parsed arguments, the data directory and the outputs.
struct Context {
    let arguments: Arguments
    let data: DataDirectory
    let out: Output
    let err: Output
    /// The moment the command runs; stored timestamps and "today" derive from it.
    let now: Date
    /// The words the user typed after `kechuang`, to print a command to continue with.
    var invocation: [String] = []

    /// The user's command again with `--cursor CURSOR` replacing any cursor it had, shell-quoted.
    func continuation(cursor: String) -> String {
        var words: [String] = []
        var skipNext = false
        for word in invocation {
            if skipNext {
                skipNext = false
                continue
            }
            if word == "--cursor" {
                skipNext = true
                continue
            }
            if word.hasPrefix("--cursor=") { continue }
            words.append(word)
        }
        let quoted = (words + ["--cursor", cursor]).map { word in
            word.allSatisfy { $0.isLetter || $0.isNumber || "-_.:/=,".contains($0) } ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        return "kechuang " + quoted.joined(separator: " ")
    }
}

/// One `kechuang` subcommand.
protocol Command {
    static var spec: CommandSpec { get }
    static func run(_ context: Context) async throws
}
