/* Bad arguments give codes and messages, never crashes: NULL for every
 * handle, string and out pointer; strings that are not UTF-8; names that
 * match nothing; files that are not snapshots; bad policies and inputs.
 * Also the last-error buffer protocol. Usage: errors <folder of a demo> */
#include "check.h"

static const char BAD_UTF8[] = {(char)0xff, (char)0xfe, 'x', 0};

/* A handle pointer that must not be touched by a failing call. */
#define SENTINEL ((void *)0x1)

static void null_arguments(aisf_snapshot *snap, aisf_policy *policy) {
    aisf_snapshot *s = SENTINEL;
    aisf_iter *it = SENTINEL;
    uint32_t number = 7;
    size_t n = 0;
    CHECK_CODE(aisf_snapshot_open(NULL, &s), AISF_RESULT_NULL_ARGUMENT);
    CHECK(s == SENTINEL && last_error_has("path"));
    CHECK_CODE(aisf_snapshot_open("x.aisf", NULL), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_snapshot_verify(NULL), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_snapshot_counts(NULL, &n, &n), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_snapshot_counts(snap, NULL, &n), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_snapshot_counts(snap, &n, NULL), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_snapshot_resolve(NULL, "person:1", &number), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_snapshot_resolve(snap, NULL, &number), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_snapshot_resolve(snap, "person:1", NULL), AISF_RESULT_NULL_ARGUMENT);
    CHECK(number == 7);
    CHECK_CODE(aisf_snapshot_access(NULL, "person:1", &it), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_snapshot_access(snap, NULL, &it), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_snapshot_access(snap, "person:1", NULL), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_snapshot_who(NULL, "person:1", &it), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_snapshot_who(snap, NULL, &it), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_snapshot_who(snap, "person:1", NULL), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_snapshot_explain(NULL, "a", "b", &it), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_snapshot_explain(snap, NULL, "person:1", &it), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_snapshot_explain(snap, "person:1", NULL, &it), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_snapshot_explain(snap, "person:1", "person:1", NULL),
               AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_snapshot_filter(NULL, NULL, NULL, true, &it), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_snapshot_filter(snap, NULL, NULL, true, NULL), AISF_RESULT_NULL_ARGUMENT);
    CHECK(it == SENTINEL);

    aisf_node node;
    CHECK(aisf_iter_len(NULL) == 0);
    CHECK_CODE(aisf_iter_next(NULL, &node), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_iter_reset(NULL), AISF_RESULT_NULL_ARGUMENT);
    CHECK_OK(aisf_snapshot_who(snap, "person:1", &it));
    CHECK_CODE(aisf_iter_next(it, NULL), AISF_RESULT_NULL_ARGUMENT);
    aisf_iter_free(it);

    aisf_policy *p = SENTINEL;
    aisf_findings *f = SENTINEL;
    aisf_finding finding;
    CHECK_CODE(aisf_policy_load(NULL, &p), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_policy_load("policy.toml", NULL), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_policy_parse(NULL, "p", &p), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_policy_parse("", NULL, &p), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_policy_parse("", "p", NULL), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_policy_default(NULL), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_snapshot_scan(NULL, policy, &f), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_snapshot_scan(snap, NULL, &f), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_snapshot_scan(snap, policy, NULL), AISF_RESULT_NULL_ARGUMENT);
    CHECK(aisf_findings_len(NULL) == 0);
    CHECK_CODE(aisf_findings_get(NULL, 0, &finding), AISF_RESULT_NULL_ARGUMENT);
    CHECK(p == SENTINEL && f == SENTINEL);

    aisf_builder *b = SENTINEL;
    CHECK_CODE(aisf_builder_new(NULL), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_builder_add_input(NULL, "x"), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_builder_set_strict(NULL, true), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_builder_build(NULL, "x.aisf", NULL), AISF_RESULT_NULL_ARGUMENT);
    CHECK_OK(aisf_builder_new(&b));
    CHECK_CODE(aisf_builder_add_input(b, NULL), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_builder_build(b, NULL, NULL), AISF_RESULT_NULL_ARGUMENT);
    aisf_builder_free(b);

    aisf_diff *d = SENTINEL;
    aisf_diff_summary counts;
    aisf_access_change change;
    CHECK_CODE(aisf_diff_new(NULL, snap, policy, &d), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_diff_new(snap, NULL, policy, &d), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_diff_new(snap, snap, NULL, &d), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_diff_new(snap, snap, policy, NULL), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_diff_counts(NULL, &counts), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_diff_next(NULL, &change), AISF_RESULT_NULL_ARGUMENT);
    CHECK(d == SENTINEL);

    uint32_t v = 0;
    CHECK_CODE(aisf_version(NULL, &v, &v), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_version(&v, &v, NULL), AISF_RESULT_NULL_ARGUMENT);
    CHECK_CODE(aisf_demo_write(NULL, 10), AISF_RESULT_NULL_ARGUMENT);
    CHECK(aisf_last_error(NULL, 0) > 0);
    CHECK(aisf_last_error(NULL, 100) > 0);

    /* Every _free takes NULL. */
    aisf_snapshot_free(NULL);
    aisf_iter_free(NULL);
    aisf_policy_free(NULL);
    aisf_findings_free(NULL);
    aisf_builder_free(NULL);
    aisf_diff_free(NULL);
}

