import Feed
import Foundation
import Signing
import Testing

/// The transparency-dev/merkle RFC 6962 vectors in `Fixtures/merkle/` (see its README): 10 happy paths that
/// must verify and 156 tampered cases that must not, and the standard eight-leaf roots.
@Suite("Merkle: transparency-dev vectors")
struct MerkleVectorTests {
    @Test func vectorCountsMatchTheReadme() throws {
        let inclusion = try InclusionVector.all()
        let consistency = try ConsistencyVector.all()
        #expect(inclusion.count == 82)
        #expect(consistency.count == 84)
        #expect(inclusion.filter { !$0.wantErr }.count + consistency.filter { !$0.wantErr }.count == 10)
        #expect(inclusion.filter(\.wantErr).count + consistency.filter(\.wantErr).count == 156)
        // Every file but `happy-path.json` is a negative case.
        #expect(
            (inclusion.map { ($0.name, $0.wantErr) } + consistency.map { ($0.name, $0.wantErr) })
                .allSatisfy { name, wantErr in wantErr == (name != "happy-path.json") }
        )
    }

    @Test func inclusionVectors() throws {
        for vector in try InclusionVector.all() {
            let accepted = vector.indexes.map { index in
                Merkle.verifyInclusion(
                    leafHash: vector.leafHash,
                    index: index,
                    size: vector.size,
                    proof: vector.proof,
                    root: vector.root
                )
            }
            if vector.wantErr {
                #expect(accepted.allSatisfy { !$0 }, "accepted negative case \(vector.id)")
            } else {
                #expect(accepted == [true], "rejected happy path \(vector.id)")
            }
        }
    }

    @Test func consistencyVectors() throws {
        for vector in try ConsistencyVector.all() {
            let accepted = Merkle.verifyConsistency(
                from: vector.from,
                to: vector.to,
                proof: vector.proof,
                oldRoot: vector.root1,
                newRoot: vector.root2
            )
            #expect(accepted == !vector.wantErr, "\(vector.wantErr ? "accepted" : "rejected") \(vector.id)")
        }
    }

    /// The happy paths' proofs are also what the generator produces over the standard eight leaves.
    @Test func happyPathsAreGeneratedProofs() throws {
        let leaves = try LeavesAndRoots.load().leaves.map { Merkle.leafHash($0) }
        let hasher = LeafHashes(leaves)
        for vector in try InclusionVector.all() where !vector.wantErr {
            let index = try #require(vector.indexes.first)
            #expect(
                try Merkle.inclusionProof(index: index, size: vector.size, hasher: hasher) == vector.proof,
                "\(vector.id)"
            )
            #expect(leaves[index] == vector.leafHash, "\(vector.id)")
        }
        for vector in try ConsistencyVector.all() where !vector.wantErr {
            #expect(
                try Merkle.consistencyProof(from: vector.from, to: vector.to, hasher: hasher) == vector.proof,
                "\(vector.id)"
            )
        }
    }

    @Test func standardRootsForSizesOneToEight() throws {
        let vectors = try LeavesAndRoots.load()
        #expect(vectors.leaves.count == 8)
        #expect(vectors.roots.keys.sorted() == Array(1...8))
        let leafHashes = vectors.leaves.map { Merkle.leafHash($0) }
        for size in 1...8 {
            let root = Merkle.root(leafHashes: leafHashes[..<size])
            #expect(Hex.encode(root) == vectors.roots[size].map { Hex.encode($0) }, "size \(size)")
            #expect(try LeafHashes(leafHashes).hash(of: 0..<size) == root)
            // Fewer than 256 leaves: no full page, the whole tree is the partial page.
            #expect(Merkle.root(pageRoots: [], tailRoot: root) == root)
        }
    }

    @Test func emptyTreeRootIsSHA256OfNothing() throws {
        let expected = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        #expect(Hex.encode(Merkle.emptyRoot) == expected)
        #expect(Merkle.root(leafHashes: []) == Merkle.emptyRoot)
        #expect(Merkle.root(pageRoots: [], tailRoot: nil) == Merkle.emptyRoot)
        #expect(try LeafHashes([]).hash(of: 0..<0) == Merkle.emptyRoot)
        #expect(Merkle.pageSize == 256)
    }

    /// Leaf and node hashes against SHA-256 directly: the 0x00 / 0x01 domain separation of RFC 6962 §2.1.
    @Test func leafAndNodeHashesAreDomainSeparated() {
        let left = SHA256.hash(Array("left".utf8))
        let right = SHA256.hash(Array("right".utf8))
        #expect(Merkle.leafHash([UInt8]()) == SHA256.hash([0x00]))
        #expect(Merkle.leafHash(Array("abc".utf8)) == SHA256.hash([0x00] + Array("abc".utf8)))
        #expect(Merkle.leafHash("abc".utf8) == Merkle.leafHash(Array("abc".utf8)))
        #expect(Merkle.leafHash(Array("abc".utf8)[1...]) == Merkle.leafHash(Array("bc".utf8)))
        #expect(Merkle.nodeHash(left, right) == SHA256.hash([0x01] + left + right))
        #expect(Merkle.nodeHash(left, right) != Merkle.nodeHash(right, left))
        #expect(Merkle.leafHash(left + right) != Merkle.nodeHash(left, right))
    }
}

