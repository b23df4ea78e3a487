import Feed
import TestSupport
import Testing

/// Malformed input to the verifiers is rejected and never traps; bad arguments to the generators throw.
@Suite("Merkle: malformed input")
struct MerkleVerificationTests {
    /// A valid tree of 21 leaves to tamper with.
    struct Tree {
        let leafHashes: [[UInt8]]
        let hasher: LeafHashes
        let root: [UInt8]

        init(size: Int = 21) {
            var random = SeededRandom(seed: 21)
            leafHashes = random.leaves(size).map { Merkle.leafHash($0) }
            hasher = LeafHashes(leafHashes)
            root = Merkle.root(leafHashes: leafHashes[...])
        }
    }

    static let hash31 = [UInt8](repeating: 0xab, count: 31)
    static let hash33 = [UInt8](repeating: 0xab, count: 33)
    static let extremes = [Int.min, Int.min + 1, -256, -1, 0, 1, 2, 255, 256, 257, Int.max - 256, Int.max - 1, Int.max]

    @Test func inclusionRejectsMalformedInput() throws {
        let tree = Tree()
        let index = 13
        let size = tree.leafHashes.count
        let leaf = tree.leafHashes[index]
        let proof = try Merkle.inclusionProof(index: index, size: size, hasher: tree.hasher)
        func accepts(
            leaf: [UInt8] = leaf,
            index: Int = index,
            size: Int = size,
            _ proof: [[UInt8]],
            root: [UInt8]? = nil
        )
            -> Bool
        {
            Merkle.verifyInclusion(leafHash: leaf, index: index, size: size, proof: proof, root: root ?? tree.root)
        }
        #expect(accepts(proof))
        // Empty proof: valid only for the one-leaf tree, whose root is the leaf hash.
        #expect(!accepts([]))
        #expect(Merkle.verifyInclusion(leafHash: leaf, index: 0, size: 1, proof: [], root: leaf))
        #expect(!Merkle.verifyInclusion(leafHash: leaf, index: 0, size: 1, proof: [leaf], root: leaf))
        // Hashes that are not 32 bytes, anywhere.
        for bad in [[], Self.hash31, Self.hash33, leaf + leaf] {
            #expect(!accepts(leaf: bad, proof))
            #expect(!accepts(proof, root: bad))
            for position in proof.indices {
                var tampered = proof
                tampered[position] = bad
                #expect(!accepts(tampered))
            }
        }
        // Index ≥ size, size 0, negative and extreme values.
        #expect(!accepts(index: size, proof))
        #expect(!Merkle.verifyInclusion(leafHash: leaf, index: 0, size: 0, proof: [], root: Merkle.emptyRoot))
        #expect(
            !Merkle.verifyInclusion(leafHash: Merkle.emptyRoot, index: 0, size: 0, proof: [], root: Merkle.emptyRoot)
        )
        for extremeIndex in Self.extremes {
            for extremeSize in Self.extremes where (extremeIndex, extremeSize) != (index, size) {
                #expect(!accepts(index: extremeIndex, size: extremeSize, proof))
                #expect(!accepts(index: extremeIndex, size: extremeSize, []))
                // As long a proof as the largest tree could need, and longer.
                #expect(!accepts(index: extremeIndex, size: extremeSize, Array(repeating: leaf, count: 63)))
                #expect(!accepts(index: extremeIndex, size: extremeSize, Array(repeating: leaf, count: 200)))
            }
        }
    }

    /// Without the 32-byte checks, bytes could move between a hash and its neighbour in the node hash's
    /// input, `0x01 ‖ left ‖ right`, and prove a "leaf" that is not one.
    @Test func hashesCannotBeReframed() {
        let (h0, h1) = (Merkle.leafHash([0x00]), Merkle.leafHash([0x01]))
        let root = Merkle.nodeHash(h0, h1)
        #expect(Merkle.verifyInclusion(leafHash: h1, index: 1, size: 2, proof: [h0], root: root))
        #expect(!Merkle.verifyInclusion(leafHash: [], index: 1, size: 2, proof: [h0 + h1], root: root))
        #expect(
            !Merkle.verifyInclusion(leafHash: Array(h1[16...]), index: 1, size: 2, proof: [h0 + h1[..<16]], root: root)
        )
        #expect(!Merkle.verifyInclusion(leafHash: h0 + h1, index: 0, size: 2, proof: [[]], root: root))
        #expect(Merkle.verifyConsistency(from: 1, to: 2, proof: [h1], oldRoot: h0, newRoot: root))
        #expect(!Merkle.verifyConsistency(from: 1, to: 2, proof: [[]], oldRoot: h0 + h1, newRoot: root))
        #expect(!Merkle.verifyPage(pageRoot: [], page: 1, size: 512, proof: [h0 + h1], root: root))
    }

    /// RFC 9162's in-loop `sn == 0` check: hashes beyond the path are not folded in, even when they lead to
    /// the right root. Here a valid proof inside the right subtree of the tree of 8, extended with the left
    /// subtree's root, would otherwise "prove" claims about the wrong sizes and indexes (checked by breaking
    /// the verifier on purpose: without the check, each of these forgeries verifies).
    @Test func proofsLongerThanThePathAreRejected() throws {
        let tree = Tree(size: 8)
        let left = Merkle.root(leafHashes: tree.leafHashes[..<4])
        let rightHalf = LeafHashes(Array(tree.leafHashes[4..<8]))
        let root8 = tree.root
        #expect(root8 == Merkle.nodeHash(left, Merkle.root(leafHashes: tree.leafHashes[4..<8])))
        // Leaf 4 claimed as leaf 0 of a tree of 4 (it is leaf 0 of the right subtree, whose sibling is `left`).
        let inRight = try Merkle.inclusionProof(index: 0, size: 4, hasher: rightHalf)
        #expect(
            !Merkle.verifyInclusion(
                leafHash: tree.leafHashes[4],
                index: 0,
                size: 4,
                proof: inRight + [left],
                root: root8
            )
        )
        // The right subtree's root claimed as the only leaf of a tree of 1.
        let right = try rightHalf.hash(of: 0..<4)
        #expect(!Merkle.verifyInclusion(leafHash: right, index: 0, size: 1, proof: [left], root: root8))
        // Consistency 7 → 8 claimed as 3 → 4, from the right subtree's proof plus `left`.
        let root7 = Merkle.root(leafHashes: tree.leafHashes[..<7])
        let subtreeProof = try Merkle.consistencyProof(from: 3, to: 4, hasher: rightHalf)
        #expect(!Merkle.verifyConsistency(from: 3, to: 4, proof: subtreeProof + [left], oldRoot: root7, newRoot: root8))
        // The honest proof for 7 → 8 verifies.
        let honest = try Merkle.consistencyProof(from: 7, to: 8, hasher: tree.hasher)
        #expect(Merkle.verifyConsistency(from: 7, to: 8, proof: honest, oldRoot: root7, newRoot: root8))
    }

    @Test func consistencyRejectsMalformedInput() throws {
        let tree = Tree()
        let (from, to) = (6, tree.leafHashes.count)
        let oldRoot = Merkle.root(leafHashes: tree.leafHashes[..<from])
        let proof = try Merkle.consistencyProof(from: from, to: to, hasher: tree.hasher)
        func accepts(from: Int = from, to: Int = to, _ proof: [[UInt8]], old: [UInt8]? = nil, new: [UInt8]? = nil)
            -> Bool
        {
            Merkle.verifyConsistency(
                from: from,
                to: to,
                proof: proof,
                oldRoot: old ?? oldRoot,
                newRoot: new ?? tree.root
            )
        }
        #expect(accepts(proof))
        #expect(!accepts([]))
        #expect(!accepts(proof, old: tree.root, new: oldRoot))
        // Hashes that are not 32 bytes, anywhere.
        for bad in [[], Self.hash31, Self.hash33] {
            #expect(!accepts(proof, old: bad))
            #expect(!accepts(proof, new: bad))
            for position in proof.indices {
                var tampered = proof
                tampered[position] = bad
                #expect(!accepts(tampered))
            }
        }
        // from > to, and the edge cases decided by the roots alone.
        #expect(!accepts(from: to, to: from, proof, old: tree.root, new: oldRoot))
        #expect(!accepts(from: to, to: from, [], old: tree.root, new: oldRoot))
        #expect(accepts(from: to, to: to, [], old: tree.root))
        #expect(!accepts(from: to, to: to, proof, old: tree.root))
        #expect(!accepts(from: to, to: to, [], old: oldRoot))
        #expect(!accepts(from: to, to: to, [], old: Self.hash31, new: Self.hash31))
        #expect(accepts(from: 0, to: to, [], old: Merkle.emptyRoot))
        #expect(accepts(from: 0, to: 0, [], old: Merkle.emptyRoot, new: Merkle.emptyRoot))
        #expect(!accepts(from: 0, to: to, [], old: oldRoot))
        #expect(!accepts(from: 0, to: to, [tree.root], old: Merkle.emptyRoot))
        #expect(!accepts(from: 0, to: to, [], old: []))
        // Negative and extreme sizes.
        for extremeFrom in Self.extremes {
            for extremeTo in Self.extremes where (extremeFrom, extremeTo) != (from, to) {
                #expect(!accepts(from: extremeFrom, to: extremeTo, proof))
                #expect(!accepts(from: extremeFrom, to: extremeTo, Array(repeating: oldRoot, count: 63)))
                #expect(!accepts(from: extremeFrom, to: extremeTo, Array(repeating: oldRoot, count: 200)))
            }
        }
    }

    @Test func pageVerificationRejectsMalformedInput() {
        let pageRoot = [UInt8](repeating: 7, count: 32)
        for page in Self.extremes {
            for size in Self.extremes {
                // (Page 0 of size 256 with no proof is the valid case below.)
                for proof in [[], [pageRoot], Array(repeating: pageRoot, count: 70)]
                where (page, size, proof.count) != (0, 256, 0) {
                    #expect(
                        !Merkle.verifyPage(pageRoot: pageRoot, page: page, size: size, proof: proof, root: pageRoot)
                    )
                }
            }
        }
        // The one valid page proof with no hashes: the only page of a 256-leaf tree is the tree.
        #expect(Merkle.verifyPage(pageRoot: pageRoot, page: 0, size: 256, proof: [], root: pageRoot))
        #expect(!Merkle.verifyPage(pageRoot: pageRoot, page: 0, size: 255, proof: [], root: pageRoot))
        #expect(!Merkle.verifyPage(pageRoot: Self.hash31, page: 0, size: 256, proof: [], root: Self.hash31))
    }

    /// Random arguments and random proofs (random lengths, random hash sizes), plus random mutations of
    /// valid proofs: nothing traps, and nothing but the unmutated proofs verifies.
    @Test func randomInputIsRejectedWithoutTrapping() throws {
        var random = SeededRandom(seed: 0xf022)
        let tree = Tree(size: 100)
        func randomProof() -> [[UInt8]] {
            (0..<Int.random(in: 0...70, using: &random)).map { _ in
                random.bytes(Bool.random(using: &random) ? 32 : Int.random(in: 0...64, using: &random))
            }
        }
        func randomNumber() -> Int {
            Bool.random(using: &random)
                ? Int.random(in: -3...130, using: &random) : Self.extremes.randomElement(using: &random)!
        }
        for _ in 0..<3000 {
            let (a, b, c) = (randomNumber(), randomNumber(), randomNumber())
            let hash = random.bytes(32)
            #expect(!Merkle.verifyInclusion(leafHash: hash, index: a, size: b, proof: randomProof(), root: tree.root))
            #expect(!Merkle.verifyConsistency(from: a, to: b, proof: randomProof(), oldRoot: hash, newRoot: tree.root))
            #expect(!Merkle.verifyPage(pageRoot: hash, page: c, size: b, proof: randomProof(), root: tree.root))
        }
        for _ in 0..<1000 {
            let size = Int.random(in: 2...100, using: &random)
            let index = Int.random(in: 0..<size, using: &random)
            let from = Int.random(in: 1..<size, using: &random)
            let root = Merkle.root(leafHashes: tree.leafHashes[..<size])
            let oldRoot = Merkle.root(leafHashes: tree.leafHashes[..<from])
            let inclusion = try Merkle.inclusionProof(index: index, size: size, hasher: tree.hasher)
            let consistency = try Merkle.consistencyProof(from: from, to: size, hasher: tree.hasher)
            let mutatedInclusion = mutate(inclusion, using: &random)
            let mutatedConsistency = mutate(consistency, using: &random)
            #expect(
                Merkle.verifyInclusion(
                    leafHash: tree.leafHashes[index],
                    index: index,
                    size: size,
                    proof: mutatedInclusion,
                    root: root
                )
                    == (mutatedInclusion == inclusion)
            )
            #expect(
                Merkle.verifyConsistency(
                    from: from,
                    to: size,
                    proof: mutatedConsistency,
                    oldRoot: oldRoot,
                    newRoot: root
                )
                    == (mutatedConsistency == consistency)
            )
        }
    }

    /// One random change: a flipped bit, a dropped, duplicated or inserted hash, two hashes swapped, or a
    /// hash cut short.
    private func mutate(_ proof: [[UInt8]], using random: inout SeededRandom) -> [[UInt8]] {
        var proof = proof
        let position = proof.isEmpty ? 0 : Int.random(in: 0..<proof.count, using: &random)
        switch Int.random(in: 0..<6, using: &random) {
        case 0 where !proof.isEmpty:
            proof[position] = flipping(proof[position], bit: Int.random(in: 0..<256, using: &random))
        case 1 where !proof.isEmpty:
            proof.remove(at: position)
        case 2 where !proof.isEmpty:
            proof.insert(proof[position], at: position)
        case 3 where proof.count > 1:
            proof.swapAt(position, (position + 1) % proof.count)
        case 4 where !proof.isEmpty:
            proof[position].removeLast()
        default:
            proof.insert(random.bytes(32), at: position)
        }
        return proof
    }

    @Test func generationRejectsBadArguments() throws {
        let tree = Tree()
        let size = tree.leafHashes.count
        for index in [-1, size, size + 1, Int.max, Int.min] {
            #expect(throws: FeedError.indexOutOfRange(index, size: size)) {
                try Merkle.inclusionProof(index: index, size: size, hasher: tree.hasher)
            }
        }
        #expect(throws: FeedError.indexOutOfRange(0, size: 0)) {
            try Merkle.inclusionProof(index: 0, size: 0, hasher: tree.hasher)
        }
        #expect(throws: FeedError.indexOutOfRange(0, size: -5)) {
            try Merkle.inclusionProof(index: 0, size: -5, hasher: tree.hasher)
        }
        for (from, to) in [(size, size - 1), (-1, size), (1, 0), (Int.max, Int.min)] {
            #expect(throws: FeedError.sizesOutOfOrder(from: from, to: to)) {
                try Merkle.consistencyProof(from: from, to: to, hasher: tree.hasher)
            }
        }
        // No proof needed, so the hasher is not asked: even a hasher that always throws gives them.
        let failing = BrokenHasher(answer: nil)
        #expect(try Merkle.consistencyProof(from: 0, to: 5, hasher: failing) == [])
        #expect(try Merkle.consistencyProof(from: 5, to: 5, hasher: failing) == [])
        #expect(try Merkle.inclusionProof(index: 0, size: 1, hasher: failing) == [])
        #expect(try Merkle.pageProof(page: 0, size: 256, hasher: failing) == [])
        // Sizes beyond the leaves held, up to Int.max: the hasher refuses, and no arithmetic traps.
        for (index, bigSize) in [(0, size + 1), (Int.max - 1, Int.max), (0, Int.max), (Int.max / 2, Int.max)] {
            #expect(throws: FeedError.self) {
                try Merkle.inclusionProof(index: index, size: bigSize, hasher: tree.hasher)
            }
            #expect(throws: FeedError.self) {
                try Merkle.consistencyProof(from: max(index, 1), to: bigSize, hasher: tree.hasher)
            }
        }
        for (page, bigSize) in [(0, Int.max), (Int.max / 256 - 1, Int.max), (Int.max / 512, Int.max - 255)] {
            #expect(throws: FeedError.self) {
                try Merkle.pageProof(page: page, size: bigSize, hasher: tree.hasher)
            }
        }
        #expect(throws: FeedError.pageNotFull(Int.max / 256, size: Int.max)) {
            try Merkle.pageProof(page: Int.max / 256, size: Int.max, hasher: tree.hasher)
        }
    }

    @Test func generationHoldsTheHasherToItsContract() {
        // The hasher's own error comes through unchanged.
        #expect(throws: BrokenHasher.Failure()) {
            try Merkle.inclusionProof(index: 0, size: 2, hasher: BrokenHasher(answer: nil))
        }
        // A hash of the wrong length is an error, not a proof.
        #expect(throws: FeedError.invalidHash(range: 1..<2, byteCount: 31)) {
            try Merkle.inclusionProof(index: 0, size: 2, hasher: BrokenHasher(answer: Self.hash31))
        }
        #expect(throws: FeedError.invalidHash(range: 2..<3, byteCount: 0)) {
            try Merkle.consistencyProof(from: 2, to: 3, hasher: BrokenHasher(answer: []))
        }
    }

    @Test func leafHashesRefusesRangesOutsideItsLeaves() throws {
        let tree = Tree()
        let count = tree.leafHashes.count
        for range in [0..<(count + 1), -1..<2, count..<(count + 1), Int.min..<Int.max] {
            #expect(throws: FeedError.rangeOutOfBounds(range, count: count)) {
                try tree.hasher.hash(of: range)
            }
        }
        #expect(try tree.hasher.hash(of: count..<count) == Merkle.emptyRoot)
        #expect(try tree.hasher.hash(of: 3..<4) == tree.leafHashes[3])
        #expect(try tree.hasher.hash(of: 0..<count) == tree.root)
    }

    @Test func errorsDescribeThemselves() {
        let errors: [FeedError] = [
            .indexOutOfRange(5, size: 5), .sizesOutOfOrder(from: 3, to: 2), .pageNotFull(1, size: 300),
            .rangeOutOfBounds(0..<9, count: 8), .invalidHash(range: 0..<1, byteCount: 31),
        ]
        #expect(Set(errors.map(\.description)).count == errors.count)
        #expect(errors[0].description == "leaf index 5 is not in a tree of size 5")
        // Errors compare by kind (as FeedError does everywhere); the message keeps the numbers.
        #expect(errors[0] == .indexOutOfRange(4, size: 5))
        #expect(errors[0] != .sizesOutOfOrder(from: 5, to: 4))
    }
}
