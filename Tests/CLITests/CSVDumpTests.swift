import Foundation
import JSON
import TestSupport
import Testing

/// `dump --format csv` writes what a spreadsheet opens without evaluating a formula, and what
/// `import` reads back into the same node as a no-op: extension fields included.
@Suite struct CSVDumpTests {
    @Test func csvDumpEscapesFormulaCellsAndReimportsIntoItsNodeChangingNothing() throws {
        let cli = try CLI()
        try cli.initNode()
        let meta: JSONValue = ["lot": 7, "tags": ["a", "=b"]]
        let records = [
            RecordFixture.supply(
                "f1", title: "=cmd|' /C calc'!A0", summary: "+可转化的成果", keywords: ["@SUM(A1)", "-2+3"], organization: "'引号研究所",
                extra: [
                    "contact": ["name": "张三", "phone": "+86 28 8765 4321", "visibility": "public"],
                    "x_batch": "2026-09", "x_meta": meta,
                ]),
            RecordFixture.supply("f2", title: "普通成果", extra: ["x_batch": "=HYPERLINK(\"http://example.org\")"]),
            RecordFixture.challenge("c1", title: "-负号开头的难题"),
        ]
        let file = try cli.data.write("catalog.json", RecordFixture.jsonArray(records))
        let imported = try cli.run("import", file)
        try #require(imported.status == 0, "\(imported.stderr)")
        let digest = try #require(try cli.json("stats", "--json")["catalog_digest"]?.stringValue)

        let dumpPath = cli.data.file("dump.csv")
        let dumped = try cli.run("dump", "--format", "csv", "--out", dumpPath)
        try #require(dumped.status == 0, "\(dumped.stderr)")
        let dump = try String(contentsOfFile: dumpPath, encoding: .utf8)
        for cell in ["'=cmd|' /C calc'!A0", "'+可转化的成果", "'@SUM(A1);-2+3", "''引号研究所", "'+86 28 8765 4321", "'-负号开头的难题"] {
            #expect(dump.contains("," + cell + ","), "the dump holds the cell \(cell): \(dump)")
        }
        // No cell starts with a character a spreadsheet reads as a formula.
        for lead in ["=", "+", "-", "@"] {
            #expect(!dump.contains("," + lead) && !dump.contains(",\"" + lead), "a cell starts with \(lead): \(dump)")
            #expect(!dump.split(separator: "\n").contains { $0.hasPrefix(lead) || $0.hasPrefix("\"" + lead) })
        }
        #expect(dump.split(separator: "\n").first?.contains("extensions") == true, "the header names the extensions column")

        let again = try cli.run("import", dumpPath)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("3 records (0 created, 0 updated, 3 unchanged)"), "\(again.stdout)")
        #expect(try cli.json("stats", "--json")["catalog_digest"]?.stringValue == digest)
        let f1 = try cli.json("show", "sichuan:f1")
        #expect(f1["version"]?.intValue == 1)
        #expect(f1["title"]?.stringValue == "=cmd|' /C calc'!A0")
        #expect(f1["organization"]?["name"]?.stringValue == "'引号研究所")
        #expect(f1["contact"]?["phone"]?.stringValue == "+86 28 8765 4321")
        #expect(f1["x_batch"]?.stringValue == "2026-09")
        #expect(f1["x_meta"] == meta)
        #expect(try cli.json("show", "sichuan:f2")["x_batch"]?.stringValue == "=HYPERLINK(\"http://example.org\")")
    }

    /// A cell an operator wrote: one leading `'` before a formula character is removed, other
    /// text is kept as written; an `extensions` cell that is not a JSON object is refused.
    /// A 32 MiB CSV of 5.6 million bad rows is refused at its first 1,000 problems, and costs
    /// the import its bytes, not its rows' strings: before rows were read one at a time, the
    /// whole file was split into rows first (798 MB peak for this file, 25 times its size; about
    /// 3.5 GB in `serve` through POST /v1/projects/import).
    @Test func aLargeBadCSVCostsItsBytesNotItsRows() throws {
        let cli = try CLI()
        try cli.initNode()
        let path = cli.data.file("bad.csv")
        let rows = 5_600_000
        try Data(("id,kind,title\n" + String(repeating: "x,y,z\n", count: rows)).utf8).write(to: URL(fileURLWithPath: path))
        // The peak is read by a small python parent (RUSAGE_CHILDREN): wait4 in this runner would
        // also count the runner's own peak, since posix_spawn starts the child in its memory.
        let script = """
            import resource, subprocess, sys
            done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
            sys.stderr.write(done.stderr)
            print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
            """
        let refused = try ProcessRunner.run(
            "/usr/bin/python3", ["-c", script, Repository.binary, "--data", cli.data.path, "import", path], timeout: 300)
        let figures = refused.stdout.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        try #require(figures.count == 2, "\(refused.stdout) \(refused.stderr.prefix(300))")
        #expect(figures[0] == 2, "\(refused.stderr.prefix(300))")
        #expect(refused.stderr.contains("bad.csv: 1000 problems; nothing was imported"), "\(refused.stderr.prefix(300))")
        #expect(figures[1] > 0 && figures[1] < 400_000, "peak \(figures[1]) KiB for a 32 MiB file")
    }

    @Test func csvImportRemovesOneEscapingQuoteAndChecksTheExtensionsCell() throws {
        let cli = try CLI()
        try cli.initNode()
        let good = """
            id,kind,title,summary,industry,organization.name,organization.type,organization.region,valid_through,trl,cooperation,contact.name,contact.phone,contact.visibility,extensions
            a1,achievement,'=1+2,'abc,electronics,''某所,institute,sichuan,2031-01-01,7,transfer,张三,'+86 28 8765 4321,public,"{""x_n"":1}"

            """
        let path = try cli.data.write("good.csv", good)
        let imported = try cli.run("import", path)
        try #require(imported.status == 0, "\(imported.stderr)")
        let record = try cli.json("show", "sichuan:a1")
        #expect(record["title"]?.stringValue == "=1+2")
        #expect(record["summary"]?.stringValue == "'abc", "a quote before ordinary text is the text's own")
        #expect(record["organization"]?["name"]?.stringValue == "'某所")
        #expect(record["contact"]?["phone"]?.stringValue == "+86 28 8765 4321")
        #expect(record["x_n"]?.intValue == 1)

        let bad = """
            id,kind,title,summary,industry,organization.name,organization.type,organization.region,valid_through,trl,cooperation,x_n,extensions
            a2,achievement,标题,摘要,electronics,某所,institute,sichuan,2031-01-01,7,transfer,,[1]
            a3,achievement,标题,摘要,electronics,某所,institute,sichuan,2031-01-01,7,transfer,5,"{""x_n"":1}"
            a4,achievement,标题,摘要,electronics,某所,institute,sichuan,2031-01-01,7,transfer,,"{""colour"":1}"

            """
        let badPath = try cli.data.write("bad.csv", bad)
        let refused = try cli.run("import", badPath)
        #expect(refused.status == 2, "\(refused.stdout)")
        #expect(refused.stderr.contains("bad.csv:2: extensions: "), "\(refused.stderr)")
        #expect(refused.stderr.contains("bad.csv:3: extensions: "), "\(refused.stderr)")
        #expect(refused.stderr.contains("bad.csv:4: colour: "), "\(refused.stderr)")
        #expect(try cli.json("stats", "--json")["total"]?.intValue == 1, "nothing of the refused file is stored")
    }
}
