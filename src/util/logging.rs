//! Logs go to a daily-rotated file in the state directory (`<state>/logs/`,
//! seven files kept), never to the terminal. They hold methods, paths, status
//! codes, request ids and timings; never tokens, codes or message text.

use std::io::Write;
use std::str::FromStr;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use tracing_appender::non_blocking::{NonBlocking, NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::prelude::*;

/// Keeps the log writer: when it drops, lines still held are written and
/// the writer thread's queue is flushed.
pub(crate) struct LogGuard(Option<Arc<Mutex<Lines>>>);

impl Drop for LogGuard {
    fn drop(&mut self) {
        if let Some(lines) = &self.0 {
            start_lines(lines);
            // The worker's guard, dropped, writes out what it has queued.
            let running = std::mem::replace(&mut *lock(lines), Lines::Stopped);
            drop(running);
        }
    }
}

/// Where log lines go: held in memory until the writer thread starts
/// ([`start`]), then to that thread, which writes them to the file.
enum Lines {
    Held {
        bytes: Vec<u8>,
        sink: Box<dyn Write + Send>,
    },
    Running {
        writer: NonBlocking,
        #[allow(dead_code)] // kept for its Drop: the flush at the end
        guard: WorkerGuard,
    },
    Stopped,
}

/// The most held before the writer starts (a start logs a line or two);
/// beyond it lines are dropped, as the writer's full queue drops them.
const HELD_MAX: usize = 64 * 1024;

/// This process's log lines, once [`init`] has run.
static LINES: OnceLock<Arc<Mutex<Lines>>> = OnceLock::new();

fn lock(lines: &Mutex<Lines>) -> std::sync::MutexGuard<'_, Lines> {
    lines.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Starts the writer thread (0.15 ms), which writes the lines held so far
/// and every one after: the form calls this once its first frame is on
/// screen, every other command at once. Nothing is lost before it: lines
/// wait in memory.
pub(crate) fn start() {
    if let Some(lines) = LINES.get() {
        start_lines(lines);
    }
}

fn start_lines(lines: &Mutex<Lines>) {
    let mut lines = lock(lines);
    *lines = match std::mem::replace(&mut *lines, Lines::Stopped) {
        Lines::Held { bytes, sink } => {
            // The default queue (128,000 lines) is allocated up front: 4 MiB
            // of memory for a program that logs a few lines per save. 512
            // lines is plenty; when full, lines are dropped rather than
            // blocking the UI.
            let (mut writer, guard) = NonBlockingBuilder::default()
                .buffered_lines_limit(512)
                .lossy(true)
                .finish(sink);
            if !bytes.is_empty() {
                let _ = writer.write_all(&bytes);
            }
            Lines::Running { writer, guard }
        }
        other => other,
    };
}

/// The subscriber's writer: each line to wherever [`Lines`] says.
#[derive(Clone)]
struct Deferred(Arc<Mutex<Lines>>);

impl Write for Deferred {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut *lock(&self.0) {
            Lines::Held { bytes, .. } => {
                if bytes.len() + buf.len() <= HELD_MAX {
                    bytes.extend_from_slice(buf);
                }
                Ok(buf.len())
            }
            Lines::Running { writer, .. } => writer.write(buf),
            Lines::Stopped => Ok(buf.len()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Deferred {
    type Writer = Deferred;

    fn make_writer(&'a self) -> Deferred {
        self.clone()
    }
}

pub(crate) fn log_dir() -> Option<std::path::PathBuf> {
    crate::util::fs::state_dir().map(|d| d.join("logs"))
}

/// The log file, opened by the background writer at its first line: the
/// folder made, old files pruned and today's opened off the UI's thread,
/// not before the form's first frame.
struct LogFile {
    dir: std::path::PathBuf,
    file: Option<tracing_appender::rolling::RollingFileAppender>,
    /// Opening failed once: lines are dropped from then on.
    failed: bool,
}

impl std::io::Write for LogFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.file.is_none() && !self.failed {
            self.file = crate::util::fs::private_dir(&self.dir).ok().and_then(|()| {
                tracing_appender::rolling::RollingFileAppender::builder()
                    .rotation(tracing_appender::rolling::Rotation::DAILY)
                    .filename_prefix("graft")
                    .filename_suffix("log")
                    .max_log_files(7)
                    .build(&self.dir)
                    .ok()
            });
            self.failed = self.file.is_none();
        }
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Ok(buf.len()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

/// Starts logging: `verbose` 0 = info, 1 = debug, 2+ = trace; `RUST_LOG` overrides.
pub(crate) fn init(verbose: u8) -> LogGuard {
    let Some(dir) = log_dir() else {
        return LogGuard(None);
    };
    let sink = Box::new(LogFile {
        dir,
        file: None,
        failed: false,
    });
    let lines = Arc::new(Mutex::new(Lines::Held {
        bytes: Vec::new(),
        sink,
    }));
    let _ = LINES.set(lines.clone());
    let writer = Deferred(lines.clone());
    let level = match verbose {
        0 => LevelFilter::INFO,
        1 => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    };
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|v| Targets::from_str(&v).ok())
        .unwrap_or_else(|| {
            Targets::new()
                .with_target("graft", level)
                .with_default(LevelFilter::WARN)
        });
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(writer)
        .with_ansi(false)
        .with_target(false);
    let _ = tracing_subscriber::registry()
        .with(layer.with_filter(filter))
        .try_init();
    LogGuard(Some(lines))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink that keeps what reaches it.
    #[derive(Clone, Default)]
    struct Kept(Arc<Mutex<Vec<u8>>>);

    impl Write for Kept {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn held(kept: &Kept) -> (Arc<Mutex<Lines>>, Deferred) {
        let lines = Arc::new(Mutex::new(Lines::Held {
            bytes: Vec::new(),
            sink: Box::new(kept.clone()),
        }));
        (lines.clone(), Deferred(lines))
    }

    /// Lines before the writer starts wait in memory, and reach the file
    /// first, in order, once it starts; later ones follow. Nothing waits
    /// past the guard.
    #[test]
    fn lines_wait_for_the_writer_and_keep_their_order() {
        let kept = Kept::default();
        let (lines, mut w) = held(&kept);
        w.write_all(b"graft started\n").unwrap();
        w.write_all(b"second\n").unwrap();
        assert!(kept.0.lock().unwrap().is_empty(), "no thread, no file yet");
        start_lines(&lines);
        w.write_all(b"after the first frame\n").unwrap();
        drop(LogGuard(Some(lines)));
        assert_eq!(
            String::from_utf8(kept.0.lock().unwrap().clone()).unwrap(),
            "graft started\nsecond\nafter the first frame\n"
        );
        w.write_all(b"after the end\n").unwrap();
        assert!(!String::from_utf8_lossy(&kept.0.lock().unwrap()).contains("end"));
    }

    /// A start that ends before the writer starts (a config error) still
    /// writes what it logged; what is held is bounded.
    #[test]
    fn held_lines_are_written_at_the_end_and_bounded() {
        let kept = Kept::default();
        let (lines, mut w) = held(&kept);
        let line = [b'x'; 1023];
        for _ in 0..100 {
            w.write_all(&line).unwrap();
            w.write_all(b"\n").unwrap();
        }
        drop(LogGuard(Some(lines)));
        let n = kept.0.lock().unwrap().len();
        assert_eq!(n, HELD_MAX, "64 of the 100 KiB logged");
    }
}
