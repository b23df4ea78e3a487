#!/usr/bin/env python3
"""Independent check of a cluster read (GET /v1/clusters/{id}), from protocols/clusters.md alone.

Usage: cluster_check.py RESPONSE ORIGIN=ROOT_KEY [ORIGIN=ROOT_KEY ...] [--at TIME]

RESPONSE is a file holding the answer's JSON. Holding nothing but the origins' root keys
(ed25519:<base64>), the script checks, for every origin the answer lists, its key statements
against the root key and its checkpoint against them (the rules of feed.md §6, §7, written in
independent_check.py, which shares no code with kechuang); and for every member shown, that its
entry line is a canonical `put` of that member at that version, that the line's leaf is in the
origin's tree under the checkpoint (RFC 9162 inclusion proof), that the body line hashes to the
entry's body_hash and is the member's record. It also checks that the cluster's steward and record
name one of the cluster's members.

Exits 0 and prints what it checked when all holds; 1 naming the first failure; 2 on bad usage.
"""
import hashlib
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from independent_check import (  # noqa: E402
    Failure, Keys, check_checkpoint, check_entry, fail, leaf_hash, lower_hex, node_hash, parse, public_key, timestamp,
)


def root_from_inclusion(index, size, leaf, proof):
    """RFC 9162 §2.1.3.2: the root that `proof` gives for leaf `index` of a tree of `size`."""
    if index >= size:
        fail("leaf %d is outside the tree of size %d" % (index, size))
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            fail("the inclusion proof is too long")
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        fail("the inclusion proof is too short")
    return r


def check(answer, roots, at):
    if not isinstance(answer, dict):
        fail("the answer is not a JSON object")
    origins = answer.get("origins")
    if not isinstance(origins, dict):
        fail("origins is not an object")
    trees = {}
    for origin, held in sorted(origins.items()):
        if origin not in roots:
            fail("no root key given for origin %s" % origin)
        root_key, root_id = roots[origin]
        keys = Keys(origin, root_key, root_id)
        statements = held.get("key_statements")
        if not isinstance(statements, list):
            fail("%s: key_statements is not a list" % origin)
        for n, statement in enumerate(statements):
            keys.add(statement, "%s key statement %d" % (origin, n))
        size, tree_root, _ = check_checkpoint(held.get("checkpoint"), origin, keys, at, "%s checkpoint" % origin)
        trees[origin] = (size, tree_root)
    members = answer.get("members")
    if not isinstance(members, list):
        fail("members is not a list")
    ids = []
    for member in members:
        member_id, origin = member.get("id"), member.get("origin")
        where = "member %s" % member_id
        if not isinstance(member_id, str) or member_id.split(":", 1)[0] != origin:
            fail("%s: its origin %r is not its id's" % (where, origin))
        if origin not in trees:
            fail("%s: the answer gives no checkpoint for %s" % (where, origin))
        size, tree_root = trees[origin]
        entry = member.get("entry") or {}
        seq = entry.get("seq")
        if not isinstance(seq, int) or not 0 <= seq < size:
            fail("%s: seq %r is not inside %s's checkpoint of size %d" % (where, seq, origin, size))
        line = entry.get("line", "").encode("utf-8")
        body = entry.get("body", "").encode("utf-8")
        parsed = check_entry(line, seq, origin, where + " entry line")
        if parsed["op"] != "put" or parsed["id"] != member_id or parsed["version"] != member.get("version"):
            fail("%s: the entry line is %s %s version %s, not a put of this member at version %s"
                 % (where, parsed["op"], parsed["id"], parsed["version"], member.get("version")))
        proof = [lower_hex(h, 64, where + " inclusion") for h in entry.get("inclusion") or []]
        if root_from_inclusion(seq, size, leaf_hash(line), proof) != tree_root:
            fail("%s: the entry is not in %s's tree under its checkpoint (inclusion proof)" % (where, origin))
        if hashlib.sha256(body).hexdigest() != parsed["body_hash"]:
            fail("%s: the body line does not hash to the entry's body_hash" % where)
        record = parse(body, where + " body")
        if not isinstance(record, dict) or record.get("id") != member_id:
            fail("%s: the body is not the member's record" % where)
        if "stage" in member and record.get("stage", "publication") != member["stage"]:
            fail("%s: stage %r is not the body's %r" % (where, member["stage"], record.get("stage")))
        ids.append(member_id)
    total = answer.get("members_total")
    if len(ids) == total and answer.get("steward") not in ids:
        fail("the steward %r is not a member" % answer.get("steward"))
    if not isinstance(answer.get("record"), dict) or answer["record"].get("id") != answer.get("steward"):
        fail("the record is not the steward's")
    return "OK cluster %s: %d of %d members verified under %d origins' checkpoints (%s)" % (
        answer.get("cluster"), len(ids), total, len(trees), ", ".join(sorted(trees)))


def main():
    arguments = sys.argv[1:]
    at = time.time()
    if "--at" in arguments:
        position = arguments.index("--at")
        if position + 1 >= len(arguments):
            print(__doc__, file=sys.stderr)
            return 2
        at = timestamp(arguments[position + 1], "--at")
        del arguments[position:position + 2]
    if len(arguments) < 2 or not all("=" in a for a in arguments[1:]):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        roots = {}
        for pair in arguments[1:]:
            origin, key = pair.split("=", 1)
            roots[origin] = public_key(key)
        with open(arguments[0], "rb") as handle:
            answer = parse(handle.read(), arguments[0])
        print(check(answer, roots, at))
        return 0
    except Failure as failure:
        print("FAIL: %s" % failure)
        return 1


if __name__ == "__main__":
    sys.exit(main())
