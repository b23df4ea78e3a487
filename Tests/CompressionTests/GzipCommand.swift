import TestSupport

/// Runs `/bin/gzip` with `arguments`, feeding `input` on standard input, and returns standard output.
/// A non-zero exit status is an error.
func runGzip(_ arguments: [String], input: [UInt8]) throws -> [UInt8] {
    let result = try ProcessRunner.runBytes("/bin/gzip", arguments, input: input, timeout: 120)
    guard result.status == 0 else { throw GzipCommandError(status: result.status) }
    return result.stdout
}

struct GzipCommandError: Error {
    var status: Int32
}
