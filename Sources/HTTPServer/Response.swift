internal import CMicroHTTPD

/// Owns one `struct MHD_Response` and destroys it in `deinit`.
///
/// libmicrohttpd reference-counts responses: `MHD_queue_response` takes its own reference, so the owner can
/// destroy its reference right after queueing and the response lives until it has been sent.
///
/// Related libmicrohttpd documentation: <https://www.gnu.org/software/libmicrohttpd/manual/html_node/microhttpd_002dresponse-create.html>
final class Response {
    /// The owned `struct MHD_Response *`; valid for the lifetime of `self`.
    let pointer: OpaquePointer

    /// A response whose body is a copy of `body` (`MHD_RESPMEM_MUST_COPY`), or `nil` when libmicrohttpd cannot
    /// allocate it.
    init?(body: [UInt8]) {
        let created = body.withUnsafeBytes { bytes in
            // MUST_COPY: libmicrohttpd copies before returning, so the array may go away; it never writes through
            // the pointer, which is declared non-const only for the MUST_FREE mode.
            MHD_create_response_from_buffer(
                bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress),
                .RESPMEM_MUST_COPY)
        }
        guard let created else {
            return nil
        }
        pointer = created
    }

    deinit {
        MHD_destroy_response(pointer)
    }

    /// Adds a header line (`MHD_add_response_header`), which libmicrohttpd copies.
    ///
    /// - Returns: `false` when libmicrohttpd refuses the header (it rejects CR and LF itself, and an
    ///   application-set `Content-Length`) or runs out of memory.
    func addHeader(_ name: String, _ value: String) -> Bool {
        MHD_add_response_header(pointer, name, value) == .YES
    }
}

@available(*, unavailable)
extension Response: Sendable {}
