//! Hunspell's dictionaries as the list of words they accept on their own:
//! each stem of the `.dic` with the prefixes and suffixes its flags allow
//! (`PFX`, `SFX`, cross products), without the stems that live only in
//! compounds or need an affix, and without forbidden words.
//!
//! Only dictionaries whose words are all such forms can be listed: one that
//! builds words from parts (compounds of letters, circumfixes, affixes on
//! affixes, aliased flags, kept case) is [`Unsupported`] and is checked by
//! the full Hunspell reader instead. Compounds of digits (en_US's `1st`,
//! `22nd`) do not count: words with digits are never checked.

use std::collections::HashSet;

/// Why a dictionary cannot be listed: the directive that needs the full
/// reader.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Unsupported(pub String);

#[derive(Clone, Copy, PartialEq, Eq)]
enum FlagKind {
    Char,
    Long,
    Num,
}

fn flags_of(s: &str, kind: FlagKind) -> Vec<u32> {
    match kind {
        FlagKind::Char => s.chars().map(|c| c as u32).collect(),
        FlagKind::Long => {
            let c: Vec<char> = s.chars().collect();
            c.chunks(2)
                .map(|p| ((p[0] as u32) << 16) | p.get(1).map_or(0, |&c| c as u32))
                .collect()
        }
        FlagKind::Num => s.split(',').filter_map(|n| n.trim().parse().ok()).collect(),
    }
}

/// One letter of an affix's condition.
#[derive(Debug)]
enum Cond {
    Any,
    One(char),
    Set { not: bool, chars: Vec<char> },
}

impl Cond {
    fn parse(s: &str) -> Vec<Cond> {
        let mut out = Vec::new();
        let mut it = s.chars();
        while let Some(c) = it.next() {
            out.push(match c {
                '.' => Cond::Any,
                '[' => {
                    let mut chars = Vec::new();
                    let mut not = false;
                    for c in it.by_ref() {
                        match c {
                            ']' => break,
                            '^' if chars.is_empty() && !not => not = true,
                            c => chars.push(c),
                        }
                    }
                    Cond::Set { not, chars }
                }
                c => Cond::One(c),
            });
        }
        out
    }

    fn matches(&self, c: char) -> bool {
        match self {
            Cond::Any => true,
            Cond::One(x) => *x == c,
            Cond::Set { not, chars } => chars.contains(&c) != *not,
        }
    }
}

struct Rule {
    strip: String,
    add: String,
    cond: Vec<Cond>,
}

struct Affix {
    flag: u32,
    cross: bool,
    rules: Vec<Rule>,
}

impl Rule {
    /// The suffixed form of `stem`, if the rule applies to it.
    fn suffix(&self, stem: &str) -> Option<String> {
        let chars: Vec<char> = stem.chars().collect();
        if chars.len() < self.cond.len() || !stem.ends_with(&self.strip) {
            return None;
        }
        let tail = &chars[chars.len() - self.cond.len()..];
        if !self.cond.iter().zip(tail).all(|(c, &x)| c.matches(x)) {
            return None;
        }
        let kept = &stem[..stem.len() - self.strip.len()];
        (!kept.is_empty() || !self.add.is_empty()).then(|| format!("{kept}{}", self.add))
    }

    /// The prefixed form of `word`, if the rule applies to `root` (the stem
    /// the word was made from).
    fn prefix(&self, root: &str, word: &str) -> Option<String> {
        if root.chars().count() < self.cond.len() || !word.starts_with(&self.strip) {
            return None;
        }
        if !self
            .cond
            .iter()
            .zip(root.chars())
            .all(|(c, x)| c.matches(x))
        {
            return None;
        }
        Some(format!("{}{}", self.add, &word[self.strip.len()..]))
    }
}

