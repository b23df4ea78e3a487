import Dispatch
import Glibc
import Synchronization

/// SIGINT and SIGTERM as an async stream, for a graceful stop of a server.
///
/// The default action of both signals (terminating the process at once) is turned off while the
/// stream exists; Dispatch signal sources deliver them instead.
public enum TerminationSignals {
    /// Keeps the signal sources alive until the stream ends.
    private final class Sources: Sendable {
        let sources = Mutex<[any DispatchSourceSignal]>([])

        func cancel() {
            sources.withLock { list in
                for source in list { source.cancel() }
                list.removeAll()
            }
        }
    }

    /// A stream that yields SIGINT or SIGTERM each time one arrives.
    public static func stream() -> AsyncStream<Int32> {
        AsyncStream { continuation in
            let holder = Sources()
            holder.sources.withLock { list in
                for number in [SIGINT, SIGTERM] {
                    signal(number, SIG_IGN)
                    let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                    source.setEventHandler { continuation.yield(number) }
                    source.resume()
                    list.append(source)
                }
            }
            continuation.onTermination = { _ in holder.cancel() }
        }
    }
}
