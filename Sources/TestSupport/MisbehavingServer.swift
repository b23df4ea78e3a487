import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A request as the test server read it.
public struct ReceivedRequest: Sendable {
    public var method: String
    public var path: String
    /// Header fields by lowercased name.
    public var headers: [String: String]
    public var body: [UInt8]
}

/// What a test server does with one request; returns whether to keep the connection for another.
public typealias TestHandler = @Sendable (ReceivedRequest, TestConnection) -> Bool

/// One accepted connection, as handlers see it.
public struct TestConnection: Sendable {
    public let fd: Int32

    /// Writes all of `bytes`; false once the peer has gone (never raises SIGPIPE).
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0, errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    @discardableResult
    public func write(_ text: String) -> Bool {
        write(Array(text.utf8))
    }

    /// Waits up to `milliseconds` for the peer to close (or the server to stop); true if it did.
    public func waitForClose(milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, milliseconds)
        guard ready > 0 else { return false }
        var scratch = [UInt8](repeating: 0, count: 4096)
        return recv(fd, &scratch, scratch.count, 0) <= 0
    }
}

/// A small threaded HTTP/1.1 server on 127.0.0.1 that misbehaves on request, for client tests.
///
/// One thread accepts, one thread serves each connection; ``stop()`` shuts every socket down, which
/// wakes those threads, and waits for them. The server counts connections and records requests;
/// ``arrivals`` yields each request as it is read and ``closings`` each connection's lifetime as it
/// ends, so tests wait for events, never for time. Lifetimes are measured on the server's own
/// threads, so they say how long a client held on, however busy the test process's task pool is.
public final class TestServer: Sendable {
    private struct State {
        var stopped = false
        var connections: Set<Int32> = []
        var accepted = 0
        var requests: [ReceivedRequest] = []
        var inFlight = 0
        var maxInFlight = 0
    }

    public let port: Int
    public let arrivals: AsyncStream<ReceivedRequest>
    private let arrivalsContinuation: AsyncStream<ReceivedRequest>.Continuation
    /// Seconds from accept to the end of the connection, for each connection as it ends.
    public let closings: AsyncStream<Double>
    private let closingsContinuation: AsyncStream<Double>.Continuation
    private let listener: Int32
    private let state = Mutex(State())
    private let threads = DispatchGroup()
    private let handler: TestHandler

    public init(_ handler: @escaping TestHandler) throws {
        self.handler = handler
        (arrivals, arrivalsContinuation) = AsyncStream.makeStream(of: ReceivedRequest.self)
        (closings, closingsContinuation) = AsyncStream.makeStream(of: Double.self)
        let (listener, port) = try Self.bindLoopback()
        guard listen(listener, 64) == 0 else {
            close(listener)
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        self.listener = listener
        self.port = port
        threads.enter()
        Thread.detachNewThread { [self] in
            acceptLoop()
            threads.leave()
        }
    }

    deinit {
        stop()
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Connections accepted so far.
    public var acceptedConnections: Int { state.withLock { $0.accepted } }

    /// Requests read so far, in arrival order.
    public var requests: [ReceivedRequest] { state.withLock { $0.requests } }

    /// The most requests that were being handled at the same time.
    public var maxInFlight: Int { state.withLock { $0.maxInFlight } }

    /// Stops accepting, cuts every connection and waits (up to 10 s) for the server's threads. Idempotent.
    public func stop() {
        let first = state.withLock { state in
            guard !state.stopped else { return false }
            state.stopped = true
            // Shut down under the lock: a connection thread removes its descriptor under the same lock
            // before closing it, so every descriptor here is still open and still ours.
            for fd in state.connections {
                shutdown(fd, Int32(SHUT_RDWR))
            }
            return true
        }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))  // Wakes the blocked accept().
        let finished = threads.wait(timeout: .now() + 10)
        precondition(finished == .success, "test server threads did not stop")
        close(listener)
        arrivalsContinuation.finish()
        closingsContinuation.finish()
    }

