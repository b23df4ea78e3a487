#!/usr/bin/env python3
"""Checks real HTTP answers of a kechuang node against protocols/openapi.yaml.

Usage: openapi_check.py SPEC EXCHANGES [--allow-unexercised KEY ...]

SPEC is the OpenAPI document (YAML). EXCHANGES is a JSON file: a list of objects
{"method", "path", "query": {name: value}, "request": {"content_type", "body"}, "status",
"headers": {lower-case name: value}, "body": text} — one request made to a running node and
the answer it gave (`request` only when the request had a body).

For each exchange the script finds the operation of the document that serves it (the path
template whose regular expression matches the path and whose path parameters satisfy their
schemas, literal templates first), then:
- the answer's status must be documented for that operation, or in `x-any-operation-responses`;
  a path no template matches must be answered as `x-unknown-path-response` documents, with 404;
  a method the path does not list must be a 405 as the path's operations document it; `HEAD` is
  checked as `GET` without a body;
- every required header of that response must be present and match its schema;
- the answer's media type must be one the response documents (none: an empty body), and the
  body must validate against its schema (JSON: the parsed document; JSON Lines: every line
  against `x-line-schema`; text: the string itself). `$ref`s are resolved within the document
  and to the JSON Schemas beside it (schema/*.json, by file and by `$id`);
- for a successful answer (2xx, 304), every query parameter sent must be documented for the
  operation, with a value its schema accepts, and every required one present; the request
  body must be one the operation's `requestBody` documents (media type and schema).

Coverage: every operation (METHOD TEMPLATE) of the document must be exercised, and every
documented status of every operation (and of `x-any-operation-responses`, as `* STATUS`) must
be answered at least once, except the KEYs given with --allow-unexercised (`GET /path 404`,
`* 408`); an allowed key that was exercised after all is a failure too (the allowance is stale).

Prints one line per failure and a JSON summary on the last line; exits 0 when everything holds,
1 when something fails, 2 on bad usage. Uses Debian's python3-yaml and python3-jsonschema.
"""
import json
import os
import re
import sys
import warnings
from urllib.parse import urldefrag, urljoin

import yaml
from jsonschema import Draft202012Validator

warnings.filterwarnings("ignore", category=DeprecationWarning)
from jsonschema import RefResolver  # noqa: E402  (jsonschema < 4.18, as Debian 12 ships it)
from jsonschema.exceptions import RefResolutionError  # noqa: E402


def dynamic_ref(validator, reference, instance, schema):
    """`$dynamicRef` that skips a dynamic scope without the anchor.

    jsonschema 4.10 looks the anchor up in every scope on the stack, outermost first, and fails
    on the first that lacks it: here the OpenAPI document, which holds no `$dynamicAnchor`, when
    a response's schema refers to schema/project.schema.json (which resolves its own anchors).
    """
    _, fragment = urldefrag(reference)
    for url in validator.resolver._scopes_stack:
        try:
            with validator.resolver.resolving(urljoin(url, reference)) as subschema:
                if isinstance(subschema, dict) and subschema.get("$dynamicAnchor") == fragment:
                    yield from validator.descend(instance, subschema)
                    return
        except RefResolutionError:
            continue
    with validator.resolver.resolving(reference) as subschema:
        yield from validator.descend(instance, subschema)


# Patched in place, not by `extend`: a schema with its own `$schema` (project.schema.json)
# is validated by the class that names, Draft202012Validator itself.
Draft202012Validator.VALIDATORS["$dynamicRef"] = dynamic_ref

METHODS = ["get", "put", "post", "delete", "patch", "options", "head", "trace"]


