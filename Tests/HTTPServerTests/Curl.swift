import TestSupport

/// Runs `/usr/bin/curl` with `arguments` and returns its standard output; a non-zero exit is an error.
func curl(_ arguments: [String]) throws -> [UInt8] {
    let result = try ProcessRunner.runBytes(
        "/usr/bin/curl", ["--silent", "--show-error", "--max-time", "20"] + arguments, timeout: 60)
    guard result.status == 0 else { throw CurlFailure(status: result.status) }
    return result.stdout
}

struct CurlFailure: Error {
    var status: Int32
}
