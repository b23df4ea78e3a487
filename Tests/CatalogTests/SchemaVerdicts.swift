import Foundation
import TestSupport
import Testing

/// What a JSON Schema of `protocols/schema` says of example files (Python `jsonschema`, as `make
/// test` installs it): per file, `[PATH-AFTER-examples/, "ok" | "refused"]`.
enum SchemaVerdicts {
    static func of(_ files: [String], schema: String) throws -> [[String]] {
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            validator = jsonschema.Draft202012Validator(schema)
            for path in sys.argv[2:]:
                print(path.split("/examples/")[1], "ok" if validator.is_valid(json.load(open(path))) else "refused")
            """
        let run = try ProcessRunner.run("/usr/bin/python3", ["-c", script, Repository.root + "/protocols/schema/" + schema] + files, timeout: 60)
        try #require(run.status == 0, "\(run.stderr)")
        return run.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    }
}
