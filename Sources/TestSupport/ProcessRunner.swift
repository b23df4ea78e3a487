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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["KECHUANG_DATA"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = inPipe
        // Drain both pipes concurrently: a child that fills one pipe's buffer would block forever.
        let outData = DataBox(), errData = DataBox()
        let group = DispatchGroup()
        for (pipe, box) in [(outPipe, outData), (errPipe, errData)] {
            group.enter()
            DispatchQueue.global().async {
                box.set(pipe.fileHandleForReading.readDataToEndOfFile())
                group.leave()
            }
        }
        try process.run()
        if let input { inPipe.fileHandleForWriting.write(Data(input)) }
        try? inPipe.fileHandleForWriting.close()
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            process.waitUntilExit()
            finished.signal()
        }
        var timedOut = false
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            // SIGKILL, not terminate(): children of the test runner may inherit a signal mask that
            // blocks SIGTERM, and a hung child must not hang the suite.
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
        }
        group.wait()
        var stderr = String(decoding: errData.get(), as: UTF8.self)
        if timedOut { stderr += "\n[killed after \(timeout) s]" }
        return ProcessResult(
            status: timedOut ? -1 : process.terminationStatus, stdout: String(decoding: outData.get(), as: UTF8.self),
            stderr: stderr)
    }
}

/// A lock-protected box the pipe readers fill.
private final class DataBox: Sendable {
    private let data = Mutex(Data())
    func set(_ value: Data) { data.withLock { $0 = value } }
    func get() -> Data { data.withLock { $0 } }
}
