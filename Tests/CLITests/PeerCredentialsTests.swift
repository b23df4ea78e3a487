import Foundation
import JSON
import TestSupport
import Testing

/// A peer URL may carry credentials (`http://user:password@host/…`): every output shows it as
/// `http://***@host/…`, as error messages do.
@Suite struct PeerCredentialsTests {
    @Test func peerListPeerStatusAndTheAPIShowNoCredentials() throws {
        let beijing = try CLI()
        try beijing.initNode("beijing")
        let key = try #require(try beijing.json("keys", "show", "--json")["root"]?["key"]?.stringValue)
        // The peer refuses every request, so the sync fails with an error that names its URL.
        let forbidden = try TestServer(Behaviour.fixed(status: 403, reason: "Forbidden"))
        defer { forbidden.stop() }
        let mirrorPort = try TestServer.closedPort()
        let url = "http://alice:s3cret@127.0.0.1:\(forbidden.port)/base"
        let mirror = "http://bob:hunter2@127.0.0.1:\(mirrorPort)/m"
        let shownURL = "http://***@127.0.0.1:\(forbidden.port)/base"
        let shownMirror = "http://***@127.0.0.1:\(mirrorPort)/m"
        func expectNoCredentials(_ text: String, _ place: String, sourceLocation: SourceLocation = #_sourceLocation) {
            for secret in ["s3cret", "hunter2", "alice:", "bob:"] {
                #expect(!text.contains(secret), "\(place) shows \(secret): \(text)", sourceLocation: sourceLocation)
            }
        }

        let cli = try CLI()
        try cli.initNode()
        let added = try cli.run("peer", "add", "beijing", url, "--root-key", key, "--mirror", mirror)
        #expect(added.status == 0, "\(added.stderr)")
        expectNoCredentials(added.stdout + added.stderr, "peer add")

        let list = try cli.run("peer", "list")
        expectNoCredentials(list.stdout, "peer list")
        #expect(list.stdout.contains(shownURL) && list.stdout.contains(shownMirror), "\(list.stdout)")
        let listJSON = try cli.run("peer", "list", "--json")
        expectNoCredentials(listJSON.stdout, "peer list --json")
        let listed = try JSONParser.parse(Array(listJSON.stdout.utf8))
        #expect(listed["peers"]?[0]?["url"]?.stringValue == shownURL)
        #expect(listed["peers"]?[0]?["mirrors"]?[0]?.stringValue == shownMirror)

        let synced = try cli.run("sync")
        #expect(synced.status == 1, "the peer refuses: \(synced.stdout)")
        expectNoCredentials(synced.stdout + synced.stderr, "sync")

        let status = try cli.run("peer", "status")
        expectNoCredentials(status.stdout, "peer status")
        #expect(status.stdout.contains(shownURL) && status.stdout.contains("403"), "\(status.stdout)")
        let statusJSON = try cli.run("peer", "status", "--json")
        expectNoCredentials(statusJSON.stdout, "peer status --json")
        let state = try JSONParser.parse(Array(statusJSON.stdout.utf8))
        #expect(state["peers"]?[0]?["url"]?.stringValue == shownURL)
        #expect(state["peers"]?[0]?["mirrors"]?[0]?.stringValue == shownMirror)
        #expect(state["peers"]?[0]?["last_error"]?.stringValue?.contains(shownURL + "/feeds/checkpoints.json") == true, "\(state)")

        let server = try BackgroundProcess(Repository.binary, ["--data", cli.data.path, "serve", "--listen", "127.0.0.1:0", "--sync-interval", "0"])
        defer {
            server.send(SIGTERM)
            _ = server.waitForExit(timeout: 20)
        }
        let line = try server.waitForLine(containing: "Serving")
        let base = try #require(line.split(separator: " ").first { $0.hasPrefix("http://") })
        let peers = try ProcessRunner.run("/usr/bin/curl", ["-s", "--max-time", "20", base + "/v1/peers"], timeout: 60)
        #expect(peers.status == 0, "\(peers.stderr)")
        expectNoCredentials(peers.stdout, "GET /v1/peers")
        let served = try JSONParser.parse(Array(peers.stdout.utf8))
        #expect(served["peers"]?[0]?["url"]?.stringValue == shownURL, "\(peers.stdout)")
        #expect(served["peers"]?[0]?["mirrors"]?[0]?.stringValue == shownMirror)
        // Unauthenticated: the error's class, not its text (which names what this node fetched).
        #expect(served["peers"]?[0]?["last_error"]?.stringValue == "http 403", "\(peers.stdout)")
        let page = try ProcessRunner.run("/usr/bin/curl", ["-s", "--max-time", "20", base + "/status"], timeout: 60)
        #expect(page.stdout.contains("<td>http 403</td>"), "\(page.stdout)")
        #expect(!page.stdout.contains("/feeds/checkpoints.json"), "\(page.stdout)")
    }
}
