//! The two crates carried patched in `vendor/` (see its README): their
//! tables of HTML's named characters are packed into arrays without
//! pointers, so a start relocates none of them. Every name must still read
//! as its table writes it, through each crate's own public reading.

/// The value of a Rust string literal's inside: text with `\u{…}`, `\"`
/// and `\\` escapes (all the two tables use).
fn unescape(lit: &str) -> String {
    let mut out = String::new();
    let mut rest = lit;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        if let Some(hex) = rest.strip_prefix("u{") {
            let end = hex.find('}').expect("a closed \\u{…}");
            let c = u32::from_str_radix(&hex[..end], 16).expect("hex");
            out.push(char::from_u32(c).expect("a char"));
            rest = &hex[end + 1..];
        } else {
            let mut chars = rest.chars();
            out.push(chars.next().expect("an escaped char"));
            rest = chars.as_str();
        }
    }
    out + rest
}

/// The quoted pieces of a table row such as `(b"AElig", "\u{00C6}"),`.
fn quoted(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find('"') {
        let body = &rest[start + 1..];
        let mut end = 0;
        let bytes = body.as_bytes();
        while bytes[end] != b'"' {
            end += if bytes[end] == b'\\' { 2 } else { 1 };
        }
        out.push(&body[..end]);
        rest = &body[end + 1..];
    }
    out
}

#[test]
fn markdown_reads_every_named_character_of_its_table() {
    let table = include_str!("../../vendor/pulldown-cmark/src/entities.rs");
    let rows: Vec<(String, String)> = table
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("(b\""))
        .map(|l| {
            let q = quoted(l);
            (q[0].to_string(), unescape(q[1]))
        })
        .collect();
    assert_eq!(rows.len(), 2125);
    for (name, value) in &rows {
        let text: String = pulldown_cmark::Parser::new(&format!("x&{name};x"))
            .filter_map(|e| match e {
                pulldown_cmark::Event::Text(t) => Some(t.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(text, format!("x{value}x"), "&{name};");
    }
    let unknown: String = pulldown_cmark::Parser::new("&notaname; &zwnj")
        .filter_map(|e| match e {
            pulldown_cmark::Event::Text(t) => Some(t.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(unknown, "&notaname; &zwnj");
}

#[test]
fn html_reads_every_named_character_of_its_table() {
    let table = include_str!("../../vendor/html5gum/src/entities.rs");
    let text = |html: &str| -> String {
        html5gum::Tokenizer::new(html)
            .filter_map(|t| match t {
                Ok(html5gum::Token::String(s)) => Some(String::from_utf8_lossy(&s).into_owned()),
                _ => None,
            })
            .collect()
    };
    let mut rows = 0;
    for line in table
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("(b'"))
    {
        // (b'A', b'E', "lig;", "\u{c6}"),
        let (first, second) = (&line[3..4], &line[9..10]);
        let q = quoted(line);
        let (name, value) = (format!("{first}{second}{}", q[0]), unescape(q[1]));
        assert_eq!(text(&format!("&{name}")), value, "&{name}");
        rows += 1;
    }
    assert_eq!(rows, 2231);
    // Longest name first, a name without its semicolon, and no name at all.
    assert_eq!(
        text("&notin; &not; &notx &AMP &zz;"),
        "\u{2209} \u{ac} \u{ac}x & &zz;"
    );
}
