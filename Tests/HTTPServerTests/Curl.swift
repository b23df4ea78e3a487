import Foundation

/// Runs `/usr/bin/curl` with `arguments` and returns its standard output; a non-zero exit is an error.
func curl(_ arguments: [String]) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["--silent", "--show-error", "--max-time", "20"] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    // The outputs here are small or go to files, so reading after exit cannot deadlock on a full pipe.
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw CurlFailure(status: process.terminationStatus)
    }
    return [UInt8](data)
}

struct CurlFailure: Error {
    var status: Int32
}
