#ifndef NETCON_PRELOAD_RESULT_H
#define NETCON_PRELOAD_RESULT_H
#include <errno.h>

/* Inside the library a failure is a negative errno value; this is the one place it becomes -1 + errno for
   the program. On success the program's errno is left as it was before the call. */
static inline long netcon_finish(long result, int saved_errno) {
    if (result < 0) {
        errno = (int)-result;
        return -1;
    }
    errno = saved_errno;
    return result;
}

/* A libc call's -1 + errno as an internal result. */
static inline long netcon_result(long value) { return value < 0 ? -(long)errno : value; }

#endif
