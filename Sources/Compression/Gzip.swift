internal import CZlib

/// One-shot gzip (RFC 1952) compression and bounded decompression, on zlib.
///
/// Immutable feed pages are compressed once, when published, and served as they are; peers decompress what they
/// fetch. Compression is deterministic: the same bytes at the same level give the same output on every run,
/// because the header carries no file name and a modification time of 0 (zlib's default when no header is set
/// with `deflateSetHeader`). Decompression takes a ceiling on the output size, so a small hostile input that
/// expands to gigabytes (a "gzip bomb") fails after producing at most `maxOutput + 1` bytes.
///
/// Related zlib documentation: <https://zlib.net/manual.html>
public enum Gzip {
    /// Compresses `bytes` into one gzip member.
    ///
    /// - Parameters:
    ///   - bytes: The data to compress; may be empty.
    ///   - level: 0 (store only) to 9 (smallest output, the default), or -1 for zlib's default (6).
    /// - Returns: A complete gzip file: a 10-byte header (no name, modification time 0), the deflate data, and
    ///   the CRC-32 and length trailer.
    /// - Throws: ``CompressionError/zlib`` for an invalid level or when zlib runs out of memory.
    public static func compress(_ bytes: [UInt8], level: Int32 = 9) throws(CompressionError) -> [UInt8] {
        let stream = try ZStream.deflating(level: level)
        let z = stream.pointer
        // deflateBound accounts for the gzip header and trailer of this stream, so one buffer of that size
        // always holds the whole output and deflate finishes without growing it.
        let capacity = Int(deflateBound(z, uLong(bytes.count)))
        var failure: Int32?
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initializedCount in
            failure = bytes.withUnsafeBufferPointer { input in
                deflateAll(z, input: input, output: buffer, produced: &initializedCount)
            }
        }
        if let failure {
            throw .zlib(function: "deflate", code: failure, message: stream.message, "compressing \(bytes.count) bytes")
        }
        return output
    }

    /// Runs deflate over all of `input` with `Z_FINISH` at the end, writing into `output`.
    ///
    /// `avail_in` and `avail_out` are 32-bit, so more than 4 GiB is fed in slices.
    ///
    /// - Returns: `nil` on success, or zlib's return code when deflate failed.
    private static func deflateAll(
        _ z: UnsafeMutablePointer<z_stream>, input: UnsafeBufferPointer<UInt8>,
        output: UnsafeMutableBufferPointer<UInt8>, produced: inout Int
    ) -> Int32? {
        var consumed = 0
        while true {
            let inSlice = min(input.count - consumed, Int(UInt32.max))
            let outSlice = min(output.count - produced, Int(UInt32.max))
            let last = consumed + inSlice == input.count
            // zlib never writes through next_in; the C declaration is merely not const.
            z.pointee.next_in = input.baseAddress.map { UnsafeMutablePointer(mutating: $0 + consumed) }
            z.pointee.avail_in = uInt(inSlice)
            z.pointee.next_out = output.baseAddress.map { $0 + produced }
            z.pointee.avail_out = uInt(outSlice)
            let code = deflate(z, last ? Z_FINISH : Z_NO_FLUSH)
            consumed += inSlice - Int(z.pointee.avail_in)
            produced += outSlice - Int(z.pointee.avail_out)
            switch code {
            case Z_STREAM_END:
                return nil
            case Z_OK, Z_BUF_ERROR:
                // More to do. With deflateBound's capacity the output cannot run out; if it ever did, stop
                // rather than loop without progress.
                if produced == output.count {
                    return Z_BUF_ERROR
                }
            default:
                return code
            }
        }
    }

    /// Decompresses one complete gzip member, refusing output larger than `maxOutput` bytes.
    ///
    /// The input must be exactly one gzip member: a truncated member, a bad header, a CRC-32 or length
    /// mismatch, and any bytes after the member's trailer (including a second, concatenated member) are
    /// refused. The output buffer grows by doubling up to `maxOutput + 1` bytes, so memory use is bounded by
    /// the ceiling, not by what the input claims.
    ///
    /// - Parameters:
    ///   - bytes: A gzip file.
    ///   - maxOutput: The largest acceptable decompressed size, in bytes; must not be negative.
    /// - Returns: The decompressed bytes.
    /// - Throws: ``CompressionError/outputTooLarge`` as soon as the output would exceed `maxOutput`;
    ///   ``CompressionError/corrupt`` for input that is not one well-formed gzip member;
    ///   ``CompressionError/zlib`` when zlib runs out of memory.
    public static func decompress(_ bytes: [UInt8], maxOutput: Int) throws(CompressionError) -> [UInt8] {
        precondition(maxOutput >= 0, "maxOutput must not be negative")
        let stream = try ZStream.inflating()
        let z = stream.pointer
        // Room for one byte beyond the ceiling: producing it is how an over-long output is detected.
        let ceiling = maxOutput == Int.max ? Int.max : maxOutput + 1
        var output = [UInt8](repeating: 0, count: min(ceiling, max(bytes.count * 4, 16 * 1024)))
        var consumed = 0
        var produced = 0
        while true {
            if produced == output.count {
                if produced >= ceiling {
                    throw .make(.outputTooLarge, "more than \(maxOutput) bytes")
                }
                let grown = min(ceiling, output.count > ceiling / 2 ? ceiling : output.count * 2)
                output.append(contentsOf: repeatElement(0, count: grown - output.count))
            }
            let inSlice = min(bytes.count - consumed, Int(UInt32.max))
            let outSlice = min(output.count - produced, Int(UInt32.max))
            let code = bytes.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { buffer in
                    // zlib never writes through next_in; the C declaration is merely not const.
                    z.pointee.next_in = input.baseAddress.map { UnsafeMutablePointer(mutating: $0 + consumed) }
                    z.pointee.avail_in = uInt(inSlice)
                    z.pointee.next_out = buffer.baseAddress.map { $0 + produced }
                    z.pointee.avail_out = uInt(outSlice)
                    return inflate(z, Z_NO_FLUSH)
                }
            }
            let used = inSlice - Int(z.pointee.avail_in)
            let made = outSlice - Int(z.pointee.avail_out)
            consumed += used
            produced += made
            if produced > maxOutput {
                throw .make(.outputTooLarge, "more than \(maxOutput) bytes")
            }
            switch code {
            case Z_STREAM_END:
                guard consumed == bytes.count else {
                    throw .make(.corrupt, "\(bytes.count - consumed) bytes after the end of the gzip member")
                }
                output.removeLast(output.count - produced)
                return output
            case Z_OK, Z_BUF_ERROR:
                // Z_BUF_ERROR means no progress was possible. With output space left, that can only be
                // because the input ran out before the member ended.
                if used == 0 && made == 0 && produced < output.count {
                    throw .make(.corrupt, "truncated after \(bytes.count) bytes")
                }
            default:
                throw .zlib(function: "inflate", code: code, message: stream.message, "at input byte \(consumed)")
            }
        }
    }
}