/// Calls `out` with every word `aff` and `dic` accept on their own (the
/// same word may come more than once).
pub(crate) fn expand(aff: &str, dic: &str, mut out: impl FnMut(&str)) -> Result<(), Unsupported> {
    let mut kind = FlagKind::Char;
    let mut prefixes: Vec<Affix> = Vec::new();
    let mut suffixes: Vec<Affix> = Vec::new();
    let (mut only_in_compound, mut forbidden, mut need_affix) = (None, None, None);
    let mut compound_rules: Vec<String> = Vec::new();
    for line in aff.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let Some(&key) = f.first() else { continue };
        match key {
            "FLAG" => {
                kind = match f.get(1).copied() {
                    Some("long") => FlagKind::Long,
                    Some("num") => FlagKind::Num,
                    _ => FlagKind::Char,
                }
            }
            "PFX" | "SFX" if f.len() == 4 && matches!(f[2], "Y" | "N") => {
                let affix = Affix {
                    flag: flags_of(f[1], kind).first().copied().unwrap_or(0),
                    cross: f[2] == "Y",
                    rules: Vec::new(),
                };
                if key == "PFX" {
                    prefixes.push(affix)
                } else {
                    suffixes.push(affix)
                }
            }
            "PFX" | "SFX" if f.len() >= 4 => {
                let list = if key == "PFX" {
                    &mut prefixes
                } else {
                    &mut suffixes
                };
                let flag = flags_of(f[1], kind).first().copied().unwrap_or(0);
                let Some(affix) = list.iter_mut().rev().find(|a| a.flag == flag) else {
                    continue;
                };
                if f[3].contains('/') {
                    return Err(Unsupported(format!(
                        "{key} {} has affixes on affixes",
                        f[1]
                    )));
                }
                let zero = |s: &str| {
                    if s == "0" {
                        String::new()
                    } else {
                        s.to_string()
                    }
                };
                affix.rules.push(Rule {
                    strip: zero(f[2]),
                    add: zero(f[3]),
                    cond: Cond::parse(f.get(4).copied().unwrap_or(".")),
                });
            }
            "ONLYINCOMPOUND" => only_in_compound = f.get(1).map(|s| flags_of(s, kind)[0]),
            "FORBIDDENWORD" => forbidden = f.get(1).map(|s| flags_of(s, kind)[0]),
            "NEEDAFFIX" | "PSEUDOROOT" => need_affix = f.get(1).map(|s| flags_of(s, kind)[0]),
            "COMPOUNDRULE" if f.len() >= 2 && f[1].parse::<usize>().is_err() => {
                compound_rules.push(f[1].to_string())
            }
            "COMPOUNDRULE" | "COMPOUNDMIN" => {}
            "AF" | "KEEPCASE" | "CIRCUMFIX" | "IGNORE" | "FULLSTRIP" | "CHECKSHARPS"
            | "FORCEUCASE" | "COMPLEXPREFIXES" | "SUBSTANDARD" => {
                return Err(Unsupported(key.to_string()));
            }
            "LANG"
                if f.get(1)
                    .is_some_and(|l| l.starts_with("tr") || l.starts_with("az")) =>
            {
                return Err(Unsupported(line.to_string()));
            }
            k if k.starts_with("COMPOUND") || k.starts_with("ONLYINCOMPOUND") => {
                return Err(Unsupported(k.to_string()));
            }
            _ => {}
        }
    }
    // Flags that take part in compound rules: their stems must hold digits.
    let rule_flags: HashSet<u32> = compound_rules
        .iter()
        .flat_map(|r| {
            let parts: String = r.chars().filter(|c| !"*?()".contains(*c)).collect();
            flags_of(&parts, kind)
        })
        .collect();
    let entries = || {
        dic.lines().skip(1).filter_map(move |line| {
            let (word, flags) = split_entry(line.split(['\t', ' ']).next().unwrap_or(""));
            let flags = flags.map(|f| flags_of(f, kind)).unwrap_or_default();
            (!word.is_empty()).then_some((word, flags))
        })
    };
    // Forbidden words first: one forbids the same word made from another stem.
    let forbidden_words: HashSet<String> = match forbidden {
        Some(f) => entries()
            .filter(|(_, flags)| flags.contains(&f))
            .map(|(w, _)| w)
            .collect(),
        None => HashSet::new(),
    };
    for (word, flags) in entries() {
        let has = |f: Option<u32>| f.is_some_and(|f| flags.contains(&f));
        if has(forbidden) {
            continue;
        }
        if has(only_in_compound) {
            continue;
        }
        if flags.iter().any(|f| rule_flags.contains(f)) && !word.chars().any(|c| c.is_numeric()) {
            return Err(Unsupported(format!("COMPOUNDRULE on the word {word}")));
        }
        forms(
            &word,
            &flags,
            &prefixes,
            &suffixes,
            !has(need_affix),
            &mut |w| {
                if !forbidden_words.contains(w) {
                    out(w)
                }
            },
        );
    }
    Ok(())
}

