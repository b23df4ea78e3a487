import Feed
import Foundation
import Testing
import TestSupport

/// A body file checked on disk, line by line (`FeedVerifier.bodies(file:entries:)`, for files too
/// large to hold), reaches the verdict of the check in memory, on the protocol vectors' partial page.
@Suite struct BodyFileTests {
    static let vectors = Repository.root + "/protocols/vectors"
    static let partial = "/feeds/vectorland/pages/1.p54.jsonl"
    static let bodies = "/feeds/vectorland/bodies/1.p54.jsonl"

    static func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// The partial page's body file of the valid log, or of a case that replaces it.
    static let cases = ["valid", "tampered-body", "body-line-missing", "redaction-marker-not-redact", "redaction-marker-other-record"]

    @Test(arguments: cases)
    func theCheckOnDiskAgreesWithTheCheckInMemory(_ name: String) throws {
        let verifier = FeedVerifier(origin: "vectorland")
        let entries = try verifier.entries(page: 1, bytes: try Self.bytes(Self.vectors + Self.partial), count: 54)
        let file = name == "valid" ? Self.vectors + Self.bodies : Self.vectors + "/cases/\(name)" + Self.bodies
        let bytes = try Self.bytes(file)
        let inMemory = Result { () throws(FeedError) in try verifier.bodies(bytes, entries: entries) }
        let onDisk = Result { () throws(FeedError) in try verifier.bodies(file: file, entries: entries) }
        switch (inMemory, onDisk) {
        case (.success(let held), .success(let checked)):
            #expect(checked.claims == held.claims)
            let read = try checked.read(0..<entries.count)
            #expect(read.bodies == held.bodies)
            #expect(read.lines == bytes.split(separator: 0x0A).map(Array.init))
            let parts = checked.parts(from: 3, maxBytes: 2_000)
            #expect(parts.first?.lowerBound == 3 && parts.last?.upperBound == entries.count && parts.count > 1)
            #expect(zip(parts, parts.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        case (.failure(let held), .failure(let checked)):
            #expect(checked == held, "\(checked) vs \(held)")
            #expect(checked.location == held.location, "\(checked) vs \(held)")
        default:
            Issue.record("\(name): in memory \(inMemory), on disk \(onDisk)")
        }
    }

    @Test func aLineOverTheLimitAndAMissingLineFeedAreRefusedOnDisk() throws {
        let verifier = FeedVerifier(origin: "vectorland")
        let entries = try verifier.entries(page: 1, bytes: try Self.bytes(Self.vectors + Self.partial), count: 54)
        let directory = try TemporaryDirectory(prefix: "body-file")
        var lines = try Self.bytes(Self.vectors + Self.bodies).split(separator: 0x0A).map(Array.init)
        lines[4] = [UInt8](repeating: UInt8(ascii: "a"), count: Feed.maxBodyLine + 1)
        let long = try directory.write("long.jsonl", bytes: Array(lines.joined(separator: [0x0A])) + [0x0A])
        #expect(throws: FeedError.tooLarge) { try verifier.bodies(file: long, entries: entries) }
        let unterminated = try directory.write("unterminated.jsonl", bytes: Array(try Self.bytes(Self.vectors + Self.bodies).dropLast()))
        #expect(throws: FeedError.malformed) { try verifier.bodies(file: unterminated, entries: entries) }
    }
}
