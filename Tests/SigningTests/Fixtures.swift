import Foundation
import Signing
import Testing

/// Access to the files under `Fixtures/`, copied into the test bundle.
enum Fixtures {
    static func url(_ relativePath: String) throws -> URL {
        let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return root.appending(path: relativePath)
    }

    static func string(_ relativePath: String) throws -> String {
        try String(contentsOf: url(relativePath), encoding: .utf8)
    }

    static func data(_ relativePath: String) throws -> Data {
        try Data(contentsOf: url(relativePath))
    }
}

/// One RFC 8032 §7.1 test vector, all fields lowercase hex.
struct RFC8032Vector: Decodable, CustomTestStringConvertible {
    let secretKey: [UInt8]
    let publicKey: [UInt8]
    let message: [UInt8]
    let signature: [UInt8]
    var index = 0

    enum CodingKeys: String, CodingKey {
        case secretKey = "secret_key"
        case publicKey = "public_key"
        case message
        case signature
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func hex(_ key: CodingKeys) throws -> [UInt8] {
            let text = try container.decode(String.self, forKey: key)
            guard let bytes = Hex.decode(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not hex")
            }
            return bytes
        }
        secretKey = try hex(.secretKey)
        publicKey = try hex(.publicKey)
        message = try hex(.message)
        signature = try hex(.signature)
    }

    var testDescription: String {
        ["TEST 1", "TEST 2", "TEST 3", "TEST 1024", "TEST SHA(abc)"][index]
    }

    /// All five vectors, in RFC order. Loaded synchronously because `@Test(arguments:)` needs them at
    /// discovery time; a failure to load crashes the test run loudly, which is what we want.
    static let all: [RFC8032Vector] = {
        do {
            let data = try Fixtures.data("ed25519/rfc8032-7.1.json")
            var vectors = try JSONDecoder().decode([RFC8032Vector].self, from: data)
            for index in vectors.indices {
                vectors[index].index = index
            }
            return vectors
        } catch {
            fatalError("cannot load RFC 8032 vectors: \(error)")
        }
    }()
}
