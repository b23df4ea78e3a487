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
/// A response may be queued in call 1 or 3, never in 2; one queued in call 1 makes libmicrohttpd close the
/// connection after sending it. Once a response is queued, no more calls come.
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
/// ``PendingRequest``, if any, and counts the request out.
let requestCompletedCallback: MHD_RequestCompletedCallback = { cls, _, requestContext, _ in
    guard let cls else {
        return
    }
    if let requestContext, let state = requestContext.pointee {
        Unmanaged<PendingRequest>.fromOpaque(state).release()
        requestContext.pointee = nil
    }
    Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue().requestsInFlight.subtract(1, ordering: .releasing)
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
            return pending.receive(chunk, limit: context.maxRequestBodyBytes) ? .YES : .NO
        }
        if pending.isTooLarge {
            return connection.queue(tooLarge, closing: true)
        }
        return respond(body: pending.body)
    }

    /// The first call: the head has arrived. A request whose announced length is over the limit gets 413
    /// without its body being read (libmicrohttpd then closes the connection); any other gets a
    /// ``PendingRequest``, which collects the body if there is one and marks the request as started.
    ///
    /// Even a request without a body is not answered here: libmicrohttpd treats a response queued before the
    /// final call as an early answer to a request still being received, and closes the connection after
    /// it, which would end keep-alive.
    private func start(requestContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> MHD_Result {
        context.requestsInFlight.add(1, ordering: .relaxed)
        // libmicrohttpd has already refused a malformed Content-Length with 400.
        let contentLength = connection.header("Content-Length").flatMap { Int($0) }
        if let contentLength, contentLength > context.maxRequestBodyBytes {
            return connection.queue(tooLarge, closing: true)
        }
        let pending = PendingRequest(expectedLength: contentLength)
        requestContext.pointee = Unmanaged.passRetained(pending).toOpaque()
        return .YES
    }

    /// Builds the ``HTTPRequest``, calls the handler and queues its response; 400 for a malformed target.
    private func respond(body: [UInt8]) -> MHD_Result {
        guard let rawPath = String(validatingCString: url), let path = PercentDecoding.decode(rawPath) else {
            return connection.queue(
                .error(status: 400, message: "Malformed percent-encoding in the path."),
                closing: isStopping)
        }
        guard let query = connection.queryArguments() else {
            return connection.queue(
                .error(status: 400, message: "Malformed percent-encoding in the query."),
                closing: isStopping)
        }
        let request = HTTPRequest(
            method: String(cString: method), path: path, rawPath: rawPath, query: query, headers: connection.headers(),
            body: body, clientAddress: connection.clientAddress)
        let response = context.handler.handle(request)
        // Read after the handler: a stop that began while it ran must still close this connection.
        return connection.queue(response, closing: isStopping)
    }

    /// True once ``HTTPServer/stop()`` has begun.
    private var isStopping: Bool {
        context.isStopping.load(ordering: .relaxed)
    }

    private var tooLarge: HTTPResponse {
        .error(status: 413, message: "The request body is larger than \(context.maxRequestBodyBytes) bytes.")
    }
}
