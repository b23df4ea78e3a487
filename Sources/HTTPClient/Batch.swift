import Synchronization

/// The requests of one ``HTTPClient/execute(_:)-([HTTPClientRequest])`` call: gathers their results in
/// input order and resumes the waiting caller exactly once, when the last result is in.
///
/// Results arrive from the transfer thread, and from the submitting thread when the client is shut
/// down; the continuation is resumed outside the lock.
final class Batch: Sendable {
    typealias Outcome = Result<HTTPClientResponse, HTTPClientError>

    private struct State {
        var results: [Outcome?]
        var remaining: Int
        var continuation: CheckedContinuation<[Outcome], Never>?
    }

    let requests: [HTTPClientRequest]
    private let state: Mutex<State>
    private let cancelled = Atomic<Bool>(false)

    init(requests: [HTTPClientRequest]) {
        self.requests = requests
        state = Mutex(State(results: Array(repeating: nil, count: requests.count), remaining: requests.count))
    }

    /// Hands over the caller's continuation; resumed at once if every result is already in.
    func attach(_ continuation: CheckedContinuation<[Outcome], Never>) {
        let finished: [Outcome]? = state.withLock { state in
            guard state.remaining == 0 else {
                state.continuation = continuation
                return nil
            }
            return state.results.map { $0! }
        }
        if let finished {
            continuation.resume(returning: finished)
        }
    }

    /// Records the result of request `index`; the first result for an index wins.
    func complete(_ index: Int, with outcome: Outcome) {
        let resume: (CheckedContinuation<[Outcome], Never>, [Outcome])? = state.withLock { state in
            guard state.results[index] == nil else { return nil }
            state.results[index] = outcome
            state.remaining -= 1
            guard state.remaining == 0, let continuation = state.continuation else { return nil }
            state.continuation = nil
            return (continuation, state.results.map { $0! })
        }
        if let (continuation, results) = resume {
            continuation.resume(returning: results)
        }
    }

    /// Fails every request that has no result yet with `error`.
    func completeAll(with error: HTTPClientError) {
        for index in requests.indices {
            complete(index, with: .failure(error.about(requests[index])))
        }
    }

    /// Marks the batch cancelled; the transfer thread then fails its requests that have not finished.
    func cancel() {
        cancelled.store(true, ordering: .releasing)
    }

    /// Whether the caller's task was cancelled.
    var isCancelled: Bool {
        cancelled.load(ordering: .acquiring)
    }
}

/// One request of a batch, as it travels from the caller to the transfer thread.
struct Submission: Sendable {
    let batch: Batch
    let index: Int

    var request: HTTPClientRequest { batch.requests[index] }

    func complete(with outcome: Batch.Outcome) {
        batch.complete(index, with: outcome)
    }
}
