//! The checks a careful client makes before it saves: a mentioned but
//! missing attachment, an empty subject or body, a long recipient list, a
//! recipient outside the organisation. Each can be turned off in the config
//! file (`[checks]`, or a profile's own `[profiles.NAME.checks]`); a save
//! that meets one is held once, and saving again saves anyway.

use crate::core::address::Address;
use crate::core::content::DraftContent;
use serde::Deserialize;

/// What to check (the config file's `[checks]`).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Checks {
    /// All checks on or off.
    pub(crate) enabled: bool,
    /// The body mentions an attachment and none is attached.
    pub(crate) forgotten_attachment: bool,
    /// Words that mention an attachment, besides the English ones (other
    /// languages: `["anbei", "angehängt", "pièce jointe", "adjunto"]`).
    pub(crate) attachment_words: Vec<String>,
    /// An empty subject or body (off by default: drafts are often saved
    /// half-written).
    pub(crate) empty_subject: bool,
    pub(crate) empty_body: bool,
    /// More recipients than this (To, Cc and Bcc together); 0 turns it off.
    pub(crate) max_recipients: usize,
    /// The organisation's own domains: a recipient outside them is named.
    /// Empty turns the check off.
    pub(crate) internal_domains: Vec<String>,
    /// Words the dictionaries do not know (off by default: names and
    /// jargon are often right).
    pub misspelled: bool,
}

impl Default for Checks {
    fn default() -> Self {
        Checks {
            enabled: true,
            forgotten_attachment: true,
            attachment_words: Vec::new(),
            empty_subject: false,
            empty_body: false,
            max_recipients: 25,
            internal_domains: Vec::new(),
            misspelled: false,
        }
    }
}

/// The English words (and their forms) that mention an attachment.
pub(crate) const ATTACHMENT_WORDS: &[&str] = &[
    "attached",
    "attachment",
    "attachments",
    "attaching",
    "enclosed",
    "enclosing",
];

/// Something to look at before the draft is saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warning {
    /// The body says this word and nothing is attached.
    ForgottenAttachment(String),
    EmptySubject,
    EmptyBody,
    /// This many recipients, more than the configured most.
    ManyRecipients(usize, usize),
    /// These recipients are outside the organisation's domains.
    Outside(Vec<String>),
    /// These words are not in the dictionaries.
    Misspelled(Vec<String>),
}

impl Warning {
    /// A stable name, for `--json` and the config file's keys.
    pub(crate) fn code(&self) -> &'static str {
        match self {
            Warning::ForgottenAttachment(_) => "forgotten_attachment",
            Warning::EmptySubject => "empty_subject",
            Warning::EmptyBody => "empty_body",
            Warning::ManyRecipients(..) => "max_recipients",
            Warning::Outside(_) => "internal_domains",
            Warning::Misspelled(_) => "misspelled",
        }
    }
}

impl Warning {
    /// What the user saved past, one reason each: the check, and for
    /// recipients outside and misspelled words, which one.
    pub(crate) fn reasons(&self) -> Vec<String> {
        match self {
            Warning::Outside(list) | Warning::Misspelled(list) => list
                .iter()
                .map(|x| format!("{}:{}", self.code(), x.to_lowercase()))
                .collect(),
            _ => vec![self.code().to_string()],
        }
    }

    /// This warning without the reasons in `passed` (`None` when none is
    /// left): a check the user saved past does not hold the draft again,
    /// a new recipient outside or a new misspelled word still does.
    pub(crate) fn without(self, passed: &[String]) -> Option<Warning> {
        let code = self.code();
        let keep = |x: &String| !passed.contains(&format!("{code}:{}", x.to_lowercase()));
        match self {
            Warning::Outside(list) => {
                let left: Vec<String> = list.into_iter().filter(keep).collect();
                (!left.is_empty()).then_some(Warning::Outside(left))
            }
            Warning::Misspelled(list) => {
                let left: Vec<String> = list.into_iter().filter(keep).collect();
                (!left.is_empty()).then_some(Warning::Misspelled(left))
            }
            w => (!passed.iter().any(|p| p == code)).then_some(w),
        }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warning::ForgottenAttachment(w) => {
                write!(f, "the body mentions “{w}” but nothing is attached")
            }
            Warning::EmptySubject => write!(f, "the subject is empty"),
            Warning::EmptyBody => write!(f, "the body is empty"),
            Warning::ManyRecipients(n, max) => {
                write!(f, "it goes to {n} recipients (more than {max})")
            }
            Warning::Misspelled(words) => some(f, "words not in the dictionary", words),
            Warning::Outside(list) => some(f, "it goes outside the organisation", list),
        }
    }
}

