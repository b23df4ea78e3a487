#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a JSON array to a file one element at a time, one element per line.
///
/// The output looks like `[\n` element `,\n` element … `\n]\n` (an empty array is `[]\n`), with each
/// element in canonical JCS form, so a million-record file can be generated with constant memory and
/// read back with `JSONArrayStreamReader`, which then reports element *n* on line *n* + 2. Output is
/// buffered and written with POSIX `write` in chunks of about 1 MiB.
///
/// Call `finish()` to write the closing bracket and close the file. A writer destroyed without
/// `finish()` closes the file without completing it, leaving an invalid (truncated) array on disk
/// rather than one that looks complete.
public final class JSONStreamWriter {
    private static let flushThreshold = 1 << 20

    private let path: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private var elementCount = 0

    /// The number of elements appended so far.
    public var count: Int {
        elementCount
    }

    /// Creates (or truncates) the file at `path`.
    public init(path: String) throws(JSONError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw JSONError(.ioError, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.descriptor = descriptor
        buffer.reserveCapacity(Self.flushThreshold + 64 * 1024)
    }

    deinit {
        if descriptor >= 0 {
            close(descriptor)
        }
    }

    /// Appends `value` as the next array element, in canonical (JCS) form on its own line.
    ///
    /// Throws `JSONError.nonFiniteNumber` for values without a JSON form (nothing is written then),
    /// and `JSONError.ioError` if writing fails or the writer is already finished.
    public func append(_ value: JSONValue) throws(JSONError) {
        guard descriptor >= 0 else {
            throw JSONError(.ioError, "cannot append to \(path): the writer is already finished")
        }
        let element = try JCS.canonicalize(value)
        buffer.append(elementCount == 0 ? UInt8(ascii: "[") : UInt8(ascii: ","))
        buffer.append(0x0A)
        buffer.append(contentsOf: element)
        elementCount += 1
        if buffer.count >= Self.flushThreshold {
            try flush()
        }
    }

    /// Writes the closing bracket, flushes and closes the file; later calls do nothing.
    public func finish() throws(JSONError) {
        guard descriptor >= 0 else {
            return
        }
        if elementCount == 0 {
            buffer.append(contentsOf: Array("[]\n".utf8))
        } else {
            buffer.append(contentsOf: Array("\n]\n".utf8))
        }
        defer {
            close(descriptor)
            descriptor = -1
        }
        try flush()
    }

    private func flush() throws(JSONError) {
        var written = 0
        while written < buffer.count {
            let result = buffer.withUnsafeBytes { raw -> Int in
                guard let address = raw.baseAddress else {
                    return 0
                }
                return write(descriptor, address + written, raw.count - written)
            }
            if result < 0 {
                if errno == EINTR {
                    continue
                }
                throw JSONError(.ioError, "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            written += result
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
