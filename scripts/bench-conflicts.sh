#!/usr/bin/env bash
# Speed of `turquoise conflicts` on a real history: the crates.io corpus (a
# diesel layout) committed to a throwaway git repository up to 20 migrations
# before its end, then those 20 split between two branches, every other one
# (so the branch's migrations interleave with main's: out of order, and the
# two sets of changes replayed in both orders from the shared prefix).
# Wall time of `turquoise conflicts --base main` from the branch's working
# tree, median of RUNS runs. Target: under 1 s.
#
#   scripts/bench-conflicts.sh
#   RUNS=9 TURQUOISE_CORPORA=/path/to/corpora scripts/bench-conflicts.sh
#   TURQUOISE_BIN=target/debug/turquoise scripts/bench-conflicts.sh   # no release build
#   KEEP=1 scripts/bench-conflicts.sh    # keep the repository, and say where
#
# Exits 1 when the median is over the target, 2 when the corpus is missing.
set -euo pipefail

cd "$(dirname "$0")/.."
CORPORA=${TURQUOISE_CORPORA:-../shared/corpora}
RUNS=${RUNS:-5}
SPLIT=${SPLIT:-20}
TARGET=1.0

src="$CORPORA/crates.io/migrations"
if [ ! -d "$src" ]; then
    echo "bench-conflicts: crates.io corpus not found at $src (set TURQUOISE_CORPORA)" >&2
    exit 2
fi
src=$(cd "$src" && pwd)

if [ -n "${TURQUOISE_BIN:-}" ]; then
    BIN=$(cd "$(dirname "$TURQUOISE_BIN")" && pwd)/$(basename "$TURQUOISE_BIN")
else
    cargo build --release --quiet
    BIN=$PWD/target/release/turquoise
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/turquoise-bench-conflicts.XXXXXX")
[ -n "${KEEP:-}" ] && echo "kept $WORK" || trap 'rm -rf "$WORK"' EXIT
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_CEILING_DIRECTORIES=$(dirname "$WORK")
git() { command git -C "$WORK" -c user.name=bench -c user.email=bench@example.com -c commit.gpgsign=false "$@"; }

# The migration folders in the order diesel runs them (their names sort so).
mapfile -t all < <(find "$src" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | LC_ALL=C sort)
n=${#all[@]}
if [ "$n" -le "$SPLIT" ]; then
    echo "bench-conflicts: only $n migrations in $src" >&2
    exit 2
fi
shared=$((n - SPLIT))
mkdir -p "$WORK/migrations"
git init -q -b main
for m in "${all[@]:0:$shared}"; do cp -r "$src/$m" "$WORK/migrations/"; done
git add -A && git commit -q -m "shared history"
git checkout -q -b feature
for ((i = shared + 1; i < n; i += 2)); do cp -r "$src/${all[$i]}" "$WORK/migrations/"; done
git add -A && git commit -q -m "the branch"
git checkout -q main
for ((i = shared; i < n; i += 2)); do cp -r "$src/${all[$i]}" "$WORK/migrations/"; done
git add -A && git commit -q -m "main moves on"
git checkout -q feature

echo "conflicts speed: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'), median of $RUNS runs"
echo "turquoise: $("$BIN" --version) ($BIN)"
echo "crates.io: $n migrations, $shared shared, $(( (SPLIT + 1) / 2 )) added on main, $(( SPLIT / 2 )) on the branch"
echo

cd "$WORK"
python3 - "$BIN" "$RUNS" "$TARGET" <<'EOF'
import json, resource, statistics, subprocess, sys, time
from collections import Counter

binary, runs, target = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
cmd = [binary, "conflicts", "--base", "main", "--format", "json"]
walls, cpus, out = [], [], ""
for _ in range(runs):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    walls.append(time.perf_counter() - t0)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    if r.returncode not in (0, 1):
        sys.exit(f"bench-conflicts: exit status {r.returncode}: {r.stderr.strip()}")
    out = r.stdout
counts = Counter(f["rule"] for f in json.loads(out)["findings"])
print("findings: " + (", ".join(f"{n} {rule}" for rule, n in sorted(counts.items())) or "none"))
wall = statistics.median(walls)
print(f"conflicts: {wall:.3f} s wall, {statistics.median(cpus):.3f} s CPU (median)")
verdict = "PASS" if wall < target else "FAIL"
print(f"target < {target:.1f} s: {verdict}")
sys.exit(0 if verdict == "PASS" else 1)
EOF
