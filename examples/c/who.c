/* who: who can reach an entitlement, group or role, and why the first of
 * them can. Usage: who SNAPSHOT TARGET
 * Build and run: see README.md beside this file. */
#include <stdio.h>

#include "aisf.h"

/* Prints what went wrong in the last call and returns 1. */
static int fail(const char *what, aisf_result code) {
    char message[512];
    aisf_last_error(message, sizeof message);
    fprintf(stderr, "who: %s: %s (%s)\n", what, message, aisf_result_name((uint32_t)code));
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: who SNAPSHOT TARGET\n");
        return 2;
    }
    aisf_snapshot *snap = NULL;
    aisf_result r = aisf_snapshot_open(argv[1], &snap);
    if (r != AISF_RESULT_OK) return fail("open", r);

    aisf_iter *who = NULL;
    r = aisf_snapshot_who(snap, argv[2], &who);
    if (r != AISF_RESULT_OK) {
        aisf_snapshot_free(snap);
        return fail("who", r);
    }
    printf("%zu persons and accounts can reach %s:\n", aisf_iter_len(who), argv[2]);
    aisf_node node;
    char first[256] = "";
    while (aisf_iter_next(who, &node) == AISF_RESULT_OK) {
        printf("  %-8s %-28s %s\n", node.kind, node.id, node.name ? node.name : "");
        if (first[0] == '\0') snprintf(first, sizeof first, "%s", node.id);
    }
    aisf_iter_free(who);

    if (first[0] != '\0') {
        aisf_iter *path = NULL;
        r = aisf_snapshot_explain(snap, first, argv[2], &path);
        if (r != AISF_RESULT_OK) {
            aisf_snapshot_free(snap);
            return fail("explain", r);
        }
        printf("why %s:", first);
        while (aisf_iter_next(path, &node) == AISF_RESULT_OK) {
            if (node.edge) printf(" -%s->", node.edge);
            printf(" %s", node.id);
        }
        printf("\n");
        aisf_iter_free(path);
    }
    aisf_snapshot_free(snap);
    return 0;
}
