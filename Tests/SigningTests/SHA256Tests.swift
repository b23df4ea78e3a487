import Signing
import Testing

@Suite("SHA-256")
struct SHA256Tests {
    static let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    static let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    static let twoBlocks = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    static let millionA = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

    @Test func knownAnswers() {
        #expect(Hex.encode(SHA256.hash([UInt8]())) == Self.empty)
        #expect(Hex.encode(SHA256.hash("abc".utf8)) == Self.abc)
        #expect(Hex.encode(SHA256.hash(Array("abc".utf8))) == Self.abc)
        let twoBlockMessage = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(Hex.encode(SHA256.hash(twoBlockMessage.utf8)) == Self.twoBlocks)
        #expect(SHA256.hash([UInt8]()).count == SHA256.byteCount)
    }

    @Test func oneMillionAs() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(Hex.encode(SHA256.hash(message)) == Self.millionA)

        var hasher = SHA256Hasher()
        for _ in 0..<1000 {
            hasher.update(message[0..<1000])
        }
        #expect(Hex.encode(hasher.finalize()) == Self.millionA)
    }

    @Test func nonContiguousSequencesHashLikeArrays() {
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 * 7) }
        #expect(SHA256.hash(bytes.lazy.map { $0 }) == SHA256.hash(bytes))
        #expect(SHA256.hash(bytes[10..<200]) == SHA256.hash(Array(bytes[10..<200])))
        #expect(SHA256.hash(AnySequence(bytes)) == SHA256.hash(bytes))
    }

    @Test func incrementalEqualsOneShotAtOddSplits() {
        // 1000 bytes crosses several 64-byte blocks; split points on and off block boundaries.
        let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 17) }
        let expected = SHA256.hash(message)
        for first in [0, 1, 3, 55, 56, 63, 64, 65, 127, 333, 999, 1000] {
            for second in Set([first, min(first + 1, 1000), min(first + 64, 1000), (first + 1000) / 2]) {
                var hasher = SHA256Hasher()
                hasher.update(message[0..<first])
                hasher.update(message[first..<second])
                hasher.update([UInt8]())
                hasher.update(message[second...])
                #expect(hasher.finalize() == expected, "split at \(first), \(second)")
            }
        }
        var byteByByte = SHA256Hasher()
        for byte in message {
            byteByByte.update(CollectionOfOne(byte))
        }
        #expect(byteByByte.finalize() == expected)
    }

    @Test func hashOfPartsIsHashOfConcatenation() {
        let parts: [[UInt8]] = [Array("a".utf8), [], Array("bc".utf8)]
        #expect(Hex.encode(SHA256.hash(parts: parts)) == Self.abc)
        #expect(Hex.encode(SHA256.hash(parts: [])) == Self.empty)
        let big = [[UInt8]](repeating: [UInt8](repeating: UInt8(ascii: "a"), count: 1000), count: 1000)
        #expect(Hex.encode(SHA256.hash(parts: big)) == Self.millionA)
    }

    @Test func emptyHasher() {
        let hasher = SHA256Hasher()
        #expect(Hex.encode(hasher.finalize()) == Self.empty)
    }
}
