internal import CMicroHTTPD
internal import CShims
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// The C callbacks libmicrohttpd calls, and the request state machine behind them.
//
// Threads: every callback here runs on a libmicrohttpd worker thread. A connection belongs to the worker that
// accepted it, so the calls for one request (and its `*con_cls`) are never concurrent; calls for different
// connections are. Nothing here blocks except the handler itself, and nothing uses Swift concurrency: the
// handler is synchronous, and its response is queued before the callback returns.
//
// Related libmicrohttpd documentation:
// <https://www.gnu.org/software/libmicrohttpd/manual/html_node/microhttpd_002dcb.html>

/// `MHD_AccessHandlerCallback`. `cls` is the ``ServerContext`` (unretained: the ``Daemon`` keeps it alive).
///
/// libmicrohttpd calls it several times per request:
/// 1. once the headers have arrived, with `*con_cls == NULL` and `*upload_data_size == 0`;
/// 2. for a request with a body, once per chunk received, with the chunk in `upload_data`;
/// 3. once more with `*upload_data_size == 0` when the request is complete (also when it has no body).
/// A response may be queued in call 1 or 3, never in 2. One queued in call 1 is sent without reading the body
/// (and without `100 Continue`), and libmicrohttpd closes the connection after it (libmicrohttpd 0.9.75 sets
/// `discard_request` for every early response, so it ends keep-alive even for a request without a body).
/// Once a response is queued, no more calls come.
let accessHandlerCallback: MHD_AccessHandlerCallback = {
    cls, connection, url, method, _, uploadData, uploadDataSize, requestContext in
    guard let cls, let connection, let url, let method, let uploadDataSize, let requestContext else {
        return .NO
    }
    let context = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
    return RequestCycle(context: context, connection: Connection(pointer: connection), url: url, method: method)
        .advance(uploadData: uploadData, uploadDataSize: uploadDataSize, requestContext: requestContext)
}

/// `MHD_RequestCompletedCallback`, called once for every request the access handler saw, after its response
/// was sent or when it ended otherwise (client gone, timeout, daemon stopping). Releases the request's
/// ``PendingRequest``, if any, starts the connection's deadline for its next head, and counts the request out.
let requestCompletedCallback: MHD_RequestCompletedCallback = { cls, connection, requestContext, _ in
    guard let cls else {
        return
    }
    if let requestContext, let state = requestContext.pointee {
        Unmanaged<PendingRequest>.fromOpaque(state).release()
        requestContext.pointee = nil
    }
    let context = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
    if let connection, let entry = Connection(pointer: connection).watchEntry {
        context.watch.requestCompleted(entry)
    }
    context.requestsInFlight.subtract(1, ordering: .releasing)
}

/// `MHD_NotifyConnectionCallback`: registers each connection with the ``ConnectionWatch`` when it starts (the
/// entry is retained into `*socket_context`) and unregisters and releases it once the connection has closed,
/// which libmicrohttpd reports before it closes the socket.
let notifyConnectionCallback: MHD_NotifyConnectionCallback = { cls, connection, socketContext, code in
    guard let cls, let connection, let socketContext else {
        return
    }
    let context = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
    switch code {
    case .CONNECTION_NOTIFY_STARTED:
        let entry = context.watch.opened(fd: kc_shims_mhd_connection_fd(connection))
        socketContext.pointee = Unmanaged.passRetained(entry).toOpaque()
    case .CONNECTION_NOTIFY_CLOSED:
        guard let pointer = socketContext.pointee else {
            return
        }
        let entry = Unmanaged<ConnectionWatch.Entry>.fromOpaque(pointer)
        context.watch.closed(entry.takeUnretainedValue())
        entry.release()
        socketContext.pointee = nil
    default:
        return
    }
}

/// `MHD_OPTION_UNESCAPE_CALLBACK` that leaves the text as it is (the result's length is its own length).
///
/// By default libmicrohttpd decodes `%HH` in the URL and query arguments in place; the server needs the raw
/// path too, and decodes strictly itself (``PercentDecoding``).
let keepEscapesCallback: kc_shims_mhd_unescape_callback = { _, _, text in
    guard let text else {
        return 0
    }
    return strlen(text)
}

/// One access-handler call: what to do with the request at its current step.
struct RequestCycle {
    let context: ServerContext
    let connection: Connection
    let url: UnsafePointer<CChar>
    let method: UnsafePointer<CChar>

    /// What the first call decided from the head.
    enum Decision {
        /// Answer at once, without reading the body; libmicrohttpd closes the connection afterwards.
        case answerNow(HTTPResponse)
        /// Answer at the final call, which follows at once for a request without a body (keeping keep-alive).
        case answerLater(HTTPResponse)
        /// Read the body, up to `limit` bytes, then call the handler.
        case read(HTTPRequestHead, limit: Int, expectedLength: Int?)
    }

