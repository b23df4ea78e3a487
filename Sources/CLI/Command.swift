import Foundation

/// What every command receives: its parsed arguments, the data directory and the outputs.
struct Context {
    let arguments: Arguments
    let data: DataDirectory
    let out: Output
    let err: Output
    /// The moment the command runs; stored timestamps and "today" derive from it.
    let now: Date
}

/// One `kechuang` subcommand.
protocol Command {
    static var spec: CommandSpec { get }
    static func run(_ context: Context) async throws
}
