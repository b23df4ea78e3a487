import Foundation

/// Runs `/bin/gzip` with `arguments`, feeding `input` on standard input, and returns standard output.
///
/// Standard output is drained on another thread while input is written, so neither pipe can fill up and
/// block the child. A non-zero exit status is an error.
func runGzip(_ arguments: [String], input: [UInt8]) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = arguments
    let inPipe = Pipe()
    let outPipe = Pipe()
    process.standardInput = inPipe
    process.standardOutput = outPipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let reader = OutputReader(outPipe.fileHandleForReading)
    reader.start()
    try inPipe.fileHandleForWriting.write(contentsOf: Data(input))
    try inPipe.fileHandleForWriting.close()
    process.waitUntilExit()
    let output = reader.finish()
    guard process.terminationStatus == 0 else {
        throw GzipCommandError(status: process.terminationStatus)
    }
    return output
}

struct GzipCommandError: Error {
    var status: Int32
}

/// Reads a pipe to its end on a background thread.
private final class OutputReader: @unchecked Sendable {
    // Written once by the reading thread before `done` is signalled, read after waiting on it.
    private var data = Data()
    private let handle: FileHandle
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) { self.handle = handle }

    func start() {
        Thread.detachNewThread {
            self.data = self.handle.readDataToEndOfFile()
            self.done.signal()
        }
    }

    func finish() -> [UInt8] {
        done.wait()
        return [UInt8](data)
    }
}