static void invalid_utf8(aisf_snapshot *snap) {
    aisf_snapshot *s = NULL;
    aisf_iter *it = NULL;
    aisf_policy *p = NULL;
    uint32_t number;
    CHECK_CODE(aisf_snapshot_open(BAD_UTF8, &s), AISF_RESULT_INVALID_UTF8);
    CHECK(last_error_has("UTF-8"));
    CHECK_CODE(aisf_snapshot_resolve(snap, BAD_UTF8, &number), AISF_RESULT_INVALID_UTF8);
    CHECK_CODE(aisf_snapshot_access(snap, BAD_UTF8, &it), AISF_RESULT_INVALID_UTF8);
    CHECK_CODE(aisf_snapshot_who(snap, BAD_UTF8, &it), AISF_RESULT_INVALID_UTF8);
    CHECK_CODE(aisf_snapshot_explain(snap, "person:1", BAD_UTF8, &it), AISF_RESULT_INVALID_UTF8);
    CHECK_CODE(aisf_snapshot_filter(snap, BAD_UTF8, NULL, true, &it), AISF_RESULT_INVALID_UTF8);
    CHECK_CODE(aisf_snapshot_filter(snap, NULL, BAD_UTF8, true, &it), AISF_RESULT_INVALID_UTF8);
    CHECK_CODE(aisf_policy_load(BAD_UTF8, &p), AISF_RESULT_INVALID_UTF8);
    CHECK_CODE(aisf_policy_parse(BAD_UTF8, "p.toml", &p), AISF_RESULT_INVALID_UTF8);
    CHECK_CODE(aisf_demo_write(BAD_UTF8, 10), AISF_RESULT_INVALID_UTF8);
    CHECK(s == NULL && it == NULL && p == NULL);
}

