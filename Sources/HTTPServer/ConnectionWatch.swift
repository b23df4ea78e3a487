import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Deadlines for the head and the body of the request on each open connection, enforced by shutting its socket.
///
/// libmicrohttpd 0.9.75 limits only idle time (`MHD_OPTION_CONNECTION_TIMEOUT`), so a client that trickles a byte
/// every few seconds holds a connection for ever. The server therefore tracks every connection itself: the
/// notify-connection callback registers an ``Entry`` (with the socket from `MHD_CONNECTION_INFO_CONNECTION_FD`)
/// when a connection starts and removes it when it has closed; the access handler moves its deadline as the
/// request goes from head to body to handler; and a timer on a private queue sweeps the entries ten times a
/// second. A connection past its deadline gets a short JSON 408 (unless it was only idle between two requests,
/// which HTTP lets a server close silently) and `shutdown(SHUT_RDWR)`: libmicrohttpd's next read then sees the end
/// of the stream, and it closes the connection and calls its callbacks as for any client that went away.
///
/// Threads: entries are added and removed by worker threads and swept by the timer, under one lock; only
/// connects and closes take it, while the per-request moves of a deadline are atomic stores. libmicrohttpd calls
/// the closed notification before it closes the socket, and the sweep shuts sockets down while holding the lock,
/// so a socket number is never shut down after it has been closed (and perhaps reused for another connection).
final class ConnectionWatch: Sendable {
    /// One connection's socket and its current deadline.
    final class Entry: Sendable {
        /// The connection's socket, or -1 when libmicrohttpd did not tell.
        let fd: Int32
        /// `CLOCK_MONOTONIC` nanoseconds by which the current phase must end; 0 for none (the handler runs or the
        /// response is being sent; the idle timeout covers those).
        fileprivate let deadline = Atomic<UInt64>(0)
        /// What the deadline is for, which decides the answer when it passes.
        fileprivate let phase = Atomic<UInt8>(Phase.firstHead.rawValue)

        init(fd: Int32) {
            self.fd = fd
        }
    }

    fileprivate enum Phase: UInt8 {
        /// The connection's first request head is due.
        case firstHead
        /// A kept-alive connection's next request head is due; closing it silently is normal HTTP.
        case nextHead
        /// A request body is due.
        case body
    }

    private let entries = Mutex<[ObjectIdentifier: Entry]>([:])
    private let timer = Mutex<(any DispatchSourceTimer)?>(nil)
    private let headTimeout: UInt64
    private let bodyTimeout: UInt64
    private let bodyMinRate: Int

    /// Connections registered now.
    var count: Int {
        entries.withLock { $0.count }
    }

    /// Connections shut down at a deadline since the server started; for tests.
    let expired = Atomic<Int>(0)

    /// - Parameters: Timeouts in seconds (0: none) and the body's credit rate in bytes per second (0: none), as in
    ///   ``HTTPServer/Configuration``.
    init(headTimeout: Int, bodyTimeout: Int, bodyMinRate: Int) {
        self.headTimeout = UInt64(headTimeout) * 1_000_000_000
        self.bodyTimeout = UInt64(bodyTimeout) * 1_000_000_000
        self.bodyMinRate = bodyMinRate
    }

    /// `CLOCK_MONOTONIC` in nanoseconds.
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    // MARK: Lifecycle of a connection, called on its worker thread

    /// Registers a new connection; its first head is due within the head timeout.
    func opened(fd: Int32) -> Entry {
        let entry = Entry(fd: fd)
        entry.deadline.store(headTimeout == 0 ? 0 : Self.now() + headTimeout, ordering: .relaxed)
        entries.withLock { $0[ObjectIdentifier(entry)] = entry }
        return entry
    }

    /// Forgets a connection; libmicrohttpd closes its socket after this returns.
    func closed(_ entry: Entry) {
        _ = entries.withLock { $0.removeValue(forKey: ObjectIdentifier(entry)) }
    }

