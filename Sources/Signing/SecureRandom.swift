internal import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's CSPRNG.
public enum SecureRandom {
    /// Returns `count` random bytes from `RAND_bytes`.
    ///
    /// OpenSSL seeds its generator from the operating system. If it cannot produce bytes (an unseedable
    /// generator), the process stops rather than returning weak randomness, as Swift's
    /// `SystemRandomNumberGenerator` does. https://www.openssl.org/docs/man3.0/man3/RAND_bytes.html
    ///
    /// - Parameter count: How many bytes; must not be negative.
    /// - Returns: `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "SecureRandom.bytes: negative count \(count)")
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBufferPointer { buffer in
            // RAND_bytes takes an `int` length, so larger requests are filled in pieces.
            var offset = 0
            while offset < buffer.count {
                let chunk = min(buffer.count - offset, Int(Int32.max))
                openSSLRequire("RAND_bytes", RAND_bytes(buffer.baseAddress! + offset, Int32(chunk)))
                offset += chunk
            }
        }
        return bytes
    }
}
