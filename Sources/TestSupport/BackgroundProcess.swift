import Foundation
import Synchronization

/// A program running in the background for the length of a test (a server), whose output the
/// test reads as it comes, and which is killed if the test forgets it.
public final class BackgroundProcess: Sendable {
    private let process: Process
    private let state = State()

    /// What the callbacks share with the test's thread.
    private final class State: Sendable {
        let output = Mutex(Data())
        let arrived = DispatchSemaphore(value: 0)
        let exited = DispatchSemaphore(value: 0)
        let drained = DispatchSemaphore(value: 0)
    }

    /// Starts `executable` with `arguments`; standard output and error are collected together.
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["KECHUANG_DATA"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        self.process = process
        let state = self.state
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if chunk.isEmpty {
                handle.readabilityHandler = nil
                state.drained.signal()
            } else {
                state.output.withLock { $0.append(chunk) }
            }
            state.arrived.signal()
        }
        process.terminationHandler = { _ in
            state.exited.signal()
            state.arrived.signal()
        }
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
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
            if !process.isRunning {
                throw BackgroundProcessError(message: "exited (\(process.terminationStatus)) before printing \(marker): \(text)")
            }
            if state.arrived.wait(timeout: deadline) == .timedOut {
                throw BackgroundProcessError(message: "no \(marker) within \(timeout) s: \(text)")
            }
        }
    }

    /// Sends `signal` to the program.
    public func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the program to exit, and for everything it printed to be read, and returns its
    /// status, or nil after `timeout` seconds.
    public func waitForExit(timeout: Double = 30) -> Int32? {
        let deadline = DispatchTime.now() + timeout
        if process.isRunning {
            guard state.exited.wait(timeout: deadline) == .success else { return nil }
            state.exited.signal()
        }
        if state.drained.wait(timeout: deadline) == .success { state.drained.signal() }
        return process.terminationStatus
    }

    public var isRunning: Bool { process.isRunning }
}

public struct BackgroundProcessError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
