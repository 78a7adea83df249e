//! Measures graft as a user on a slow link feels it: starts the release binary in
//! a pseudo-terminal (100x30) against the local emulator and prints a table.
//!
//!     cargo build --release && cargo run --release --example tui_metrics
//!
//! `tui_metrics startup [N]` measures startup alone: graft and nano in turns
//! (and another build of graft, GRAFT_BIN_OTHER, to compare before and after),
//! graft both with its state directory kept from the round before (the usual
//! start) and with a new one (a first start, which makes its folders).
//!
//! Startup to the first complete form, keystroke echo latency (median, p95, max;
//! small body, 1 MiB body, 500 recipients), bytes written per key, idle bytes,
//! CPU and wake-ups over 10 s, peak RSS, 1 MiB paste time, and requests and
//! connections per save (25 saves, each a new draft) with the time graft adds to
//! the server's own (its time at its socket, from the request's first byte read
//! to the last write of its answer), and for scale the same pty echo done by `cat`.

use graft_emulator::{DEMO_TOKEN, Emulator, EmulatorConfig};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

const COLS: u16 = 100;
const ROWS: u16 = 30;
/// Saves measured, each a new draft on the same warm connection.
const SAVES: usize = 25;

struct Session {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    rx: Receiver<(Instant, Vec<u8>)>,
    parser: vt100::Parser,
    _master: Box<dyn portable_pty::MasterPty + Send>,
    pid: u32,
    bytes: usize,
    _state: tempfile::TempDir,
}

fn binary() -> std::path::PathBuf {
    // Another build to compare with: GRAFT_BIN=/path/to/graft.
    if let Some(p) = std::env::var_os("GRAFT_BIN") {
        return p.into();
    }
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/graft");
    if !p.exists() {
        eprintln!("build the release binary first: cargo build --release");
        std::process::exit(2);
    }
    p
}

impl Session {
    /// Each session gets its own state directory, so none sees another's journal.
    fn spawn(emu: &Emulator) -> (Session, Instant) {
        Session::spawn_bin(emu, &binary())
    }

    /// The same with another build of graft.
    fn spawn_bin(emu: &Emulator, bin: &std::path::Path) -> (Session, Instant) {
        Session::spawn_bin_in(emu, bin, None)
    }

    /// The same with a state directory kept from an earlier session (the
    /// usual start: its folders are there), or a new one (a first start).
    fn spawn_bin_in(
        emu: &Emulator,
        bin: &std::path::Path,
        kept: Option<&std::path::Path>,
    ) -> (Session, Instant) {
        let dir = tempfile::tempdir().unwrap();
        let state = kept.unwrap_or(dir.path()).to_path_buf();
        let mut cmd = CommandBuilder::new(bin);
        cmd.args(["--graph-url", &emu.graph_url()]);
        cmd.env("TERM", "xterm-256color");
        cmd.env("GRAFT_ACCESS_TOKEN", DEMO_TOKEN);
        cmd.env("GRAFT_STATE_DIR", &state);
        // A config for every session (GRAFT_METRICS_CONFIG), e.g. `spell = []`.
        if let Some(c) = std::env::var_os("GRAFT_METRICS_CONFIG") {
            std::fs::write(state.join("none.toml"), c.to_string_lossy().as_bytes()).unwrap();
        }
        cmd.env("GRAFT_CONFIG", state.join("none.toml"));
        Session::start(cmd, dir)
    }

    /// The same with this config file.
    fn spawn_config(emu: &Emulator, config: &str) -> Session {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().to_path_buf();
        std::fs::write(state.join("config.toml"), config).unwrap();
        let mut cmd = CommandBuilder::new(binary());
        cmd.args(["--graph-url", &emu.graph_url()]);
        cmd.env("TERM", "xterm-256color");
        cmd.env("GRAFT_ACCESS_TOKEN", DEMO_TOKEN);
        cmd.env("GRAFT_STATE_DIR", &state);
        cmd.env("GRAFT_CONFIG", state.join("config.toml"));
        Session::start(cmd, dir).0
    }

