//! Spelling: which words of a draft are prose, and which of those the
//! dictionaries do not know. No I/O: the dictionaries arrive as text
//! (`store::spelling` finds and reads Hunspell's files) and are checked by
//! `spellbook`, a pure-Rust Hunspell reader.
//!
//! Not prose, never checked: addresses and URLs, paths and identifiers,
//! words in CAPS or with digits, quoted lines (`> …`), the signature (after
//! a `-- ` line), and in Markdown code spans, fenced and indented code
//! blocks; in HTML, the tags and entities.

use super::content::BodyFormat;
use super::wordset::WordSet;
use std::collections::{HashMap, HashSet};

/// A word the dictionaries do not know: its line, where it starts and ends
/// on that line (in characters), and the word itself (so a stale result is
/// never drawn on text that changed).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Miss {
    pub line: usize,
    pub start: usize,
    pub end: usize,
    pub word: String,
}

/// One dictionary: the list of its words where one could be made
/// (`core::affix`, `core::wordset`: read where it lies, a few pages per
/// word), else Hunspell's reader. With a list, the reader is loaded only
/// when suggestions are asked for.
pub(crate) enum Lexicon {
    Listed {
        words: WordSet,
        full: std::sync::OnceLock<Option<spellbook::Dictionary>>,
        load: FullLoader,
    },
    Full(spellbook::Dictionary),
}

/// Reads a listed dictionary's Hunspell files, for suggestions.
pub(crate) type FullLoader = Box<dyn Fn() -> Option<spellbook::Dictionary> + Send + Sync>;

struct Dict {
    name: String,
    lexicon: Lexicon,
    /// The letters suggestions try, most likely first (Hunspell's `TRY`).
    letters: Vec<char>,
}

impl Lexicon {
    fn knows(&self, word: &str) -> bool {
        match self {
            Lexicon::Full(d) => d.check(word),
            Lexicon::Listed { words, .. } => listed_knows(words, word),
        }
    }

    fn full(&self) -> Option<&spellbook::Dictionary> {
        match self {
            Lexicon::Full(d) => Some(d),
            Lexicon::Listed { full, load, .. } => full.get_or_init(load).as_ref(),
        }
    }
}

/// Hunspell's rules for case over a list of words: the word as written; a
/// capitalised word (a sentence's first) as the list has it in lower case;
/// a word in capitals as the list has it in either.
fn listed_knows(words: &WordSet, word: &str) -> bool {
    if words.contains(word) {
        return true;
    }
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let rest = chars.as_str();
    let lower_rest = !rest.chars().any(char::is_uppercase);
    if first.is_uppercase() && lower_rest {
        let lower: String = first.to_lowercase().chain(rest.chars()).collect();
        return words.contains(&lower);
    }
    if first.is_uppercase() && !word.chars().any(char::is_lowercase) {
        let title: String = std::iter::once(first)
            .chain(rest.chars().flat_map(char::to_lowercase))
            .collect();
        return words.contains(&word.to_lowercase()) || words.contains(&title);
    }
    false
}

/// The letters of an `.aff`'s `TRY` line.
pub(crate) fn try_letters(aff: &str) -> String {
    aff.lines()
        .find_map(|l| l.strip_prefix("TRY "))
        .map(|t| t.trim().to_string())
        .unwrap_or_else(|| "esianrtolcdugmphbyfvkwzxjq".into())
}

/// The dictionaries of a profile, and the personal word list.
pub struct Speller {
    dicts: Vec<Dict>,
    personal: HashSet<String>,
    /// Words checked before, and whether they were known: a body's words
    /// repeat, so a recheck after an edit costs a lookup a word.
    known: std::sync::Mutex<HashMap<String, bool>>,
}

/// The cache is cleared past this many words (a body of 1 MiB has fewer
/// distinct ones).
const CACHE_WORDS: usize = 200_000;
/// Suggestions offered for a word.
pub(crate) const SUGGESTIONS: usize = 8;

