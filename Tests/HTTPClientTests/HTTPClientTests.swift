import TestSupport
import Foundation
import HTTPClient
import Testing

/// Limits that bound every test without tripping on a busy machine: the machine running the tests
/// may stall a thread for a few seconds, so only the tests about slowness use short limits.
private let testLimits = HTTPClientLimits(connectTimeout: 5, totalTimeout: 20)

/// `testLimits` with a 2 s low-speed window, for the tests about peers that drip.
private let dripLimits = HTTPClientLimits(connectTimeout: 5, totalTimeout: 20, lowSpeedTime: 2)

/// How much later than its limit a cut-off may come: libcurl checks the speed once a second, and a
/// loaded machine delays threads (a shared 2-CPU machine at load 15 was seen to add 3 s). Still far
/// below `totalTimeout`, so the right limit did the cutting; the error's kind says which one.
private let schedulingSlack = 5.0

/// Runs `body` with a started server and a client, and stops both afterwards, whatever happens.
private func withServer<T>(
    _ handler: @escaping TestHandler, maxConcurrent: Int = 16,
    _ body: (TestServer, HTTPClient) async throws -> T
) async throws -> T {
    let server = try TestServer(handler)
    let client = HTTPClient(maxConcurrent: maxConcurrent)
    defer {
        client.shutdown()
        server.stop()
    }
    return try await body(server, client)
}

