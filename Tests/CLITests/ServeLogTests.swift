import Foundation
import JSON
import TestSupport
import Testing

/// `serve --log-format json` (issue 15): one JSON object per line for a collector, no secret in it.
@Suite struct ServeLogTests {
    @Test(.timeLimit(.minutes(10)))
    func jsonLinesCarryTheEventsAndNoCredentials() throws {
        let node = try FederationNode("sichuan")
        defer { node.stop() }
        // A peer that is down, reached with credentials in its URL: its failure is logged without them.
        let beijing = try FederationNode("beijing", sample: false)
        #expect(try node.cli.run("peer", "add", "beijing", "http://staff:s3cret-pw@127.0.0.1:1", "--root-key", beijing.root).status == 0)
        try node.serve(syncInterval: 1, options: ["--log-format", "json"])
        let server = try #require(node.server)
        _ = try server.waitForLine(containing: "\"sync_peer_failed\"")
        node.stop()
        _ = try server.waitForLine(containing: "\"stopped\"")
        let lines = server.text.split(separator: "\n").map(String.init)
        #expect(!server.text.contains("s3cret-pw"), "the URL's password never reaches the log")
        var events: [String: JSONValue] = [:]
        for line in lines {
            let object = try JSONParser.parse(Array(line.utf8))
            let event = try #require(object["event"]?.stringValue, "\(line)")
            #expect(object["time"]?.stringValue?.hasSuffix("Z") == true && ["info", "warning", "error"].contains(object["level"]?.stringValue ?? ""))
            #expect(object["message"]?.stringValue?.isEmpty == false)
            events[event] = object
        }
        #expect(events["serving"]?["node"] == "sichuan" && events["serving"]?["url"]?.stringValue?.hasPrefix("http://127.0.0.1:") == true)
        #expect(events["sync_peer_failed"]?["peer"] == "beijing" && events["sync_peer_failed"]?["level"] == "error")
        #expect(events["sync_peer_failed"]?["error"]?.stringValue?.contains("***@127.0.0.1:1") == true, "\(events["sync_peer_failed"] ?? .null)")
        #expect(events["signal"] != nil && events["stopped"] != nil)

        let bad = try node.cli.run("serve", "--listen", "127.0.0.1:0", "--log-format", "xml")
        #expect(bad.status == 2 && bad.stderr.contains("--log-format xml: plain or json"))
    }
}
