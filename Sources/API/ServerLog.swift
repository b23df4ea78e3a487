import Catalog
public import Foundation
import HTTPClient
public import JSON
import Synchronization

/// What `kechuang serve` says while it runs: `--log-format plain` (the default: the lines an
/// operator reads, `kechuang serve: …` on standard error for warnings and errors) or `json` (one
/// JSON object per line for a log collector: `{"time", "level", "event", "message", …fields}`).
///
/// Info lines go to standard output, warnings and errors to standard error, in both formats. No
/// line carries a secret: every text has the user information of its URLs replaced by `***@`
/// (`redactingUserInfo`), and nothing logs a token or a key. A plain line shows control characters,
/// line separators and bidi controls escaped (`\u{1B}`, `DisplayText`), so that no text of a peer's
/// can act on the operator's terminal or forge a line; a JSON line is JSON-escaped already, and is
/// left byte-exact.
public final class ServerLog: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case plain, json
    }

    public enum Level: String, Sendable {
        case info, warning, error
    }

    public let format: Format
    private let output: @Sendable (Level, String) -> Void
    private let lock = Mutex<Void>(())

    /// A log writing to standard output (info) and standard error (warnings, errors), or to `output`.
    public init(format: Format, output: (@Sendable (Level, String) -> Void)? = nil) {
        self.format = format
        self.output =
            output ?? { level, line in
                (level == .info ? FileHandle.standardOutput : FileHandle.standardError).write(Data(line.utf8))
            }
    }

    /// Writes one event. `message` is the plain line (without the `kechuang serve: ` prefix, which
    /// plain warnings and errors get); `fields` are its parts for a collector.
    public func event(_ level: Level, _ event: String, _ message: String, _ fields: [String: JSONValue] = [:], now: Date = Date()) {
        let message = redactingUserInfo(message)
        let line: String
        switch format {
        case .plain:
            // One event, one line of text: a peer's error may carry ESC, CR or a line feed of its own.
            let text = DisplayText.escaped(message, keepingLineBreaks: false)
            line = (level == .info ? text : "kechuang serve: \(text)") + "\n"
        case .json:
            var object: [String: JSONValue] = [:]
            for (name, value) in fields { object[name] = Self.redacted(value) }
            object["time"] = .string(DateText.timestamp(now))
            object["level"] = .string(level.rawValue)
            object["event"] = .string(event)
            object["message"] = .string(message)
            line = JSONWriter.string(.object(object), pretty: false) + "\n"
        }
        // One line at a time, whole: the ticker, the server's threads and the signal handler all log.
        lock.withLock { _ in output(level, line) }
    }

    private static func redacted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): .string(redactingUserInfo(text))
        case .array(let items): .array(items.map(redacted))
        case .object(let members): .object(members.mapValues(redacted))
        default: value
        }
    }
}
