#!/usr/bin/env bash
# Lint speed against squawk: CPU time (user+sys) of `turquoise lint` on the
# three corpora (the full history of each, output to /dev/null) and of
# `squawk` on the same .sql files (every *.sql under each corpus's migrations
# folder, one squawk process per corpus), measured in the same run, median of
# RUNS runs. Target: turquoise/squawk <= 0.30.
#
#   scripts/bench-lint.sh
#   RUNS=9 TURQUOISE_CORPORA=/path/to/corpora SQUAWK=/path/to/squawk scripts/bench-lint.sh
#
# squawk comes from `pip install squawk-cli`. Without it, only turquoise is
# measured. A pyenv shim is resolved to the real binary (`pyenv which`), so
# the shim's bash and pyenv start-up are not counted against squawk.
#
# CPU comes from getrusage(RUSAGE_CHILDREN) around each process, read by a
# stdlib-only python3 wrapper (microsecond resolution; /usr/bin/time has
# 10 ms). Runs alternate between the tools, so a change in the machine's load
# hits both. Both tools run in an empty temporary folder, so neither reads a
# configuration file. Exits 1 when the ratio is above the target, 2 when
# the corpora are missing.
set -euo pipefail

cd "$(dirname "$0")/.."
CORPORA=${TURQUOISE_CORPORA:-../shared/corpora}
RUNS=${RUNS:-5}
TARGET=0.30

names=(crates.io docs.rs openmeter)
subdirs=(crates.io/migrations docs.rs/crates/lib/docs_rs_database/migrations openmeter/tools/migrate/migrations)
dirs=()
for i in "${!names[@]}"; do
    d="$CORPORA/${subdirs[$i]}"
    if [ ! -d "$d" ]; then
        echo "bench-lint: corpus ${names[$i]} not found at $d (set TURQUOISE_CORPORA)" >&2
        exit 2
    fi
    dirs+=("$(cd "$d" && pwd)")
done

cargo build --release --quiet
BIN=$PWD/target/release/turquoise

# The squawk binary: $SQUAWK, else the one on PATH, with a pyenv shim
# resolved to what it runs.
squawk=${SQUAWK:-}
if [ -z "$squawk" ]; then
    squawk=$(python3 -c 'import shutil; print(shutil.which("squawk") or "")')
    if [[ "$squawk" == */shims/* ]] && command -v pyenv >/dev/null; then
        squawk=$(pyenv which squawk 2>/dev/null || true)
    fi
fi
if [ -n "$squawk" ] && ! "$squawk" --version >/dev/null 2>&1; then
    echo "bench-lint: $squawk does not run; measuring turquoise only" >&2
    squawk=""
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/turquoise-bench-lint.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

echo "lint speed: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'), median of $RUNS runs"
echo "turquoise: $("$BIN" --version)"
if [ -n "$squawk" ]; then
    echo "squawk:    $("$squawk" --version) ($squawk)"
else
    echo "squawk:    not installed (pip install squawk-cli); measuring turquoise only"
fi
echo

cd "$WORK"
python3 - "$BIN" "$squawk" "$RUNS" "$TARGET" "${names[@]}" -- "${dirs[@]}" <<'EOF'
import os, resource, statistics, subprocess, sys, time

binary, squawk, runs, target = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
rest = sys.argv[5:]
sep = rest.index("--")
names, dirs = rest[:sep], rest[sep + 1:]

def sql_files(d):
    out = []
    for root, _, files in os.walk(d):
        out.extend(os.path.join(root, f) for f in files if f.endswith(".sql"))
    return sorted(out)

files = [sql_files(d) for d in dirs]
tools = {"turquoise": [[binary, "lint", d] for d in dirs]}
if squawk:
    tools["squawk"] = [[squawk] + fs for fs in files]

def measure(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # Both exit 1 when they find something; anything else is a failure.
    if r.returncode not in (0, 1):
        sys.exit(f"bench-lint: {' '.join(cmd[:3])} ...: exit status {r.returncode}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall

# cpu[tool][corpus] = list of runs; totals per run.
cpu = {t: [[] for _ in dirs] for t in tools}
total = {t: [] for t in tools}
wall = {t: [] for t in tools}
for _ in range(runs):
    for t, cmds in tools.items():
        c_sum = w_sum = 0.0
        for i, cmd in enumerate(cmds):
            c, w = measure(cmd)
            cpu[t][i].append(c)
            c_sum += c
            w_sum += w
        total[t].append(c_sum)
        wall[t].append(w_sum)

med = statistics.median
header = f"{'corpus':<11} {'.sql files':>10}" + "".join(f" {t + ' CPU s':>15}" for t in tools)
print(header)
for i, n in enumerate(names):
    print(f"{n:<11} {len(files[i]):>10}" + "".join(f" {med(cpu[t][i]):>15.3f}" for t in tools))
print(f"{'total':<11} {sum(map(len, files)):>10}" + "".join(f" {med(total[t]):>15.3f}" for t in tools))
print(f"{'(wall)':<11} {'':>10}" + "".join(f" {med(wall[t]):>15.3f}" for t in tools))
print()
if "squawk" not in tools:
    print(f"turquoise: {med(total['turquoise']):.3f} s CPU; no squawk to compare with")
    sys.exit(0)
ratio = med(total["turquoise"]) / med(total["squawk"])
verdict = "PASS" if ratio <= target else "FAIL"
print(f"ratio turquoise/squawk (median CPU totals): {ratio:.2f} (target <= {target:.2f}): {verdict}")
sys.exit(0 if verdict == "PASS" else 1)
EOF
