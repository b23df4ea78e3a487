@testable import Catalog
import Foundation
import Testing
import TestSupport

/// The Traditional-to-Simplified table every node folds with (merge.md §3) is published as
/// `protocols/hant-hans.tsv`; the node's copy (`HantHansTable.swift`) must be the same pairs in the
/// same order, so that the two never drift.
@Suite struct HantHansTableTests {
    /// The pairs of the published file, by its format (its header comment).
    static func publishedPairs() throws -> [(Unicode.Scalar, Unicode.Scalar)] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Repository.root + "/protocols/hant-hans.tsv"))
        #expect(data.count < 1_000_000, "the published table stays well under 1 MB")
        let text = try #require(String(data: data, encoding: .utf8))
        #expect(!text.contains("\r"), "LF line ends only")
        var pairs: [(Unicode.Scalar, Unicode.Scalar)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty && !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            try #require(fields.count == 4, "\(line)")
            let scalars = try fields[0...1].map { field in
                try #require(field.utf8.count >= 4 && field.utf8.count <= 6 && field == field.uppercased(), "\(line)")
                return try #require(UInt32(field, radix: 16).flatMap(Unicode.Scalar.init), "\(line)")
            }
            // The informative characters are exactly the code points the hex fields name.
            #expect(Array(fields[2].unicodeScalars) == [scalars[0]] && Array(fields[3].unicodeScalars) == [scalars[1]], "\(line)")
            pairs.append((scalars[0], scalars[1]))
        }
        return pairs
    }

    @Test func thePublishedTableIsTheNodesTable() throws {
        let published = try Self.publishedPairs()
        let scalars = Array(TextNormalizer.hantHansPairs.unicodeScalars.filter { $0 != "\n" && $0 != " " })
        let node = stride(from: 0, to: scalars.count - 1, by: 2).map { (scalars[$0], scalars[$0 + 1]) }
        #expect(scalars.count % 2 == 0)
        #expect(published.count == 3_074)
        #expect(published.count == node.count)
        for (index, (file, swift)) in zip(published, node).enumerated() where file != swift {
            Issue.record("pair \(index + 1): the file has \(file), HantHansTable.swift \(swift)")
            break
        }
        let traditional = published.map(\.0.value)
        #expect(traditional == traditional.sorted() && Set(traditional).count == traditional.count, "sorted, each once")
        #expect(TextNormalizer.hantHans.count == published.count)
    }
}
