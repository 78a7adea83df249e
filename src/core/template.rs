//! Templates: a draft written once, with `{{variables}}`. A template file
//! reads like a message: header lines (`To:`, `Cc:`, `Bcc:`, `Subject:`,
//! `Format:`), a blank line, the body. A variable is `{{name}}`, or
//! `{{name|fallback}}` for one that may be missing; built in are `date`
//! (today), and from the first To recipient `recipient` (their name, else
//! the address), `first_name` and `recipient_email`. A variable with no
//! value and no fallback is an error naming it: a merge never sends
//! `Dear {{first_name}}`.
//!
//! Values are data, never markup: each is escaped for where it lands
//! (Markdown, HTML), inserted once (a value is never expanded again), and
//! in To, Cc and Bcc must be one name or one address (a value that would
//! add a recipient is refused, naming the variable and the field). A `{{`
//! that does not make a well-formed variable is an error naming its line.

use super::content::BodyFormat;
use super::record::Fields;
use std::collections::BTreeMap;

/// A template, parsed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Template {
    pub(crate) name: String,
    pub(crate) to: String,
    pub(crate) cc: String,
    pub(crate) bcc: String,
    pub(crate) subject: String,
    pub(crate) body: String,
    pub(crate) format: BodyFormat,
}

/// Variables given with a template (`--var k=v`, a batch line's fields).
pub(crate) type Vars = BTreeMap<String, String>;

/// Why a template could not be filled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RenderError {
    /// These variables have no value (and no fallback).
    Missing(Vec<String>),
    /// A value that would change the message's structure: another
    /// recipient, another header.
    Refused(String),
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderError::Missing(m) => write!(f, "no value for {}", m.join(", ")),
            RenderError::Refused(why) => f.write_str(why),
        }
    }
}

/// Which field a value lands in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// To, Cc or Bcc (named): one name or one address.
    Recipients(&'static str),
    /// The subject: one line.
    Subject,
    /// The body, in its format.
    Body(BodyFormat),
}

