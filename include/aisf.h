/*
 * aisf.h: the C interface of AISF, an embedded identity-governance graph
 * engine. Open a snapshot of an organisation's identities, ask who can
 * reach what and why, check it against a policy, compare two snapshots.
 *
 * Link with -laisf_ffi (the shared library) or with libaisf_ffi.a and
 * -lpthread -ldl -lm -lrt -lutil. Every name starts with aisf_ or AISF_.
 *
 * RESULTS AND ERRORS
 *   Every call that can fail returns an aisf_result: AISF_RESULT_OK (0) on
 *   success, AISF_RESULT_END (1) when an iterator is exhausted, and an
 *   error code otherwise, grouped by tens (1x arguments, 2x opening, 3x
 *   ingest and build, 4x policy, 5x writing, 9x internal). On an error,
 *   aisf_last_error() copies a message naming the file and the place into
 *   a buffer of yours; the message is per thread, and a call returning
 *   AISF_RESULT_OK clears it (calls that return no aisf_result leave it).
 *   A NULL where a handle, string or out pointer is required gives
 *   AISF_RESULT_NULL_ARGUMENT, never a crash; a string that is not UTF-8
 *   gives AISF_RESULT_INVALID_UTF8. No Rust panic crosses into C: a
 *   caught one gives AISF_RESULT_PANIC. On an error, out pointers are left
 *   as they were.
 *
 * OWNERSHIP
 *   Each handle (aisf_snapshot, aisf_builder, aisf_policy, aisf_findings,
 *   aisf_iter, aisf_diff) is made by one call that writes it through an
 *   out pointer, and is yours to free once with its aisf_<noun>_free().
 *   Every _free accepts NULL and does nothing then. Freeing a handle twice,
 *   or using one after freeing it, is undefined behaviour that the library
 *   cannot detect (valgrind and AddressSanitizer can).
 *   Strings you pass are read during the call only: the library copies
 *   what it keeps. Strings the library returns are never yours to free:
 *   - in an aisf_node or aisf_access_change, they belong to the iterator
 *     or diff and stay valid until its next _next() call or its _free;
 *   - in an aisf_finding, they belong to the list and live until it is
 *     freed;
 *   - aisf_version_string() and aisf_result_name() return static strings.
 *   Copy a string to keep it longer. A NULL string field means "none".
 *
 * LIFETIMES
 *   An iterator (aisf_iter) keeps its snapshot open: the snapshot handle
 *   may be freed first, and the file is unmapped when the last user is
 *   freed. A findings list and a diff copy what they need and depend on
 *   no other handle. A snapshot file must not be modified or truncated
 *   while it is open (AISF itself writes a new file and renames it into
 *   place, so open snapshots keep the old one).
 *
 * THREADS
 *   An aisf_snapshot is immutable: one handle may be queried from any
 *   number of threads at once (every query takes a const pointer). So may
 *   an aisf_policy and an aisf_findings list. An aisf_iter, aisf_diff or
 *   aisf_builder changes as it is used: one thread at a time (a handle may
 *   move between threads). Error messages are kept per thread. Scans and
 *   diffs use a pool of worker threads inside the library.
 *
 * ABI STABILITY
 *   Until version 1.0 the ABI may change with the minor version; from 1.0
 *   on it changes only with the major version. Result codes keep their
 *   numbers; new codes and functions may be added in a minor version, so
 *   treat an unknown code as an error. The layouts of the structs you
 *   allocate (aisf_node, aisf_finding...) change only when the ABI may
 *   change: they are written by the library, never read. Check at run
 *   time that aisf_version() reports the AISF_VERSION_MAJOR (and, before
 *   1.0, the AISF_VERSION_MINOR) you compiled against. Handles are opaque:
 *   their layout is not part of the ABI.
 */

#ifndef AISF_H
#define AISF_H

/* Generated from the aisf-ffi crate by cbindgen: do not edit. To change it,
 * change the Rust code and run `AISF_BLESS=1 cargo test -p aisf-ffi --test header`. */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/**
 * The major version of this library: a change breaks the ABI.
 */
