//! Logs go to a daily-rotated file in the state directory (`<state>/logs/`,
//! seven files kept), never to the terminal. They hold methods, paths, status
//! codes, request ids and timings; never tokens, codes or message text.

use std::str::FromStr;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::prelude::*;

/// Keeps the background log writer alive; logs are flushed when it drops.
pub(crate) struct LogGuard(#[allow(dead_code)] Option<tracing_appender::non_blocking::WorkerGuard>);

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
    let appender = LogFile {
        dir,
        file: None,
        failed: false,
    };
    // The default queue (128,000 lines) is allocated up front: 4 MiB of memory
    // for a program that logs a few lines per save. 512 lines is plenty; when
    // full, lines are dropped rather than blocking the UI.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(512)
        .lossy(true)
        .finish(appender);
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
    LogGuard(Some(guard))
}
