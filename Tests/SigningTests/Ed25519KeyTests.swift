import Foundation
import Signing
import Testing

@Suite("Ed25519 keys: generation, PEM, text")
struct Ed25519KeyTests {
    /// Values computed with the openssl CLI when the fixture was made (see Fixtures/keys/README.md).
    static let fixtureKeyText = "ed25519:IGG91zmI5kcV995Q0lNEF76CVGonDNYRcuwP0fmlXl8="
    static let fixtureKeySHA256 = "36643023e8c613695dc000bea9611330e7b60eb5e6fe159bed92972346798e81"
    static let fixtureSignatureOfKechuang =
        "dbbb154a63110fce4a50e6935db5b63254cfd81fb985901a3bafa700b43d319d"
        + "02a079c927bc25e05091466c6c9714e1cb0250005e96923ba14da4bfd46dfe0f"

    // MARK: Generation

    @Test func generatedKeysSignAndVerify() throws {
        let key = try Ed25519PrivateKey()
        let message = Array("catalog entry".utf8)
        let signature = try key.signature(for: message)
        #expect(signature.count == 64)
        #expect(key.publicKey.rawRepresentation.count == 32)
        #expect(key.publicKey.isValidSignature(signature, for: message))
        #expect(!key.publicKey.isValidSignature(signature, for: message + [0]))
    }

    @Test func generatedKeysDiffer() throws {
        let keys = try (0..<8).map { _ in try Ed25519PrivateKey().publicKey }
        #expect(Set(keys).count == 8)
    }

    @Test func seedMustBe32Bytes() {
        #expect(throws: SigningError.invalidKey) { try Ed25519PrivateKey(seed: []) }
        #expect(throws: SigningError.invalidKey) { try Ed25519PrivateKey(seed: [UInt8](repeating: 1, count: 31)) }
        #expect(throws: SigningError.invalidKey) { try Ed25519PrivateKey(seed: [UInt8](repeating: 1, count: 33)) }
        #expect(throws: SigningError.invalidKey) { try Ed25519PrivateKey(seed: [UInt8](repeating: 1, count: 64)) }
    }

