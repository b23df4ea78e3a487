#!/usr/bin/env python3
"""Independent check of a kechuang feed, written from protocols/feed.md alone.

Usage: independent_check.py SOURCE ROOT_KEY [ORIGIN] [--at TIME] [--compare A B]

SOURCE is a node's base URL or an export directory. The script shares no code with kechuang:
RFC 8785 (JCS) canonicalisation and RFC 6962 hashing are written here, Ed25519 comes from the
`cryptography` package. At TIME (RFC 3339 UTC, default now) it checks:

- the origin's key statements (keys.json) against ROOT_KEY, and the checkpoint (checkpoint.json):
  type, origin, a key valid for its size, signature, lowercase hex, issued_at at most 5 minutes
  after TIME, expires_at after issued_at and at most 31 days after it (feed.md §6, §7);
- /feeds/checkpoints.json as a syncing peer reads it: the whole document JSON, the origin's key
  statements signed by ROOT_KEY, its checkpoint valid under those statements alone, of the same
  size and root as checkpoint.json (§7);
- every page against the checkpoint's root (through the page-roots document), every entry line
  canonical with its seq, every body against its entry's body_hash, or, for a `put`, exactly the
  bytes of a redaction marker whose `redacted_by` names a later `redact` of the same record (§2-§5);
- the origin and version rules (§2, which defers to merge.md §2): entries that break them are
  listed as ignored, not refused. Only accepted entries set an id's last accepted version; a `put`
  whose body is not canonical JSON of an object with the entry's id and version is ignored (part of
  merge.md §2 rule 6: the record schema, the syntax of ids and typed objects are not checked);
- expiry last: a feed that passes everything but whose checkpoint has expired at TIME is stale.

Exits 0 when all holds (valid and current) and prints what it checked; 1 naming the first
failure; 3 when valid but expired; 2 on bad usage.

With --compare A B (two checkpoint files), it verifies both checkpoints with the origin's key
statements at TIME and prints how B compares with A, taken as the last one verified (§7.3):
`stale` (smaller), `repeat` (same size and root), `fork` (same size, another root) or `newer`.
"""
import base64
import calendar
import hashlib
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

PAGE = 256
SKEW = 300
MAX_VALIDITY = 31 * 86400
MARKER_TYPE = "kechuang.redacted/1"


class Failure(Exception):
    pass


def fail(message):
    raise Failure(message)


def fetch(source, path):
    """The bytes at `path`, or None when the file does not exist."""
    if source.startswith("http://") or source.startswith("https://"):
        try:
            with urllib.request.urlopen(source.rstrip("/") + path, timeout=30) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            fail("%s: HTTP %d" % (path, error.code))
    full = os.path.join(source, path.lstrip("/"))
    if not os.path.isfile(full):
        return None
    with open(full, "rb") as handle:
        return handle.read()


def require(source, path):
    data = fetch(source, path)
    if data is None:
        fail("%s: not found" % path)
    return data


def parse(data, what):
    """Strict JSON: UTF-8, no byte order mark, no NaN or Infinity."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        fail("%s is not UTF-8: %s" % (what, error))
    if text.startswith("\ufeff"):
        fail("%s starts with a byte order mark" % what)

    def constant(name):
        fail("%s holds %s, which is not JSON" % (what, name))

    try:
        return json.loads(text, parse_constant=constant)
    except ValueError as error:
        fail("%s is not JSON: %s" % (what, error))


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


# --- values

def lower_hex(value, digits, what):
    """Bytes of a hash or key id written in lowercase hex, as entries and signed objects must (§1)."""
    if not isinstance(value, str) or not re.fullmatch("[0-9a-f]{%d}" % digits, value):
        fail("%s is not %d lowercase hex digits" % (what, digits))
    return bytes.fromhex(value)


def any_hex(value, what):
    """A hash of an unsigned document (page roots): either case, checked against signed hashes."""
    if not isinstance(value, str) or not re.fullmatch("[0-9a-fA-F]{64}", value):
        fail("%s is not 64 hex digits" % what)
    return bytes.fromhex(value)


def timestamp(value, what):
    """Seconds since the epoch of an RFC 3339 UTC timestamp YYYY-MM-DDTHH:MM:SSZ."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", value):
        fail("%s %r is not a UTC timestamp" % (what, value))
    try:
        return calendar.timegm(time.strptime(value, "%Y-%m-%dT%H:%M:%SZ"))
    except ValueError:
        fail("%s %r is not a valid date and time" % (what, value))


