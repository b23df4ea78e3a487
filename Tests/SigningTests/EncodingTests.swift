import Signing
import Testing

@Suite("Hex, Base64, ConstantTime, SecureRandom")
struct EncodingTests {
    // MARK: Hex

    @Test func hexEncodes() {
        #expect(Hex.encode([]) == "")
        #expect(Hex.encode([0x00, 0x01, 0x7f, 0x80, 0xab, 0xff]) == "00017f80abff")
        #expect(Hex.encode((0...255).map { UInt8($0) }).count == 512)
    }

    @Test func hexRoundTrip() {
        let all = (0...255).map { UInt8($0) }
        #expect(Hex.decode(Hex.encode(all)) == all)
        #expect(Hex.decode("") == [])
        #expect(Hex.decode("00ff") == [0x00, 0xff])
        #expect(Hex.decode("ABcd") == [0xab, 0xcd])
    }

    @Test(arguments: ["0", "abc", "0g", "g0", " 00", "00 ", "0x00", "-1", "00\n", "０１", "é0"])
    func hexRejects(_ text: String) {
        #expect(Hex.decode(text) == nil)
    }

    // MARK: Base64

    /// RFC 4648 §10 test vectors.
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ])
    func base64KnownAnswers(_ plain: String, _ encoded: String) {
        #expect(Base64.encode(plain.utf8) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test func base64RoundTripsEveryLengthAndByte() {
        let all = (0...255).map { UInt8($0) }
        for length in 0...70 {
            let bytes = Array(all.shuffled().prefix(length))
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.encode([0xfb, 0xff, 0xbf]) == "+/+/")
        #expect(Base64.decode("+/+/") == [0xfb, 0xff, 0xbf])
    }

    @Test(arguments: [
        "Zg", "Zg=", "Zm8", "Z", "Zm9vY",                 // length not a multiple of 4 / missing padding
        "Zg==Zg==", "Zm8=Zm9v", "=Zm9", "Zm==Zm9v",      // padding not at the end
        "Z===", "====", "Zm=v",                           // bad padding
        "Zh==", "Zm9=",                                   // non-zero unused bits (non-canonical)
        "Zm9v\n", " Zm9v", "Zm 9v", "Zm9v\r\n", "Zm\t9v", // whitespace
        "-_-_", "Zm9v!", "Zm9vYmFy\u{0}",                 // outside the alphabet
        "Ｚｍ９ｖ",                                        // non-ASCII
    ])
    func base64Rejects(_ text: String) {
        #expect(Base64.decode(text) == nil)
    }

    // MARK: ConstantTime

    @Test func constantTimeEquals() {
        #expect(ConstantTime.equals([], []))
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([0, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(!ConstantTime.equals([1, 2], [1, 2, 3]))
        #expect(!ConstantTime.equals([], [0]))
        #expect(!ConstantTime.equals([0], []))
        let big = SecureRandom.bytes(4096)
        var other = big
        #expect(ConstantTime.equals(big, other))
        other[4095] ^= 0x80
        #expect(!ConstantTime.equals(big, other))
    }

    // MARK: SecureRandom

    @Test func secureRandomBytes() {
        #expect(SecureRandom.bytes(0) == [])
        #expect(SecureRandom.bytes(1).count == 1)
        let a = SecureRandom.bytes(32)
        let b = SecureRandom.bytes(32)
        #expect(a.count == 32)
        #expect(a != b)
        // 4096 random bytes should use most byte values; all-equal output would mean a broken generator.
        #expect(Set(SecureRandom.bytes(4096)).count > 200)
    }
}
