internal import CCurl
public import Dispatch

extension HTTPClient {
    /// Runs requests in parallel on the calling thread, on a libcurl multi handle of their own, and
    /// returns each one's result in input order once every one has finished or `deadline` has passed.
    ///
    /// For a federated query, which fans out to every peer at once and must answer within a
    /// deadline whatever the peers do: every request starts at once (no queue, unlike
    /// ``execute(_:)-([HTTPClientRequest])``, whose waiting requests start their timeouts late), and
    /// each request's own ``HTTPClientLimits/totalTimeout`` is cut to the time left before
    /// `deadline`, so libcurl itself ends a slow transfer with ``HTTPClientError/timeout``. A
    /// transfer still running at the deadline (libcurl checks its timers a little late) is removed
    /// and fails with ``HTTPClientError/timeout`` too. The multi handle is freed before the call
    /// returns: nothing of the requests outlives it.
    ///
    /// It blocks the calling thread until then, so call it from a thread that may block (a worker
    /// of the HTTP server, a command-line tool), never from the cooperative pool of Swift
    /// concurrency on a path that must stay responsive.
    /// - Parameters:
    ///   - requests: The requests; may be empty.
    ///   - deadline: When the last result must be in (`DispatchTime`, monotonic).
    /// - Returns: One result per request, in the order given, with the seconds from the call to
    ///   the moment that request's result was in.
    public func executeBlocking(
        _ requests: [HTTPClientRequest], deadline: DispatchTime
    ) -> [(result: Result<HTTPClientResponse, HTTPClientError>, seconds: Double)] {
        let started = DispatchTime.now().uptimeNanoseconds
        var results = [Result<HTTPClientResponse, HTTPClientError>?](repeating: nil, count: requests.count)
        var seconds = [Double](repeating: 0, count: requests.count)
        func finished(_ index: Int, _ result: Result<HTTPClientResponse, HTTPClientError>) {
            results[index] = result
            seconds[index] = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        }
        guard !requests.isEmpty else { return [] }
        guard !queue.isShutdown else {
            return requests.map { (.failure(HTTPClientError(.cancelled, message: "the HTTP client was shut down", request: $0)), 0) }
        }
        let multi: MultiHandle
        do throws(HTTPClientError) {
            multi = try MultiHandle(maxHostConnections: requests.count, maxCachedConnections: requests.count)
        } catch {
            return requests.map { (.failure(error.about($0)), 0) }
        }
        var running: [UnsafeMutableRawPointer: (index: Int, easy: EasyHandle, transfer: Transfer)] = [:]
        func millisecondsLeft() -> Int {
            let now = DispatchTime.now().uptimeNanoseconds
            return deadline.uptimeNanoseconds > now ? Int((deadline.uptimeNanoseconds - now) / 1_000_000) : 0
        }
        for (index, original) in requests.enumerated() {
            var request = original
            let left = Double(max(millisecondsLeft(), 1)) / 1000
            request.limits.totalTimeout = min(request.limits.totalTimeout > 0 ? request.limits.totalTimeout : left, left)
            request.limits.connectTimeout = min(request.limits.connectTimeout > 0 ? request.limits.connectTimeout : left, left)
            do throws(HTTPClientError) {
                let easy = try EasyHandle(for: request)
                let transfer = Transfer(request: request)
                try easy.configure(for: transfer)
                let added = multi.add(easy)
                guard added == CURLM_OK else {
                    throw HTTPClientError(.other, message: "curl_multi_add_handle failed: \(multiMessage(added))", request: request)
                }
                running[easy.pointer] = (index, easy, transfer)
            } catch {
                finished(index, .failure(error))
            }
        }
        var failure: HTTPClientError?
        while !running.isEmpty {
            let performed = multi.perform()
            if performed != CURLM_OK {
                failure = HTTPClientError(.other, message: "curl_multi_perform failed: \(multiMessage(performed))")
            }
            while let (pointer, code) = multi.nextFinished() {
                guard let done = running.removeValue(forKey: pointer) else { continue }
                multi.remove(done.easy)
                finished(done.index, done.easy.outcome(of: code, for: done.transfer))
            }
            let left = millisecondsLeft()
            guard performed == CURLM_OK, !running.isEmpty, left > 0 else { break }
            _ = multi.poll(timeoutMilliseconds: Int32(min(left, 1_000)))
        }
        // Past the deadline, or the multi handle failed: whatever still runs is given up.
        for done in running.values {
            multi.remove(done.easy)
            let request = done.transfer.request
            finished(
                done.index,
                .failure(failure?.about(request) ?? HTTPClientError(.timeout, message: "no complete answer before the deadline", request: request)))
        }
        return zip(results, seconds).map { ($0!, $1) }
    }
}
