@testable import JSON
import Testing

@Suite("JSONValue")
struct JSONValueTests {
    @Test func literalsBuildTheExpectedCases() {
        let value: JSONValue = ["s": "x", "i": 3, "d": 2.5, "b": true, "n": nil, "a": [1, "two"], "o": ["k": false]]
        #expect(value == .object([
            "s": .string("x"), "i": .number(3), "d": .number(2.5), "b": .bool(true), "n": .null,
            "a": .array([.number(1), .string("two")]), "o": .object(["k": .bool(false)]),
        ]))
        let repeated: JSONValue = ["k": 1, "k": 2]
        #expect(repeated == ["k": 2])
    }

    @Test func accessorsReturnPayloadsOnlyForTheirCase() {
        let value: JSONValue = ["title": "标题", "count": 7, "ok": true, "list": [1, 2], "nested": ["x": nil]]
        #expect(value["title"]?.stringValue == "标题")
        #expect(value["count"]?.intValue == 7)
        #expect(value["count"]?.doubleValue == 7)
        #expect(value["count"]?.stringValue == nil)
        #expect(value["ok"]?.boolValue == true)
        #expect(value["list"]?.arrayValue == [1, 2])
        #expect(value["list"]?[1] == 2)
        #expect(value["list"]?[2] == nil)
        #expect(value["nested"]?.objectValue == ["x": .null])
        #expect(value["nested"]?["x"]?.isNull == true)
        #expect(value["missing"] == nil)
        #expect(JSONValue.string("x")["key"] == nil)
        #expect(value.arrayValue == nil)
    }

    @Test(arguments: [
        (0.0, 0), (-0.0, 0), (42, 42), (-42, -42), (9007199254740991, 9007199254740991),
        (-9007199254740991, -9007199254740991),
    ] as [(Double, Int)])
    func intValueAcceptsSafeIntegers(number: Double, expected: Int) {
        #expect(JSONValue.number(number).intValue == expected)
    }

    @Test(arguments: [1.5, 9007199254740992, -9007199254740992, 1e300, .nan, .infinity, 0.1] as [Double])
    func intValueRejectsEverythingElse(number: Double) {
        #expect(JSONValue.number(number).intValue == nil)
    }
}
