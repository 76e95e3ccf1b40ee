/* Every query of the C interface on the generated demo organisation: open,
 * counts, resolve, access, who, explain, filter, scan, build from exports,
 * diff. Results are checked against each other, not against fixed numbers.
 * Usage: queries <empty folder> */
#include <stdbool.h>

#include "check.h"

#define TARGET "aws:policy:AdministratorAccess"

/* Counts an iterator's nodes and checks each has an id and a kind. */
static size_t drain(aisf_iter *it, const char *kind) {
    size_t n = 0;
    aisf_node node;
    aisf_result r;
    while ((r = aisf_iter_next(it, &node)) == AISF_RESULT_OK) {
        CHECK(node.id != NULL && node.id[0] != '\0');
        CHECK(node.kind != NULL);
        if (kind != NULL) CHECK(strcmp(node.kind, kind) == 0);
        n++;
    }
    CHECK_CODE(r, AISF_RESULT_END);
    CHECK(n == aisf_iter_len(it));
    return n;
}

/* Whether the node `id` is in the iterator's result. */
static bool contains(aisf_iter *it, const char *id) {
    bool found = false;
    aisf_node node;
    CHECK_OK(aisf_iter_reset(it));
    while (aisf_iter_next(it, &node) == AISF_RESULT_OK) found |= strcmp(node.id, id) == 0;
    return found;
}