impl Template {
    /// Reads a template file's text; `format` is what its name says
    /// (`.md`, `.html`), a `Format:` header overrides it.
    pub fn parse(name: &str, text: &str, format: BodyFormat) -> Result<Template, String> {
        let mut t = Template {
            name: name.to_string(),
            format,
            ..Default::default()
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut rest = text;
        // Headers only if the first line is one.
        let header = |l: &str| {
            l.split_once(':').and_then(|(k, v)| {
                let k = k.trim().to_ascii_lowercase();
                matches!(k.as_str(), "to" | "cc" | "bcc" | "subject" | "format")
                    .then(|| (k, v.trim().to_string()))
            })
        };
        if text.lines().next().and_then(header).is_some() {
            loop {
                let (line, after) = match rest.split_once('\n') {
                    Some((l, a)) => (l.trim_end_matches('\r'), a),
                    None => (rest.trim_end_matches('\r'), ""),
                };
                rest = after;
                if line.trim().is_empty() {
                    break;
                }
                let Some((k, v)) = header(line) else {
                    return Err(format!(
                        "template {name}: “{line}” is not a header (To:, Cc:, Bcc:, Subject:, Format:); a blank line starts the body"
                    ));
                };
                match k.as_str() {
                    "to" => t.to = v,
                    "cc" => t.cc = v,
                    "bcc" => t.bcc = v,
                    "subject" => t.subject = v,
                    _ => {
                        t.format = match v.to_ascii_lowercase().as_str() {
                            "text" | "plain" => BodyFormat::Text,
                            "markdown" | "md" => BodyFormat::Markdown,
                            "html" => BodyFormat::Html,
                            other => {
                                return Err(format!(
                                    "template {name}: Format: {other}: use text, markdown or html"
                                ));
                            }
                        }
                    }
                }
                if rest.is_empty() {
                    break;
                }
            }
        }
        // The body's first line, counted in the file (from 0).
        let body_from = text[..text.len() - rest.len()].matches('\n').count();
        t.body = rest.trim_end().replace("\r\n", "\n");
        // Every `{{` must make a variable: checked now, naming its line.
        for (label, field, first) in [
            ("To", &t.to, 0),
            ("Cc", &t.cc, 0),
            ("Bcc", &t.bcc, 0),
            ("Subject", &t.subject, 0),
            ("the body", &t.body, body_from),
        ] {
            if let Err((line, why)) = parts(field) {
                let at = if label == "the body" {
                    format!("line {}", first + line + 1)
                } else {
                    label.to_string()
                };
                return Err(format!("template {name}, {at}: {why}"));
            }
        }
        Ok(t)
    }

    /// The variables it needs a value for: not built in, without a fallback.
    pub(crate) fn needs(&self) -> Vec<String> {
        self.asks()
            .into_iter()
            .filter(|(_, fallback)| fallback.is_none())
            .map(|(name, _)| name)
            .collect()
    }

    /// Every variable a person may give a value for (not built in), in the
    /// order of first use, with its fallback (`{{day|Friday}}`) if one is
    /// written: the form asks for each, offering the fallback.
    pub(crate) fn asks(&self) -> Vec<(String, Option<String>)> {
        let mut out: Vec<(String, Option<String>)> = Vec::new();
        for text in [&self.to, &self.cc, &self.bcc, &self.subject, &self.body] {
            for part in parts(text).unwrap_or_default() {
                let Part::Var(name, fallback) = part else {
                    continue;
                };
                if BUILT_IN.contains(&name) {
                    continue;
                }
                match out.iter_mut().find(|(n, _)| n == name) {
                    Some((_, f)) if f.is_none() => *f = fallback.map(str::to_string),
                    Some(_) => {}
                    None => out.push((name.to_string(), fallback.map(str::to_string))),
                }
            }
        }
        out
    }

    /// The draft's text with `vars` filled in (`today` is `date`'s value).
    /// `Err`: the variables that have no value, or a value refused.
    pub(crate) fn render(&self, vars: &Vars, today: &str) -> Result<Fields, RenderError> {
        let mut missing = Vec::new();
        let mut all = vars.clone();
        all.entry("date".into())
            .or_insert_with(|| today.to_string());
        let to = fill(&self.to, &all, Slot::Recipients("To"), &mut missing)?;
        let cc = fill(&self.cc, &all, Slot::Recipients("Cc"), &mut missing)?;
        let bcc = fill(&self.bcc, &all, Slot::Recipients("Bcc"), &mut missing)?;
        // Who it is for: the first To recipient, unless given.
        for (k, v) in recipient_vars(&to) {
            all.entry(k).or_insert(v);
        }
        let subject = fill(&self.subject, &all, Slot::Subject, &mut missing)?;
        let body = fill(&self.body, &all, Slot::Body(self.format), &mut missing)?;
        if !missing.is_empty() {
            missing.dedup();
            return Err(RenderError::Missing(missing));
        }
        Ok(Fields {
            to,
            cc,
            bcc,
            subject,
            body,
        })
    }
}

/// `recipient`, `first_name` and `recipient_email` of the first address
/// of `to` (none when it has none).
pub(crate) fn recipient_vars(to: &str) -> Vars {
    let mut out = Vars::new();
    let Some(first) = super::address::parse_list(to)
        .ok()
        .and_then(|l| l.into_iter().next())
    else {
        return out;
    };
    let name = first.name.clone().filter(|n| !n.trim().is_empty());
    out.insert("recipient_email".into(), first.address.clone());
    out.insert(
        "recipient".into(),
        name.clone().unwrap_or_else(|| first.address.clone()),
    );
    if let Some(f) = name
        .as_deref()
        .and_then(|n| n.split_whitespace().next())
        .map(str::to_string)
        .or_else(|| first_name_of(&first.address))
    {
        out.insert("first_name".into(), f);
    }
    out
}

/// Names the templates provide themselves.
pub(crate) const BUILT_IN: &[&str] = &["date", "recipient", "first_name", "recipient_email"];

/// `dana.park@contoso.com` → `Dana`: a first name from an address, when
/// its local part looks like one.
fn first_name_of(address: &str) -> Option<String> {
    let local = address.split('@').next()?;
    let first = local.split(['.', '_', '-']).next()?;
    if first.len() < 2 || !first.chars().all(char::is_alphabetic) {
        return None;
    }
    let mut c = first.chars();
    let head = c.next()?.to_uppercase().collect::<String>();
    Some(head + &c.as_str().to_lowercase())
}

/// A piece of a template's text: as written, or a `{{name|fallback}}`.
enum Part<'a> {
    Text(&'a str),
    Var(&'a str, Option<&'a str>),
}

/// A variable's name: letters, digits, `_`, `-`, `.`.
fn good_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 64
        && n.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// The pieces of `s`, in order; or the (0-based) line of a `{{` that does
/// not make a well-formed variable, and why.
fn parts(s: &str) -> Result<Vec<Part<'_>>, (usize, String)> {
    let mut out = Vec::new();
    let mut rest = s;
    let line_of = |rest: &str| s[..s.len() - rest.len()].matches('\n').count();
    while let Some(i) = rest.find("{{") {
        let at = line_of(&rest[i..]);
        let after = &rest[i + 2..];
        let bad = |why: &str| Err((at, why.to_string()));
        if after.starts_with('{') {
            return bad("“{{{” does not make a variable: write {{name}}");
        }
        let Some(j) = after.find("}}") else {
            return bad("a “{{” is not closed with “}}” on its line");
        };
        let inner = &after[..j];
        if inner.contains('\n') {
            return bad("a variable cannot go over two lines");
        }
        if inner.contains("{{") || inner.contains('{') {
            return bad("a variable cannot hold another “{{”");
        }
        let (name, fallback) = match inner.split_once('|') {
            Some((n, d)) => (n.trim(), Some(d)),
            None => (inner.trim(), None),
        };
        if !good_name(name) {
            return bad(&format!(
                "“{{{{{inner}}}}}” is not a variable (a name of letters, digits, _ - .)"
            ));
        }
        if after[j + 2..].starts_with('}') {
            return bad("“}}}” after a variable: write {{name}}");
        }
        out.push(Part::Text(&rest[..i]));
        out.push(Part::Var(name, fallback));
        rest = &after[j + 2..];
    }
    out.push(Part::Text(rest));
    Ok(out)
}