#define AISF_VERSION_MAJOR 0

/**
 * The minor version: from 1.0 on, additions that keep the ABI (before
 * 1.0 a new minor version may change it).
 */
#define AISF_VERSION_MINOR 1

/**
 * The patch version: fixes only.
 */
#define AISF_VERSION_PATCH 0

/**
 * The result of every fallible call.
 *
 * Codes are grouped by area, in tens: 0 and 1 are not errors; 1x are
 * argument errors; 2x opening a snapshot; 3x ingesting and building; 4x
 * policies; 5x writing files; 9x internal errors. A code never changes
 * its number; new codes may be added within a group. On any code other
 * than OK and END, aisf_last_error() gives a message naming the file and
 * the place.
 */
typedef enum aisf_result {
  /**
   * The call succeeded.
   */
  AISF_RESULT_OK = 0,
  /**
   * An iterator has no more items (not an error).
   */
  AISF_RESULT_END = 1,
  /**
   * A required pointer argument was NULL.
   */
  AISF_RESULT_NULL_ARGUMENT = 10,
  /**
   * A string argument is not valid UTF-8.
   */
  AISF_RESULT_INVALID_UTF8 = 11,
  /**
   * A name or id matches no node (or more than one).
   */
  AISF_RESULT_NOT_FOUND = 12,
  /**
   * An argument is out of range (an index past the end, zero people).
   */
  AISF_RESULT_INVALID_ARGUMENT = 13,
  /**
   * A snapshot file could not be read.
   */
  AISF_RESULT_OPEN_IO = 20,
  /**
   * The file is not an AISF snapshot.
   */
  AISF_RESULT_NOT_A_SNAPSHOT = 21,
  /**
   * The snapshot was written by a newer major version of the format.
   */
  AISF_RESULT_NEWER_VERSION = 22,
  /**
   * The snapshot is truncated or damaged, or failed verification.
   */
  AISF_RESULT_DAMAGED = 23,
  /**
   * An input file or folder could not be read.
   */
  AISF_RESULT_INGEST_IO = 30,
  /**
   * An input file is malformed, breaks a limit or has no known format.
   */
  AISF_RESULT_INGEST_FORMAT = 31,
  /**
   * The ingested graph cannot become a snapshot (too large, for one).
   */
  AISF_RESULT_BUILD = 32,
  /**
   * A policy file could not be read.
   */
  AISF_RESULT_POLICY_IO = 40,
  /**
   * A policy is not valid (syntax, unknown key, bad value).
   */
  AISF_RESULT_POLICY_INVALID = 41,
  /**
   * An output file or folder could not be written.
   */
  AISF_RESULT_IO = 50,
  /**
   * A panic inside the library was caught at the boundary.
   */
  AISF_RESULT_PANIC = 90,
  /**
   * Any other internal error.
   */
  AISF_RESULT_INTERNAL = 91,
} aisf_result;

/**
 * How severe a finding is, lowest first.
 */
typedef enum aisf_severity {
  /**
   * Worth knowing, no action needed.
   */
  AISF_SEVERITY_INFO = 0,
  /**
   * Fix when convenient.
   */
  AISF_SEVERITY_LOW = 1,
  /**
   * Fix in the normal course of work.
   */
  AISF_SEVERITY_MEDIUM = 2,
  /**
   * Fix soon.
   */
  AISF_SEVERITY_HIGH = 3,
  /**
   * Fix now.
   */
  AISF_SEVERITY_CRITICAL = 4,
} aisf_severity;

/**
 * Collects input files and folders, then ingests them, links accounts to
 * persons and writes a snapshot. One thread at a time may use a builder.
 * Free it with aisf_builder_free().
 */
typedef struct aisf_builder aisf_builder;

/**
 * What changed between two snapshots of one organisation. Counts are
 * read with aisf_diff_counts(); each entitlement a person or account
 * gained or lost with aisf_diff_next(). One thread at a time may use a
 * diff. Free it with aisf_diff_free().
 */
