/// A strict RFC 8259 parser that also enforces the I-JSON (RFC 7493) restrictions.
///
/// The parser accepts exactly one JSON value surrounded by optional RFC 8259 whitespace
/// (space, tab, LF, CR) and rejects everything else with a specific `JSONError`: invalid UTF-8,
/// lone surrogate escapes, raw control characters in strings, duplicate object keys, leading zeros,
/// numbers that overflow `Double`, non-JSON literals such as `NaN`, trailing data, and a leading
/// UTF-8 byte order mark (callers that accept BOMs strip them first). `Limits` bound the work an
/// untrusted input can cause; every limit is checked before the corresponding work is done, so a
/// 100,000-deep array or a 400-digit number fails after a few bytes. Containers are parsed with an
/// explicit stack rather than recursion, so even a generous `maxDepth` cannot overflow the stack.
public struct JSONParser {
    /// Resource limits applied while parsing untrusted input.
    ///
    /// The defaults suit documents of a few kilobytes to a few megabytes, such as catalog records.
    public struct Limits: Sendable, Hashable {
        /// The largest accepted input in bytes (for `JSONArrayStreamReader`: the largest element).
        public var maxBytes: Int
        /// The deepest accepted nesting of arrays and objects; a scalar at the top level has depth 0.
        public var maxDepth: Int
        /// The longest accepted string literal, counted in source bytes between the quotes.
        public var maxStringBytes: Int
        /// The longest accepted number literal in characters, sign and exponent included.
        public var maxNumberLength: Int

        /// Creates limits; every parameter defaults to the value used by `Limits.default`.
        public init(
            maxBytes: Int = 16 * 1024 * 1024,
            maxDepth: Int = 64,
            maxStringBytes: Int = 1024 * 1024,
            maxNumberLength: Int = 40
        ) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
            self.maxStringBytes = maxStringBytes
            self.maxNumberLength = maxNumberLength
        }

        /// 16 MiB of input, depth 64, 1 MiB strings and 40-character numbers.
        public static let `default` = Limits()
    }

    /// Parses one JSON value from UTF-8 bytes.
    ///
    /// Error offsets, lines and columns are relative to the first byte of `bytes`.
    public static func parse(_ bytes: [UInt8], limits: Limits = .default) throws(JSONError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer in
            parse(buffer: buffer, limits: limits)
        }.get()
    }

    /// Parses one JSON value from a slice of UTF-8 bytes.
    ///
    /// Error offsets, lines and columns are relative to the first byte of the slice, not of its base.
    public static func parse(_ bytes: ArraySlice<UInt8>, limits: Limits = .default) throws(JSONError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer in
            parse(buffer: buffer, limits: limits)
        }.get()
    }

    /// Parses one JSON value from any collection of UTF-8 bytes.
    ///
    /// Contiguous collections are parsed in place; others are copied into an array first.
    public static func parse(_ bytes: some Collection<UInt8>, limits: Limits = .default) throws(JSONError)
        -> JSONValue
    {
        if let result = bytes.withContiguousStorageIfAvailable({ parse(buffer: $0, limits: limits) }) {
            return try result.get()
        }
        return try parse(Array(bytes), limits: limits)
    }

    /// Parses one JSON value from the UTF-8 encoding of a string.
    ///
    /// Offsets in errors are UTF-8 byte offsets into `string`.
    public static func parse(_ string: String, limits: Limits = .default) throws(JSONError) -> JSONValue {
        var string = string
        return try string.withUTF8 { buffer in
            parse(buffer: buffer, limits: limits)
        }.get()
    }

    /// Parses `buffer`, reporting error positions relative to `origin`.
    ///
    /// `baseDepth` is the nesting depth of the value's container, which lets the stream reader count
    /// depth from the enclosing top-level array while parsing one element at a time.
    static func parse(
        buffer: UnsafeBufferPointer<UInt8>,
        limits: Limits,
        origin: SourcePosition = .start,
        baseDepth: Int = 0
    ) -> Result<JSONValue, JSONError> {
        guard buffer.count <= limits.maxBytes else {
            return .failure(JSONError(
                .inputTooLarge, "input of \(buffer.count) bytes exceeds the limit of \(limits.maxBytes) bytes"))
        }
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            return .failure(JSONError(.unexpectedEndOfInput, "empty input, expected a JSON value", at: origin))
        }
        var core = JSONParserCore(base: base, count: buffer.count, limits: limits, origin: origin,
                                  baseDepth: baseDepth)
        do {
            return .success(try core.parseDocument())
        } catch {
            return .failure(error)
        }
    }
}
