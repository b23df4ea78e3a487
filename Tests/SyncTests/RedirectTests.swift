import Feed
import HTTPClient
import Sync
import TestSupport
import Testing

/// A peer's redirects: followed while they stay on the peer's origin (scheme, host and port), refused
/// with nothing fetched anywhere else, so that no peer can steer this node's requests at another
/// host or port (protocols/federation.md, "Redirects").
@Suite struct RedirectTests {
    @Test func aRedirectToAnotherPortIsRefusedAndNothingIsFetchedThere() async throws {
        let federation = try await Federation()
        defer { federation.stop() }
        let elsewhere = try TestServer(Behaviour.fixed(status: 404, reason: "Not Found", body: []))
        defer { elsewhere.stop() }
        let location = elsewhere.baseURL + FeedPath.checkpoints
        federation.files.override(FeedPath.checkpoints, Behaviour.redirect(to: location))

        let report = try await federation.sync()
        let chongqing = try #require(report.peer("chongqing"))
        #expect(!chongqing.ok)
        let error = chongqing.error ?? ""
        #expect(error.contains("peer chongqing"), "\(error)")
        #expect(error.contains("GET \(federation.chongqingURL)\(FeedPath.checkpoints)"), "\(error)")
        #expect(error.contains("refused redirect to \(location)"), "\(error)")
        #expect(elsewhere.requests.isEmpty, "nothing is fetched from the refused location")
        #expect(federation.hostile.requests.count == 1, "refused at once: no retry")
        #expect(try await federation.size() == 0)
        try await federation.expectBystandersFine(report)
    }

    /// Locations off the peer's origin `http://127.0.0.1:<port>`, by what differs.
    static let offOrigin: [@Sendable (Int) -> String] = [
        { _ in "http://10.255.255.1:8712/feeds/checkpoints.json" },  // another host, unreachable
        { port in "http://localhost:\(port)/feeds/checkpoints.json" },  // another name for the host
        { port in "https://127.0.0.1:\(port)/feeds/checkpoints.json" },  // http to https
        { port in "http://127.0.0.1:\(port + 1)/feeds/checkpoints.json" },  // another port
    ]

    @Test(arguments: 0..<offOrigin.count)
    func aRedirectOffThePeersOriginIsRefused(_ index: Int) async throws {
        let federation = try await Federation()
        defer { federation.stop() }
        let location = Self.offOrigin[index](federation.hostile.port)
        federation.files.override(FeedPath.checkpoints, Behaviour.redirect(to: location))

        let started = ContinuousClock.now
        let report = try await federation.sync()
        #expect(ContinuousClock.now - started < .seconds(10), "refused without trying to connect")
        let error = try #require(report.peer("chongqing")?.error)
        #expect(error.contains("refused redirect to \(location)"), "\(error)")
        #expect(try await federation.size() == 0)
    }

    @Test func aRedirectOnThePeersOriginIsFollowed() async throws {
        let federation = try await Federation()
        defer { federation.stop() }
        let checkpoints = try unwrap(federation.files.file(FeedPath.checkpoints), "checkpoints.json")
        let moved = "/moved" + FeedPath.checkpoints
        federation.files.override(FeedPath.checkpoints, Behaviour.redirect(to: moved))
        federation.files.override(moved, Behaviour.fixed(body: checkpoints))

        let report = try await federation.sync()
        #expect(report.peer("chongqing")?.ok == true, "\(report.peer("chongqing")?.error ?? "")")
        #expect(try await federation.size() == 351)
        #expect(federation.hostile.requests.map(\.path).prefix(2) == [FeedPath.checkpoints, moved])
    }
}
