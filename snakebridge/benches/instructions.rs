//! Instructions per call of each case in `snakebridge/benches/support/cases.rs`, counted by callgrind: a figure a
//! shared, noisy machine does not disturb, so the ratios to hand-written pyo3 can be read
//! from a single run.
//!
//! `cargo bench -p snakebridge --bench instructions` runs this binary, which re-executes
//! itself once under `valgrind --tool=callgrind --collect-atstart=no` (one valgrind process
//! and one interpreter start-up for every case). In there, each case is warmed up with
//! collection off, then collection is switched on for `ITERATIONS` calls and the counters are
//! dumped under the case's name (callgrind client requests, `snakebridge/benches/support/callgrind.rs`). The
//! parent reads the dumps' `totals:` lines and prints instructions per call, and writes
//! `instructions.json` beside the dumps (`<target>/callgrind/`), which
//! `scripts/bench-instructions` reads. The dumps stay there for `callgrind_annotate`.
//!
//! Arguments: a substring filters the cases by name; `--iterations N` overrides the count.
//! Collection is per thread: the counts are the calling thread's (the runtime's watchdog
//! thread only sleeps between deadlines and is not part of a call's cost).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

#[path = "support/callgrind.rs"]
mod callgrind;
#[path = "support/cases.rs"]
mod cases;

/// Calls measured per case (a callback or stream case counts each Python→Rust call or item).
const ITERATIONS: usize = 2000;
/// Calls made before collection starts: caches filled, the code paths warm.
const WARM_UP: usize = 200;
/// Items per generator and calls per `drive()` in the callback and stream cases.
const BATCH: i64 = 1000;

/// One measured case: `run(n)` does `n` units of work and returns how many it did.
struct Case {
    name: &'static str,
    run: Box<dyn FnMut(usize) -> usize>,
}

fn case(name: &'static str, run: impl FnMut(usize) -> usize + 'static) -> Case {
    Case { name, run: Box::new(run) }
}

/// Repeats `f` `n` times.
fn times(mut f: impl FnMut()) -> impl FnMut(usize) -> usize {
    move |n| {
        (0..n).for_each(|_| f());
        n
    }
}

/// Repeats `f` `n` times, calling `reset` (not counted) every `every` calls.
fn times_with_reset(mut f: impl FnMut(), mut reset: impl FnMut(), every: usize) -> impl FnMut(usize) -> usize {
    move |n| {
        for i in 0..n {
            if i % every == every - 1 {
                with_collection_paused(&mut reset);
            }
            f();
        }
        n
    }
}

/// Runs `work` in batches of `BATCH` units (one `drive()` or one generator each).
fn batches(mut work: impl FnMut(i64) -> i64) -> impl FnMut(usize) -> usize {
    move |n| {
        let rounds = n.div_ceil(BATCH as usize);
        for _ in 0..rounds {
            black_box(work(BATCH));
        }
        rounds * BATCH as usize
    }
}

thread_local! {
    static COLLECTING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn with_collection_paused(f: &mut impl FnMut()) {
    let on = COLLECTING.get();
    if on {
        callgrind::toggle_collect();
    }
    f();
    if on {
        callgrind::toggle_collect();
    }
}

fn all_cases() -> Vec<Case> {
    let (m_ref, m_py) = cases::idioms_module();
    let m_py = std::rc::Rc::new(m_py);
    let (m_ref2, m_py2) = (m_ref.clone(), m_py.clone());
    let callback = cases::add_one_callback();
    let (pyo3_d, generated_d) = (std::rc::Rc::new(cases::pyo3_deque()), cases::generated_deque());
    let dynamic_d = snakebridge::call("collections", "deque", ()).unwrap().as_ref().cloned().unwrap();
    let dynamic_d2 = dynamic_d.clone();
    let generated_d2 = generated_d.clone();
    let pyo3_d2 = pyo3_d.clone();
    let (hundred, hundred2) = (cases::hundred(), cases::hundred());
    // The first idempotent call is the miss that fills the cache; every measured one is a hit.
    assert_eq!(cases::dumps_idempotent(&hundred2), cases::dumps_uncached(&hundred));
    vec![
        case(
            "a.pyo3_cached_callable",
            times(|| {
                black_box(cases::pyo3_sqrt(black_box(16.0)));
            }),
        ),
        case(
            "a.generated_positional",
            times(|| {
                black_box(cases::generated_sqrt(black_box(16.0)));
            }),
        ),
        case(
            "b.pyo3_call_kwargs",
            times(|| {
                black_box(cases::pyo3_round(black_box(2.675)));
            }),
        ),
        case(
            "b.generated_with_keyword",
            times(|| {
                black_box(cases::generated_round(black_box(2.675)));
            }),
        ),
        case(
            "c.pyo3_cached_callable",
            times(|| {
                black_box(cases::pyo3_sqrt(black_box(16.0)));
            }),
        ),
        case(
            "c.dynamic_call",
            times(|| {
                black_box(cases::dynamic_sqrt(black_box(16.0)));
            }),
        ),
        case(
            "d.pyo3_call_method1",
            times_with_reset(
                move || cases::pyo3_append(&pyo3_d),
                move || cases::pyo3_clear(&pyo3_d2),
                cases::DEQUE_CLEAR_EVERY,
            ),
        ),
        case(
            "d.generated_method",
            times_with_reset(
                move || cases::generated_append(&generated_d),
                move || cases::generated_clear(&generated_d2),
                cases::DEQUE_CLEAR_EVERY,
            ),
        ),
        case(
            "d.dynamic_method",
            times_with_reset(
                move || cases::dynamic_append(&dynamic_d),
                move || drop(snakebridge::method(&dynamic_d2, "clear", ()).unwrap()),
                cases::DEQUE_CLEAR_EVERY,
            ),
        ),
        case("e.pyo3_pyfunction", batches(move |n| cases::pyo3_drive(&m_py, n))),
        case("e.snakebridge_callback", batches(move |n| cases::snakebridge_drive(&m_ref, &callback, n))),
        case("f.pyo3_iteration", batches(move |n| cases::pyo3_iter_sum(&m_py2, n))),
        case("f.stream_ref", batches(move |n| cases::stream_ref_sum(&m_ref2, n))),
        case(
            "g.json_dumps_uncached",
            times(move || {
                black_box(cases::dumps_uncached(black_box(&hundred)));
            }),
        ),
        case(
            "g.json_dumps_idempotent_hit",
            times(move || {
                black_box(cases::dumps_idempotent(black_box(&hundred2)));
            }),
        ),
        // A call whose result is a ref: the registry insert (strict mode's check) and release.
        case(
            "h.dynamic_ref_create_release",
            times(|| {
                black_box(snakebridge::call("builtins", "object", ()).unwrap());
            }),
        ),
    ]
}

/// In the valgrind child: measure each selected case and dump its counters.
fn measure(filter: &[String], iterations: usize) {
    cases::steady_state();
    for mut c in all_cases().into_iter().filter(|c| selected(c.name, filter)) {
        (c.run)(WARM_UP);
        callgrind::zero_stats();
        COLLECTING.set(true);
        callgrind::toggle_collect();
        let done = (c.run)(iterations);
        callgrind::toggle_collect();
        COLLECTING.set(false);
        callgrind::dump_stats_at(&format!("{} n={done}", c.name));
    }
}

fn selected(name: &str, filter: &[String]) -> bool {
    filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()))
}

