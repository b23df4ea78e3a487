import Foundation
import TestSupport
import Testing

/// `kechuang serve` under abuse, measured on the running process: its memory while unauthenticated clients
/// start uploads, and its answers while a thousand slow clients hold connections.
@Suite(.serialized) struct ServeEdgeTests {
    /// A served node and its port.
    private struct Served {
        let cli: CLI
        let server: BackgroundProcess
        let port: UInt16

        /// - Parameter shell: A shell command run before `serve` (`ulimit -n 600`), in the same process.
        init(_ options: [String] = [], shell: String? = nil) throws {
            cli = try CLI()
            try cli.initNode()
            let arguments = ["--data", cli.data.path, "serve", "--listen", "127.0.0.1:0", "--sync-interval", "0"] + options
            if let shell {
                server = try BackgroundProcess(
                    "/bin/sh", ["-c", "\(shell) && exec \"$0\" \"$@\"", Repository.binary] + arguments)
            } else {
                server = try BackgroundProcess(Repository.binary, arguments)
            }
            let line = try server.waitForLine(containing: "Serving")
            guard let text = line.split(separator: ":").last?.prefix(while: \.isNumber), let port = UInt16(text) else {
                throw BackgroundProcessError(message: "no port in \(line)")
            }
            self.port = port
        }

        /// The server's resident memory (`VmRSS` in `/proc/PID/status`), in bytes.
        func residentBytes() throws -> Int {
            let status = try String(contentsOfFile: "/proc/\(server.pid)/status", encoding: .utf8)
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
                let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
            else {
                throw BackgroundProcessError(message: "no VmRSS in /proc/\(server.pid)/status")
            }
            return kilobytes * 1024
        }

        /// The soft and hard limits on open files of the server (`/proc/PID/limits`).
        func openFileLimits() throws -> (soft: Int, hard: Int) {
            let limits = try String(contentsOfFile: "/proc/\(server.pid)/limits", encoding: .utf8)
            guard let line = limits.split(separator: "\n").first(where: { $0.hasPrefix("Max open files") }) else {
                throw BackgroundProcessError(message: "no open-file limit in /proc/\(server.pid)/limits")
            }
            let numbers = line.split(separator: " ").compactMap { Int($0) }
            guard numbers.count >= 2 else { throw BackgroundProcessError(message: "cannot read \(line)") }
            return (numbers[0], numbers[1])
        }

        func stop() {
            server.send(SIGTERM)
            #expect(server.waitForExit(timeout: 30) == 0, "\(server.text)")
        }
    }

    /// README, "The HTTP edge": unauthenticated uploads cost the node at most their connections' memory pools,
    /// so 12 unfinished ones (each announcing 64 MiB and pushing 16 MiB) may raise its memory by at most 16 MiB.
    @Test func unfinishedUnauthenticatedUploadsDoNotRaiseServeMemory() throws {
        let served = try Served()
        defer { served.stop() }
        // Warm up the allocator and the reader pool with a few ordinary requests.
        for _ in 0..<4 {
            let warm = try RawConnection(port: served.port)
            try warm.send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(try warm.readResponse().status == 200)
        }
        let before = try served.residentBytes()
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        var connections: [RawConnection] = []
        var statuses: [Int?] = []
        for index in 0..<12 {
            let connection = try RawConnection(port: served.port, timeout: .seconds(2))
            let (method, path) = index.isMultiple(of: 2) ? ("PUT", "/v1/projects/x\(index)") : ("POST", "/v1/projects/import")
            let expect = index % 4 < 2 ? "Expect: 100-continue\r\n" : ""
            try connection.send(
                "\(method) \(path) HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(64 << 20)\r\n\(expect)\r\n")
            statuses.append((try? connection.readResponse())?.status)
            // Push on regardless, as an attacker would; a refused upload fails to send (the server closed).
            for _ in 0..<16 {
                guard (try? connection.send(chunk)) != nil else { break }
            }
            connections.append(connection)
        }
        let after = try served.residentBytes()
        let growth = after - before
        #expect(statuses.allSatisfy { $0 == 401 }, "\(statuses)")
        #expect(growth < 16 << 20, "serve grew by \(growth >> 20) MiB (\(before >> 20) → \(after >> 20) MiB)")
        connections.removeAll()
    }

    /// 1,024 slow connections (64, the per-client cap, from each of 16 loopback addresses) leave room for a
    /// normal client, and the head deadline closes them.
    @Test func normalClientIsAnsweredWhile1024SlowConnectionsAreOpen() throws {
        #expect(RawConnection.raiseDescriptorLimit() >= 1200, "this test needs 1,100 file descriptors")
        let served = try Served(["--head-timeout", "8"])
        defer { served.stop() }
        let clock = ContinuousClock()
        let opened = clock.now
        var slow: [RawConnection] = []
        for address in 2...17 {
            for _ in 0..<64 {
                let connection = try RawConnection(port: served.port, source: "127.0.0.\(address)")
                // A head that never ends.
                try connection.send("GET /healthz HTTP/1.1\r\nHost: test\r\nX-Slow: ")
                slow.append(connection)
            }
        }
        #expect(slow.count == 1024)
        // Let the server accept them all: a 65th from one address is refused (the per-client cap holds).
        let extra = try RawConnection(port: served.port, source: "127.0.0.2")
        #expect(extra.waitForClose(timeout: .seconds(5)), "the per-client cap refuses a 65th connection")
        #expect(Self.readable(slow) == 0, "all 1,024 slow connections are open")

        for _ in 0..<10 {
            let started = clock.now
            let normal = try RawConnection(port: served.port, timeout: .seconds(5))
            try normal.send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
            let response = try? normal.readResponse()
            #expect(response?.status == 200)
            #expect(clock.now - started < .seconds(2))
        }
        let answered = clock.now - opened
        #expect(answered < .seconds(8), "the normal client was served within the slow connections' head deadline")
        #expect(Self.readable(slow) == 0, "the slow connections were still open while the normal client was served")

        // The head deadline (8 s) closes every slow connection, though none of them was idle for long.
        for connection in slow.prefix(16) {
            try connection.send("a")
        }
        let deadline = opened.advanced(by: .seconds(16))
        let stillOpen = slow.filter { connection in
            let remaining = max(deadline - clock.now, .milliseconds(1))
            return !connection.waitForClose(timeout: remaining)
        }
        #expect(stillOpen.isEmpty, "\(stillOpen.count) slow connections outlived the head deadline")
        slow.removeAll()
    }

    /// How many of `connections` have something to read (an answer or the end of the stream), without waiting.
    private static func readable(_ connections: [RawConnection]) -> Int {
        var descriptors = connections.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        return Int(poll(&descriptors, nfds_t(descriptors.count), 0))
    }

    @Test func serveRaisesItsOpenFileLimitOrServesFewerConnections() throws {
        // A low soft limit is raised to fit the default 4,096 connections.
        let raised = try Served(shell: "ulimit -Sn 256")
        let limits = try raised.openFileLimits()
        #expect(limits.soft >= min(4096, limits.hard), "\(limits)")
        #expect(!raised.server.text.contains("open-file limit"))
        raised.stop()

        // A low hard limit cannot be raised: serve warns and holds fewer connections.
        let low = try Served(shell: "ulimit -n 600")
        #expect(try low.openFileLimits().soft == 600)
        #expect(low.server.text.contains("the open-file limit is 600"), "\(low.server.text)")
        let connection = try RawConnection(port: low.port)
        try connection.send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        #expect(try connection.readResponse().status == 200)
        low.stop()
    }
}
