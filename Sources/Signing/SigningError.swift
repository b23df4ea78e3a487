#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An error thrown by the Signing module.
///
/// `SigningError` is a struct rather than an enum so that new kinds can be added without breaking callers'
/// exhaustive `switch` statements. Match a kind with `==` or a `case` pattern against the static members
/// (`.invalidKey`, `.invalidPEM`, `.invalidKeyText`, `.openSSL`, `.fileSystem`, `.fileExists`); equality
/// compares the kind only, because the remaining properties are diagnostics.
///
/// When OpenSSL reports the failure, the error keeps the name of the failing call, the first code from
/// OpenSSL's error queue (`ERR_get_error()`) and its text (`ERR_error_string_n()`); the queue is then
/// cleared so that a stale entry is never blamed for a later failure. When a file operation fails, the error
/// keeps the path and `errno`.
public struct SigningError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of failure. Private so that adding one is not a source-breaking change.
    private enum Code: Sendable, Equatable {
        case invalidKey
        case invalidPEM
        case invalidKeyText
        case openSSL
        case fileSystem
        case fileExists
    }

    private let code: Code

    /// What was being done or what was wrong with the input, for people; empty for the bare static members.
    public let detail: String

    /// The C function that failed (an OpenSSL call such as `EVP_DigestSign`, or a system call such as
    /// `open`), if the failure came from one.
    public let function: String?

    /// The first error code OpenSSL reported (`ERR_get_error()`), or 0 when OpenSSL reported none.
    public let openSSLErrorCode: UInt

    /// OpenSSL's text for ``openSSLErrorCode`` (`ERR_error_string_n()`), or `nil` when there is none.
    public let openSSLErrorText: String?

    /// The `errno` of a failed system call, or `nil` when the failure did not come from one.
    public let systemErrorNumber: Int32?

    /// The file the operation was about, for ``KeyFile`` operations.
    public let path: String?

    private init(
        code: Code,
        detail: String = "",
        function: String? = nil,
        openSSLErrorCode: UInt = 0,
        openSSLErrorText: String? = nil,
        systemErrorNumber: Int32? = nil,
        path: String? = nil
    ) {
        self.code = code
        self.detail = detail
        self.function = function
        self.openSSLErrorCode = openSSLErrorCode
        self.openSSLErrorText = openSSLErrorText
        self.systemErrorNumber = systemErrorNumber
        self.path = path
    }

    /// Key material was rejected: wrong length, wrong key type, or refused by OpenSSL.
    public static let invalidKey = SigningError(code: .invalidKey)

    /// A PEM document could not be read as the expected kind of key.
    ///
    /// Covers malformed PEM, the wrong label, a key of another algorithm and encrypted private keys (which
    /// this module never decrypts, and never prompts for a passphrase for).
    public static let invalidPEM = SigningError(code: .invalidPEM)

    /// A public key text was not exactly `ed25519:` followed by canonical padded base64 of 32 bytes.
    public static let invalidKeyText = SigningError(code: .invalidKeyText)

    /// An OpenSSL call failed for a reason other than bad input (for example, memory exhaustion).
    public static let openSSL = SigningError(code: .openSSL)

    /// A system call on a key file failed; ``path``, ``function`` and ``systemErrorNumber`` say which.
    public static let fileSystem = SigningError(code: .fileSystem)

    /// ``KeyFile`` refused to write because something already exists at the destination path.
    public static let fileExists = SigningError(code: .fileExists)

    /// Two errors are equal when they are of the same kind; the diagnostic properties are ignored.
    public static func == (lhs: SigningError, rhs: SigningError) -> Bool {
        lhs.code == rhs.code
    }

    /// A one-line message naming the path, the kind, the detail and the failing call.
    public var description: String {
        var text = ""
        if let path {
            text += "\(path): "
        }
        text += kindName
        if !detail.isEmpty {
            text += ": \(detail)"
        }
        if let function {
            text += " (\(function) failed"
            if let openSSLErrorText {
                text += ": \(openSSLErrorText)"
            }
            if let systemErrorNumber {
                text += ": \(systemErrorMessage(systemErrorNumber)) (errno \(systemErrorNumber))"
            }
            text += ")"
        }
        return text
    }

    private var kindName: String {
        switch code {
        case .invalidKey: "invalid key"
        case .invalidPEM: "invalid PEM"
        case .invalidKeyText: "invalid key text"
        case .openSSL: "OpenSSL failure"
        case .fileSystem: "file system error"
        case .fileExists: "file exists"
        }
    }
}

extension SigningError {
    /// A copy of `self` of another kind, with a detail, keeping the OpenSSL diagnostics.
    ///
    /// Used where a low-level failure (say, `PEM_read_bio_PUBKEY` returned NULL) means bad input to the
    /// caller, so the kind says what went wrong and the OpenSSL text says why.
    func reclassified(as kind: SigningError, _ detail: String) -> SigningError {
        SigningError(
            code: kind.code,
            detail: detail,
            function: function,
            openSSLErrorCode: openSSLErrorCode,
            openSSLErrorText: openSSLErrorText,
            systemErrorNumber: systemErrorNumber,
            path: path
        )
    }

    /// A copy of `self` that names the file it was about.
    func naming(path: String) -> SigningError {
        SigningError(
            code: code,
            detail: detail,
            function: function,
            openSSLErrorCode: openSSLErrorCode,
            openSSLErrorText: openSSLErrorText,
            systemErrorNumber: systemErrorNumber,
            path: path
        )
    }

    /// An error of the given kind with a detail and nothing else.
    static func make(_ kind: SigningError, _ detail: String) -> SigningError {
        SigningError(code: kind.code, detail: detail)
    }

    /// An OpenSSL failure of call `function`, with the queue's first code and its text.
    static func openSSL(function: String, code: UInt, text: String?) -> SigningError {
        SigningError(
            code: .openSSL,
            detail: "\(function) failed",
            function: function,
            openSSLErrorCode: code,
            openSSLErrorText: text
        )
    }

    /// A failed system call on `path`, with its `errno`; `EEXIST` is reported as ``fileExists``.
    static func system(function: String, errno number: Int32, path: String, _ detail: String) -> SigningError {
        SigningError(
            code: number == EEXIST ? .fileExists : .fileSystem,
            detail: detail,
            function: function,
            systemErrorNumber: number,
            path: path
        )
    }
}
