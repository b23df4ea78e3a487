#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An HTTP client on libcurl, bounded for talking to peers that may be hostile.
///
/// Async requests run in parallel on one libcurl multi handle, driven by a dedicated thread that
/// the client starts on first use and stops in ``shutdown()`` (or when the client is freed). The
/// multi handle lives as long as the client, so its keep-alive connections are reused by later
/// requests to the same host: at most 4 connections to one host, and up to `maxConcurrent`
/// idle connections cached. ``executeBlocking(_:)`` runs one request on the calling thread instead,
/// for command-line tools with no async context.
///
/// Every request is bounded by its ``HTTPClientLimits``: connect and total timeouts, a minimum
/// speed, body and header sizes, redirects and protocols. TLS certificates and host names are
/// always verified. Any HTTP status is a response; only transfers that do not complete are errors.
///
/// ```swift
/// let client = HTTPClient()
/// defer { client.shutdown() }
/// let results = await client.execute(peers.map { HTTPClientRequest(url: $0 + "/checkpoint") })
/// ```
///
/// Related libcurl documentation: <https://curl.se/libcurl/c/libcurl-multi.html>,
/// <https://curl.se/libcurl/c/threadsafe.html>
public final class HTTPClient: Sendable {
    let queue: TransferQueue

    /// Creates a client; no thread or connection is made until the first request.
    ///
    /// - Parameter maxConcurrent: How many async requests run at once; later ones wait, in order,
    ///   and their timeouts start only when they do. Must be at least 1.
    public init(maxConcurrent: Int = 16) {
        precondition(maxConcurrent >= 1, "HTTPClient needs maxConcurrent >= 1")
        CurlGlobal.initialize()
        queue = TransferQueue(maxConcurrent: maxConcurrent)
    }

    deinit {
        shutdown()
    }

    /// Stops the transfer thread; requests still waiting or running fail with ``HTTPClientError/cancelled``,
    /// and so does every later request. Idempotent.
    ///
    /// Returns once the thread has closed its connections and exited, which takes a moment at most,
    /// unless a request is still resolving a host name: libcurl then waits for its resolver thread.
    public func shutdown() {
        guard let thread = queue.beginShutdown() else { return }
        if pthread_equal(thread, pthread_self()) != 0 {
            pthread_detach(thread)
        } else {
            pthread_join(thread, nil)
        }
    }
}
