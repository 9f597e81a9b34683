//! Pipeline benchmarks: discover + split + parse + replay, timed the way the
//! acceptance targets are stated (see `docs/performance.md`).
//!
//! Sections, all run by `cargo bench` (or pick some: `cargo bench --
//! corpora stages scale memory`):
//!
//! - `corpora`: `history::load` on each real corpus and on the three together,
//!   wall and process CPU time, PASS/FAIL against the 0.5 s CPU budget.
//! - `stages`: the same inputs cut into discovery, splitting, parsing and
//!   replay, to say where the time goes.
//! - `scale`: generated histories of 1k, 5k and 10k migrations
//!   (`scripts/gen-history.py`, written once under `target/bench-histories`),
//!   time per migration and the 10k/1k ratio. Peak memory needs one process
//!   per size, so it is `scripts/bench-scale.sh`'s job, not this one's.
//! - `memory`: on the largest generated history, the live heap each stage's
//!   output holds and the heap peak of `history::load` (a counting allocator).
//!
//! No harness crate: the inputs take tens to hundreds of milliseconds, so a
//! handful of runs with min and median is as precise as this needs, and
//! criterion would add minutes to every build. It must not touch `src`: it
//! only calls the library's public API.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};
use turquoise::history::{self, Options};
use turquoise::model::Replay;
use turquoise::source::{self, Script};
use turquoise::sql::{self, StatementKind, split};

/// The acceptance budget for the three corpora together.
const CORPORA_CPU_BUDGET: Duration = Duration::from_millis(500);
/// Linearity: time per migration at 10k may be at most this many times that at 1k.
const LINEARITY_LIMIT: f64 = 2.0;
const CORPORA: [(&str, &str); 3] = [
    ("crates.io", "crates.io/migrations"),
    ("docs.rs", "docs.rs/crates/lib/docs_rs_database/migrations"),
    ("openmeter", "openmeter/tools/migrate/migrations"),
];
/// Peak memory budget of the largest generated history (the process's RSS is
/// measured by `scripts/bench-scale.sh`; here, the heap and who holds it).
const HEAP_BUDGET_MIB: f64 = 200.0;
const SCALE_SIZES: [usize; 3] = [1_000, 5_000, 10_000];
const SCALE_SEED: u64 = 1;

fn main() {
    // cargo passes `--bench`; any other word picks sections.
    let picked: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wants = |s: &str| picked.is_empty() || picked.iter().any(|p| p == s);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));

    let corpora = corpus_dirs(root);
    if wants("corpora") || wants("stages") {
        if corpora.is_empty() {
            println!(
                "SKIP corpora: none found under {}",
                root.join("../shared/corpora").display()
            );
        } else if corpora.len() < CORPORA.len() {
            println!("note: only {} of the 3 corpora found", corpora.len());
        }
    }
    if wants("corpora") && !corpora.is_empty() {
        bench_corpora(&corpora);
    }
    let histories = if wants("scale") || wants("stages") || wants("memory") {
        scale_histories(root)
    } else {
        Vec::new()
    };
    if wants("stages") {
        let mut cases: Vec<(String, Vec<PathBuf>)> = corpora
            .iter()
            .map(|(n, d)| (n.to_string(), vec![d.clone()]))
            .collect();
        if let Some((n, d)) = histories.last() {
            cases.push((format!("gen-{n}"), vec![d.clone()]));
        }
        if !cases.is_empty() {
            bench_stages(&cases);
        }
    }
    if wants("scale") && !histories.is_empty() {
        bench_scale(&histories);
    }
    if (wants("memory") || wants("scale"))
        && let Some((n, dir)) = histories.last()
    {
        bench_memory(*n, dir);
    }
}

// ----- heap ------------------------------------------------------------------

