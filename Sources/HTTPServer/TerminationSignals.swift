import CShims
import Dispatch
import Glibc
import Synchronization

/// SIGINT and SIGTERM as an async stream, for a graceful stop of a server.
///
/// A handler installed with sigaction before `stream()` returns writes each signal's number to a
/// pipe, and a Dispatch read source turns the bytes into the stream's elements, so a signal is
/// never lost, however soon after the call it comes. (Dispatch signal sources alone register
/// asynchronously: a signal sent in the first moments after start-up could be dropped.) Once
/// `stream()` has been called, the two signals no longer end the process at once; when the
/// stream ends, later ones are caught and dropped.
public enum TerminationSignals {
    /// Reads the pipe into the stream until the stream ends.
    private final class Reader: Sendable {
        private let source = Mutex<(any DispatchSourceRead)?>(nil)

        init(fd: Int32, continuation: AsyncStream<Int32>.Continuation) {
            source.withLock { slot in
                let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: .global())
                source.setEventHandler {
                    var bytes = [UInt8](repeating: 0, count: 64)
                    while true {
                        let count = read(fd, &bytes, bytes.count)
                        guard count > 0 else { break }
                        for byte in bytes.prefix(count) { continuation.yield(Int32(byte)) }
                    }
                }
                source.resume()
                slot = source
            }
        }

        func cancel() {
            source.withLock { slot in
                slot?.cancel()
                slot = nil
            }
        }
    }

    /// A stream that yields SIGINT or SIGTERM each time one arrives. Use one at a time.
    ///
    /// - Throws: `HTTPServerError.signalSetupFailed` when the pipe or the handlers cannot be made.
    public static func stream() throws(HTTPServerError) -> AsyncStream<Int32> {
        let fd = kc_shims_termination_pipe()
        guard fd >= 0 else { throw .signalSetupFailed(errno: errno) }
        return AsyncStream { continuation in
            let reader = Reader(fd: fd, continuation: continuation)
            continuation.onTermination = { _ in reader.cancel() }
        }
    }
}
