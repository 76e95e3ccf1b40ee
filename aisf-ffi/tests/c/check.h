/* Assertions shared by the C tests: each failure names the file, the line
 * and, for calls, the code and the library's message. */
#ifndef AISF_TEST_CHECK_H
#define AISF_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aisf.h"

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);  \
            exit(1);                                                                  \
        }                                                                             \
    } while (0)

#define CHECK_CODE(call, want)                                                        \
    do {                                                                              \
        aisf_result got_ = (call);                                                    \
        if (got_ != (want)) {                                                         \
            char msg_[512];                                                           \
            aisf_last_error(msg_, sizeof msg_);                                       \
            fprintf(stderr, "%s:%d: %s returned %s, expected %s: %s\n", __FILE__,     \
                    __LINE__, #call, aisf_result_name((uint32_t)got_),                \
                    aisf_result_name((uint32_t)(want)), msg_);                        \
            exit(1);                                                                  \
        }                                                                             \
    } while (0)

#define CHECK_OK(call) CHECK_CODE(call, AISF_RESULT_OK)

/* Whether the thread's last error message contains `part`. */
static inline int last_error_has(const char *part) {
    char msg[1024];
    aisf_last_error(msg, sizeof msg);
    return strstr(msg, part) != NULL;
}

/* `dir` + "/" + `name` in a static buffer (one at a time). */
static inline const char *in_dir(const char *dir, const char *name) {
    static char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    CHECK(n > 0 && (size_t)n < sizeof path);
    return path;
}

#endif
