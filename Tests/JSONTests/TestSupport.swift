import Foundation
@testable import JSON
import Testing

/// Shared helpers for the JSON tests.
enum Fixtures {
    /// The bytes of `Fixtures/<relativePath>` from the test bundle.
    static func bytes(_ relativePath: String) throws -> [UInt8] {
        let root = try #require(Bundle.module.resourceURL)
        let url = root.appendingPathComponent("Fixtures").appendingPathComponent(relativePath)
        return [UInt8](try Data(contentsOf: url))
    }

    /// A fresh path in the temporary directory; the caller removes it.
    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("json-tests-\(UUID().uuidString)-\(name)").path
    }
}

/// Parses `bytes` and returns the error, or `nil` if parsing succeeded.
func parseError(_ bytes: [UInt8], limits: JSONParser.Limits = .default) -> JSONError? {
    do {
        _ = try JSONParser.parse(bytes, limits: limits)
        return nil
    } catch {
        return error
    }
}

/// Parses `text` and returns the error, or `nil` if parsing succeeded.
func parseError(_ text: String, limits: JSONParser.Limits = .default) -> JSONError? {
    parseError(Array(text.utf8), limits: limits)
}

func utf8(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

func text(_ bytes: [UInt8]) -> String {
    String(decoding: bytes, as: UTF8.self)
}
