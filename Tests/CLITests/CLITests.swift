import Foundation
import JSON
import TestSupport
import Testing

/// The `kechuang` binary, run as an operator runs it.
struct CLI {
    let data: TemporaryDirectory

    init() throws { data = try TemporaryDirectory(prefix: "cli") }

    @discardableResult
    func run(_ arguments: String..., input: String? = nil) throws -> ProcessResult {
        try run(arguments, input: input)
    }

    func run(_ arguments: [String], input: String? = nil) throws -> ProcessResult {
        try ProcessRunner.run(
            Repository.binary, ["--data", data.path] + arguments, directory: data.path, input: input.map { Array($0.utf8) },
            timeout: 120)
    }

    func initNode(_ id: String = "sichuan") throws {
        let result = try run("init", "--node-id", id, "--name", "四川省科学技术协会", "--region", "四川")
        #expect(result.status == 0, "\(result.stderr)")
    }

    func json(_ arguments: String...) throws -> JSONValue {
        let result = try run(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return try JSONParser.parse(Array(result.stdout.utf8))
    }
}

@Suite struct CLITests {
    @Test func initCreatesStoreAndKeysWithPrivateFileModes() throws {
        let cli = try CLI()
        try cli.initNode()
        for name in ["root.key", "checkpoint-1.key"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: cli.data.file("keys/\(name)"))
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "\(name) must be mode 0600")
            let pem = try String(contentsOfFile: cli.data.file("keys/\(name)"), encoding: .utf8)
            #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        }
        #expect(FileManager.default.fileExists(atPath: cli.data.file("keys/root.pub")))
        #expect(FileManager.default.fileExists(atPath: cli.data.file("kechuang.db")))

        let again = try cli.run("init", "--node-id", "sichuan", "--name", "x", "--region", "sichuan")
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists"))

        let keys = try cli.json("keys", "show", "--json")
        let root = try #require(keys["root"]?["key"]?.stringValue)
        #expect(root.hasPrefix("ed25519:"))
        #expect(root.count == "ed25519:".count + 44)
        #expect(keys["root"]?["fingerprint"]?.stringValue?.hasPrefix("sha256:") == true)
        #expect(keys["checkpoint_keys"]?.arrayValue?.count == 1)
        let text = try cli.run("keys", "show")
        #expect(text.stdout.contains(root))
    }