impl Speller {
    /// Reads one dictionary from its `.aff` and `.dic` texts.
    pub(crate) fn parse(aff: &str, dic: &str) -> Result<spellbook::Dictionary, String> {
        spellbook::Dictionary::new(aff, dic).map_err(|e| e.to_string())
    }

    /// A speller over these dictionaries (by name, with their `TRY`
    /// letters) and personal words.
    pub(crate) fn new(
        dicts: Vec<(String, Lexicon, String)>,
        personal: impl IntoIterator<Item = String>,
    ) -> Speller {
        Speller {
            dicts: dicts
                .into_iter()
                .map(|(name, lexicon, letters)| Dict {
                    name,
                    lexicon,
                    letters: letters.chars().collect(),
                })
                .collect(),
            personal: personal
                .into_iter()
                .map(|w| w.trim().to_string())
                .filter(|w| !w.is_empty())
                .collect(),
            known: Default::default(),
        }
    }

    /// The dictionaries' names, `en_US + de_DE`.
    pub(crate) fn names(&self) -> String {
        let names: Vec<&str> = self.dicts.iter().map(|d| d.name.as_str()).collect();
        names.join(" + ")
    }

    /// Takes a word into the personal list (this session's copy).
    pub(crate) fn learn(&mut self, word: &str) {
        self.personal.insert(word.to_string());
        self.known
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(word);
    }

    fn knows_uncached(&self, word: &str) -> bool {
        self.personal.contains(word)
            || self.dicts.iter().any(|d| d.lexicon.knows(word))
            || self.personal.contains(&word.to_lowercase())
    }

    /// Whether any dictionary, or the personal list, knows `word`.
    pub(crate) fn knows(&self, word: &str) -> bool {
        let word = normalise(word);
        if self.personal.contains(word.as_ref()) {
            return true;
        }
        let mut cache = self.known.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(k) = cache.get(word.as_ref()) {
            return *k;
        }
        let k = self.knows_uncached(&word);
        if cache.len() >= CACHE_WORDS {
            cache.clear();
        }
        cache.insert(word.into_owned(), k);
        k
    }

    /// Up to [`SUGGESTIONS`] replacements: known words one slip away
    /// first ([`one_slip`]), then the dictionaries' own suggestions, the
    /// first dictionary's first.
    pub fn suggest(&self, word: &str) -> Vec<String> {
        let word = normalise(word);
        let mut letters: Vec<char> = Vec::new();
        for d in &self.dicts {
            for &c in &d.letters {
                if !letters.contains(&c) {
                    letters.push(c);
                }
            }
        }
        let mut out = one_slip(&word, &letters, |w| self.knows_uncached(w));
        out.truncate(SUGGESTIONS);
        let mut some = Vec::new();
        for d in &self.dicts {
            let Some(full) = d.lexicon.full() else {
                continue;
            };
            some.clear();
            full.suggest(&word, &mut some);
            for s in some.drain(..) {
                if !out.contains(&s) && out.len() < SUGGESTIONS {
                    out.push(s);
                }
            }
        }
        out
    }

    /// The words of `lines` that no dictionary knows.
    pub fn misspelled<'a>(
        &self,
        lines: impl IntoIterator<Item = &'a str>,
        format: BodyFormat,
    ) -> Vec<Miss> {
        let mut out = Vec::new();
        prose_words(lines, format, |line, start, end, word| {
            if !self.knows(word) {
                out.push(Miss {
                    line,
                    start,
                    end,
                    word: word.to_string(),
                });
            }
        });
        out
    }
}

/// Typographic apostrophes as the dictionaries spell them.
fn normalise(word: &str) -> std::borrow::Cow<'_, str> {
    if word.contains('’') {
        word.replace('’', "'").into()
    } else {
        word.into()
    }
}

