/* The header can be included twice, compiles as strict C11, and its version
 * macros agree with the library it is linked with. */
#include "aisf.h"
#include "aisf.h"

#include "check.h"

int main(void) {
    uint32_t major = 99, minor = 99, patch = 99;
    CHECK_OK(aisf_version(&major, &minor, &patch));
    CHECK(major == AISF_VERSION_MAJOR);
    CHECK(minor == AISF_VERSION_MINOR);
    CHECK(patch == AISF_VERSION_PATCH);

    char expected[64];
    snprintf(expected, sizeof expected, "%u.%u.%u", (unsigned)AISF_VERSION_MAJOR,
             (unsigned)AISF_VERSION_MINOR, (unsigned)AISF_VERSION_PATCH);
    CHECK(strcmp(aisf_version_string(), expected) == 0);

    CHECK(strcmp(aisf_result_name(AISF_RESULT_OK), "AISF_RESULT_OK") == 0);
    CHECK(strcmp(aisf_result_name(AISF_RESULT_NOT_FOUND), "AISF_RESULT_NOT_FOUND") == 0);
    CHECK(strcmp(aisf_result_name(9999), "AISF_RESULT_UNKNOWN") == 0);
    CHECK(AISF_RESULT_NULL_ARGUMENT / 10 == 1 && AISF_RESULT_OPEN_IO / 10 == 2);
    CHECK(AISF_RESULT_INGEST_IO / 10 == 3 && AISF_RESULT_POLICY_IO / 10 == 4);
    CHECK(AISF_RESULT_IO / 10 == 5 && AISF_RESULT_PANIC / 10 == 9);
    printf("aisf %s\n", aisf_version_string());
    return 0;
}
