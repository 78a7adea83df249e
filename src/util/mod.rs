//! The bottom layer: helpers every layer may use — the clock, text from
//! outside made safe to show, private files written atomically, the log.

pub mod fs;
pub(crate) mod logging;
pub(crate) mod sanitize;

/// A moment in the local zone (`TZ`, else the system's), from the C
/// library, which knows the zone's rules for that date (summer time).
fn local(unix: i64) -> time::PrimitiveDateTime {
    unsafe extern "C" {
        fn tzset();
    }
    static TZSET: std::sync::Once = std::sync::Once::new();
    // SAFETY: tzset reads TZ and the zone files; graft never sets TZ.
    TZSET.call_once(|| unsafe { tzset() });
    let t = unix as libc::time_t;
    // SAFETY: localtime_r writes only into `tm`, which lives on this stack.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let ok = unsafe { !libc::localtime_r(&t, &mut tm).is_null() };
    let utc =
        time::OffsetDateTime::from_unix_timestamp(unix).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let offset = if ok { tm.tm_gmtoff as i64 } else { 0 };
    let at = utc + time::Duration::seconds(offset);
    time::PrimitiveDateTime::new(at.date(), at.time())
}

/// The one format for a time shown to a person: local, to the minute,
/// `2026-12-06 11:45`. `rfc3339` is as Graph and the journal write it; a
/// time that does not parse is shown as it came.
pub(crate) fn local_time(rfc3339: &str) -> String {
    match time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339) {
        Ok(t) => {
            let l = local(t.unix_timestamp());
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}",
                l.year(),
                l.month() as u8,
                l.day(),
                l.hour(),
                l.minute()
            )
        }
        Err(_) => crate::util::sanitize::line(rfc3339),
    }
}

/// Wall-clock time for the status pane, local, with seconds: `09:15:02`
/// (an event of a moment ago: the date is today's).
pub(crate) fn clock() -> String {
    let now = local(time::OffsetDateTime::now_utc().unix_timestamp());
    format!("{:02}:{:02}:{:02}", now.hour(), now.minute(), now.second())
}

/// Today's date in the local zone, `2026-12-02`, for templates' `{{date}}`.
pub fn today() -> String {
    let now = local(time::OffsetDateTime::now_utc().unix_timestamp());
    format!(
        "{:04}-{:02}-{:02}",
        now.year(),
        now.month() as u8,
        now.day()
    )
}

/// Now, UTC, RFC 3339 with seconds.
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Whether the URL's host is this machine (127.0.0.1, ::1, localhost).
/// A count in words: "1 file", "3 files" (the plural given when it is not
/// the noun plus "s").
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// `text` in exactly `width` terminal columns: padded with spaces, or cut
/// with `…` at the end (wide characters count two).
pub(crate) fn fit(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let total: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if total > width && used + w + 1 > width {
            if used < width {
                out.push('…');
                used += 1;
            }
            break;
        }
        out.push(c);
        used += w;
    }
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

/// Edits (insert, delete, replace, swap two neighbours) from `a` to `b`.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

pub(crate) fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => std::net::IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => std::net::IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_fits_its_columns() {
        assert_eq!(crate::util::fit("abc", 5), "abc  ");
        assert_eq!(crate::util::fit("abcdef", 5), "abcd…");
        assert_eq!(crate::util::fit("abcde", 5), "abcde");
        // Wide characters count two columns, and are never cut in half.
        assert_eq!(crate::util::fit("日本語です", 7), "日本語…");
        assert_eq!(crate::util::fit("日本語です", 6), "日本… ");
        assert_eq!(crate::util::fit("", 2), "  ");
    }
}
