//! Kills graft with SIGKILL at random moments around a save and counts the
//! drafts each trial ends with.
//!
//! Each trial starts the release binary in a pseudo-terminal against a fresh
//! emulator whose first create is stored at once but answered only after
//! `--server-ms` (the slow answer that made duplicates likely), types a draft,
//! waits for its journal, presses Ctrl-S and sends SIGKILL at a random moment
//! from 0 to `--window-ms` after it. It then starts graft again on the same
//! state directory, restores what is offered, saves, waits until the journal
//! is empty and counts the drafts the server holds and whether their text is
//! the typed text.
//!
//! ```text
//! cargo build --release && cargo run --release --example kill_trials -- --trials 60
//! cargo run --release --example kill_trials -- --store-late   # stored late, answered then
//! GRAFT_BIN=/path/to/other/graft cargo run --release --example kill_trials
//! ```

#[path = "../tests/it/common/pty.rs"]
mod pty;

use graft_emulator::{DEMO_TOKEN, Emulator, EmulatorConfig, Fault, FaultAction};
use pty::Pty;
use std::sync::Arc;
use std::time::{Duration, Instant};

const CTRL_S: &str = "\x13";
const CTRL_Q: &str = "\x11";
const TAB: &str = "\t";
const ENTER: &str = "\r";

struct Options {
    trials: usize,
    server_ms: u64,
    window_ms: u64,
    seed: u64,
    /// The server stores the create only after `server_ms` (and answers
    /// then), instead of storing it at once and answering late.
    late: bool,
}

fn options() -> Options {
    let mut o = Options {
        trials: 40,
        server_ms: 300,
        window_ms: 1000,
        seed: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1),
        late: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--store-late" {
            o.late = true;
            continue;
        }
        let value = args.next().and_then(|v| v.parse::<u64>().ok());
        match (flag.as_str(), value) {
            ("--trials", Some(v)) => o.trials = v as usize,
            ("--server-ms", Some(v)) => o.server_ms = v,
            ("--window-ms", Some(v)) => o.window_ms = v,
            ("--seed", Some(v)) => o.seed = v,
            _ => {
                eprintln!(
                    "usage: kill_trials [--trials N] [--server-ms MS] [--window-ms MS] [--seed N] [--store-late]"
                );
                std::process::exit(2);
            }
        }
    }
    o
}

/// xorshift64*: enough randomness for kill moments, reproducible by seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

