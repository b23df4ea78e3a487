internal import CCurl
internal import CShims

/// Owns one libcurl multi handle (`CURLM *`), which runs many transfers on one thread and keeps the
/// connection cache that lets later transfers to the same host reuse a keep-alive connection.
///
/// Only the transfer thread calls its methods; the one libcurl function other threads may call,
/// `curl_multi_wakeup`, goes through the raw pointer that ``TransferQueue`` holds while the thread runs.
/// Every easy handle must be removed before `deinit` frees the handle (`curl_multi_cleanup`).
/// Related libcurl documentation: <https://curl.se/libcurl/c/libcurl-multi.html>
final class MultiHandle {
    /// The owned `CURLM *`; valid for the lifetime of `self`.
    let pointer: UnsafeMutableRawPointer

    /// Allocates a multi handle (`curl_multi_init`) and bounds its connections.
    ///
    /// - Parameters:
    ///   - maxHostConnections: Connections open at once to one host (`CURLMOPT_MAX_HOST_CONNECTIONS`);
    ///     further transfers to that host wait inside libcurl for one to be free.
    ///   - maxCachedConnections: Idle connections kept for reuse (`CURLMOPT_MAXCONNECTS`).
    /// - Throws: ``HTTPClientError/other`` when libcurl cannot allocate or configure it.
    init(maxHostConnections: Int, maxCachedConnections: Int) throws(HTTPClientError) {
        guard let pointer = curl_multi_init() else {
            throw HTTPClientError(.other, message: "curl_multi_init failed")
        }
        self.pointer = pointer
        for (option, value) in [
            (CURLMOPT_MAX_HOST_CONNECTIONS, maxHostConnections), (CURLMOPT_MAXCONNECTS, maxCachedConnections),
        ] {
            let code = kc_shims_curl_multi_setopt_long(pointer, option, value)
            guard code == CURLM_OK else {
                curl_multi_cleanup(pointer)
                throw HTTPClientError(.other, message: "curl_multi_setopt failed: \(multiMessage(code))")
            }
        }
    }

    deinit {
        curl_multi_cleanup(pointer)
    }

    /// Starts driving `easy`'s transfer (`curl_multi_add_handle`).
    ///
    /// Related libcurl documentation: <https://curl.se/libcurl/c/curl_multi_add_handle.html>
    func add(_ easy: EasyHandle) -> CURLMcode {
        curl_multi_add_handle(pointer, easy.pointer)
    }

    /// Stops driving `easy`'s transfer, finished or not (`curl_multi_remove_handle`). Its
    /// connection goes back to the cache when the transfer had finished cleanly, and is closed otherwise.
    ///
    /// Related libcurl documentation: <https://curl.se/libcurl/c/curl_multi_remove_handle.html>
    func remove(_ easy: EasyHandle) {
        _ = curl_multi_remove_handle(pointer, easy.pointer)
    }

    /// Does whatever reading and writing is possible without blocking; the write and header
    /// callbacks run inside this call (`curl_multi_perform`).
    ///
    /// Related libcurl documentation: <https://curl.se/libcurl/c/curl_multi_perform.html>
    func perform() -> CURLMcode {
        var running: Int32 = 0
        return curl_multi_perform(pointer, &running)
    }

    /// Waits until a transfer's socket is ready, libcurl's next timer is due, `timeout` milliseconds
    /// pass, or another thread calls `curl_multi_wakeup` (`curl_multi_poll`).
    ///
    /// Related libcurl documentation: <https://curl.se/libcurl/c/curl_multi_poll.html>
    func poll(timeoutMilliseconds timeout: Int32) -> CURLMcode {
        curl_multi_poll(pointer, nil, 0, timeout, nil)
    }

    /// The next finished transfer: its easy handle's pointer and its result (`curl_multi_info_read`).
    ///
    /// Related libcurl documentation: <https://curl.se/libcurl/c/curl_multi_info_read.html>
    func nextFinished() -> (easy: UnsafeMutableRawPointer, result: CURLcode)? {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(pointer, &queued) {
            // CURLMSG_DONE is the only message libcurl defines; `data` is a union whose `result`
            // member is the one set for it.
            if message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle {
                return (easy, message.pointee.data.result)
            }
        }
        return nil
    }
}

@available(*, unavailable)
extension MultiHandle: Sendable {}

/// libcurl's message for a multi-interface result code (`curl_multi_strerror`).
func multiMessage(_ code: CURLMcode) -> String {
    String(cString: curl_multi_strerror(code))
}
