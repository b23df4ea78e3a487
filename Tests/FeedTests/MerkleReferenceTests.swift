import Feed
import Signing
import TestSupport
import Testing

/// RFC 6962 §2.1 (MTH), §2.1.1 (PATH) and §2.1.2 (PROOF, SUBPROOF), transcribed as the RFC writes them:
/// recursion over `D[lower:upper]`, splitting at the largest power of two smaller than `n` found by a loop,
/// hashing with SHA-256 directly. It shares no code with `Merkle`.
///
/// `mth` remembers its answers by range (the leaves never change), which keeps the large-tree tests fast;
/// the definitions are unchanged. Not `Sendable`; each test makes its own.
final class NaiveMerkle {
    private let data: [[UInt8]]
    private var cache: [Range<Int>: [UInt8]] = [:]

    /// - Parameter data: The leaf inputs `d(0) … d(n−1)` (not their hashes).
    init(_ data: [[UInt8]]) {
        self.data = data
    }

    /// k: the largest power of two smaller than n (n > 1).
    static func split(_ n: Int) -> Int {
        var k = 1
        while k * 2 < n {
            k *= 2
        }
        return k
    }

    /// MTH(D[d]): `SHA-256()` for no leaves, `SHA-256(0x00 ‖ d(0))` for one, otherwise
    /// `SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n]))`.
    func mth(_ d: Range<Int>) -> [UInt8] {
        if let hash = cache[d] {
            return hash
        }
        let hash: [UInt8]
        switch d.count {
        case 0:
            hash = SHA256.hash([UInt8]())
        case 1:
            hash = SHA256.hash([0x00] + data[d.lowerBound])
        default:
            let k = Self.split(d.count)
            hash = SHA256.hash([0x01] + mth(d.lowerBound..<d.lowerBound + k) + mth(d.lowerBound + k..<d.upperBound))
        }
        cache[d] = hash
        return hash
    }

    /// PATH(m, D[d]), m relative to `d.lowerBound`: `{}` for one leaf; `PATH(m, D[0:k]) : MTH(D[k:n])` for
    /// `m < k`; `PATH(m − k, D[k:n]) : MTH(D[0:k])` otherwise.
    func path(_ m: Int, _ d: Range<Int>) -> [[UInt8]] {
        let n = d.count
        guard n > 1 else {
            return []
        }
        let k = Self.split(n)
        let left = d.lowerBound..<d.lowerBound + k
        let right = d.lowerBound + k..<d.upperBound
        if m < k {
            return path(m, left) + [mth(right)]
        }
        return path(m - k, right) + [mth(left)]
    }

    /// PROOF(m, D[d]) = SUBPROOF(m, D[d], true), for 0 < m < n.
    func proof(_ m: Int, _ d: Range<Int>) -> [[UInt8]] {
        subproof(m, d, true)
    }

    /// SUBPROOF(m, D[d], b): `{}` if m = n and b; `{MTH(D[n])}` if m = n and not b;
    /// `SUBPROOF(m, D[0:k], b) : MTH(D[k:n])` if m ≤ k; `SUBPROOF(m − k, D[k:n], false) : MTH(D[0:k])` if m > k.
    func subproof(_ m: Int, _ d: Range<Int>, _ b: Bool) -> [[UInt8]] {
        let n = d.count
        if m == n {
            return b ? [] : [mth(d)]
        }
        let k = Self.split(n)
        let left = d.lowerBound..<d.lowerBound + k
        let right = d.lowerBound + k..<d.upperBound
        if m <= k {
            return subproof(m, left, b) + [mth(right)]
        }
        return subproof(m - k, right, false) + [mth(left)]
    }
}

@Suite("Merkle: cross-check against a naive RFC 6962 reference")
struct MerkleReferenceTests {
    /// Grows a tree of random leaves to 300 entries; at every size checks the root and every inclusion proof,
    /// generated through ``LeafHashes``.
    @Test func growingTreeRootsAndInclusionProofsMatchReference() throws {
        let (data, leafHashes) = Self.growingTree
        let reference = NaiveMerkle(data)
        #expect(leafHashes == data.indices.map { reference.mth($0..<$0 + 1) })
        let hasher = LeafHashes(leafHashes)
        for size in 1...data.count {
            let tree = 0..<size
            let root = Merkle.root(leafHashes: leafHashes[tree])
            try #require(root == reference.mth(tree), "root of size \(size)")
            #expect(try hasher.hash(of: tree) == root)
            try checkInclusion(size: size, hasher: hasher, reference: reference, leafHashes: leafHashes, root: root)
        }
    }

    /// Grows the same tree; at every size checks every consistency proof from every smaller size (0 and the
    /// size itself included), generated through ``LeafHashes``.
    @Test func growingTreeConsistencyProofsMatchReference() throws {
        let (data, leafHashes) = Self.growingTree
        let reference = NaiveMerkle(data)
        let hasher = LeafHashes(leafHashes)
        var roots = [Merkle.emptyRoot]
        for size in 1...data.count {
            roots.append(Merkle.root(leafHashes: leafHashes[..<size]))
            try checkConsistency(to: size, hasher: hasher, reference: reference, roots: roots)
        }
    }