    /// A listening socket's descriptor and port: 127.0.0.1, port chosen by the kernel.
    private static func bindLoopback() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard bound == 0, named == 0 else {
            let error = POSIXError(.init(rawValue: errno) ?? .EIO)
            close(fd)
            throw error
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A port on 127.0.0.1 where nothing listens: bound by the kernel's choice, then closed.
    public static func closedPort() throws -> Int {
        let (fd, port) = try bindLoopback()
        close(fd)
        return port
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                return
            }
            let registered = state.withLock { state in
                guard !state.stopped else { return false }
                state.connections.insert(fd)
                state.accepted += 1
                return true
            }
            guard registered else {
                close(fd)
                return
            }
            let accepted = ContinuousClock.now
            threads.enter()
            Thread.detachNewThread { [self] in
                serve(TestConnection(fd: fd))
                state.withLock { _ = $0.connections.remove(fd) }
                close(fd)
                closingsContinuation.yield(seconds(since: accepted))
                threads.leave()
            }
        }
    }

    /// Reads requests from one connection and hands each to the handler, while it keeps the connection.
    private func serve(_ connection: TestConnection) {
        var buffer: [UInt8] = []
        while true {
            guard let request = readRequest(connection.fd, &buffer) else { return }
            state.withLock { state in
                state.requests.append(request)
                state.inFlight += 1
                state.maxInFlight = max(state.maxInFlight, state.inFlight)
            }
            arrivalsContinuation.yield(request)
            let keep = handler(request, connection)
            state.withLock { $0.inFlight -= 1 }
            if !keep { return }
        }
    }

    /// Reads one request (head, then a `Content-Length` body); nil when the peer closes first.
    private func readRequest(_ fd: Int32, _ buffer: inout [UInt8]) -> ReceivedRequest? {
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while true {
            if headEnd == nil, let range = buffer.firstRange(of: separator) {
                headEnd = range.upperBound
            }
            if let end = headEnd {
                let head = String(decoding: buffer[..<end], as: UTF8.self)
                var lines = head.components(separatedBy: "\r\n").filter { !$0.isEmpty }
                let requestLine = lines.removeFirst().split(separator: " ")
                var headers: [String: String] = [:]
                for line in lines {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                        .trimmingCharacters(in: .whitespaces)
                }
                let length = Int(headers["content-length"] ?? "0") ?? 0
                if buffer.count >= end + length {
                    let body = Array(buffer[end..<(end + length)])
                    buffer.removeFirst(end + length)
                    return ReceivedRequest(
                        method: requestLine.first.map(String.init) ?? "",
                        path: requestLine.count > 1 ? String(requestLine[1]) : "",
                        headers: headers, body: body)
                }
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = recv(fd, &chunk, chunk.count, 0)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return nil }
            buffer.append(contentsOf: chunk[..<count])
        }
    }
}

// MARK: - Behaviours

/// An HTTP/1.1 response with a `Content-Length`, as bytes.
public func httpResponse(
    status: Int = 200, reason: String = "OK", headers: [(String, String)] = [], body: [UInt8] = [],
    contentLength: Int? = nil
) -> [UInt8] {
    var head = "HTTP/1.1 \(status) \(reason)\r\n"
    for (name, value) in headers {
        head += "\(name): \(value)\r\n"
    }
    head += "Content-Length: \(contentLength ?? body.count)\r\n\r\n"
    return Array(head.utf8) + body
}

public enum Behaviour {
    /// Answers every request with the same response and keeps the connection.
    public static func fixed(
        status: Int = 200, reason: String = "OK", headers: [(String, String)] = [], body: [UInt8] = Array("hello".utf8)
    ) -> TestHandler {
        { request, connection in
            connection.write(
                httpResponse(
                    status: status, reason: reason, headers: headers,
                    body: request.method == "HEAD" ? [] : body, contentLength: body.count))
        }
    }

    /// Answers with the method, a newline and the request body.
    public static let echo: TestHandler = { request, connection in
        connection.write(httpResponse(body: Array((request.method + "\n").utf8) + request.body))
    }

    /// Answers `/N` with the body `N`, holding requests until `width` of them are handled at once
    /// (fewer for the last group of `total`), then answering each group from the highest `N` down:
    /// later requests answer sooner, decided by events, not by time. A group that has not filled
    /// within 30 s is answered with status 500.
    public static func answeredInReverse(groupsOf width: Int, total: Int) -> TestHandler {
        let groups = ReverseGroups(width: width, total: total)
        return { request, connection in
            let index = Int(request.path.dropFirst()) ?? 0
            guard groups.waitForTurn(index) else {
                return connection.write(httpResponse(status: 500, reason: "Group Never Filled", body: Array("\(index)".utf8)))
            }
            defer { groups.answered(index) }
            return connection.write(httpResponse(body: Array(String(index).utf8)))
        }
    }

    /// Answers `/N` after `delay(N)` milliseconds with the body `N`.
    public static func delayed(_ delay: @escaping @Sendable (Int) -> Int) -> TestHandler {
        { request, connection in
            let index = Int(request.path.dropFirst()) ?? 0
            _ = connection.waitForClose(milliseconds: Int32(delay(index)))
            return connection.write(httpResponse(body: Array(String(index).utf8)))
        }
    }

    /// A chunked body without `Content-Length` that never ends, 16 KiB a chunk, until the peer goes.
    public static let endlessChunked: TestHandler = { _, connection in
        guard connection.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") else { return false }
        let chunk = Array("4000\r\n".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 0x4000) + Array("\r\n".utf8)
        for _ in 0..<65536 where connection.write(chunk) {}  // 1 GiB at most, in case nobody stops it.
        return false
    }