    /// The head has arrived: the body, if one is to be read, is due within the body timeout; otherwise the
    /// request has no deadline until its response has been sent.
    ///
    /// - Returns: The time the body's deadline counts from, for ``bodyProgress(_:since:received:)``.
    @discardableResult
    func headReceived(_ entry: Entry, readingBody: Bool) -> UInt64 {
        let now = Self.now()
        if readingBody && bodyTimeout > 0 {
            entry.phase.store(Phase.body.rawValue, ordering: .relaxed)
            entry.deadline.store(now + bodyTimeout, ordering: .relaxed)
        } else {
            entry.deadline.store(0, ordering: .relaxed)
        }
        return now
    }

    /// Part of the body has arrived: `received` bytes in all since `start`; each ``bodyMinRate`` bytes earn a
    /// second more.
    func bodyProgress(_ entry: Entry, since start: UInt64, received: Int) {
        guard bodyTimeout > 0, bodyMinRate > 0 else {
            return
        }
        let credit = UInt64(received / bodyMinRate) * 1_000_000_000
        entry.deadline.store(start + bodyTimeout + credit, ordering: .relaxed)
    }

    /// The body has arrived (or the request is answered without it): no deadline while the handler runs and
    /// the response is sent.
    func bodyReceived(_ entry: Entry) {
        entry.deadline.store(0, ordering: .relaxed)
    }

    /// The response has been sent: a kept-alive connection's next head is due within the head timeout.
    func requestCompleted(_ entry: Entry) {
        entry.phase.store(Phase.nextHead.rawValue, ordering: .relaxed)
        entry.deadline.store(headTimeout == 0 ? 0 : Self.now() + headTimeout, ordering: .relaxed)
    }

    // MARK: The sweep

    /// Starts sweeping every 100 ms, unless no deadline is configured.
    func start() {
        guard headTimeout > 0 || bodyTimeout > 0 else {
            return
        }
        timer.withLock { slot in
            let source = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "kechuang.http.deadlines"))
            source.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100), leeway: .milliseconds(20))
            source.setEventHandler { [weak self] in
                self?.sweep(now: Self.now())
            }
            source.resume()
            slot = source
        }
    }

    /// Stops the sweeps; called once the daemon has stopped.
    func stop() {
        timer.withLock { slot in
            slot?.cancel()
            slot = nil
        }
    }

    /// Shuts down every connection whose deadline has passed.
    func sweep(now: UInt64) {
        entries.withLock { entries in
            for entry in entries.values {
                let deadline = entry.deadline.load(ordering: .relaxed)
                guard deadline != 0, deadline <= now, entry.fd >= 0 else {
                    continue
                }
                // The worker may be moving the deadline right now (the head completed, a chunk arrived): only a
                // deadline still unchanged is enforced.
                guard entry.deadline.compareExchange(expected: deadline, desired: 0, ordering: .relaxed).exchanged
                else {
                    continue
                }
                expire(entry)
            }
        }
    }

    private func expire(_ entry: Entry) {
        expired.add(1, ordering: .relaxed)
        let message: String?
        switch Phase(rawValue: entry.phase.load(ordering: .relaxed)) {
        case .firstHead: message = "The request head did not arrive within \(headTimeout / 1_000_000_000) seconds."
        case .body: message = "The request body did not arrive in time."
        case .nextHead, nil: message = nil
        }
        if let message {
            // Best effort, never blocking: libmicrohttpd has sent nothing for this request, and a client that
            // does not read loses only the explanation.
            let body = HTTPResponse.error(status: 408, message: message).body
            var bytes = Array(
                ("HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\n"
                    + "X-Content-Type-Options: nosniff\r\nConnection: close\r\nContent-Length: \(body.count)\r\n\r\n")
                    .utf8)
            bytes += body
            _ = bytes.withUnsafeBytes { send(entry.fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL)) }
        }
        shutdown(entry.fd, Int32(SHUT_RDWR))
    }
}