    @Test func rawPublicKeyMustBe32Bytes() {
        #expect(throws: SigningError.invalidKey) { try Ed25519PublicKey(rawRepresentation: []) }
        #expect(throws: SigningError.invalidKey) {
            try Ed25519PublicKey(rawRepresentation: [UInt8](repeating: 1, count: 31))
        }
        #expect(throws: SigningError.invalidKey) {
            try Ed25519PublicKey(rawRepresentation: [UInt8](repeating: 1, count: 33))
        }
    }

    @Test func privateKeyDescriptionDoesNotLeakTheSeed() throws {
        let seed = [UInt8](repeating: 0xab, count: 32)
        let key = try Ed25519PrivateKey(seed: seed)
        let printed = "\(key) \(String(reflecting: key))"
        #expect(printed.contains(key.publicKey.text))
        #expect(!printed.contains(Hex.encode(seed)))
        #expect(!printed.contains(Base64.encode(seed)))
    }

    @Test func signingConcurrentlyWithOneKeyIsCorrect() async throws {
        let key = try Ed25519PrivateKey()
        let publicKey = key.publicKey
        let allValid = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<64 {
                group.addTask {
                    let message = Array("message \(index)".utf8)
                    let signature = try key.signature(for: message)
                    return publicKey.isValidSignature(signature, for: message)
                        && !publicKey.isValidSignature(signature, for: message + [1])
                }
            }
            return try await group.reduce(true) { $0 && $1 }
        }
        #expect(allValid)
    }

    // MARK: PEM

    @Test func privateKeyPEMRoundTrip() throws {
        let key = try Ed25519PrivateKey()
        let pem = key.pemRepresentation
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(pem.hasSuffix("-----END PRIVATE KEY-----\n"))
        let readBack = try Ed25519PrivateKey(pemRepresentation: pem)
        #expect(readBack.publicKey == key.publicKey)
        // Same secret: deterministic signatures agree.
        let message = Array("round trip".utf8)
        #expect(try readBack.signature(for: message) == key.signature(for: message))
    }

    @Test func privateKeyPEMOfAKnownSeedIsPKCS8() throws {
        // RFC 8410 §10.3's example key: the PKCS#8 DER is a fixed 16-byte prefix followed by the seed.
        let seed = try #require(Hex.decode("d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842"))
        let pem = try Ed25519PrivateKey(seed: seed).pemRepresentation
        #expect(pem == """
            -----BEGIN PRIVATE KEY-----
            MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
            -----END PRIVATE KEY-----

            """)
    }

    @Test func publicKeyPEMRoundTrip() throws {
        let key = try Ed25519PrivateKey().publicKey
        let pem = key.pemRepresentation
        #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        #expect(pem.hasSuffix("-----END PUBLIC KEY-----\n"))
        #expect(try Ed25519PublicKey(pemRepresentation: pem) == key)
    }

    @Test func opensslCLIKeyReadsBackToTheCLIPublicKey() throws {
        let privateKey = try Ed25519PrivateKey(pemRepresentation: Fixtures.string("keys/test-only-ed25519.key"))
        #expect(privateKey.publicKey.text == Self.fixtureKeyText)
        #expect(privateKey.publicKey.fingerprint == "sha256:" + Self.fixtureKeySHA256)
        #expect(privateKey.publicKey.keyID == String(Self.fixtureKeySHA256.prefix(16)))

        let cliPublicKey = try Ed25519PublicKey(pemRepresentation: Fixtures.string("keys/test-only-ed25519.pub"))
        #expect(cliPublicKey == privateKey.publicKey)
        // Our PEM writer produces exactly what `openssl pkey -pubout` printed.
        #expect(cliPublicKey.pemRepresentation == (try Fixtures.string("keys/test-only-ed25519.pub")))
        #expect(privateKey.pemRepresentation == (try Fixtures.string("keys/test-only-ed25519.key")))

        // And the signature `openssl pkeyutl -sign -rawin` made over "kechuang".
        let signature = try privateKey.signature(for: Array("kechuang".utf8))
        #expect(Hex.encode(signature) == Self.fixtureSignatureOfKechuang)
    }

    @Test func encryptedPrivateKeyIsRejectedWithoutPrompting() throws {
        let pem = try Fixtures.string("keys/test-only-ed25519-encrypted.key")
        #expect(pem.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
        let error = #expect(throws: SigningError.invalidPEM) { try Ed25519PrivateKey(pemRepresentation: pem) }
        #expect(error?.function == "PEM_read_bio_PrivateKey")
        #expect(error?.openSSLErrorCode != 0)
        #expect(error?.openSSLErrorText?.isEmpty == false)
    }

    @Test func otherKeyTypesAreRejected() throws {
        let x25519Private = try Fixtures.string("keys/test-only-x25519.key")
        let x25519Public = try Fixtures.string("keys/test-only-x25519.pub")
        #expect(throws: SigningError.invalidPEM) { try Ed25519PrivateKey(pemRepresentation: x25519Private) }
        #expect(throws: SigningError.invalidPEM) { try Ed25519PublicKey(pemRepresentation: x25519Public) }
    }

    @Test func publicAndPrivatePEMAreNotInterchangeable() throws {
        let key = try Ed25519PrivateKey()
        #expect(throws: SigningError.invalidPEM) {
            try Ed25519PrivateKey(pemRepresentation: key.publicKey.pemRepresentation)
        }
        #expect(throws: SigningError.invalidPEM) {
            try Ed25519PublicKey(pemRepresentation: key.pemRepresentation)
        }
    }

    @Test(arguments: [
        "",
        "not PEM at all",
        "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n",
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06\n-----END PRIVATE KEY-----\n",
        "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n",
    ])
    func malformedPEMIsRejected(_ pem: String) {
        #expect(throws: SigningError.invalidPEM) { try Ed25519PrivateKey(pemRepresentation: pem) }
        #expect(throws: SigningError.invalidPEM) { try Ed25519PublicKey(pemRepresentation: pem) }
    }

    @Test func errorQueueIsClearedAfterAHandledFailure() throws {
        // A failure must not leave OpenSSL errors behind that a later failure would be blamed on.
        #expect(throws: SigningError.invalidPEM) { try Ed25519PublicKey(pemRepresentation: "garbage") }
        let pem = try Fixtures.string("keys/test-only-ed25519-encrypted.key")
        let first = #expect(throws: SigningError.invalidPEM) { try Ed25519PrivateKey(pemRepresentation: pem) }
        let second = #expect(throws: SigningError.invalidPEM) { try Ed25519PrivateKey(pemRepresentation: pem) }
        #expect(first?.openSSLErrorCode == second?.openSSLErrorCode)
        #expect(first?.openSSLErrorCode != 0)
    }

    // MARK: Text

    @Test func textRoundTrip() throws {
        let key = try Ed25519PrivateKey().publicKey
        #expect(key.text.hasPrefix("ed25519:"))
        #expect(key.text.count == 8 + 44)
        #expect(key.description == key.text)
        #expect(try Ed25519PublicKey(text: key.text) == key)
    }

    @Test func textOfAKnownKey() throws {
        let raw = RFC8032Vector.all[0].publicKey
        let key = try Ed25519PublicKey(rawRepresentation: raw)
        #expect(key.text == "ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
        #expect(key.fingerprint == "sha256:" + Hex.encode(SHA256.hash(raw)))
        #expect(key.fingerprint.count == 7 + 64)
        #expect(key.keyID == String(key.fingerprint.dropFirst(7).prefix(16)))
    }

    @Test(arguments: [
        "",
        "ed25519:",
        "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",                        // no prefix
        "Ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",                // wrong case
        "ed448:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",                  // wrong algorithm
        "ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",                // wrong separator
        " ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",               // leading space
        "ed25519: 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",               // space after prefix
        "ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n",              // trailing newline
        "ed25519:11qYAYKxCrfVS/7TyWQH Og7hcvPapiMlrwIaaPcHURo=",               // inner space
        "ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo",                 // missing padding
        "ed25519:11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo=",                // URL-safe alphabet
        "ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURp=",                // non-canonical last char
        "ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHUQ==",                // 31 bytes
        "ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURoA",                // 33 bytes
        "ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=11qY",            // 35 bytes
        "ed25519:!!qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",                // bad characters
    ])
    func malformedTextIsRejected(_ text: String) {
        #expect(throws: SigningError.invalidKeyText) { try Ed25519PublicKey(text: text) }
    }

    @Test func thirtyOneByteKeyTextIsRejected() {
        let text = "ed25519:" + Base64.encode([UInt8](repeating: 7, count: 31))
        let error = #expect(throws: SigningError.invalidKeyText) { try Ed25519PublicKey(text: text) }
        #expect(error?.description.contains("31") == true)
    }

    // MARK: Equality

    @Test func equalityAndHashingFollowTheRawBytes() throws {
        let raw = RFC8032Vector.all[2].publicKey
        let a = try Ed25519PublicKey(rawRepresentation: raw)
        let b = try Ed25519PublicKey(text: a.text)
        let c = try Ed25519PublicKey(rawRepresentation: RFC8032Vector.all[3].publicKey)
        #expect(a == b)
        #expect(a != c)
        #expect(Set([a, b, c]).count == 2)
    }

    @Test func errorsCompareByKindAndDescribeThemselves() {
        #expect(SigningError.invalidKey == SigningError.invalidKey)
        #expect(SigningError.invalidKey != SigningError.invalidPEM)
        let error = #expect(throws: SigningError.invalidKey) { try Ed25519PublicKey(rawRepresentation: [1, 2]) }
        #expect(error?.description == "invalid key: an Ed25519 public key is 32 bytes, not 2")
    }
}
