//! Recipient lists as people type them: `a@x.com, "Smith, Al" <al@x.com>; b@y.org`.
//!
//! The list is split on `,` or `;` outside quotes, angle brackets and comments;
//! each item is parsed as an RFC 5322 mailbox by `mailparse` and its address
//! checked by `email_address`, so errors name the item and the reason.

use std::str::FromStr;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Address {
    pub name: Option<String>,
    pub address: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressError {
    /// The item as the user typed it (trimmed).
    pub item: String,
    pub reason: String,
}

impl std::fmt::Display for AddressError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "'{}': {}", self.item, self.reason)
    }
}

/// Parses a recipient field. An empty field is an empty list.
pub fn parse_list(input: &str) -> Result<Vec<Address>, AddressError> {
    parse_list_all(input).map_err(|mut bad| bad.swap_remove(0))
}

/// Like [`parse_list`], but every item that is not an address is reported,
/// in the order typed.
pub(crate) fn parse_list_all(input: &str) -> Result<Vec<Address>, Vec<AddressError>> {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for item in split_items(input)
        .into_iter()
        .filter(|s| !s.trim().is_empty())
    {
        match parse_one(item.trim()) {
            Ok(a) => good.push(a),
            Err(e) => bad.push(e),
        }
    }
    if bad.is_empty() { Ok(good) } else { Err(bad) }
}

fn parse_one(item: &str) -> Result<Address, AddressError> {
    let err = |reason: String| AddressError {
        item: item.to_string(),
        reason,
    };
    let list = mailparse::addrparse(item).map_err(|e| err(describe_parse_error(item, &e)))?;
    let mut singles = Vec::new();
    for entry in list.iter() {
        match entry {
            mailparse::MailAddr::Single(info) => singles.push(info.clone()),
            mailparse::MailAddr::Group(g) => singles.extend(g.addrs.iter().cloned()),
        }
    }
    let [info] = singles.as_slice() else {
        return Err(err("expected one address here".to_string()));
    };
    let addr = info.addr.trim();
    email_address::EmailAddress::from_str(addr).map_err(|e| err(reason_for(addr, &e)))?;
    let name = info
        .display_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    // `bob@contoso.com <evil@example.com>` shows as bob and goes to evil: a
    // name that is itself another address is a spoofing trick, refused.
    if let Some(n) = &name {
        let shown = n.trim_matches(|c| c == '\'' || c == '"');
        if let Some(other) = shown.split_whitespace().find(|w| {
            w.contains('@')
                && email_address::EmailAddress::from_str(
                    w.trim_matches(|c: char| "<>()[],;".contains(c)),
                )
                .is_ok()
        }) {
            let other = other.trim_matches(|c: char| "<>()[],;".contains(c));
            if !other.eq_ignore_ascii_case(addr) {
                return Err(err(format!(
                    "the name shows the address {other}, but the mail goes to {addr}; write the address you mean, without a name that is another address"
                )));
            }
            // A name that only repeats the address is no name.
            if shown.eq_ignore_ascii_case(addr) {
                return Ok(Address {
                    name: None,
                    address: addr.to_string(),
                });
            }
        }
    }
    Ok(Address {
        name,
        address: addr.to_string(),
    })
}

fn describe_parse_error(item: &str, e: &mailparse::MailParseError) -> String {
    if !item.contains('@') {
        return "not an email address (no '@')".to_string();
    }
    if item.contains('<') && !item.contains('>') {
        return "missing closing '>'".to_string();
    }
    format!("cannot be read as an address ({e})")
}

fn reason_for(addr: &str, e: &email_address::Error) -> String {
    use email_address::Error as E;
    match e {
        E::MissingSeparator => "not an email address (no '@')".into(),
        E::LocalPartEmpty => "nothing before the '@'".into(),
        E::DomainEmpty => "no domain after the '@'".into(),
        E::DomainTooFew => "the domain needs a dot, like contoso.com".into(),
        E::InvalidCharacter => bad_character(addr)
            .unwrap_or_else(|| "a character here is not allowed in an address".into()),
        E::DomainInvalidSeparator => {
            "the domain has an empty part (two dots, or a dot at an end)".into()
        }
        E::UnbalancedQuotes => "a quote is not closed".into(),
        other => other.to_string().trim_end_matches('.').to_lowercase(),
    }
}

/// The first character of `addr` that an address cannot hold, said so a
/// reader sees it: `a space is not allowed before the '@'`.
fn bad_character(addr: &str) -> Option<String> {
    let (local, domain) = addr.rsplit_once('@')?;
    let local_ok = |c: char| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c);
    let domain_ok = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.';
    let say = |c: char| match c {
        ' ' => "a space".to_string(),
        c if c.is_control() => format!("a control character (U+{:04X})", c as u32),
        c => format!("'{c}'"),
    };
    if let Some(c) = local.chars().find(|c| !local_ok(*c)) {
        return Some(format!("{} is not allowed before the '@'", say(c)));
    }
    domain
        .chars()
        .find(|c| !domain_ok(*c))
        .map(|c| format!("{} is not allowed in the domain", say(c)))
}

