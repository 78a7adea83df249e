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

/// What the tenant says of one recipient (Graph's MailTips): its truth in
/// place of the checks' guesses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tip {
    /// The address, lower case.
    pub address: String,
    /// The automatic reply it has on (out of office), as set.
    pub away: Option<String>,
    /// Outside the organisation (`recipientScope`), when known.
    pub external: Option<bool>,
    /// A group: its members, and how many of them are outside.
    pub members: Option<(u64, u64)>,
    /// A moderator approves mail to it first.
    pub moderated: bool,
    /// It may not take mail from this sender.
    pub restricted: bool,
}

impl Tip {
    /// What a person should know of it when it is added, if anything.
    pub(crate) fn news(&self) -> Option<String> {
        let mut said = Vec::new();
        if let Some(m) = &self.away {
            let m: String = m.chars().take(160).collect();
            said.push(if m.trim().is_empty() {
                "is away (automatic replies on)".to_string()
            } else {
                format!("is away: “{}”", m.trim())
            });
        }
        if self.external == Some(true) {
            said.push("is outside your organisation".into());
        }
        if let Some((n, ext)) = self.members {
            said.push(if ext > 0 {
                format!("is a group of {n} ({ext} outside your organisation)")
            } else {
                format!("is a group of {n}")
            });
        }
        if self.moderated {
            said.push("is moderated: a moderator approves mail first".into());
        }
        if self.restricted {
            said.push("may not accept mail from you".into());
        }
        (!said.is_empty()).then(|| format!("{} {}", self.address, said.join("; ")))
    }
}

/// The checks with the tenant's MailTips where every recipient has one:
/// outside recipients as the tenant counts them (in place of the
/// `internal_domains` guess, when that check is on), and the recipients a
/// group stands for counted in (for `max_recipients`).
pub(crate) fn check_with_tips(
    content: &DraftContent,
    attached: usize,
    checks: &Checks,
    tips: &[Tip],
) -> Vec<Warning> {
    let mut out = check(content, attached, checks);
    if !checks.enabled {
        return out;
    }
    let all: Vec<String> = content
        .to
        .iter()
        .chain(&content.cc)
        .chain(&content.bcc)
        .map(|a| a.address.to_lowercase())
        .collect();
    let known: Vec<&Tip> = all
        .iter()
        .filter_map(|a| tips.iter().find(|t| &t.address == a))
        .collect();
    if all.is_empty() || known.len() < all.len() {
        return out;
    }
    if !checks.internal_domains.is_empty() {
        out.retain(|w| !matches!(w, Warning::Outside(_)));
        let away: Vec<String> = known
            .iter()
            .filter(|t| t.external == Some(true))
            .map(|t| t.address.clone())
            .collect();
        if !away.is_empty() {
            out.push(Warning::Outside(away));
        }
    }
    if checks.max_recipients > 0 {
        let people: u64 = known
            .iter()
            .map(|t| t.members.map_or(1, |(n, _)| n.max(1)))
            .sum();
        out.retain(|w| !matches!(w, Warning::ManyRecipients(..)));
        if people as usize > checks.max_recipients {
            out.push(Warning::ManyRecipients(
                people as usize,
                checks.max_recipients,
            ));
        }
    }
    out
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
    use super::*;

    #[test]
    fn the_tenants_mailtips_replace_the_guesses() {
        let content = |to: &[&str]| DraftContent {
            to: to
                .iter()
                .map(|a| Address {
                    name: None,
                    address: a.to_string(),
                })
                .collect(),
            ..Default::default()
        };
        let checks = Checks {
            internal_domains: vec!["contoso.com".into()],
            max_recipients: 25,
            ..Default::default()
        };
        let tip = |a: &str, external: bool, members: Option<(u64, u64)>| Tip {
            address: a.into(),
            external: Some(external),
            members,
            ..Default::default()
        };
        // The domain guess says fabrikam is outside; the tenant says the
        // partner domain is inside, and the group is 120 people.
        let c = content(&["lee@fabrikam.com", "all@contoso.com"]);
        let guessed = check(&c, 0, &checks);
        assert_eq!(guessed, [Warning::Outside(vec!["lee@fabrikam.com".into()])]);
        let tips = [
            tip("lee@fabrikam.com", false, None),
            tip("all@contoso.com", false, Some((120, 3))),
        ];
        assert_eq!(
            check_with_tips(&c, 0, &checks, &tips),
            [Warning::ManyRecipients(121, 25)]
        );
        // A recipient the tips do not cover: the guesses stand.
        let c = content(&["lee@fabrikam.com", "new@contoso.com"]);
        assert_eq!(check_with_tips(&c, 0, &checks, &tips), guessed);
        let away = Tip {
            address: "dana@contoso.com".into(),
            away: Some("Back on Monday".into()),
            ..Default::default()
        };
        assert_eq!(
            away.news().as_deref(),
            Some("dana@contoso.com is away: “Back on Monday”")
        );
        assert_eq!(tip("x@contoso.com", false, None).news(), None);
    }
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