def public_key(text):
    if not isinstance(text, str) or not text.startswith("ed25519:"):
        fail("key %r is not ed25519:<base64>" % (text,))
    try:
        raw = base64.b64decode(text[len("ed25519:"):], validate=True)
    except ValueError:
        fail("key %r is not base64" % text)
    if len(raw) != 32:
        fail("key is not 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw), hashlib.sha256(raw).hexdigest()[:16]


def verify_signed(obj, key, expected_type, what):
    if not isinstance(obj, dict):
        fail("%s is not a JSON object" % what)
    if obj.get("type") != expected_type:
        fail("%s has type %r, expected %r" % (what, obj.get("type"), expected_type))
    unsigned = {k: v for k, v in obj.items() if k != "signature"}
    try:
        signature = base64.b64decode(obj["signature"], validate=True)
        key.verify(signature, canonical_bytes(unsigned))
    except (InvalidSignature, KeyError, ValueError, TypeError):
        fail("%s: signature does not verify" % what)


# --- keys and checkpoints

class Keys:
    """The key statements of one origin accepted under the pinned root key (§6)."""

    def __init__(self, origin, root, root_id):
        self.origin, self.root, self.root_id = origin, root, root_id
        self.by_key = {}

    def add(self, statement, what):
        verify_signed(statement, self.root, "kechuang.key-statement/1", what)
        if statement.get("origin") != self.origin or statement.get("root_key_id") != self.root_id:
            fail("%s is not about %s under the pinned root key" % (what, self.origin))
        _, key_id = public_key(statement.get("key"))
        if lower_hex(statement.get("key_id"), 16, what + " key_id") != bytes.fromhex(key_id):
            fail("%s: key_id is not the id of its key" % what)
        if statement.get("action") not in ("authorize", "retire", "revoke"):
            fail("%s: unknown action %r" % (what, statement.get("action")))
        if not isinstance(statement.get("from_size"), int) or statement["from_size"] < 0:
            fail("%s: from_size is not a non-negative integer" % what)
        timestamp(statement.get("issued_at"), what + " issued_at")
        self.by_key.setdefault(key_id, []).append(statement)

    def valid_key(self, key_id, size, what):
        statements = self.by_key.get(key_id, [])
        authorised = [s for s in statements if s["action"] == "authorize" and s["from_size"] <= size]
        withdrawn = [s for s in statements if s["action"] in ("retire", "revoke") and s["from_size"] <= size]
        if not authorised or withdrawn:
            fail("%s: key %s is not valid for size %d" % (what, key_id, size))
        key, _ = public_key(authorised[0]["key"])
        return key


def check_checkpoint(checkpoint, origin, keys, at, what):
    """Checks a checkpoint at `at` (§7.1); returns (size, root, expires_at)."""
    if not isinstance(checkpoint, dict) or checkpoint.get("type") != "kechuang.checkpoint/1":
        fail("%s is not of type kechuang.checkpoint/1" % what)
    if checkpoint.get("origin") != origin:
        fail("%s is for origin %r, not %s" % (what, checkpoint.get("origin"), origin))
    size = checkpoint.get("size")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        fail("%s: size is not a non-negative integer" % what)
    root = lower_hex(checkpoint.get("root"), 64, what + ": root")
    key_id = lower_hex(checkpoint.get("key_id"), 16, what + ": key_id").hex()
    issued = timestamp(checkpoint.get("issued_at"), what + ": issued_at")
    expires = timestamp(checkpoint.get("expires_at"), what + ": expires_at")
    verify_signed(checkpoint, keys.valid_key(key_id, size, what), "kechuang.checkpoint/1", what)
    if issued > at + SKEW:
        fail("%s: issued at %s, in the future" % (what, checkpoint["issued_at"]))
    if not issued < expires <= issued + MAX_VALIDITY:
        fail("%s: validity %s ... %s is not between 0 and 31 days" % (what, checkpoint["issued_at"], checkpoint["expires_at"]))
    return size, root, expires


def lines(data, count, what):
    if count == 0 and data == b"":
        return []
    if not data.endswith(b"\n"):
        fail("%s does not end with a line feed" % what)
    result = data[:-1].split(b"\n")
    if len(result) != count:
        fail("%s has %d lines, expected %d" % (what, len(result), count))
    return result


def marker(redact_seq):
    """The exact bytes of a redaction marker (§4)."""
    return b'{"redacted_by":%d,"type":"%s"}' % (redact_seq, MARKER_TYPE.encode())


def marker_target(body):
    """The `redacted_by` of a line that is exactly a marker, else None."""
    match = re.fullmatch(rb'\{"redacted_by":(0|[1-9][0-9]{0,15}),"type":"kechuang\.redacted/1"\}', body)
    return int(match.group(1)) if match else None


def body_problem(body, entry):
    """Part of merge.md §2 rule 6: why a `put` body is ignored, or None. It checks that the body is
    canonical JSON of an object with the entry's `id` and `version`, not the record schema."""
    try:
        value = parse(body, "body")
        canonical = canonical_bytes(value)
    except Failure as failure:
        return "body of %s is not JSON: %s" % (entry["id"], failure)
    if canonical != body:
        return "body of %s is not in canonical form" % entry["id"]
    if not isinstance(value, dict) or value.get("id") != entry["id"] or value.get("version") != entry["version"]:
        return "body of %s does not have the entry's id and version" % entry["id"]
    return None


def check_entry(line, seq, origin, where):
    if not line:
        fail("%s: empty line" % where)
    entry = parse(line, where)
    if not isinstance(entry, dict):
        fail("%s is not a JSON object" % where)
    try:
        canonical = canonical_bytes(entry)
    except Failure as failure:
        fail("%s: %s" % (where, failure))
    if canonical != line:
        fail("%s is not canonical" % where)
    if entry.get("seq") != seq:
        fail("%s has seq %r, expected %d" % (where, entry.get("seq"), seq))
    op, record = entry.get("op"), entry.get("id")
    if op not in ("put", "delete", "redact", "key"):
        fail("%s: unknown op %r" % (where, op))
    if not isinstance(record, str) or ":" not in record:
        fail("%s: id %r is not origin:local" % (where, record))
    if not isinstance(entry.get("version"), int) or entry["version"] < 1:
        fail("%s: version is not an integer >= 1" % where)
    # `time` is not interpreted (§2): any string.
    if not isinstance(entry.get("time"), str):
        fail("%s: time is not a string" % where)
    keys_id = record.split(":", 1)[0] + ":~keys"
    if (op == "key") != (record == keys_id):
        fail("%s: only key entries, and all of them, have the id %s" % (where, keys_id))
    if op in ("put", "key"):
        lower_hex(entry.get("body_hash"), 64, where + ": body_hash")
    elif "body_hash" in entry:
        fail("%s: a %s entry has no body_hash" % (where, op))
    return entry


def check_feed(source, origin, root, root_id, at):
    """Checks the whole feed; returns a report line, or raises Failure. Expiry is checked last."""
    keys = Keys(origin, root, root_id)
    keys_path = "/feeds/%s/keys.json" % origin
    listed = parse(require(source, keys_path), keys_path)
    if not isinstance(listed, dict) or not isinstance(listed.get("key_statements"), list):
        fail("%s: key_statements is missing" % keys_path)
    for statement in listed["key_statements"]:
        keys.add(statement, keys_path + ": key statement")

    checkpoint_path = "/feeds/%s/checkpoint.json" % origin
    checkpoint = parse(require(source, checkpoint_path), checkpoint_path)
    size, root_hash, expires = check_checkpoint(checkpoint, origin, keys, at, checkpoint_path)
    deadlines = [(expires, checkpoint_path, checkpoint["expires_at"])]

    # What a syncing peer polls: refused as a whole when anything in the origin's part fails.
    bundle_path = "/feeds/checkpoints.json"
    bundle = parse(require(source, bundle_path), bundle_path)
    if not isinstance(bundle, dict) or bundle.get("type") != "kechuang.checkpoints/1" or not isinstance(bundle.get("origins"), list):
        fail("%s is not a kechuang.checkpoints/1 document with origins" % bundle_path)
    offered = [item for item in bundle["origins"] if isinstance(item, dict) and item.get("origin") == origin]
    if not offered:
        fail("%s lists no checkpoint of %s" % (bundle_path, origin))
    for item in offered:
        fresh = Keys(origin, root, root_id)
        for statement in item.get("key_statements", []):
            fresh.add(statement, bundle_path + ": key statement")
        offered_size, offered_root, offered_expires = check_checkpoint(item.get("checkpoint"), origin, fresh, at, bundle_path + ": checkpoint")
        if (offered_size, offered_root) != (size, root_hash):
            fail("%s offers %s at size %d, but checkpoint.json is of size %d or another root" % (bundle_path, origin, offered_size, size))
        deadlines.append((offered_expires, bundle_path, item["checkpoint"]["expires_at"]))

    # The page roots make the signed root.
    roots_path = "/feeds/%s/page-roots/%d.json" % (origin, size)
    roots = parse(require(source, roots_path), roots_path)
    if not isinstance(roots, dict) or roots.get("origin") != origin or roots.get("size") != size or roots.get("page_size") != PAGE:
        fail("%s does not describe the tree of size %d of %s" % (roots_path, size, origin))
    page_roots = [any_hex(h, roots_path + ": page root") for h in roots.get("page_roots", [])]
    tail_root = any_hex(roots["tail_root"], roots_path + ": tail_root") if roots.get("tail_root") is not None else None
    if len(page_roots) != size // PAGE or (tail_root is not None) != (size % PAGE != 0):
        fail("%s does not have the pages of a tree of size %d" % (roots_path, size))
    if mth(page_roots + ([tail_root] if tail_root else [])) != root_hash:
        fail("%s: the page roots do not make the checkpoint's root" % roots_path)

    # Every page, entry by entry, and its bodies.
    entries, claims, ignored, last_version = [], [], [], {}
    for page in range((size + PAGE - 1) // PAGE):
        width = min(PAGE, size - page * PAGE)
        name = "%d.jsonl" % page if width == PAGE else "%d.p%d.jsonl" % (page, width)
        page_path, bodies_path = "/feeds/%s/pages/%s" % (origin, name), "/feeds/%s/bodies/%s" % (origin, name)
        entry_lines = lines(require(source, page_path), width, page_path)
        body_lines = lines(require(source, bodies_path), width, bodies_path)
        page_entries = [check_entry(line, page * PAGE + i, origin, "%s line %d (seq %d)" % (page_path, i + 1, page * PAGE + i))
                        for i, line in enumerate(entry_lines)]
        if mth([leaf_hash(line) for line in entry_lines]) != (page_roots[page] if width == PAGE else tail_root):
            fail("%s: the entries do not hash to the page's root" % page_path)
        for i, (entry, body) in enumerate(zip(page_entries, body_lines)):
            seq = page * PAGE + i
            where = "%s line %d (seq %d)" % (bodies_path, i + 1, seq)
            if entry["op"] in ("put", "key"):
                if hashlib.sha256(body).hexdigest() == entry["body_hash"]:
                    if entry["op"] == "key":
                        keys.add(parse(body, where), where)
                elif entry["op"] == "put" and marker_target(body) is not None:
                    target = marker_target(body)
                    if target <= seq:
                        fail("%s: the redaction marker names entry %d, not later than the erased one" % (where, target))
                    claims.append((seq, entry["id"], target, where))
                else:
                    fail("%s: the SHA-256 of the body does not match the entry's body_hash" % where)
            elif body != b"null":
                fail("%s: the body of a %s entry must be null" % (where, entry["op"]))
            # The origin and version rules (feed.md §2, merge.md §2): ignored and reported, never
            # refused. Only accepted entries set the last accepted version.
            if entry["id"].split(":", 1)[0] != origin:
                ignored.append("seq %d: id %s belongs to another origin" % (seq, entry["id"]))
            elif entry["id"] in last_version and entry["version"] <= last_version[entry["id"]]:
                ignored.append("seq %d: version %d of %s does not exceed %d" % (seq, entry["version"], entry["id"], last_version[entry["id"]]))
            elif entry["op"] == "put" and marker_target(body) is None and body_problem(body, entry) is not None:
                ignored.append("seq %d: %s" % (seq, body_problem(body, entry)))
            else:
                last_version[entry["id"]] = entry["version"]
        entries.extend(page_entries)

    # Redaction targets (§4): the entry a marker names is a later redact of the same record.
    for seq, record, target, where in claims:
        if target >= size or entries[target]["op"] != "redact" or entries[target]["id"] != record:
            fail("%s: the redaction marker names entry %d, which is not a redact of %s" % (where, target, record))

    for expires, path, text in deadlines:
        if at >= expires:
            return 3, "EXPIRED %s: %s expired at %s; every other check passed" % (origin, path, text), ignored
    return 0, "OK %s: checkpoint %d signed by %s; %d entries and bodies checked; %d redacted bodies" % (
        origin, size, checkpoint["key_id"], len(entries), len(claims)), ignored


def compare(source, origin, root, root_id, at, first, second):
    """How checkpoint `second` compares with `first`, the last one verified (§7.3)."""
    keys = Keys(origin, root, root_id)
    keys_path = "/feeds/%s/keys.json" % origin
    for statement in parse(require(source, keys_path), keys_path)["key_statements"]:
        keys.add(statement, keys_path + ": key statement")
    checkpoints = []
    for path in (first, second):
        with open(path, "rb") as handle:
            checkpoints.append(check_checkpoint(parse(handle.read(), path), origin, keys, at, path)[:2])
    (held_size, held_root), (size, root_hash) = checkpoints
    if size < held_size:
        return "stale"
    if size == held_size:
        return "repeat" if root_hash == held_root else "fork"
    return "newer"


def main():
    arguments = sys.argv[1:]
    at, pair = time.time(), None
    if "--at" in arguments:
        index = arguments.index("--at")
        try:
            at = timestamp(arguments[index + 1], "--at")
        except (IndexError, Failure) as error:
            print("usage: --at TIME (YYYY-MM-DDTHH:MM:SSZ): %s" % error)
            sys.exit(2)
        del arguments[index:index + 2]
    if "--compare" in arguments:
        index = arguments.index("--compare")
        pair = arguments[index + 1:index + 3]
        del arguments[index:index + 3]
        if len(pair) != 2:
            print(__doc__)
            sys.exit(2)
    if len(arguments) not in (2, 3):
        print(__doc__)
        sys.exit(2)
    source, root_text = arguments[0], arguments[1]
    try:
        root, root_id = public_key(root_text)
        if len(arguments) > 2:
            origin = arguments[2]
        else:
            manifest = parse(require(source, "/.well-known/kechuang/node.json"), "node.json")
            origin = manifest.get("node_id") if isinstance(manifest, dict) else None
            if not isinstance(origin, str):
                fail("node.json names no node_id")
        if pair:
            print(compare(source, origin, root, root_id, at, pair[0], pair[1]))
            sys.exit(0)
        status, report, ignored = check_feed(source, origin, root, root_id, at)
    except Failure as failure:
        print("FAIL: %s" % failure)
        sys.exit(1)
    print(report)
    for note in ignored:
        print("ignored: " + note)
    sys.exit(status)


if __name__ == "__main__":
    main()
