internal import CCurl
internal import CShims
import Glibc

/// Owns one libcurl easy handle (`CURL *`), the state of one transfer at a time, and its error buffer.
///
/// The handle is freed in `deinit` and its pointer never leaves this module. libcurl allows a handle
/// to move between threads but not to be used by two at once, so an `EasyHandle` is not `Sendable`:
/// the transfer thread keeps a small pool of them, and ``HTTPClient/executeBlocking(_:)`` makes its own.
/// Related libcurl documentation: <https://curl.se/libcurl/c/curl_easy_init.html>
final class EasyHandle {
    /// The owned `CURL *`; valid for the lifetime of `self`.
    let pointer: UnsafeMutableRawPointer

    /// `CURLOPT_ERRORBUFFER`: libcurl writes a precise, NUL-terminated message here when a transfer fails.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// Allocates a handle (`curl_easy_init`).
    ///
    /// - Throws: ``HTTPClientError/other`` when libcurl cannot allocate it.
    init(for request: HTTPClientRequest) throws(HTTPClientError) {
        guard let pointer = curl_easy_init() else {
            throw HTTPClientError(.other, message: "curl_easy_init failed", request: request)
        }
        self.pointer = pointer
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(pointer)
        errorBuffer.deallocate()
    }

    /// Returns every option to its default (`curl_easy_reset`), so that nothing of one request leaks
    /// into the next; the handle's connection and DNS caches are kept.
    ///
    /// Related libcurl documentation: <https://curl.se/libcurl/c/curl_easy_reset.html>
    func reset() {
        curl_easy_reset(pointer)
        errorBuffer[0] = 0
    }

    /// Runs the transfer on this thread until it completes or fails (`curl_easy_perform`).
    ///
    /// Related libcurl documentation: <https://curl.se/libcurl/c/curl_easy_perform.html>
    func perform() -> CURLcode {
        curl_easy_perform(pointer)
    }

    // MARK: - Options

    /// Sets every option for `transfer`'s request; the handle must be fresh or reset.
    ///
    /// `transfer` receives the callbacks, so it must stay alive until the handle is reset.
    /// - Throws: ``HTTPClientError/invalidRequest`` for a method, header or string libcurl must not
    ///   see, or an option libcurl refused.
    func configure(for transfer: Transfer) throws(HTTPClientError) {
        let request = transfer.request
        let limits = request.limits
        errorBuffer[0] = 0
        try transfer.openBodyFile()
        try set(CURLOPT_ERRORBUFFER, pointer: errorBuffer, request)
        try set(CURLOPT_URL, string: request.url, request)
        // libcurl's timeouts otherwise use SIGALRM, which is process-wide and unsafe with threads.
        try set(CURLOPT_NOSIGNAL, long: 1, request)
        try set(CURLOPT_USERAGENT, string: "kechuang/0.1", request)
        try set(CURLOPT_PROTOCOLS_STR, string: limits.allowedProtocols, request)
        try set(CURLOPT_REDIR_PROTOCOLS_STR, string: limits.allowedProtocols, request)
        try set(CURLOPT_FOLLOWLOCATION, long: limits.maxRedirects > 0 ? 1 : 0, request)
        try set(CURLOPT_MAXREDIRS, long: max(limits.maxRedirects, 0), request)
        try set(CURLOPT_CONNECTTIMEOUT_MS, long: milliseconds(limits.connectTimeout), request)
        try set(CURLOPT_TIMEOUT_MS, long: milliseconds(limits.totalTimeout), request)
        try set(CURLOPT_LOW_SPEED_LIMIT, long: max(limits.lowSpeedLimit, 0), request)
        try set(CURLOPT_LOW_SPEED_TIME, long: max(limits.lowSpeedTime, 0), request)
        // 0 would mean "no limit" to libcurl; a limit of 0 is enforced by the write callback alone.
        try set(CURLOPT_MAXFILESIZE_LARGE, offset: max(limits.maxBodyBytes, 0), request)
        // The defaults already, set anyway so that verification can never be found switched off.
        try set(CURLOPT_SSL_VERIFYPEER, long: 1, request)
        try set(CURLOPT_SSL_VERIFYHOST, long: 2, request)
        if request.acceptCompressed {
            // "" offers every encoding this libcurl was built with and decodes the response.
            try set(CURLOPT_ACCEPT_ENCODING, string: "", request)
        }
        try configureMethod(for: transfer)
        try configureHeaders(for: transfer)

        let context = Unmanaged.passUnretained(transfer).toOpaque()
        try set(CURLOPT_WRITEDATA, pointer: context, request)
        try set(CURLOPT_HEADERDATA, pointer: context, request)
        try check(
            kc_shims_curl_easy_setopt_callback(pointer, CURLOPT_WRITEFUNCTION) { buffer, size, count, context in
                guard let buffer, let context else { return 0 }
                let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.receiveBody(UnsafeRawBufferPointer(start: buffer, count: size * count))
            }, CURLOPT_WRITEFUNCTION, request)
        try check(
            kc_shims_curl_easy_setopt_callback(pointer, CURLOPT_HEADERFUNCTION) { buffer, size, count, context in
                guard let buffer, let context else { return 0 }
                let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.receiveHeader(UnsafeRawBufferPointer(start: buffer, count: size * count))
            }, CURLOPT_HEADERFUNCTION, request)
    }

