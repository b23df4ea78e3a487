extension HTTPClient {
    /// Runs requests in parallel and returns each one's result in input order.
    ///
    /// The requests run on the client's multi handle, on its transfer thread (`curl_multi_perform`
    /// and `curl_multi_poll`), at most `maxConcurrent` at a time. The call never throws as a whole:
    /// each element is the response, or the error, of the request at the same index.
    ///
    /// Cancelling the calling task stops the requests still waiting or running; they fail with
    /// ``HTTPClientError/cancelled``, as they do when the client is shut down.
    /// - Parameter requests: The requests; may be empty.
    /// - Returns: One result per request, in the order given.
    public func execute(_ requests: [HTTPClientRequest]) async -> [Result<HTTPClientResponse, HTTPClientError>] {
        guard !requests.isEmpty else { return [] }
        let batch = Batch(requests: requests)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                batch.attach(continuation)
                queue.submit(batch)
            }
        } onCancel: {
            queue.cancel(batch)
        }
    }

    /// Runs one request on the client's multi handle and returns its response.
    ///
    /// - Throws: ``HTTPClientError`` when the transfer does not complete; an HTTP error status is a response.
    public func execute(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
        try await execute([request])[0].get()
    }

    /// Runs one request on the calling thread, on an easy handle of its own, and returns its response.
    ///
    /// For command-line tools with no async context. It blocks the thread for up to
    /// ``HTTPClientLimits/totalTimeout``, so never call it from async code. Each call makes a new easy
    /// handle, so connections are not reused between calls; use ``execute(_:)-([HTTPClientRequest])``
    /// for many requests.
    /// - Throws: ``HTTPClientError`` when the transfer does not complete, or ``HTTPClientError/cancelled``
    ///   after ``shutdown()``.
    public func executeBlocking(_ request: HTTPClientRequest) throws(HTTPClientError) -> HTTPClientResponse {
        guard !queue.isShutdown else {
            throw HTTPClientError(.cancelled, message: "the HTTP client was shut down", request: request)
        }
        let easy = try EasyHandle(for: request)
        let transfer = Transfer(request: request)
        try easy.configure(for: transfer)
        let code = easy.perform()
        let outcome = easy.outcome(of: code, for: transfer)
        easy.reset()
        return try outcome.get()
    }
}
