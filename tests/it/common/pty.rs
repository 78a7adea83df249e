//! Runs the real `graft` binary in a pseudo-terminal and reads its screen.
#![allow(dead_code)]

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Pty {
    /// The state directory (journal) this process uses; kept for restarts.
    pub state: Arc<tempfile::TempDir>,
    parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte graft wrote, for checking escape sequences the screen hides.
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Option<Box<dyn Write + Send>>,
    child: Box<dyn Child + Send + Sync>,
    master: Option<Box<dyn MasterPty + Send>>,
    closed: Arc<Mutex<bool>>,
}

/// The graft binary: `GRAFT_TEST_BIN` if set, else the one cargo built for
/// the tests, or (for the measuring programs in `examples/`, which share
/// this file) the release build.
pub fn graft_binary() -> String {
    // Another build to hold to the same stories (an earlier version, to
    // see a story fail where the bug was).
    if let Ok(p) = std::env::var("GRAFT_TEST_BIN") {
        return p;
    }
    match option_env!("CARGO_BIN_EXE_graft") {
        Some(p) => p.to_string(),
        None => concat!(env!("CARGO_MANIFEST_DIR"), "/target/release/graft").to_string(),
    }
}

impl Pty {
    pub fn spawn(args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Pty {
        let state = Arc::new(tempfile::tempdir().expect("temp state dir"));
        Pty::spawn_with_state(args, env, cols, rows, state)
    }

    /// Starts graft with the given state directory (to test a restart).
    pub fn spawn_with_state(
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
        state: Arc<tempfile::TempDir>,
    ) -> Pty {
        Pty::spawn_program(&graft_binary(), args, env, cols, rows, state)
    }

    /// Starts another program (a shell that starts graft) the same way.
    pub fn spawn_program(
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
        state: Arc<tempfile::TempDir>,
    ) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("GRAFT_STATE_DIR", state.path());
        // A home of its own: nothing of the developer's is read or written.
        cmd.env("HOME", state.path());
        cmd.env("XDG_STATE_HOME", state.path().join("xdg-state"));
        cmd.env("XDG_CONFIG_HOME", state.path().join("xdg-config"));
        cmd.env("XDG_DATA_HOME", state.path().join("xdg-data"));
        // Dictionaries' word lists: made once for every test, never in the
        // developer's cache.
        cmd.env("XDG_CACHE_HOME", shared_cache());
        cmd.env("GRAFT_CONFIG", state.path().join("config.toml"));
        cmd.env_remove("GRAFT_ACCESS_TOKEN");
        // Never the developer's own keyring.
        cmd.env("GRAFT_TOKEN_STORE", "file");
        cmd.env_remove("GRAFT_GRAPH_URL");
        cmd.env_remove("DISPLAY");
        cmd.env_remove("WAYLAND_DISPLAY");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn graft");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let closed = Arc::new(Mutex::new(false));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (p, c, r) = (parser.clone(), closed.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        r.lock().unwrap().extend_from_slice(&buf[..n]);
                        p.lock().unwrap().process(&buf[..n])
                    }
                }
            }
            *c.lock().unwrap() = true;
        });
        Pty {
            state,
            parser,
            raw,
            writer: Some(writer),
            child,
            master: Some(pair.master),
            closed,
        }
    }

    pub fn send(&mut self, bytes: &str) {
        let w = self.writer.as_mut().expect("terminal is open");
        w.write_all(bytes.as_bytes()).unwrap();
        w.flush().unwrap();
    }

    /// Resizes the terminal (graft gets SIGWINCH); the screen reader follows.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.parser
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(rows, cols);
        self.master
            .as_ref()
            .expect("terminal is open")
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize");
    }

    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// The runs of underlined text on screen, top to bottom.
    pub fn underlined(&self) -> Vec<String> {
        let parser = self.parser.lock().unwrap();
        let screen = parser.screen();
        let (rows, cols) = screen.size();
        let mut out = Vec::new();
        for r in 0..rows {
            let mut run = String::new();
            for c in 0..cols {
                match screen.cell(r, c) {
                    Some(cell) if cell.underline() => run.push_str(cell.contents()),
                    _ if !run.is_empty() => out.push(std::mem::take(&mut run)),
                    _ => {}
                }
            }
            if !run.is_empty() {
                out.push(run);
            }
        }
        out
    }

    pub fn cursor(&self) -> (u16, u16) {
        self.parser.lock().unwrap().screen().cursor_position()
    }

    /// Waits until `pred` holds for the screen; panics with the screen after `secs`.
    /// F8's list, loaded, then Down `downs` times until the selected row is
    /// the one from `from` about `subject` (the list is in columns).
    pub fn select_in_f8(&mut self, from: &str, subject: &str, downs: usize) {
        self.send("\x1b[19~");
        self.wait_for("the F8 list", 10, |s| {
            s.contains("Answer a message")
                && !s.contains("asking Outlook")
                && s.lines()
                    .any(|l| l.starts_with('│') && l.contains(from) && l.contains(subject))
        });
        self.send(&"\x1b[B".repeat(downs));
        self.wait_for("the message selected", 5, |s| {
            s.lines().any(|l| l.contains("▸ ") && l.contains(from))
        });
    }

    pub fn wait_for(&self, what: &str, secs: u64, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(15));
        }
    }

    pub fn wait_text(&self, text: &str) -> String {
        self.wait_for(text, 20, |s| s.contains(text))
    }

    /// Waits for the process to end and returns its exit code.
    pub fn wait_exit(&mut self, secs: u64) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.exit_code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("graft did not exit; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(15));
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// Screen text with box borders removed and rows joined, so wrapped values read whole.
pub fn unwrapped(screen: &str) -> String {
    screen
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c == '┃' || c == ' '))
        .collect::<Vec<_>>()
        .join("")
}

impl Pty {
    /// The process id, to send it signals.
    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    /// Sends `signal` (`libc::SIGKILL`, `SIGHUP`, …) to graft.
    pub fn signal(&self, signal: i32) {
        let pid = self.pid().expect("graft's pid") as i32;
        // SAFETY: a signal to the child this test started.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0, "kill {signal} {pid}");
    }

    /// kill -9, and wait until graft is gone.
    pub fn kill9(&mut self) {
        self.signal(libc::SIGKILL);
        self.wait_exit(10);
    }

    /// This session's state directory.
    pub fn state_dir(&self) -> &std::path::Path {
        self.state.path()
    }

    /// The journal files in this session's state directory.
    pub fn journal_files(&self) -> Vec<std::path::PathBuf> {
        let dir = self.state.path().join("journal");
        std::fs::read_dir(dir)
            .map(|d| {
                d.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "json"))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The text of every journal file in a state directory.
pub fn journal_texts(state: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(state.join("journal"))
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// The cache folder every test's graft shares (dictionaries' word lists),
/// under cargo's temporary directory (the system's for examples).
pub fn shared_cache() -> std::path::PathBuf {
    option_env!("CARGO_TARGET_TMPDIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir)
        .join("graft-test-cache")
}