/// The known words one slip of the fingers from `word`, likeliest first:
/// two letters swapped, then a letter left out (nearest the end first:
/// "shoud" → "should" before "shroud"), then one mistyped, then one too
/// many. `letters` are the ones tried.
pub(crate) fn one_slip(word: &str, letters: &[char], known: impl Fn(&str) -> bool) -> Vec<String> {
    let c: Vec<char> = word.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut try_one = |cand: Vec<char>| {
        let cand: String = cand.into_iter().collect();
        if cand != word && !out.contains(&cand) && known(&cand) {
            out.push(cand);
        }
    };
    for i in 0..c.len().saturating_sub(1) {
        let mut w = c.clone();
        w.swap(i, i + 1);
        try_one(w);
    }
    for i in (0..=c.len()).rev() {
        for &l in letters {
            let mut w = c.clone();
            w.insert(i, l);
            try_one(w);
        }
    }
    for i in (0..c.len()).rev() {
        for &l in letters.iter().filter(|&&l| l != c[i]) {
            let mut w = c.clone();
            w[i] = l;
            try_one(w);
        }
    }
    for i in (0..c.len()).rev() {
        let mut w = c.clone();
        w.remove(i);
        try_one(w);
    }
    out
}

/// Calls `f(line, start, end, word)` for every prose word of `lines`
/// (start and end in characters).
pub(crate) fn prose_words<'a>(
    lines: impl IntoIterator<Item = &'a str>,
    format: BodyFormat,
    mut f: impl FnMut(usize, usize, usize, &'a str),
) {
    let markdown = format == BodyFormat::Markdown;
    let html = format == BodyFormat::Html;
    let mut fence: Option<&str> = None;
    for (n, line) in lines.into_iter().enumerate() {
        let trimmed = line.trim_start();
        if line == "-- " || line == "--" {
            return; // the signature
        }
        if markdown {
            if let Some(open) = fence {
                if trimmed.starts_with(open) {
                    fence = None;
                }
                continue;
            }
            for open in ["```", "~~~"] {
                if trimmed.starts_with(open) {
                    fence = Some(open);
                }
            }
            if fence.is_some() || line.starts_with("    ") || line.starts_with('\t') {
                continue;
            }
        }
        if trimmed.starts_with('>') {
            continue; // quoted
        }
        words_of_line(line, markdown, html, |s, e, w| f(n, s, e, w));
    }
}

