import Catalog
import Query
import Testing

/// A search's terms are bounded in number and length (each costs work on every page), and an
/// error about them names the query and echoes only a short excerpt of what was typed.
@Suite struct QueryBoundsTests {
    let base = SearchRequest(today: "2026-11-26")

    func error(_ text: String) -> QueryError? {
        do {
            _ = try QueryParser.parse(text, into: base)
            return nil
        } catch {
            return error
        }
    }

    @Test func atMostEightTerms() throws {
        let eight = (1...8).map { "词\($0)" }.joined(separator: " ")
        #expect(try QueryParser.parse(eight, into: base).terms.count == 8)
        let nine = error(eight + " 词9")
        #expect(nine?.message == "query: 9 terms; a search takes at most 8")
        // Repeated terms count once; qualifiers are not terms.
        #expect(error(eight + " 词1 kind:challenge") == nil)
    }

    @Test func atMostSixtyFourCharactersATerm() throws {
        let long = String(repeating: "长", count: 65)
        #expect(error(String(repeating: "长", count: 64)) == nil)
        let message = try #require(error(long)?.message)
        #expect(message.hasPrefix("query: the term \"长长长长长长长长长长长长长长长长…\" has 65 characters"), "\(message)")
        #expect(message.count < 120, "only an excerpt is echoed")
        // A quoted phrase is one term.
        #expect(error("\"" + String(repeating: "字 ", count: 40) + "\"")?.message.contains("characters") == true)
    }

    @Test func errorsEchoOnlyAnExcerpt() throws {
        let message = try #require(error("kind:" + String(repeating: "x", count: 5000))?.message)
        #expect(message.count < 200, "\(message.count) characters")
        #expect(message.hasPrefix("kind:xxxxxxxx"))
    }

    @Test func atMostThirtyTwoOrigins() throws {
        let origins = (1...33).map { "o\($0)" }.joined(separator: ",")
        #expect(error("origin:" + origins)?.message.hasPrefix("origin: more than 32 origins") == true)
        #expect(error("origin:" + (1...32).map { "o\($0)" }.joined(separator: ",")) == nil)
    }
}
