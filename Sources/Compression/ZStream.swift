internal import CZlib

/// Owns one `z_stream` set up for gzip (RFC 1952) deflation or inflation.
///
/// zlib's internal state keeps a pointer back to its `z_stream` and refuses to work (`Z_STREAM_ERROR`) when the
/// struct has moved, so the struct lives in memory allocated here, never in a Swift variable whose address may
/// change between calls. The stream is ended (`deflateEnd` / `inflateEnd`) and freed in `deinit`; its pointer
/// never leaves this module. A stream is not safe for simultaneous use, so each operation makes its own.
///
/// Related zlib documentation: <https://zlib.net/manual.html#Advanced>
final class ZStream {
    /// Which half of zlib the stream was initialised for; decides the `…End` call in `deinit`.
    enum Direction {
        case deflate
        case inflate
    }

    /// `windowBits` for gzip: 15 (the largest window, 32 KiB) plus 16, which selects the gzip wrapper instead
    /// of zlib's (RFC 1950) for both deflate and inflate.
    static let gzipWindowBits: Int32 = 15 + 16

    /// The owned `z_stream`; valid for the lifetime of `self`.
    let pointer: UnsafeMutablePointer<z_stream>
    private let direction: Direction

    private init(direction: Direction) {
        // A zeroed z_stream: zalloc, zfree and opaque are Z_NULL, so zlib uses malloc and free.
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: z_stream())
        self.direction = direction
    }

    /// A stream that writes one gzip member.
    ///
    /// `deflateInit2` is a macro that passes `ZLIB_VERSION` and `sizeof(z_stream)` so zlib can check that the
    /// headers match the library; Swift cannot expand it, so this calls `deflateInit2_` with the same values.
    /// Without `deflateSetHeader`, zlib writes a minimal header: no file name, no comment, and modification
    /// time 0, so equal input gives equal output.
    ///
    /// - Parameter level: 0 (store) to 9 (smallest), or -1 (`Z_DEFAULT_COMPRESSION`, which is 6).
    /// - Throws: ``CompressionError/zlib`` for an invalid level or when zlib cannot allocate its state.
    /// Related zlib documentation: <https://zlib.net/manual.html#Advanced> (deflateInit2)
    static func deflating(level: Int32) throws(CompressionError) -> ZStream {
        let stream = ZStream(direction: .deflate)
        let code = deflateInit2_(
            stream.pointer, level, Z_DEFLATED, gzipWindowBits, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
            Int32(MemoryLayout<z_stream>.size))
        try stream.check("deflateInit2_", code, "cannot start compression at level \(level)")
        return stream
    }

    /// A stream that reads one gzip member (and only gzip: raw deflate and zlib streams are refused).
    ///
    /// `inflateInit2` is a macro like `deflateInit2`; this calls `inflateInit2_` directly.
    ///
    /// - Throws: ``CompressionError/zlib`` when zlib cannot allocate its state.
    /// Related zlib documentation: <https://zlib.net/manual.html#Advanced> (inflateInit2)
    static func inflating() throws(CompressionError) -> ZStream {
        let stream = ZStream(direction: .inflate)
        let code = inflateInit2_(stream.pointer, gzipWindowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        try stream.check("inflateInit2_", code, "cannot start decompression")
        return stream
    }

    deinit {
        // Safe on a stream whose init failed: zlib returns Z_STREAM_ERROR for a NULL state and frees nothing.
        switch direction {
        case .deflate: deflateEnd(pointer)
        case .inflate: inflateEnd(pointer)
        }
        pointer.deinitialize(count: 1)
        pointer.deallocate()
    }

    /// zlib's message for the last error on this stream (`msg`), if it set one.
    var message: String? {
        pointer.pointee.msg.map { String(cString: $0) }
    }

    /// Throws when `code` is not `Z_OK`, keeping the code and the stream's message.
    func check(_ function: String, _ code: Int32, _ detail: @autoclosure () -> String) throws(CompressionError) {
        guard code == Z_OK else {
            throw .zlib(function: function, code: code, message: message, detail())
        }
    }
}

@available(*, unavailable)
extension ZStream: Sendable {}
