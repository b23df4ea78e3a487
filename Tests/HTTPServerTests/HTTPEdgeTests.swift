import Foundation
import Testing
import TestSupport

@testable import HTTPServer

/// The server's edge against malformed and abusive clients: framing that could smuggle a request past a proxy,
/// oversized heads, answers that a browser must not sniff, decisions made before the body, and deadlines.
/// (In the serialized suite: the leak checks count live request states process-wide.)
extension HTTPServerTests {
    @Test func contentLengthWithTransferEncodingIs400AndCloses() throws {
        try withServer { server, handler in
            let connection = try RawConnection(port: server.port)
            try connection.send(
                "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n0\r\n\r\nGET /blob HTTP/1.1\r\nHost: test\r\n\r\n")
            let response = try connection.readResponse()
            #expect(response.status == 400)
            #expect(response.header("content-type") == "application/json")
            #expect(response.text.contains("Content-Length and Transfer-Encoding"))
            #expect(connection.waitForClose(timeout: .seconds(5)), "the rest of the stream must not be read as a request")
            #expect(handler.recorder.count == 0)
        }
    }

    @Test func differingContentLengthsAre400AndClose() throws {
        try withServer { server, handler in
            for lengths in [("5", "6"), ("6", "5")] {
                let connection = try RawConnection(port: server.port)
                try connection.send(
                    "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: \(lengths.0)\r\nContent-Length: \(lengths.1)\r\n\r\nhello!")
                let response = try connection.readResponse()
                #expect(response.status == 400, "\(lengths)")
                #expect(response.header("content-type") == "application/json")
                #expect(connection.waitForClose(timeout: .seconds(5)))
            }
            // The same length twice is one length (RFC 9110, 8.6).
            let same = try RawConnection(port: server.port)
            try same.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello")
            let echoed = try same.readResponse()
            #expect(echoed.status == 200)
            #expect(echoed.text == "hello")
            #expect(handler.recorder.count == 1)
        }
    }

    @Test func unknownTransferCodingIs501() throws {
        try withServer { server, handler in
            for coding in ["gzip", "gzip, chunked", "identity"] {
                let connection = try RawConnection(port: server.port, timeout: .seconds(5))
                try connection.send("POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: \(coding)\r\n\r\n")
                let response = try connection.readResponse()
                #expect(response.status == 501, "\(coding)")
                #expect(response.header("content-type") == "application/json")
                #expect(response.text.contains(#""status": 501"#))
                #expect(connection.waitForClose(timeout: .seconds(5)))
            }
            #expect(handler.recorder.count == 0)
        }
    }

