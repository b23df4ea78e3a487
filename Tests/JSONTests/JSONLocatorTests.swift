@testable import JSON
import Testing

@Suite("JSONLocator and JSONPath")
struct JSONLocatorTests {
    static let record = utf8("""
        {
          "organization": {
            "name": "某某研究所",
            "region": "华东"
          },
          "ip": [
            {"number": 1},
            {"number": 2}, {
              "number": 3,
              "note": "a \\"quoted\\" [string] with {brackets}"
            }
          ],
          "key with \\"quotes\\"": [[], [10, 20]],
          "e\\u0301": true
        }
        """)

    @Test(arguments: [
        ([], 10),
        ([.key("organization")], 11),
        ([.key("organization"), .key("name")], 12),
        ([.key("organization"), .key("region")], 13),
        ([.key("ip")], 15),
        ([.key("ip"), .index(0)], 16),
        ([.key("ip"), .index(0), .key("number")], 16),
        ([.key("ip"), .index(2)], 17),
        ([.key("ip"), .index(2), .key("number")], 18),
        ([.key("ip"), .index(2), .key("note")], 19),
        ([.key("key with \"quotes\""), .index(1), .index(1)], 22),
        ([.key("é")], 23),
    ] as [([JSONPathComponent], Int)])
    func findsLines(path: [JSONPathComponent], line: Int) {
        #expect(JSONLocator.line(of: path, in: Self.record, firstLine: 10) == line)
    }

    @Test(arguments: [
        [.key("missing")],
        [.key("ip"), .index(3)],
        [.key("ip"), .index(-1)],
        [.key("organization"), .index(0)],
        [.key("organization"), .key("name"), .key("x")],
        [.key("key with \"quotes\""), .index(0), .index(0)],
    ] as [[JSONPathComponent]])
    func returnsNilForMissingPaths(path: [JSONPathComponent]) {
        #expect(JSONLocator.line(of: path, in: Self.record, firstLine: 10) == nil)
    }

    @Test func worksOnStreamElements() throws {
        var reader = JSONArrayStreamReader(bytes: utf8("[\n  {\"a\": 1,\n   \"b\": {\n     \"c\": [0, 1]}}\n]"))
        let element = try #require(try reader.next())
        #expect(JSONLocator.line(of: [.key("b"), .key("c")], in: element.bytes, firstLine: element.line) == 4)
        #expect(JSONLocator.line(of: [.key("b"), .key("c"), .index(1)], in: element.bytes,
                                 firstLine: element.line) == 4)
        #expect(JSONLocator.line(of: [.key("a")], in: element.bytes, firstLine: element.line) == 2)
    }

    @Test(arguments: [
        ([.key("organization"), .key("region")], "organization.region"),
        ([.key("ip"), .index(2), .key("number")], "ip[2].number"),
        ([.index(0), .key("名称")], "[0].名称"),
        ([.key("a.b"), .key("")], #"["a.b"][""]"#),
        ([.key("say \"hi\"")], #"["say \"hi\""]"#),
        ([], "$"),
    ] as [([JSONPathComponent], String)])
    func rendersPaths(path: [JSONPathComponent], expected: String) {
        #expect(JSONPath.render(path) == expected)
    }
}
