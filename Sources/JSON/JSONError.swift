/// An error raised while reading or writing JSON.
///
/// Errors are identified by a private code and compared through the static members below, in the
/// style of AsyncHTTPClient's `HTTPClientError`: `error == .duplicateKey` is true for every duplicate
/// key error regardless of where it occurred, which keeps the set of codes extensible without
/// breaking `switch` statements in client code. Errors found in source text also carry the byte
/// `offset` and the 1-based `line` and `column` (counted in Unicode scalars, lines split at LF);
/// errors raised by writers carry the `path` of the offending value instead.
public struct JSONError: Error, Sendable, CustomStringConvertible, Equatable {
    private enum Code: Sendable, Equatable {
        case unexpectedEndOfInput
        case unexpectedCharacter
        case trailingData
        case byteOrderMark
        case invalidLiteral
        case invalidNumber
        case leadingZero
        case numberTooLong
        case numberOutOfRange
        case invalidUTF8
        case controlCharacterInString
        case invalidEscape
        case loneSurrogate
        case duplicateKey
        case tooDeep
        case inputTooLarge
        case stringTooLong
        case expectedArray
        case ioError
        case nonFiniteNumber
        case numberNotAllowedInSignedObject
    }

    private let code: Code

    /// A human-readable explanation without position information, such as `duplicate key "title"`.
    public let message: String

    /// The 0-based byte offset of the problem in the input, or `nil` for errors without a position.
    ///
    /// For `JSONArrayStreamReader` this is the absolute offset in the file, BOM included.
    public let offset: Int?

    /// The 1-based line of the problem, or `nil` for errors without a position.
    public let line: Int?

    /// The 1-based column of the problem in Unicode scalars, or `nil` for errors without a position.
    public let column: Int?

    /// The location of the offending value inside the document being written; empty for parse errors.
    public let path: [JSONPathComponent]

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
        self.offset = nil
        self.line = nil
        self.column = nil
        self.path = []
    }

    /// Creates an error of the same kind as `kind` with a specific message and optional position.
    init(_ kind: JSONError, _ message: String, at position: SourcePosition? = nil,
         path: [JSONPathComponent] = []) {
        self.code = kind.code
        self.message = message
        self.offset = position?.offset
        self.line = position?.line
        self.column = position?.column
        self.path = path
    }

    private init(copying other: JSONError, path: [JSONPathComponent]) {
        self.code = other.code
        self.message = other.message
        self.offset = other.offset
        self.line = other.line
        self.column = other.column
        self.path = path
    }

    /// Returns this error with `component` prepended to its path; used while unwinding a writer.
    func prefixed(by component: JSONPathComponent) -> JSONError {
        JSONError(copying: self, path: [component] + path)
    }

    /// A rendering such as `line 3, column 7: duplicate key "title"` or `price: number 1.5 is …`.
    public var description: String {
        if let line, let column {
            return "line \(line), column \(column): \(message)"
        }
        if !path.isEmpty {
            return "\(JSONPath.render(path)): \(message)"
        }
        return message
    }

    /// Compares the kind of two errors, ignoring message, position and path.
    public static func == (lhs: JSONError, rhs: JSONError) -> Bool {
        lhs.code == rhs.code
    }

    // MARK: Parse errors

    /// The input ended in the middle of a value (including an unterminated string or empty input).
    public static let unexpectedEndOfInput = JSONError(.unexpectedEndOfInput, "unexpected end of input")
    /// A byte that cannot start or continue the expected token, such as a missing `,` or `:`.
    public static let unexpectedCharacter = JSONError(.unexpectedCharacter, "unexpected character")
    /// Non-whitespace input after the top-level value.
    public static let trailingData = JSONError(.trailingData, "unexpected data after the JSON value")
    /// The input starts with a UTF-8 byte order mark, which `JSONParser.parse` does not accept.
    public static let byteOrderMark = JSONError(.byteOrderMark, "unexpected UTF-8 byte order mark")
    /// A bare word that is not `true`, `false` or `null`, such as `NaN`, `Infinity` or `tru`.
    public static let invalidLiteral = JSONError(.invalidLiteral, "invalid literal")
    /// A number that violates the RFC 8259 grammar, such as `+1`, `.5`, `1.` or `1e`.
    public static let invalidNumber = JSONError(.invalidNumber, "invalid number")
    /// A number with a superfluous leading zero, such as `01` or `-007`.
    public static let leadingZero = JSONError(.leadingZero, "number has a leading zero")
    /// A number literal longer than `JSONParser.Limits.maxNumberLength` characters.
    public static let numberTooLong = JSONError(.numberTooLong, "number literal is too long")
    /// A number whose magnitude overflows `Double` (for example `1e400`).
    public static let numberOutOfRange = JSONError(.numberOutOfRange, "number is out of range")
    /// Bytes that are not well-formed UTF-8.
    public static let invalidUTF8 = JSONError(.invalidUTF8, "invalid UTF-8")
    /// An unescaped control character U+0000–U+001F inside a string.
    public static let controlCharacterInString = JSONError(
        .controlCharacterInString, "unescaped control character in string")
    /// A backslash escape that RFC 8259 does not define, or a malformed `\u` escape.
    public static let invalidEscape = JSONError(.invalidEscape, "invalid escape sequence")
    /// A `\u` escape naming a lone or reversed UTF-16 surrogate.
    public static let loneSurrogate = JSONError(.loneSurrogate, "lone surrogate escape")
    /// An object that names the same member twice.
    public static let duplicateKey = JSONError(.duplicateKey, "duplicate key")
    /// Containers nested deeper than `JSONParser.Limits.maxDepth`.
    public static let tooDeep = JSONError(.tooDeep, "nesting is too deep")
    /// Input (or, for the stream reader, one element) larger than `JSONParser.Limits.maxBytes`.
    public static let inputTooLarge = JSONError(.inputTooLarge, "input is too large")
    /// A string literal longer than `JSONParser.Limits.maxStringBytes` bytes.
    public static let stringTooLong = JSONError(.stringTooLong, "string is too long")
    /// `JSONArrayStreamReader` found a top-level value that is not an array.
    public static let expectedArray = JSONError(.expectedArray, "expected a top-level array")
    /// Opening, reading or writing a file failed.
    public static let ioError = JSONError(.ioError, "I/O error")

    // MARK: Write errors

    /// A NaN or infinite number, which JSON cannot represent.
    public static let nonFiniteNumber = JSONError(.nonFiniteNumber, "number is not finite")
    /// A number in a signed object that is not an integer within ±(2^53 − 1).
    public static let numberNotAllowedInSignedObject = JSONError(
        .numberNotAllowedInSignedObject, "signed objects may only contain integers within ±(2^53 − 1)")
}
