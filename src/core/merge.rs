//! Two editors, one draft. Outlook (on the web, on a phone) edits and
//! autosaves the draft graft saved; before graft updates it again, what the
//! server holds now ("theirs") is merged with what the user has ("mine")
//! against the version graft last saved ("base"): a field changed on one
//! side only takes that side's value; recipients merge as sets (added on
//! either side: kept; removed on one side and untouched on the other:
//! removed); the body, changed on both sides, merges only when the two
//! edits do not overlap, and is otherwise a conflict for the user to
//! settle. Nothing here overwrites silently. No I/O.

use crate::core::address::Address;
use crate::core::content::{BodyFormat, DraftContent, html_text, unwrap_html};

/// What the server holds now, as read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Theirs {
    /// Its fields (the body as the HTML fragment Graph returns).
    pub(crate) content: DraftContent,
    /// The whole body as Graph returned it (HTML).
    pub(crate) html: String,
    /// Its change key.
    pub(crate) change_key: String,
    /// Its attachments' ids and names.
    pub(crate) attachments: Vec<(String, String)>,
}

/// What became of the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Body {
    /// Outlook did not change it: graft's goes (changed or not).
    Mine,
    /// Only Outlook changed it: Outlook's stays, and the form takes it.
    Theirs,
    /// Both changed it, in places that do not overlap: both edits, merged.
    Merged,
    /// Both changed it where they overlap, or in a form that cannot be
    /// merged line by line: the user decides.
    Conflict(String),
}

/// The merge of the three.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Merged {
    /// What to save and what the form holds after (with Outlook's body
    /// when it is `Body::Theirs`, the merged one when `Body::Merged`).
    pub(crate) content: DraftContent,
    pub(crate) body: Body,
    /// Both changed the subject differently: (Outlook's, graft's).
    pub(crate) subject: Option<(String, String)>,
    /// What Outlook's body holds that a text draft cannot keep (tables,
    /// pictures, links), said when it is loaded as text.
    pub(crate) lossy: Option<String>,
}

impl Merged {
    /// Whether the user must choose (nothing is saved until they do): both
    /// changed the body (a merge is shown before it is saved) or the subject.
    pub(crate) fn conflict(&self) -> bool {
        matches!(self.body, Body::Conflict(_) | Body::Merged) || self.subject.is_some()
    }
}

/// Text compared without its layout: a hash of the words in order.
fn words(text: &str) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = foldhash::fast::FixedState::with_seed(7).build_hasher();
    for w in text.split_whitespace() {
        w.hash(&mut h);
    }
    h.finish()
}

/// What a reader sees of a draft's body (what Outlook keeps of it): the
/// words of its text, or of its HTML, signature and quote included.
pub(crate) fn fingerprint(content: &DraftContent) -> u64 {
    let (ct, body) = content.graph_body();
    if ct == "text" {
        words(&body)
    } else {
        words(&html_text(&body))
    }
}

/// The same of a body as the server returned it (HTML).
pub(crate) fn fingerprint_html(html: &str) -> u64 {
    words(&html_text(html))
}

/// Whether graft's side changed the body since `base`.
fn body_changed(base: &DraftContent, mine: &DraftContent) -> bool {
    base.body != mine.body
        || base.format != mine.format
        || base.signature != mine.signature
        || base.quote != mine.quote
}

/// Sets merged three ways: an address in both sides stays; one added on
/// either side is added; one removed on one side and left alone on the
/// other is removed. Mine's order first.
pub(crate) fn merge_set(base: &[Address], mine: &[Address], theirs: &[Address]) -> Vec<Address> {
    let has = |list: &[Address], a: &Address| {
        list.iter()
            .any(|x| x.address.eq_ignore_ascii_case(&a.address))
    };
    let mut out: Vec<Address> = Vec::new();
    for a in mine.iter().chain(theirs.iter()) {
        if has(&out, a) {
            continue;
        }
        let (m, t, b) = (has(mine, a), has(theirs, a), has(base, a));
        // In both, or added on one side (not in the base).
        let keep = (m && t) || ((m || t) && !b);
        if keep {
            out.push(a.clone());
        }
    }
    out
}

/// One side's change of one field against the base.
fn pick<T: PartialEq + Clone>(base: &T, mine: &T, theirs: &T) -> T {
    if mine == base {
        theirs.clone()
    } else {
        mine.clone()
    }
}

