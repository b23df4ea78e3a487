import Foundation
import Synchronization

/// A program running in the background for the length of a test (a server), whose output the
/// test reads as it comes, and which is killed if the test forgets it.
public final class BackgroundProcess: Sendable {
    private let child: ChildProcess
    private let state = State()

    /// What the reading thread shares with the test's thread.
    private final class State: Sendable {
        let output = Mutex<[UInt8]>([])
        let arrived = DispatchSemaphore(value: 0)
        let drained = DispatchSemaphore(value: 0)
    }

    /// Starts `executable` with `arguments`; standard output and error are collected together.
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        let output = try ChildProcess.pipe()
        let input = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer {
            close(input)
            close(output.write)
        }
        do {
            child = try ChildProcess(executable, arguments, environment: environment, directory: nil,
                                     input: input, output: output.write, error: output.write)
        } catch {
            close(output.read)
            throw error
        }
        let state = self.state
        ChildProcess.drain(output.read, chunk: { piece in
            state.output.withLock { $0 += piece }
            state.arrived.signal()
        }, done: {
            state.drained.signal()
            state.arrived.signal()
        })
    }

    deinit {
        child.send(SIGKILL)
    }

    /// Everything the program printed so far.
    public var text: String { String(decoding: state.output.withLock { $0 }, as: UTF8.self) }

    /// Waits until the output contains `marker`, and returns the line holding it.
    ///
    /// - Throws: when `timeout` seconds pass or the program exits first, with its output.
    public func waitForLine(containing marker: String, timeout: Double = 60) throws -> String {
        let deadline = DispatchTime.now() + timeout
        while true {
            // Only whole lines: the output arrives in chunks that may end inside a line.
            let complete = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            if let line = complete.first(where: { $0.contains(marker) }) { return String(line) }
            if let status = child.exitStatus, state.drained.wait(timeout: .now()) == .success {
                state.drained.signal()
                throw BackgroundProcessError(message: "exited (\(status)) before printing \(marker): \(text)")
            }
            if state.arrived.wait(timeout: deadline) == .timedOut {
                throw BackgroundProcessError(message: "no \(marker) within \(timeout) s: \(text)")
            }
        }
    }

    /// The program's process id (for reading `/proc/PID/status`).
    public var pid: Int32 { child.pid }

    /// Sends `signal` to the program.
    public func send(_ signal: Int32) { child.send(signal) }

    /// Waits for the program to exit, and for everything it printed to be read, and returns its
    /// status, or nil after `timeout` seconds.
    public func waitForExit(timeout: Double = 30) -> Int32? {
        let deadline = DispatchTime.now() + timeout
        guard let status = child.wait(timeout: timeout) else { return nil }
        if state.drained.wait(timeout: deadline) == .success { state.drained.signal() }
        return status
    }

    public var isRunning: Bool { child.isRunning }
}

public struct BackgroundProcessError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
