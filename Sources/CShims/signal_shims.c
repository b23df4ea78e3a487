// A self-pipe for SIGINT and SIGTERM: the handler only write(2)s, which is async-signal-safe.
// pipe2 is a GNU extension that Swift's Glibc module does not declare.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "CShims.h"

static int kc_termination_fds[2] = {-1, -1};
static pthread_mutex_t kc_termination_lock = PTHREAD_MUTEX_INITIALIZER;

static void kc_termination_handler(int number) {
    int saved = errno;
    unsigned char byte = (unsigned char)number;
    // Non-blocking: when nobody reads and the pipe is full, the signal is dropped, not waited on.
    (void)!write(kc_termination_fds[1], &byte, 1);
    errno = saved;
}

int kc_shims_termination_pipe(void) {
    pthread_mutex_lock(&kc_termination_lock);
    int result = kc_termination_fds[0];
    if (result < 0) {
        int fds[2];
        if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0) {
            kc_termination_fds[0] = fds[0];
            kc_termination_fds[1] = fds[1];
            struct sigaction action;
            memset(&action, 0, sizeof action);
            action.sa_handler = kc_termination_handler;
            sigemptyset(&action.sa_mask);
            action.sa_flags = SA_RESTART;
            if (sigaction(SIGINT, &action, NULL) == 0 && sigaction(SIGTERM, &action, NULL) == 0) {
                result = fds[0];
            } else {
                int saved = errno;
                signal(SIGINT, SIG_DFL);
                signal(SIGTERM, SIG_DFL);
                close(fds[0]);
                close(fds[1]);
                kc_termination_fds[0] = kc_termination_fds[1] = -1;
                errno = saved;
            }
        }
    }
    pthread_mutex_unlock(&kc_termination_lock);
    return result;
}
