import CShims
import Foundation
import Synchronization

/// A program the tests start, with posix_spawn and threads of their own.
///
/// Not Foundation's `Process`: on Linux it watches children through a CFRunLoop socket and
/// libdispatch sources, and with many children started and ended concurrently (the suites run in
/// parallel) it crashed the test runner (SIGSEGV in `_dispatch_event_loop_drain` beside
/// `CFSocketInvalidate` in `Process.run`). Here each child has one thread blocked in `waitpid`
/// and one per output pipe blocked in `read`; nothing else is shared.
final class ChildProcess: Sendable {
    let pid: pid_t
    private let exit = ExitState()

    /// What the waiting thread shares with the others.
    private final class ExitState: Sendable {
        let status = Mutex<Int32?>(nil)
        let exited = DispatchSemaphore(value: 0)
    }

    /// Starts `executable`. The child's standard input, output and error are `input`, `output`
    /// and `error` (descriptors the caller closes after this returns).
    init(
        _ executable: String, _ arguments: [String], environment: [String: String], directory: String?,
        input: Int32, output: Int32, error: Int32
    ) throws {
        var env = ProcessInfo.processInfo.environment
        env["KECHUANG_DATA"] = nil
        for (key, value) in environment { env[key] = value }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var failure: Int32 = 0
        let pid = argv.withUnsafeBufferPointer { argvBuffer in
            envp.withUnsafeBufferPointer { envpBuffer in
                kc_shims_spawn(executable, argvBuffer.baseAddress, envpBuffer.baseAddress, directory, input, output, error, &failure)
            }
        }
        guard pid > 0 else {
            throw BackgroundProcessError(message: "cannot start \(executable): \(String(cString: strerror(failure)))")
        }
        self.pid = pid
        let exit = self.exit
        Thread.detachNewThread {
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
            // The exit code, or the number of the signal that ended it (as Process reports it).
            let code = raw & 0x7f == 0 ? (raw >> 8) & 0xff : raw & 0x7f
            exit.status.withLock { $0 = code }
            exit.exited.signal()
        }
    }

    /// The exit status once the child has ended (exit code, or the signal that killed it).
    var exitStatus: Int32? { exit.status.withLock { $0 } }

    var isRunning: Bool { exitStatus == nil }

    /// Waits for the child to end; the status, or nil after `timeout` seconds.
    func wait(timeout: Double) -> Int32? {
        if let code = exitStatus { return code }
        guard exit.exited.wait(timeout: .now() + timeout) == .success else { return nil }
        exit.exited.signal()
        return exitStatus
    }

    /// Sends `signal` unless the child has been reaped (its pid may then belong to another).
    func send(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// A pipe; `read` is the parent's end (a child never inherits it: spawning closes every
    /// descriptor above 2).
    static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else {
            throw BackgroundProcessError(message: "pipe: \(String(cString: strerror(errno)))")
        }
        return (fds[0], fds[1])
    }

    /// Reads `fd` to its end on a thread of its own, calling `chunk` with each piece and `done`
    /// at the end; closes `fd`.
    static func drain(_ fd: Int32, chunk: @escaping @Sendable ([UInt8]) -> Void, done: @escaping @Sendable () -> Void) {
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    chunk(Array(buffer[..<count]))
                } else if count == 0 || errno != EINTR {
                    break
                }
            }
            close(fd)
            done()
        }
    }

    /// Writes `bytes` to `fd` on a thread of its own (the child may fill its output before it
    /// reads all its input), then closes `fd`; `done` is signalled at the end.
    static func feed(_ fd: Int32, _ bytes: [UInt8], done: DispatchSemaphore) {
        // A child that exits without reading must not kill the test runner with SIGPIPE.
        _ = ignoreBrokenPipes
        Thread.detachNewThread {
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            close(fd)
            done.signal()
        }
    }
}