typedef struct aisf_diff aisf_diff;

/**
 * The findings of one scan, highest risk first. Read only once made: one
 * list may be read by many threads at once. Its strings live as long as
 * the list. Free it with aisf_findings_free().
 */
typedef struct aisf_findings aisf_findings;

/**
 * The nodes a query returned, in order, read one at a time with
 * aisf_iter_next().
 *
 * An iterator keeps its snapshot alive: the snapshot handle may be freed
 * first. One thread at a time may use an iterator (it may move between
 * threads). Free it with aisf_iter_free().
 */
typedef struct aisf_iter aisf_iter;

/**
 * A governance policy: what should exist (business roles, privileged
 * objects by tier, separation of duties, thresholds, exceptions). Read
 * only once made: one policy may be used by many threads at once. Free it
 * with aisf_policy_free().
 */
typedef struct aisf_policy aisf_policy;

/**
 * An open snapshot: one organisation's identity graph, memory-mapped and
 * read-only.
 *
 * Every query takes a const pointer: one handle may be queried from many
 * threads at once. Iterators made from it keep the file open, so the
 * handle may be freed before them. Free it with aisf_snapshot_free().
 */
typedef struct aisf_snapshot aisf_snapshot;

/**
 * What a build read and wrote.
 */
typedef struct aisf_build_report {
  /**
   * Source files read.
   */
  uint64_t sources;
  /**
   * Records skipped by the readers (lenient mode only).
   */
  uint64_t skipped_records;
  /**
   * References to objects no source defined, left out.
   */
  uint64_t unresolved;
  /**
   * Accounts linked to a person by matching (employee id, email...).
   */
  uint64_t matched_accounts;
  /**
   * Nodes written.
   */
  uint64_t nodes;
  /**
   * Edges written.
   */
  uint64_t edges;
  /**
   * Size of the snapshot file in bytes.
   */
  uint64_t file_bytes;
} aisf_build_report;

/**
 * How much changed between two snapshots.
 */
typedef struct aisf_diff_summary {
  /**
   * Persons in the new snapshot only.
   */
  size_t persons_added;
  /**
   * Persons in the old snapshot only.
   */
  size_t persons_removed;
  /**
   * Accounts in the new snapshot only.
   */
  size_t accounts_added;
  /**
   * Accounts in the old snapshot only.
   */
  size_t accounts_removed;
  /**
   * Groups in the new snapshot only.
   */
  size_t groups_added;
  /**
   * Groups in the old snapshot only.
   */
  size_t groups_removed;
  /**
   * Roles in the new snapshot only.
   */
  size_t roles_added;
  /**
   * Roles in the old snapshot only.
   */
  size_t roles_removed;
  /**
   * Entitlements in the new snapshot only.
   */
  size_t entitlements_added;
  /**
   * Entitlements in the old snapshot only.
   */
  size_t entitlements_removed;
  /**
   * Memberships, role assignments, grants and correlations added.
   */
  size_t edges_added;
  /**
   * Those removed.
   */
  size_t edges_removed;
  /**
   * Persons whose effective access changed.
   */
  size_t persons_changed;
  /**
   * Accounts whose effective access changed.
   */
  size_t accounts_changed;
  /**
   * (person or account, entitlement) pairs gained: the gained items
   * aisf_diff_next() gives.
   */
  size_t gained;
  /**
   * Pairs lost: the lost items aisf_diff_next() gives.
   */
  size_t lost;
  /**
   * Changes of lifecycle properties (status, department, title, end
   * date, enabled) on nodes present on both sides.
   */
  size_t property_changes;
} aisf_diff_summary;

/**
 * One entitlement a person or account gained or lost. The strings belong
 * to the diff and stay valid until its next aisf_diff_next() call or
 * until it is freed.
 */
