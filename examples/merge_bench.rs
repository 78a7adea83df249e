//! Mail merge at Outlook's limits: runs `graft draft --batch` (the release
//! binary) against the emulator configured like Exchange Online — 10,000
//! requests per 10 minutes per mailbox, 4 at once, every answer 100–300 ms
//! late — and prints what it cost.
//!
//! ```sh
//! cargo build --release && cargo run --release --example merge_bench -- 1000 10000
//! # another build for comparison: GRAFT_BIN=/path/to/graft cargo run --release --example merge_bench -- 1000
//! ```
//!
//! For each size: requests per draft (inside `$batch` counted, as Outlook
//! counts them; the envelopes apart), drafts per minute against the
//! ceiling the rate limit allows, 429s seen, peak RSS, and the same for a
//! rerun of the finished file.

use graft_emulator::{DEMO_TOKEN, Emulator, EmulatorConfig};
use std::time::{Duration, Instant};

fn binary() -> std::path::PathBuf {
    if let Ok(p) = std::env::var("GRAFT_BIN") {
        return p.into();
    }
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/graft");
    assert!(p.exists(), "build it first: cargo build --release");
    p
}

/// `VmHWM` (peak resident set) of a running process, in KiB.
fn peak_kib(pid: u32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

struct Run {
    wall: Duration,
    inner: usize,
    envelopes: usize,
    throttled: usize,
    peak_kib: u64,
    ok: bool,
}

fn run(emu: &Emulator, state: &std::path::Path, file: &std::path::Path) -> Run {
    let before = emu.requests().len();
    let started = Instant::now();
    let mut child = std::process::Command::new(binary())
        .args(["draft", "--batch", file.to_str().unwrap(), "--json"])
        .args(["--graph-url", &emu.graph_url()])
        .env("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)
        .env("GRAFT_STATE_DIR", state)
        .env("GRAFT_CONFIG", state.join("none.toml"))
        .env("HOME", state)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run graft");
    let pid = child.id();
    let mut peak = 0;
    let status = loop {
        if let Some(k) = peak_kib(pid) {
            peak = peak.max(k);
        }
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let wall = started.elapsed();
    let reqs = emu.requests()[before..].to_vec();
    let envelopes = reqs.iter().filter(|r| r.path == "/v1.0/$batch").count();
    Run {
        wall,
        inner: reqs.len() - envelopes,
        envelopes,
        throttled: reqs.iter().filter(|r| r.status == 429).count(),
        peak_kib: peak,
        ok: status.success(),
    }
}

fn report(what: &str, n: usize, r: &Run) {
    let per = r.inner as f64 / n as f64;
    let minutes = r.wall.as_secs_f64() / 60.0;
    // What Outlook's 10,000 requests per 10 minutes allow for this many requests.
    let allowed = r.inner as f64 * 600.0 / 10_000.0;
    println!(
        "| {what} | {n} | {:.1} s | {:.3} (+{:.3} envelopes) | {:.0}/min | {:.0}/min | {:.2}× | {} | {:.1} MiB | {} |",
        r.wall.as_secs_f64(),
        per,
        r.envelopes as f64 / n as f64,
        n as f64 / minutes,
        1000.0 / per.max(0.001),
        r.wall.as_secs_f64() / allowed.max(0.001),
        r.throttled,
        r.peak_kib as f64 / 1024.0,
        if r.ok { "ok" } else { "FAILED" },
    );
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() { vec![1000] } else { sizes };
    println!(
        "graft merge · emulator: 10,000 requests / 10 min, 4 at once, answers 100–300 ms late"
    );
    println!("binary: {}", binary().display());
    println!();
    println!(
        "| run | drafts | time | requests per draft | drafts/min | ceiling (rate limit) | time / time the limit allows | 429s | peak RSS | exit |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for n in sizes {
        let emu = Emulator::start(EmulatorConfig {
            latency: Some((Duration::from_millis(100), Duration::from_millis(300))),
            rate_limit: Some((10_000, Duration::from_secs(600))),
            max_concurrent: 4,
            ..Default::default()
        })
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("merge.jsonl");
        let text: String = (1..=n)
            .map(|i| {
                format!(
                    "{{\"to\":\"Customer {i} <customer{i}@fabrikam.com>\",\"subject\":\"Your renewal, #{i}\",\"body\":\"Dear customer {i},\\n\\nyour contract renews next month.\\n\\nRegards\"}}\n"
                )
            })
            .collect();
        std::fs::write(&file, text).unwrap();
        let first = run(&emu, dir.path(), &file);
        report("first run", n, &first);
        assert_eq!(emu.messages().len(), n, "one draft per line");
        // The rerun comes after a quiet window (right after, Outlook
        // would hold it back until the first run's requests age out).
        emu.forget_rate_window();
        let again = run(&emu, dir.path(), &file);
        report("rerun", n, &again);
        assert_eq!(emu.messages().len(), n, "the rerun made none");
    }
}
