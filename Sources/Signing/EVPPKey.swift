internal import COpenSSL

/// Owns one Ed25519 `EVP_PKEY`, public only or with its private half.
///
/// The key is freed in `deinit` and its pointer never leaves this module. Once made, the key is never
/// modified: every sign or verify operation gets its own `EVP_MD_CTX` (and through it its own
/// `EVP_PKEY_CTX`), which openssl-threads(7) names as the safe way for several threads to use one key at the
/// same time. Hence `@unchecked Sendable`.
/// https://www.openssl.org/docs/man3.0/man7/openssl-threads.html,
/// https://www.openssl.org/docs/man3.0/man7/EVP_SIGNATURE-ED25519.html
final class EVPPKey: @unchecked Sendable {
    /// Ed25519 raw key and signature sizes (RFC 8032 §5.1.5, §5.1.6).
    static let keyByteCount = 32
    static let signatureByteCount = 64

    /// The owned `EVP_PKEY *`.
    private let pointer: OpaquePointer

    /// Takes ownership of a key that OpenSSL returned with a reference for us.
    private init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    // MARK: Making keys

    /// Generates a new Ed25519 key from OpenSSL's CSPRNG (`EVP_PKEY_keygen`).
    ///
    /// `EVP_PKEY_Q_keygen` would be shorter, but it is variadic, and Swift cannot call variadic C functions.
    /// https://www.openssl.org/docs/man3.0/man3/EVP_PKEY_keygen.html
    static func generate() throws(SigningError) -> EVPPKey {
        let context = try openSSLCall("EVP_PKEY_CTX_new_id", EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nil))
        defer { EVP_PKEY_CTX_free(context) }
        try openSSLCall("EVP_PKEY_keygen_init", EVP_PKEY_keygen_init(context))
        var key: OpaquePointer?
        try openSSLCall("EVP_PKEY_keygen", EVP_PKEY_keygen(context, &key))
        return EVPPKey(taking: try openSSLCall("EVP_PKEY_keygen", key))
    }

    /// Makes a private key from a 32-byte RFC 8032 secret (`EVP_PKEY_new_raw_private_key`), which also
    /// derives the public key. https://www.openssl.org/docs/man3.0/man3/EVP_PKEY_new_raw_private_key.html
    static func privateKey(seed: [UInt8]) throws(SigningError) -> EVPPKey {
        guard seed.count == keyByteCount else {
            throw .make(.invalidKey, "an Ed25519 private key seed is 32 bytes, not \(seed.count)")
        }
        let key = seed.withUnsafeBufferPointer { buffer in
            EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, buffer.baseAddress, buffer.count)
        }
        do {
            return EVPPKey(taking: try openSSLCall("EVP_PKEY_new_raw_private_key", key))
        } catch {
            throw error.reclassified(as: .invalidKey, "OpenSSL rejected the Ed25519 seed")
        }
    }

    /// Makes a public key from its 32-byte encoding (`EVP_PKEY_new_raw_public_key`).
    ///
    /// OpenSSL only copies the bytes; an encoding that is not a curve point is not rejected here, but no
    /// signature will ever verify under it.
    /// https://www.openssl.org/docs/man3.0/man3/EVP_PKEY_new_raw_public_key.html
    static func publicKey(raw: [UInt8]) throws(SigningError) -> EVPPKey {
        guard raw.count == keyByteCount else {
            throw .make(.invalidKey, "an Ed25519 public key is 32 bytes, not \(raw.count)")
        }
        let key = raw.withUnsafeBufferPointer { buffer in
            EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, buffer.baseAddress, buffer.count)
        }
        do {
            return EVPPKey(taking: try openSSLCall("EVP_PKEY_new_raw_public_key", key))
        } catch {
            throw error.reclassified(as: .invalidKey, "OpenSSL rejected the Ed25519 public key")
        }
    }

    /// Reads a PKCS#8 PEM private key (`PEM_read_bio_PrivateKey`) and insists that it is an Ed25519 key
    /// with its private half.
    ///
    /// Encrypted keys are refused through a passphrase callback that always fails: with a NULL callback
    /// OpenSSL would fall back to prompting on the terminal, which a server must never do.
    /// https://www.openssl.org/docs/man3.0/man3/PEM_read_bio_PrivateKey.html
    static func privateKey(pem: [UInt8]) throws(SigningError) -> EVPPKey {
        let read = try MemoryBIO.reading(pem) { bio in
            PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in -1 }, nil)
        }
        let key: EVPPKey
        do {
            key = EVPPKey(taking: try openSSLCall("PEM_read_bio_PrivateKey", read))
        } catch {
            throw error.reclassified(as: .invalidPEM, "not an unencrypted PKCS#8 PEM private key")
        }
        guard key.isEd25519 else {
            throw .make(.invalidPEM, "the PEM private key is not an Ed25519 key")
        }
        guard key.hasPrivateKey else {
            throw .make(.invalidPEM, "the PEM holds no Ed25519 private key")
        }
        return key
    }

    /// Reads a SubjectPublicKeyInfo PEM public key (`PEM_read_bio_PUBKEY`) and insists that it is Ed25519.
    /// https://www.openssl.org/docs/man3.0/man3/PEM_read_bio_PUBKEY.html
    static func publicKey(pem: [UInt8]) throws(SigningError) -> EVPPKey {
        let read = try MemoryBIO.reading(pem) { bio in
            PEM_read_bio_PUBKEY(bio, nil, { _, _, _, _ in -1 }, nil)
        }
        let key: EVPPKey
        do {
            key = EVPPKey(taking: try openSSLCall("PEM_read_bio_PUBKEY", read))
        } catch {
            throw error.reclassified(as: .invalidPEM, "not a SubjectPublicKeyInfo PEM public key")
        }
        guard key.isEd25519 else {
            throw .make(.invalidPEM, "the PEM public key is not an Ed25519 key")
        }
        return key
    }

    // MARK: Reading keys

    /// Whether the key's type is Ed25519 (`EVP_PKEY_get_id`).
    /// https://www.openssl.org/docs/man3.0/man3/EVP_PKEY_get_id.html
    private var isEd25519: Bool {
        EVP_PKEY_get_id(pointer) == EVP_PKEY_ED25519
    }

    /// Whether the private half is present: asks for its length only, so no secret is copied out.
    private var hasPrivateKey: Bool {
        var length = 0
        guard EVP_PKEY_get_raw_private_key(pointer, nil, &length) == 1 else {
            clearOpenSSLErrors()
            return false
        }
        return length == EVPPKey.keyByteCount
    }

    /// The 32-byte public key (`EVP_PKEY_get_raw_public_key`).
    /// https://www.openssl.org/docs/man3.0/man3/EVP_PKEY_get_raw_public_key.html
    func rawPublicKey() throws(SigningError) -> [UInt8] {
        var length = EVPPKey.keyByteCount
        var bytes = [UInt8](repeating: 0, count: length)
        let result = bytes.withUnsafeMutableBufferPointer { buffer in
            EVP_PKEY_get_raw_public_key(pointer, buffer.baseAddress, &length)
        }
        try openSSLCall("EVP_PKEY_get_raw_public_key", result)
        guard length == EVPPKey.keyByteCount else {
            throw .make(.invalidKey, "OpenSSL returned a \(length)-byte Ed25519 public key")
        }
        return bytes
    }

    /// The private key as unencrypted PKCS#8 PEM (`PEM_write_bio_PrivateKey`, which writes PKCS#8 in
    /// OpenSSL 3). The caller must `cleanse` the returned bytes.
    /// https://www.openssl.org/docs/man3.0/man3/PEM_write_bio_PrivateKey.html
    func privateKeyPEM() throws(SigningError) -> [UInt8] {
        let bio = try MemoryBIO(secure: true)
        // No cipher, no passphrase: unencrypted PKCS#8.
        let result = PEM_write_bio_PrivateKey(bio.pointer, pointer, nil, nil, 0, nil, nil)
        try openSSLCall("PEM_write_bio_PrivateKey", result)
        return try bio.readAll()
    }

    /// The public key as SubjectPublicKeyInfo PEM (`PEM_write_bio_PUBKEY`).
    /// https://www.openssl.org/docs/man3.0/man3/PEM_write_bio_PUBKEY.html
    func publicKeyPEM() throws(SigningError) -> [UInt8] {
        let bio = try MemoryBIO(secure: false)
        try openSSLCall("PEM_write_bio_PUBKEY", PEM_write_bio_PUBKEY(bio.pointer, pointer))
        return try bio.readAll()
    }

    // MARK: Signatures

    /// Signs `message` with PureEdDSA: one-shot `EVP_DigestSign` after `EVP_DigestSignInit` with a NULL
    /// digest, as Ed25519 requires. https://www.openssl.org/docs/man3.0/man3/EVP_DigestSign.html
    func sign(_ message: [UInt8]) throws(SigningError) -> [UInt8] {
        let context = try MDContext()
        try openSSLCall("EVP_DigestSignInit", EVP_DigestSignInit(context.pointer, nil, nil, nil, pointer))
        var length = EVPPKey.signatureByteCount
        var signature = [UInt8](repeating: 0, count: length)
        let result = signature.withUnsafeMutableBufferPointer { output in
            message.withUnsafeBufferPointer { input in
                EVP_DigestSign(context.pointer, output.baseAddress, &length, input.baseAddress, input.count)
            }
        }
        try openSSLCall("EVP_DigestSign", result)
        guard length == EVPPKey.signatureByteCount else {
            throw .make(.openSSL, "EVP_DigestSign returned a \(length)-byte Ed25519 signature")
        }
        return signature
    }

    /// Verifies `signature` over `message` (one-shot `EVP_DigestVerify`, NULL digest).
    ///
    /// Any failure, including one in OpenSSL, is a `false`; the error queue is cleared so that it does not
    /// confuse a later call. https://www.openssl.org/docs/man3.0/man3/EVP_DigestVerify.html
    func verify(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard let context = try? MDContext() else {
            return false
        }
        guard EVP_DigestVerifyInit(context.pointer, nil, nil, nil, pointer) == 1 else {
            clearOpenSSLErrors()
            return false
        }
        let result = signature.withUnsafeBufferPointer { signature in
            message.withUnsafeBufferPointer { message in
                EVP_DigestVerify(context.pointer, signature.baseAddress, signature.count, message.baseAddress,
                                 message.count)
            }
        }
        guard result == 1 else {
            clearOpenSSLErrors()
            return false
        }
        return true
    }
}
