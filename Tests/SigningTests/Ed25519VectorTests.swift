import Signing
import Testing

/// RFC 8032 §7.1 known answers, and negatives derived from them as the fixture README suggests.
@Suite("Ed25519 RFC 8032 §7.1 vectors")
struct Ed25519VectorTests {
    /// The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian (RFC 8032 §5.1).
    static let groupOrder: [UInt8] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
    ]

    @Test func fiveVectorsAreLoaded() {
        #expect(RFC8032Vector.all.count == 5)
        #expect(RFC8032Vector.all.map(\.message.count) == [0, 1, 2, 1023, 64])
        // TEST SHA(abc)'s message is SHA-512("abc"), whose hex begins ddaf35a1.
        #expect(Hex.encode(RFC8032Vector.all[4].message.prefix(4)) == "ddaf35a1")
    }

    @Test(arguments: RFC8032Vector.all)
    func derivesPublicKey(_ vector: RFC8032Vector) throws {
        let key = try Ed25519PrivateKey(seed: vector.secretKey)
        #expect(key.publicKey.rawRepresentation == vector.publicKey)
    }

    @Test(arguments: RFC8032Vector.all)
    func signsByteForByte(_ vector: RFC8032Vector) throws {
        let key = try Ed25519PrivateKey(seed: vector.secretKey)
        let signature = try key.signature(for: vector.message)
        #expect(Hex.encode(signature) == Hex.encode(vector.signature))
        // Deterministic: signing again gives the same bytes.
        #expect(try key.signature(for: vector.message) == signature)
    }

    @Test(arguments: RFC8032Vector.all)
    func verifies(_ vector: RFC8032Vector) throws {
        let publicKey = try Ed25519PublicKey(rawRepresentation: vector.publicKey)
        #expect(publicKey.isValidSignature(vector.signature, for: vector.message))
    }

    @Test(arguments: RFC8032Vector.all)
    func rejectsFlippedMessageBit(_ vector: RFC8032Vector) throws {
        let publicKey = try Ed25519PublicKey(rawRepresentation: vector.publicKey)
        if vector.message.isEmpty {
            // No bit to flip in the empty message: a one-byte message must not verify either.
            #expect(!publicKey.isValidSignature(vector.signature, for: [0x00]))
            return
        }
        for bit in [0, 7, vector.message.count * 8 - 1] {
            var message = vector.message
            message[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(!publicKey.isValidSignature(vector.signature, for: message), "bit \(bit)")
        }
    }

    @Test(arguments: RFC8032Vector.all)
    func rejectsFlippedSignatureBit(_ vector: RFC8032Vector) throws {
        let publicKey = try Ed25519PublicKey(rawRepresentation: vector.publicKey)
        // Every bit of R and S, so that no position is accepted by accident.
        for bit in 0..<(64 * 8) {
            var signature = vector.signature
            signature[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(!publicKey.isValidSignature(signature, for: vector.message), "bit \(bit)")
        }
    }

    @Test(arguments: RFC8032Vector.all)
    func rejectsFlippedPublicKeyBit(_ vector: RFC8032Vector) throws {
        for bit in [0, 1, 100, 254, 255] {
            var raw = vector.publicKey
            raw[bit / 8] ^= 1 << UInt8(bit % 8)
            let publicKey = try Ed25519PublicKey(rawRepresentation: raw)
            #expect(!publicKey.isValidSignature(vector.signature, for: vector.message), "bit \(bit)")
        }
    }

    /// S + L is the same scalar modulo L, so a verifier that reduced S would accept it: RFC 8032 §5.1.7
    /// requires rejecting any S ≥ L (signature malleability).
    @Test(arguments: RFC8032Vector.all)
    func rejectsSPlusL(_ vector: RFC8032Vector) throws {
        let publicKey = try Ed25519PublicKey(rawRepresentation: vector.publicKey)
        var signature = vector.signature
        var carry: UInt16 = 0
        for index in 0..<32 {
            let sum = UInt16(signature[32 + index]) + UInt16(Self.groupOrder[index]) + carry
            signature[32 + index] = UInt8(truncatingIfNeeded: sum)
            carry = sum >> 8
        }
        #expect(carry == 0)
        #expect(signature != vector.signature)
        #expect(!publicKey.isValidSignature(signature, for: vector.message))
    }

    /// S = L exactly has its top three bits clear, so only a full comparison with L rejects it.
    @Test(arguments: RFC8032Vector.all)
    func rejectsSEqualToL(_ vector: RFC8032Vector) throws {
        let publicKey = try Ed25519PublicKey(rawRepresentation: vector.publicKey)
        let signature = Array(vector.signature.prefix(32)) + Self.groupOrder
        #expect(!publicKey.isValidSignature(signature, for: vector.message))
    }

    @Test(arguments: RFC8032Vector.all)
    func rejectsWrongLengthSignatures(_ vector: RFC8032Vector) throws {
        let publicKey = try Ed25519PublicKey(rawRepresentation: vector.publicKey)
        #expect(!publicKey.isValidSignature([], for: vector.message))
        #expect(!publicKey.isValidSignature(Array(vector.signature.dropLast()), for: vector.message))
        #expect(!publicKey.isValidSignature(vector.signature + [0], for: vector.message))
        #expect(!publicKey.isValidSignature(vector.signature + vector.signature, for: vector.message))
    }

    @Test func signatureDoesNotVerifyUnderAnotherVectorsKey() throws {
        let vectors = RFC8032Vector.all
        let otherKey = try Ed25519PublicKey(rawRepresentation: vectors[1].publicKey)
        #expect(!otherKey.isValidSignature(vectors[0].signature, for: vectors[0].message))
    }
}
