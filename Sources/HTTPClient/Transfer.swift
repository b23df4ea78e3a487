internal import CCurl
import Glibc

/// The state of one request while libcurl runs it: what it sends and what has come back so far.
///
/// libcurl's write and header callbacks receive this object through `CURLOPT_WRITEDATA` and
/// `CURLOPT_HEADERDATA` as an unretained pointer; whoever runs the transfer keeps it alive until
/// the easy handle is reset. The callbacks run on the thread that drives the transfer
/// (`curl_easy_perform` or `curl_multi_perform`), one at a time, so the state needs no lock.
final class Transfer {
    /// Which limit the transfer broke, when a callback stopped it.
    enum Exceeded {
        case body
        case headers
        /// Writing the body to the request's `bodyFile` failed (`writeError`).
        case file
    }

    let request: HTTPClientRequest
    private(set) var body: [UInt8] = []
    /// Body bytes received so far, kept in `body` or written to the body file.
    private(set) var bodyCount = 0
    /// The open body file when the request names one (``HTTPClientRequest/bodyFile``), else -1.
    private var fileDescriptor: Int32 = -1
    /// `errno` of the write to the body file that failed.
    private(set) var writeError: Int32 = 0
    private(set) var headers: [String: String] = [:]
    private(set) var exceeded: Exceeded?
    /// True between a status line and the empty line that ends its header block.
    private(set) var isReadingHeaders = false
    private var headerBytes = 0
    private var lastHeaderName: String?
    /// Set once body bytes arrive; header lines after that are trailers and are not kept.
    private var bodyStarted = false

    /// The request's header fields as libcurl's list; owned here and freed in `deinit`, because
    /// libcurl reads it (`CURLOPT_HTTPHEADER`) until the transfer ends and never copies it.
    var headerList: UnsafeMutablePointer<curl_slist>?

    init(request: HTTPClientRequest) {
        self.request = request
    }

    deinit {
        curl_slist_free_all(headerList)
        if fileDescriptor >= 0 { close(fileDescriptor) }
    }

    /// Creates or truncates the request's body file (mode 0600), if it names one.
    func openBodyFile() throws(HTTPClientError) {
        guard let path = request.bodyFile, fileDescriptor < 0 else { return }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw HTTPClientError(.other, message: "cannot open \(path) for the response body: \(String(cString: strerror(errno)))", request: request)
        }
        fileDescriptor = descriptor
        // An existing file keeps its mode through O_CREAT: make it private too.
        guard fchmod(descriptor, 0o600) == 0 else {
            throw HTTPClientError(.other, message: "cannot make \(path) private: \(String(cString: strerror(errno)))", request: request)
        }
    }

    /// Takes body bytes from the write callback; returns how many were taken.
    ///
    /// Returning less than `bytes.count` makes libcurl stop with `CURLE_WRITE_ERROR`. That is how
    /// ``HTTPClientLimits/maxBodyBytes`` is enforced for bodies that `CURLOPT_MAXFILESIZE_LARGE`
    /// cannot see coming: chunked bodies without a `Content-Length` (libcurl 7.88 checks the limit
    /// only against an announced length) and compressed bodies, which arrive here decoded.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        bodyStarted = true
        guard bytes.count <= request.limits.maxBodyBytes - bodyCount else {
            exceeded = .body
            return 0
        }
        if fileDescriptor >= 0 {
            guard let base = bytes.baseAddress else { return 0 }
            var offset = 0
            while offset < bytes.count {
                let written = write(fileDescriptor, base + offset, bytes.count - offset)
                guard written >= 0 else {
                    if errno == EINTR { continue }
                    writeError = errno
                    exceeded = .file
                    return 0
                }
                offset += written
            }
        } else {
            body.append(contentsOf: bytes)
        }
        bodyCount += bytes.count
        return bytes.count
    }

    /// Takes one complete header line (CRLF included) from the header callback; returns how many
    /// bytes were taken, less than `line.count` to stop the transfer.
    ///
    /// libcurl passes the status line and header lines of every response, redirects and `1xx`
    /// responses included, then trailers after the body. A status line starts a new response, so
    /// the fields kept are the last response's.
    /// Related libcurl documentation: <https://curl.se/libcurl/c/CURLOPT_HEADERFUNCTION.html>
    func receiveHeader(_ line: UnsafeRawBufferPointer) -> Int {
        guard line.count <= request.limits.maxHeaderBytes - headerBytes else {
            exceeded = .headers
            return 0
        }
        headerBytes += line.count
        var end = line.endIndex
        while end > line.startIndex, line[end - 1] == UInt8(ascii: "\n") || line[end - 1] == UInt8(ascii: "\r") {
            end -= 1
        }
        let text = line[line.startIndex..<end]
        if text.starts(with: "HTTP/".utf8) {
            headers = [:]
            lastHeaderName = nil
            bodyStarted = false
            isReadingHeaders = true
            return line.count
        }
        if text.isEmpty {
            isReadingHeaders = false
            return line.count
        }
        guard !bodyStarted else {
            return line.count
        }
        if text.first == UInt8(ascii: " ") || text.first == UInt8(ascii: "\t") {
            // An obsolete folded continuation line (RFC 9112 section 5.2): part of the previous value.
            if let name = lastHeaderName, let value = headers[name] {
                headers[name] = value + " " + trimmed(text)
            }
            return line.count
        }
        guard let colon = text.firstIndex(of: UInt8(ascii: ":")) else {
            return line.count
        }
        let name = String(decoding: text[text.startIndex..<colon], as: UTF8.self).lowercased()
        let value = trimmed(text[(colon + 1)...])
        if let existing = headers[name] {
            headers[name] = existing + ", " + value
        } else {
            headers[name] = value
        }
        lastHeaderName = name
        return line.count
    }

    /// `bytes` without leading and trailing spaces and tabs, as text.
    private func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> String {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") {
            start += 1
        }
        while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") {
            end -= 1
        }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

@available(*, unavailable)
extension Transfer: Sendable {}