// MARK: - Vector files

/// Decodes a fixture's base64 value; JSON `null` and `""` both mean no bytes (README).
private func base64(_ text: String?, in id: String) throws -> [UInt8] {
    try #require(Base64.decode(text ?? ""), "\(id): not canonical base64: \(text ?? "null")")
}

/// The vectors' sizes and indexes are Go `uint64`s: `leafIdx-sub-@1` on index 0 wraps to 2^64 − 1. A
/// reader that parses into `Int` would refuse such a number; here it is checked both as the value it wraps
/// to (`-1`) and clamped (`Int.max`), and both must be rejected.
private func int(_ value: UInt64) -> [Int] {
    if let exact = Int(exactly: value) {
        return [exact]
    }
    return [Int(truncatingIfNeeded: value), Int.max]
}

struct InclusionVector {
    let id: String
    let name: String
    let indexes: [Int]
    let size: Int
    let root: [UInt8]
    let leafHash: [UInt8]
    let proof: [[UInt8]]
    let wantErr: Bool

    private struct File: Decodable {
        let leafIdx: UInt64
        let treeSize: UInt64
        let root: String?
        let leafHash: String?
        let proof: [String]?
        let desc: String
        let wantErr: Bool
    }

    static func all() throws -> [InclusionVector] {
        var vectors: [InclusionVector] = []
        for folder in try Fixtures.contents("merkle/inclusion") {
            for name in try Fixtures.contents("merkle/inclusion/\(folder)") {
                let id = "inclusion/\(folder)/\(name)"
                let file = try JSONDecoder().decode(File.self, from: Fixtures.data("merkle/\(id)"))
                let size = int(file.treeSize)
                #expect(size.count == 1, "\(id): tree size out of range")
                vectors.append(
                    InclusionVector(
                        id: id,
                        name: name,
                        indexes: int(file.leafIdx),
                        size: size[0],
                        root: try base64(file.root, in: id),
                        leafHash: try base64(file.leafHash, in: id),
                        proof: try (file.proof ?? []).map { try base64($0, in: id) },
                        wantErr: file.wantErr
                    )
                )
            }
        }
        return vectors
    }
}

struct ConsistencyVector {
    let id: String
    let name: String
    let from: Int
    let to: Int
    let root1: [UInt8]
    let root2: [UInt8]
    let proof: [[UInt8]]
    let wantErr: Bool

    private struct File: Decodable {
        let size1: UInt64
        let size2: UInt64
        let root1: String?
        let root2: String?
        let proof: [String]?
        let desc: String
        let wantErr: Bool
    }

    static func all() throws -> [ConsistencyVector] {
        var vectors: [ConsistencyVector] = []
        for folder in try Fixtures.contents("merkle/consistency") {
            for name in try Fixtures.contents("merkle/consistency/\(folder)") {
                let id = "consistency/\(folder)/\(name)"
                let file = try JSONDecoder().decode(File.self, from: Fixtures.data("merkle/\(id)"))
                let from = try #require(Int(exactly: file.size1), "\(id)")
                let to = try #require(Int(exactly: file.size2), "\(id)")
                vectors.append(
                    ConsistencyVector(
                        id: id,
                        name: name,
                        from: from,
                        to: to,
                        root1: try base64(file.root1, in: id),
                        root2: try base64(file.root2, in: id),
                        proof: try (file.proof ?? []).map { try base64($0, in: id) },
                        wantErr: file.wantErr
                    )
                )
            }
        }
        return vectors
    }
}

/// `leaves-and-roots.json`: the eight standard RFC 6962 leaf inputs and the roots of sizes 1…8, in hex.
struct LeavesAndRoots {
    let leaves: [[UInt8]]
    let roots: [Int: [UInt8]]

    private struct File: Decodable {
        let leaves_hex: [String]
        let roots_hex: [String: String]
    }

    static func load() throws -> LeavesAndRoots {
        let file = try JSONDecoder().decode(File.self, from: Fixtures.data("merkle/leaves-and-roots.json"))
        var roots: [Int: [UInt8]] = [:]
        for (size, root) in file.roots_hex {
            let bytes: [UInt8] = try #require(Hex.decode(root))
            roots[try #require(Int(size))] = bytes
        }
        return LeavesAndRoots(leaves: try file.leaves_hex.map { try #require(Hex.decode($0)) }, roots: roots)
    }
}
