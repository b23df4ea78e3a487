internal import COpenSSL

/// Incremental SHA-256: feed data with ``update(_:)`` as it arrives, then take the digest with
/// ``finalize()``.
///
/// The hasher is non-copyable because it owns an OpenSSL digest context (`EVP_MD_CTX`) whose state would
/// otherwise be shared between copies; `finalize()` consumes it, so it cannot be used after the digest is
/// taken. Wraps `EVP_DigestInit_ex`, `EVP_DigestUpdate` and `EVP_DigestFinal_ex`.
/// https://www.openssl.org/docs/man3.0/man3/EVP_DigestInit_ex.html
///
/// ```swift
/// var hasher = SHA256Hasher()
/// hasher.update(header)
/// hasher.update(body)
/// let digest = hasher.finalize()
/// ```
public struct SHA256Hasher: ~Copyable, @unchecked Sendable {
    // @unchecked: the context is owned by exactly one non-copyable value, and every use of it goes through a
    // `mutating` or `consuming` method, so the compiler's exclusivity rules already forbid two threads from
    // touching it at once.
    private let context: MDContext

    /// Starts a new SHA-256 computation.
    ///
    /// Allocation failure inside OpenSSL stops the process, as Swift's own allocation failures do.
    public init() {
        do {
            context = try MDContext()
        } catch {
            fatalError("\(error)")
        }
        openSSLRequire("EVP_DigestInit_ex",
                       EVP_DigestInit_ex(context.pointer, MessageDigest.sha256.pointer, nil))
    }

    /// Adds `bytes` to the data being hashed.
    ///
    /// Arrays, array slices and `String.UTF8View` are hashed in place; other sequences are copied first.
    ///
    /// - Parameter bytes: The next piece of data.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let result = bytes.withContiguousBytes { input in
            EVP_DigestUpdate(context.pointer, input.baseAddress, input.count)
        }
        openSSLRequire("EVP_DigestUpdate", result)
    }

    /// Finishes the computation and returns the digest of everything passed to ``update(_:)``.
    ///
    /// - Returns: The 32-byte digest.
    public consuming func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: SHA256.byteCount)
        var length: UInt32 = 0
        let result = digest.withUnsafeMutableBufferPointer { output in
            EVP_DigestFinal_ex(context.pointer, output.baseAddress, &length)
        }
        openSSLRequire("EVP_DigestFinal_ex", result)
        precondition(length == SHA256.byteCount, "EVP_DigestFinal_ex returned a \(length)-byte digest")
        return digest
    }
}
