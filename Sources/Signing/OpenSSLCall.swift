internal import COpenSSL

// The one place where OpenSSL's return conventions become Swift errors, in the spirit of SwiftNIO's
// `syscall(blocking:where:_:)` for errno. Most libcrypto calls return 1 on success and 0 or a negative
// number on failure, and constructors return NULL; either way the reason is on OpenSSL's thread-local
// error queue. See https://www.openssl.org/docs/man3.0/man3/ERR_get_error.html

/// Checks the result of an OpenSSL call that returns 1 on success.
///
/// - Parameters:
///   - name: The C function's name, kept in the error so a report says which call failed.
///   - result: What the call returned.
/// - Throws: ``SigningError/openSSL`` with the queue's first code and text; the queue is then cleared.
func openSSLCall(_ name: String, _ result: Int32) throws(SigningError) {
    guard result == 1 else {
        throw openSSLFailure(name)
    }
}

/// Checks the result of an OpenSSL call that returns a pointer, NULL meaning failure.
///
/// - Returns: The non-NULL pointer.
/// - Throws: ``SigningError/openSSL`` with the queue's first code and text; the queue is then cleared.
func openSSLCall<Pointer>(_ name: String, _ result: Pointer?) throws(SigningError) -> Pointer {
    guard let result else {
        throw openSSLFailure(name)
    }
    return result
}

/// Checks an OpenSSL call made by a non-throwing API, where failure can only mean memory exhaustion or a
/// broken OpenSSL installation; like Swift's own allocation failures, that stops the process with
/// OpenSSL's reason.
func openSSLRequire(_ name: String, _ result: Int32) {
    do {
        try openSSLCall(name, result)
    } catch {
        fatalError("\(error)")
    }
}

/// Builds the error for a failed call `name` from OpenSSL's error queue, then clears the queue.
///
/// The queue's *first* entry (`ERR_get_error()`) is kept because it is usually the root cause; later
/// entries tend to be the callers that passed it up. Clearing the rest is required so a later, unrelated
/// failure on this thread is not reported with this one's reason.
/// https://www.openssl.org/docs/man3.0/man3/ERR_error_string_n.html
func openSSLFailure(_ name: String) -> SigningError {
    let code = ERR_get_error()
    var text: String?
    if code != 0 {
        // ERR_error_string_n always NUL-terminates within `len`; 256 is the size the man page recommends.
        text = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { buffer in
            ERR_error_string_n(code, buffer.baseAddress, buffer.count)
            return String(cString: buffer.baseAddress!)
        }
    }
    ERR_clear_error()
    return .openSSL(function: name, code: code, text: text)
}

/// Empties this thread's OpenSSL error queue after a failure that is handled without an error, such as a
/// signature that does not verify. https://www.openssl.org/docs/man3.0/man3/ERR_clear_error.html
func clearOpenSSLErrors() {
    ERR_clear_error()
}

/// Overwrites `bytes` with zeros in a way the optimiser may not remove (`OPENSSL_cleanse`), for copies of
/// secret material that this module makes. https://www.openssl.org/docs/man3.0/man3/OPENSSL_cleanse.html
func cleanse(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { buffer in
        if let base = buffer.baseAddress {
            OPENSSL_cleanse(base, buffer.count)
        }
    }
}