    /// Moves the request one step: start it, take a chunk of body, or answer it.
    func advance(
        uploadData: UnsafePointer<CChar>?, uploadDataSize: UnsafeMutablePointer<Int>,
        requestContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    ) -> MHD_Result {
        guard let state = requestContext.pointee else {
            return start(requestContext: requestContext)
        }
        let pending = Unmanaged<PendingRequest>.fromOpaque(state).takeUnretainedValue()
        let size = uploadDataSize.pointee
        if size > 0 {
            // Everything offered is consumed (kept or discarded): leaving bytes unconsumed makes libmicrohttpd
            // call again at once with the same bytes.
            uploadDataSize.pointee = 0
            let chunk = UnsafeRawBufferPointer(start: uploadData, count: size)
            let keepReading = pending.receive(chunk)
            if let entry = connection.watchEntry {
                context.watch.bodyProgress(entry, since: pending.bodyStart, received: pending.received)
            }
            return keepReading ? .YES : .NO
        }
        if let entry = connection.watchEntry {
            context.watch.bodyReceived(entry)
        }
        if let refusal = pending.refusal {
            return connection.queue(refusal, closing: isStopping)
        }
        guard let head = pending.head, !pending.isTooLarge else {
            return connection.queue(tooLarge(limit: pending.limit), closing: true)
        }
        if let deferred = pending.deferred {
            // The call after `MHD_resume_connection`: the long-running handler's response is in.
            let response = deferred.take() ?? .error(status: 500, message: "The request resumed without a response.")
            return connection.queue(response, closing: isStopping)
        }
        if context.handler.runsLong(head) {
            return handleOnOwnThread(HTTPRequest(head: head, body: pending.body), pending)
        }
        let response = context.handler.handle(HTTPRequest(head: head, body: pending.body))
        // Read after the handler: a stop that began while it ran must still close this connection.
        return connection.queue(response, closing: isStopping)
    }

    /// Suspends the connection and runs the handler on a thread of its own; once it returns, its response is
    /// kept in `pending` and the connection resumed, and libmicrohttpd calls the access handler again, which
    /// queues it. Falls back to the worker thread when no thread can be started.
    private func handleOnOwnThread(_ request: HTTPRequest, _ pending: PendingRequest) -> MHD_Result {
        let deferred = DeferredResponse()
        pending.deferred = deferred
        context.suspended.add(1, ordering: .acquiringAndReleasing)
        MHD_suspend_connection(connection.pointer)
        let job = SuspendedJob(context: context, connection: connection.pointer, request: request, deferred: deferred)
        guard job.start() else {
            MHD_resume_connection(connection.pointer)
            deferred.set(context.handler.handle(request))
            context.suspended.subtract(1, ordering: .acquiringAndReleasing)
            return .YES
        }
        return .YES
    }