/// Counts live and peak heap bytes, so the memory table can say which stage's
/// output holds the memory.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(now, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            let now = LIVE.fetch_add(new_size, Relaxed) + new_size - layout.size();
            LIVE.fetch_sub(layout.size(), Relaxed);
            PEAK.fetch_max(now, Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Live heap held by each stage's output for one history, and the peak
/// during a whole `history::load`.
fn bench_memory(n: usize, dir: &Path) {
    println!("\n== heap on the generated {n}-migration history (live bytes held)\n");
    let base = LIVE.load(Relaxed);
    let discovery = source::discover(dir, None).unwrap_or_else(|e| panic!("{e}"));
    let after_discover = LIVE.load(Relaxed);
    let parsed: Vec<(sql::ParsedScript, Option<sql::ParsedScript>)> = discovery
        .migrations
        .iter()
        .map(|m| {
            (
                sql::parse_script(&m.up),
                m.down.as_ref().map(sql::parse_script),
            )
        })
        .collect();
    let after_parse = LIVE.load(Relaxed);
    let mut r = Replay::new(Options::default().search_path);
    let mut effects = Vec::new();
    for (up, _) in &parsed {
        for st in &up.statements {
            if let StatementKind::Parsed(stmt) = &st.kind {
                effects.push(r.apply(stmt, &st.location));
            }
        }
        r.end_transaction();
    }
    let after_replay = LIVE.load(Relaxed);
    drop((effects, r, parsed, discovery));
    let before_load = LIVE.load(Relaxed);
    PEAK.store(before_load, Relaxed);
    let history = history::load(dir, &Options::default());
    let peak = PEAK.load(Relaxed) - before_load;
    let held = LIVE.load(Relaxed) - before_load;
    drop(history);
    println!(
        "  discovery (file texts, paths)      {:>8.1} MiB",
        mib(after_discover - base)
    );
    println!(
        "  parsed ups + downs (IR, locations) {:>8.1} MiB",
        mib(after_parse - after_discover)
    );
    println!(
        "  replay: catalog + every Effect     {:>8.1} MiB",
        mib(after_replay - after_parse)
    );
    println!(
        "  history::load result, held         {:>8.1} MiB",
        mib(held)
    );
    println!(
        "  history::load peak heap            {:>8.1} MiB",
        mib(peak)
    );
    println!(
        "  (size_of: Statement {} B, Stmt {} B, Effect {} B, Location {} B)",
        std::mem::size_of::<sql::Statement>(),
        std::mem::size_of::<sql::Stmt>(),
        std::mem::size_of::<turquoise::model::Effect>(),
        std::mem::size_of::<turquoise::diagnostic::Location>(),
    );
    let ok = mib(peak) < HEAP_BUDGET_MIB;
    println!(
        "{} heap peak at {n}: {:.1} MiB {} {HEAP_BUDGET_MIB} MiB (process RSS: scripts/bench-scale.sh)",
        if ok { "PASS" } else { "FAIL" },
        mib(peak),
        if ok { "<" } else { ">=" },
    );
}

// ----- measuring -------------------------------------------------------------

/// Wall and CPU (user + sys of the whole process) time of one run.
#[derive(Clone, Copy)]
struct Sample {
    wall: Duration,
    cpu: Option<Duration>,
}

fn measure<T>(f: impl FnOnce() -> T) -> (T, Sample) {
    let cpu0 = cpu_time();
    let t0 = Instant::now();
    let out = f();
    let wall = t0.elapsed();
    let cpu = cpu0.zip(cpu_time()).map(|(a, b)| b.saturating_sub(a));
    (out, Sample { wall, cpu })
}

/// Runs `f` once to warm caches, then `runs` times.
fn repeat<T>(runs: usize, mut f: impl FnMut() -> T) -> Vec<Sample> {
    std::hint::black_box(f());
    (0..runs)
        .map(|_| measure(|| std::hint::black_box(f())).1)
        .collect()
}

struct Stats {
    min: Duration,
    median: Duration,
    max: Duration,
}

fn stats(mut xs: Vec<Duration>) -> Option<Stats> {
    if xs.is_empty() {
        return None;
    }
    xs.sort();
    Some(Stats {
        min: xs[0],
        median: xs[xs.len() / 2],
        max: xs[xs.len() - 1],
    })
}

fn wall_stats(samples: &[Sample]) -> Option<Stats> {
    stats(samples.iter().map(|s| s.wall).collect())
}

fn cpu_stats(samples: &[Sample]) -> Option<Stats> {
    samples
        .iter()
        .map(|s| s.cpu)
        .collect::<Option<Vec<_>>>()
        .and_then(stats)
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e3)
}

