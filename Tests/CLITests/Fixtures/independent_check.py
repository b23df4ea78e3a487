#!/usr/bin/env python3
"""Independent check of a kechuang feed, written from protocols/feed.md alone.

Usage: independent_check.py SOURCE ROOT_KEY [ORIGIN]

SOURCE is a node's base URL or an export directory. The script shares no code with kechuang:
RFC 8785 (JCS) canonicalisation and RFC 6962 hashing are written here, Ed25519 comes from the
`cryptography` package. It checks the origin's key statements against ROOT_KEY, the checkpoint's
signature, the first page and the partial page against the checkpoint's root (through the
page-roots document), and every body of those pages against its entry. Exits 0 when all hold and
prints what it checked; exits 1 naming the first failure.
"""
import base64
import hashlib
import json
import os
import sys
import urllib.request

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

PAGE = 256


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def fetch(source, path):
    if source.startswith("http://") or source.startswith("https://"):
        with urllib.request.urlopen(source.rstrip("/") + path, timeout=30) as response:
            return response.read()
    with open(os.path.join(source, path.lstrip("/")), "rb") as handle:
        return handle.read()


# --- RFC 8785, for the objects of this protocol (strings, integers, booleans, null, arrays, objects)

def jcs_string(text):
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif code < 0x20:
            short = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"}
            out.append(short.get(code, "\\u%04x" % code))
        elif 0xD800 <= code <= 0xDFFF:
            fail("lone surrogate in a string")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def jcs(value):
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        if abs(value) > 2**53 - 1:
            fail("integer beyond 2^53 in a signed object")
        return str(value)
    if isinstance(value, float):
        fail("non-integer number in a signed object")
    if isinstance(value, str):
        return jcs_string(value)
    if isinstance(value, list):
        return "[" + ",".join(jcs(item) for item in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value.keys(), key=lambda key: key.encode("utf-16-be"))
        return "{" + ",".join(jcs_string(key) + ":" + jcs(value[key]) for key in keys) + "}"
    fail("unexpected JSON value")


def canonical_bytes(value):
    return jcs(value).encode("utf-8")


# --- RFC 6962

def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def mth(hashes):
    """RFC 6962 Merkle tree hash over values taken as leaf hashes."""
    if not hashes:
        return hashlib.sha256(b"").digest()
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return node_hash(mth(hashes[:k]), mth(hashes[k:]))


# --- signatures

def public_key(text):
    if not text.startswith("ed25519:"):
        fail("key %r is not ed25519:<base64>" % text)
    raw = base64.b64decode(text[len("ed25519:"):], validate=True)
    if len(raw) != 32:
        fail("key is not 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw), hashlib.sha256(raw).hexdigest()[:16]


def verify_signed(obj, key, expected_type, what):
    if obj.get("type") != expected_type:
        fail("%s has type %r, expected %r" % (what, obj.get("type"), expected_type))
    unsigned = {k: v for k, v in obj.items() if k != "signature"}
    try:
        key.verify(base64.b64decode(obj["signature"], validate=True), canonical_bytes(unsigned))
    except (InvalidSignature, KeyError, ValueError):
        fail("%s: signature does not verify" % what)


def lines(data, what):
    if not data.endswith(b"\n"):
        fail("%s does not end with a line feed" % what)
    return data[:-1].split(b"\n")


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        sys.exit(2)
    source, root_text = sys.argv[1], sys.argv[2]
    origin = sys.argv[3] if len(sys.argv) > 3 else json.loads(fetch(source, "/.well-known/kechuang/node.json"))["node_id"]
    root, root_id = public_key(root_text)

    # Key statements: signed by the pinned root key; the checkpoint key must be authorised.
    statements = json.loads(fetch(source, "/feeds/%s/keys.json" % origin))["key_statements"]
    standing = {}
    for statement in statements:
        verify_signed(statement, root, "kechuang.key-statement/1", "key statement")
        if statement["origin"] != origin or statement["root_key_id"] != root_id:
            fail("key statement is not about %s under the pinned root key" % origin)
        standing.setdefault(statement["key_id"], []).append(statement)

    checkpoint = json.loads(fetch(source, "/feeds/%s/checkpoint.json" % origin))
    size = checkpoint["size"]
    key_id = checkpoint["key_id"]
    entries_for_key = standing.get(key_id, [])
    authorised = [s for s in entries_for_key if s["action"] == "authorize" and s["from_size"] <= size]
    withdrawn = [s for s in entries_for_key if s["action"] in ("retire", "revoke") and s["from_size"] <= size]
    if not authorised or withdrawn:
        fail("checkpoint key %s is not valid for size %d" % (key_id, size))
    key, computed_id = public_key(authorised[0]["key"])
    if computed_id != key_id:
        fail("key id does not match the key")
    verify_signed(checkpoint, key, "kechuang.checkpoint/1", "checkpoint")
    root_hash = bytes.fromhex(checkpoint["root"])

    # The page roots make the signed root.
    roots = json.loads(fetch(source, "/feeds/%s/page-roots/%d.json" % (origin, size)))
    page_roots = [bytes.fromhex(h) for h in roots["page_roots"]]
    tail_root = bytes.fromhex(roots["tail_root"]) if roots["tail_root"] else None
    if mth(page_roots + ([tail_root] if tail_root else [])) != root_hash:
        fail("page roots do not make the checkpoint's root")

    # The first page and the partial page, entry by entry, and their bodies.
    pages = [0]
    if size % PAGE and size > PAGE:
        pages.append(size // PAGE)
    checked = 0
    for page in pages:
        width = min(PAGE, size - page * PAGE)
        name = "%d.jsonl" % page if width == PAGE else "%d.p%d.jsonl" % (page, width)
        entry_lines = lines(fetch(source, "/feeds/%s/pages/%s" % (origin, name)), name)
        body_lines = lines(fetch(source, "/feeds/%s/bodies/%s" % (origin, name)), "bodies " + name)
        if len(entry_lines) != width or len(body_lines) != width:
            fail("%s does not hold %d lines" % (name, width))
        expected = page_roots[page] if width == PAGE else tail_root
        if mth([leaf_hash(line) for line in entry_lines]) != expected:
            fail("pages/%s does not hash to its page root" % name)
        for index, (line, body) in enumerate(zip(entry_lines, body_lines)):
            entry = json.loads(line)
            seq = page * PAGE + index
            if canonical_bytes(entry) != line:
                fail("pages/%s line %d is not canonical" % (name, index + 1))
            if entry["seq"] != seq:
                fail("pages/%s line %d has seq %d" % (name, index + 1, entry["seq"]))
            if entry["op"] in ("put", "key"):
                if hashlib.sha256(body).hexdigest() != entry["body_hash"]:
                    marker = json.loads(body)
                    if not (entry["op"] == "put" and isinstance(marker, dict) and marker.get("type") == "kechuang.redacted/1"
                            and marker.get("redacted_by", -1) > seq):
                        fail("bodies/%s line %d (seq %d) does not match its entry" % (name, index + 1, seq))
            elif body != b"null":
                fail("bodies/%s line %d should be null" % (name, index + 1))
            checked += 1
    print("OK %s: checkpoint %d signed by %s; %d entries and bodies checked" % (origin, size, key_id, checked))


if __name__ == "__main__":
    main()
