import Catalog
import Foundation
import Synchronization

/// How far a long import, export or sync got, on one line of the terminal (standard error),
/// rewritten a few times a second: what is done, the bytes when known, the rate and the time
/// left. Silent when standard error is not a terminal or with `--quiet`: scripts and logs see
/// only the command's own output.
public final class TerminalProgress: Sendable {
    private struct State {
        var shown = false
        var last = 0.0
    }

    private let label: String
    private let unit: String
    private let started = Date()
    private let state = Mutex(State())
    private let write: @Sendable (String) -> Void

    /// A reporter, or nil when nothing should be shown (not a terminal, or `quiet`).
    public init?(label: String, unit: String, quiet: Bool, isTerminal: Bool? = nil, write: (@Sendable (String) -> Void)? = nil) {
        guard !quiet, isTerminal ?? (isatty(STDERR_FILENO) == 1) else { return nil }
        (self.label, self.unit) = (label, unit)
        self.write = write ?? { FileHandle.standardError.write(Data($0.utf8)) }
    }

    /// `done` units so far; `share` the part of the whole (0–1) when known, for the time left;
    /// `bytes` what was read or written. At most four lines a second.
    public func update(done: Int, share: Double? = nil, bytes: Int? = nil, detail: String? = nil, force: Bool = false) {
        let elapsed = Date().timeIntervalSince(started)
        let due = state.withLock { state -> Bool in
            guard force || elapsed - state.last >= 0.25 else { return false }
            state.last = elapsed
            state.shown = true
            return true
        }
        guard due else { return }
        // The detail may be an origin's name, as a peer's checkpoints spell it: shown as text only.
        let label = DisplayText.escaped(detail.map { "\(self.label) \($0)" } ?? self.label, keepingLineBreaks: false)
        write("\r\u{1B}[K" + Self.line(label: label, unit: unit, done: done, share: share, bytes: bytes, elapsed: elapsed))
    }

    /// Clears the line (the command then prints its own summary).
    public func finish() {
        if state.withLock({ $0.shown }) { write("\r\u{1B}[K") }
    }

    /// `import: 12,000 records · 4.2 MB · 8,100 records/s · 62% · 3 s left`.
    public static func line(label: String, unit: String, done: Int, share: Double?, bytes: Int?, elapsed: Double) -> String {
        var parts = ["\(label): \(done.formatted(.number.grouping(.automatic))) \(unit)"]
        if let bytes { parts.append(String(format: "%.1f MB", Double(bytes) / 1_000_000)) }
        if elapsed > 0 { parts.append("\(Int(Double(done) / elapsed).formatted(.number.grouping(.automatic))) \(unit)/s") }
        if let share, share > 0 {
            parts.append("\(Int((share * 100).rounded(.down)))%")
            let left = elapsed / share - elapsed
            parts.append(left >= 60 ? "\(Int(left / 60)) min \(Int(left) % 60) s left" : "\(Int(left.rounded())) s left")
        }
        return parts.joined(separator: " · ")
    }
}