/// User + system CPU time consumed by this process so far, from
/// `getrusage(RUSAGE_SELF)` (microsecond resolution; `/proc/self/stat` only
/// counts 10 ms ticks, too coarse for a 30 ms corpus).
#[cfg(target_os = "linux")]
fn cpu_time() -> Option<Duration> {
    // The Linux `struct rusage`: two `struct timeval` then 14 longs.
    #[repr(C)]
    struct Rusage {
        utime: [i64; 2],
        stime: [i64; 2],
        rest: [i64; 14],
    }
    unsafe extern "C" {
        fn getrusage(who: i32, usage: *mut Rusage) -> i32;
    }
    const RUSAGE_SELF: i32 = 0;
    let mut u = Rusage {
        utime: [0; 2],
        stime: [0; 2],
        rest: [0; 14],
    };
    // SAFETY: `u` has the layout of `struct rusage` on 64-bit Linux, which
    // `getrusage` fills and does not keep.
    if unsafe { getrusage(RUSAGE_SELF, &mut u) } != 0 {
        return None;
    }
    let us = |tv: [i64; 2]| u64::try_from(tv[0] * 1_000_000 + tv[1]).ok();
    Some(Duration::from_micros(us(u.utime)? + us(u.stime)?))
}

#[cfg(not(target_os = "linux"))]
fn cpu_time() -> Option<Duration> {
    None
}

// ----- the real corpora --------------------------------------------------------

fn corpus_dirs(root: &Path) -> Vec<(&'static str, PathBuf)> {
    let base = root.join("../shared/corpora");
    CORPORA
        .iter()
        .map(|(name, rel)| (*name, base.join(rel)))
        .filter(|(_, d)| d.is_dir())
        .collect()
}

/// Loads each directory (discover, split, parse ups and downs, replay) and
/// returns the number of migrations and statements.
fn load_all(dirs: &[PathBuf]) -> (usize, usize) {
    let options = Options::default();
    let mut migrations = 0;
    let mut statements = 0;
    for dir in dirs {
        match history::load(dir, &options) {
            Ok(h) => {
                migrations += h.migrations.len();
                statements += h
                    .migrations
                    .iter()
                    .map(|m| {
                        m.up.statements.len() + m.down.as_ref().map_or(0, |d| d.statements.len())
                    })
                    .sum::<usize>();
            }
            Err(e) => panic!("{}: {e}", dir.display()),
        }
    }
    (migrations, statements)
}

fn bench_corpora(corpora: &[(&str, PathBuf)]) {
    const RUNS: usize = 15;
    println!("\n== corpora: history::load (discover + split + parse ups and downs + replay)");
    println!("   {RUNS} runs after one warm-up; CPU = user+sys of this process (getrusage)\n");
    println!(
        "{:<12} {:>6} {:>6} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "corpus", "migr", "stmts", "wall min", "wall med", "cpu min", "cpu med", "cpu max"
    );
    let mut cases: Vec<(String, Vec<PathBuf>)> = corpora
        .iter()
        .map(|(n, d)| (n.to_string(), vec![d.clone()]))
        .collect();
    let all_three = corpora.len() == CORPORA.len();
    cases.push((
        if all_three { "all three" } else { "all found" }.to_owned(),
        corpora.iter().map(|(_, d)| d.clone()).collect(),
    ));
    let mut verdict = None;
    for (name, dirs) in &cases {
        let (m, s) = load_all(dirs);
        let samples = repeat(RUNS, || load_all(dirs));
        let (Some(w), c) = (wall_stats(&samples), cpu_stats(&samples)) else {
            continue;
        };
        let cpu = |f: fn(&Stats) -> Duration| c.as_ref().map_or("n/a".into(), |c| ms(f(c)));
        println!(
            "{:<12} {:>6} {:>6} {:>8}ms {:>8}ms {:>8}ms {:>8}ms {:>8}ms",
            name,
            m,
            s,
            ms(w.min),
            ms(w.median),
            cpu(|c| c.min),
            cpu(|c| c.median),
            cpu(|c| c.max),
        );
        if dirs.len() > 1 {
            // CPU where it can be read; wall (>= CPU for this single thread) otherwise.
            verdict = Some((name.clone(), c.map_or(w.median, |c| c.median), all_three));
        }
    }
    if let Some((name, t, all_three)) = verdict {
        let ok = t < CORPORA_CPU_BUDGET;
        println!(
            "\n{} corpora CPU budget: {} median {} ms < {} ms{}",
            if ok { "PASS" } else { "FAIL" },
            name,
            ms(t),
            CORPORA_CPU_BUDGET.as_millis(),
            if all_three {
                ""
            } else {
                " (not all corpora present)"
            },
        );
    }
}

