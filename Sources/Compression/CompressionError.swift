internal import CZlib

/// An error thrown by the Compression module.
///
/// `CompressionError` is a struct rather than an enum so that new kinds can be added without breaking callers'
/// exhaustive `switch` statements (the pattern of AsyncHTTPClient's `HTTPClientError`). Match a kind with `==` or
/// a `case` pattern against the static members (`.corrupt`, `.outputTooLarge`, `.zlib`); equality compares the
/// kind only, because the remaining properties are diagnostics.
///
/// When zlib reports the failure, the error keeps zlib's return code (`Z_DATA_ERROR`, `Z_MEM_ERROR`, …) and the
/// stream's `msg`, as GRDB's `DatabaseError` keeps SQLite's result code and message.
public struct CompressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of failure. Private so that adding one is not a source-breaking change.
    private enum Code: Sendable, Equatable {
        case corrupt
        case outputTooLarge
        case zlib
    }

    private let code: Code

    /// What was wrong, for people; empty for the bare static members.
    public let detail: String

    /// The zlib function that failed (`inflate`, `deflateInit2_`, …), if the failure came from one.
    public let function: String?

    /// zlib's return code (`Z_OK` is 0, errors are negative), or `nil` when zlib reported nothing.
    public let zlibCode: Int32?

    /// zlib's message (`z_stream.msg`), when it set one.
    public let zlibMessage: String?

    private init(code: Code, detail: String = "", function: String? = nil, zlibCode: Int32? = nil,
                 zlibMessage: String? = nil) {
        self.code = code
        self.detail = detail
        self.function = function
        self.zlibCode = zlibCode
        self.zlibMessage = zlibMessage
    }

    /// The input is not one complete, well-formed gzip member: a bad header or checksum, a truncated stream,
    /// or bytes after the end of the member.
    public static let corrupt = CompressionError(code: .corrupt)

    /// Decompressing would produce more bytes than the caller allowed (for example, a "gzip bomb").
    public static let outputTooLarge = CompressionError(code: .outputTooLarge)

    /// zlib failed for a reason other than bad input: memory exhaustion, an invalid compression level, or a
    /// zlib library whose version does not match the headers.
    public static let zlib = CompressionError(code: .zlib)

    /// Two errors are equal when they are of the same kind; the diagnostic properties are ignored.
    public static func == (lhs: CompressionError, rhs: CompressionError) -> Bool {
        lhs.code == rhs.code
    }

    /// A one-line message naming the kind, the detail and the failing zlib call.
    public var description: String {
        var text: String
        switch code {
        case .corrupt: text = "corrupt gzip data"
        case .outputTooLarge: text = "decompressed output too large"
        case .zlib: text = "zlib failure"
        }
        if !detail.isEmpty {
            text += ": \(detail)"
        }
        if let function {
            text += " (\(function) failed"
            if let zlibCode {
                text += ": \(String(cString: zError(zlibCode))) (\(zlibCode))"
            }
            if let zlibMessage {
                text += ": \(zlibMessage)"
            }
            text += ")"
        }
        return text
    }
}

extension CompressionError {
    /// An error of the given kind with a detail and nothing else.
    static func make(_ kind: CompressionError, _ detail: String) -> CompressionError {
        CompressionError(code: kind.code, detail: detail)
    }

    /// A failure reported by zlib call `function` with return code `zlibCode` and the stream's message.
    ///
    /// `Z_DATA_ERROR` and `Z_NEED_DICT` mean the input is not valid gzip, so they are ``corrupt``; everything
    /// else (`Z_MEM_ERROR`, `Z_STREAM_ERROR`, `Z_VERSION_ERROR`) is ``zlib``.
    static func zlib(function: String, code zlibCode: Int32, message: String?, _ detail: String)
        -> CompressionError
    {
        let kind: Code = (zlibCode == Z_DATA_ERROR || zlibCode == Z_NEED_DICT) ? .corrupt : .zlib
        return CompressionError(code: kind, detail: detail, function: function, zlibCode: zlibCode,
                                zlibMessage: message)
    }
}
