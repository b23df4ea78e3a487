internal import COpenSSL

/// Owns one `EVP_MD_CTX`, the state of a digest or of a one-shot Ed25519 sign or verify operation.
///
/// The context is freed in `deinit` and its pointer never leaves this module. A context is not safe for
/// simultaneous use, so each operation makes its own.
/// https://www.openssl.org/docs/man3.0/man3/EVP_MD_CTX_new.html
final class MDContext {
    /// The owned `EVP_MD_CTX *`; valid for the lifetime of `self`.
    let pointer: OpaquePointer

    /// Allocates a fresh context (`EVP_MD_CTX_new`).
    init() throws(SigningError) {
        pointer = try openSSLCall("EVP_MD_CTX_new", EVP_MD_CTX_new())
    }

    deinit {
        EVP_MD_CTX_free(pointer)
    }
}