/// The part of Outlook's body the user writes in, as HTML: before an
/// answer's quote (Outlook's marks), without the signature block.
fn user_part(theirs: &Theirs, base: &DraftContent) -> String {
    let html = &theirs.html;
    let part = if base.quote.is_some() {
        crate::core::answer::text_above(html)
    } else {
        unwrap_html(html)
    };
    strip_signature(part).trim().to_string()
}

/// That part as text; a text signature (below `-- `) left out too.
fn theirs_text(theirs: &Theirs, base: &DraftContent) -> String {
    let text = html_text(&user_part(theirs, base));
    match &base.signature {
        Some(s) if s.format == BodyFormat::Text => {
            let first = s.text.lines().next().unwrap_or("");
            let cut = text
                .rfind("\n-- \n")
                .or_else(|| text.rfind("\n--\n"))
                .filter(|at| text[*at..].contains(first));
            match cut {
                Some(at) => text[..at].trim_end().to_string(),
                None => text,
            }
        }
        _ => text,
    }
}

/// HTML without Outlook's `<div id="Signature">…</div>` (balanced).
pub(crate) fn strip_signature(html: &str) -> String {
    split_signature(html).0
}

/// (HTML without the signature block, the block's inner HTML).
pub(crate) fn split_signature(html: &str) -> (String, Option<String>) {
    let lower = html.to_ascii_lowercase();
    let Some(start) = lower.find("<div id=\"signature\"") else {
        return (html.to_string(), None);
    };
    let Some(open_end) = lower[start..].find('>').map(|i| start + i + 1) else {
        return (html.to_string(), None);
    };
    // The matching `</div>`: count nested divs (linear in the rest).
    let mut depth = 1usize;
    let mut at = open_end;
    while depth > 0 {
        let next_open = lower[at..].find("<div").map(|i| at + i);
        let next_close = lower[at..].find("</div>").map(|i| at + i);
        match (next_open, next_close) {
            (Some(o), Some(c)) if o < c => {
                depth += 1;
                at = o + 4;
            }
            (_, Some(c)) => {
                depth -= 1;
                at = c + 6;
            }
            (_, None) => return (html.to_string(), None),
        }
    }
    let inner = html[open_end..at - 6].to_string();
    let mut rest = String::with_capacity(html.len());
    rest.push_str(&html[..start]);
    rest.push_str(html[at..].trim_start_matches(['\r', '\n']));
    (rest, Some(inner))
}