typedef struct aisf_access_change {
  /**
   * The person or account id.
   */
  const char *subject;
  /**
   * "person" or "account".
   */
  const char *subject_kind;
  /**
   * The entitlement id.
   */
  const char *entitlement;
  /**
   * True when gained (reached in the new snapshot only), false when
   * lost.
   */
  bool gained;
  /**
   * Whether the entitlement is privileged (by the policy or its own
   * `privileged` property).
   */
  bool privileged;
} aisf_access_change;

/**
 * One node of a result. The strings belong to the iterator that wrote
 * them and stay valid until its next aisf_iter_next() call or until it is
 * freed; copy them to keep them longer.
 */
typedef struct aisf_node {
  /**
   * The node's number in its snapshot (stable only within that file).
   */
  uint32_t number;
  /**
   * The source id, as given by the export ("ad:group:domain-admins").
   */
  const char *id;
  /**
   * The display name, or NULL when the source gave none.
   */
  const char *name;
  /**
   * The kind: "person", "account", "group", "role", "entitlement",
   * "resource", "system" or a kind the source brought.
   */
  const char *kind;
  /**
   * The system the node belongs to, or NULL.
   */
  const char *system;
  /**
   * For explain paths, the kind of the edge that led to this node
   * ("member_of", "has_role", "grant", "correlation"...); NULL on the
   * first step and for other queries.
   */
  const char *edge;
} aisf_node;

/**
 * One finding. Its strings belong to the list and stay valid until the
 * list is freed.
 */
typedef struct aisf_finding {
  /**
   * The rule's stable id ("leaver-active", "sod-violation"...).
   */
  const char *rule;
  /**
   * The severity (the rule's, or the policy's override).
   */
  enum aisf_severity severity;
  /**
   * The risk score, 0 to 100: higher is worse.
   */
  uint8_t risk;
  /**
   * The person concerned (node id), or NULL.
   */
  const char *person;
  /**
   * The account concerned (node id), or NULL.
   */
  const char *account;
  /**
   * The entitlement concerned (node id), or NULL.
   */
  const char *entitlement;
  /**
   * The system of the account or entitlement, or NULL.
   */
  const char *system;
  /**
   * The policy clause broken, as the policy file writes it.
   */
  const char *clause;
  /**
   * What is wrong, in plain words.
   */
  const char *explanation;
} aisf_finding;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Writes the version of the library actually linked, which may differ
 * from the AISF_VERSION_* macros of the header a program was compiled
 * with: a program should check that the majors agree.
 *
 * # Safety
 *
 * Each of `major`, `minor` and `patch` must be NULL or writable.
 */
enum aisf_result aisf_version(uint32_t *major, uint32_t *minor, uint32_t *patch);

/**
 * The version as text ("0.1.0"): a static string, never to be freed.
 */
const char *aisf_version_string(void);

/**
 * Makes an empty builder, in lenient mode, and writes it to `out`.
 *
 * # Safety
 *
 * `out` must be NULL or writable.
 */
enum aisf_result aisf_builder_new(struct aisf_builder **out);

/**
 * Adds an input: an export file, a folder of them or a zip collection.
 * Formats are detected: SharpHound / BloodHound JSON, OpenGraph, SCIM,
 * LDIF, AISF's CSV bundle and the cloud exports `aisf ingest` reads.
 *
 * # Safety
 *
 * `builder` must be NULL or a live builder used by no other thread;
 * `path` NULL or a NUL-terminated string.
 */
enum aisf_result aisf_builder_add_input(struct aisf_builder *builder, const char *path);

/**
 * In strict mode a file no reader recognises, or a malformed record,
 * fails the build; in lenient mode (the default) it is skipped and
 * counted.
 *
 * # Safety
 *
 * `builder` must be NULL or a live builder used by no other thread.
 */
enum aisf_result aisf_builder_set_strict(struct aisf_builder *builder, bool strict);

/**
 * Reads every input, links accounts to persons and writes the snapshot to
 * `path` atomically: a failed build leaves any file already there as it
 * was. Edges to objects no source defined are left out and counted.
 * Writes what was done to `report` unless it is NULL. The builder keeps
 * its inputs and may build again.
 *
 * # Safety
 *
 * `builder` must be NULL or a live builder used by no other thread;
 * `path` NULL or a NUL-terminated string; `report` NULL or writable.
 */
