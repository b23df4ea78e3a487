#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a huge top-level JSON array one element at a time.
///
/// The input is read in chunks (1 MiB by default), so a file with a million records never sits in
/// memory at once: the reader holds about two chunks plus the element being read. For each
/// element it first finds the element's extent with a cheap structural scan (brackets and strings),
/// then parses exactly those bytes with `JSONParser`, so elements are validated as strictly as whole
/// documents and their source bytes can be handed out for hashing or error reports.
///
/// A leading UTF-8 byte order mark is skipped. `Limits` apply per element (`maxBytes` is the largest
/// element), except that depth counts from the top-level array: with `maxDepth` 64 an element may nest
/// 63 levels. Error positions are absolute in the file. After an error the reader stays failed and
/// every further `next()` rethrows it, since there is no reliable way to resynchronise.
public struct JSONArrayStreamReader: ~Copyable {
    /// One element of the top-level array together with its location in the source.
    public struct Element: Sendable, Hashable {
        /// The parsed element.
        public let value: JSONValue
        /// The 1-based line on which the element starts.
        public let line: Int
        /// The 0-based position of the element in the array.
        public let index: Int
        /// The element's exact source bytes, from its first to its last character.
        public let bytes: [UInt8]
    }

    private enum Source {
        case file(descriptor: Int32, closeOnDeinit: Bool)
        case memory([UInt8])
    }

    private enum State {
        case start
        case element
        case afterElement
        case finished
    }

    /// The default read size; large enough to make system call overhead negligible.
    static let defaultChunkSize = 1 << 20

    private let source: Source
    private let limits: JSONParser.Limits
    private let chunkSize: Int
    /// Read position within a `.memory` source.
    private var memoryOffset = 0
    /// Bytes read but not yet consumed start at `head`; bytes before it are garbage to be compacted.
    private var buffer: [UInt8] = []
    /// Where `fill` reads a file's next chunk before appending it to `buffer`.
    private var scratch: [UInt8] = []
    private var head = 0
    /// The file position of `buffer[head]`.
    private var position = SourcePosition.start
    private var reachedEnd = false
    private var state = State.start
    private var nextIndex = 0
    private var failure: JSONError?

    /// Opens the file at `path` for reading; the reader closes it when it is destroyed.
    public init(path: String, limits: JSONParser.Limits = .default) throws(JSONError) {
        try self.init(path: path, limits: limits, chunkSize: Self.defaultChunkSize)
    }

