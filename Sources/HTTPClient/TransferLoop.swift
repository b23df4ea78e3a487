internal import CCurl
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The body of the transfer thread: runs every async request on one multi handle.
///
/// Each turn drains the ``TransferQueue``, starts waiting requests while fewer than `maxConcurrent`
/// run, lets libcurl read and write (`curl_multi_perform`, where the callbacks run), hands finished
/// transfers to their batches, and sleeps in `curl_multi_poll` until a socket, a libcurl timer or a
/// wake-up needs it. Everything here, the multi handle and the easy handles above all, is touched by
/// this thread only.
final class TransferLoop {
    /// A request libcurl is working on.
    private struct Running {
        let submission: Submission
        let easy: EasyHandle
        let transfer: Transfer
    }

    private let queue: TransferQueue
    private let multi: MultiHandle
    private let maxConcurrent: Int
    /// Requests not started yet, oldest first. Waiting here rather than inside libcurl means a
    /// request's timeouts start only when it does.
    private var waiting: [Submission] = []
    /// Started requests, by their easy handle's pointer, which is what `curl_multi_info_read` reports.
    private var running: [UnsafeMutableRawPointer: Running] = [:]
    /// Reset easy handles for the next requests; connections themselves are cached by the multi handle.
    private var idle: [EasyHandle] = []

    init(queue: TransferQueue, multi: MultiHandle, maxConcurrent: Int) {
        self.queue = queue
        self.multi = multi
        self.maxConcurrent = maxConcurrent
    }

    func run() {
        while true {
            let (submitted, cancelled, isShutdown) = queue.state.withLock { state in
                defer {
                    state.submitted = []
                    state.cancelled = []
                    if state.isShutdown {
                        // From here on no thread calls curl_multi_wakeup, so the handle may be freed.
                        state.multi = nil
                    }
                }
                return (state.submitted, state.cancelled, state.isShutdown)
            }
            waiting.append(contentsOf: submitted)
            if isShutdown {
                break
            }
            for batch in cancelled {
                fail(batch, HTTPClientError(.cancelled, message: "the calling task was cancelled"))
            }
            startWaiting()
            let performed = multi.perform()
            if performed != CURLM_OK {
                failRunning(HTTPClientError(.other, message: "curl_multi_perform failed: \(multiMessage(performed))"))
            }
            var finishedAny = false
            while let (easy, result) = multi.nextFinished() {
                finish(easy, result)
                finishedAny = true
            }
            if finishedAny, !waiting.isEmpty {
                continue  // Free slots: start the next requests without waiting for a socket.
            }
            // libcurl shortens the wait to its next timer (timeouts, the low-speed check).
            let polled = multi.poll(timeoutMilliseconds: running.isEmpty ? 60_000 : 1_000)
            if polled != CURLM_OK {
                failRunning(HTTPClientError(.other, message: "curl_multi_poll failed: \(multiMessage(polled))"))
                usleep(100_000)  // Back off instead of spinning on a poll that keeps failing.
            }
        }
        let shutDown = HTTPClientError(.cancelled, message: "the HTTP client was shut down")
        failRunning(shutDown)
        for submission in waiting {
            submission.complete(with: .failure(shutDown.about(submission.request)))
        }
        waiting = []
        idle = []
    }

    /// Starts waiting requests while there are free slots; a request that cannot start fails alone.
    private func startWaiting() {
        while running.count < maxConcurrent, !waiting.isEmpty {
            let submission = waiting.removeFirst()
            let request = submission.request
            if submission.batch.isCancelled {
                submission.complete(
                    with: .failure(
                        HTTPClientError(.cancelled, message: "the calling task was cancelled", request: request)))
                continue
            }
            let easy: EasyHandle
            if let reused = idle.popLast() {
                easy = reused
            } else {
                do throws(HTTPClientError) {
                    easy = try EasyHandle(for: request)
                } catch {
                    submission.complete(with: .failure(error))
                    continue
                }
            }
            let transfer = Transfer(request: request)
            do throws(HTTPClientError) {
                try easy.configure(for: transfer)
            } catch {
                easy.reset()
                idle.append(easy)
                submission.complete(with: .failure(error))
                continue
            }
            let added = multi.add(easy)
            guard added == CURLM_OK else {
                easy.reset()
                idle.append(easy)
                submission.complete(
                    with: .failure(
                        HTTPClientError(
                            .other, message: "curl_multi_add_handle failed: \(multiMessage(added))", request: request)))
                continue
            }
            running[easy.pointer] = Running(submission: submission, easy: easy, transfer: transfer)
        }
    }

    /// Hands a finished transfer's response or error to its batch and keeps its easy handle.
    private func finish(_ easy: UnsafeMutableRawPointer, _ result: CURLcode) {
        guard let done = running.removeValue(forKey: easy) else { return }
        multi.remove(done.easy)
        let outcome = done.easy.outcome(of: result, for: done.transfer)
        recycle(done.easy)
        done.submission.complete(with: outcome)
    }

    /// Fails `batch`'s requests: those waiting, and those running, which are removed from the multi handle.
    private func fail(_ batch: Batch, _ error: HTTPClientError) {
        waiting.removeAll { submission in
            guard submission.batch === batch else { return false }
            submission.complete(with: .failure(error.about(submission.request)))
            return true
        }
        for (key, transfer) in running where transfer.submission.batch === batch {
            running[key] = nil
            multi.remove(transfer.easy)
            recycle(transfer.easy)
            transfer.submission.complete(with: .failure(error.about(transfer.submission.request)))
        }
    }

    /// Fails every running request, removing each from the multi handle.
    private func failRunning(_ error: HTTPClientError) {
        for transfer in running.values {
            multi.remove(transfer.easy)
            recycle(transfer.easy)
            transfer.submission.complete(with: .failure(error.about(transfer.submission.request)))
        }
        running = [:]
    }

    /// Resets `easy`, which drops its references to the finished transfer, and keeps it if the pool has room.
    private func recycle(_ easy: EasyHandle) {
        easy.reset()
        if idle.count < maxConcurrent {
            idle.append(easy)
        }
    }
}

@available(*, unavailable)
extension TransferLoop: Sendable {}