/// The prose words of one line.
fn words_of_line<'a>(
    line: &'a str,
    markdown: bool,
    html: bool,
    mut f: impl FnMut(usize, usize, &'a str),
) {
    // Characters with their byte offsets; `skip` marks what is not prose.
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut skip = vec![false; chars.len()];
    // Code spans (a word glued to one is code too) and HTML tags and
    // entities (which only separate words).
    let mut code = vec![false; chars.len()];
    // Where each closing character was last looked for, and found: a search
    // never scans the same stretch twice, so a line of a million `<` with
    // no `>` costs one pass, not a million.
    let mut next: [Option<(usize, Option<usize>)>; 3] = [None; 3];
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        let close = match c {
            '`' if markdown => Some((0, '`')),
            '<' if html || markdown => Some((1, '>')),
            '&' if html => Some((2, ';')),
            _ => None,
        };
        if let Some((slot, close)) = close
            && let Some(j) = match next[slot] {
                // The first one at or after `from`: still the first after `i`.
                Some((from, found)) if from <= i + 1 && found.is_none_or(|j| j > i) => found,
                _ => {
                    let j = (i + 1..chars.len()).find(|&j| chars[j].1 == close);
                    next[slot] = Some((i + 1, j));
                    j
                }
            }
        {
            skip[i..=j].iter_mut().for_each(|s| *s = true);
            if c == '`' {
                code[i..=j].iter_mut().for_each(|s| *s = true);
            }
            i = j + 1;
            continue;
        }
        i += 1;
    }
    // Whitespace-separated chunks: an address, URL, path or identifier is
    // skipped whole.
    let mut i = 0;
    while i < chars.len() {
        if chars[i].1.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && !chars[i].1.is_whitespace() {
            i += 1;
        }
        // The chunk without its tags and code spans.
        let chunk: String = (start..i)
            .filter(|&k| !skip[k])
            .map(|k| chars[k].1)
            .collect();
        let technical = chunk.contains('@')
            || chunk.contains("://")
            || chunk.starts_with("www.")
            || chunk.contains(['/', '\\', '_', '=', '#', '$', '%', '{', '}', '|', '~'])
            || (chunk.matches('.').count() >= 2 && !chunk.ends_with("..."));
        if technical {
            skip[start..i].iter_mut().for_each(|s| *s = true);
        }
    }
    // Words: runs of letters and digits, with inner apostrophes.
    let mut i = 0;
    while i < chars.len() {
        if skip[i] || !chars[i].1.is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && !skip[i]
            && (chars[i].1.is_alphanumeric()
                || (matches!(chars[i].1, '\'' | '’')
                    && chars.get(i + 1).is_some_and(|c| c.1.is_alphabetic())))
        {
            i += 1;
        }
        let (s, e) = (
            chars[start].0,
            chars.get(i).map(|c| c.0).unwrap_or(line.len()),
        );
        let word = &line[s..e];
        // Glued to a code span (`foo`bar) is not prose either.
        let glued = (start > 0 && code[start - 1]) || (i < chars.len() && code[i]);
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        let caps = word.chars().all(|c| !c.is_lowercase());
        let digits = word.chars().any(|c| c.is_numeric());
        if !glued && letters > 1 && !caps && !digits {
            f(start, i, word);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str, format: BodyFormat) -> Vec<&str> {
        let mut out = Vec::new();
        prose_words(text.split('\n'), format, |_, _, _, w| out.push(w));
        out
    }

    #[test]
    fn only_prose_is_checked() {
        let text = "Hi Dana, see https://contoso.com/x and mail bob@contoso.com.\n\
                    The NASA file v2 is in src/main_rs or C:\\tmp; it's fine.\n\
                    > quoted wrods stay\n\
                    -- \n\
                    Sgnature";
        assert_eq!(
            words(text, BodyFormat::Text),
            [
                "Hi", "Dana", "see", "and", "mail", "The", "file", "is", "in", "or", "it's", "fine"
            ]
        );
        let md =
            "Use `cargo biuld` here\n```\nfn mian() {}\n```\n    indented cdoe\n<b>bold</b> text";
        assert_eq!(
            words(md, BodyFormat::Markdown),
            ["Use", "here", "bold", "text"]
        );
        let html = "<p class=\"x\">Helo &amp; wrld</p>";
        assert_eq!(words(html, BodyFormat::Html), ["Helo", "wrld"]);
    }

    #[test]
    fn positions_are_characters_on_their_line() {
        let mut out = Vec::new();
        prose_words(
            "Grüße\nnaïve café".split('\n'),
            BodyFormat::Text,
            |l, s, e, w| out.push((l, s, e, w)),
        );
        assert_eq!(
            out,
            [(0, 0, 5, "Grüße"), (1, 0, 5, "naïve"), (1, 6, 10, "café")]
        );
    }

    fn speller() -> Speller {
        let aff = "SET UTF-8\nTRY esianrtolcdugmphbyfvkwz'\nSFX S Y 1\nSFX S 0 s .\n";
        let dic = "5\nhello/S\nworld/S\ndraft/S\nmail\nit's\n";
        Speller::new(
            vec![(
                "en_TEST".into(),
                Lexicon::Full(Speller::parse(aff, dic).unwrap()),
                try_letters(aff),
            )],
            ["graft".to_string()],
        )
    }

    #[test]
    fn unknown_words_are_found_and_suggested() {
        let s = speller();
        let miss = s.misspelled(
            ["Hello wrold, drafts", "graft mail it’s helo"],
            BodyFormat::Text,
        );
        let got: Vec<(usize, usize, usize, &str)> = miss
            .iter()
            .map(|m| (m.line, m.start, m.end, m.word.as_str()))
            .collect();
        assert_eq!(got, [(0, 6, 11, "wrold"), (1, 16, 20, "helo")]);
        assert_eq!(
            s.suggest("wrold").first().map(String::as_str),
            Some("world")
        );
        assert!(s.suggest("helo").contains(&"hello".to_string()));
        let mut s = s;
        s.learn("wrold");
        assert!(s.knows("wrold"));
        assert_eq!(s.names(), "en_TEST");
    }
}