    /// Announces 1000 bytes, then sends one byte a second until the peer goes (at most 60 s).
    public static let drip: TestHandler = { _, connection in
        guard connection.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n") else { return false }
        for _ in 0..<60 {
            guard connection.write([UInt8(ascii: "x")]) else { return false }
            if connection.waitForClose(milliseconds: 1000) { return false }
        }
        return false
    }

    /// Reads the request and never answers, until the peer goes (at most 60 s).
    public static let silent: TestHandler = { _, connection in
        _ = connection.waitForClose(milliseconds: 60_000)
        return false
    }

    /// Redirects every request to its own path.
    public static let redirectLoop: TestHandler = { request, connection in
        connection.write(httpResponse(status: 302, reason: "Found", headers: [("Location", request.path)]))
    }

    /// Redirects every request to `location`.
    public static func redirect(to location: String) -> TestHandler {
        { _, connection in
            connection.write(httpResponse(status: 302, reason: "Found", headers: [("Location", location)]))
        }
    }

    /// Sends `count` header lines of `size` bytes each.
    public static func hugeHeaders(count: Int, size: Int) -> TestHandler {
        { _, connection in
            let filler = String(repeating: "a", count: size)
            let headers = (0..<count).map { ("X-Filler-\($0)", filler) }
            return connection.write(httpResponse(headers: headers))
        }
    }

    /// Announces `announced` bytes, sends `sent` of them and closes the connection.
    public static func truncated(announced: Int, sent: Int) -> TestHandler {
        { _, connection in
            connection.write(httpResponse(body: [UInt8](repeating: 1, count: sent), contentLength: announced))
            return false
        }
    }

    /// Announces a body of `length` bytes, sends none and waits for the peer to go (at most 60 s).
    public static func announcing(length: Int) -> TestHandler {
        { _, connection in
            guard connection.write("HTTP/1.1 200 OK\r\nContent-Length: \(length)\r\n\r\n") else { return false }
            _ = connection.waitForClose(milliseconds: 60_000)
            return false
        }
    }

    /// Sends `compressed` with `Content-Encoding: gzip` if the request accepts gzip, and plain otherwise.
    public static func gzip(compressed: [UInt8], plain: [UInt8]) -> TestHandler {
        { request, connection in
            if request.headers["accept-encoding"]?.contains("gzip") == true {
                return connection.write(httpResponse(headers: [("Content-Encoding", "gzip")], body: compressed))
            }
            return connection.write(httpResponse(body: plain))
        }
    }

    /// Sends `compressed` with `Content-Encoding: gzip`, whatever the request accepts.
    public static func alwaysGzip(_ compressed: [UInt8]) -> TestHandler {
        { _, connection in
            connection.write(httpResponse(headers: [("Content-Encoding", "gzip")], body: compressed))
        }
    }
}

/// The requests of `Behaviour.answeredInReverse`: in groups of `width` by arrival, each answered
/// once its group has arrived and every higher index of the group has been answered.
private final class ReverseGroups: @unchecked Sendable {  // every field is used under `condition`
    private let width: Int
    private let total: Int
    private let condition = NSCondition()
    private var arrived: [Int] = []
    private var done: Set<Int> = []

    init(width: Int, total: Int) {
        self.width = width
        self.total = total
    }

    /// Waits until `index` may be answered; false after 30 s.
    func waitForTurn(_ index: Int) -> Bool {
        let deadline = Date().addingTimeInterval(30)
        condition.lock()
        defer { condition.unlock() }
        let position = arrived.count
        arrived.append(index)
        condition.broadcast()
        let group = position / width
        let end = min((group + 1) * width, total)
        while true {
            if arrived.count >= end {
                let members = arrived[(group * width)..<end]
                if members.allSatisfy({ $0 <= index || done.contains($0) }) { return true }
            }
            if !condition.wait(until: deadline) { return false }
        }
    }

    /// Marks `index` answered.
    func answered(_ index: Int) {
        condition.lock()
        done.insert(index)
        condition.broadcast()
        condition.unlock()
    }
}

/// `bytes` compressed by `/bin/gzip`.
public func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let result = try ProcessRunner.runBytes("/bin/gzip", ["-c", "-n"], input: bytes, timeout: 60)
    guard result.status == 0 else { throw POSIXError(.EIO) }
    return result.stdout
}

/// Seconds since `start`.
public func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// Runs `body` on a thread of its own and returns its result, so that a blocking call never
/// occupies one of the few threads of Swift concurrency's pool that other tests need.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try body() })
        }
    }
}