static void not_found_and_bad_files(const char *dir, aisf_snapshot *snap) {
    aisf_iter *it = NULL;
    CHECK_CODE(aisf_snapshot_who(snap, "no such group", &it), AISF_RESULT_NOT_FOUND);
    CHECK(last_error_has("no such group"));
    CHECK_CODE(aisf_snapshot_explain(snap, "person:1", "nobody", &it), AISF_RESULT_NOT_FOUND);
    CHECK(it == NULL);

    aisf_snapshot *s = NULL;
    CHECK_CODE(aisf_snapshot_open(in_dir(dir, "missing.aisf"), &s), AISF_RESULT_OPEN_IO);
    CHECK(last_error_has("missing.aisf"));
    CHECK_CODE(aisf_snapshot_open(in_dir(dir, "policy.toml"), &s), AISF_RESULT_NOT_A_SNAPSHOT);
    CHECK(s == NULL);

    aisf_policy *p = NULL;
    CHECK_CODE(aisf_policy_load(in_dir(dir, "missing.toml"), &p), AISF_RESULT_POLICY_IO);
    CHECK_CODE(aisf_policy_parse("[thresholds]\nstale_days = \"soon\"\n", "bad.toml", &p),
               AISF_RESULT_POLICY_INVALID);
    CHECK(last_error_has("bad.toml:2"));
    CHECK_CODE(aisf_policy_parse("[thresholdz]\n", "typo.toml", &p), AISF_RESULT_POLICY_INVALID);
    CHECK(p == NULL);

    aisf_findings *f = NULL;
    aisf_finding finding;
    CHECK_OK(aisf_policy_default(&p));
    CHECK_OK(aisf_snapshot_scan(snap, p, &f));
    CHECK_CODE(aisf_findings_get(f, aisf_findings_len(f), &finding), AISF_RESULT_INVALID_ARGUMENT);
    CHECK(last_error_has("past the end"));
    aisf_findings_free(f);
    aisf_policy_free(p);

    aisf_builder *b = NULL;
    CHECK_OK(aisf_builder_new(&b));
    CHECK_CODE(aisf_builder_build(b, in_dir(dir, "x.aisf"), NULL), AISF_RESULT_INVALID_ARGUMENT);
    CHECK_OK(aisf_builder_add_input(b, in_dir(dir, "no-such-exports")));
    CHECK_CODE(aisf_builder_build(b, in_dir(dir, "x.aisf"), NULL), AISF_RESULT_INGEST_IO);
    CHECK(last_error_has("no-such-exports"));
    aisf_builder_free(b);
    CHECK_OK(aisf_builder_new(&b));
    CHECK_OK(aisf_builder_add_input(b, in_dir(dir, "exports")));
    CHECK_CODE(aisf_builder_build(b, in_dir(dir, "no-such-folder/x.aisf"), NULL), AISF_RESULT_IO);
    aisf_builder_free(b);

    CHECK_CODE(aisf_demo_write(dir, 0), AISF_RESULT_INVALID_ARGUMENT);
}

static void last_error_protocol(void) {
    aisf_snapshot *s = NULL;
    CHECK_CODE(aisf_snapshot_open("/nonexistent/aisf/test.aisf", &s), AISF_RESULT_OPEN_IO);
    size_t need = aisf_last_error(NULL, 0);
    CHECK(need > 10);

    /* Cut to fit, always NUL-terminated; the return value is the full length. */
    char small[8];
    memset(small, 'z', sizeof small);
    CHECK(aisf_last_error(small, sizeof small) == need);
    CHECK(small[7] == '\0' && strlen(small) == 7);
    char one[1] = {'z'};
    CHECK(aisf_last_error(one, 1) == need && one[0] == '\0');
    char *full = malloc(need + 1);
    CHECK(full != NULL);
    CHECK(aisf_last_error(full, need + 1) == need && strlen(full) == need);
    CHECK(strncmp(full, small, 7) == 0);
    CHECK(strstr(full, "/nonexistent/aisf/test.aisf") != NULL);
    free(full);

    /* A successful call clears it. */
    uint32_t a, b, c;
    CHECK_OK(aisf_version(&a, &b, &c));
    CHECK(aisf_last_error(NULL, 0) == 0);
    char empty[4] = "zzz";
    CHECK(aisf_last_error(empty, sizeof empty) == 0 && empty[0] == '\0');
}

int main(int argc, char **argv) {
    CHECK(argc == 2);
    const char *dir = argv[1];
    aisf_snapshot *snap = NULL;
    aisf_policy *policy = NULL;
    CHECK_OK(aisf_snapshot_open(in_dir(dir, "org.aisf"), &snap));
    CHECK_OK(aisf_policy_default(&policy));

    null_arguments(snap, policy);
    invalid_utf8(snap);
    not_found_and_bad_files(dir, snap);
    last_error_protocol();

    aisf_policy_free(policy);
    aisf_snapshot_free(snap);
    printf("errors: all checks passed\n");
    return 0;
}
