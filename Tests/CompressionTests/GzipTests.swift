import Compression
import Foundation
import Testing
import TestSupport

@Suite("Gzip: round trips, interoperability with gzip(1), limits")
struct GzipTests {
    /// Chinese JSON Lines, the shape of a feed page.
    static let chineseJSONLines: [UInt8] = {
        var text = ""
        for index in 0..<2_000 {
            text += #"{"id":"sichuan:\#(index)","title":"高效节能锂电池正极材料制备技术 第\#(index)号","#
            text += #""region":"四川省成都市","price":"1200000.00","tags":["新能源","新材料"]}"# + "\n"
        }
        return Array(text.utf8)
    }()

    static let samples: [(String, [UInt8])] = [
        ("empty", []),
        ("small", Array("kechuang 科创".utf8)),
        ("1 MB random", SeededRandom.bytes(1_000_000, seed: 0x6b65_6368_7561_6e67)),
        ("Chinese JSON Lines", chineseJSONLines),
    ]

    @Test(arguments: samples.map(\.0))
    func roundTrip(name: String) throws {
        let input = try #require(Self.samples.first { $0.0 == name }).1
        let compressed = try Gzip.compress(input)
        let output = try Gzip.decompress(compressed, maxOutput: input.count)
        #expect(output == input)
    }

    @Test(arguments: samples.map(\.0))
    func gzipCommandDecompressesOurOutput(name: String) throws {
        let input = try #require(Self.samples.first { $0.0 == name }).1
        let compressed = try Gzip.compress(input)
        #expect(try runGzip(["-dc"], input: compressed) == input)
    }

    @Test(arguments: samples.map(\.0))
    func weDecompressGzipCommandOutput(name: String) throws {
        let input = try #require(Self.samples.first { $0.0 == name }).1
        // -n: no name or time stamp; the default (with them) is tested below.
        let compressed = try runGzip(["-c", "-n", "-9"], input: input)
        #expect(try Gzip.decompress(compressed, maxOutput: input.count) == input)
    }

    @Test func gzipCommandOutputWithNameAndTimestampDecompresses() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gzip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("page-0001.jsonl")
        try Data(Self.chineseJSONLines).write(to: file)
        // Compressing a named file stores its name and modification time in the header (FNAME, MTIME).
        #expect(try ProcessRunner.run("/bin/gzip", ["-k", "-N", file.path], timeout: 60).status == 0)
        let compressed = try [UInt8](Data(contentsOf: file.appendingPathExtension("gz")))
        #expect(compressed[3] & 0x08 != 0, "gzip should have stored the file name")
        #expect(try Gzip.decompress(compressed, maxOutput: 1 << 20) == Self.chineseJSONLines)
    }

    @Test func compressionIsDeterministic() throws {
        let first = try Gzip.compress(Self.chineseJSONLines)
        let second = try Gzip.compress(Self.chineseJSONLines)
        #expect(first == second)
        // RFC 1952 header: magic, CM=8 (deflate), FLG=0 (no name, comment, extra), MTIME=0.
        #expect(Array(first.prefix(8)) == [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00])
        #expect(first[8] == 2, "XFL 2: maximum compression")
    }

    @Test func levelsAffectSizeNotContent() throws {
        let input = Self.chineseJSONLines
        let fast = try Gzip.compress(input, level: 1)
        let best = try Gzip.compress(input, level: 9)
        let stored = try Gzip.compress(input, level: 0)
        // Level 9 is not always smaller than level 1 on very repetitive text, so only "stored" is checked.
        #expect(stored.count > input.count)
        #expect(best.count < input.count / 10)
        for compressed in [fast, best, stored] {
            #expect(try Gzip.decompress(compressed, maxOutput: input.count) == input)
        }
    }

    @Test func invalidLevelIsAZlibError() {
        #expect(throws: CompressionError.zlib) { try Gzip.compress([1, 2, 3], level: 10) }
    }

    @Test func bombFailsWithOutputTooLarge() throws {
        let zeros = [UInt8](repeating: 0, count: 10_000_000)
        let bomb = try Gzip.compress(zeros)
        #expect(bomb.count < 20_000)
        #expect(throws: CompressionError.outputTooLarge) { try Gzip.decompress(bomb, maxOutput: 1_000_000) }
        // Fails fast: it stops at the ceiling instead of inflating all 10 MB. Compared with the
        // whole inflation in the same run (medians of 5), not with a wall-clock bound that a
        // loaded machine misses.
        let clock = ContinuousClock()
        func median(_ body: () -> Void) -> Duration {
            (0..<5).map { _ in clock.measure(body) }.sorted()[2]
        }
        let limited = median { _ = try? Gzip.decompress(bomb, maxOutput: 1_000_000) }  // the error is checked above
        let whole = median { _ = try? Gzip.decompress(bomb, maxOutput: 20_000_000) }  // succeeds: checked below
        #expect(try Gzip.decompress(bomb, maxOutput: 20_000_000).count == zeros.count)
        #expect(limited * 3 < whole)
    }

    @Test func outputExactlyAtTheLimitIsAccepted() throws {
        let input = SeededRandom.bytes(100_000, seed: 0x6b65_6368_7561_6e67)
        let compressed = try Gzip.compress(input)
        #expect(try Gzip.decompress(compressed, maxOutput: 100_000) == input)
        #expect(throws: CompressionError.outputTooLarge) { try Gzip.decompress(compressed, maxOutput: 99_999) }
        #expect(try Gzip.decompress(try Gzip.compress([]), maxOutput: 0) == [])
    }

    @Test func truncatedInputIsCorrupt() throws {
        let compressed = try Gzip.compress(Self.chineseJSONLines)
        for length in [0, 1, 9, 10, compressed.count / 2, compressed.count - 8, compressed.count - 1] {
            #expect(throws: CompressionError.corrupt, "truncated to \(length) bytes") {
                try Gzip.decompress(Array(compressed.prefix(length)), maxOutput: 1 << 24)
            }
        }
    }

    @Test func corruptInputIsCorrupt() throws {
        var compressed = try Gzip.compress(Self.chineseJSONLines)
        // Flip a bit in the CRC-32 of the trailer.
        compressed[compressed.count - 6] ^= 0x01
        let error = #expect(throws: CompressionError.corrupt) {
            try Gzip.decompress(compressed, maxOutput: 1 << 24)
        }
        #expect(error?.zlibMessage == "incorrect data check")
        #expect(throws: CompressionError.corrupt) {
            try Gzip.decompress(Array("not gzip at all".utf8), maxOutput: 1 << 24)
        }
        // A zlib (RFC 1950) stream is not gzip.
        #expect(throws: CompressionError.corrupt) {
            try Gzip.decompress([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01], maxOutput: 1 << 24)
        }
    }

    @Test func trailingGarbageIsRefused() throws {
        let compressed = try Gzip.compress(Array("page".utf8))
        #expect(throws: CompressionError.corrupt) {
            try Gzip.decompress(compressed + [0], maxOutput: 1 << 20)
        }
        // Two concatenated members are valid for gzip(1) but not here: a page is one member.
        #expect(throws: CompressionError.corrupt) {
            try Gzip.decompress(compressed + compressed, maxOutput: 1 << 20)
        }
    }

    @Test func errorDescriptionNamesTheZlibCall() throws {
        var compressed = try Gzip.compress(Array("page".utf8))
        compressed[compressed.count - 6] ^= 0x01
        do {
            _ = try Gzip.decompress(compressed, maxOutput: 100)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("inflate failed"))
            #expect(error.zlibCode == -3)
        }
    }
}
