#!/usr/bin/env bash
# Apply a migration folder's up scripts in order to a database with psql, the
# way the framework would: each in one transaction, except diesel folders
# with `run_in_transaction = false` and files using CONCURRENTLY.
#
#   scripts/apply-history.sh DIR diesel|golang-migrate CONNINFO
#
# Used to check scripts/gen-history.py output and migrations-example against
# a real server. Stops at the first failing migration.
set -euo pipefail

dir=$1 layout=$2 conninfo=$3
case $layout in
    diesel) ups=$(find "$dir" -mindepth 2 -maxdepth 2 -name up.sql | sort) ;;
    golang-migrate) ups=$(find "$dir" -maxdepth 1 -name '*.up.sql' | sort) ;;
    *) echo "unknown layout $layout" >&2; exit 2 ;;
esac

n=0
for up in $ups; do
    single=(-1)
    if grep -q 'run_in_transaction *= *false' "$(dirname "$up")/metadata.toml" 2>/dev/null \
        || grep -qi 'concurrently' "$up"; then
        single=()
    fi
    if ! psql -X -q -v ON_ERROR_STOP=1 "${single[@]}" -d "$conninfo" -f "$up" >/dev/null; then
        echo "FAILED at $up (after $n migrations)" >&2
        exit 1
    fi
    n=$((n + 1))
done
echo "applied $n migrations from $dir"