    @Test func longTargetIs414AndLargeHeadIs431AsJSON() throws {
        try withServer { server, handler in
            let target = try RawConnection(port: server.port)
            try target.send("GET /inspect/\(String(repeating: "a", count: 12 << 10)) HTTP/1.1\r\nHost: test\r\n\r\n")
            let long = try target.readResponse()
            #expect(long.status == 414)
            #expect(long.header("content-type") == "application/json")
            #expect(long.text.contains(#""status": 414"#))

            let query = try RawConnection(port: server.port)
            try query.send("GET /inspect?q=\(String(repeating: "a", count: 12 << 10)) HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(try query.readResponse().status == 414)

            let head = try RawConnection(port: server.port)
            try head.send(
                "GET /inspect HTTP/1.1\r\nHost: test\r\nX-Big: \(String(repeating: "b", count: 20 << 10))\r\n\r\n")
            let large = try head.readResponse()
            #expect(large.status == 431)
            #expect(large.header("content-type") == "application/json")
            #expect(large.text.contains(#""status": 431"#))
            #expect(handler.recorder.count == 0)

            // Beyond the connection's memory pool libmicrohttpd answers itself, with its own HTML body.
            let huge = try RawConnection(port: server.port)
            try huge.send(
                "GET /inspect HTTP/1.1\r\nHost: test\r\nX-Big: \(String(repeating: "b", count: 40 << 10))\r\n\r\n")
            #expect(try huge.readResponse().status == 431)
        }
    }

    @Test func everyAnswerCarriesNosniff() throws {
        var configuration = HTTPServer.Configuration()
        configuration.maxRequestBodyBytes = 10
        try withServer(configuration) { server, _ in
            let requests = [
                "GET /blob HTTP/1.1\r\nHost: test\r\n\r\n",
                "GET /nowhere HTTP/1.1\r\nHost: test\r\n\r\n",
                "GET /inspect/%zz HTTP/1.1\r\nHost: test\r\n\r\n",
                "GET /bad-header HTTP/1.1\r\nHost: test\r\n\r\n",
                "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 11\r\n\r\n",
            ]
            for request in requests {
                let connection = try RawConnection(port: server.port)
                try connection.send(request)
                let response = try connection.readResponse()
                #expect(response.header("x-content-type-options") == "nosniff", "\(request)")
            }
        }
    }

    @Test func refusalFromTheHeadComesBeforeTheBodyAndWithoutContinue() throws {
        try withServer { server, handler in
            for expect in ["Expect: 100-continue\r\n", ""] {
                let connection = try RawConnection(port: server.port)
                try connection.send("PUT /guarded HTTP/1.1\r\nHost: test\r\nContent-Length: 50000000\r\n\(expect)\r\n")
                let response = try connection.readResponse()
                #expect(response.status == 401, "\(expect)")
                #expect(response.text.contains("No key."))
                #expect(response.header("connection")?.lowercased() == "close")
                #expect(connection.waitForClose(timeout: .seconds(5)))
            }
            // With the key the body is asked for and read.
            let connection = try RawConnection(port: server.port)
            try connection.send(
                "PUT /guarded HTTP/1.1\r\nHost: test\r\nX-Key: ok\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            #expect(try connection.readResponse().status == 100)
            try connection.send("hello")
            let echoed = try connection.readResponse()
            #expect(echoed.status == 200)
            #expect(echoed.text == "hello")
            #expect(handler.recorder.count == 1)
        }
    }

    @Test func refusalOfABodilessRequestKeepsTheConnection() throws {
        try withServer { server, _ in
            let connection = try RawConnection(port: server.port)
            try connection.send("GET /guarded HTTP/1.1\r\nHost: test\r\n\r\n")
            let refused = try connection.readResponse()
            #expect(refused.status == 401)
            #expect(refused.header("connection") == nil)
            try connection.send("GET /blob HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(try connection.readResponse().status == 200)
        }
    }

    @Test func theHandlersBodyLimitApplies() throws {
        try withServer { server, handler in
            let cases: [(String, Int)] = [
                ("POST /small HTTP/1.1\r\nHost: test\r\nContent-Length: 11\r\n\r\n", 413),
                ("POST /nobody HTTP/1.1\r\nHost: test\r\nContent-Length: 1\r\n\r\n", 413),
                ("POST /nobody HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n", 413),
            ]
            for (head, status) in cases {
                let connection = try RawConnection(port: server.port)
                try connection.send(head)
                let response = try connection.readResponse()
                #expect(response.status == status, "\(head)")
                #expect(connection.waitForClose(timeout: .seconds(5)))
            }
            let small = try RawConnection(port: server.port)
            try small.send("POST /small HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\nb\r\nhello world\r\n0\r\n\r\n")
            #expect(try small.readResponse().status == 413)
            let fits = try RawConnection(port: server.port)
            try fits.send("POST /nobody HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\n\r\n")
            #expect(try fits.readResponse().status == 200)
            #expect(handler.recorder.count == 1)
        }
    }

    @Test func aMethodThatIsNotATokenIs400() throws {
        try withServer { server, handler in
            let connection = try RawConnection(port: server.port)
            try connection.send("G\"T /blob HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(try connection.readResponse().status == 400)
            #expect(handler.recorder.count == 0)
        }
    }

    @Test func aTrickledHeadIsCutOffAtTheHeadDeadline() throws {
        var configuration = HTTPServer.Configuration()
        configuration.headTimeout = 1
        configuration.idleTimeout = 30
        try withServer(configuration) { server, handler in
            let clock = ContinuousClock()
            let start = clock.now
            let connection = try RawConnection(port: server.port)
            let head = Array("GET /blob HTTP/1.1\r\nHost: test\r\nX-Slow: ".utf8)
            // One byte every 100 ms: never idle, never complete.
            var closed = false
            for byte in head + Array(repeating: UInt8(ascii: "z"), count: 100) {
                guard (try? connection.send([byte])) != nil else {
                    closed = true
                    break
                }
                if connection.waitForClose(timeout: .milliseconds(100)) {
                    closed = true
                    break
                }
            }
            let elapsed = clock.now - start
            #expect(closed)
            #expect(elapsed >= .milliseconds(900))
            #expect(elapsed < .seconds(3))
            let answer = try? connection.readResponse()
            if let answer {
                // The 408 is best effort: it is sent when the socket takes it.
                #expect(answer.status == 408)
                #expect(answer.header("content-type") == "application/json")
            }
            #expect(handler.recorder.count == 0)
            #expect(server.expiredConnectionsForTesting >= 1)
        }
    }

    @Test func aTrickledBodyIsCutOffAtTheBodyDeadline() throws {
        var configuration = HTTPServer.Configuration()
        configuration.bodyTimeout = 1
        configuration.bodyMinRate = 1000
        try withServer(configuration) { server, handler in
            let clock = ContinuousClock()
            let connection = try RawConnection(port: server.port)
            try connection.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 100000\r\n\r\n")
            let start = clock.now
            // 200 bytes every 100 ms is twice the minimum rate: each 1,000 bytes earn a second, so the deadline
            // stays ahead of the clock and this body outlives its base second of `bodyTimeout`.
            var closed = false
            while clock.now - start < .milliseconds(1500) {
                guard (try? connection.send([UInt8](repeating: 1, count: 200))) != nil,
                    !connection.waitForClose(timeout: .milliseconds(100))
                else {
                    closed = true
                    break
                }
            }
            #expect(!closed, "a body arriving at the minimum rate is not cut off")
            // Then it stops sending: the deadline passes.
            #expect(connection.waitForClose(timeout: .seconds(6)))
            #expect(clock.now - start < .milliseconds(6500))
            #expect(handler.recorder.count == 0)
        }
    }

    @Test func aKeptAliveConnectionMustSendItsNextHeadInTime() throws {
        var configuration = HTTPServer.Configuration()
        configuration.headTimeout = 1
        try withServer(configuration) { server, _ in
            let connection = try RawConnection(port: server.port)
            for _ in 0..<3 {
                try connection.send("GET /blob HTTP/1.1\r\nHost: test\r\n\r\n")
                #expect(try connection.readResponse().status == 200)
            }
            let clock = ContinuousClock()
            let start = clock.now
            #expect(connection.waitForClose(timeout: .seconds(5)))
            #expect(clock.now - start < .seconds(3))
            #expect(throws: (any Error).self, "closed silently, without a 408") { try connection.readResponse() }
        }
    }

    @Test func everyConnectionLeavesTheWatch() throws {
        try withServer { server, _ in
            for _ in 0..<20 {
                let connection = try RawConnection(port: server.port)
                try connection.send("GET /blob HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
                _ = try connection.readResponse()
            }
            #expect(eventually { server.watchedConnectionsForTesting == 0 })
        }
    }
}
