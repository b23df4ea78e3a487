internal import COpenSSL

/// Comparisons whose running time does not depend on the contents being compared.
public enum ConstantTime {
    /// Returns whether `a` and `b` hold the same bytes, in time that depends only on their lengths.
    ///
    /// Use it for secrets and MACs, where an early exit at the first differing byte would tell an attacker
    /// how much of a guess was right. Arrays of different lengths are unequal, but their common prefix is
    /// still compared in full, so the time reveals the lengths and nothing else. Wraps `CRYPTO_memcmp`.
    /// https://www.openssl.org/docs/man3.0/man3/CRYPTO_memcmp.html
    ///
    /// - Returns: `true` if the lengths and all bytes are equal.
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let common = min(a.count, b.count)
        let difference = a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in
                common == 0 ? 0 : CRYPTO_memcmp(left.baseAddress, right.baseAddress, common)
            }
        }
        return (difference == 0) && (a.count == b.count)
    }
}