/// `label: a, b, c, d, e and 3 more`.
fn some(f: &mut std::fmt::Formatter<'_>, label: &str, list: &[String]) -> std::fmt::Result {
    let shown: Vec<&str> = list.iter().take(5).map(String::as_str).collect();
    let more = list.len().saturating_sub(shown.len());
    write!(f, "{label}: {}", shown.join(", "))?;
    if more > 0 {
        write!(f, " and {more} more")?;
    }
    Ok(())
}

/// What the user wrote: the body without its signature (after a `-- `
/// line) and without quoted lines (`> …`). An answer's quote is not in the
/// body at all.
fn own_text(body: &str) -> String {
    let mut out = String::new();
    for line in body.lines() {
        if line == "-- " || line == "--" {
            break;
        }
        if line.trim_start().starts_with('>') {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The first attachment word in `text`, as a whole word (case ignored).
fn mentions_attachment(text: &str, extra: &[String]) -> Option<String> {
    let lower = text.to_lowercase();
    let words = ATTACHMENT_WORDS
        .iter()
        .map(|w| w.to_string())
        .chain(extra.iter().map(|w| w.to_lowercase()));
    for w in words {
        let mut from = 0;
        while let Some(i) = lower[from..].find(&w) {
            let at = from + i;
            let end = at + w.len();
            let before = lower[..at].chars().next_back();
            let after = lower[end..].chars().next();
            let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
            if boundary(before) && boundary(after) {
                return Some(text[at..end].to_string());
            }
            from = end;
        }
    }
    None
}

fn outside(list: &[&Address], domains: &[String]) -> Vec<String> {
    list.iter()
        .filter(|a| {
            let domain = a
                .address
                .rsplit('@')
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            !domains.iter().any(|d| {
                let d = d.trim().trim_start_matches('@').to_ascii_lowercase();
                domain == d || domain.ends_with(&format!(".{d}"))
            })
        })
        .map(|a| a.address.clone())
        .collect()
}

/// The warnings for `content` with `attached` files.
/// The misspelled-words check, on the words spelling found (each once).
pub(crate) fn spelling<'a>(
    words: impl IntoIterator<Item = &'a str>,
    checks: &Checks,
) -> Option<Warning> {
    if !checks.enabled || !checks.misspelled {
        return None;
    }
    let mut list: Vec<String> = Vec::new();
    for w in words {
        if !list.iter().any(|x| x == w) {
            list.push(w.to_string());
        }
    }
    (!list.is_empty()).then_some(Warning::Misspelled(list))
}

pub fn check(content: &DraftContent, attached: usize, checks: &Checks) -> Vec<Warning> {
    let mut out = Vec::new();
    if !checks.enabled {
        return out;
    }
    let text = own_text(&content.body);
    if checks.forgotten_attachment
        && attached == 0
        && let Some(w) = mentions_attachment(&text, &checks.attachment_words)
    {
        out.push(Warning::ForgottenAttachment(w));
    }
    if checks.empty_subject && content.subject.trim().is_empty() {
        out.push(Warning::EmptySubject);
    }
    // An answer's body holds the quote: it is not empty.
    if checks.empty_body && text.trim().is_empty() && content.quote.is_none() {
        out.push(Warning::EmptyBody);
    }
    let all: Vec<&Address> = content
        .to
        .iter()
        .chain(&content.cc)
        .chain(&content.bcc)
        .collect();
    if checks.max_recipients > 0 && all.len() > checks.max_recipients {
        out.push(Warning::ManyRecipients(all.len(), checks.max_recipients));
    }
    if !checks.internal_domains.is_empty() {
        let away = outside(&all, &checks.internal_domains);
        if !away.is_empty() {
            out.push(Warning::Outside(away));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_reason_saved_past_is_not_asked_again_a_new_one_is() {
        let outside = Warning::Outside(vec!["a@fabrikam.com".into(), "b@fabrikam.com".into()]);
        let passed = outside.reasons();
        assert_eq!(
            passed,
            [
                "internal_domains:a@fabrikam.com",
                "internal_domains:b@fabrikam.com"
            ]
        );
        assert_eq!(outside.clone().without(&passed), None);
        let more = Warning::Outside(vec!["A@fabrikam.com".into(), "c@fabrikam.com".into()]);
        assert_eq!(
            more.without(&passed),
            Some(Warning::Outside(vec!["c@fabrikam.com".into()]))
        );
        let forgot = Warning::ForgottenAttachment("attached".into());
        let passed = forgot.reasons();
        assert_eq!(
            Warning::ForgottenAttachment("enclosed".into()).without(&passed),
            None
        );
        assert_eq!(
            Warning::EmptyBody.without(&passed),
            Some(Warning::EmptyBody)
        );
    }

    use super::*;
    use crate::core::address::parse_list;

    fn draft(to: &str, subject: &str, body: &str) -> DraftContent {
        DraftContent {
            to: parse_list(to).unwrap(),
            subject: subject.into(),
            body: body.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_mentioned_attachment_is_missed_only_when_nothing_is_attached() {
        let c = checks();
        let d = draft("a@contoso.com", "Q3", "Numbers are Attached.\nDana");
        assert_eq!(
            check(&d, 0, &c),
            [Warning::ForgottenAttachment("Attached".into())]
        );
        assert!(check(&d, 1, &c).is_empty());
        // Whole words only; quoted lines and the signature do not count.
        let d = draft(
            "a@contoso.com",
            "Q3",
            "unattachedness\n> see attached\n-- \nattached files welcome",
        );
        assert!(check(&d, 0, &c).is_empty());
        // Other languages, as configured.
        let de = Checks {
            attachment_words: vec!["anbei".into()],
            ..checks()
        };
        let d = draft("a@contoso.com", "Q3", "Die Zahlen anbei.");
        assert_eq!(
            check(&d, 0, &de),
            [Warning::ForgottenAttachment("anbei".into())]
        );
    }

    fn checks() -> Checks {
        Checks::default()
    }

    #[test]
    fn empty_parts_long_lists_and_outside_recipients_are_named() {
        // Off by default: drafts are often saved half-written.
        let d = draft("a@contoso.com", " ", "");
        assert!(check(&d, 0, &checks()).is_empty());
        let strict = Checks {
            empty_subject: true,
            empty_body: true,
            ..checks()
        };
        assert_eq!(
            check(&d, 0, &strict),
            [Warning::EmptySubject, Warning::EmptyBody]
        );
        let many: Vec<String> = (0..30).map(|i| format!("u{i}@contoso.com")).collect();
        let d = draft(&many.join(", "), "s", "b");
        assert_eq!(check(&d, 0, &checks()), [Warning::ManyRecipients(30, 25)]);
        let c = Checks {
            internal_domains: vec!["contoso.com".into()],
            ..checks()
        };
        let d = draft(
            "a@contoso.com, b@eu.contoso.com, dana@fabrikam.com",
            "s",
            "b",
        );
        assert_eq!(
            check(&d, 0, &c),
            [Warning::Outside(vec!["dana@fabrikam.com".into()])]
        );
        let off = Checks {
            enabled: false,
            ..c
        };
        assert!(check(&draft("x@y.com", "", ""), 0, &off).is_empty());
    }
}
