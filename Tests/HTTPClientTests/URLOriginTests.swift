import HTTPClient
import Testing

/// `URLOrigin` reads scheme, host and port as libcurl does, so that the sync client's same-origin
/// rule for redirects judges the URL libcurl will connect to.
@Suite struct URLOriginTests {
    @Test(arguments: [
        ("http://node.example/feeds/x", "HTTP://Node.Example:80/other?q#f"),
        ("https://node.example/", "https://user:pw@node.example:443/feeds"),
        ("http://127.0.0.1:8712/", "http://127.0.0.1:8712/a/../b"),
        ("http://[::1]:8712/", "http://[::1]:8712/x"),
    ])
    func sameOrigin(_ first: String, _ second: String) throws {
        let origin = try #require(URLOrigin(first))
        #expect(URLOrigin(second) == origin)
    }

    @Test(arguments: [
        ("http://node.example/", "https://node.example/"),
        ("http://node.example/", "http://node.example:8080/"),
        ("http://node.example/", "http://node.example.evil/"),
        ("http://127.0.0.1:8712/", "http://localhost:8712/"),
        // What a naive parser reads as node.example, libcurl reads as 127.0.0.1.
        ("http://node.example/", #"http://node.example\@127.0.0.1/"#),
        ("http://node.example/", "http://node.example@127.0.0.1/"),
    ])
    func differentOrigin(_ first: String, _ second: String) throws {
        let origin = try #require(URLOrigin(first))
        #expect(URLOrigin(second) != origin)
    }

    @Test(arguments: ["", "/feeds/checkpoints.json", "node.example/x", "http://", "http://exa mple/"])
    func notAnAbsoluteURL(_ text: String) {
        #expect(URLOrigin(text) == nil)
    }

    @Test func describesItself() throws {
        #expect(try #require(URLOrigin("HTTPS://Node.Example/feeds")).description == "https://node.example:443")
    }
}