    /// Sets the method and the body.
    ///
    /// GET is libcurl's default and HEAD is `CURLOPT_NOBODY`. A body is copied into libcurl
    /// (`CURLOPT_COPYPOSTFIELDS`, after `CURLOPT_POSTFIELDSIZE_LARGE` so that NUL bytes are kept),
    /// which makes the method POST; any other method is named with `CURLOPT_CUSTOMREQUEST`, which
    /// libcurl keeps for redirects too.
    private func configureMethod(for transfer: Transfer) throws(HTTPClientError) {
        let request = transfer.request
        guard isToken(request.method) else {
            throw HTTPClientError(
                .invalidRequest, message: "the method is not an HTTP token", request: request)
        }
        if let body = request.body {
            try set(CURLOPT_POSTFIELDSIZE_LARGE, offset: body.count, request)
            // An empty array may have no storage; libcurl copies nothing for size 0 but wants a pointer.
            var bytes = body.isEmpty ? [0] : body
            let code = bytes.withUnsafeMutableBytes { buffer in
                kc_shims_curl_easy_setopt_pointer(pointer, CURLOPT_COPYPOSTFIELDS, buffer.baseAddress)
            }
            try check(code, CURLOPT_COPYPOSTFIELDS, request)
            if request.method != "POST" {
                try set(CURLOPT_CUSTOMREQUEST, string: request.method, request)
            }
        } else if request.method == "HEAD" {
            try set(CURLOPT_NOBODY, long: 1, request)
        } else if request.method != "GET" {
            try set(CURLOPT_CUSTOMREQUEST, string: request.method, request)
        }
    }

    /// Builds the request's header list.
    ///
    /// With a body, libcurl would add two fields of its own unless the caller set them: `Expect:
    /// 100-continue` for bodies over 1 KiB, after which it waits up to a second for a server that
    /// never answers it, and `Content-Type: application/x-www-form-urlencoded`, which is rarely true.
    /// An empty `Name:` line removes a field libcurl would add.
    private func configureHeaders(for transfer: Transfer) throws(HTTPClientError) {
        let request = transfer.request
        var lines: [String] = []
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) {
            guard isToken(name), !value.utf8.contains(where: { $0 == 0 || $0 == 10 || $0 == 13 }) else {
                throw HTTPClientError(
                    .invalidRequest, message: "header \(name.debugDescription) is not valid HTTP", request: request)
            }
            // "Name;" is libcurl's spelling of a field with an empty value; "Name:" would remove it.
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        if request.body != nil {
            let names = Set(request.headers.keys.map { $0.lowercased() })
            for name in ["Expect", "Content-Type"] where !names.contains(name.lowercased()) {
                lines.append(name + ":")
            }
        }
        guard !lines.isEmpty else { return }
        for line in lines {
            guard let list = curl_slist_append(transfer.headerList, line) else {
                throw HTTPClientError(.other, message: "curl_slist_append failed", request: request)
            }
            transfer.headerList = list
        }
        try set(CURLOPT_HTTPHEADER, pointer: transfer.headerList, request)
    }

    private func set(_ option: CURLoption, long value: Int, _ request: HTTPClientRequest) throws(HTTPClientError) {
        try check(kc_shims_curl_easy_setopt_long(pointer, option, value), option, request)
    }

    private func set(_ option: CURLoption, offset value: Int, _ request: HTTPClientRequest) throws(HTTPClientError) {
        try check(kc_shims_curl_easy_setopt_off_t(pointer, option, curl_off_t(value)), option, request)
    }

    private func set(
        _ option: CURLoption, pointer value: UnsafeMutableRawPointer?, _ request: HTTPClientRequest
    ) throws(HTTPClientError) {
        try check(kc_shims_curl_easy_setopt_pointer(pointer, option, value), option, request)
    }

    private func set<Pointee>(
        _ option: CURLoption, pointer value: UnsafeMutablePointer<Pointee>?, _ request: HTTPClientRequest
    ) throws(HTTPClientError) {
        try set(option, pointer: UnsafeMutableRawPointer(value), request)
    }

    /// Sets a string option. libcurl copies it, so the bridged pointer need only live for the call;
    /// a NUL byte would silently cut the string short, so one is refused.
    private func set(_ option: CURLoption, string value: String, _ request: HTTPClientRequest) throws(HTTPClientError) {
        guard !value.utf8.contains(0) else {
            throw HTTPClientError(
                option == CURLOPT_URL ? .invalidURL : .invalidRequest,
                message: "\(optionName(option)) contains a NUL byte", request: request)
        }
        try check(kc_shims_curl_easy_setopt_string(pointer, option, value), option, request)
    }