    /// The first call: the head has arrived. Decides from it alone (``decide()``) whether to answer at once,
    /// answer at the final call, or read the body; in the latter two cases a ``PendingRequest`` marks the request
    /// as started and carries the decision.
    private func start(requestContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> MHD_Result {
        context.requestsInFlight.add(1, ordering: .relaxed)
        let entry = connection.watchEntry
        let pending: PendingRequest
        switch decide() {
        case .answerNow(let response):
            if let entry {
                context.watch.bodyReceived(entry)
            }
            return connection.queue(response, closing: true)
        case .answerLater(let response):
            pending = PendingRequest(refusal: response)
            if let entry {
                context.watch.headReceived(entry, readingBody: false)
            }
        case .read(let head, let limit, let expectedLength):
            pending = PendingRequest(head: head, limit: limit, expectedLength: expectedLength)
            if let entry {
                pending.bodyStart = context.watch.headReceived(entry, readingBody: head.announcesBody)
            }
        }
        requestContext.pointee = Unmanaged.passRetained(pending).toOpaque()
        return .YES
    }

    /// The server's checks of the head, then the handler's ``HTTPHandler/admit(_:)``, in this order: target and
    /// head size (414, 431), framing (400 for a `Content-Length` beside a `Transfer-Encoding` or two different
    /// `Content-Length`s, 501 for a transfer coding other than chunked), the method (400 unless a token), the
    /// percent-encoding (400), the handler's decision, and the body's size against the request's limit (413).
    ///
    /// A refusal comes at once when the request announced a body (its body is never read, and the connection is
    /// closed) or when its framing is in doubt; otherwise at the final call.
    func decide() -> Decision {
        let headers = connection.headers()
        let announcesBody = headers["transfer-encoding"] != nil || (headers["content-length"] ?? "0") != "0"
        func refuse(_ status: Int, _ message: String) -> Decision {
            let response = HTTPResponse.error(status: status, message: message)
            return announcesBody ? .answerNow(response) : .answerLater(response)
        }
        let (rawQuery, queryIsUTF8) = connection.rawQueryArguments()
        let targetBytes = strlen(url) + rawQuery.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count + 2 }
        if targetBytes > context.maxRequestTargetBytes {
            return refuse(414, "The request target is longer than \(context.maxRequestTargetBytes) bytes.")
        }
        if connection.headSize > context.maxRequestHeadBytes {
            return refuse(431, "The request head is larger than \(context.maxRequestHeadBytes) bytes.")
        }
        // Framing: a proxy in front may read these differently from libmicrohttpd (which takes the chunked coding
        // over a length, and the first of several lengths), and smuggle a second request inside the body.
        var expectedLength: Int?
        if let lengths = headers["content-length"] {
            let values = Set(lengths.split(separator: ",").map { $0.trimmingCharacters(in: " \t") })
            guard headers["transfer-encoding"] == nil else {
                return .answerNow(
                    .error(status: 400, message: "A request must not have both Content-Length and Transfer-Encoding."))
            }
            guard values.count == 1 else {
                return .answerNow(.error(status: 400, message: "The request has conflicting Content-Length values."))
            }
            // libmicrohttpd has already refused a malformed first length with 400.
            expectedLength = values.first.flatMap { Int($0) }
        }
        if let coding = headers["transfer-encoding"], !ASCII.equalsIgnoringCase(coding, "chunked") {
            return .answerNow(.error(status: 501, message: "Only the chunked transfer coding is supported."))
        }
        let methodName = String(cString: method)
        guard ASCII.isToken(methodName) else {
            return refuse(400, "The request method is not a token.")
        }
        guard let rawPath = String(validatingCString: url), let path = PercentDecoding.decode(rawPath) else {
            return refuse(400, "Malformed percent-encoding in the path.")
        }
        guard queryIsUTF8, let query = Connection.decodeQuery(rawQuery) else {
            return refuse(400, queryIsUTF8 ? "Malformed percent-encoding in the query." : "The query is not UTF-8.")
        }
        let head = HTTPRequestHead(
            method: methodName, path: path, rawPath: rawPath, query: query, headers: headers,
            clientAddress: connection.clientAddress)
        switch context.handler.admit(head) {
        case .refuse(let response):
            return announcesBody ? .answerNow(response) : .answerLater(response)
        case .accept(let maxBodyBytes):
            let limit = max(0, min(maxBodyBytes, context.maxRequestBodyBytes))
            if let expectedLength, expectedLength > limit {
                return .answerNow(tooLarge(limit: limit))
            }
            if limit == 0 && headers["transfer-encoding"] != nil {
                return .answerNow(tooLarge(limit: 0))
            }
            return .read(head, limit: limit, expectedLength: expectedLength)
        }
    }

    /// True once ``HTTPServer/stop()`` has begun.
    private var isStopping: Bool {
        context.isStopping.load(ordering: .relaxed)
    }

    private func tooLarge(limit: Int) -> HTTPResponse {
        limit == 0
            ? .error(status: 413, message: "This resource takes no request body.")
            : .error(status: 413, message: "The request body is larger than \(limit) bytes.")
    }
}

extension String {
    /// The text without leading and trailing characters from `characters`.
    fileprivate func trimmingCharacters(in characters: String) -> String {
        String(self.drop { characters.contains($0) }.reversed().drop { characters.contains($0) }.reversed())
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in characters: String) -> String {
        String(self).trimmingCharacters(in: characters)
    }
}

/// The response of a request handled on a thread of its own, handed to the worker that resumes its connection.
final class DeferredResponse: Sendable {
    private let response = Mutex<HTTPResponse?>(nil)

    func set(_ value: HTTPResponse) {
        response.withLock { $0 = value }
    }

    func take() -> HTTPResponse? {
        response.withLock { value in
            defer { value = nil }
            return value
        }
    }
}

/// A long-running request's handler call on a thread of its own, its connection suspended meanwhile.
///
/// The connection pointer stays valid while the connection is suspended: libmicrohttpd frees a connection only
/// after it has resumed and closed, and ``HTTPServer/stop()`` waits for ``ServerContext/suspended`` to drop to 0.
final class SuspendedJob: @unchecked Sendable {  // `connection` is only passed to MHD_resume_connection, thread-safe.
    let context: ServerContext
    let connection: OpaquePointer
    let request: HTTPRequest
    let deferred: DeferredResponse

    init(context: ServerContext, connection: OpaquePointer, request: HTTPRequest, deferred: DeferredResponse) {
        self.context = context
        self.connection = connection
        self.request = request
        self.deferred = deferred
    }

    /// Starts the thread (detached); false when `pthread_create` fails.
    func start() -> Bool {
        let box = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { box in
                let job = Unmanaged<SuspendedJob>.fromOpaque(box!).takeRetainedValue()
                job.run()
                return nil
            }, box)
        guard result == 0 else {
            Unmanaged<SuspendedJob>.fromOpaque(box).release()
            return false
        }
        pthread_detach(thread)
        return true
    }

    private func run() {
        deferred.set(context.handler.handle(request))
        // Related libmicrohttpd documentation: "it is safe to resume a suspended connection at any time".
        MHD_resume_connection(connection)
        context.suspended.subtract(1, ordering: .acquiringAndReleasing)
    }
}
