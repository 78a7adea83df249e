//! The one progress bar of the commands: one line on standard error,
//! rewritten in place, and only when that is a terminal. Counts (`12/50
//! drafts`) and bytes (`uploading a.zip 45% 4.7 / 10.5 MB`) share it.

use std::io::Write;

const WIDTH: usize = 24;

/// A bar `fill` of [`WIDTH`] full.
fn bar(done: u64, total: u64) -> (u64, String) {
    let pct = (done * 100).checked_div(total).unwrap_or(100).min(100);
    let fill = pct as usize * WIDTH / 100;
    (
        pct,
        format!("[{}{}]", "#".repeat(fill), ".".repeat(WIDTH - fill)),
    )
}

fn show(line: &str) {
    let _ = write!(std::io::stderr(), "\r\x1b[2Kgraft: {line}");
}

/// `done` of `total` drafts, when `enabled`.
pub fn count_printer(enabled: bool) -> impl FnMut(usize, usize) + Send {
    move |done: usize, total: usize| {
        if enabled {
            let (_, b) = bar(done as u64, total as u64);
            show(&format!("{b} {done}/{total} drafts"));
        }
    }
}

/// Upload progress, when `enabled`: one update per percent.
pub fn progress_printer(enabled: bool) -> impl FnMut(&str, u64, u64) + Send {
    let mut last = (String::new(), u64::MAX);
    move |name: &str, done: u64, total: u64| {
        if !enabled {
            return;
        }
        let (pct, b) = bar(done, total);
        if last.0 == name && last.1 == pct {
            return;
        }
        last = (name.to_string(), pct);
        show(&format!(
            "uploading {name} {b} {pct:>3}% {}/{}",
            crate::core::attach::human_size(done),
            crate::core::attach::human_size(total)
        ));
        if done >= total {
            end(true);
        }
    }
}

/// Ends the bar's line, when one was drawn.
pub fn end(enabled: bool) {
    if enabled {
        let _ = writeln!(std::io::stderr());
    }
}
