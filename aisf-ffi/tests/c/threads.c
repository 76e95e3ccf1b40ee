/* One snapshot handle queried from several threads at once: every thread
 * gets the answers the main thread got, and each thread's last error is its
 * own. Usage: threads <folder of a demo> */
#include <pthread.h>

#include "check.h"

#define TARGET "aws:policy:AdministratorAccess"
#define THREADS 6
#define ROUNDS 25

static aisf_snapshot *snap;
static size_t who_len, access_len, path_len;
static char person[256];

static size_t count(aisf_iter *it) {
    size_t n = 0;
    aisf_node node;
    while (aisf_iter_next(it, &node) == AISF_RESULT_OK) n++;
    aisf_iter_free(it);
    return n;
}

static void *work(void *arg) {
    int id = *(const int *)arg;
    char missing[64];
    snprintf(missing, sizeof missing, "missing-in-thread-%d", id);
    for (int round = 0; round < ROUNDS; round++) {
        aisf_iter *it = NULL;
        CHECK_OK(aisf_snapshot_who(snap, TARGET, &it));
        CHECK(count(it) == who_len);
        CHECK_OK(aisf_snapshot_access(snap, person, &it));
        CHECK(count(it) == access_len);
        CHECK_OK(aisf_snapshot_explain(snap, person, TARGET, &it));
        CHECK(count(it) == path_len);

        /* A failure here leaves its message in this thread only. */
        CHECK_CODE(aisf_snapshot_who(snap, missing, &it), AISF_RESULT_NOT_FOUND);
        CHECK(last_error_has(missing));
    }
    return NULL;
}

int main(int argc, char **argv) {
    CHECK(argc == 2);
    CHECK_OK(aisf_snapshot_open(in_dir(argv[1], "org.aisf"), &snap));

    /* The answers, from the main thread. */
    aisf_iter *it = NULL;
    aisf_node first;
    CHECK_OK(aisf_snapshot_who(snap, TARGET, &it));
    CHECK_OK(aisf_iter_next(it, &first));
    snprintf(person, sizeof person, "%s", first.id);
    aisf_iter_free(it);
    CHECK_OK(aisf_snapshot_who(snap, TARGET, &it));
    who_len = count(it);
    CHECK_OK(aisf_snapshot_access(snap, person, &it));
    access_len = count(it);
    CHECK_OK(aisf_snapshot_explain(snap, person, TARGET, &it));
    path_len = count(it);
    CHECK(who_len > 0 && access_len > 0 && path_len >= 3);

    /* The main thread's own error stays while the others fail. */
    CHECK_CODE(aisf_snapshot_who(snap, "main-thread-miss", &it), AISF_RESULT_NOT_FOUND);

    pthread_t threads[THREADS];
    int ids[THREADS];
    for (int i = 0; i < THREADS; i++) {
        ids[i] = i;
        CHECK(pthread_create(&threads[i], NULL, work, &ids[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++) CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(last_error_has("main-thread-miss"));

    aisf_snapshot_free(snap);
    printf("threads: %d threads x %d rounds agreed\n", THREADS, ROUNDS);
    return 0;
}
