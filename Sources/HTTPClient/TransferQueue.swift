internal import CCurl
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What an ``HTTPClient`` and its transfer thread share: requests on their way in, cancelled
/// batches, the shutdown flag, and the thread itself.
///
/// Callers never touch the multi handle. They append to the queue under the lock and call
/// `curl_multi_wakeup`, the one multi function libcurl allows from any thread, so the transfer thread's
/// `curl_multi_poll` returns and drains the queue. The thread is started on the first submission, so
/// a client used only through ``HTTPClient/executeBlocking(_:)`` never starts one.
///
/// States: *idle* (no thread) → *running* (thread started, `multi` set) → *shut down* (`isShutdown`;
/// the thread clears `multi` when it takes the flag, then frees the multi handle and exits). *idle*
/// may also go straight to *shut down*.
final class TransferQueue: Sendable {
    struct State {
        var submitted: [Submission] = []
        var cancelled: [Batch] = []
        var isShutdown = false
        /// The running thread's `CURLM *`, only for `curl_multi_wakeup`; `nil` before the thread
        /// starts and once it has taken the shutdown flag, after which the handle may be freed.
        var multi: UnsafeMutableRawPointer?
        var thread: pthread_t?
    }

    let state = Mutex(State())
    let maxConcurrent: Int

    init(maxConcurrent: Int) {
        self.maxConcurrent = maxConcurrent
    }

    /// Queues every request of `batch` for the transfer thread, starting the thread if needed.
    ///
    /// After shutdown, or when the thread cannot be started, the batch fails at once instead.
    func submit(_ batch: Batch) {
        let refusal: HTTPClientError? = state.withLock { state in
            if state.isShutdown {
                return HTTPClientError(.cancelled, message: "the HTTP client was shut down")
            }
            if state.thread == nil {
                do throws(HTTPClientError) {
                    let multi = try MultiHandle(maxHostConnections: 4, maxCachedConnections: maxConcurrent)
                    let pointer = multi.pointer
                    let loop = TransferLoop(queue: self, multi: multi, maxConcurrent: maxConcurrent)
                    guard let thread = startThread(running: loop) else {
                        return HTTPClientError(.other, message: "cannot start the HTTP client's transfer thread")
                    }
                    state.thread = thread
                    state.multi = pointer
                } catch {
                    return error
                }
            }
            state.submitted.append(contentsOf: batch.requests.indices.map { Submission(batch: batch, index: $0) })
            if let multi = state.multi {
                curl_multi_wakeup(multi)
            }
            return nil
        }
        if let refusal {
            batch.completeAll(with: refusal)
        }
    }

    /// Cancels `batch`: requests not yet started fail when the thread reaches them, and running ones
    /// are removed from the multi handle at its next wake-up.
    func cancel(_ batch: Batch) {
        batch.cancel()
        state.withLock { state in
            guard let multi = state.multi else { return }
            state.cancelled.append(batch)
            curl_multi_wakeup(multi)
        }
    }

    /// Sets the shutdown flag and wakes the thread; returns the thread for the first caller to join.
    func beginShutdown() -> pthread_t? {
        state.withLock { state in
            guard !state.isShutdown else { return nil }
            state.isShutdown = true
            if let multi = state.multi {
                curl_multi_wakeup(multi)
            }
            defer { state.thread = nil }
            return state.thread
        }
    }

    /// Whether ``beginShutdown()`` has run.
    var isShutdown: Bool {
        state.withLock { $0.isShutdown }
    }
}

/// Starts a thread that runs `loop` and then releases it; `nil` when `pthread_create` fails.
///
/// A dedicated thread, not a task: `curl_multi_poll` blocks, which must never happen on the
/// cooperative pool of Swift concurrency.
private func startThread(running loop: TransferLoop) -> pthread_t? {
    let context = Unmanaged.passRetained(loop).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(
        &thread, nil,
        { context in
            let loop = Unmanaged<TransferLoop>.fromOpaque(context!).takeRetainedValue()
            loop.run()
            return nil
        }, context)
    guard result == 0 else {
        Unmanaged<TransferLoop>.fromOpaque(context).release()
        return nil
    }
    return thread
}
