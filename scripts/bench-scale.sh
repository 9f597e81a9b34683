#!/usr/bin/env bash
# Scale benchmark: `turquoise schema` on generated histories of 1k, 5k and 10k
# migrations, one process per run, measuring wall time, CPU time (user+sys)
# and peak RSS. Checks the acceptance targets: peak RSS under 200 MiB at 10k,
# and time per migration at 10k within 2x of that at 1k (linear scaling).
#
#   scripts/bench-scale.sh            # sizes 1000 5000 10000, diesel layout
#   SIZES="1000 2000" LAYOUT=golang-migrate RUNS=5 scripts/bench-scale.sh
#
# Also times the three real corpora (../shared/corpora) as separate processes
# when they are present, for a process-level view of the 0.5 s CPU budget.
#
# Needs cargo and python3 (standard library only: the generator, and the
# measuring wrapper below, which reads getrusage(RUSAGE_CHILDREN) after each
# run -- the same ru_maxrss that `/usr/bin/time -v` prints as "Maximum
# resident set size", but with microsecond CPU times instead of 10 ms ones).
# Exits 1 when a target fails.
set -euo pipefail

cd "$(dirname "$0")/.."
SIZES=${SIZES:-"1000 5000 10000"}
LAYOUT=${LAYOUT:-diesel}
SEED=${SEED:-1}
RUNS=${RUNS:-3}
RSS_LIMIT_MIB=200
LINEARITY_LIMIT=2.0

cargo build --release --quiet
BIN=target/release/turquoise

WORK=$(mktemp -d "${TMPDIR:-/tmp}/turquoise-bench-scale.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# measure DIR...: runs "$BIN schema DIR" once per DIR in its own process, RUNS
# times; prints "median_wall_s median_cpu_s max_peak_rss_kib" for the set.
measure() {
    python3 - "$BIN" "$RUNS" "$@" <<'EOF'
import resource, statistics, subprocess, sys, time
binary, runs, dirs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
walls, cpus, peak = [], [], 0
for _ in range(runs):
    wall = cpu = 0.0
    for d in dirs:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        r = subprocess.run([binary, "schema", d], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        wall += time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if r.returncode not in (0, 1):
            sys.exit(f"{binary} schema {d}: exit status {r.returncode}")
        cpu += (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        # ru_maxrss of children is the largest of any child so far (KiB on Linux).
        peak = max(peak, after.ru_maxrss)
    walls.append(wall)
    cpus.append(cpu)
print(f"{statistics.median(walls):.4f} {statistics.median(cpus):.4f} {peak}")
EOF
}

# calc EXPR: floating-point arithmetic and comparisons (1 or 0).
calc() { awk "BEGIN { print ($1) }"; }

status=0
echo "turquoise scale benchmark: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, layout $LAYOUT, seed $SEED, median of $RUNS runs"
echo

CORPORA=../shared/corpora
corpus_dirs=()
for d in crates.io/migrations docs.rs/crates/lib/docs_rs_database/migrations openmeter/tools/migrate/migrations; do
    [ -d "$CORPORA/$d" ] && corpus_dirs+=("$CORPORA/$d")
done
if [ ${#corpus_dirs[@]} -eq 3 ]; then
    read -r wall cpu rss < <(measure "${corpus_dirs[@]}")
    printf '%-22s wall %6.3f s   cpu %6.3f s   peak RSS %6.1f MiB\n' \
        "three corpora (3 procs)" "$wall" "$cpu" "$(calc "$rss / 1024")"
    echo
else
    echo "SKIP corpora: not all three found under $CORPORA"
    echo
fi

printf '%-8s %10s %10s %14s %14s\n' size "wall s" "cpu s" "peak RSS MiB" "cpu/migr µs"
first_per=""
first_n=""
last_per=""
last_n=""
last_rss=""
for n in $SIZES; do
    dir="$WORK/$LAYOUT-$n"
    python3 scripts/gen-history.py --count "$n" --layout "$LAYOUT" --seed "$SEED" --out "$dir" 2>/dev/null
    read -r wall cpu rss < <(measure "$dir")
    per=$(calc "$cpu * 1000000 / $n")
    mib=$(calc "$rss / 1024")
    printf '%-8s %10.3f %10.3f %14.1f %14.1f\n' "$n" "$wall" "$cpu" "$mib" "$per"
    [ -z "$first_per" ] && { first_per=$per; first_n=$n; }
    last_per=$per
    last_n=$n
    last_rss=$mib
    rm -rf "$dir"
done
echo

ratio=$(calc "$last_per / $first_per")
printf 'cpu per migration, %s vs %s: %.2fx\n' "$last_n" "$first_n" "$ratio"
if [ "$(calc "$ratio <= $LINEARITY_LIMIT")" = 1 ]; then
    echo "PASS linearity: per-migration time at $last_n within ${LINEARITY_LIMIT}x of $first_n"
else
    echo "FAIL linearity: per-migration time at $last_n is ${ratio}x that of $first_n (limit ${LINEARITY_LIMIT}x)"
    status=1
fi
if [ "$(calc "$last_rss < $RSS_LIMIT_MIB")" = 1 ]; then
    printf 'PASS peak RSS at %s: %.1f MiB < %s MiB\n' "$last_n" "$last_rss" "$RSS_LIMIT_MIB"
else
    printf 'FAIL peak RSS at %s: %.1f MiB >= %s MiB\n' "$last_n" "$last_rss" "$RSS_LIMIT_MIB"
    status=1
fi
exit $status
