/// An Ed25519 signing key (RFC 8032 PureEdDSA), held inside OpenSSL.
///
/// The secret never appears as a Swift value unless you ask for ``pemRepresentation``; copies of it that
/// this module makes along the way are wiped. A key can sign from several tasks at once.
///
/// ```swift
/// let key = try Ed25519PrivateKey()
/// let signature = try key.signature(for: message)
/// assert(key.publicKey.isValidSignature(signature, for: message))
/// ```
public struct Ed25519PrivateKey: Sendable, CustomStringConvertible {
    private let key: EVPPKey

    /// The matching public key, derived once when the private key is made.
    public let publicKey: Ed25519PublicKey

    private init(key: EVPPKey) throws(SigningError) {
        self.key = key
        // A separate public-only OpenSSL key, so that holding the public key never keeps the secret alive.
        self.publicKey = try Ed25519PublicKey(rawRepresentation: key.rawPublicKey())
    }

    /// Generates a new random key with OpenSSL's CSPRNG (`EVP_PKEY_keygen`).
    /// https://www.openssl.org/docs/man3.0/man3/EVP_PKEY_keygen.html
    ///
    /// - Throws: ``SigningError/openSSL`` if OpenSSL cannot generate a key.
    public init() throws(SigningError) {
        try self.init(key: EVPPKey.generate())
    }

    /// Makes the key whose RFC 8032 secret is `seed` (`EVP_PKEY_new_raw_private_key`).
    ///
    /// The seed is the 32-byte private key of RFC 8032 §5.1.5, not the 64-byte "seed ‖ public key" form some
    /// libraries use. The caller's array is read in place and not copied.
    /// https://www.openssl.org/docs/man3.0/man3/EVP_PKEY_new_raw_private_key.html
    ///
    /// - Parameter seed: Exactly 32 bytes.
    /// - Throws: ``SigningError/invalidKey`` for any other length.
    public init(seed: [UInt8]) throws(SigningError) {
        try self.init(key: EVPPKey.privateKey(seed: seed))
    }

    /// Reads an unencrypted PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`), as written by
    /// ``pemRepresentation`` or `openssl genpkey -algorithm ed25519` (`PEM_read_bio_PrivateKey`).
    ///
    /// Text before the PEM block is skipped, as OpenSSL does. Encrypted keys are rejected without asking for
    /// a passphrase. https://www.openssl.org/docs/man3.0/man3/PEM_read_bio_PrivateKey.html
    ///
    /// - Parameter pemRepresentation: The PEM text.
    /// - Throws: ``SigningError/invalidPEM`` if it is not an unencrypted Ed25519 private key.
    public init(pemRepresentation: String) throws(SigningError) {
        var bytes = Array(pemRepresentation.utf8)
        defer { cleanse(&bytes) }
        try self.init(pemBytes: bytes)
    }

    /// Reads PEM from bytes, so that ``KeyFile`` can wipe the file contents afterwards.
    init(pemBytes: [UInt8]) throws(SigningError) {
        try self.init(key: EVPPKey.privateKey(pem: pemBytes))
    }

    /// The key as unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), readable by
    /// ``init(pemRepresentation:)`` and by `openssl pkey` (`PEM_write_bio_PrivateKey`).
    ///
    /// The result contains the secret and, being a `String`, cannot be wiped: prefer ``KeyFile`` for
    /// storing keys. https://www.openssl.org/docs/man3.0/man3/PEM_write_bio_PrivateKey.html
    public var pemRepresentation: String {
        var bytes = pemBytes()
        defer { cleanse(&bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The PEM as bytes, which the caller must `cleanse`. Failure can only be memory exhaustion inside
    /// OpenSSL, which stops the process like Swift's own allocation failures.
    func pemBytes() -> [UInt8] {
        do {
            return try key.privateKeyPEM()
        } catch {
            fatalError("\(error)")
        }
    }

    /// Signs `message` (PureEdDSA: the message itself is signed, not a digest of it).
    ///
    /// Ed25519 signatures are deterministic: the same key and message always give the same signature.
    /// Wraps one-shot `EVP_DigestSign` with a NULL digest.
    /// https://www.openssl.org/docs/man3.0/man3/EVP_DigestSign.html
    ///
    /// - Parameter message: The bytes to sign, of any length.
    /// - Returns: The 64-byte signature `R ‖ S`.
    /// - Throws: ``SigningError/openSSL`` if OpenSSL fails.
    public func signature(for message: [UInt8]) throws(SigningError) -> [UInt8] {
        try key.sign(message)
    }

    /// Names the key by its public half only, so that logging a private key never prints the secret.
    public var description: String {
        "Ed25519PrivateKey(public: \(publicKey.text))"
    }
}