/// The error of a request expected to fail; records an issue and returns nil when it succeeded.
private func failure(
    _ client: HTTPClient, _ request: HTTPClientRequest, sourceLocation: SourceLocation = #_sourceLocation
) async -> HTTPClientError? {
    do {
        let response = try await client.execute(request)
        Issue.record("expected a failure, got status \(response.status)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// How long the server's next connection to end was open, in seconds.
///
/// Time limits are checked on the server's side: measured on its own threads, a lifetime says how
/// long the client held on to a hostile peer, however late the test task gets to run.
private func nextLifetime(_ server: TestServer) async throws -> Double {
    var closings = server.closings.makeAsyncIterator()
    return try #require(await closings.next())
}

/// The limit guards against a hang; every request here has its own timeouts of seconds. It is
/// wide because it also counts time spent waiting to run: on 2 cores the full suite's CPU-bound
/// tests (ConvergenceTests, MatchQualityTests) can hold the test runner's threads for minutes, and
/// at 2 minutes every test of this suite once failed together, 120 s after they started.
@Suite(.timeLimit(.minutes(10)))
struct HTTPClientTests {
    // MARK: Responses

    @Test func fixedResponseWithHeaders() async throws {
        let handler = Behaviour.fixed(headers: [("X-Dup", "a"), ("x-dup", "b"), ("Content-Type", "text/plain")])
        try await withServer(handler) { server, client in
            let response = try await client.execute(HTTPClientRequest(url: server.baseURL + "/feeds/checkpoint.json"))
            #expect(response.status == 200)
            #expect(response.body == Array("hello".utf8))
            #expect(response.headers["content-type"] == "text/plain")
            #expect(response.headers["x-dup"] == "a, b")
            #expect(response.headers["content-length"] == "5")
            #expect(response.effectiveURL == server.baseURL + "/feeds/checkpoint.json")
            #expect(response.totalTime > 0)
            let request = try #require(server.requests.first)
            #expect(request.headers["user-agent"] == "kechuang/0.1")
            #expect(request.headers["accept-encoding"] == nil)
        }
    }

    @Test func serverErrorIsAResponse() async throws {
        try await withServer(Behaviour.fixed(status: 500, reason: "Internal Server Error", body: Array("boom".utf8))) {
            server, client in
            let response = try await client.execute(HTTPClientRequest(url: server.baseURL + "/"))
            #expect(response.status == 500)
            #expect(response.body == Array("boom".utf8))
        }
    }

    @Test func methodsHeadersAndBodies() async throws {
        try await withServer(Behaviour.echo) { server, client in
            let body: [UInt8] = [0, 1, 2, 255] + [UInt8](repeating: 7, count: 4000)
            let post = try await client.execute(
                HTTPClientRequest(url: server.baseURL + "/p", method: "POST", headers: ["X-Token": "abc"], body: body))
            #expect(post.body == Array("POST\n".utf8) + body)
            let put = try await client.execute(
                HTTPClientRequest(
                    url: server.baseURL + "/p", method: "PUT", headers: ["Content-Type": "application/json"], body: []))
            #expect(put.body == Array("PUT\n".utf8))
            let delete = try await client.execute(HTTPClientRequest(url: server.baseURL + "/p", method: "DELETE"))
            #expect(delete.body == Array("DELETE\n".utf8))
            let requests = server.requests
            #expect(requests.map(\.method) == ["POST", "PUT", "DELETE"])
            #expect(requests[0].headers["x-token"] == "abc")
            #expect(requests[0].headers["expect"] == nil, "no Expect: 100-continue stall for bodies over 1 KiB")
            #expect(requests[0].headers["content-type"] == nil, "no made-up form content type")
            #expect(requests[1].headers["content-length"] == "0")
            #expect(requests[1].headers["content-type"] == "application/json")
        }
        try await withServer(Behaviour.fixed()) { server, client in
            let head = try await client.execute(HTTPClientRequest(url: server.baseURL + "/", method: "HEAD"))
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(server.requests.first?.method == "HEAD")
        }
    }

    @Test func redirectIsFollowed() async throws {
        try await withServer({ request, connection in
            request.path == "/old"
                ? Behaviour.redirect(to: "/new")(request, connection) : Behaviour.fixed()(request, connection)
        }) { server, client in
            let response = try await client.execute(HTTPClientRequest(url: server.baseURL + "/old"))
            #expect(response.status == 200)
            #expect(response.effectiveURL == server.baseURL + "/new")
            #expect(response.headers["location"] == nil, "headers are the last response's")
        }
    }

    @Test func maxRedirectsZeroReturnsTheRedirect() async throws {
        try await withServer(Behaviour.redirect(to: "/elsewhere")) { server, client in
            var limits = testLimits
            limits.maxRedirects = 0
            let response = try await client.execute(HTTPClientRequest(url: server.baseURL + "/", limits: limits))
            #expect(response.status == 302)
            #expect(response.headers["location"] == "/elsewhere")
            #expect(response.redirectURL == server.baseURL + "/elsewhere", "resolved against the request's URL")
            #expect(server.requests.count == 1)
        }
    }

    // MARK: Hostile peers

    @Test func endlessChunkedBodyIsCutOffAtTheLimit() async throws {
        try await withServer(Behaviour.endlessChunked) { server, client in
            var limits = testLimits
            limits.maxBodyBytes = 100_000
            let error = try #require(
                await failure(client, HTTPClientRequest(url: server.baseURL + "/", limits: limits)))
            #expect(error == .bodyTooLarge)
            #expect(error.curlCode == 23)
            #expect(error.description.contains("100000 bytes"))
            #expect(error.description.hasSuffix("(CURLE_WRITE_ERROR)"))
        }
    }

    /// With `bodyFile`, the body goes to the file (decoded, bounded by `maxBodyBytes`), not memory.
    @Test func bodyFileReceivesTheBodyWithinTheLimit() async throws {
        let body = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let directory = try TemporaryDirectory(prefix: "http-body-file")
        try await withServer(Behaviour.fixed(body: body)) { server, client in
            let file = directory.file("body")
            try directory.write("body", "stale bytes a retry must not keep")
            let response = try await client.execute(HTTPClientRequest(url: server.baseURL + "/", limits: testLimits, bodyFile: file))
            #expect(response.status == 200 && response.body.isEmpty)
            #expect(FileManager.default.contents(atPath: file).map { Array($0) } == body)
            let mode = (try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)?.intValue
            #expect(mode == 0o600)
        }
        try await withServer(Behaviour.endlessChunked) { server, client in
            var limits = testLimits
            limits.maxBodyBytes = 100_000
            let file = directory.file("endless")
            let error = try #require(await failure(client, HTTPClientRequest(url: server.baseURL + "/", limits: limits, bodyFile: file)))
            #expect(error == .bodyTooLarge)
            #expect((FileManager.default.contents(atPath: file)?.count ?? 0) <= 100_000)
        }
        try await withServer(Behaviour.fixed(body: body)) { server, client in
            let error = try #require(await failure(
                client, HTTPClientRequest(url: server.baseURL + "/", limits: testLimits, bodyFile: directory.file("no/such/directory/body"))))
            #expect(error.description.contains("no/such/directory/body"))
        }
    }

    @Test func announcedLengthOverTheLimitIsRefusedBeforeTheBody() async throws {
        try await withServer(Behaviour.announcing(length: 10_000_000)) { server, client in
            var limits = testLimits
            limits.maxBodyBytes = 1_000_000
            let error = try #require(
                await failure(client, HTTPClientRequest(url: server.baseURL + "/", limits: limits)))
            #expect(error == .bodyTooLarge)
            #expect(error.curlCode == 63)  // CURLE_FILESIZE_EXCEEDED
            let lifetime = try await nextLifetime(server)
            #expect(lifetime < schedulingSlack, "refused on the header, not after a timeout")
        }
    }

    @Test func dripFeedIsCutOffByTheLowSpeedLimit() async throws {
        try await withServer(Behaviour.drip) { server, client in
            let error = try #require(
                await failure(client, HTTPClientRequest(url: server.baseURL + "/", limits: dripLimits)))
            #expect(error == .tooSlow)
            #expect(error.curlCode == 28)
            let lifetime = try await nextLifetime(server)
            #expect(lifetime >= 1.5)
            #expect(lifetime < 2 + schedulingSlack, "lowSpeedTime is 2 s; the drip went on for \(lifetime) s")
        }
    }

    @Test func silentServerTimesOut() async throws {
        try await withServer(Behaviour.silent) { server, client in
            var limits = testLimits
            limits.totalTimeout = 1
            let url = server.baseURL + "/feeds/checkpoints.json"
            let error = try #require(await failure(client, HTTPClientRequest(url: url, limits: limits)))
            #expect(error == .timeout)
            let lifetime = try await nextLifetime(server)
            #expect(lifetime >= 0.9)
            #expect(lifetime < 1 + schedulingSlack, "totalTimeout is 1 s; the connection lasted \(lifetime) s")
            #expect(error.description.hasPrefix("GET \(url): "))
            #expect(error.description.hasSuffix("(CURLE_OPERATION_TIMEDOUT)"))
            #expect(error.description.contains("timed out"))
        }
    }

    @Test func redirectLoopStopsAtMaxRedirects() async throws {
        try await withServer(Behaviour.redirectLoop) { server, client in
            let error = try #require(
                await failure(client, HTTPClientRequest(url: server.baseURL + "/loop", limits: testLimits)))
            #expect(error == .tooManyRedirects)
            #expect(server.requests.count == 4, "the request and 3 redirects")
        }
    }

    @Test func redirectToAnotherSchemeIsRefused() async throws {
        try await withServer(Behaviour.redirect(to: "file:///etc/passwd")) { server, client in
            let error = try #require(
                await failure(client, HTTPClientRequest(url: server.baseURL + "/", limits: testLimits)))
            #expect(error == .invalidURL)
        }
    }

    @Test func untrustedCertificateIsRefused() async throws {
        try #require(TLSTestServer.isAvailable, "needs \(TLSTestServer.opensslPath) (Debian package openssl; make test installs it)")
        let server = try TLSTestServer()
        defer { server.stop() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let url = "https://127.0.0.1:\(server.port)/"
        let error = try #require(await failure(client, HTTPClientRequest(url: url, limits: testLimits)))
        #expect(error == .tls)
        #expect(error.curlCode == 60)  // CURLE_PEER_FAILED_VERIFICATION
    }

    /// Many lines past our limit; one line past libcurl's limit for a line (100 KiB); many lines past
    /// libcurl's limit for a header block (300 KiB) when ours is higher.
    @Test(arguments: [
        (count: 200, size: 1000, limit: 64 << 10, curlCode: 23),  // CURLE_WRITE_ERROR from our callback
        (count: 1, size: 200_000, limit: 64 << 10, curlCode: 27),  // CURLE_OUT_OF_MEMORY
        (count: 400, size: 1000, limit: 1 << 20, curlCode: 56),  // CURLE_RECV_ERROR
    ])
    func hugeHeadersAreRefused(shape: (count: Int, size: Int, limit: Int, curlCode: Int)) async throws {
        try await withServer(Behaviour.hugeHeaders(count: shape.count, size: shape.size)) { server, client in
            var limits = testLimits
            limits.maxHeaderBytes = shape.limit
            let error = try #require(
                await failure(client, HTTPClientRequest(url: server.baseURL + "/", limits: limits)))
            #expect(error == .headersTooLarge, "\(error)")
            #expect(error.curlCode == shape.curlCode, "\(error)")
        }
    }

    @Test func headersWithinTheLimitAreAccepted() async throws {
        try await withServer(Behaviour.hugeHeaders(count: 50, size: 1000)) { server, client in
            let response = try await client.execute(HTTPClientRequest(url: server.baseURL + "/", limits: testLimits))
            #expect(response.headers.count == 51)
            var limits = testLimits
            limits.maxHeaderBytes = 10_000
            let error = try #require(
                await failure(client, HTTPClientRequest(url: server.baseURL + "/", limits: limits)))
            #expect(error == .headersTooLarge)
            #expect(error.curlCode == 23)
        }
    }

    @Test func truncatedBodyIsAProtocolError() async throws {
        try await withServer(Behaviour.truncated(announced: 1000, sent: 500)) { server, client in
            let error = try #require(
                await failure(client, HTTPClientRequest(url: server.baseURL + "/", limits: testLimits)))
            #expect(error == .protocolError)
            #expect(error.curlCode == 18)  // CURLE_PARTIAL_FILE
        }
    }

    @Test func refusedConnection() async throws {
        let port = try TestServer.closedPort()
        let client = HTTPClient()
        defer { client.shutdown() }
        let error = try #require(
            await failure(client, HTTPClientRequest(url: "http://127.0.0.1:\(port)/", limits: testLimits)))
        #expect(error == .connect)
        #expect(error.curlCode == 7)
    }

    @Test func credentialsNeverReachTheDescription() async throws {
        let port = try TestServer.closedPort()
        let client = HTTPClient()
        defer { client.shutdown() }
        let error = try #require(
            await failure(client, HTTPClientRequest(url: "http://kc:s3cret@127.0.0.1:\(port)/x?y", limits: testLimits)))
        #expect(!error.description.contains("s3cret"))
        #expect(error.url == "http://***@127.0.0.1:\(port)/x?y")
    }

    @Test func credentialsAreRedactedFromEveryURLOfAMessage() {
        #expect(redactingUserInfo("http://kc:s3cret@host:8/a?b@c") == "http://***@host:8/a?b@c")
        #expect(redactingUserInfo("https://a@b@host") == "https://***@host")
        #expect(redactingUserInfo("http://host/x@y") == "http://host/x@y", "an @ after the authority is the path's")
        #expect(
            redactingUserInfo("peer x: GET http://u:p@h1/f: HTTP 403; mirror https://h2/m, then ftp://v:q@h3 failed")
                == "peer x: GET http://***@h1/f: HTTP 403; mirror https://h2/m, then ftp://***@h3 failed")
        #expect(redactingUserInfo("no URL here: user@example.org") == "no URL here: user@example.org")
    }

    @Test func invalidRequestsAreRefusedBeforeSending() async throws {
        try await withServer(Behaviour.fixed()) { server, client in
            let url = server.baseURL + "/"
            let requests = [
                HTTPClientRequest(url: url, method: "GET / HTTP/1.1\r\nX-Evil: 1\r\n\r\nGET"),
                HTTPClientRequest(url: url, headers: ["X-Evil": "a\r\nX-Injected: b"]),
                HTTPClientRequest(url: url, headers: ["Bad Name": "a"]),
                HTTPClientRequest(url: url, method: ""),
            ]
            for result in await client.execute(requests) {
                #expect(throws: HTTPClientError.invalidRequest) { try result.get() }
            }
            let urls = [
                "ftp://127.0.0.1:\(server.port)/", "http://127.0.0.1:\(server.port)/\u{0}x", "http://exa mple/",
            ]
            for result in await client.execute(urls.map { HTTPClientRequest(url: $0, limits: testLimits) }) {
                #expect(throws: HTTPClientError.invalidURL) { try result.get() }
            }
            #expect(server.acceptedConnections == 0)
        }
    }

    // MARK: Parallelism and reuse

    @Test func parallelRequestsReturnInInputOrder() async throws {
        // The server holds the requests until four are in flight, then answers them from the
        // last down: completion order is the reverse of input order within each four.
        try await withServer(Behaviour.answeredInReverse(groupsOf: 4, total: 8)) { server, client in
            let requests = (0..<8).map { HTTPClientRequest(url: server.baseURL + "/\($0)", limits: testLimits) }
            let results = await client.execute(requests)
            let bodies = try results.map { try String(decoding: $0.get().body, as: UTF8.self) }
            #expect(bodies == (0..<8).map(String.init))
            #expect(server.maxInFlight > 1, "requests ran in parallel")
            #expect(server.maxInFlight <= 4, "at most 4 connections to one host")
        }
    }

    @Test func maxConcurrentQueuesTheRest() async throws {
        try await withServer(Behaviour.delayed { _ in 20 }, maxConcurrent: 1) { server, client in
            let requests = (0..<4).map { HTTPClientRequest(url: server.baseURL + "/\($0)", limits: testLimits) }
            let results = await client.execute(requests)
            #expect(results.allSatisfy { (try? $0.get().status) == 200 })
            #expect(server.maxInFlight == 1)
        }
    }

    @Test func keepAliveConnectionIsReused() async throws {
        try await withServer(Behaviour.fixed()) { server, client in
            for _ in 0..<5 {
                let response = try await client.execute(
                    HTTPClientRequest(url: server.baseURL + "/", limits: testLimits))
                #expect(response.status == 200)
            }
            #expect(server.requests.count == 5)
            #expect(server.acceptedConnections == 1)
        }
    }

    @Test func errorsCompareByKind() {
        #expect(HTTPClientError.timeout == .timeout)
        #expect(HTTPClientError.timeout != .tooSlow)
        #expect(HTTPClientError.bodyTooLarge.description == "response body too large")
        #expect(HTTPClientError.connect.curlCode == 0)
    }

    @Test func emptyBatch() async {
        let client = HTTPClient()
        defer { client.shutdown() }
        #expect(await client.execute([]).isEmpty)
    }

    // MARK: Compression

    @Test func gzipBombStopsAtTheDecodedLimit() async throws {
        let bomb = try gzip([UInt8](repeating: 0, count: 1_000_000))
        #expect(bomb.count < 10_000)
        try await withServer(Behaviour.alwaysGzip(bomb)) { server, client in
            var limits = testLimits
            limits.maxBodyBytes = 100_000
            let request = HTTPClientRequest(url: server.baseURL + "/", acceptCompressed: true, limits: limits)
            let error = try #require(await failure(client, request))
            #expect(error == .bodyTooLarge)
            #expect(error.curlCode == 23)
        }
    }

    @Test func compressedResponseIsDecodedOnlyWhenAsked() async throws {
        let plain = Array(String(repeating: "先进毫米波 ", count: 1000).utf8)
        let compressed = try gzip(plain)
        try await withServer(Behaviour.gzip(compressed: compressed, plain: plain)) { server, client in
            let url = server.baseURL + "/"
            let decoded = try await client.execute(
                HTTPClientRequest(url: url, acceptCompressed: true, limits: testLimits))
            #expect(decoded.body == plain)
            #expect(decoded.headers["content-encoding"] == "gzip")
            let uncompressed = try await client.execute(HTTPClientRequest(url: url, limits: testLimits))
            #expect(uncompressed.body == plain)
            let requests = server.requests
            #expect(requests[0].headers["accept-encoding"]?.contains("gzip") == true)
            #expect(requests[1].headers["accept-encoding"] == nil)
        }
        try await withServer(Behaviour.alwaysGzip(compressed)) { server, client in
            // Not asked for: the bytes come back as sent, still compressed.
            let raw = try await client.execute(HTTPClientRequest(url: server.baseURL + "/", limits: testLimits))
            #expect(raw.body == compressed)
        }
    }

    // MARK: Cancellation and shutdown

    @Test func cancellingTheTaskFailsTheRequest() async throws {
        try await withServer(Behaviour.silent) { server, client in
            let task = Task { await client.execute([HTTPClientRequest(url: server.baseURL + "/", limits: testLimits)]) }
            var arrivals = server.arrivals.makeAsyncIterator()
            _ = await arrivals.next()
            task.cancel()
            let results = await task.value
            #expect(throws: HTTPClientError.cancelled) { try results[0].get() }
            // The client, not its 20 s timeout, closed the connection.
            let lifetime = try await nextLifetime(server)
            #expect(lifetime < schedulingSlack)
        }
    }

    @Test func shutdownFailsRunningAndLaterRequests() async throws {
        try await withServer(Behaviour.silent) { server, client in
            let request = HTTPClientRequest(url: server.baseURL + "/", limits: testLimits)
            let task = Task { try await client.execute(request) }
            var arrivals = server.arrivals.makeAsyncIterator()
            _ = await arrivals.next()
            client.shutdown()
            await #expect(throws: HTTPClientError.cancelled) { try await task.value }
            let lifetime = try await nextLifetime(server)
            #expect(lifetime < schedulingSlack, "shutdown closed the connection")
            client.shutdown()
            await #expect(throws: HTTPClientError.cancelled) { try await client.execute(request) }
            #expect(throws: HTTPClientError.cancelled) { try client.executeBlocking(request) }
        }
    }

    @Test func clientFreedWithoutShutdownStopsItsThread() async throws {
        try await withServer(Behaviour.fixed()) { server, _ in
            var client: HTTPClient? = HTTPClient()
            let response = try await client?.execute(HTTPClientRequest(url: server.baseURL + "/", limits: testLimits))
            #expect(response?.status == 200)
            client = nil  // deinit shuts the transfer thread down and closes the connection
            #expect(client == nil)
        }
    }

    // MARK: Blocking

    // The blocking calls run on threads of their own, not on the task pool the other tests share.

    @Test func blockingRequests() async throws {
        let server = try TestServer(Behaviour.echo)
        let client = HTTPClient()
        defer {
            client.shutdown()
            server.stop()
        }
        let url = server.baseURL + "/"
        let response = try await onOwnThread {
            try client.executeBlocking(
                HTTPClientRequest(url: url, method: "POST", body: Array("hi".utf8), limits: testLimits))
        }
        #expect(response.status == 200)
        #expect(response.body == Array("POST\nhi".utf8))
        let port = try TestServer.closedPort()
        await #expect(throws: HTTPClientError.connect) {
            try await onOwnThread {
                try client.executeBlocking(HTTPClientRequest(url: "http://127.0.0.1:\(port)/", limits: testLimits))
            }
        }
    }

    @Test func blockingRequestIsBoundedToo() async throws {
        let server = try TestServer(Behaviour.drip)
        let client = HTTPClient()
        defer {
            client.shutdown()
            server.stop()
        }
        let url = server.baseURL + "/"
        await #expect(throws: HTTPClientError.tooSlow) {
            try await onOwnThread { try client.executeBlocking(HTTPClientRequest(url: url, limits: dripLimits)) }
        }
        let lifetime = try await nextLifetime(server)
        #expect(lifetime < 2 + schedulingSlack)
    }
}
