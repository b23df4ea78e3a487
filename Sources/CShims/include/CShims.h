#ifndef KC_SHIMS_H
#define KC_SHIMS_H

#include <curl/curl.h>
#include <sqlite3.h>

/// SQLITE_TRANSIENT is a macro casting -1 to a function pointer; Swift cannot import it.
/// Binding with it makes SQLite copy the bytes before sqlite3_bind_* returns.
sqlite3_destructor_type kc_shims_sqlite_transient(void);

// MARK: - libmicrohttpd

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>

/// Unescapes a URL or query argument in place; the shape MHD_OPTION_UNESCAPE_CALLBACK expects.
/// microhttpd.h documents this signature in a comment but declares no typedef for it.
typedef size_t (*kc_shims_mhd_unescape_callback)(void *cls, struct MHD_Connection *connection, char *s);

/// The options kechuang's HTTP server passes to MHD_start_daemon, as a plain struct Swift can fill.
///
/// MHD_start_daemon takes its options as a variadic list of (MHD_OPTION_*, value…) pairs, and Swift cannot
/// call variadic C functions; kc_shims_mhd_start turns this struct into that list.
struct kc_shims_mhd_options {
    /// A combination of `enum MHD_FLAG` values.
    unsigned int flags;
    /// A bound, listening socket (MHD_OPTION_LISTEN_SOCKET); MHD does not bind one itself.
    int listen_socket;
    /// MHD_OPTION_CONNECTION_LIMIT: concurrent connections accepted in all.
    unsigned int connection_limit;
    /// MHD_OPTION_PER_IP_CONNECTION_LIMIT: concurrent connections from one IP address; 0 means no limit.
    unsigned int per_ip_connection_limit;
    /// MHD_OPTION_CONNECTION_TIMEOUT: seconds of inactivity before a connection is closed; 0 means never.
    unsigned int connection_timeout;
    /// MHD_OPTION_CONNECTION_MEMORY_LIMIT: bytes of each connection's memory pool, which holds the request
    /// line and headers, the read buffer and the response headers.
    size_t connection_memory_limit;
    /// MHD_OPTION_THREAD_POOL_SIZE: worker threads, each with its own epoll set; 0 or 1 for one thread.
    unsigned int thread_pool_size;
    /// The MHD_AccessHandlerCallback and its closure (the `dh` and `dh_cls` arguments).
    MHD_AccessHandlerCallback access_handler;
    void *access_handler_cls;
    /// MHD_OPTION_NOTIFY_COMPLETED: called once for every request the access handler saw; may be NULL.
    MHD_RequestCompletedCallback request_completed;
    void *request_completed_cls;
    /// MHD_OPTION_UNESCAPE_CALLBACK: replaces MHD's %HH decoding of the URL and query arguments; may be NULL.
    kc_shims_mhd_unescape_callback unescape;
    void *unescape_cls;
    /// MHD_OPTION_NOTIFY_CONNECTION: called when a connection starts and when it has closed (before its socket
    /// is closed); may be NULL.
    MHD_NotifyConnectionCallback notify_connection;
    void *notify_connection_cls;
};

/// Starts a daemon with the options in `options` (MHD_start_daemon is variadic; Swift cannot call it).
/// Returns NULL when MHD refuses the options or cannot start its threads.
struct MHD_Daemon *kc_shims_mhd_start(const struct kc_shims_mhd_options *options);

/// The port the daemon listens on, from MHD_get_daemon_info(MHD_DAEMON_INFO_BIND_PORT), which is variadic;
/// 0 when MHD cannot tell.
uint16_t kc_shims_mhd_bind_port(struct MHD_Daemon *daemon);

/// The client's address, from MHD_get_connection_info(MHD_CONNECTION_INFO_CLIENT_ADDRESS), which is variadic;
/// NULL when MHD cannot tell. Valid until the connection is closed.
const struct sockaddr *kc_shims_mhd_client_address(struct MHD_Connection *connection);

/// The connection's socket, from MHD_get_connection_info(MHD_CONNECTION_INFO_CONNECTION_FD), which is variadic;
/// -1 when MHD cannot tell.
int kc_shims_mhd_connection_fd(struct MHD_Connection *connection);

