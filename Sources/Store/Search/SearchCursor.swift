import Foundation

/// The position after which the next page starts: the last hit's sort value and rowid, and, for
/// relevance ranked in windows, the window it was ranked in.
///
/// Sent to clients as an opaque base64url token; a token that does not decode is refused. Version
/// 1 tokens (without a window) are still read.
struct Cursor: Hashable {
    var score: Double
    var key: String
    var rowid: Int64
    /// The rowid the relevance window of the last hit starts at (inclusive, newest first); nil
    /// when relevance was ranked over every match, or for the other orders.
    var window: Int64?

    var token: String {
        let text = "2\u{1F}\(score.bitPattern)\u{1F}\(key)\u{1F}\(rowid)\u{1F}\(window.map(String.init) ?? "")"
        return Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init(score: Double, key: String, rowid: Int64, window: Int64? = nil) {
        self.score = score
        self.key = key
        self.rowid = rowid
        self.window = window
    }

    /// The start of the relevance window that begins at `window`: every match in it comes after.
    static func windowStart(_ window: Int64) -> Cursor {
        Cursor(score: .infinity, key: "", rowid: .min, window: window)
    }

    /// True for a cursor made by `windowStart(_:)`.
    var isWindowStart: Bool { score == .infinity && rowid == .min }

    init(token: String) throws {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard token.count <= 4096, let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8)
        else { throw StoreError.invalidArgument("invalid cursor") }
        let parts = text.split(separator: "\u{1F}", omittingEmptySubsequences: false)
        guard (parts.count == 4 && parts[0] == "1") || (parts.count == 5 && parts[0] == "2"),
            let bits = UInt64(parts[1]), let rowid = Int64(parts[3])
        else { throw StoreError.invalidArgument("invalid cursor") }
        var window: Int64?
        if parts.count == 5, !parts[4].isEmpty {
            guard let value = Int64(parts[4]) else { throw StoreError.invalidArgument("invalid cursor") }
            window = value
        }
        let score = Double(bitPattern: bits)
        guard !score.isNaN else { throw StoreError.invalidArgument("invalid cursor") }
        self.init(score: score, key: String(parts[2]), rowid: rowid, window: window)
    }
}
