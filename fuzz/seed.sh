#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with starting inputs: the project's test
# fixtures, each given to the target that reads its format, plus the small
# hand-made seeds committed in fuzz/seeds/. Safe to run again: existing
# corpus files are kept (the fuzzer's own finds included).
set -euo pipefail
cd "$(dirname "$0")"
fx=../tests/fixtures
corpus=corpus

put() { # put TARGET FILE...
    local target=$1; shift
    mkdir -p "$corpus/$target"
    for f in "$@"; do
        [ -f "$f" ] && cp "$f" "$corpus/$target/$(basename "$(dirname "$f")")-$(basename "$f")"
    done
    return 0
}

put ingest_sharphound "$fx"/bloodhound-docs-ad-sample/*.json
put ingest_opengraph "$fx"/opengraph-*/*.json
put ingest_scim "$fx"/scim-rfc-examples/*.json
put ingest_ldif "$fx"/ldif-openldap/*.ldif "$fx"/midpoint-*/*.ldif
put ingest_aws "$fx"/aws-iam-*/*.json
put ingest_entra "$fx"/cartography-testdata/entra_*.json "$fx"/entra-*/*.json
put ingest_okta "$fx"/cartography-testdata/okta_*.json "$fx"/okta-openapi-examples/*.json
put ingest_zip "$fx"/goad-sharphound/*.zip
put policy_parse ../examples/policy.toml

# Google Workspace for ingest_cloud: its first byte chooses the reader
# (even: Google, odd: the AWS credential report).
mkdir -p "$corpus/ingest_cloud"
for f in "$fx"/cartography-testdata/g*_api.json; do
    { printf '\0'; cat "$f"; } > "$corpus/ingest_cloud/$(basename "$f")"
done

# The CSV bundle as one input: its files in reading order, NUL-separated
# (an absent file is an empty part).
mkdir -p "$corpus/ingest_csv_bundle"
bundle="$corpus/ingest_csv_bundle/fixture-bundle"
: > "$bundle"
first=1
for name in systems persons accounts groups roles resources entitlements memberships grants \
    role_assignments ownership; do
    [ $first = 1 ] || printf '\0' >> "$bundle"
    first=0
    [ -f "$fx/csv-bundle/$name.csv" ] && cat "$fx/csv-bundle/$name.csv" >> "$bundle"
done

# A real snapshot for snapshot_open: the CSV bundle fixture, built by the
# aisf command when a build of it is at hand (cargo test builds one).
mkdir -p "$corpus/snapshot_open"
target_dir=${CARGO_TARGET_DIR:-../target}
for aisf in "$target_dir/debug/aisf" "$target_dir/release/aisf"; do
    if [ -x "$aisf" ]; then
        "$aisf" ingest "$fx/csv-bundle" --out "$corpus/snapshot_open/csv-bundle.aisf" >/dev/null
        break
    fi
done

for dir in seeds/*/; do
    target=$(basename "$dir")
    mkdir -p "$corpus/$target"
    cp "$dir"* "$corpus/$target/"
done
echo "corpus ready: $(find "$corpus" -type f | wc -l) files in $(ls "$corpus" | wc -l) targets"
