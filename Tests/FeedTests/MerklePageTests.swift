import Feed
import TestSupport
import Testing

/// Page math (feed.md §5): the tree's root from page roots, and page proofs as inclusion proofs in the
/// page-level tree.
@Suite("Merkle: pages")
struct MerklePageTests {
    /// 1,300 leaves: five full pages and a partial sixth.
    static let leafHashes: [[UInt8]] = {
        var random = SeededRandom(seed: 256)
        return random.leaves(1300).map { Merkle.leafHash($0) }
    }()

    /// `root(pageRoots:tailRoot:)` over the full pages' roots and the partial page's root equals
    /// `root(leafHashes:)` over all the leaves, at every size 0…1,300.
    @Test func pageRootsGiveTheTreeRootAtEverySize() {
        let tree = PagedHashes(Self.leafHashes)
        for size in 0...tree.leafHashes.count {
            let (pageRoots, tailRoot) = Self.pages(of: size, in: tree)
            #expect(
                Merkle.root(pageRoots: pageRoots, tailRoot: tailRoot)
                    == Merkle.root(leafHashes: tree.leafHashes[..<size]),
                "size \(size)"
            )
        }
    }

    /// The same at random sizes up to 100,000 and at the page boundaries around 2^16.
    @Test func pageRootsGiveTheTreeRootAtLargeSizes() {
        var random = SeededRandom(seed: 100_000)
        // Random 32-byte values stand in for leaf hashes: the page math never looks inside them.
        let tree = PagedHashes((0..<100_000).map { _ in random.bytes(32) })
        let sizes =
            [65_280, 65_535, 65_536, 65_537, 65_792, 99_840, 99_841, 100_000]
            + (0..<12).map { _ in Int.random(in: 257...100_000, using: &random) }
        for size in sizes {
            let (pageRoots, tailRoot) = Self.pages(of: size, in: tree)
            #expect(pageRoots.count == size / 256)
            #expect(
                Merkle.root(pageRoots: pageRoots, tailRoot: tailRoot)
                    == Merkle.root(leafHashes: tree.leafHashes[..<size]),
                "size \(size)"
            )
        }
        // Page proofs at the large sizes, for a sample of pages, against the root from page roots.
        for size in sizes {
            let (pageRoots, tailRoot) = Self.pages(of: size, in: tree)
            let root = Merkle.root(pageRoots: pageRoots, tailRoot: tailRoot)
            for page in Set([0, 1, pageRoots.count / 2, pageRoots.count - 2, pageRoots.count - 1]) where page >= 0 {
                let proof = try? Merkle.pageProof(page: page, size: size, hasher: tree)
                #expect(
                    proof.map {
                        Merkle.verifyPage(pageRoot: pageRoots[page], page: page, size: size, proof: $0, root: root)
                    } == true,
                    "page \(page) of \(size)"
                )
            }
        }
    }

    /// The page proof is the audit path of the node at level 8, index `page`, in two equivalent forms, at
    /// every size 256…1,300 and for every full page:
    /// 1. RFC 9162 inclusion of index `page` in the page-level tree of `⌈size/256⌉` leaves (the page roots,
    ///    then the partial page's root), generated over those values;
    /// 2. the inclusion proof of any leaf of the page without its first 8 hashes, which are the leaf's audit
    ///    path inside the page;
    /// and `verifyPage` accepts it, as does `verifyInclusion` in the page-level tree.
    @Test func pageProofIsTheAuditPathOfTheLevelEightNode() throws {
        let tree = PagedHashes(Self.leafHashes)
        let leafLevel = MemoizedHashes(tree.leafHashes)
        for size in 256...tree.leafHashes.count {
            let (pageRoots, tailRoot) = Self.pages(of: size, in: tree)
            let pageLevel = LeafHashes(pageRoots + (tailRoot.map { [$0] } ?? []))
            let pageCount = (size + 255) / 256
            let root = Merkle.root(pageRoots: pageRoots, tailRoot: tailRoot)
            for page in pageRoots.indices {
                let proof = try Merkle.pageProof(page: page, size: size, hasher: tree)
                #expect(proof == (try Merkle.inclusionProof(index: page, size: pageCount, hasher: pageLevel)))
                // One leaf per (size, page), moving through the page as the size grows.
                let offset = (size * 7 + page * 37) % 256
                let leafProof = try Merkle.inclusionProof(index: page * 256 + offset, size: size, hasher: leafLevel)
                #expect(leafProof.count == 8 + proof.count)
                #expect(Array(leafProof.dropFirst(8)) == proof, "page \(page) of \(size), leaf \(offset)")
                let page256 = LeafHashes(Array(tree.leafHashes[page * 256..<(page + 1) * 256]))
                #expect(
                    Array(leafProof.prefix(8)) == (try Merkle.inclusionProof(index: offset, size: 256, hasher: page256))
                )
                #expect(Merkle.verifyPage(pageRoot: pageRoots[page], page: page, size: size, proof: proof, root: root))
                #expect(
                    Merkle.verifyInclusion(
                        leafHash: pageRoots[page],
                        index: page,
                        size: pageCount,
                        proof: proof,
                        root: root
                    )
                )
            }
        }
    }

    /// Every full page's proof at every size 256…1,300 fails for a flipped bit anywhere, a wrong page index, a
    /// wrong size, a truncated or an extended proof.
    @Test func pageProofRejectsTampering() throws {
        let tree = PagedHashes(Self.leafHashes)
        var random = SeededRandom(seed: 8)
        let roots = (0...tree.leafHashes.count).map { size in
            let (pageRoots, tailRoot) = Self.pages(of: size, in: tree)
            return Merkle.root(pageRoots: pageRoots, tailRoot: tailRoot)
        }
        for size in 256...tree.leafHashes.count {
            let pageRoots = Self.pages(of: size, in: tree).pageRoots
            let root = roots[size]
            for page in pageRoots.indices {
                let pageRoot = pageRoots[page]
                let proof = try Merkle.pageProof(page: page, size: size, hasher: tree)
                func accepts(
                    _ pageRoot: [UInt8],
                    page: Int = page,
                    size: Int = size,
                    _ proof: [[UInt8]],
                    root: [UInt8] = root
                )
                    -> Bool
                {
                    Merkle.verifyPage(pageRoot: pageRoot, page: page, size: size, proof: proof, root: root)
                }
                let context: Comment = "page \(page) of \(size)"
                // A flipped bit in the page root, the tree root, or any hash of the proof.
                let bit = Int.random(in: 0..<256, using: &random)
                #expect(!accepts(flipping(pageRoot, bit: bit), proof), context)
                #expect(!accepts(pageRoot, proof, root: flipping(root, bit: bit)), context)
                for position in proof.indices {
                    var tampered = proof
                    tampered[position] = flipping(tampered[position], bit: bit)
                    #expect(!accepts(pageRoot, tampered), context)
                }
                // Another page's index, including ones that are not full pages.
                for other in [page - 1, page + 1, pageRoots.count, page + 256, -1] where other != page {
                    #expect(!accepts(pageRoot, page: other, proof), context)
                }
                // Another size: with that size's root (what a checkpoint of that size would say), the proof
                // fails. With this root, it fails whenever the other size's page-level path has another
                // length; sizes whose page-level trees give the same path cannot be told apart by the proof,
                // which is why a checkpoint signs size and root together.
                for other in [size - 256, size - 1, size + 1, size + 255, size + 256, size * 2, 0, 255]
                where other != size && other >= 0 {
                    if other < roots.count {
                        #expect(!accepts(pageRoot, size: other, proof, root: roots[other]), "\(context), size \(other)")
                    }
                    let pageCount = (size + 255) / 256
                    let otherPageCount = (other + 255) / 256
                    if other < 256 * (page + 1)
                        || Self.pathLength(page, otherPageCount) != Self.pathLength(page, pageCount)
                    {
                        #expect(!accepts(pageRoot, size: other, proof), "\(context), size \(other)")
                    }
                }
                // Truncated and extended proofs.
                if !proof.isEmpty {
                    #expect(!accepts(pageRoot, Array(proof.dropLast())), context)
                    #expect(!accepts(pageRoot, Array(proof.dropFirst())), context)
                    #expect(!accepts(pageRoot, []), context)
                }
                let extra = random.bytes(32)
                #expect(!accepts(pageRoot, proof + [extra]), context)
                #expect(!accepts(pageRoot, [extra] + proof), context)
                #expect(!accepts(pageRoot, proof + [root]), context)
                // Hashes of the wrong length.
                #expect(!accepts(Array(pageRoot.dropLast()), proof), context)
                #expect(!accepts(pageRoot, proof, root: root + [0]), context)
            }
        }
    }

    /// A partial page has no page proof: `pageProof` throws and `verifyPage` refuses it, even with a proof
    /// that is a valid page-level inclusion proof of the partial page's root.
    @Test func partialPagesHaveNoPageProof() throws {
        let tree = PagedHashes(Self.leafHashes)
        for size in [1, 255, 257, 511, 600, 1300] {
            let (pageRoots, tailRoot) = Self.pages(of: size, in: tree)
            let tail = try #require(tailRoot)
            let page = pageRoots.count
            #expect(throws: FeedError.pageNotFull(page, size: size)) {
                try Merkle.pageProof(page: page, size: size, hasher: tree)
            }
            let pageCount = page + 1
            let proof = try Merkle.inclusionProof(index: page, size: pageCount, hasher: LeafHashes(pageRoots + [tail]))
            let root = Merkle.root(pageRoots: pageRoots, tailRoot: tail)
            #expect(Merkle.verifyInclusion(leafHash: tail, index: page, size: pageCount, proof: proof, root: root))
            #expect(!Merkle.verifyPage(pageRoot: tail, page: page, size: size, proof: proof, root: root))
        }
        #expect(throws: FeedError.pageNotFull(0, size: 0)) {
            try Merkle.pageProof(page: 0, size: 0, hasher: tree)
        }
        #expect(throws: FeedError.pageNotFull(-1, size: 1300)) {
            try Merkle.pageProof(page: -1, size: 1300, hasher: tree)
        }
    }

    /// The roots of the full pages of the tree of `size`, and its partial page's root (nil if none).
    static func pages(of size: Int, in tree: PagedHashes) -> (pageRoots: [[UInt8]], tailRoot: [UInt8]?) {
        let fullPages = size / 256
        let tail = fullPages * 256..<size
        return (
            Array(tree.pageRoots[..<fullPages]), tail.isEmpty ? nil : Merkle.root(leafHashes: tree.leafHashes[tail])
        )
    }

    /// The length of RFC 6962 PATH(m, D[n]), by its recursion.
    static func pathLength(_ m: Int, _ n: Int) -> Int {
        guard n > 1 else {
            return 0
        }
        let k = NaiveMerkle.split(n)
        return 1 + (m < k ? pathLength(m, k) : pathLength(m - k, n - k))
    }
}
