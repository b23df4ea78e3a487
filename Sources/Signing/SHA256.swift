internal import COpenSSL

/// One-shot SHA-256 (FIPS 180-4) through OpenSSL.
///
/// Digests are plain 32-byte arrays. For data that arrives in pieces, use ``SHA256Hasher``.
public enum SHA256 {
    /// The size of a SHA-256 digest in bytes.
    public static let byteCount = 32

    /// Returns the SHA-256 digest of `bytes`.
    ///
    /// Arrays, array slices and `String.UTF8View` are hashed in place; other sequences are copied into an
    /// array first. Wraps `EVP_Digest` with an explicitly fetched SHA-256.
    /// https://www.openssl.org/docs/man3.0/man3/EVP_Digest.html
    ///
    /// - Parameter bytes: The data to hash.
    /// - Returns: The 32-byte digest.
    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: byteCount)
        var length: UInt32 = 0
        let result = bytes.withContiguousBytes { input in
            digest.withUnsafeMutableBufferPointer { output in
                EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length,
                           MessageDigest.sha256.pointer, nil)
            }
        }
        openSSLRequire("EVP_Digest", result)
        precondition(length == byteCount, "EVP_Digest returned a \(length)-byte SHA-256 digest")
        return digest
    }

    /// Returns the SHA-256 digest of the concatenation of `parts`, without concatenating them.
    ///
    /// `hash(parts: [a, b])` equals `hash(a + b)`: the parts are fed to one digest context in order, so no
    /// framing is added. Use it for a fixed layout whose boundaries are already unambiguous.
    ///
    /// - Parameter parts: The pieces, in order.
    /// - Returns: The 32-byte digest.
    public static func hash(parts: [[UInt8]]) -> [UInt8] {
        var hasher = SHA256Hasher()
        for part in parts {
            hasher.update(part)
        }
        return hasher.finalize()
    }
}
