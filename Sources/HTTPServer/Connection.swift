internal import CMicroHTTPD
internal import CShims

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A libmicrohttpd connection, during a call of the access handler.
///
/// libmicrohttpd owns and frees connections, so this is a plain view of the pointer, valid only within the
/// callback that received it. The values it reads (`MHD_get_connection_values_n`) stay valid for the whole
/// request; they are copied into Swift strings at once.
///
/// Related libmicrohttpd documentation:
/// <https://www.gnu.org/software/libmicrohttpd/manual/html_node/microhttpd_002drequests.html>,
/// <https://www.gnu.org/software/libmicrohttpd/manual/html_node/microhttpd_002dinfo-conn.html>
struct Connection {
    /// The `struct MHD_Connection *` libmicrohttpd passed to the callback.
    let pointer: OpaquePointer

    /// The value of request header `name`, matched case-insensitively (`MHD_lookup_connection_value`); the
    /// first one when the header repeats.
    func header(_ name: String) -> String? {
        MHD_lookup_connection_value(pointer, .HEADER_KIND, name).map { String(cString: $0) }
    }

    /// The request headers (`MHD_HEADER_KIND`), keyed by lowercased name, repeated headers joined with ", ".
    func headers() -> [String: String] {
        var headers: [String: String] = [:]
        withUnsafeMutablePointer(to: &headers) { headers in
            // The iterator is a C function pointer and cannot capture; the dictionary travels through `cls`.
            _ = MHD_get_connection_values_n(
                pointer, .HEADER_KIND,
                { cls, _, key, keySize, value, valueSize in
                    guard let cls, let key else { return .YES }
                    let headers = cls.assumingMemoryBound(to: [String: String].self)
                    let name = ASCII.lowercased(bytes: UnsafeRawBufferPointer(start: key, count: keySize))
                    let value = Connection.string(value, valueSize)
                    if let existing = headers.pointee[name] {
                        headers.pointee[name] = existing + ", " + value
                    } else {
                        headers.pointee[name] = value
                    }
                    return .YES
                }, headers)
        }
        return headers
    }

    /// The query arguments (`MHD_GET_ARGUMENT_KIND`) as received, still percent-encoded, in order.
    ///
    /// libmicrohttpd splits the query at `&` and `=` and turns `+` into a space; the server's no-op unescape
    /// callback leaves the `%HH` escapes for ``decodeQuery(_:)`` to check.
    ///
    /// - Returns: the arguments, and whether every byte of them was UTF-8 (a raw byte that is not,
    ///   sent without percent-encoding, is replaced here; the caller refuses such a request).
    func rawQueryArguments() -> (arguments: [(String, String)], validUTF8: Bool) {
        var raw: (arguments: [(String, String)], validUTF8: Bool) = ([], true)
        withUnsafeMutablePointer(to: &raw) { raw in
            _ = MHD_get_connection_values_n(
                pointer, .GET_ARGUMENT_KIND,
                { cls, _, key, keySize, value, valueSize in
                    guard let cls, let key else { return .YES }
                    let raw = cls.assumingMemoryBound(to: (arguments: [(String, String)], validUTF8: Bool).self)
                    let name = Connection.validString(key, keySize), text = Connection.validString(value, valueSize)
                    if name == nil || text == nil { raw.pointee.validUTF8 = false }
                    raw.pointee.arguments.append((name ?? Connection.string(key, keySize), text ?? Connection.string(value, valueSize)))
                    return .YES
                }, raw)
        }
        return raw
    }

    /// The query arguments percent-decoded; the first value of a repeated name wins.
    ///
    /// - Returns: `nil` when a name or value is not validly percent-encoded UTF-8.
    static func decodeQuery(_ raw: [(String, String)]) -> [String: String]? {
        var query: [String: String] = [:]
        for (rawName, rawValue) in raw {
            guard let name = PercentDecoding.decode(rawName), let value = PercentDecoding.decode(rawValue) else {
                return nil
            }
            if query[name] == nil {
                query[name] = value
            }
        }
        return query
    }

    /// The size of the request head in bytes: request line, header lines and the blank line
    /// (`MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE`); 0 before the head has arrived.
    var headSize: Int {
        kc_shims_mhd_request_header_size(pointer)
    }

