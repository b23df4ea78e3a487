// microhttpd.h does not include what it uses (it expects the platform headers first);
// these give it size_t, va_list, uint64_t, socklen_t and struct sockaddr.
#include <stdarg.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>
