import Dispatch

/// The serial executor of a `CatalogStore`: a dispatch queue of its own.
///
/// With its own queue, the store's one writer never waits for a thread of Swift's cooperative
/// pool, and a thread that is not part of it (libmicrohttpd's, running a write of the admin API)
/// can enter the actor synchronously (`CatalogStore.synchronously`). `checkIsolated` lets
/// `assumeIsolated` confirm that code runs on the queue.
///
/// The executor protocol hands out unowned references (`UnownedJob`, `UnownedSerialExecutor`),
/// which strict memory safety flags; they are marked `unsafe` here, the one place the store needs
/// them. The job runs exactly once, on the queue, while the store (which owns this executor) lives.
final class StoreExecutor: SerialExecutor {
    let queue: DispatchQueue

    init(label: String) { queue = DispatchQueue(label: label) }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = unsafe asUnownedSerialExecutor()
        queue.async { unsafe job.runSynchronously(on: executor) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor { unsafe UnownedSerialExecutor(ordinary: self) }

    func checkIsolated() { dispatchPrecondition(condition: .onQueue(queue)) }
}
