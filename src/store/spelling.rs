//! Hunspell dictionaries where Linux systems keep them, and the personal
//! word list (a file under the config dir, one word a line).

use crate::core::spell::Speller;
use std::path::{Path, PathBuf};

/// What a profile asks of spelling.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpellConfig {
    /// Dictionary names (`en_US`, `de_DE`); empty: spelling is off.
    pub languages: Vec<String>,
    /// The languages were set (`spell = […]`), not taken from `$LANG`: a
    /// missing dictionary is then said at start.
    pub configured: bool,
    /// Folders searched, in order ([`search_dirs`]).
    pub dirs: Vec<PathBuf>,
    /// The personal word list.
    pub words: Option<PathBuf>,
}

/// A dictionary file is refused past this size (en_US is under 1 MiB, the
/// largest common ones under 10).
const MAX_DICTIONARY: u64 = 32 * 1024 * 1024;
/// The personal list is read up to this size.
const MAX_WORDS: u64 = 4 * 1024 * 1024;

/// The folders searched, in order: the configured ones, then
/// `$XDG_DATA_HOME/hunspell` (`~/.local/share/hunspell`), then the system's.
pub(crate) fn search_dirs(configured: &[PathBuf], data_dir: Option<PathBuf>) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = configured.to_vec();
    if let Some(d) = data_dir {
        dirs.push(d.join("hunspell"));
    }
    for d in [
        "/usr/share/hunspell",
        "/usr/share/myspell",
        "/usr/share/myspell/dicts",
        "/usr/local/share/hunspell",
    ] {
        dirs.push(PathBuf::from(d));
    }
    dirs
}

/// The Debian/Ubuntu/Fedora package that carries a dictionary:
/// `en_US` → `hunspell-en-us`.
pub(crate) fn package_for(name: &str) -> String {
    format!("hunspell-{}", name.to_lowercase().replace('_', "-"))
}

/// Hunspell's files are UTF-8 or, in older dictionaries, Latin-1 (`SET ISO8859-1`).
fn read_text(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() || meta.len() > MAX_DICTIONARY {
        return Err("is not a dictionary file of a sensible size".into());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_DICTIONARY).read_to_end(&mut bytes))
        .map_err(|e| e.to_string())?;
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => e.into_bytes().iter().map(|&b| b as char).collect(),
    })
}

/// Reads the dictionaries `config` names and the personal list. `Err` is
/// the one line to show: which dictionary is missing, where it was looked
/// for, and the package to install.
pub fn load(config: &SpellConfig) -> Result<Speller, String> {
    let dirs = &config.dirs;
    let mut dicts = Vec::new();
    let mut missing = Vec::new();
    for name in &config.languages {
        let found = dirs.iter().find_map(|d| {
            let aff = d.join(format!("{name}.aff"));
            let dic = d.join(format!("{name}.dic"));
            (aff.is_file() && dic.is_file()).then_some((aff, dic))
        });
        let Some((aff, dic)) = found else {
            missing.push(name.clone());
            continue;
        };
        let read = |p: &Path| read_text(p).map_err(|e| format!("{}: {e}", p.display()));
        let parsed = Speller::parse(&read(&aff)?, &read(&dic)?)
            .map_err(|e| format!("spelling: {} could not be read: {e}", aff.display()))?;
        dicts.push((name.clone(), parsed));
    }
    if dicts.is_empty() {
        let packages: Vec<String> = missing.iter().map(|n| package_for(n)).collect();
        return Err(format!(
            "Spelling is off: no Hunspell dictionary {} in {}; install {} (or set spell = [] in the config).",
            missing.join(", "),
            dirs.iter()
                .take(3)
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            packages.join(" ")
        ));
    }
    let personal = match &config.words {
        Some(p) => crate::util::fs::read_small(p, MAX_WORDS).unwrap_or_default(),
        None => String::new(),
    };
    Ok(Speller::new(dicts, personal.lines().map(str::to_string)))
}

/// Adds `word` to the personal list: one appended line, so two sessions
/// adding words at once both keep theirs.
pub(crate) fn learn(path: &Path, word: &str) -> Result<(), String> {
    use std::io::Write;
    let word = word.trim();
    if word.is_empty() || word.contains(['\n', '\r']) {
        return Err("not a word".into());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    f.write_all(format!("{word}\n").as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictionaries_load_from_a_configured_folder_and_words_are_learnt() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("xx_TEST.aff"), "SET UTF-8\n").unwrap();
        // Latin-1, as older dictionaries are.
        std::fs::write(dir.path().join("xx_TEST.dic"), b"2\nhello\ncaf\xe9\n").unwrap();
        let words = dir.path().join("cfg").join("words.txt");
        let config = SpellConfig {
            languages: vec!["xx_TEST".into()],
            configured: true,
            dirs: vec![dir.path().to_path_buf()],
            words: Some(words.clone()),
        };
        let s = load(&config).unwrap();
        assert!(s.knows("hello") && s.knows("café") && !s.knows("graft"));
        learn(&words, "graft").unwrap();
        learn(&words, "Contoso").unwrap();
        let s = load(&config).unwrap();
        assert!(s.knows("graft") && s.knows("Contoso"));
        assert_eq!(std::fs::read_to_string(&words).unwrap(), "graft\nContoso\n");
        let missing = SpellConfig {
            languages: vec!["zz_ZZ".into()],
            ..config
        };
        let e = load(&missing).err().unwrap();
        assert!(e.contains("zz_ZZ") && e.contains("hunspell-zz-zz"), "{e}");
    }
}
