//! The keymap file read as the shape it has, without a TOML parser: arrays
//! of tables (`[[binding]]`) of `key = "string"` and `key = ["string", …]`
//! lines, comments and blank lines. Anything else, even valid TOML, is
//! `None`, and the caller reads the file as TOML.

/// A value in the keymap file: a string, or a list of strings.
pub(super) enum Plain {
    Str(String),
    List(Vec<String>),
}

/// The tables in order, each with its name and fields: those `keep`
/// wants; the lines of the others are passed over unread.
pub(super) fn tables(text: &str, keep: impl Fn(&str) -> bool) -> Option<Vec<(&str, Fields<'_>)>> {
    let mut tables: Vec<(&str, Vec<(&str, Plain)>)> = Vec::new();
    let mut skipping = false;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix("[[").and_then(|l| l.strip_suffix("]]")) {
            skipping = !keep(name);
            if !skipping {
                tables.push((name, Vec::new()));
            }
            continue;
        }
        if skipping {
            continue;
        }
        let (key, value) = line.split_once('=')?;
        let key = key.trim();
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return None;
        }
        let value = value.trim_start();
        let (value, rest) = if let Some(list) = value.strip_prefix('[') {
            let mut items = Vec::new();
            let mut rest = list.trim_start();
            loop {
                if let Some(after) = rest.strip_prefix(']') {
                    break (Plain::List(items), after);
                }
                let (item, after) = basic_string(rest)?;
                items.push(item);
                rest = after.trim_start();
                if let Some(after) = rest.strip_prefix(',') {
                    rest = after.trim_start();
                } else if !rest.starts_with(']') {
                    return None;
                }
            }
        } else {
            let (item, rest) = basic_string(value)?;
            (Plain::Str(item), rest)
        };
        let rest = rest.trim_start();
        if !(rest.is_empty() || rest.starts_with('#')) {
            return None;
        }
        let (_, fields) = tables.last_mut()?;
        if fields.iter().any(|(k, _)| *k == key) {
            return None;
        }
        fields.push((key, value));
    }
    Some(
        tables
            .into_iter()
            .map(|(name, fields)| (name, Fields(fields)))
            .collect(),
    )
}

/// One table's fields, taken out one by one.
pub(super) struct Fields<'a>(Vec<(&'a str, Plain)>);

impl Fields<'_> {
    /// Every field was taken.
    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn take(&mut self, key: &str) -> Option<Plain> {
        let i = self.0.iter().position(|(k, _)| *k == key)?;
        Some(self.0.remove(i).1)
    }

    /// A string field that must be there.
    pub(super) fn text(&mut self, key: &str) -> Option<String> {
        match self.take(key)? {
            Plain::Str(s) => Some(s),
            Plain::List(_) => None,
        }
    }

    /// A string field that may be missing (`Some(None)`); `None`: a list.
    pub(super) fn optional(&mut self, key: &str) -> Option<Option<String>> {
        match self.take(key) {
            None => Some(None),
            Some(Plain::Str(s)) => Some(Some(s)),
            Some(Plain::List(_)) => None,
        }
    }

    pub(super) fn list(&mut self, key: &str) -> Option<Vec<String>> {
        match self.take(key)? {
            Plain::List(l) => Some(l),
            Plain::Str(_) => None,
        }
    }
}

/// A TOML basic string at the start of `s` ("…", with its escapes), and
/// what follows it.
fn basic_string(s: &str) -> Option<(String, &str)> {
    let mut rest = s.strip_prefix('"')?;
    let mut out = String::new();
    loop {
        // Up to the next quote, escape or character TOML refuses, in one step.
        let i = rest
            .bytes()
            .position(|b| matches!(b, b'"' | b'\\' | 0..=8 | 0x0a..=0x1f | 0x7f))?;
        out.push_str(&rest[..i]);
        if rest.as_bytes()[i] == b'"' {
            return Some((out, &rest[i + 1..]));
        }
        if rest.as_bytes()[i] != b'\\' {
            return None;
        }
        let mut chars = rest[i + 1..].chars();
        match chars.next()? {
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            e @ ('u' | 'U') => {
                let n = if e == 'u' { 4 } else { 8 };
                let hex = chars.as_str().get(..n)?;
                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                out.push(char::from_u32(u32::from_str_radix(hex, 16).ok()?)?);
                rest = &chars.as_str()[n..];
                continue;
            }
            _ => return None,
        }
        rest = chars.as_str();
    }
}
