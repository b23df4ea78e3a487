@testable import JSON
import Testing

@Suite("JSONWriter")
struct JSONWriterTests {
    static let value: JSONValue = [
        "名称": "北京", "数量": 3, "标签": ["a", "乙"], "空": [:], "空数组": [], "嵌套": ["y": true, "x": nil],
        "比例": 0.25, "说明": "第一行\n\"引号\"/",
    ]

    @Test func prettyPrintsWithSortedKeysAndReadableChinese() {
        let expected = """
            {
              "名称": "北京",
              "嵌套": {
                "x": null,
                "y": true
              },
              "数量": 3,
              "标签": [
                "a",
                "乙"
              ],
              "比例": 0.25,
              "空": {},
              "空数组": [],
              "说明": "第一行\\n\\"引号\\"/"
            }
            """
        #expect(JSONWriter.string(Self.value, pretty: true) == expected)
        #expect(JSONWriter.write(Self.value, pretty: true) == utf8(expected))
    }

    @Test func compactOutputEqualsCanonicalForm() throws {
        #expect(JSONWriter.write(Self.value, pretty: false) == (try JCS.canonicalize(Self.value)))
        #expect(JSONWriter.string(["b": [1, 2], "a": "x"], pretty: false) == #"{"a":"x","b":[1,2]}"#)
    }

    @Test func prettyOutputParsesBackToTheSameValue() throws {
        #expect(try JSONParser.parse(JSONWriter.write(Self.value, pretty: true)) == Self.value)
    }

    @Test func prettyPrintsScalarsAndNestedArrays() {
        #expect(JSONWriter.string("中", pretty: true) == "\"中\"")
        #expect(JSONWriter.string([[1], []], pretty: true) == "[\n  [\n    1\n  ],\n  []\n]")
    }

    @Test func writesNullForNonFiniteNumbers() {
        #expect(JSONWriter.string([.number(.nan), .number(.infinity), 1], pretty: false) == "[null,null,1]")
    }
}