fn wait_until(secs: u64, f: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !f() {
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    true
}

fn journal_text(state: &std::path::Path) -> String {
    pty::journal_texts(state).concat()
}

/// The binary under trial: `GRAFT_BIN` (to compare another build), or the
/// release build.
fn binary() -> String {
    std::env::var("GRAFT_BIN").unwrap_or_else(|_| pty::graft_binary())
}

fn spawn(emu: &Emulator, state: Arc<tempfile::TempDir>) -> Pty {
    let url = emu.graph_url();
    Pty::spawn_program(
        &binary(),
        &["--graph-url", &url],
        &[("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)],
        100,
        30,
        state,
    )
}

struct Trial {
    kill_ms: u64,
    /// Drafts the server held when the kill landed.
    at_kill: usize,
    /// Drafts after the restart finished.
    drafts: usize,
    /// The server's draft carries the typed subject and body.
    text_kept: bool,
    /// How the restart went: "recovered", "completed" (nothing offered).
    restart: &'static str,
    /// The journal was empty at the end (the server holds the text).
    cleared: bool,
}

fn trial(n: usize, kill_ms: u64, o: &Options) -> Result<Trial, String> {
    let emu = Emulator::start(EmulatorConfig::default()).map_err(|e| e.to_string())?;
    let wait = Duration::from_millis(o.server_ms);
    let action = if o.late {
        FaultAction::Delay(wait)
    } else {
        FaultAction::DelayAfter(wait)
    };
    emu.inject(Fault::action(action).on("POST").at("/messages"));
    let state = Arc::new(tempfile::tempdir().map_err(|e| e.to_string())?);
    let subject = format!("kill trial {n}");
    let body = format!("text of trial {n}, typed before the kill");
    let mut t = spawn(&emu, state.clone());
    if !wait_until(20, || t.screen().contains("Ready.")) {
        return Err(format!("graft did not start:\n{}", t.screen()));
    }
    t.send("trial@contoso.com");
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send(&subject);
    t.send(TAB);
    t.send(&body);
    if !wait_until(10, || journal_text(state.path()).contains(&body)) {
        return Err("the journal never held the text".into());
    }
    let pressed = Instant::now();
    t.send(CTRL_S);
    let at = pressed + Duration::from_millis(kill_ms);
    std::thread::sleep(at.saturating_duration_since(Instant::now()));
    let pid = t.pid().ok_or("no pid")? as i32;
    // SAFETY: a signal to the child this program started.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    let at_kill = emu.messages().len();
    drop(t);

    let mut again = spawn(&emu, state.clone());
    if !wait_until(20, || {
        let s = again.screen();
        s.contains("Ready") || s.contains("Recover") || s.contains("Saved")
    }) {
        return Err(format!("no restart:\n{}", again.screen()));
    }
    let restart = if again.screen().contains("Recover") {
        // The offer takes keys once its own are shown: keys typed ahead of
        // it start a new draft instead (and keep this one for later).
        if !wait_until(10, || again.screen().contains("blank draft (keeps these)")) {
            return Err(format!("the offer never took keys:\n{}", again.screen()));
        }
        again.send(ENTER);
        if !wait_until(10, || {
            let s = again.screen();
            s.contains("Recovered") && s.contains(&subject)
        }) {
            return Err(format!(
                "restore did not show the draft:\n{}",
                again.screen()
            ));
        }
        again.send(CTRL_S);
        "recovered"
    } else {
        "completed"
    };
    // A journal that never clears is an outcome too (the text may be
    // left only there): it is counted, not skipped.
    let cleared = wait_until(15, || journal_text(state.path()).is_empty());
    again.send(CTRL_Q);
    let messages = emu.messages();
    let text_kept = messages.iter().any(|m| {
        m["subject"] == subject.as_str()
            && m["body"]["content"]
                .as_str()
                .is_some_and(|c| c.contains(&body))
    });
    Ok(Trial {
        kill_ms,
        at_kill,
        drafts: messages.len(),
        text_kept,
        restart,
        cleared,
    })
}

fn main() {
    let o = options();
    if !std::path::Path::new(&binary()).exists() {
        eprintln!("build the release binary first: cargo build --release");
        std::process::exit(2);
    }
    let mut rng = Rng(o.seed | 1);
    let mut done = Vec::new();
    let mut failed = 0;
    for n in 0..o.trials {
        let kill_ms = rng.below(o.window_ms + 1);
        match trial(n, kill_ms, &o) {
            Ok(t) => {
                eprintln!(
                    "trial {n:>3}: kill at {:>4} ms, {} on server then, {} after ({}{}{})",
                    t.kill_ms,
                    t.at_kill,
                    t.drafts,
                    t.restart,
                    if t.text_kept {
                        ""
                    } else {
                        ", text not on server"
                    },
                    if t.cleared { "" } else { ", journal left" }
                );
                done.push(t);
            }
            Err(e) => {
                failed += 1;
                eprintln!("trial {n:>3}: kill at {kill_ms} ms: {e}");
            }
        }
    }
    println!(
        "{} trials (seed {}), the create {} {} ms, SIGKILL 0–{} ms after Ctrl-S",
        o.trials,
        o.seed,
        if o.late {
            "stored and answered after"
        } else {
            "stored at once and answered after"
        },
        o.server_ms,
        o.window_ms
    );
    println!();
    println!(
        "| kill moment after Ctrl-S | trials | stored before the kill | drafts after restart: 0 / 1 / 2+ | text kept |"
    );
    println!("|---|---|---|---|---|");
    let step = (o.window_ms / 4).max(1);
    for b in 0..4 {
        let lo = b * step;
        let hi = if b == 3 { o.window_ms + 1 } else { lo + step };
        let in_bucket: Vec<&Trial> = done
            .iter()
            .filter(|t| t.kill_ms >= lo && t.kill_ms < hi)
            .collect();
        let count = |d: usize| in_bucket.iter().filter(|t| t.drafts == d).count();
        println!(
            "| {lo}–{} ms | {} | {} | {} / {} / {} | {} |",
            hi - 1,
            in_bucket.len(),
            in_bucket.iter().filter(|t| t.at_kill > 0).count(),
            count(0),
            count(1),
            in_bucket.iter().filter(|t| t.drafts > 1).count(),
            in_bucket.iter().filter(|t| t.text_kept).count(),
        );
    }
    let recovered = done.iter().filter(|t| t.restart == "recovered").count();
    let left = done.iter().filter(|t| !t.cleared).count();
    println!();
    println!(
        "restart: {recovered} offered the draft for recovery, {} completed it without asking; {left} left a journal that never cleared; {failed} trials could not run",
        done.len() - recovered
    );
    let bad = done
        .iter()
        .filter(|t| t.drafts != 1 || !t.text_kept || !t.cleared)
        .count();
    if bad > 0 || failed > 0 {
        std::process::exit(1);
    }
}