/// Items typed as a bare name (no `@`, no `<address>`), e.g. `Megan Bowen`.
pub(crate) fn bare_names(input: &str) -> Vec<String> {
    split_items(input)
        .into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty() && !s.contains('@') && !s.contains('<'))
        .map(|s| s.trim_matches('"').trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The list with the bare name `name` replaced by `with` (items joined by `, `).
pub(crate) fn replace_name(input: &str, name: &str, with: &Address) -> String {
    split_items(input)
        .into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            if s.trim_matches('"').trim().eq_ignore_ascii_case(name) {
                format_list(std::slice::from_ref(with))
            } else {
                s.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Splits on `,`/`;` that are not inside "quotes", <angle brackets> or (comments).
fn split_items(input: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut start, mut quoted, mut escaped, mut angle, mut paren) = (0, false, false, 0u32, 0u32);
    for (i, c) in input.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '<' if !quoted => angle += 1,
            '>' if !quoted => angle = angle.saturating_sub(1),
            '(' if !quoted => paren += 1,
            ')' if !quoted => paren = paren.saturating_sub(1),
            ',' | ';' if !quoted && angle == 0 && paren == 0 => {
                items.push(&input[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&input[start..]);
    items
}

/// Formats a list back the way a person would type it.
pub(crate) fn format_list(list: &[Address]) -> String {
    list.iter()
        .map(|a| match &a.name {
            Some(n) if n.contains([',', ';', '"', '<', '>', '@', '(', ')']) => {
                format!(
                    "\"{}\" <{}>",
                    n.replace('\\', "\\\\").replace('"', "\\\""),
                    a.address
                )
            }
            Some(n) => format!("{n} <{}>", a.address),
            None => a.address.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Adds the recipients of a successful save to the known addresses, most recent first.
pub(crate) fn remember(known: &mut Vec<Address>, used: &[Address]) {
    for a in used.iter().rev() {
        known.retain(|k| !k.address.eq_ignore_ascii_case(&a.address));
        known.insert(0, a.clone());
    }
    known.truncate(2000);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(name: Option<&str>, a: &str) -> Address {
        Address {
            name: name.map(str::to_string),
            address: a.to_string(),
        }
    }

    #[test]
    fn plain_and_named_with_both_separators() {
        let got = parse_list("alice@contoso.com; Bob Smith <bob@contoso.com>, carol@fabrikam.org")
            .unwrap();
        assert_eq!(
            got,
            vec![
                addr(None, "alice@contoso.com"),
                addr(Some("Bob Smith"), "bob@contoso.com"),
                addr(None, "carol@fabrikam.org")
            ]
        );
    }

    #[test]
    fn quoted_name_with_comma_and_semicolon() {
        let got = parse_list(r#""Smith, Alice; CEO" <alice@contoso.com>, dan@x.io"#).unwrap();
        assert_eq!(got[0], addr(Some("Smith, Alice; CEO"), "alice@contoso.com"));
        assert_eq!(got[1], addr(None, "dan@x.io"));
    }

    #[test]
    fn empty_and_trailing_separators() {
        assert_eq!(parse_list("").unwrap(), vec![]);
        assert_eq!(parse_list("  ,; ").unwrap(), vec![]);
        assert_eq!(parse_list("a@b.co;").unwrap(), vec![addr(None, "a@b.co")]);
    }

    #[test]
    fn errors_name_the_item_and_reason() {
        let e = parse_list("ok@contoso.com, bob").unwrap_err();
        assert_eq!(e.item, "bob");
        assert!(e.reason.contains("no '@'"), "{}", e.reason);
        let e = parse_list("alice@").unwrap_err();
        assert_eq!(e.item, "alice@");
        assert!(e.reason.contains("domain"), "{}", e.reason);
        let e = parse_list("Al <al@contoso.com").unwrap_err();
        assert!(e.reason.contains('>'), "{}", e.reason);
        let e = parse_list("@contoso.com").unwrap_err();
        assert!(e.reason.contains("before"), "{}", e.reason);
    }

    #[test]
    fn a_name_that_is_another_address_is_refused() {
        let e = parse_list("bob@contoso.com <evil@example.com>").unwrap_err();
        assert_eq!(e.item, "bob@contoso.com <evil@example.com>");
        assert!(
            e.reason.contains("bob@contoso.com") && e.reason.contains("evil@example.com"),
            "{}",
            e.reason
        );
        assert!(parse_list(r#""Bob (bob@contoso.com)" <evil@example.com>"#).is_err());
        assert_eq!(
            parse_list(r#""bob@contoso.com" <bob@contoso.com>"#).unwrap(),
            vec![addr(None, "bob@contoso.com")]
        );
        assert!(parse_list("Bob Smith <bob@contoso.com>").is_ok());
    }

    #[test]
    fn bare_names_are_found_and_replaced() {
        let input = r#"al@x.com, Megan Bowen; "Lee Gu", Bo <bo@x.com>"#;
        assert_eq!(bare_names(input), vec!["Megan Bowen", "Lee Gu"]);
        let megan = addr(Some("Megan Bowen"), "megan@x.com");
        assert_eq!(
            replace_name(input, "megan bowen", &megan),
            r#"al@x.com, Megan Bowen <megan@x.com>, "Lee Gu", Bo <bo@x.com>"#
        );
    }

    #[test]
    fn round_trip_format() {
        let list = parse_list(r#""Smith, Al" <al@x.com>, Bo <bo@x.com>, c@x.com"#).unwrap();
        assert_eq!(parse_list(&format_list(&list)).unwrap(), list);
    }
}