fn out_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| {
        // The bench binary lives in <target>/release/deps/.
        let exe = std::env::current_exe().expect("the bench knows its own path");
        exe.ancestors().nth(3).map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("target"))
    });
    target.join("callgrind")
}

/// (case name, units, instructions) from one dump, if it is a case's dump.
fn read_dump(path: &Path) -> Option<(String, usize, u64)> {
    let text = std::fs::read_to_string(path).ok()?;
    let desc = text.lines().find_map(|l| l.strip_prefix("desc: Trigger: Client Request: "))?;
    let (name, n) = desc.rsplit_once(" n=")?;
    let total = text.lines().find_map(|l| l.strip_prefix("totals: ").or_else(|| l.strip_prefix("summary: ")))?;
    let ir = total.split_whitespace().next()?.parse().ok()?;
    Some((name.to_string(), n.parse().ok()?, ir))
}

fn main() -> ExitCode {
    let mut filter = Vec::new();
    let mut iterations = ITERATIONS;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--iterations" => iterations = args.next().and_then(|n| n.parse().ok()).unwrap_or(ITERATIONS),
            // `cargo bench` passes `--bench`; criterion-style flags mean nothing here.
            s if s.starts_with("--") => {}
            s => filter.push(s.to_string()),
        }
    }

    if callgrind::running_on_valgrind() {
        measure(&filter, iterations);
        return ExitCode::SUCCESS;
    }

    let dir = out_dir();
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("can create the callgrind output folder");
    let exe = std::env::current_exe().expect("the bench knows its own path");
    eprintln!("running the cases under callgrind (output in {})", dir.display());
    let status = Command::new("valgrind")
        .args(["--tool=callgrind", "--collect-atstart=no", "--dump-line=yes", "--quiet"])
        .arg(format!("--callgrind-out-file={}", dir.join("callgrind.out").display()))
        .arg(&exe)
        .arg("--iterations")
        .arg(iterations.to_string())
        .args(&filter)
        .status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => {
            eprintln!("the callgrind run failed ({s})");
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("cannot run valgrind ({e}): install valgrind (3.19 or later) to count instructions");
            return ExitCode::FAILURE;
        }
    }

    let mut rows: Vec<(String, usize, u64, PathBuf)> = std::fs::read_dir(&dir)
        .expect("the callgrind output folder exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter_map(|p| read_dump(&p).map(|(name, n, ir)| (name, n, ir, p)))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    println!("{:<28} {:>10} {:>14}  dump", "case", "calls", "instr/call");
    let mut json = Vec::new();
    for (name, n, ir, path) in &rows {
        let per_call = *ir as f64 / *n as f64;
        println!("{name:<28} {n:>10} {per_call:>14.1}  {}", path.display());
        json.push(format!(
            "  {{\"case\": \"{name}\", \"calls\": {n}, \"instructions\": {ir}, \"per_call\": {per_call:.1}, \"dump\": \"{}\"}}",
            path.display()
        ));
    }
    let json_path = dir.join("instructions.json");
    std::fs::write(&json_path, format!("[\n{}\n]\n", json.join(",\n"))).expect("can write instructions.json");
    println!("wrote {}", json_path.display());
    ExitCode::SUCCESS
}