enum aisf_result aisf_builder_build(struct aisf_builder *builder,
                                    const char *path,
                                    struct aisf_build_report *report);

/**
 * Frees a builder. NULL is ignored.
 *
 * # Safety
 *
 * `builder` must be NULL or a builder not yet freed and no longer used.
 */
void aisf_builder_free(struct aisf_builder *builder);

/**
 * Generates the organisation `aisf demo` shows, with `people` persons
 * (250 in the command's demo), and writes into the folder `dir` (made if
 * missing): `org.aisf`, its snapshot; `policy.toml`, the policy it was
 * built to; `exports/`, its exports as a CSV bundle a builder can ingest.
 * The same `people` always gives the same files, byte for byte.
 *
 * # Safety
 *
 * `dir` must be NULL or a NUL-terminated string.
 */
enum aisf_result aisf_demo_write(const char *dir, size_t people);

/**
 * Compares an older and a newer snapshot of one organisation, matching
 * nodes by their source ids; `policy` marks privileged entitlements.
 * Writes a new diff to `out`.
 *
 * # Safety
 *
 * `old`, `new` and `policy` must be NULL or live handles; `out` NULL or
 * writable.
 */
enum aisf_result aisf_diff_new(const struct aisf_snapshot *old,
                               const struct aisf_snapshot *new_,
                               const struct aisf_policy *policy,
                               struct aisf_diff **out);

/**
 * Writes the counts of a diff to `out`.
 *
 * # Safety
 *
 * `diff` must be NULL or a live diff; `out` NULL or writable.
 */
enum aisf_result aisf_diff_counts(const struct aisf_diff *diff, struct aisf_diff_summary *out);

/**
 * Writes the next entitlement gained or lost to `out`: persons first,
 * then accounts, each subject's gains before its losses, privileged
 * entitlements first. Returns AISF_RESULT_END when all have been read.
 *
 * # Safety
 *
 * `diff` must be NULL or a live diff used by no other thread; `out` NULL
 * or writable.
 */
enum aisf_result aisf_diff_next(struct aisf_diff *diff, struct aisf_access_change *out);

/**
 * Frees a diff. NULL is ignored.
 *
 * # Safety
 *
 * `diff` must be NULL or a diff not yet freed and no longer used.
 */
void aisf_diff_free(struct aisf_diff *diff);

/**
 * Copies the calling thread's last error message into `buf`.
 *
 * Writes at most `len` bytes: the message, cut at a UTF-8 character
 * boundary if it does not fit, then a NUL. Returns the length of the
 * whole message in bytes, without the NUL: when it is `len` or more the
 * copy was cut, and a buffer of the returned length plus one holds it.
 * Passing NULL and 0 asks for the length alone. The message is empty when
 * the thread's last fallible call succeeded. Never fails.
 *
 * # Safety
 *
 * `buf` must be NULL or point to at least `len` writable bytes.
 */
size_t aisf_last_error(char *buf, size_t len);

/**
 * The name of a result code as the header spells it
 * ("AISF_RESULT_NOT_FOUND"), or "AISF_RESULT_UNKNOWN" for a number that
 * is no code. The string is static: never free it.
 */
const char *aisf_result_name(uint32_t code);

/**
 * The number of nodes in the result, whatever has been read. Returns 0
 * for NULL.
 *
 * # Safety
 *
 * `iter` must be NULL or a live iterator.
 */
size_t aisf_iter_len(const struct aisf_iter *iter);

/**
 * Writes the next node to `out`: returns AISF_RESULT_OK with a node,
 * AISF_RESULT_END (leaving `out` as it was) when every node has been
 * read.
 *
 * # Safety
 *
 * `iter` must be NULL or a live iterator used by no other thread during
 * the call; `out` must be NULL or point to writable memory for one
 * aisf_node.
 */
