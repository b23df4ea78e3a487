#include "CShims.h"

struct MHD_Daemon *kc_shims_mhd_start(const struct kc_shims_mhd_options *options) {
    // Passed as one MHD_OPTION_ARRAY so that optional entries can be left out without a combinatorial
    // number of variadic calls. Two-pointer options carry the function in `value` (cast to intptr_t) and
    // its closure in `ptr_value`, as microhttpd.h documents for MHD_OPTION_ARRAY.
    struct MHD_OptionItem items[11];
    size_t count = 0;
    items[count++] = (struct MHD_OptionItem){ MHD_OPTION_LISTEN_SOCKET, (intptr_t)options->listen_socket, NULL };
    items[count++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT, (intptr_t)options->connection_limit, NULL };
    items[count++] = (struct MHD_OptionItem){
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)options->per_ip_connection_limit, NULL };
    items[count++] = (struct MHD_OptionItem){
        MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)options->connection_timeout, NULL };
    items[count++] = (struct MHD_OptionItem){
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)options->connection_memory_limit, NULL };
    if (options->thread_pool_size > 1) {
        items[count++] = (struct MHD_OptionItem){
            MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)options->thread_pool_size, NULL };
    }
    if (options->request_completed != NULL) {
        items[count++] = (struct MHD_OptionItem){
            MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)options->request_completed, options->request_completed_cls };
    }
    if (options->unescape != NULL) {
        items[count++] = (struct MHD_OptionItem){
            MHD_OPTION_UNESCAPE_CALLBACK, (intptr_t)options->unescape, options->unescape_cls };
    }
    if (options->notify_connection != NULL) {
        items[count++] = (struct MHD_OptionItem){
            MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)options->notify_connection, options->notify_connection_cls };
    }
    items[count++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
    // Port 0: ignored, because MHD_OPTION_LISTEN_SOCKET supplies the socket.
    return MHD_start_daemon(options->flags, 0, NULL, NULL, options->access_handler, options->access_handler_cls,
                            MHD_OPTION_ARRAY, items, MHD_OPTION_END);
}

uint16_t kc_shims_mhd_bind_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

const struct sockaddr *kc_shims_mhd_client_address(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return info == NULL ? NULL : info->client_addr;
}

int kc_shims_mhd_connection_fd(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info == NULL ? -1 : info->connect_fd;
}

void *kc_shims_mhd_socket_context(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info == NULL ? NULL : info->socket_context;
}

size_t kc_shims_mhd_request_header_size(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
    return info == NULL ? 0 : info->header_size;
}