    /// An init that fails half-way (here SQLite cannot create its WAL: a directory has its name)
    /// removes the keys, the token and the database it made, so that it can simply be run again.
    @Test func aFailedInitLeavesNothingHalfMade() throws {
        let cli = try CLI()
        let blocker = cli.data.file("kechuang.db-wal")
        try FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: false)
        let failed = try cli.run("init", "--node-id", "sichuan", "--name", "四川省科学技术协会", "--region", "sichuan")
        #expect(failed.status == 1, "\(failed.stderr)")
        #expect(failed.stderr.contains(cli.data.file("kechuang.db") + ": database error"), "the error names the file: \(failed.stderr)")
        for name in ["keys", "admin.token", "kechuang.db", "kechuang.db-shm"] {
            #expect(!FileManager.default.fileExists(atPath: cli.data.file(name)), "\(name) was left behind")
        }
        try FileManager.default.removeItem(atPath: blocker)
        let again = try cli.run("init", "--node-id", "sichuan", "--name", "四川省科学技术协会", "--region", "sichuan")
        #expect(again.status == 0, "\(again.stderr)")
    }

    @Test func badUsageExitsWithTwoAndNamesTheProblem() throws {
        let cli = try CLI()
        let cases: [([String], String)] = [
            (["frobnicate"], "unknown command"),
            (["search"], "missing QUERY"),
            (["search", "x", "--colour", "red"], "unknown option --colour"),
            (["search", "x", "--limit", "0"], "--limit"),
            (["init", "--node-id", "Sichuan!", "--name", "x", "--region", "sichuan"], "--node-id"),
            (["init", "--node-id", "sichuan", "--name", "x", "--region", "atlantis"], "--region"),
            (["import"], "missing FILE"),
        ]
        for (arguments, message) in cases {
            let result = try cli.run(arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        let noNode = try cli.run("stats")
        #expect(noNode.status == 1)
        #expect(noNode.stderr.contains("kechuang init"))
    }

    @Test func everyCommandHasHelp() throws {
        let cli = try CLI()
        let overview = try cli.run("--help")
        #expect(overview.status == 0)
        let commands = ["init", "keys show", "import", "generate", "list", "show", "search", "delete", "dump", "stats"]
        for command in commands {
            #expect(overview.stdout.contains("  \(command)"), "overview lists \(command)")
            let help = try cli.run(command.split(separator: " ").map(String.init) + ["--help"])
            #expect(help.status == 0, "\(command) --help")
            #expect(help.stdout.contains("Usage: kechuang \(command)"), "\(command) --help")
            #expect(help.stdout.contains("--data DIR"))
        }
    }

    @Test func importSearchShowDeleteDumpRoundTrip() throws {
        let cli = try CLI()
        try cli.initNode()
        let records = [
            RecordFixture.supply("t1", title: "先进毫米波感知技术", kind: "technology", keywords: ["毫米波"], trl: 7),
            RecordFixture.supply("a1", title: "国内首台自主50MW重型燃气轮机研制及商业应用", industry: "equipment", trl: 9,
                                 extra: ["contact": ["name": "张三丰", "phone": "13812345678", "visibility": "masked"]]),
        ]
        let file = try cli.data.write("catalog.json", RecordFixture.jsonArray(records))
        let imported = try cli.run("import", file)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("2 created"))

        let search = try cli.json("search", "先進毫米", "--json")
        #expect(search["total"] == 1)
        let first = try #require(search["results"]?[0])
        #expect(first["id"] == "sichuan:t1")
        #expect(first["kind"] == "technology")
        #expect(first["title"] == "先进毫米波感知技术")
        #expect(first["origin"] == "sichuan")

        let text = try cli.run("search", "燃气轮机")
        #expect(text.stdout.contains("国内首台自主50MW重型燃气轮机研制及商业应用"))

        let shown = try cli.json("show", "a1")
        #expect(shown["contact"]?["phone"] == "13812345678")
        let masked = try cli.json("show", "sichuan:a1", "--masked")
        #expect(masked["contact"]?["phone"] == "138****5678")
        #expect(masked["contact"]?["name"] == "张**")

        let dump = try cli.run("dump", "--format", "csv")
        #expect(dump.status == 0)
        let csvFile = try cli.data.write("dump.csv", dump.stdout)
        #expect(try cli.run("import", csvFile).stdout.contains("2 unchanged"))
        let jsonDump = try cli.run("dump", "--out", cli.data.file("dump.json"))
        #expect(jsonDump.status == 0)
        #expect(try cli.run("import", cli.data.file("dump.json")).stdout.contains("2 unchanged"))

        #expect(try cli.run("delete", "t1").status == 0)
        #expect(try cli.run("show", "t1").status == 1)
        #expect(try cli.run("delete", "beijing:x").status == 2)
        #expect(try cli.run("delete", "t1").status == 1)
        #expect(try cli.run("import", file).stdout.contains("1 created"))
        #expect(try cli.json("show", "t1")["version"] == 3)
    }

    @Test func invalidImportPrintsEveryProblemAndExitsTwo() throws {
        let cli = try CLI()
        try cli.initNode()
        let file = try cli.data.write("bad.json", RecordFixture.jsonArray([
            RecordFixture.supply("ok", title: "光电编码器"),
            RecordFixture.supply("bad", title: "光电编码器二", trl: 11),
            RecordFixture.supply("beijing:x", title: "外地"),
        ]))
        let result = try cli.run("import", file)
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(file):3: trl: 11 is out of range 1–9"))
        #expect(result.stderr.contains("\(file):4: id: beijing:x belongs to origin \"beijing\""))
        #expect(result.stderr.contains("nothing was imported"))
        #expect(try cli.json("stats", "--json")["total"] == 0)
    }

    @Test func generateGivesTheConferenceMixAndStatsReportsIt() throws {
        let cli = try CLI()
        try cli.initNode()
        let out = cli.data.file("gen.json")
        let generated = try cli.run("generate", "--region", "sichuan", "--count", "4670", "--seed", "5", "--out", out)
        #expect(generated.status == 0, "\(generated.stderr)")
        let again = cli.data.file("gen2.json")
        try cli.run("generate", "--region", "sichuan", "--count", "4670", "--seed", "5", "--out", again)
        #expect(FileManager.default.contents(atPath: out) == FileManager.default.contents(atPath: again), "deterministic")
        #expect(try cli.run("import", out).status == 0)
        let stats = try cli.json("stats", "--json")
        #expect(stats["total"] == 4670)
        #expect(stats["expired"] == 0)
        #expect(stats["by_kind"] == ["achievement": 2430, "technology": 1565, "challenge": 624, "finance": 51])
        #expect(stats["by_origin"] == ["sichuan": 4670])
        #expect(stats["by_industry"]?.objectValue?.count == 7)
        #expect(stats["by_stage"]?.objectValue?.values.compactMap(\.intValue).reduce(0, +) == 4670)
        for term in ["毫米波", "燃气轮机"] {
            let result = try cli.json("search", term, "--json", "--limit", "3")
            #expect((result["total"]?.intValue ?? 0) > 0, "the generated catalog has \(term) projects")
        }
    }
}
