internal import COpenSSL

/// Owns one writable memory `BIO`, the in-memory sink that the PEM writers print into.
///
/// The BIO is freed in `deinit` and its pointer never leaves this module.
/// https://www.openssl.org/docs/man3.0/man3/BIO_s_mem.html
final class MemoryBIO {
    /// The owned `BIO *`; valid for the lifetime of `self`.
    let pointer: OpaquePointer

    /// Creates an empty, growable memory BIO.
    ///
    /// - Parameter secure: Use `BIO_s_secmem()`, whose buffer is allocated with `OPENSSL_secure_malloc` and
    ///   wiped (`OPENSSL_cleanse`) when it grows or is freed, for private key PEM. Without a secure heap
    ///   (`CRYPTO_secure_malloc_init`) the memory is ordinary, but the wiping still happens.
    init(secure: Bool) throws(SigningError) {
        let method = secure ? BIO_s_secmem() : BIO_s_mem()
        pointer = try openSSLCall("BIO_new", BIO_new(method))
    }

    deinit {
        BIO_free(pointer)
    }

    /// Reads everything written so far.
    ///
    /// Uses `BIO_ctrl_pending` and `BIO_read` (functions) rather than `BIO_get_mem_data` (a macro that Swift
    /// cannot import), which avoids a C shim. https://www.openssl.org/docs/man3.0/man3/BIO_read.html
    func readAll() throws(SigningError) -> [UInt8] {
        let pending = BIO_ctrl_pending(pointer)
        guard pending > 0, pending <= Int(Int32.max) else {
            throw .make(.openSSL, "memory BIO holds \(pending) bytes")
        }
        var bytes = [UInt8](repeating: 0, count: pending)
        let count = bytes.withUnsafeMutableBytes { buffer in
            BIO_read(pointer, buffer.baseAddress, Int32(buffer.count))
        }
        guard count == Int32(pending) else {
            throw openSSLFailure("BIO_read")
        }
        return bytes
    }

    /// Calls `body` with a read-only memory BIO over `bytes` (`BIO_new_mem_buf`), freed before returning.
    ///
    /// `BIO_new_mem_buf` does not copy, so the BIO must not outlive the buffer: it lives only inside this
    /// call. https://www.openssl.org/docs/man3.0/man3/BIO_new_mem_buf.html
    ///
    /// - Returns: What `body` returned.
    /// - Throws: ``SigningError/openSSL`` if the BIO cannot be made.
    static func reading<Value>(
        _ bytes: [UInt8],
        _ body: (OpaquePointer) -> Value
    ) throws(SigningError) -> Value {
        guard !bytes.isEmpty, bytes.count <= Int(Int32.max) else {
            throw .make(.invalidPEM, "PEM input is empty or too large (\(bytes.count) bytes)")
        }
        let result: Value? = bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else {
                return nil
            }
            defer { BIO_free(bio) }
            return body(bio)
        }
        guard let result else {
            throw openSSLFailure("BIO_new_mem_buf")
        }
        return result
    }
}
