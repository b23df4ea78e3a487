internal import COpenSSL

/// Owns one fetched `EVP_MD`, an algorithm implementation from an OpenSSL provider.
///
/// OpenSSL 3 looks the implementation up again on every use of `EVP_sha256()` ("implicit fetch"), which
/// costs noticeably for short inputs; fetching once and keeping the result is what the OpenSSL 3 migration
/// guide recommends. A fetched `EVP_MD` is immutable and reference counted, so sharing it between threads
/// is safe; hence `@unchecked Sendable`.
/// https://www.openssl.org/docs/man3.0/man7/crypto.html ("Explicit fetching"),
/// https://www.openssl.org/docs/man3.0/man3/EVP_MD_fetch.html
final class MessageDigest: @unchecked Sendable {
    /// The owned `EVP_MD *`; valid for the lifetime of `self`.
    let pointer: OpaquePointer

    /// SHA-256 from the default library context, fetched on first use.
    static let sha256 = MessageDigest(fetching: "SHA2-256")

    /// Fetches algorithm `name`; without it nothing in this module works, so failure stops the process.
    private init(fetching name: String) {
        do {
            pointer = try openSSLCall("EVP_MD_fetch", EVP_MD_fetch(nil, name, nil))
        } catch {
            fatalError("cannot fetch \(name) from OpenSSL: \(error)")
        }
    }

    deinit {
        EVP_MD_free(pointer)
    }
}