    /// Turns a failed `curl_easy_setopt` into an error naming the option.
    private func check(_ code: CURLcode, _ option: CURLoption, _ request: HTTPClientRequest) throws(HTTPClientError) {
        guard code == CURLE_OK else {
            throw HTTPClientError(
                .kind(of: code), curlCode: Int(code.rawValue),
                message: "curl_easy_setopt(\(optionName(option))) failed: \(curlMessage(code))", request: request)
        }
    }

    // MARK: - Results

    /// The response or the error for a transfer that ended with `code`.
    ///
    /// Call before ``reset()``: the information read here belongs to the handle's last transfer.
    func outcome(of code: CURLcode, for transfer: Transfer) -> Result<HTTPClientResponse, HTTPClientError> {
        guard code == CURLE_OK else {
            return .failure(error(for: code, transfer: transfer))
        }
        let response = HTTPClientResponse(
            status: info(CURLINFO_RESPONSE_CODE),
            headers: transfer.headers,
            body: transfer.body,
            effectiveURL: info(CURLINFO_EFFECTIVE_URL) ?? transfer.request.url,
            totalTime: info(CURLINFO_TOTAL_TIME),
            redirectURL: info(CURLINFO_REDIRECT_URL))
        return .success(response)
    }

    /// The error for a transfer that ended with `code`, keeping libcurl's error-buffer text.
    ///
    /// Some codes need more than a table. `CURLE_WRITE_ERROR` is what libcurl reports when a
    /// callback refuses bytes, so the transfer says which limit it enforced. `CURLE_OPERATION_TIMEDOUT`
    /// covers both the timeouts and the low-speed check; libcurl tells them apart only in its message
    /// (lib/speedcheck.c: "Operation too slow. Less than … bytes/sec transferred the last … seconds").
    func error(for code: CURLcode, transfer: Transfer) -> HTTPClientError {
        let request = transfer.request
        var message = String(cString: errorBuffer)
        if message.isEmpty {
            message = curlMessage(code)
        }
        var kind = HTTPClientError.kind(of: code)
        switch (code, transfer.exceeded) {
        case (CURLE_WRITE_ERROR, .body?):
            kind = .bodyTooLarge
            message = "response body exceeds the limit of \(request.limits.maxBodyBytes) bytes"
        case (CURLE_WRITE_ERROR, .file?):
            message = "cannot write the response body to \(request.bodyFile ?? "its file"): \(String(cString: strerror(transfer.writeError)))"
        case (CURLE_WRITE_ERROR, .headers?):
            kind = .headersTooLarge
            message = "response headers exceed the limit of \(request.limits.maxHeaderBytes) bytes"
        case (CURLE_FILESIZE_EXCEEDED, _):
            message += " (limit \(request.limits.maxBodyBytes) bytes)"
        case (CURLE_OPERATION_TIMEDOUT, _) where message.hasPrefix("Operation too slow"):
            kind = .tooSlow
        case (CURLE_OUT_OF_MEMORY, _) where transfer.isReadingHeaders:
            // libcurl 7.88 refuses one header line over CURL_MAX_HTTP_HEADER this way, with no message.
            kind = .headersTooLarge
            message = "a response header line exceeds libcurl's limit of \(CURL_MAX_HTTP_HEADER) bytes"
        case (CURLE_RECV_ERROR, _) where message.hasPrefix("Too large response headers"):
            // libcurl's cap on all header lines together (300 KiB), for a larger maxHeaderBytes.
            kind = .headersTooLarge
        default:
            break
        }
        return HTTPClientError(kind, curlCode: Int(code.rawValue), message: message, request: request)
    }

    private func info(_ item: CURLINFO) -> Int {
        var value = 0
        return kc_shims_curl_easy_getinfo_long(pointer, item, &value) == CURLE_OK ? value : 0
    }

    private func info(_ item: CURLINFO) -> Double {
        var value = 0.0
        return kc_shims_curl_easy_getinfo_double(pointer, item, &value) == CURLE_OK ? value : 0
    }

    private func info(_ item: CURLINFO) -> String? {
        var value: UnsafePointer<CChar>?
        guard kc_shims_curl_easy_getinfo_string(pointer, item, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }
}

@available(*, unavailable)
extension EasyHandle: Sendable {}

/// A timeout in whole milliseconds for libcurl; fractions round up so a tiny timeout never becomes 0 ("none").
private func milliseconds(_ seconds: Double) -> Int {
    guard seconds > 0 else { return 0 }
    guard seconds < Double(Int32.max) / 1000 else { return Int(Int32.max) }
    return Int((seconds * 1000).rounded(.up))
}

/// The option's name, such as `CURLOPT_URL`, for messages; `curl_easy_option_by_id` gives it without the prefix.
private func optionName(_ option: CURLoption) -> String {
    guard let info = curl_easy_option_by_id(option), let name = info.pointee.name else {
        return "option \(option.rawValue)"
    }
    return "CURLOPT_" + String(cString: name)
}

/// Whether `text` is an HTTP token (RFC 9110 section 5.6.2), as methods and field names must be.
private func isToken(_ text: String) -> Bool {
    !text.isEmpty
        && text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            default:
                "!#$%&'*+-.^_`|~".utf8.contains(byte)
            }
        }
}