/// The pointer the notify-connection callback stored in `*socket_context`, from
/// MHD_get_connection_info(MHD_CONNECTION_INFO_SOCKET_CONTEXT), which is variadic; NULL when none.
void *kc_shims_mhd_socket_context(struct MHD_Connection *connection);

/// The size of the request head (request line, header lines and the blank line), from
/// MHD_get_connection_info(MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE), which is variadic; 0 before the head has
/// been received.
size_t kc_shims_mhd_request_header_size(struct MHD_Connection *connection);

// MARK: - libcurl
//
// curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are variadic functions that can't be
// used from Swift: each wrapper below passes exactly one argument of one C type, which is the type
// the option's documentation asks for (long, char *, void *, curl_off_t, a callback pointer).
// https://curl.se/libcurl/c/curl_easy_setopt.html
// https://curl.se/libcurl/c/curl_easy_getinfo.html
// https://curl.se/libcurl/c/curl_multi_setopt.html
//
// They are `static inline` on purpose. Their code is then compiled into the Swift module that calls
// them (HTTPClient, which links libcurl through CCurl), not into shims.c: an object file referring to
// libcurl would make every program that links CShims (kechuang-bench links it through SQLite) fail
// to link unless it also linked libcurl.

/// curl_easy_setopt for options that take a `long` (flags, counts, timeouts in milliseconds).
static inline CURLcode kc_shims_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

/// curl_easy_setopt for options that take a NUL-terminated string. libcurl copies strings it is
/// given (except CURLOPT_POSTFIELDS, which this project never uses), so `value` need only live for
/// the call.
static inline CURLcode kc_shims_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/// curl_easy_setopt for options that take an object pointer (CURLOPT_ERRORBUFFER, CURLOPT_WRITEDATA,
/// CURLOPT_HEADERDATA, CURLOPT_HTTPHEADER's `struct curl_slist *`, CURLOPT_COPYPOSTFIELDS).
static inline CURLcode kc_shims_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

/// curl_easy_setopt for the `_LARGE` options that take a `curl_off_t`.
static inline CURLcode kc_shims_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/// curl_easy_setopt for CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION, which share one prototype.
static inline CURLcode kc_shims_curl_easy_setopt_callback(CURL *handle, CURLoption option, curl_write_callback value) {
    return curl_easy_setopt(handle, option, value);
}

/// curl_easy_getinfo for CURLINFO_LONG items (CURLINFO_RESPONSE_CODE).
static inline CURLcode kc_shims_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// curl_easy_getinfo for CURLINFO_DOUBLE items (CURLINFO_TOTAL_TIME), in seconds.
static inline CURLcode kc_shims_curl_easy_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// curl_easy_getinfo for CURLINFO_STRING items (CURLINFO_EFFECTIVE_URL). The string belongs to the
/// handle and is valid until the handle is reset or cleaned up; `*value` may be set to NULL.
static inline CURLcode kc_shims_curl_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value) {
    char *result = NULL;
    CURLcode code = curl_easy_getinfo(handle, info, &result);
    *value = result;
    return code;
}

/// curl_multi_setopt for options that take a `long` (CURLMOPT_MAX_HOST_CONNECTIONS, CURLMOPT_MAXCONNECTS).
static inline CURLMcode kc_shims_curl_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}

// MARK: - Termination signals

/// Catches SIGINT and SIGTERM from now on, and returns the read end of a pipe (non-blocking,
/// close-on-exec) that receives one byte, the signal's number, for each; -1 with errno set if the
/// pipe or a handler cannot be made. The handlers are installed with sigaction before it returns,
/// so no signal that arrives afterwards is lost. Later calls return the same descriptor.
int kc_shims_termination_pipe(void);

// MARK: - Processes (for tests)

#include <sys/types.h>

/// Starts `path` with posix_spawn: standard input, output and error from the three descriptors,
/// every other descriptor closed, no signal blocked and every handler at its default, in
/// `directory` when not NULL. Returns the child's pid, or -1 with `*error` set to the errno.
/// (The GNU spawn extensions this needs are not visible to Swift's Glibc module.)
pid_t kc_shims_spawn(const char *path, char *const argv[], char *const envp[], const char *directory,
                     int in_fd, int out_fd, int err_fd, int *error);

#endif
