extension Merkle {
    /// Checks an inclusion proof: that `leafHash` is leaf `index` of the tree of `size` leaves whose root is
    /// `root`.
    ///
    /// Follows RFC 9162 §2.1.3.2 step by step. Beyond the RFC's checks (`index < size`, the path running
    /// out exactly at the root), it rejects negative arguments and any hash that is not 32 bytes, so that
    /// bytes cannot move between a hash and its neighbour in a node's input `0x01 ‖ left ‖ right`. It never
    /// traps, whatever the input: a proof longer than the path fails at the RFC's in-loop `sn == 0` check
    /// (after at most 63 node hashes), and one shorter than the path at the final one.
    ///
    /// What it does not check: that `root` is a root anyone signed; the caller compares it with a verified
    /// checkpoint.
    ///
    /// - Parameters:
    ///   - leafHash: The leaf's hash (``leafHash(_:)`` of the entry line).
    ///   - index: The leaf's index.
    ///   - size: The size of the tree.
    ///   - proof: The audit path, nearest the leaf first.
    ///   - root: The tree's root.
    /// - Returns: `true` only if the proof is valid.
    public static func verifyInclusion(
        leafHash: [UInt8],
        index: Int,
        size: Int,
        proof: [[UInt8]],
        root: [UInt8]
    ) -> Bool {
        // 1. leaf_index < tree_size (and neither is negative).
        guard index >= 0, index < size, isHash(leafHash), isHash(root), proof.allSatisfy(isHash) else {
            return false
        }
        return inclusionRoot(leafHash: leafHash, index: index, size: size, proof: proof[...]) == root
    }

    /// Checks a consistency proof: that the tree of `from` leaves with root `oldRoot` is a prefix of the
    /// tree of `to` leaves with root `newRoot`.
    ///
    /// Follows RFC 9162 §2.1.4.2, which assumes `0 < from < to`. The two edge cases outside it have an
    /// empty proof and are decided by the roots alone: `from == to` holds when the roots are equal,
    /// and `from == 0` holds when `oldRoot` is ``emptyRoot`` (every tree extends the empty one). A
    /// non-empty proof for either is rejected, as are `from > to`, negative sizes and any hash that is not
    /// 32 bytes. It never traps, whatever the input.
    ///
    /// What it does not check: that either root was signed; the caller compares them with verified
    /// checkpoints.
    ///
    /// - Parameters:
    ///   - from: The size of the older tree.
    ///   - to: The size of the newer tree.
    ///   - proof: The consistency proof, nearest the leaves first.
    ///   - oldRoot: The older tree's root.
    ///   - newRoot: The newer tree's root.
    /// - Returns: `true` only if the proof is valid.
    public static func verifyConsistency(
        from: Int,
        to: Int,
        proof: [[UInt8]],
        oldRoot: [UInt8],
        newRoot: [UInt8]
    ) -> Bool {
        guard from >= 0, from <= to, isHash(oldRoot), isHash(newRoot), proof.allSatisfy(isHash) else {
            return false
        }
        if from == to {
            return proof.isEmpty && oldRoot == newRoot
        }
        if from == 0 {
            return proof.isEmpty && oldRoot == emptyRoot
        }
        // 1. An empty consistency_path fails.
        guard !proof.isEmpty else {
            return false
        }
        // 2. If first is an exact power of 2, first_hash is prepended to the path: the old tree is a node of
        //    the new one, so its root is where both computations start. Steps 2 and 5 together: take that
        //    value, or the path's first, as fr and sr, and fold in the rest.
        var path = proof[...]
        var fr = from & (from - 1) == 0 ? oldRoot : path.removeFirst()
        var sr = fr
        // 3. fn = first − 1, sn = second − 1.
        var fn = from - 1
        var sn = to - 1
        // 4. While LSB(fn) is set, shift both right: those levels lie inside the old tree's rightmost
        //    perfect subtree, whose root the path starts with.
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        // 6. Fold in each subsequent value.
        for c in path {
            if sn == 0 {
                return false
            }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                // If LSB(fn) is not set, shift both until it is or fn is 0.
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        // 7. fr must be first_hash, sr second_hash, and the path must have reached the root (sn == 0).
        return sn == 0 && fr == oldRoot && sr == newRoot
    }

    /// Checks a page proof: that `pageRoot` is the root of full page `page` in the tree of `size` leaves
    /// whose root is `root` (feed.md §5, `proof/page`).
    ///
    /// This is RFC 9162 §2.1.3.2 inclusion verification in the page-level tree: leaf hash `pageRoot`,
    /// index `page`, size `⌈size / 256⌉` (see ``pageProof(page:size:hasher:)``). A reader checks a page
    /// this way on its own, with bounded memory, before applying it. The page must be full
    /// (`256·(page+1) ≤ size`); a partial page is checked against the `tail_root` instead.
    ///
    /// - Parameters:
    ///   - pageRoot: The RFC 6962 root of the page's 256 leaf hashes.
    ///   - page: The page number.
    ///   - size: The size of the tree, in leaves (entries).
    ///   - proof: The page's audit path, nearest the page first.
    ///   - root: The tree's root.
    /// - Returns: `true` only if the proof is valid.
    public static func verifyPage(pageRoot: [UInt8], page: Int, size: Int, proof: [[UInt8]], root: [UInt8]) -> Bool {
        // `page < size / 256` is `256·(page+1) ≤ size` without the multiplication, which could overflow.
        guard page >= 0, page < size / pageSize else {
            return false
        }
        return verifyInclusion(leafHash: pageRoot, index: page, size: pageCount(size: size), proof: proof, root: root)
    }
}

extension Merkle {
    /// RFC 9162 §2.1.3.2 steps 2–5: the root that `proof` leads to from `leafHash` at `index`, or `nil` if
    /// the proof's length does not match the tree (it must end exactly when `sn` reaches 0).
    ///
    /// Requires `0 ≤ index < size`.
    private static func inclusionRoot(leafHash: [UInt8], index: Int, size: Int, proof: ArraySlice<[UInt8]>)
        -> [UInt8]?
    {
        // 2. fn = leaf_index, sn = tree_size − 1. 3. r = hash.
        var fn = index
        var sn = size - 1
        var r = leafHash
        // 4. For each p in the path:
        for p in proof {
            if sn == 0 {
                return nil
            }
            if fn & 1 == 1 || fn == sn {
                // p is a left sibling: fn is a right child, or fn is the last node of its level, which has
                // no right sibling and rises unchanged (the shifts) until it is a right child.
                r = nodeHash(p, r)
                // If LSB(fn) is not set, shift both until it is or fn is 0.
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        // 5. sn must be 0: the path reached the root.
        return sn == 0 ? r : nil
    }

    /// Whether `bytes` has the length of a tree hash.
    private static func isHash(_ bytes: [UInt8]) -> Bool {
        bytes.count == hashSize
    }
}