class Spec:
    def __init__(self, path):
        self.path = os.path.abspath(path)
        self.uri = "file://" + self.path
        with open(self.path, encoding="utf-8") as f:
            self.doc = yaml.safe_load(f)
        store = {self.uri: self.doc}
        schema_dir = os.path.join(os.path.dirname(self.path), "schema")
        if os.path.isdir(schema_dir):
            for name in sorted(os.listdir(schema_dir)):
                if name.endswith(".json"):
                    file = os.path.join(schema_dir, name)
                    with open(file, encoding="utf-8") as f:
                        schema = json.load(f)
                    store["file://" + file] = schema
                    if "$id" in schema:
                        store[schema["$id"]] = schema
        self.store = store
        self.templates = []
        for template, item in self.doc.get("paths", {}).items():
            params = re.findall(r"\{([^}]+)\}", template)
            pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template)) + "$"
            self.templates.append((len(params), template, re.compile(pattern), params, item))
        # Literal templates first; then the one with more literal text (`{id}.html` before `{id}`).
        self.templates.sort(key=lambda t: (t[0], -len(re.sub(r"\{[^}]+\}", "", t[1])), t[1]))

    def resolve(self, node):
        """Follows local `$ref`s of non-schema objects (responses, parameters, headers)."""
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise ValueError(f"unsupported reference {ref}")
            node = self.doc
            for part in ref[2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def validator(self, schema):
        resolver = RefResolver(base_uri=self.uri, referrer=self.doc, store=self.store)
        return Draft202012Validator(schema, resolver=resolver)

    def errors(self, schema, value):
        return [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {excerpt(e.message)}"
                for e in self.validator(schema).iter_errors(value)]

    def parameters(self, item, operation):
        merged = {}
        for param in (item.get("parameters") or []) + ((operation or {}).get("parameters") or []):
            param = self.resolve(param)
            merged[(param["name"], param["in"])] = param
        return merged

    def match(self, path):
        """The (template, path item, path parameters) serving `path`, or None."""
        for _, template, pattern, names, item in self.templates:
            found = pattern.match(path)
            if not found:
                continue
            values = dict(zip(names, found.groups()))
            operation = item.get("get") or next((item[m] for m in METHODS if m in item), None)
            params = self.parameters(item, operation)
            if all(not self.errors(params[(n, "path")]["schema"], coerce(params[(n, "path")]["schema"], v))
                   for n, v in values.items() if (n, "path") in params):
                return template, item, values
        return None


def excerpt(text, limit=300):
    """A message cut to `limit` characters (a oneOf failure quotes the whole value)."""
    return text if len(text) <= limit else text[:limit] + "…"


def coerce(schema, text):
    """A parameter's text as the type its schema names (integers are sent as decimal text)."""
    kind = schema.get("type") if isinstance(schema, dict) else None
    if kind == "integer":
        return int(text) if re.fullmatch(r"-?[0-9]+", text) else text
    if kind == "boolean":
        return {"true": True, "false": False}.get(text, text)
    return text


def check_exchange(spec, exchange, exercised, failures):
    method = exchange["method"].upper()
    path = exchange["path"]
    status = str(exchange["status"])
    name = f"{method} {path}" + ("?" + "&".join(f"{k}={v}" for k, v in sorted(exchange.get("query", {}).items()))
                                  if exchange.get("query") else "") + f" -> {status}"

    def fail(message):
        failures.append(f"{name}: {message}")

    any_responses = spec.doc.get("x-any-operation-responses", {})
    matched = spec.match(path)
    operation = None
    if matched is None:
        if status != "404":
            return fail("no path of the document serves it, so it must be a 404")
        response = spec.resolve(spec.doc["x-unknown-path-response"])
        exercised.add("(unknown path) 404")
    else:
        template, item, _ = matched
        op_method = "get" if method == "HEAD" else method.lower()
        operation = item.get(op_method)
        if operation is None:
            if status != "405":
                return fail(f"{template} has no {method} operation, so it must be a 405")
            lister = next((m for m in METHODS if m in item and "405" in item[m].get("responses", {})), None)
            if lister is None:
                return fail(f"{template} answers 405 but no operation of it documents a 405")
            response = spec.resolve(item[lister]["responses"]["405"])
            exercised.add(f"{lister.upper()} {template} 405")
        else:
            responses = operation.get("responses", {})
            key = f"{op_method.upper()} {template}"
            exercised.add(key)
            if status in responses:
                response = spec.resolve(responses[status])
                exercised.add(f"{key} {status}")
            elif status in any_responses:
                response = spec.resolve(any_responses[status])
                exercised.add(f"* {status}")
            else:
                return fail(f"status {status} is not documented for {key} (documented: {', '.join(sorted(responses))})")
            if status.startswith("2") or status == "304":
                params = spec.parameters(item, operation)
                for pname, value in exchange.get("query", {}).items():
                    param = params.get((pname, "query"))
                    if param is None:
                        fail(f"query parameter {pname} is not documented for {key}")
                    else:
                        for error in spec.errors(param.get("schema", {}), coerce(param.get("schema", {}), value)):
                            fail(f"query parameter {pname}={value} does not fit its schema: {error}")
                for (pname, where), param in params.items():
                    if where == "query" and param.get("required") and pname not in exchange.get("query", {}):
                        fail(f"required query parameter {pname} is missing")
                check_request_body(spec, operation, exchange, fail)

    headers = {k.lower(): v for k, v in exchange.get("headers", {}).items()}
    for hname, header in (response.get("headers") or {}).items():
        header = spec.resolve(header)
        value = headers.get(hname.lower())
        if value is None:
            if header.get("required"):
                fail(f"required header {hname} is missing")
            continue
        for error in spec.errors(header.get("schema", {}), value):
            fail(f"header {hname}: {error}")

    body = exchange.get("body", "")
    content = response.get("content") or {}
    if method == "HEAD" or status == "304":
        if body:
            fail("a HEAD or 304 answer has a body")
        return
    if not content:
        if body:
            fail("the document describes no body, but the answer has one")
        return
    media = headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in content:
        return fail(f"media type {media or '(none)'} is not documented (documented: {', '.join(sorted(content))})")
    media_object = content[media]
    schema = media_object.get("schema", {})
    if media == "application/json" or media.endswith("+json"):
        try:
            value = json.loads(body)
        except ValueError as error:
            return fail(f"the body is not JSON: {error}")
        for error in spec.errors(schema, value):
            fail(f"body: {error}")
    else:
        for error in spec.errors(schema, body):
            fail(f"body: {error}")
        line_schema = media_object.get("x-line-schema")
        if line_schema is not None:
            if body and not body.endswith("\n"):
                fail("a JSON Lines body must end with a line feed")
            for number, line in enumerate(body.split("\n")[:-1] if body else [], start=1):
                try:
                    value = json.loads(line)
                except ValueError as error:
                    fail(f"line {number} is not JSON: {error}")
                    continue
                for error in spec.errors(line_schema, value):
                    fail(f"line {number}: {error}")


def check_request_body(spec, operation, exchange, fail):
    """An accepted request's body against the operation's `requestBody`."""
    request = exchange.get("request") or {}
    body = request.get("body", "")
    described = spec.resolve(operation.get("requestBody")) if "requestBody" in operation else None
    if described is None:
        if body:
            fail("the operation takes no request body, but one was accepted")
        return
    if not body:
        if described.get("required"):
            fail("the request body is required, but none was sent and the request succeeded")
        return
    content = described.get("content") or {}
    media = (request.get("content_type") or "").split(";")[0].strip().lower()
    if not media:
        # No Content-Type: the node guesses the format; JSON is what the guess gives for `[` or `{`.
        media = "application/json" if body.lstrip()[:1] in ("[", "{") else next(iter(content), "")
    if media not in content:
        return fail(f"request media type {media} is not documented (documented: {', '.join(sorted(content))})")
    schema = content[media].get("schema", {})
    if media == "application/json" or media.endswith("+json"):
        try:
            value = json.loads(body)
        except ValueError as error:
            return fail(f"the accepted request body is not JSON: {error}")
    else:
        value = body
    for error in spec.errors(schema, value):
        fail(f"request body: {error}")


def documented(spec):
    """Every key the coverage check expects to see exercised."""
    keys = set()
    for template, item in spec.doc.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                key = f"{method.upper()} {template}"
                keys.add(key)
                for status in item[method].get("responses", {}):
                    keys.add(f"{key} {status}")
    for status in spec.doc.get("x-any-operation-responses", {}):
        keys.add(f"* {status}")
    if "x-unknown-path-response" in spec.doc:
        keys.add("(unknown path) 404")
    return keys


def main(argv):
    args = argv[1:]
    allowed = set()
    positional = []
    while args:
        arg = args.pop(0)
        if arg == "--allow-unexercised":
            if not args:
                print("--allow-unexercised needs a KEY", file=sys.stderr)
                return 2
            allowed.add(args.pop(0))
        else:
            positional.append(arg)
    if len(positional) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    spec = Spec(positional[0])
    with open(positional[1], encoding="utf-8") as f:
        exchanges = json.load(f)
    failures = []
    exercised = set()
    for exchange in exchanges:
        try:
            check_exchange(spec, exchange, exercised, failures)
        except Exception as error:  # a broken reference or schema is a failure of the document
            failures.append(f"{exchange.get('method')} {exchange.get('path')}: {type(error).__name__}: {error}")
    expected = documented(spec)
    missing = sorted(expected - exercised - allowed)
    for key in missing:
        failures.append(f"not exercised: {key}")
    for key in sorted(allowed & exercised):
        failures.append(f"allowed as unexercised but exercised: {key}")
    for key in sorted(allowed - expected):
        failures.append(f"allowed as unexercised but not documented: {key}")
    for failure in failures:
        print("FAIL " + failure)
    operations = sorted(k for k in expected if re.fullmatch(r"[A-Z]+ /\S*", k))
    print(json.dumps({
        "exchanges": len(exchanges), "failures": len(failures), "operations": operations,
        "exercised": sorted(exercised), "paths": sorted(spec.doc.get("paths", {})),
    }, ensure_ascii=False))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