// ----- where the time goes -------------------------------------------------------

fn scripts(d: &source::Discovery) -> impl Iterator<Item = &Script> {
    d.migrations
        .iter()
        .flat_map(|m| std::iter::once(&m.up).chain(m.down.as_ref()))
}

/// Times the stages of `history::load` one by one on already-computed inputs,
/// so each figure is that stage alone.
fn bench_stages(cases: &[(String, Vec<PathBuf>)]) {
    const RUNS: usize = 7;
    println!("\n== stages: median CPU ms of {RUNS} runs (wall where CPU is unavailable)");
    println!("   split = split::split on every up and down; parse = parse_statement on");
    println!("   every piece; replay = Replay::apply on the parsed ups; load = history::load\n");
    println!(
        "{:<12} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "input", "discover", "split", "parse", "replay", "sum", "load"
    );
    let options = Options::default();
    let mut by_kind = Vec::new();
    for (name, dirs) in cases {
        let discover = || {
            dirs.iter()
                .map(|d| source::discover(d, None).unwrap_or_else(|e| panic!("{e}")))
                .collect::<Vec<_>>()
        };
        let discovered = discover();
        let split_all = || {
            discovered
                .iter()
                .flat_map(scripts)
                .map(|s| (s, split::split(&s.text, s.range.clone(), &s.blocks)))
                .collect::<Vec<_>>()
        };
        let pieces = split_all();
        let parse_all = || {
            pieces
                .iter()
                .flat_map(|(s, ps)| ps.iter().map(move |p| (s, p)))
                .filter(|(_, p)| p.kind == split::PieceKind::Sql)
                .map(|(s, p)| sql::parse_statement(s.text.get(p.range.clone()).unwrap_or("")))
                .collect::<Vec<_>>()
        };
        let parsed: Vec<Vec<sql::ParsedScript>> = discovered
            .iter()
            .map(|d| {
                d.migrations
                    .iter()
                    .map(|m| sql::parse_script(&m.up))
                    .collect()
            })
            .collect();
        let replay_all = || {
            for ups in &parsed {
                let mut r = Replay::new(options.search_path.clone());
                for up in ups {
                    for st in &up.statements {
                        if let StatementKind::Parsed(stmt) = &st.kind {
                            std::hint::black_box(r.apply(stmt, &st.location));
                        }
                    }
                    r.end_transaction();
                }
                std::hint::black_box(&r);
            }
        };
        let load = || {
            for d in dirs {
                std::hint::black_box(history::load(d, &options).ok());
            }
        };
        let med = |samples: Vec<Sample>| {
            cpu_stats(&samples)
                .or_else(|| wall_stats(&samples))
                .map_or(Duration::ZERO, |s| s.median)
        };
        let t = [
            med(repeat(RUNS, discover)),
            med(repeat(RUNS, split_all)),
            med(repeat(RUNS, parse_all)),
            med(repeat(RUNS, replay_all)),
        ];
        let total = med(repeat(RUNS, load));
        println!(
            "{:<12} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
            name,
            ms(t[0]),
            ms(t[1]),
            ms(t[2]),
            ms(t[3]),
            ms(t.iter().sum()),
            ms(total)
        );
        by_kind.push((name.clone(), replay_by_kind(&parsed, &options)));
    }
    println!("\n== replay by statement kind: one pass, wall time per Replay::apply call\n");
    for (name, kinds) in by_kind {
        let total: Duration = kinds.iter().map(|k| k.2).sum();
        println!("{name} (replay {} ms):", ms(total));
        for (kind, count, t) in kinds.iter().take(6) {
            println!(
                "  {:<28} {:>6} stmts {:>9} ms {:>5.1}% {:>9.1} µs/stmt",
                kind,
                count,
                ms(*t),
                100.0 * t.as_secs_f64() / total.as_secs_f64().max(1e-9),
                t.as_secs_f64() * 1e6 / (*count).max(1) as f64
            );
        }
    }
}

/// The statement's kind for the breakdown: the `Stmt` variant, and for
/// `ALTER TABLE` its first action (`AlterTable/DropColumn`).
fn kind_of(stmt: &sql::Stmt) -> String {
    let debug = format!("{stmt:?}");
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let kind = ident(&debug);
    match debug.find("ops: [") {
        Some(i) if kind == "AlterTable" => format!("{kind}/{}", ident(&debug[i + 6..])),
        _ => kind,
    }
}

