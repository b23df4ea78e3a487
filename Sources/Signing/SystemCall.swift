#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The errno counterpart of `openSSLCall`, for the few system calls ``KeyFile`` makes.

/// Runs a system call that returns -1 and sets `errno` on failure, retrying on `EINTR`.
///
/// - Parameters:
///   - name: The call's name, kept in the error.
///   - path: The file the call is about, kept in the error.
///   - detail: What was being done, for people.
///   - body: Makes the call.
/// - Returns: The call's non-negative result.
/// - Throws: ``SigningError/fileSystem``, or ``SigningError/fileExists`` for `EEXIST`.
func systemCall<Value: FixedWidthInteger>(
    _ name: String,
    path: String,
    _ detail: @autoclosure () -> String,
    _ body: () -> Value
) throws(SigningError) -> Value {
    while true {
        let result = body()
        if result >= 0 {
            return result
        }
        let number = errno
        if number != EINTR {
            throw .system(function: name, errno: number, path: path, detail())
        }
    }
}

/// The C library's message for `errno` value `number`.
func systemErrorMessage(_ number: Int32) -> String {
    guard let message = strerror(number) else {
        return "unknown error"
    }
    return String(cString: message)
}
