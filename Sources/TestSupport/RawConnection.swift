#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A test client on a plain POSIX socket, for the cases curl cannot set up: a lying `Content-Length`, a
/// chunked upload, idle or slow connections, many connections at once, connections from a chosen loopback
/// source address.
///
/// Reads and writes block with a timeout (10 seconds unless given), so a server bug fails the test instead of
/// hanging it.
public final class RawConnection {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to `host:port` (`127.0.0.1` unless told).
    ///
    /// - Parameters:
    ///   - host: The IPv4 address to connect to.
    ///   - source: The local IPv4 address to connect from (bound before connecting), such as `127.0.0.2`;
    ///     any loopback address works on Linux without configuration.
    ///   - timeout: How long a read or a write may block.
    public init(port: UInt16, host: String = "127.0.0.1", source: String? = nil, timeout: Duration = .seconds(10)) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        let (seconds, attoseconds) = timeout.components
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        do {
            if let source { try Self.call("bind \(source)", on: fd, Self.address(source, port: 0), bind) }
            try Self.call("connect \(host):\(port)", on: fd, Self.address(host, port: port), connect)
        } catch {
            close(fd)
            throw error
        }
    }

    /// The IPv4 socket address of `host` (dotted quad) and `port`.
    private static func address(_ host: String, port: UInt16) throws -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw Failure(description: "\(host) is not an IPv4 address") }
        return address
    }

    /// Calls `bind` or `connect` with `address`, turning a failure into an error naming `what`.
    private static func call(
        _ what: String, on fd: Int32, _ address: sockaddr_in, _ function: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Int32
    ) throws {
        var address = address
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { function(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw Failure(description: "\(what): errno \(errno)") }
    }

    deinit {
        close(fd)
    }

    /// Sends all of `bytes`; MSG_NOSIGNAL so a server that closes early gives EPIPE, not SIGPIPE.
    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw Failure(description: "send: errno \(errno)") }
            offset += sent
        }
    }

    public func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    /// Reads one response; `head` for a response to HEAD, which has headers only. An interim response
    /// (`100 Continue`) is returned as it is, head only.
    public func readResponse(head: Bool = false) throws -> RawResponse {
        var end: Int?
        while end == nil {
            end = buffer.firstRange(of: [13, 10, 13, 10])?.upperBound
            if end == nil {
                guard try fill() else { throw Failure(description: "connection closed before a response") }
            }
        }
        let headText = String(decoding: buffer[..<end!], as: UTF8.self)
        buffer.removeFirst(end!)
        var lines = headText.split(separator: "\r\n", omittingEmptySubsequences: true).map(String.init)
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw Failure(description: "bad status line in \(headText)")
        }
        let headers = lines.map { line -> (String, String) in
            let colon = line.firstIndex(of: ":")!
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: " "))
        }
        var response = RawResponse(status: status, headers: headers, body: [])
        if head || status == 204 || status == 304 || (100..<200).contains(status) {
            return response
        }
        if let length = response.header("content-length").flatMap({ Int($0) }) {
            while buffer.count < length {
                guard try fill() else { throw Failure(description: "connection closed inside the body") }
            }
            response.body = Array(buffer[..<length])
            buffer.removeFirst(length)
        } else {
            while try fill() {}
            response.body = buffer
            buffer = []
        }
        return response
    }

    /// Waits until the server closes the connection (EOF or reset), up to `timeout`; true if it did.
    /// Bytes that arrive meanwhile are kept for ``readResponse(head:)``.
    public func waitForClose(timeout: Duration) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let remaining = deadline - clock.now
            let milliseconds = Int32(
                max(1, remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000))
            let ready = poll(&descriptor, 1, milliseconds)
            if ready > 0 {
                guard (try? fill()) == true else { return true }
            }
        }
        return false
    }

    /// Reads what is available into the buffer; false at end of stream, throws on error (reset counts as end).
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count > 0 {
            buffer.append(contentsOf: chunk[..<count])
            return true
        }
        if count == 0 || errno == ECONNRESET {
            return false
        }
        throw Failure(description: "recv: errno \(errno)")
    }
}

extension RawConnection {
    /// Raises this process's soft limit on open files to its hard limit, for tests that hold many
    /// connections at once.
    ///
    /// - Returns: The soft limit now in force.
    @discardableResult
    public static func raiseDescriptorLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(clamping: limit.rlim_cur)
    }
}

/// A response as ``RawConnection`` read it.
public struct RawResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    /// The first value of header `name`, matched case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        String(drop { $0 == character }.reversed().drop { $0 == character }.reversed())
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        String(self).trimmingCharacters(in: character)
    }
}