enum aisf_result aisf_iter_next(struct aisf_iter *iter, struct aisf_node *out);

/**
 * Starts the iteration again from the first node.
 *
 * # Safety
 *
 * `iter` must be NULL or a live iterator used by no other thread during
 * the call.
 */
enum aisf_result aisf_iter_reset(struct aisf_iter *iter);

/**
 * Frees an iterator and the strings it wrote. NULL is ignored.
 *
 * # Safety
 *
 * `iter` must be NULL or an iterator not yet freed; it must not be used
 * afterwards.
 */
void aisf_iter_free(struct aisf_iter *iter);

/**
 * Reads a policy file (TOML, see examples/policy.toml) and writes a new
 * handle to `out`. AISF_RESULT_POLICY_INVALID names the file, line, column
 * and key of the first problem.
 *
 * # Safety
 *
 * `path` must be NULL or a NUL-terminated string; `out` NULL or writable.
 */
enum aisf_result aisf_policy_load(const char *path, struct aisf_policy **out);

/**
 * Reads a policy from TOML text; `name` is the name error messages give
 * it (a file name, say). Writes a new handle to `out`.
 *
 * # Safety
 *
 * `text` and `name` must be NULL or NUL-terminated strings; `out` NULL or
 * writable.
 */
enum aisf_result aisf_policy_parse(const char *text, const char *name, struct aisf_policy **out);

/**
 * The built-in policy: default thresholds and the built-in privileged
 * objects (Domain Admins, Global Administrator, AdministratorAccess...).
 * Writes a new handle to `out`.
 *
 * # Safety
 *
 * `out` must be NULL or writable.
 */
enum aisf_result aisf_policy_default(struct aisf_policy **out);

/**
 * Frees a policy. NULL is ignored.
 *
 * # Safety
 *
 * `policy` must be NULL or a policy not yet freed and no longer used.
 */
void aisf_policy_free(struct aisf_policy *policy);

/**
 * Checks a snapshot against a policy: every finding of the 21 rules the
 * policy leaves on, ranked by risk, at the policy's `thresholds.now` or
 * else the current time. Writes a new list to `out`.
 *
 * # Safety
 *
 * `snapshot` and `policy` must be NULL or live handles; `out` NULL or
 * writable.
 */
enum aisf_result aisf_snapshot_scan(const struct aisf_snapshot *snapshot,
                                    const struct aisf_policy *policy,
                                    struct aisf_findings **out);

/**
 * The number of findings in the list; 0 for NULL.
 *
 * # Safety
 *
 * `findings` must be NULL or a live list.
 */
size_t aisf_findings_len(const struct aisf_findings *findings);

/**
 * Writes finding number `index` (0 is the highest risk) to `out`.
 * AISF_RESULT_INVALID_ARGUMENT when `index` is past the end.
 *
 * # Safety
 *
 * `findings` must be NULL or a live list; `out` NULL or writable.
 */
enum aisf_result aisf_findings_get(const struct aisf_findings *findings,
                                   size_t index,
                                   struct aisf_finding *out);

/**
 * Frees a list of findings and its strings. NULL is ignored.
 *
 * # Safety
 *
 * `findings` must be NULL or a list not yet freed and no longer used.
 */
void aisf_findings_free(struct aisf_findings *findings);

/**
 * Opens the snapshot file at `path` (UTF-8) and writes a new handle to
 * `out`.
 *
 * Checks the framing of the file (header, section table, footer), not
 * every byte: call aisf_snapshot_verify() for files from elsewhere. The
 * file must not be modified while open; AISF never does (a new state is
 * a new file renamed into place).
 *
 * # Safety
 *
 * `path` must be NULL or a NUL-terminated string; `out` must be NULL or
 * point to writable memory for one pointer.
 */
enum aisf_result aisf_snapshot_open(const char *path, struct aisf_snapshot **out);

/**
 * Checks every byte of the snapshot against its checksums and the
 * format's invariants: AISF_RESULT_DAMAGED names the first problem.
 * The cost grows with the file.
 *
 * # Safety
 *
 * `snapshot` must be NULL or a live snapshot handle.
 */
