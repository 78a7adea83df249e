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

/// A merge's progress, when `enabled`: one line, rewritten in place.
pub(crate) fn merge_printer(enabled: bool) -> impl FnMut(crate::service::batch::Tally) + Send {
    let start = std::time::Instant::now();
    move |t: crate::service::batch::Tally| {
        if enabled {
            show(&merge_line(&t, start.elapsed()));
        }
    }
}

/// Drafts done of all, the rate, the time left, and the pause under way when
/// throttled or pacing:
/// `[######..] 1200/10000 drafts · 1150/min · 7 min 40 s left · waiting 12 s`.
fn merge_line(t: &crate::service::batch::Tally, elapsed: std::time::Duration) -> String {
    let (_, b) = bar(t.done as u64, t.total as u64);
    let mins = elapsed.as_secs_f64() / 60.0;
    let mut line = format!("{b} {}/{} drafts", t.done, t.total);
    if mins > 0.0 && t.done > 0 {
        let rate = t.done as f64 / mins;
        line.push_str(&format!(" · {rate:.0}/min"));
        let left = t.total.saturating_sub(t.done) as f64 / rate * 60.0;
        line.push_str(&format!(" · {} left", duration(left as u64)));
    }
    if let Some(p) = t.pause {
        line.push_str(&format!(
            " · waiting {} (Outlook's limit)",
            duration(p.as_secs().max(1))
        ));
    }
    line
}

/// `45 s`, `7 min 40 s`, `2 h 5 min`.
fn duration(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min {} s", secs / 60, secs % 60),
        _ => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
    }
}

/// Upload progress, when `enabled`: one update per percent.
pub(crate) fn progress_printer(enabled: bool) -> impl FnMut(&str, u64, u64) + Send {
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
pub(crate) fn end(enabled: bool) {
    if enabled {
        let _ = writeln!(std::io::stderr());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::batch::Tally;
    use std::time::Duration;

    #[test]
    fn the_merge_line_has_the_count_rate_time_left_and_pause() {
        let t = Tally {
            done: 1200,
            total: 10_000,
            pause: Some(Duration::from_secs(12)),
            ..Tally::default()
        };
        let line = merge_line(&t, Duration::from_secs(60));
        assert!(line.contains("1200/10000 drafts"), "{line}");
        assert!(line.contains("1200/min"), "{line}");
        assert!(line.contains("7 min 20 s left"), "{line}");
        assert!(line.contains("waiting 12 s"), "{line}");
        let start = merge_line(
            &Tally {
                total: 5,
                ..Tally::default()
            },
            Duration::ZERO,
        );
        assert!(start.ends_with("0/5 drafts"), "{start}");
    }
}