/// Replays `parsed` once, timing each statement; kinds sorted by total time.
fn replay_by_kind(
    parsed: &[Vec<sql::ParsedScript>],
    options: &Options,
) -> Vec<(String, usize, Duration)> {
    let mut acc: std::collections::HashMap<String, (usize, Duration)> = Default::default();
    for ups in parsed {
        let mut r = Replay::new(options.search_path.clone());
        for up in ups {
            for st in &up.statements {
                if let StatementKind::Parsed(stmt) = &st.kind {
                    let t0 = Instant::now();
                    std::hint::black_box(r.apply(stmt, &st.location));
                    let t = t0.elapsed();
                    let e = acc.entry(kind_of(stmt)).or_default();
                    e.0 += 1;
                    e.1 += t;
                }
            }
            r.end_transaction();
        }
    }
    let mut out: Vec<_> = acc.into_iter().map(|(k, (n, t))| (k, n, t)).collect();
    out.sort_by_key(|k| std::cmp::Reverse(k.2));
    out
}

// ----- generated histories -------------------------------------------------------

/// The generated histories, written once under `target/bench-histories` with
/// `scripts/gen-history.py` (needs python3). Missing ones that cannot be
/// generated are skipped with a message.
fn scale_histories(root: &Path) -> Vec<(usize, PathBuf)> {
    let layout = std::env::var("TURQUOISE_BENCH_LAYOUT").unwrap_or_else(|_| "diesel".into());
    let base = root.join("target/bench-histories");
    let mut out = Vec::new();
    for n in SCALE_SIZES {
        let dir = base.join(format!("{layout}-{n}-seed{SCALE_SEED}"));
        if !dir.is_dir() {
            // Generate next to the target and rename, so an interrupted run
            // never leaves a half-written history that looks complete.
            let tmp = base.join(format!(".tmp-{layout}-{n}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&tmp);
            let status = Command::new("python3")
                .arg(root.join("scripts/gen-history.py"))
                .args(["--count", &n.to_string(), "--layout", &layout])
                .args(["--seed", &SCALE_SEED.to_string(), "--out"])
                .arg(&tmp)
                .status();
            match status {
                Ok(s) if s.success() && std::fs::rename(&tmp, &dir).is_ok() => {}
                other => {
                    let _ = std::fs::remove_dir_all(&tmp);
                    println!("SKIP scale {n}: cannot generate a history ({other:?})");
                    continue;
                }
            }
        }
        out.push((n, dir));
    }
    out
}

fn bench_scale(histories: &[(usize, PathBuf)]) {
    const RUNS: usize = 3;
    println!("\n== scale: history::load on generated histories ({RUNS} runs after a warm-up)\n");
    println!(
        "{:<8} {:>7} {:>10} {:>10} {:>10} {:>12}",
        "size", "stmts", "wall min", "wall med", "cpu med", "cpu/migr"
    );
    let mut per: Vec<(usize, f64)> = Vec::new();
    for (n, dir) in histories {
        let dirs = [dir.clone()];
        let (m, s) = load_all(&dirs);
        let samples = repeat(RUNS, || load_all(&dirs));
        let (Some(w), c) = (wall_stats(&samples), cpu_stats(&samples)) else {
            continue;
        };
        let t = c.as_ref().map_or(w.median, |c| c.median);
        let per_migration_us = t.as_secs_f64() * 1e6 / m.max(1) as f64;
        per.push((*n, per_migration_us));
        println!(
            "{:<8} {:>7} {:>8}ms {:>8}ms {:>8}ms {:>10.1}µs",
            n,
            s,
            ms(w.min),
            ms(w.median),
            c.as_ref().map_or("n/a".into(), |c| ms(c.median)),
            per_migration_us
        );
    }
    if let (Some((n0, first)), Some((n1, last))) = (per.first(), per.last())
        && n1 > n0
    {
        let ratio = last / first;
        println!(
            "\n{} scale linearity: time per migration at {n1} is {ratio:.2}x that at {n0} (limit {LINEARITY_LIMIT}x)",
            if ratio <= LINEARITY_LIMIT {
                "PASS"
            } else {
                "FAIL"
            }
        );
    }
    println!("(peak memory per size: scripts/bench-scale.sh)");
}