int main(int argc, char **argv) {
    CHECK(argc == 2);
    const char *dir = argv[1];
    CHECK_OK(aisf_demo_write(dir, 40));

    aisf_snapshot *snap = NULL;
    CHECK_OK(aisf_snapshot_open(in_dir(dir, "org.aisf"), &snap));
    CHECK_OK(aisf_snapshot_verify(snap));
    size_t nodes = 0, edges = 0;
    CHECK_OK(aisf_snapshot_counts(snap, &nodes, &edges));
    CHECK(nodes > 40 && edges > 0);

    /* Who can reach the target: persons first, then accounts. */
    aisf_iter *who = NULL;
    CHECK_OK(aisf_snapshot_who(snap, TARGET, &who));
    CHECK(aisf_iter_len(who) > 0);
    aisf_node first;
    CHECK_OK(aisf_iter_next(who, &first));
    CHECK(strcmp(first.kind, "person") == 0);
    char person[256];
    snprintf(person, sizeof person, "%s", first.id);
    size_t persons = 1, accounts = 0;
    aisf_node node;
    while (aisf_iter_next(who, &node) == AISF_RESULT_OK) {
        if (strcmp(node.kind, "person") == 0) {
            CHECK(accounts == 0);
            persons++;
        } else {
            CHECK(strcmp(node.kind, "account") == 0);
            accounts++;
        }
    }
    CHECK(persons + accounts == aisf_iter_len(who));
    CHECK(accounts > 0);

    /* By number, by id and by name resolve to one node. */
    uint32_t number = 0, again = 1;
    CHECK_OK(aisf_snapshot_resolve(snap, TARGET, &number));
    CHECK_OK(aisf_snapshot_resolve(snap, person, &again));
    CHECK(number != again);

    /* The person's access holds the target; the path explains it. */
    aisf_iter *access = NULL;
    CHECK_OK(aisf_snapshot_access(snap, person, &access));
    CHECK(contains(access, TARGET));
    aisf_iter *path = NULL;
    CHECK_OK(aisf_snapshot_explain(snap, person, TARGET, &path));
    size_t steps = aisf_iter_len(path);
    CHECK(steps >= 3);
    for (size_t i = 0; i < steps; i++) {
        CHECK_OK(aisf_iter_next(path, &node));
        if (i == 0) {
            CHECK(strcmp(node.id, person) == 0 && node.edge == NULL);
        } else {
            CHECK(node.edge != NULL);
        }
        if (i == 1) CHECK(strcmp(node.edge, "correlation") == 0);
        printf("%s%s (%s)", i ? " -> " : "why: ", node.id, node.kind);
    }
    printf("\n");
    CHECK(strcmp(node.id, TARGET) == 0 && strcmp(node.kind, "entitlement") == 0);
    CHECK_CODE(aisf_iter_next(path, &node), AISF_RESULT_END);
    aisf_iter_free(path);

    /* No path: an empty iterator. A person reaches no other person. */
    CHECK_OK(aisf_snapshot_explain(snap, person, person, &path));
    aisf_iter_free(path);

    /* Filter: every account is enabled or not, and nothing else is. */
    aisf_iter *all = NULL, *on = NULL, *off = NULL;
    CHECK_OK(aisf_snapshot_filter(snap, "account", NULL, false, &all));
    CHECK_OK(aisf_snapshot_filter(snap, "account", "enabled", true, &on));
    CHECK_OK(aisf_snapshot_filter(snap, "account", "enabled", false, &off));
    size_t n_all = drain(all, "account"), n_on = drain(on, "account");
    size_t n_off = drain(off, "account");
    CHECK(n_on > 0 && n_off > 0 && n_on + n_off == n_all);
    aisf_iter_free(all);
    aisf_iter_free(on);
    aisf_iter_free(off);
    CHECK_OK(aisf_snapshot_filter(snap, NULL, NULL, false, &all));
    CHECK(drain(all, NULL) == nodes);
    aisf_iter_free(all);

    /* Scan with the policy the organisation was built to. */
    aisf_policy *policy = NULL;
    CHECK_OK(aisf_policy_load(in_dir(dir, "policy.toml"), &policy));
    aisf_findings *findings = NULL;
    CHECK_OK(aisf_snapshot_scan(snap, policy, &findings));
    size_t count = aisf_findings_len(findings);
    CHECK(count > 0);
    bool about_person = false;
    for (size_t i = 0; i < count; i++) {
        aisf_finding f;
        CHECK_OK(aisf_findings_get(findings, i, &f));
        CHECK(f.rule != NULL && strchr(f.rule, ' ') == NULL);
        CHECK(f.risk <= 100);
        CHECK(f.severity >= AISF_SEVERITY_INFO && f.severity <= AISF_SEVERITY_CRITICAL);
        CHECK(f.explanation != NULL && f.explanation[0] != '\0');
        CHECK(f.clause != NULL);
        about_person |= f.person != NULL;
        if (i < 3) printf("finding %zu: %s risk %u: %s\n", i + 1, f.rule, f.risk, f.explanation);
    }
    CHECK(about_person);

    /* Build a snapshot again from the exports, through the builder. */
    aisf_builder *builder = NULL;
    CHECK_OK(aisf_builder_new(&builder));
    CHECK_OK(aisf_builder_add_input(builder, in_dir(dir, "exports")));
    CHECK_OK(aisf_builder_set_strict(builder, true));
    aisf_build_report report;
    CHECK_OK(aisf_builder_build(builder, in_dir(dir, "rebuilt.aisf"), &report));
    CHECK(report.sources > 0 && report.nodes > 40 && report.edges > 0 && report.file_bytes > 0);
    aisf_builder_free(builder);
    aisf_snapshot *rebuilt = NULL;
    CHECK_OK(aisf_snapshot_open(in_dir(dir, "rebuilt.aisf"), &rebuilt));
    CHECK_OK(aisf_snapshot_verify(rebuilt));

    /* A snapshot against itself: nothing changed. */
    aisf_diff *diff = NULL;
    aisf_diff_summary counts;
    CHECK_OK(aisf_diff_new(snap, snap, policy, &diff));
    CHECK_OK(aisf_diff_counts(diff, &counts));
    CHECK(counts.gained == 0 && counts.lost == 0 && counts.persons_changed == 0);
    CHECK(counts.edges_added == 0 && counts.persons_added == 0);
    aisf_access_change change;
    CHECK_CODE(aisf_diff_next(diff, &change), AISF_RESULT_END);
    aisf_diff_free(diff);

    /* Against the rebuilt one: the items agree with the counts. */
    CHECK_OK(aisf_diff_new(snap, rebuilt, policy, &diff));
    CHECK_OK(aisf_diff_counts(diff, &counts));
    size_t gained = 0, lost = 0;
    aisf_result r;
    while ((r = aisf_diff_next(diff, &change)) == AISF_RESULT_OK) {
        CHECK(change.subject != NULL && change.entitlement != NULL);
        CHECK(!strcmp(change.subject_kind, "person") || !strcmp(change.subject_kind, "account"));
        if (change.gained) gained++; else lost++;
    }
    CHECK_CODE(r, AISF_RESULT_END);
    CHECK(gained == counts.gained && lost == counts.lost);
    printf("diff against the rebuilt snapshot: +%zu -%zu entitlements, %zu persons changed\n",
           gained, lost, counts.persons_changed);
    aisf_diff_free(diff);

    /* An iterator outlives its snapshot handle: it keeps the file open. */
    aisf_snapshot_free(snap);
    CHECK_OK(aisf_iter_reset(who));
    CHECK(drain(who, NULL) == persons + accounts);
    CHECK(contains(access, TARGET));
    aisf_iter_free(who);
    aisf_iter_free(access);

    aisf_findings_free(findings);
    aisf_policy_free(policy);
    aisf_snapshot_free(rebuilt);
    printf("queries: all checks passed\n");
    return 0;
}