    /// A 2,100-leaf tree checked at sizes around powers of two and page boundaries: the root, every inclusion
    /// proof, and every consistency proof from every smaller size.
    @Test(arguments: [
        1, 2, 3, 7, 8, 9, 255, 256, 257, 300, 511, 512, 513, 767, 768, 769, 1000, 1023, 1024, 1025, 1280, 1536,
        1537, 2047, 2048, 2049, 2100,
    ])
    func largeTreeMatchesReference(size: Int) throws {
        let (data, leafHashes) = Self.largeTree
        let reference = NaiveMerkle(data)
        let hasher = MemoizedHashes(leafHashes)
        let root = Merkle.root(leafHashes: leafHashes[..<size])
        try #require(root == reference.mth(0..<size))
        // The older trees' roots from the reference (the growing-tree tests check `root(leafHashes:)` at every
        // size up to 300; here it is checked at this size and at a sample of smaller ones).
        let roots = (0...size).map { reference.mth(0..<$0) }
        for from in stride(from: 0, through: size, by: 97) {
            #expect(Merkle.root(leafHashes: leafHashes[..<from]) == roots[from], "root of size \(from)")
        }
        try checkInclusion(size: size, hasher: hasher, reference: reference, leafHashes: leafHashes, root: root)
        try checkConsistency(to: size, hasher: hasher, reference: reference, roots: roots)
    }

    /// Proof generation asks the hasher only for the subtrees RFC 6962's PATH and SUBPROOF name: one request
    /// per proof hash, each a perfect aligned subtree or the tree's right edge, and each answerable by a store
    /// that holds page roots (``PagedHashes`` refuses anything else). The store-shaped hasher and the in-memory
    /// one give the same proofs.
    @Test(arguments: [1, 255, 256, 257, 513, 1024, 1500, 2049, 2100])
    func proofsReadOnlyTheSubtreesTheyList(size: Int) throws {
        let leafHashes = Self.largeTree.leafHashes
        let memory = MemoizedHashes(leafHashes)
        let store = PagedHashes(leafHashes)
        func isSubtree(_ range: Range<Int>) -> Bool {
            let count = range.count
            let isPerfect = count > 0 && count & (count - 1) == 0 && range.lowerBound % count == 0
            return range.upperBound <= size && (isPerfect || (count > 0 && range.upperBound == size))
        }
        for index in stride(from: 0, to: size, by: 13) + [size - 1] {
            store.clearRequests()
            let proof = try Merkle.inclusionProof(index: index, size: size, hasher: store)
            #expect(proof == (try Merkle.inclusionProof(index: index, size: size, hasher: memory)))
            #expect(store.requests.count == proof.count)
            #expect(store.requests.allSatisfy(isSubtree), "index \(index): \(store.requests)")
        }
        for from in stride(from: 0, through: size, by: 11) + [size - 1, size] {
            store.clearRequests()
            let proof = try Merkle.consistencyProof(from: from, to: size, hasher: store)
            #expect(proof == (try Merkle.consistencyProof(from: from, to: size, hasher: memory)))
            #expect(store.requests.count == proof.count)
            #expect(store.requests.allSatisfy(isSubtree), "from \(from): \(store.requests)")
        }
        for page in 0..<size / Merkle.pageSize {
            store.clearRequests()
            let proof = try Merkle.pageProof(page: page, size: size, hasher: store)
            #expect(store.requests.count == proof.count)
            #expect(store.requests.allSatisfy(isSubtree), "page \(page): \(store.requests)")
            // Above a page, every request is answered from page roots: none starts inside a page.
            #expect(store.requests.allSatisfy { $0.lowerBound % Merkle.pageSize == 0 })
        }
    }

    /// The leaves of the growing tree: random inputs and their leaf hashes, made once.
    static let growingTree: (data: [[UInt8]], leafHashes: [[UInt8]]) = {
        var random = SeededRandom(seed: 6962)
        let data = random.leaves(300)
        return (data, data.map { Merkle.leafHash($0) })
    }()

    /// The leaves of the large tree: random inputs and their leaf hashes, made once.
    static let largeTree: (data: [[UInt8]], leafHashes: [[UInt8]]) = {
        var random = SeededRandom(seed: 9162)
        let data = random.leaves(2100)
        return (data, data.map { Merkle.leafHash($0) })
    }()

    /// Every inclusion proof of the tree of `size`: equal to PATH, verifies, and fails for a flipped leaf.
    private func checkInclusion(
        size: Int,
        hasher: some RangeHasher,
        reference: NaiveMerkle,
        leafHashes: [[UInt8]],
        root: [UInt8]
    ) throws {
        for index in 0..<size {
            let proof = try Merkle.inclusionProof(index: index, size: size, hasher: hasher)
            #expect(proof == reference.path(index, 0..<size), "PATH(\(index), D[\(size)])")
            #expect(
                Merkle.verifyInclusion(leafHash: leafHashes[index], index: index, size: size, proof: proof, root: root),
                "inclusion of \(index) in \(size)"
            )
            #expect(
                !Merkle.verifyInclusion(
                    leafHash: flipping(leafHashes[index], bit: index % 256),
                    index: index,
                    size: size,
                    proof: proof,
                    root: root
                )
            )
        }
    }

    /// Every consistency proof from `0 … to` to `to`: equal to PROOF (empty when `from` is 0 or `to`), and
    /// verifies; a proof with its last hash changed does not.
    private func checkConsistency(to: Int, hasher: some RangeHasher, reference: NaiveMerkle, roots: [[UInt8]]) throws {
        for from in 0...to {
            let proof = try Merkle.consistencyProof(from: from, to: to, hasher: hasher)
            if from > 0 && from < to {
                #expect(proof == reference.proof(from, 0..<to), "PROOF(\(from), D[\(to)])")
            } else {
                #expect(proof.isEmpty)
            }
            #expect(
                Merkle.verifyConsistency(from: from, to: to, proof: proof, oldRoot: roots[from], newRoot: roots[to]),
                "consistency \(from) → \(to)"
            )
            if let last = proof.last {
                #expect(
                    !Merkle.verifyConsistency(
                        from: from,
                        to: to,
                        proof: proof.dropLast() + [flipping(last, bit: from % 256)],
                        oldRoot: roots[from],
                        newRoot: roots[to]
                    )
                )
            }
        }
    }
}