/// A value as text in Markdown: the marks that make links, pictures,
/// emphasis, code, HTML and entities backslash-escaped everywhere, and
/// those that make headings and lists at the start of a line (CommonMark
/// lets any ASCII punctuation be escaped), so a value is only ever text.
pub(crate) fn markdown_escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + v.len() / 4);
    let mut line_start = true;
    for c in v.chars() {
        let always = matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '{'
                | '}'
                | '['
                | ']'
                | '('
                | ')'
                | '<'
                | '>'
                | '!'
                | '|'
                | '~'
                | '&'
        );
        let at_start = line_start && matches!(c, '#' | '-' | '+' | '.' | '=');
        if always || at_start {
            out.push('\\');
        }
        out.push(c);
        line_start = c == '\n' || (line_start && c == ' ');
    }
    out
}

/// A value as text in HTML.
pub(crate) fn html_escape(v: &str) -> String {
    v.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// `s` with each `{{name}}` replaced once by its value, as data for the
/// field it lands in.
fn fill(
    s: &str,
    vars: &Vars,
    slot: Slot,
    missing: &mut Vec<String>,
) -> Result<String, RenderError> {
    let mut out = String::with_capacity(s.len());
    for part in parts(s).map_err(|(_, why)| RenderError::Refused(why))? {
        let (name, fallback) = match part {
            Part::Text(t) => {
                out.push_str(t);
                continue;
            }
            Part::Var(n, f) => (n, f),
        };
        let value = vars
            .get(name)
            .filter(|v| !v.is_empty())
            .map(String::as_str)
            .or(fallback);
        let Some(v) = value else {
            if !missing.iter().any(|m| m == name) {
                missing.push(name.to_string());
            }
            continue;
        };
        match slot {
            Slot::Recipients(field) => {
                if v.contains([',', ';', '<', '>', '"', '\n', '\r', '(', ')'])
                    || v.matches('@').count() > 1
                {
                    return Err(RenderError::Refused(format!(
                        "{{{{{name}}}}}'s value “{}” would make another recipient in {field}: a value there is one name or one address",
                        crate::util::sanitize::line(v)
                    )));
                }
                out.push_str(v.trim());
            }
            Slot::Subject => {
                if v.contains(['\n', '\r']) {
                    return Err(RenderError::Refused(format!(
                        "{{{{{name}}}}}'s value goes over more than one line; the subject is one line"
                    )));
                }
                out.push_str(v);
            }
            Slot::Body(BodyFormat::Html) => out.push_str(&html_escape(v)),
            Slot::Body(BodyFormat::Markdown) => out.push_str(&markdown_escape(v)),
            Slot::Body(BodyFormat::Text) => out.push_str(v),
        }
    }
    Ok(out)
}

/// `k=v` as given on the command line.
pub(crate) fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("--var {s}: write it as name=value")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INVITE: &str = "To: {{name}} <{{email}}>\nSubject: {{event}} on {{day|Friday}}\n\nDear {{first_name}},\n\nJoin us for {{event}} ({{date}}).\n";

    #[test]
    fn a_template_fills_its_variables_and_knows_its_recipient() {
        let t = Template::parse("invite", INVITE, BodyFormat::Markdown).unwrap();
        assert_eq!(t.format, BodyFormat::Markdown);
        assert_eq!(t.needs(), ["name", "email", "event"]);
        let vars: Vars = [
            ("name", "Dana Park"),
            ("email", "dana@contoso.com"),
            ("event", "the launch"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let f = t.render(&vars, "2026-12-02").unwrap();
        assert_eq!(f.to, "Dana Park <dana@contoso.com>");
        assert_eq!(f.subject, "the launch on Friday");
        assert_eq!(f.body, "Dear Dana,\n\nJoin us for the launch (2026-12-02).");
        let mut few = vars.clone();
        few.remove("event");
        assert_eq!(
            t.render(&few, "x").unwrap_err(),
            RenderError::Missing(vec!["event".into()])
        );
    }

    #[test]
    fn values_are_data_and_a_bad_brace_is_an_error_naming_its_line() {
        let t = Template::parse(
            "m",
            "To: {{name}} <{{email}}>\n\nHi,\n\n{{comment}}\n",
            BodyFormat::Markdown,
        )
        .unwrap();
        let vars = |n: &str, c: &str| -> Vars {
            [
                ("name".to_string(), n.to_string()),
                ("email".to_string(), "dana@contoso.com".to_string()),
                ("comment".to_string(), c.to_string()),
            ]
            .into()
        };
        // A picture in a value is text, not a picture.
        let f = t.render(&vars("Dana", "![x](~/.ssh/id_rsa)"), "d").unwrap();
        assert!(
            f.body.contains("\\!\\[x\\]\\(\\~/.ssh/id\\_rsa\\)"),
            "{}",
            f.body
        );
        assert!(crate::core::inline::local_images(&f.body, BodyFormat::Markdown).is_empty());
        // A comma would add a recipient: refused, naming the variable and field.
        let e = t
            .render(&vars("evil@attacker.example, Dana Park", "x"), "d")
            .unwrap_err();
        assert!(
            e.to_string().contains("{{name}}") && e.to_string().contains("To"),
            "{e}"
        );
        // Values are not expanded again.
        let f = t.render(&vars("Dana", "{{email}}"), "d").unwrap();
        assert!(f.body.contains("\\{\\{email\\}\\}"), "{}", f.body);
        for bad in ["{{a|{{b}}}}", "{{{name}}}", "{{na\nme}}", "{{ }}", "{{open"] {
            let e =
                Template::parse("b", &format!("Line one\n{bad}"), BodyFormat::Text).unwrap_err();
            assert!(e.contains("line 2"), "{bad}: {e}");
        }
    }

    #[test]
    fn without_headers_it_is_all_body_and_html_values_are_escaped() {
        let t = Template::parse(
            "n",
            "Hello {{recipient}}\nTo: not a header here",
            BodyFormat::Html,
        )
        .unwrap();
        assert_eq!(t.subject, "");
        assert!(t.body.starts_with("Hello"));
        let t = Template::parse(
            "h",
            "To: bob.smith@contoso.com\n\n<p>Hi {{first_name}} {{x}}</p>",
            BodyFormat::Html,
        )
        .unwrap();
        let vars: Vars = [("x".to_string(), "<b>&</b>".to_string())].into();
        let f = t.render(&vars, "d").unwrap();
        assert_eq!(f.body, "<p>Hi Bob &lt;b&gt;&amp;&lt;/b&gt;</p>");
        assert!(Template::parse("b", "To: x\nNope\n\nbody", BodyFormat::Text).is_err());
        assert_eq!(parse_var("a=b=c").unwrap(), ("a".into(), "b=c".into()));
        assert!(parse_var("novalue").is_err());
    }
}