/// The lines `base` has in common with `other` at the start and end, as
/// the one region of `base` that `other` replaced: (start, end in base,
/// the replacement). Linear in the lengths.
fn hunk<'a>(base: &[&str], other: &'a [&'a str]) -> (usize, usize, &'a [&'a str]) {
    let same = |a: &str, b: &str| a.trim_end() == b.trim_end();
    let mut p = 0;
    while p < base.len() && p < other.len() && same(base[p], other[p]) {
        p += 1;
    }
    let mut s = 0;
    while s < base.len() - p
        && s < other.len() - p
        && same(base[base.len() - 1 - s], other[other.len() - 1 - s])
    {
        s += 1;
    }
    (p, base.len() - s, &other[p..other.len() - s])
}

/// Two edits of the same text merged when they touch different lines:
/// each side's one changed region against the base, applied both when
/// they do not overlap (an insertion at the edge of the other's change
/// counts as not overlapping). `None` when they overlap.
pub(crate) fn merge_lines(base: &str, mine: &str, theirs: &str) -> Option<String> {
    let b: Vec<&str> = base.lines().collect();
    let m: Vec<&str> = mine.lines().collect();
    let t: Vec<&str> = theirs.lines().collect();
    let (ms, me, mr) = hunk(&b, &m);
    let (ts, te, tr) = hunk(&b, &t);
    let m_empty = ms == me && mr.is_empty();
    let t_empty = ts == te && tr.is_empty();
    if m_empty {
        return Some(theirs.to_string());
    }
    if t_empty {
        return Some(mine.to_string());
    }
    // Overlapping regions (an insertion inside the other's region too).
    let apart = me <= ts || te <= ms;
    // Two replacements that meet at an edge (neither a pure insertion).
    let both_replace = ms != me && ts != te;
    let touching_edits = both_replace && (me == ts || te == ms);
    if !apart || touching_edits {
        return None;
    }
    let (first, second) = if ms <= ts {
        ((ms, me, mr), (ts, te, tr))
    } else {
        ((ts, te, tr), (ms, me, mr))
    };
    let mut out: Vec<&str> = Vec::with_capacity(b.len() + mr.len() + tr.len());
    out.extend_from_slice(&b[..first.0]);
    out.extend_from_slice(first.2);
    out.extend_from_slice(&b[first.1..second.0]);
    out.extend_from_slice(second.2);
    out.extend_from_slice(&b[second.1..]);
    Some(out.join("\n"))
}

/// What Outlook's HTML holds that text cannot: said when it becomes text.
fn lost_as_text(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let mut what = Vec::new();
    if lower.contains("<table") {
        what.push("a table");
    }
    if lower.contains("<img") {
        what.push("pictures");
    }
    if lower.contains("<a ") {
        what.push("link addresses");
    }
    if lower.contains("<b>")
        || lower.contains("<strong")
        || lower.contains("<i>")
        || lower.contains("<em")
    {
        what.push("bold or italic");
    }
    (!what.is_empty()).then(|| what.join(", "))
}

/// Merges `mine` and `theirs` against `base` (see the module's rules).
/// `ours`: fingerprints of bodies graft itself put on the server besides
/// `base`'s (the body as graft last read it back, a save whose answer was
/// never recorded): the server holding one of them is not Outlook's edit.
pub(crate) fn merge(
    base: &DraftContent,
    mine: &DraftContent,
    theirs: &Theirs,
    ours: &[u64],
) -> Merged {
    let t = &theirs.content;
    let mut content = DraftContent {
        to: merge_set(&base.to, &mine.to, &t.to),
        cc: merge_set(&base.cc, &mine.cc, &t.cc),
        bcc: merge_set(&base.bcc, &mine.bcc, &t.bcc),
        subject: pick(&base.subject, &mine.subject, &t.subject),
        ..mine.clone()
    };
    content.more.reply_to = merge_set(&base.more.reply_to, &mine.more.reply_to, &t.more.reply_to);
    content.more.importance = pick(
        &base.more.importance,
        &mine.more.importance,
        &t.more.importance,
    );
    content.more.read_receipt = pick(
        &base.more.read_receipt,
        &mine.more.read_receipt,
        &t.more.read_receipt,
    );
    content.more.delivery_receipt = pick(
        &base.more.delivery_receipt,
        &mine.more.delivery_receipt,
        &t.more.delivery_receipt,
    );
    content.more.categories = pick(
        &base.more.categories,
        &mine.more.categories,
        &t.more.categories,
    );
    content.more.flagged = pick(&base.more.flagged, &mine.more.flagged, &t.more.flagged);
    let subject =
        (mine.subject != base.subject && t.subject != base.subject && mine.subject != t.subject)
            .then(|| (t.subject.clone(), mine.subject.clone()));
    let now = fingerprint_html(&theirs.html);
    // Graft's own writes (and the server holding mine already) are not
    // Outlook's edits.
    let there = now != fingerprint(base) && now != fingerprint(mine) && !ours.contains(&now);
    let here = body_changed(base, mine);
    let mut lossy = None;
    let body = match (there, here) {
        (false, _) => Body::Mine,
        (true, false) => {
            // The form takes Outlook's body: as text for a text draft
            // (saying what text cannot keep), else as its HTML.
            let above = theirs_text(theirs, base);
            if mine.format == BodyFormat::Text {
                lossy = lost_as_text(&theirs.html);
                content.body = above;
            } else {
                content.body = user_part(theirs, base);
                content.format = BodyFormat::Html;
            }
            Body::Theirs
        }
        (true, true) => {
            let mergeable = base.format == BodyFormat::Text
                && mine.format == BodyFormat::Text
                && base.quote.is_none()
                && lost_as_text(&theirs.html).is_none();
            match mergeable
                .then(|| merge_lines(&base.body, &mine.body, &theirs_text(theirs, base)))
                .flatten()
            {
                Some(m) => {
                    content.body = m;
                    // Shown before it is saved: a question all the same.
                    Body::Merged
                }
                None if !mergeable => Body::Conflict(
                    "both changed the body, and its form cannot be merged line by line".into(),
                ),
                None => Body::Conflict("both changed the same lines of the body".into()),
            }
        }
    };
    Merged {
        content,
        body,
        subject,
        lossy,
    }
}

/// Outlook's body as a form holds it: as text for a text draft (`text`),
/// else as its HTML; without the signature block and an answer's quote.
pub(crate) fn theirs_for_form(
    theirs: &Theirs,
    base: &DraftContent,
    text: bool,
) -> (String, BodyFormat) {
    if text {
        (theirs_text(theirs, base), BodyFormat::Text)
    } else {
        (user_part(theirs, base), BodyFormat::Html)
    }
}

/// Files on graft's list that the server no longer has (Outlook removed
/// them): by id, or by name for one whose id was never learnt.
pub(crate) fn removed_there(
    list: &[crate::core::attach::AttachedFile],
    theirs: &[(String, String)],
) -> Vec<usize> {
    list.iter()
        .enumerate()
        .filter(|(_, f)| match f.server_id.as_deref() {
            None => false,
            Some("") => !theirs.iter().any(|(_, n)| *n == f.name),
            Some(id) => !theirs.iter().any(|(i, _)| i == id),
        })
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str) -> Address {
        Address {
            name: None,
            address: s.into(),
        }
    }

    #[test]
    fn sets_merge_three_ways() {
        let base = [a("x@c.com"), a("y@c.com")];
        // Outlook removed y and added z; graft added w.
        let mine = [a("x@c.com"), a("y@c.com"), a("w@c.com")];
        let theirs = [a("x@c.com"), a("z@c.com")];
        let got: Vec<String> = merge_set(&base, &mine, &theirs)
            .into_iter()
            .map(|x| x.address)
            .collect();
        assert_eq!(got, ["x@c.com", "w@c.com", "z@c.com"]);
    }

    #[test]
    fn lines_merge_when_apart_and_not_when_they_overlap() {
        let base = "First paragraph.";
        let mine = "First paragraph. And more.";
        let theirs = "First paragraph.\n\nSecond, from Outlook.";
        // Graft changed line 1, Outlook added after it: apart.
        assert_eq!(
            merge_lines(base, mine, theirs).as_deref(),
            Some("First paragraph. And more.\n\nSecond, from Outlook.")
        );
        // Both changed line 1.
        assert_eq!(merge_lines(base, "First!", "First?"), None);
        // One side unchanged.
        assert_eq!(merge_lines(base, base, theirs).as_deref(), Some(theirs));
        let long = "a\nb\nc\nd";
        assert_eq!(
            merge_lines(long, "A\nb\nc\nd", "a\nb\nc\nD").as_deref(),
            Some("A\nb\nc\nD")
        );
    }

    #[test]
    fn a_signature_block_is_split_out_whole() {
        let html = "<div>Hi</div><div id=\"Signature\"><div>-- </div><div><b>Dana</b></div></div>\r\n<p>after</p>";
        let (rest, sig) = split_signature(html);
        assert_eq!(rest, "<div>Hi</div><p>after</p>");
        assert_eq!(sig.as_deref(), Some("<div>-- </div><div><b>Dana</b></div>"));
    }

    #[test]
    fn only_outlooks_subject_change_is_taken_and_both_is_a_question() {
        let base = DraftContent {
            subject: "Plan".into(),
            body: "Text.".into(),
            ..Default::default()
        };
        let theirs = Theirs {
            content: DraftContent {
                subject: "Plan v2".into(),
                ..Default::default()
            },
            html: "<html><body><div>Text.</div></body></html>".into(),
            change_key: "ck2".into(),
            attachments: vec![],
        };
        let mut mine = base.clone();
        mine.body = "Text, edited.".into();
        let m = merge(&base, &mine, &theirs, &[]);
        assert_eq!(m.content.subject, "Plan v2");
        assert_eq!(m.body, Body::Mine);
        assert!(!m.conflict());
        mine.subject = "Plan (final)".into();
        let m = merge(&base, &mine, &theirs, &[]);
        assert_eq!(m.subject, Some(("Plan v2".into(), "Plan (final)".into())));
        assert!(m.conflict());
    }
}
