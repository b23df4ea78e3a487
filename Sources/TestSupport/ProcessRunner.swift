import Foundation
import Synchronization

/// The outcome of running a program: exit status and everything it printed.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs programs for end-to-end tests, with a time limit so that a hung child fails the test
/// instead of hanging the suite.
public enum ProcessRunner {
    /// Runs `executable` with `arguments`, feeding `input` on standard input.
    ///
    /// - Parameter timeout: seconds after which the child is killed and the result reports it.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        directory: String? = nil, input: [UInt8]? = nil, timeout: Double = 300
    ) throws -> ProcessResult {
        let result = try runBytes(executable, arguments, environment: environment, directory: directory, input: input, timeout: timeout)
        var stderr = String(decoding: result.stderr, as: UTF8.self)
        if result.timedOut { stderr += "\n[killed after \(timeout) s]" }
        return ProcessResult(status: result.timedOut ? -1 : result.status, stdout: String(decoding: result.stdout, as: UTF8.self), stderr: stderr)
    }

    /// Runs `executable` as `run` does, and returns its output as bytes.
    public static func runBytes(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        directory: String? = nil, input: [UInt8]? = nil, timeout: Double = 300
    ) throws -> (status: Int32, stdout: [UInt8], stderr: [UInt8], timedOut: Bool) {
        let stdin = try ChildProcess.pipe()
        let stdout = try ChildProcess.pipe()
        let stderr = try ChildProcess.pipe()
        let child: ChildProcess
        do {
            child = try ChildProcess(executable, arguments, environment: environment, directory: directory,
                                     input: stdin.read, output: stdout.write, error: stderr.write)
        } catch {
            for fd in [stdin.read, stdin.write, stdout.read, stdout.write, stderr.read, stderr.write] { close(fd) }
            throw error
        }
        for fd in [stdin.read, stdout.write, stderr.write] { close(fd) }
        // Both pipes drained concurrently: a child that fills one pipe's buffer would block forever.
        let outData = Mutex<[UInt8]>([]), errData = Mutex<[UInt8]>([])
        let drained = DispatchSemaphore(value: 0), fed = DispatchSemaphore(value: 0)
        ChildProcess.drain(stdout.read, chunk: { piece in outData.withLock { $0 += piece } }, done: { drained.signal() })
        ChildProcess.drain(stderr.read, chunk: { piece in errData.withLock { $0 += piece } }, done: { drained.signal() })
        ChildProcess.feed(stdin.write, input ?? [], done: fed)
        var status = child.wait(timeout: timeout)
        let timedOut = status == nil
        if timedOut {
            // SIGKILL: a hung child must not hang the suite.
            child.send(SIGKILL)
            status = child.wait(timeout: 60)
        }
        // Output is complete once both pipes reach their end (a grandchild holding them open is
        // waited for no longer than the child).
        for _ in 0..<2 { _ = drained.wait(timeout: .now() + (timedOut ? 5 : timeout)) }
        _ = fed.wait(timeout: .now() + 5)
        return (status ?? -1, outData.withLock { $0 }, errData.withLock { $0 }, timedOut)
    }
}