    /// Opens `path` with a custom read size; tests use tiny chunks to exercise chunk boundaries.
    init(path: String, limits: JSONParser.Limits, chunkSize: Int) throws(JSONError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw JSONError(.ioError, "cannot open \(path): \(reason)")
        }
        self.source = .file(descriptor: descriptor, closeOnDeinit: true)
        self.limits = limits
        self.chunkSize = max(1, chunkSize)
    }

    /// Reads from an already open file descriptor, which the reader does not close.
    public init(fileDescriptor: Int32, limits: JSONParser.Limits = .default) {
        self.source = .file(descriptor: fileDescriptor, closeOnDeinit: false)
        self.limits = limits
        self.chunkSize = Self.defaultChunkSize
    }

    /// Reads from bytes already in memory.
    public init(bytes: [UInt8], limits: JSONParser.Limits = .default) {
        self.init(bytes: bytes, limits: limits, chunkSize: Int.max)
    }

    /// Reads in-memory bytes in chunks of `chunkSize`, as if they came from a file.
    init(bytes: [UInt8], limits: JSONParser.Limits, chunkSize: Int) {
        self.limits = limits
        self.chunkSize = max(1, chunkSize)
        if chunkSize >= bytes.count {
            // Everything is available at once; use the array itself as the buffer.
            self.source = .memory([])
            self.buffer = bytes
            self.reachedEnd = true
        } else {
            self.source = .memory(bytes)
        }
    }

    deinit {
        if case .file(let descriptor, true) = source {
            close(descriptor)
        }
    }

    /// Returns the next element, or `nil` after the closing `]`.
    ///
    /// Throws for malformed input anywhere up to and including the end of this element, for
    /// non-whitespace after the closing `]`, and for read errors.
    public mutating func next() throws(JSONError) -> Element? {
        if let failure {
            throw failure
        }
        do {
            return try step()
        } catch {
            failure = error
            throw error
        }
    }

    // MARK: Structure

    private mutating func step() throws(JSONError) -> Element? {
        while true {
            switch state {
            case .start:
                try skipByteOrderMark()
                try skipWhitespace()
                guard let byte = try peek() else {
                    throw JSONError(.unexpectedEndOfInput, "empty input, expected a top-level array", at: position)
                }
                guard byte == UInt8(ascii: "[") else {
                    throw try unexpected(.expectedArray, expected: "a top-level array")
                }
                guard limits.maxDepth >= 1 else {
                    throw JSONError(.tooDeep, "nesting exceeds the maximum depth of \(limits.maxDepth)", at: position)
                }
                consume()
                try skipWhitespace()
                if try peek() == UInt8(ascii: "]") {
                    consume()
                    try finish()
                    return nil
                }
                state = .element
            case .element:
                let element = try readElement()
                state = .afterElement
                return element
            case .afterElement:
                try skipWhitespace()
                guard let byte = try peek() else {
                    throw JSONError(.unexpectedEndOfInput, "unexpected end of input, expected ',' or ']'",
                                    at: position)
                }
                switch byte {
                case UInt8(ascii: ","):
                    consume()
                    try skipWhitespace()
                    state = .element
                case UInt8(ascii: "]"):
                    consume()
                    try finish()
                    return nil
                default:
                    throw try unexpected(.unexpectedCharacter, expected: "',' or ']'")
                }
            case .finished:
                return nil
            }
        }
    }

    /// Checks that only whitespace follows the closing bracket.
    private mutating func finish() throws(JSONError) {
        try skipWhitespace()
        if try peek() != nil {
            throw try unexpected(.trailingData, expected: "end of input after the top-level array")
        }
        state = .finished
    }

    private mutating func skipByteOrderMark() throws(JSONError) {
        while buffer.count - head < 3, try fill() {}
        if buffer.count - head >= 3 && buffer[head] == 0xEF && buffer[head + 1] == 0xBB && buffer[head + 2] == 0xBF {
            // The BOM is not text: it moves the offset but not the column.
            head += 3
            position.offset += 3
        }
    }

    private mutating func skipWhitespace() throws(JSONError) {
        while let byte = try peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            consume()
        }
    }

    /// The byte at `head`, reading more input if needed; only used between elements.
    private mutating func peek() throws(JSONError) -> UInt8? {
        if head == buffer.count {
            // Everything read so far is consumed, so the buffer can be recycled cheaply here too;
            // this keeps memory flat even across megabytes of whitespace between elements.
            buffer.removeAll(keepingCapacity: true)
            head = 0
            guard try fill() else {
                return nil
            }
        }
        return buffer[head]
    }

    /// Consumes the single ASCII byte at `head`.
    private mutating func consume() {
        if buffer[head] == 0x0A {
            position.line += 1
            position.column = 1
        } else {
            position.column += 1
        }
        position.offset += 1
        head += 1
    }

    /// An error for the unexpected character at `head`, or `invalidUTF8` if it is not well-formed UTF-8.
    private mutating func unexpected(_ kind: JSONError, expected: String) throws(JSONError) -> JSONError {
        // A UTF-8 sequence may straddle a chunk boundary; make sure all of it is buffered.
        while buffer.count - head < 4, try fill() {}
        let found: String? = buffer.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress,
                  let length = UTF8Validation.sequenceLength(in: base, at: head, count: bytes.count)
            else {
                return nil
            }
            return String(decoding: UnsafeBufferPointer(start: base + head, count: length), as: UTF8.self)
        }
        guard let found, let scalar = found.unicodeScalars.first else {
            return JSONError(.invalidUTF8, "invalid UTF-8", at: position)
        }
        let shown = scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F
            ? "U+\(hex(scalar.value, width: 4))"
            : "'\(found)'"
        return JSONError(kind, "expected \(expected) but found \(shown)", at: position)
    }

    // MARK: Elements

    private enum ScanMode {
        case container
        case string
        case scalar
    }

    private mutating func readElement() throws(JSONError) -> Element {
        guard let first = try peek() else {
            throw JSONError(.unexpectedEndOfInput, "unexpected end of input, expected a value", at: position)
        }
        switch first {
        case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: ":"):
            throw try unexpected(.unexpectedCharacter, expected: "a value")
        default:
            break
        }
        // Compact only between elements, so indices into `buffer` stay valid while scanning.
        if head >= chunkSize || head == buffer.count {
            buffer.removeSubrange(..<head)
            head = 0
        }
        let start = head
        let end = try scanElement(from: start)
        let bytes = Array(buffer[start..<end])
        let result = bytes.withUnsafeBufferPointer { element in
            JSONParser.parse(buffer: element, limits: limits, origin: position, baseDepth: 1)
        }
        let value = try result.get()
        let element = Element(value: value, line: position.line, index: nextIndex, bytes: bytes)
        bytes.withUnsafeBufferPointer { position.advance(over: $0) }
        head = end
        nextIndex += 1
        return element
    }

    /// Finds the end (exclusive) of the element starting at `start`, reading more input as needed.
    ///
    /// This only tracks strings and bracket depth; the parser validates everything afterwards. If the
    /// scan hits the end of input or the depth limit early, the truncated element is handed to the
    /// parser anyway, which then reports the precise error.
    private mutating func scanElement(from start: Int) throws(JSONError) -> Int {
        let mode: ScanMode
        switch buffer[start] {
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            mode = .container
        case UInt8(ascii: "\""):
            mode = .string
        default:
            mode = .scalar
        }
        // Element nesting may reach maxDepth - 1 because the top-level array is level 1.
        let depthLimit = limits.maxDepth - 1
        var depth = 0
        var inString = false
        var escaped = false
        var index = start
        if mode == .string {
            inString = true
            index += 1
        }
        while true {
            if index == buffer.count {
                guard try fill() else {
                    return index
                }
            }
            if index - start >= limits.maxBytes {
                throw JSONError(.inputTooLarge, "array element exceeds the limit of \(limits.maxBytes) bytes",
                                at: position)
            }
            let stop = limits.maxBytes > buffer.count - start ? buffer.count : start + limits.maxBytes
            let found: Int? = buffer.withUnsafeBufferPointer { bytes in
                while index < stop {
                    // Inside strings, skip eight bytes at a time while none is a quote or backslash.
                    if inString && !escaped && index + 8 <= stop, let base = bytes.baseAddress,
                       !WordScan.hasQuoteBackslashOrControl(at: base + index) {
                        index += 8
                        continue
                    }
                    let byte = bytes[index]
                    index += 1
                    if inString {
                        if escaped {
                            escaped = false
                        } else if byte == UInt8(ascii: "\\") {
                            escaped = true
                        } else if byte == UInt8(ascii: "\"") {
                            inString = false
                            if depth == 0 {
                                return index
                            }
                        }
                        continue
                    }
                    switch mode {
                    case .scalar:
                        switch byte {
                        case 0x20, 0x0A, 0x0D, 0x09, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"),
                             UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ":"), UInt8(ascii: "\""):
                            return index - 1
                        default:
                            continue
                        }
                    case .container, .string:
                        switch byte {
                        case UInt8(ascii: "\""):
                            inString = true
                        case UInt8(ascii: "["), UInt8(ascii: "{"):
                            depth += 1
                            if depth > depthLimit {
                                return index
                            }
                        case UInt8(ascii: "]"), UInt8(ascii: "}"):
                            depth -= 1
                            if depth == 0 {
                                return index
                            }
                        default:
                            continue
                        }
                    }
                }
                return nil
            }
            if let found {
                return found
            }
        }
    }

    // MARK: Input

    /// Appends up to `chunkSize` bytes to `buffer`; returns `false` at end of input.
    private mutating func fill() throws(JSONError) -> Bool {
        guard !reachedEnd else {
            return false
        }
        switch source {
        case .memory(let bytes):
            let end = bytes.count - memoryOffset > chunkSize ? memoryOffset + chunkSize : bytes.count
            buffer.append(contentsOf: bytes[memoryOffset..<end])
            let added = end - memoryOffset
            memoryOffset = end
            if memoryOffset == bytes.count {
                reachedEnd = true
            }
            return added > 0
        case .file(let descriptor, _):
            // Read into a scratch buffer allocated once per reader, then append only what was
            // read: growing `buffer` by a chunk of zeros first costs a generic element-by-element
            // append per byte in unoptimised builds, which made small imports slow in tests.
            if scratch.count != chunkSize {
                scratch = [UInt8](repeating: 0, count: chunkSize)
            }
            var result: Int
            repeat {
                result = scratch.withUnsafeMutableBytes { raw -> Int in
                    guard let address = raw.baseAddress else {
                        return 0
                    }
                    return read(descriptor, address, chunkSize)
                }
            } while result < 0 && errno == EINTR
            let readError = errno
            if result > 0 {
                scratch.withUnsafeBufferPointer { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<result])) }
            }
            if result < 0 {
                reachedEnd = true
                throw JSONError(.ioError, "read failed: \(String(cString: strerror(readError)))", at: position)
            }
            if result == 0 {
                reachedEnd = true
                return false
            }
            return true
        }
    }
}