    /// The connection's entry in the server's ``ConnectionWatch``, which the notify-connection callback stored in
    /// the socket context (`MHD_CONNECTION_INFO_SOCKET_CONTEXT`); nil if it has none.
    var watchEntry: ConnectionWatch.Entry? {
        guard let context = kc_shims_mhd_socket_context(pointer) else {
            return nil
        }
        return Unmanaged<ConnectionWatch.Entry>.fromOpaque(context).takeUnretainedValue()
    }

    /// The client's IP address (`MHD_CONNECTION_INFO_CLIENT_ADDRESS`) as text, or `""` when unknown.
    var clientAddress: String {
        guard let address = kc_shims_mhd_client_address(pointer) else {
            return ""
        }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(INET6_ADDRSTRLEN)) { buffer in
            let text: UnsafePointer<CChar>?
            switch Int32(address.pointee.sa_family) {
            case AF_INET:
                text = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { inet4 in
                    withUnsafePointer(to: inet4.pointee.sin_addr) {
                        inet_ntop(AF_INET, $0, buffer.baseAddress, socklen_t(buffer.count))
                    }
                }
            case AF_INET6:
                text = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { inet6 in
                    withUnsafePointer(to: inet6.pointee.sin6_addr) {
                        inet_ntop(AF_INET6, $0, buffer.baseAddress, socklen_t(buffer.count))
                    }
                }
            default:
                text = nil
            }
            return text.map { String(cString: $0) } ?? ""
        }
    }

    /// Queues `response` (`MHD_queue_response`), or a 500 when the response cannot be sent as it is.
    ///
    /// The checks here are what keeps a handler's mistake off the wire: a status outside 200–599, a header
    /// name that is not a token, or a value with a control character (CR or LF would split the response).
    /// `Content-Length`, `Transfer-Encoding` and `Connection: keep-alive` from the handler are dropped:
    /// libmicrohttpd frames the body and manages keep-alive (`Connection: close` is passed on). Every response
    /// carries `X-Content-Type-Options: nosniff`, so a browser never reads an error or a JSON body as HTML.
    ///
    /// - Parameter closing: Adds `Connection: close`, so libmicrohttpd closes the connection after sending.
    /// - Returns: `MHD_YES` when queued; `MHD_NO` makes libmicrohttpd close the connection.
    func queue(_ response: HTTPResponse, closing: Bool) -> MHD_Result {
        if let queued = queueChecked(response, closing: closing) {
            return queued
        }
        let fallback = HTTPResponse.error(status: 500, message: "The handler produced a response that cannot be sent.")
        return queueChecked(fallback, closing: closing) ?? .NO
    }

    /// Queues `response` if it passes the checks; `nil` when it does not (nothing has been sent then).
    private func queueChecked(_ response: HTTPResponse, closing: Bool) -> MHD_Result? {
        guard (200...599).contains(response.status), let mhdResponse = Response(body: response.body) else {
            return nil
        }
        for (name, value) in response.headers {
            guard ASCII.isToken(name), ASCII.isFieldValue(value) else {
                return nil
            }
            if ASCII.equalsIgnoringCase(name, "Content-Length") || ASCII.equalsIgnoringCase(name, "Transfer-Encoding")
                || (ASCII.equalsIgnoringCase(name, "Connection") && ASCII.equalsIgnoringCase(value, "keep-alive"))
            {
                // Framing and keep-alive are libmicrohttpd's; it refuses these headers from the application.
                continue
            }
            guard mhdResponse.addHeader(name, value) else {
                return nil
            }
        }
        if closing && !mhdResponse.addHeader("Connection", "close") {
            return nil
        }
        if response.header("X-Content-Type-Options") == nil && !mhdResponse.addHeader("X-Content-Type-Options", "nosniff") {
            return nil
        }
        return MHD_queue_response(pointer, UInt32(response.status), mhdResponse.pointer)
    }

    /// The `size` bytes at `pointer` as a string if they are UTF-8, else nil; `""` for NULL.
    private static func validString(_ pointer: UnsafePointer<CChar>?, _ size: Int) -> String? {
        guard let pointer else { return "" }
        return String(validating: UnsafeRawBufferPointer(start: pointer, count: size), as: UTF8.self)
    }

    /// The `size` bytes at `pointer` decoded as UTF-8 (invalid sequences become U+FFFD); `""` for NULL.
    private static func string(_ pointer: UnsafePointer<CChar>?, _ size: Int) -> String {
        guard let pointer else {
            return ""
        }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: size), as: UTF8.self)
    }
}
