import Catalog
import Query
import Testing

@Suite struct QueryParserTests {
    let base = SearchRequest(today: "2026-11-26")

    @Test func termsAreFoldedAndDeduplicated() throws {
        let request = try QueryParser.parse("先進毫米波  ＯＲＣ orc 50MW", into: base)
        #expect(request.terms == ["先进毫米波", "orc", "50mw"])
    }

    @Test func quotedPhrasesStayTogether() throws {
        #expect(try QueryParser.parse("\"毫米波 感知\" 雷达", into: base).terms == ["毫米波 感知", "雷达"])
        #expect(try QueryParser.parse("“燃气 轮机”", into: base).terms == ["燃气 轮机"])
    }

    @Test func qualifiersFilterWithCodesOrChineseNames() throws {
        let request = try QueryParser.parse("燃气轮机 kind:科技成果 industry:装备制造 region:四川省 stage:落地运用 origin:sichuan trl:5-9", into: base)
        #expect(request.terms == ["燃气轮机"])
        #expect(request.kinds == [.achievement])
        #expect(request.industries == [.equipment])
        #expect(request.regions == [Region(code: "sichuan")!])
        #expect(request.stages == [.deployment])
        #expect(request.origins == ["sichuan"])
        #expect(request.trl == 5...9)
    }

    @Test func qualifiersTakeListsAndFullWidthColons() throws {
        let request = try QueryParser.parse("kind：challenge,finance region:北京，重庆", into: base)
        #expect(request.kinds == [.challenge, .finance])
        #expect(request.regions == [Region(code: "beijing")!, Region(code: "chongqing")!])
        #expect(request.terms.isEmpty)
    }

    @Test func unknownFieldStaysATermAndQuotedQualifierIsText() throws {
        #expect(try QueryParser.parse("ISO:9001", into: base).terms == ["iso:9001"])
        #expect(try QueryParser.parse("\"kind:challenge\"", into: base).terms == ["kind:challenge"])
    }

    @Test(arguments: ["kind:gadget", "industry:太空", "region:atlantis", "stage:done", "trl:0", "trl:3-10", "trl:7-3", "trl:x", "trl:-1", "trl:3-", "trl:3--6", "trl:-", "origin:北京"])
    func badFilterValuesAreRefusedWithTheirText(_ query: String) {
        #expect {
            _ = try QueryParser.parse(query, into: base)
        } throws: { error in
            (error as? QueryError)?.message.contains(String(query.split(separator: ":")[1])) == true
        }
    }

    @Test func trlAcceptsSingleLevelsAndRanges() throws {
        #expect(try QueryParser.trlRange("5") == 5...5)
        #expect(try QueryParser.trlRange("3~6") == 3...6)
        #expect(try QueryParser.trlRange("3–6") == 3...6)
    }
}