    /// Whether any cell on screen is underlined.
    fn underlined(&self) -> bool {
        let screen = self.parser.screen();
        (0..ROWS).any(|r| (0..COLS).any(|c| screen.cell(r, c).is_some_and(|x| x.underline())))
    }

    /// Reads until something on screen is underlined; returns when.
    fn until_underlined(&mut self, secs: u64) -> Instant {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let (at, chunk) = self.rx.recv_timeout(left).expect("an underline");
            self.parser.process(&chunk);
            if self.underlined() {
                return at;
            }
        }
    }

    /// Types `count` letters, pausing `pause` after every `every` keys (so
    /// the pause's work, the spelling check among it, runs between keys as
    /// when a person types); returns the echo latencies.
    fn type_pausing(&mut self, count: usize, every: usize, pause: Duration) -> Vec<Duration> {
        let mut lat = Vec::new();
        for i in 0..count / every {
            let (l, _) = self.type_keys(every);
            lat.extend(l);
            if i + 1 < count / every {
                std::thread::sleep(pause);
            }
        }
        lat
    }

    /// Runs `cmd` in a new 100x30 pty; returns when it was started.
    fn start(mut cmd: CommandBuilder, dir: tempfile::TempDir) -> (Session, Instant) {
        // Word lists of dictionaries: one cache for the run, warmed first.
        cmd.env("XDG_CACHE_HOME", cache_dir());
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let started = Instant::now();
        let child = pair.slave.spawn_command(cmd).expect("spawn");
        drop(pair.slave);
        let pid = child.process_id().unwrap_or(0);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 1 << 16];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send((Instant::now(), buf[..n].to_vec())).is_err() {
                    break;
                }
            }
        });
        (
            Session {
                child,
                writer,
                rx,
                parser: vt100::Parser::new(ROWS, COLS, 0),
                _master: pair.master,
                pid,
                bytes: 0,
                _state: dir,
            },
            started,
        )
    }

    /// `nano` on an empty file, no rc files: the editor graft is held to.
    fn spawn_nano() -> (Session, Instant) {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = CommandBuilder::new("nano");
        cmd.args(["--ignorercfiles", "--restricted"]);
        cmd.arg(dir.path().join("draft.txt"));
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", dir.path());
        Session::start(cmd, dir)
    }

    /// `cat` in raw mode: the pty round trip itself, graft's floor on this machine.
    fn spawn_cat() -> Session {
        let mut cmd = CommandBuilder::new("sh");
        cmd.args(["-c", "stty raw -echo && echo ready && exec cat"]);
        Session::start(cmd, tempfile::tempdir().unwrap()).0
    }

    fn send(&mut self, s: &[u8]) {
        self.writer.write_all(s).unwrap();
        self.writer.flush().unwrap();
    }

    /// Reads until `pred(screen)` holds; returns when the satisfying bytes arrived.
    fn until(&mut self, secs: u64, pred: impl Fn(&str) -> bool) -> Instant {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok((at, chunk)) => {
                    self.bytes += chunk.len();
                    self.parser.process(&chunk);
                    if pred(&self.parser.screen().contents()) {
                        return at;
                    }
                }
                Err(_) => panic!("timed out; screen:\n{}", self.parser.screen().contents()),
            }
        }
    }

    /// Everything that arrives within `quiet` of the last chunk; returns the byte count.
    fn drain(&mut self, quiet: Duration) -> usize {
        let mut n = 0;
        while let Ok((_, chunk)) = self.rx.recv_timeout(quiet) {
            n += chunk.len();
            self.parser.process(&chunk);
        }
        self.bytes += n;
        n
    }

    /// Types `count` characters, one at a time; returns echo latencies and bytes per key.
    fn type_keys(&mut self, count: usize) -> (Vec<Duration>, Vec<usize>) {
        let mut lat = Vec::new();
        let mut bytes = Vec::new();
        for i in 0..count {
            let c = b'a' + (i % 26) as u8;
            let t0 = Instant::now();
            self.send(&[c]);
            let mut n = 0;
            let at = loop {
                let (at, chunk) = self.rx.recv_timeout(Duration::from_secs(5)).expect("echo");
                n += chunk.len();
                self.parser.process(&chunk);
                if chunk.contains(&c) {
                    break at;
                }
            };
            n += self.drain(Duration::from_millis(3));
            lat.push(at.saturating_duration_since(t0));
            bytes.push(n);
        }
        (lat, bytes)
    }

    fn quit(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The peak resident set of a process (`VmHWM`).
fn peak_rss(pid: u32) -> String {
    let kib = proc_field(pid, "status", "VmHWM:").unwrap_or(0);
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn proc_field(pid: u32, file: &str, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/{file}")).ok()?;
    text.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// utime + stime in milliseconds.
fn cpu_ms(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<u64> = after
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    // Fields 14 and 15 of stat are the 12th and 13th after the name.
    let ticks = f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0);
    ticks * 1000 / 100
}

/// Context switches of every thread (each is a wake-up).
fn wakeups(pid: u32) -> u64 {
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    dir.flatten()
        .map(|t| {
            let tid: u32 = t.file_name().to_string_lossy().parse().unwrap_or(0);
            let f = |k| proc_field(pid, &format!("task/{tid}/status"), k).unwrap_or(0);
            f("voluntary_ctxt_switches:") + f("nonvoluntary_ctxt_switches:")
        })
        .sum()
}

fn stats(v: &mut [Duration]) -> (f64, f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p = |q: f64| ms(v[((v.len() as f64 - 1.0) * q).round() as usize]);
    (p(0.5), p(0.95), ms(*v.last().unwrap()))
}

/// `0.37 ms median, 0.55 p95, 0.84 max`.
fn latency(v: &mut [Duration]) -> String {
    let (m, p95, max) = stats(v);
    format!("{m:.2} ms median, {p95:.2} p95, {max:.2} max")
}

fn median(v: &mut [usize]) -> usize {
    v.sort();
    v[v.len() / 2]
}

fn ready(s: &str) -> bool {
    s.contains("Ready.") && s.contains("quit")
}

fn focus_body(s: &mut Session) {
    s.send(b"\t\t\t\t");
    // ">Body" on a plain screen (GRAFT_METRICS_CONFIG with `plain = true`).
    s.until(5, |scr| scr.contains("┏ Body") || scr.contains(">Body"));
    s.drain(Duration::from_millis(20));
}

fn paste(s: &mut Session, text: &str) {
    let mut payload = Vec::with_capacity(text.len() + 12);
    payload.extend_from_slice(b"\x1b[200~");
    payload.extend_from_slice(text.as_bytes());
    payload.extend_from_slice(b"\x1b[201~");
    // Large writes block until graft reads them; write from a thread.
    let mut w = std::mem::replace(&mut s.writer, Box::new(std::io::sink()));
    let h = std::thread::spawn(move || {
        w.write_all(&payload).unwrap();
        w.flush().unwrap();
        w
    });
    s.writer = Box::new(std::io::sink());
    s.until(30, |scr| scr.contains("END-OF-PASTE"));
    s.writer = h.join().unwrap();
}

/// The run's cache folder (dictionaries' word lists), as a user's
/// `~/.cache` would be after graft's first start.
fn cache_dir() -> &'static std::path::Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().unwrap()).path()
}

/// One session that types a misspelled word and waits for its underline,
/// so the dictionaries' word lists are made before anything is measured.
fn warm_cache(emu: &Emulator) {
    if !std::path::Path::new("/usr/share/hunspell/en_US.aff").exists() {
        return;
    }
    let mut s = Session::spawn_config(emu, "spell = [\"en_US\"]\n");
    s.until(10, ready);
    focus_body(&mut s);
    s.send(b"qzxvw ");
    s.until_underlined(30);
    s.quit();
}

/// `tui_metrics startup [N]`: startup alone, in turns (N each, 40 unless
/// given) so all see the same machine: graft, another build of it when
/// GRAFT_BIN_OTHER names one (before and after a change), and nano.
fn startup_only(emu: &Emulator, n: usize) {
    let nano_ready = |scr: &str| scr.contains("^G") && scr.contains("^X");
    let mut builds = vec![binary()];
    builds.extend(std::env::var_os("GRAFT_BIN_OTHER").map(std::path::PathBuf::from));
    // Each build twice: with a state directory kept from round to round
    // (the usual start, its folders made), and with a new one each time (a
    // first start, which makes them); then nano.
    let kept: Vec<tempfile::TempDir> = builds
        .iter()
        .map(|_| tempfile::tempdir().unwrap())
        .collect();
    /// A program measured: its name, which build (None: nano) and whether
    /// its state is kept; its times, and page faults and memory once ready
    /// (last run).
    struct Measured {
        who: String,
        build: Option<(usize, bool)>,
        times: Vec<Duration>,
        mem: String,
    }
    let measured = |who: String, build| Measured {
        who,
        build,
        times: Vec::new(),
        mem: String::new(),
    };
    let mut programs: Vec<Measured> = Vec::new();
    for (i, b) in builds.iter().enumerate() {
        programs.push(measured(
            format!("{} (state kept)", b.display()),
            Some((i, true)),
        ));
        programs.push(measured(
            format!("{} (first start)", b.display()),
            Some((i, false)),
        ));
    }
    programs.push(measured("nano".into(), None));
    // Each round starts with the next program: whichever runs first in a
    // round was measured up to 0.6 ms slower (two binaries that were the
    // same file differed by that much in a fixed order).
    let count = programs.len();
    // A round before the measured ones makes the kept folders.
    for round in 0..=n {
        for k in 0..count {
            let p = &mut programs[(round + k) % count];
            let (mut s, t0) = match p.build {
                Some((b, keep)) => {
                    let state = keep.then(|| kept[b].path());
                    Session::spawn_bin_in(emu, &builds[b], state)
                }
                None => Session::spawn_nano(),
            };
            let at = match p.build {
                Some(_) => s.until(10, ready),
                None => s.until(10, nano_ready),
            };
            if round > 0 {
                p.times.push(at.saturating_duration_since(t0));
                p.mem = faults_and_rss(s.pid);
            }
            s.quit();
        }
    }
    for p in &mut programs {
        let (m, p95, _) = stats(&mut p.times);
        let min = p.times[0].as_secs_f64() * 1000.0;
        println!(
            "{}: startup {m:.2} ms median (p95 {p95:.2}, min {min:.2}); {}",
            p.who, p.mem
        );
    }
}

/// Minor page faults so far and the peak resident set of a process.
fn faults_and_rss(pid: u32) -> String {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    // Fields after the name: state is 3rd in stat, minflt the 10th.
    let minflt = after.split_whitespace().nth(7).unwrap_or("?");
    let kib = |k: &str| proc_field(pid, "status", k).unwrap_or(0) as f64 / 1024.0;
    format!(
        "{minflt} page faults, peak RSS {} (now {:.1} MiB anonymous, {:.1} MiB from files)",
        peak_rss(pid),
        kib("RssAnon:"),
        kib("RssFile:")
    )
}

fn main() {
    // With mail to answer (F8); nothing else reads the Inbox.
    let config = EmulatorConfig::default();
    let inbox = graft_emulator::seeded_inbox(&config.user_principal_name);
    let emu = Emulator::start(EmulatorConfig { inbox, ..config }).unwrap();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "startup") {
        let n = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(40);
        return startup_only(&emu, n);
    }
    warm_cache(&emu);
    let mut rows: Vec<(String, String, String)> = Vec::new();
    let mut row =
        |what: &str, value: String, target: &str| rows.push((what.into(), value, target.into()));

    // Startup: process start to a complete form.
    let mut startup = Vec::new();
    for _ in 0..20 {
        let (mut s, t0) = Session::spawn(&emu);
        let at = s.until(10, ready);
        startup.push(at.saturating_duration_since(t0));
        s.quit();
    }
    // The floor: a key echoed by `cat` through the same kind of pty.
    let mut cat = Session::spawn_cat();
    cat.until(5, |scr| scr.contains("ready"));
    let (mut lat, _) = cat.type_keys(300);
    let (m, p95, _) = stats(&mut lat);
    row(
        "for scale: a key echoed by `cat` (the pty itself)",
        format!("{m:.2} ms median, {p95:.2} p95"),
        "",
    );
    cat.quit();

    let (m, p95, _) = stats(&mut startup);
    row(
        "startup to first complete form",
        format!("{m:.1} ms median (p95 {p95:.1})"),
        "≤ 15 ms median",
    );
    // nano in the same run: startup, echo, bytes per key, peak RSS.
    if std::process::Command::new("nano")
        .arg("--version")
        .output()
        .is_ok()
    {
        let nano_ready = |scr: &str| scr.contains("^G") && scr.contains("^X");
        let mut startup = Vec::new();
        for _ in 0..20 {
            let (mut n, t0) = Session::spawn_nano();
            let at = n.until(10, nano_ready);
            startup.push(at.saturating_duration_since(t0));
            n.quit();
        }
        let (m, p95, _) = stats(&mut startup);
        row(
            "nano: startup to first complete screen",
            format!("{m:.1} ms median (p95 {p95:.1})"),
            "",
        );
        let (mut n, _) = Session::spawn_nano();
        n.until(10, nano_ready);
        n.drain(Duration::from_millis(100));
        // Echo, nano and graft in turns of 50 keys (600 each), so both see
        // the same machine: a quiet spell or a busy one counts for both.
        let (mut g, _) = Session::spawn(&emu);
        g.until(10, ready);
        focus_body(&mut g);
        let (mut lat, mut bytes) = (Vec::new(), Vec::new());
        let mut glat = Vec::new();
        for _ in 0..12 {
            let (l, b) = n.type_keys(50);
            lat.extend(l);
            bytes.extend(b);
            glat.extend(g.type_keys(50).0);
        }
        g.quit();
        row("nano: echo latency", latency(&mut lat), "");
        row(
            "echo latency, small body, in turns with nano",
            latency(&mut glat),
            "≤ nano's",
        );
        row(
            "nano: bytes written per key",
            format!("{} median", median(&mut bytes)),
            "",
        );
        row("nano: peak RSS", peak_rss(n.pid), "");
        n.quit();
    }

    // Typing in a small body.
    let (mut s, _) = Session::spawn(&emu);
    s.until(10, ready);
    focus_body(&mut s);
    let (mut lat, mut bytes) = s.type_keys(300);
    row(
        "echo latency, small body",
        latency(&mut lat),
        "≤ 0.5 / ≤ 1 ms",
    );
    row(
        "bytes written per key",
        format!("{} median", median(&mut bytes)),
        "≤ 20",
    );

    // A pause writes only what changed: after a key, the counters (and
    // nothing else); after a cursor move, nothing at all.
    let mut after_key = Vec::new();
    let mut after_move = Vec::new();
    for c in [b"x", b" ", b"y"].iter().cycle().take(9) {
        s.drain(Duration::from_millis(800));
        s.type_keys(0);
        s.send(*c);
        s.drain(Duration::from_millis(40)); // the echo
        after_key.push(s.drain(Duration::from_millis(800)));
        s.send(b"\x1b[D");
        s.drain(Duration::from_millis(40));
        after_move.push(s.drain(Duration::from_millis(800)));
        s.send(b"\x1b[C");
    }
    row(
        "bytes written at a pause: after a key / after a cursor move",
        format!(
            "{} / {} median",
            median(&mut after_key),
            median(&mut after_move)
        ),
        "the counters / 0",
    );

    // Idle for 10 s.
    s.drain(Duration::from_millis(1200));
    let (cpu0, wake0, bytes0) = (cpu_ms(s.pid), wakeups(s.pid), s.bytes);
    std::thread::sleep(Duration::from_secs(10));
    s.drain(Duration::from_millis(10));
    let (cpu1, wake1, bytes1) = (cpu_ms(s.pid), wakeups(s.pid), s.bytes);
    row(
        "idle 10 s: bytes, CPU, wake-ups",
        format!(
            "{} bytes, {} ms CPU, {} wake-ups",
            bytes1 - bytes0,
            cpu1 - cpu0,
            wake1 - wake0
        ),
        "0 bytes, < 10 ms, none periodic",
    );
    row("peak RSS, normal session", peak_rss(s.pid), "≤ 12 MiB");

    // Save: warm connection, one request. Each sample is a new draft (F6, n),
    // an address typed into To, then Ctrl-S until "201 Created" is on screen.
    let reqs0 = emu.requests().len();
    let conns0 = emu.connections();
    let mut beyond = Vec::new();
    let mut totals = Vec::new();
    let mut servers = Vec::new();
    let mut handlers = Vec::new();
    let mut per_save = Vec::new();
    s.send(b"\x1b[Z\x1b[Z\x1b[Z\x1b[Z");
    for i in 0..SAVES {
        if i > 0 {
            s.send(b"\x1b[17~");
            s.until(5, |scr| scr.contains("Drafts saved from graft"));
            s.send(b"n");
            s.until(5, |scr| scr.contains("New draft."));
        }
        let to = format!("metrics{i}@contoso.com");
        s.send(to.as_bytes());
        s.until(5, |scr| scr.contains(&to));
        s.drain(Duration::from_millis(20));
        let before = emu.requests().len();
        let t0 = Instant::now();
        s.send(b"\x13");
        let at = s.until(10, |scr| scr.contains("201 Created"));
        let total = at.saturating_duration_since(t0);
        // Background look-ups (people search while typing) are not part of the save.
        let saves: Vec<_> = emu.requests()[before..]
            .iter()
            .filter(|r| r.path.contains("/messages"))
            .cloned()
            .collect();
        // The server's time at its socket: first byte of the request read to
        // the last write of its answer (the handler's own time is part of it).
        let server = Duration::from_micros(saves.iter().map(|r| r.wire_micros).sum());
        let handler = Duration::from_micros(saves.iter().map(|r| r.micros).sum());
        per_save.push(saves.len());
        beyond.push(total.saturating_sub(server));
        totals.push(total);
        servers.push(server);
        handlers.push(handler);
        s.drain(Duration::from_millis(30));
    }
    let creates = emu.requests()[reqs0..]
        .iter()
        .filter(|r| r.path.contains("/messages") && r.method == "POST")
        .count();
    row(
        "save: requests per save / new connections",
        format!(
            "{} (max {}; {creates} creates for {SAVES} saves) / {}",
            median(&mut per_save),
            per_save.iter().max().copied().unwrap_or(0),
            emu.connections() - conns0
        ),
        "1 / 0",
    );
    let (tm, _, _) = stats(&mut totals);
    let (sm, _, _) = stats(&mut servers);
    let (hm, _, _) = stats(&mut handlers);
    row(
        "save: key to status, beyond server time",
        format!(
            "{} ({SAVES} saves; total {tm:.2}, server {sm:.2} median, of which handler {hm:.2})",
            latency(&mut beyond)
        ),
        "≤ 1 ms",
    );
    s.quit();

    // 1 MiB body: paste, then type.
    let line = "The quarterly figures are attached; please review them before Friday.\n";
    let mut big = line.repeat((1 << 20) / line.len());
    big.push_str("END-OF-PASTE");
    let (mut s, _) = Session::spawn(&emu);
    s.until(10, ready);
    focus_body(&mut s);
    let t0 = Instant::now();
    paste(&mut s, &big);
    let pasted = t0.elapsed();
    row(
        "paste 1 MiB (bracketed) to on screen",
        format!("{:.1} ms", pasted.as_secs_f64() * 1000.0),
        "≤ 100 ms",
    );
    s.drain(Duration::from_millis(400));
    let (mut lat, _) = s.type_keys(100);
    row(
        "echo latency, 1 MiB body",
        latency(&mut lat),
        "≤ 1 / ≤ 2 ms",
    );
    s.drain(Duration::from_millis(500));
    row("peak RSS, 1 MiB body", peak_rss(s.pid), "≤ 40 MiB");
    s.quit();

    // F8: the list opens in one request; its search box echoes.
    let (mut s, _) = Session::spawn(&emu);
    s.until(10, ready);
    let before = emu.requests().len();
    let t0 = Instant::now();
    s.send(b"\x1b[19~");
    let at = s.until(10, |scr| scr.contains("Lunch on Thursday?"));
    let opened = at.saturating_duration_since(t0);
    // Requests of the list (the start's own, such as the warm-up, may still
    // be arriving).
    let asked = emu.requests()[before..]
        .iter()
        .filter(|r| r.path.contains("/mailFolders/") && r.path.ends_with("/messages"))
        .count();
    row(
        "F8: list on screen / requests",
        format!("{:.1} ms / {asked}", opened.as_secs_f64() * 1000.0),
        "1 round trip / 1",
    );
    let (mut lat, _) = s.type_keys(100);
    row(
        "echo latency, F8 search box",
        latency(&mut lat),
        "≤ 0.5 / ≤ 1 ms",
    );
    s.quit();

    // 500 recipients in To.
    let (mut s, _) = Session::spawn(&emu);
    s.until(10, ready);
    let to: Vec<String> = (0..500).map(|i| format!("person{i}@contoso.com")).collect();
    let mut to = to.join(", ");
    to.push_str(", END-OF-PASTE@x.io");
    paste(&mut s, &to);
    focus_body(&mut s);
    let (mut lat, _) = s.type_keys(100);
    row(
        "echo latency, 500 recipients",
        latency(&mut lat),
        "≤ 1 / ≤ 2 ms",
    );
    s.quit();

    spelling(&emu, &mut row);

    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    println!(
        "graft {} · {}x{} pty · {} cores · {cpu}",
        env!("CARGO_PKG_VERSION"),
        COLS,
        ROWS,
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    println!();
    println!("| measure | graft | target |");
    println!("|---|---|---|");
    for (w, v, t) in rows {
        println!("| {w} | {v} | {t} |");
    }
}

/// Echo with spelling off and on (Hunspell's en_US when installed, else
/// the tests' small dictionary), typing with pauses so checks run between
/// keys; and from a pause to the misspelled word underlined.
fn spelling(emu: &Emulator, row: &mut impl FnMut(&str, String, &str)) {
    // Another build (GRAFT_BIN) may predate spelling: its config has no `spell`.
    if std::env::var_os("GRAFT_BIN").is_some() && std::env::var_os("GRAFT_SPELL").is_none() {
        return;
    }
    let system = std::path::Path::new("/usr/share/hunspell/en_US.aff").exists();
    let on = if system {
        "spell = [\"en_US\"]\n".to_string()
    } else {
        format!(
            "spell = [\"en_TEST\"]\nspell_path = [\"{}/tests/data/hunspell\"]\n",
            env!("CARGO_MANIFEST_DIR")
        )
    };
    let dict = if system { "en_US" } else { "en_TEST" };
    // Words the dictionary knows: the test one is small.
    let line = if system {
        "The quarterly figures are attached; please review them before Friday.\n"
    } else {
        "The quarter reports are attached; please review them before Friday.\n"
    };
    let mut big = line.repeat((1 << 20) / line.len());
    big.push_str("END-OF-PASTE");
    for (label, config) in [("off", "spell = []\n".to_string()), ("on", on)] {
        for (size, body) in [("small", None), ("1 MiB", Some(&big))] {
            let mut s = Session::spawn_config(emu, &config);
            s.until(10, ready);
            focus_body(&mut s);
            if let Some(body) = body {
                paste(&mut s, body);
                s.drain(Duration::from_millis(600));
            }
            if label == "on" {
                s.drain(Duration::from_millis(1500));
                assert!(
                    !s.underlined(),
                    "the text starts with no misspelled word:\n{}",
                    s.parser.screen().contents()
                );
                let t0 = Instant::now();
                s.send(b" qzxvw");
                let at = s.until_underlined(20);
                let ms = at.saturating_duration_since(t0).as_secs_f64() * 1000.0 - 300.0;
                row(
                    &format!("spelling: pause over to word underlined, {size} body ({dict})"),
                    format!("{ms:.1} ms after the 300 ms pause"),
                    "≤ 100 ms small",
                );
            }
            let mut lat = s.type_pausing(120, 20, Duration::from_millis(450));
            row(
                &format!("echo latency, {size} body, spelling {label} (typing with pauses)"),
                latency(&mut lat),
                "≤ 1 / ≤ 2 ms",
            );
            if label == "on" {
                row(
                    &format!("peak RSS, {size} body, spelling on ({dict})"),
                    peak_rss(s.pid),
                    "",
                );
            }
            s.quit();
        }
    }
}
