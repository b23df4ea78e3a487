/// An Ed25519 verification key (RFC 8032 PureEdDSA).
///
/// Two keys are equal when their 32-byte encodings are equal. The textual form ``text``,
/// `ed25519:<base64>`, is how keys appear in configuration and signed objects; ``keyID`` is the short
/// identifier that signed objects carry.
public struct Ed25519PublicKey: Sendable, Hashable, CustomStringConvertible {
    private static let textPrefix = "ed25519:"

    /// The 32-byte public key encoding of RFC 8032 §5.1.5.
    public let rawRepresentation: [UInt8]

    /// The same key inside OpenSSL, made once so that verifying does not rebuild it every time.
    private let key: EVPPKey

    /// Wraps a public key read by OpenSSL.
    private init(key: EVPPKey) throws(SigningError) {
        self.key = key
        self.rawRepresentation = try key.rawPublicKey()
    }

    /// Makes a key from its 32-byte encoding (`EVP_PKEY_new_raw_public_key`).
    ///
    /// Only the length is checked: an encoding that is not a point on the curve is accepted, but no
    /// signature verifies under it. https://www.openssl.org/docs/man3.0/man3/EVP_PKEY_new_raw_public_key.html
    ///
    /// - Parameter rawRepresentation: Exactly 32 bytes.
    /// - Throws: ``SigningError/invalidKey`` for any other length.
    public init(rawRepresentation: [UInt8]) throws(SigningError) {
        key = try EVPPKey.publicKey(raw: rawRepresentation)
        self.rawRepresentation = rawRepresentation
    }

    /// Reads a SubjectPublicKeyInfo PEM public key (`-----BEGIN PUBLIC KEY-----`), as written by
    /// ``pemRepresentation`` or `openssl pkey -pubout` (`PEM_read_bio_PUBKEY`).
    /// https://www.openssl.org/docs/man3.0/man3/PEM_read_bio_PUBKEY.html
    ///
    /// - Parameter pemRepresentation: The PEM text.
    /// - Throws: ``SigningError/invalidPEM`` if it is not an Ed25519 public key.
    public init(pemRepresentation: String) throws(SigningError) {
        try self.init(key: EVPPKey.publicKey(pem: Array(pemRepresentation.utf8)))
    }

    /// Parses the textual form `ed25519:<base64>`.
    ///
    /// The prefix must be exactly `ed25519:` (lower case), followed by the canonical padded standard base64
    /// of exactly 32 bytes (44 characters), with no whitespace anywhere.
    ///
    /// - Parameter text: The key text, as produced by ``text``.
    /// - Throws: ``SigningError/invalidKeyText`` if the text is not of that form.
    public init(text: String) throws(SigningError) {
        guard text.hasPrefix(Self.textPrefix) else {
            throw .make(.invalidKeyText, "a public key text starts with \"\(Self.textPrefix)\"")
        }
        guard let raw = Base64.decode(String(text.dropFirst(Self.textPrefix.count))) else {
            throw .make(.invalidKeyText, "the key after \"\(Self.textPrefix)\" is not padded standard base64")
        }
        guard raw.count == EVPPKey.keyByteCount else {
            throw .make(.invalidKeyText, "an Ed25519 public key is 32 bytes, not \(raw.count)")
        }
        do {
            try self.init(rawRepresentation: raw)
        } catch {
            throw error.reclassified(as: .invalidKeyText, error.detail)
        }
    }

    /// The key as SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`), readable by
    /// ``init(pemRepresentation:)`` and `openssl pkey -pubin` (`PEM_write_bio_PUBKEY`).
    /// https://www.openssl.org/docs/man3.0/man3/PEM_write_bio_PUBKEY.html
    public var pemRepresentation: String {
        do {
            return String(decoding: try key.publicKeyPEM(), as: UTF8.self)
        } catch {
            // Only memory exhaustion inside OpenSSL gets here.
            fatalError("\(error)")
        }
    }

    /// The textual form: `ed25519:` followed by the padded standard base64 of ``rawRepresentation``.
    public var text: String {
        Self.textPrefix + Base64.encode(rawRepresentation)
    }

    /// `sha256:` followed by the lowercase hex SHA-256 of ``rawRepresentation`` (64 hex digits).
    public var fingerprint: String {
        "sha256:" + Hex.encode(SHA256.hash(rawRepresentation))
    }

    /// The first 16 hex digits (8 bytes) of the SHA-256 in ``fingerprint``: the short key identifier that
    /// signed objects carry to say which key signed them.
    ///
    /// It names a key; it does not authenticate one. Always verify the signature with the full key.
    public var keyID: String {
        Hex.encode(SHA256.hash(rawRepresentation).prefix(8))
    }

    /// The textual form, ``text``.
    public var description: String {
        text
    }

    /// Returns whether `signature` is a valid Ed25519 signature of `message` under this key.
    ///
    /// Never throws: a signature of the wrong length, one whose `S` is not below the group order `L`
    /// (RFC 8032 §5.1.7, which OpenSSL enforces), one that does not verify, and any failure inside OpenSSL
    /// are all `false`. Wraps one-shot `EVP_DigestVerify` with a NULL digest.
    /// https://www.openssl.org/docs/man3.0/man3/EVP_DigestVerify.html
    ///
    /// - Parameters:
    ///   - signature: The 64-byte signature `R ‖ S`.
    ///   - message: The signed bytes.
    /// - Returns: `true` only for a valid signature.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == EVPPKey.signatureByteCount else {
            return false
        }
        return key.verify(signature, for: message)
    }

    /// Compares the 32-byte encodings.
    public static func == (lhs: Ed25519PublicKey, rhs: Ed25519PublicKey) -> Bool {
        lhs.rawRepresentation == rhs.rawRepresentation
    }

    /// Hashes the 32-byte encoding.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(rawRepresentation)
    }
}