/// `word/flags` with `\/` standing for a slash inside the word.
fn split_entry(entry: &str) -> (String, Option<&str>) {
    let mut at = None;
    let b = entry.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'/' && (i == 0 || b[i - 1] != b'\\') {
            at = Some(i);
            break;
        }
    }
    match at {
        Some(i) if i > 0 => (entry[..i].replace("\\/", "/"), Some(&entry[i + 1..])),
        _ => (entry.replace("\\/", "/"), None),
    }
}

fn forms(
    stem: &str,
    flags: &[u32],
    prefixes: &[Affix],
    suffixes: &[Affix],
    bare: bool,
    out: &mut impl FnMut(&str),
) {
    if bare {
        out(stem);
    }
    let mine = |a: &&Affix| flags.contains(&a.flag);
    for p in prefixes.iter().filter(mine) {
        for r in &p.rules {
            if let Some(w) = r.prefix(stem, stem) {
                out(&w);
            }
        }
    }
    for s in suffixes.iter().filter(mine) {
        for r in &s.rules {
            let Some(w) = r.suffix(stem) else { continue };
            out(&w);
            if !s.cross {
                continue;
            }
            for p in prefixes.iter().filter(|a| a.cross && mine(a)) {
                for pr in &p.rules {
                    if let Some(pw) = pr.prefix(stem, &w) {
                        out(&pw);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(aff: &str, dic: &str) -> Vec<String> {
        let mut v = Vec::new();
        expand(aff, dic, |w| v.push(w.to_string())).unwrap();
        v.sort();
        v.dedup();
        v
    }

    #[test]
    fn stems_take_their_prefixes_suffixes_and_cross_products() {
        let aff = "SET UTF-8\nPFX U Y 1\nPFX U 0 un .\n\
                   PFX R N 1\nPFX R 0 re .\n\
                   SFX S Y 3\nSFX S y ies [^aeiou]y\nSFX S 0 s [aeiou]y\nSFX S 0 s [^y]\n\
                   SFX D Y 2\nSFX D e ed e\nSFX D 0 ed [^e]\n\
                   FORBIDDENWORD !\nONLYINCOMPOUND c\nNEEDAFFIX n\n";
        let dic = "6\ndo/UR\nfly/S\nday/S\nbake/DU\nbaked/!\nxpart/c\nroot/nS\n";
        assert_eq!(
            words(aff, dic),
            [
                "bake", "day", "days", "do", "flies", "fly", "redo", "roots", "unbake", "unbaked",
                "undo"
            ]
        );
    }

    #[test]
    fn flags_come_long_and_numbered_and_slashes_escaped() {
        let aff = "FLAG long\nSFX Aa Y 1\nSFX Aa 0 s .\n";
        assert_eq!(words(aff, "1\ncat/AaZz\n"), ["cat", "cats"]);
        let aff = "FLAG num\nSFX 101 Y 1\nSFX 101 0 s .\n";
        assert_eq!(words(aff, "1\ncat/7,101\n"), ["cat", "cats"]);
        assert_eq!(words("", "1\nand\\/or\n"), ["and/or"]);
    }

    #[test]
    fn dictionaries_that_build_words_from_parts_are_refused() {
        for aff in [
            "COMPOUNDFLAG Z\n",
            "AF 2\nAF A\nAF B\n",
            "KEEPCASE K\n",
            "SFX A Y 1\nSFX A 0 s/B .\n",
        ] {
            assert!(expand(aff, "1\nx\n", |_| {}).is_err(), "{aff}");
        }
        // en_US's ordinals: compounds of digits only.
        let aff = "COMPOUNDMIN 1\nONLYINCOMPOUND c\nCOMPOUNDRULE 1\nCOMPOUNDRULE n*1t\n";
        assert_eq!(words(aff, "3\n1/n1\n1th/tc\nword\n"), ["1", "word"]);
        assert!(expand(aff, "1\nword/n\n", |_| {}).is_err());
    }
}
