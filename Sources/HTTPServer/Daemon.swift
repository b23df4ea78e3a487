internal import CMicroHTTPD
internal import CShims

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Owns one running libmicrohttpd daemon (`struct MHD_Daemon`) and its listening socket.
///
/// The daemon runs `threads` workers (`MHD_USE_INTERNAL_POLLING_THREAD` with `MHD_OPTION_THREAD_POOL_SIZE`), each
/// polling its own epoll set (`MHD_USE_EPOLL`) and accepting from the shared listening socket; a connection
/// stays on the worker that accepted it, so the callbacks for one request never run concurrently.
/// `MHD_USE_ITC` gives each worker an inter-thread channel, which `MHD_quiesce_daemon` needs to wake them.
///
/// Measured with wrk against nginx (see the module's benchmark notes), epoll beat `MHD_USE_POLL` clearly on
/// 40 KiB responses. `MHD_USE_TURBO` is left out: libmicrohttpd documents it as "potentially unsafe", it skips
/// `shutdown()` before `close()` (so an early 413 sent while the body is unread can be lost to a reset), and
/// its gain was within the noise. One known cost of edge-triggered epoll in libmicrohttpd 0.9.75: a client
/// FIN that arrives together with its last bytes is occasionally noticed only at the idle timeout, so such a
/// connection (and its request state) lives up to ``HTTPServer/Configuration/idleTimeout`` longer.
///
/// Each connection is registered with the context's ``ConnectionWatch`` (`MHD_OPTION_NOTIFY_CONNECTION`), whose
/// timer enforces the head and body deadlines that libmicrohttpd lacks; the timer runs from start-up until the
/// daemon has stopped.
///
/// The daemon is stopped in ``stop()`` or, failing that, in `deinit`. It holds the ``ServerContext`` its
/// callbacks receive, so the context outlives every callback.
///
/// Related libmicrohttpd documentation: <https://www.gnu.org/software/libmicrohttpd/manual/html_node/microhttpd_002dinit.html>
final class Daemon {
    /// The owned `struct MHD_Daemon *`.
    let pointer: OpaquePointer

    /// The port the daemon listens on (`MHD_DAEMON_INFO_BIND_PORT`), the chosen one when configured as 0.
    let port: UInt16

    private let context: ServerContext
    /// The listening socket, once `MHD_quiesce_daemon` has handed it back; closed after `MHD_stop_daemon`.
    private var quiescedSocket: Int32?
    private var isStopped = false

    /// Binds the listening socket and starts the daemon's workers.
    ///
    /// - Throws: ``HTTPServerError/bindFailed`` when the socket cannot be bound, ``HTTPServerError/daemonFailed``
    ///   when `MHD_start_daemon` returns NULL.
    init(configuration: HTTPServer.Configuration, context: ServerContext) throws(HTTPServerError) {
        let socket = try ListeningSocket.open(host: configuration.host, port: configuration.port)
        var options = kc_shims_mhd_options()
        // MHD_ALLOW_SUSPEND_RESUME: a long-running request's connection is suspended while its handler runs on a
        // thread of its own (HTTPHandler.runsLong).
        options.flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue | MHD_USE_ITC.rawValue
            | MHD_ALLOW_SUSPEND_RESUME.rawValue
        options.listen_socket = socket
        options.connection_limit = UInt32(configuration.maxConnections)
        options.per_ip_connection_limit = UInt32(configuration.maxConnectionsPerClient)
        options.connection_timeout = UInt32(configuration.idleTimeout)
        options.connection_memory_limit = configuration.connectionMemoryBytes
        options.thread_pool_size = UInt32(configuration.threads)
        options.access_handler = accessHandlerCallback
        options.access_handler_cls = Unmanaged.passUnretained(context).toOpaque()
        options.request_completed = requestCompletedCallback
        options.request_completed_cls = Unmanaged.passUnretained(context).toOpaque()
        options.unescape = keepEscapesCallback
        options.notify_connection = notifyConnectionCallback
        options.notify_connection_cls = Unmanaged.passUnretained(context).toOpaque()
        guard let daemon = kc_shims_mhd_start(&options) else {
            // libmicrohttpd leaves a socket it was given open when it fails to start.
            close(socket)
            throw .make(.daemonFailed, "MHD_start_daemon returned NULL", address: configuration.address)
        }
        pointer = daemon
        port = kc_shims_mhd_bind_port(daemon)
        self.context = context
        context.watch.start()
    }

    deinit {
        stop()
    }

    /// Stops accepting connections (`MHD_quiesce_daemon`); open connections are served on. Idempotent.
    ///
    /// Related libmicrohttpd documentation: <https://www.gnu.org/software/libmicrohttpd/manual/html_node/microhttpd_002dinit.html>
    func quiesce() {
        guard quiescedSocket == nil, !isStopped else {
            return
        }
        let socket = MHD_quiesce_daemon(pointer)
        if socket >= 0 {
            quiescedSocket = socket
        }
    }

    /// Stops the workers and closes every connection (`MHD_stop_daemon`), then the listening socket.
    /// Idempotent.
    ///
    /// Request-completed callbacks run for the requests still open (with `MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN`)
    /// before this returns; no callback runs afterwards.
    func stop() {
        guard !isStopped else {
            return
        }
        // Quiescing first means the listening socket always comes back to be closed here: MHD_stop_daemon closes
        // the socket itself only when it still owns it, and closing a descriptor twice could close an unrelated
        // file that reused the number.
        quiesce()
        MHD_stop_daemon(pointer)
        // Every connection has been closed and unregistered by now; the sweeps have nothing left to do.
        context.watch.stop()
        if let quiescedSocket {
            close(quiescedSocket)
        }
        isStopped = true
    }
}

@available(*, unavailable)
extension Daemon: Sendable {}
