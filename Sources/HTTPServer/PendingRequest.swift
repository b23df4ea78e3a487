import Synchronization

/// The state of one request between its first and its final access-handler call, kept in `*con_cls`.
///
/// Its presence marks a request as started. It holds either the admitted head, whose body it collects up to the
/// request's limit, or an answer decided from the head alone that waits for the final call (so that a refused
/// request without a body keeps its connection alive). Created by the first access-handler call, retained into
/// `*con_cls` (`Unmanaged.passRetained`), and released by the request-completed callback, which libmicrohttpd
/// calls for every request the access handler saw, also when the client disconnects mid-upload or the daemon
/// stops. All calls for one connection happen on the worker thread that owns it, one at a time.
final class PendingRequest {
    /// Live instances, so tests can check that every one is released.
    static let live = Atomic<Int>(0)

    /// The admitted head; nil when the request is to get ``refusal``.
    let head: HTTPRequestHead?

    /// The answer decided from the head, sent at the final call instead of calling the handler.
    let refusal: HTTPResponse?

    /// The most body bytes this request may send: the smaller of the handler's and the server's limit.
    let limit: Int

    /// The response of a long-running handler (``HTTPHandler/runsLong(_:)``), once its connection was suspended.
    var deferred: DeferredResponse?

    /// When the head was complete (`CLOCK_MONOTONIC` nanoseconds): the body's deadline counts from here.
    var bodyStart: UInt64 = 0

    /// The body received so far, at most ``limit``.
    private(set) var body: [UInt8] = []

    /// Bytes thrown away once the body went over the limit (all of it, from then on); non-zero means the
    /// answer is 413.
    private(set) var discarded = 0

    /// A request whose body is to be read.
    ///
    /// - Parameter expectedLength: `Content-Length` when announced (already checked against the limit). At most
    ///   1 MiB is reserved up front, so a client that announces a large body and sends nothing ties up little
    ///   memory; beyond that the buffer grows as bytes arrive.
    init(head: HTTPRequestHead, limit: Int, expectedLength: Int?) {
        self.head = head
        self.refusal = nil
        self.limit = limit
        if let expectedLength, expectedLength > 0 {
            body.reserveCapacity(min(expectedLength, 1 << 20))
        }
        Self.live.add(1, ordering: .relaxed)
    }

    /// A request without a body that is answered with `refusal` at its final call.
    init(refusal: HTTPResponse) {
        self.head = nil
        self.refusal = refusal
        self.limit = 0
        Self.live.add(1, ordering: .relaxed)
    }

    deinit {
        Self.live.subtract(1, ordering: .relaxed)
    }

    /// True once more than the limit has arrived.
    var isTooLarge: Bool { discarded > 0 }

    /// Body bytes received so far, kept or discarded.
    var received: Int { body.count + discarded }

    /// Appends `chunk`, or counts it as discarded once the body would exceed ``limit``.
    ///
    /// - Returns: `false` when the body has gone on past the limit for as much again as the limit (and at least
    ///   1 MiB): the connection should then be closed rather than read to the end for the sake of a 413.
    func receive(_ chunk: UnsafeRawBufferPointer) -> Bool {
        if discarded == 0 && chunk.count <= limit - body.count {
            body.append(contentsOf: chunk)
            return true
        }
        if discarded == 0 {
            // Over the limit: the answer is 413 whatever follows, so the bytes kept so far can go now.
            discarded = body.count
            body = []
        }
        discarded += chunk.count
        return discarded - limit <= max(limit, 1 << 20)
    }
}

@available(*, unavailable)
extension PendingRequest: Sendable {}