enum aisf_result aisf_snapshot_verify(const struct aisf_snapshot *snapshot);

/**
 * Frees a snapshot handle. NULL is ignored. Iterators made from it stay
 * valid: the file is closed when the last of them is freed.
 *
 * # Safety
 *
 * `snapshot` must be NULL or a handle not yet freed; it must not be used
 * afterwards, and no other thread may be using it.
 */
void aisf_snapshot_free(struct aisf_snapshot *snapshot);

/**
 * Writes the number of nodes and of edges to `nodes` and `edges`.
 *
 * # Safety
 *
 * `snapshot` must be NULL or a live handle; `nodes` and `edges` must be
 * NULL or writable.
 */
enum aisf_result aisf_snapshot_counts(const struct aisf_snapshot *snapshot,
                                      size_t *nodes,
                                      size_t *edges);

/**
 * Finds a node by id, else by name, else by email (a name or email must
 * match exactly one node), and writes its number to `number`.
 * AISF_RESULT_NOT_FOUND when nothing (or more than one node) matches.
 *
 * # Safety
 *
 * `snapshot` must be NULL or a live handle; `key` NULL or a
 * NUL-terminated string; `number` NULL or writable.
 */
enum aisf_result aisf_snapshot_resolve(const struct aisf_snapshot *snapshot,
                                       const char *key,
                                       uint32_t *number);

/**
 * The effective access of a person or account (`subject`: an id, name or
 * email, see aisf_snapshot_resolve()): every group, role, entitlement and
 * resource it reaches through memberships, roles and grants, a person
 * through each of their accounts too. Nodes come in number order, which
 * keeps each kind together. Writes a new iterator to `out`.
 *
 * # Safety
 *
 * `snapshot` must be NULL or a live handle; `subject` NULL or a
 * NUL-terminated string; `out` NULL or writable.
 */
enum aisf_result aisf_snapshot_access(const struct aisf_snapshot *snapshot,
                                      const char *subject,
                                      struct aisf_iter **out);

/**
 * Who can reach `target` (an entitlement, resource, group or role, by id,
 * name or email): the persons first, then the accounts, each in number
 * order. A person counts when one of their accounts reaches the target
 * or they hold it directly. Writes a new iterator to `out`.
 *
 * # Safety
 *
 * `snapshot` must be NULL or a live handle; `target` NULL or a
 * NUL-terminated string; `out` NULL or writable.
 */
enum aisf_result aisf_snapshot_who(const struct aisf_snapshot *snapshot,
                                   const char *target,
                                   struct aisf_iter **out);

/**
 * The shortest path that justifies the access of `subject` to `target`
 * (each an id, name or email): the subject first, then each node on the
 * way with the kind of the edge that led to it (aisf_node.edge), the
 * target last. The iterator is empty when the subject has no such access.
 *
 * # Safety
 *
 * `snapshot` must be NULL or a live handle; `subject` and `target` NULL
 * or NUL-terminated strings; `out` NULL or writable.
 */
enum aisf_result aisf_snapshot_explain(const struct aisf_snapshot *snapshot,
                                       const char *subject,
                                       const char *target,
                                       struct aisf_iter **out);

/**
 * The nodes of a kind (`kind`: "person", "account", "group", "role",
 * "entitlement", "resource", "system" or a kind the sources brought;
 * NULL for every kind) whose boolean property `property` is `value`
 * (NULL `property` for no property test), in number order. For example
 * kind "account", property "enabled", value false: the disabled accounts.
 *
 * # Safety
 *
 * `snapshot` must be NULL or a live handle; `kind` and `property` NULL
 * or NUL-terminated strings; `out` NULL or writable.
 */
enum aisf_result aisf_snapshot_filter(const struct aisf_snapshot *snapshot,
                                      const char *kind,
                                      const char *property,
                                      bool value,
                                      struct aisf_iter **out);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* AISF_H */
