//! Hunspell dictionaries where Linux systems keep them, and the personal
//! word list (a file under the config dir, one word a line).

use crate::core::spell::{FullLoader, Lexicon, Speller, try_letters};
use crate::core::wordset::WordSet;
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
    /// Where dictionaries' word lists are kept (`~/.cache/graft/spell`);
    /// `None`: Hunspell's reader for every check.
    pub index: Option<PathBuf>,
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
/// A dictionary's two files, read (an error names the file).
fn read_pair(aff: &Path, dic: &Path) -> Result<(String, String), String> {
    let read = |p: &Path| read_text(p).map_err(|e| format!("{}: {e}", p.display()));
    Ok((read(aff)?, read(dic)?))
}

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
        dicts.push(open(name, &aff, &dic, config.index.as_deref())?);
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

/// One dictionary: its word list from the index folder (made first if
/// missing or older than the dictionary's files), else Hunspell's reader.
fn open(
    name: &str,
    aff: &Path,
    dic: &Path,
    index: Option<&Path>,
) -> Result<(String, Lexicon, String), String> {
    let full = || {
        let (aff_text, dic_text) = read_pair(aff, dic)?;
        let parsed = Speller::parse(&aff_text, &dic_text)
            .map_err(|e| format!("spelling: {} could not be read: {e}", aff.display()))?;
        Ok::<_, String>((
            name.to_string(),
            Lexicon::Full(parsed),
            try_letters(&aff_text),
        ))
    };
    let Some(index) = index else { return full() };
    let list = index.join(format!("{name}-{:016x}.words", source_key(aff, dic)));
    let not_listable = list.with_extension("full");
    if !list.is_file() && !not_listable.is_file() {
        if let Err(why) = make_list(aff, dic, &list) {
            tracing::warn!(%why, dictionary = name, "no word list; Hunspell's reader checks");
        }
    }
    match map(&list).and_then(|b| WordSet::open(b).ok_or("not a word list".into())) {
        Ok(words) => {
            tracing::debug!(dictionary = name, words = words.len(), "word list");
            let letters = String::from_utf8_lossy(words.extra()).into_owned();
            let (aff, dic) = (aff.to_path_buf(), dic.to_path_buf());
            let load: FullLoader = Box::new(move || {
                let (aff, dic) = read_pair(&aff, &dic).ok()?;
                Speller::parse(&aff, &dic).ok()
            });
            let lexicon = Lexicon::Listed {
                words,
                full: Default::default(),
                load,
            };
            Ok((name.to_string(), lexicon, letters))
        }
        Err(_) => full(),
    }
}

/// Names a dictionary's files as they are now: their paths, sizes and
/// times, and the list's format.
fn source_key(aff: &Path, dic: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    "graft word list 1".hash(&mut h);
    for p in [aff, dic] {
        p.hash(&mut h);
        if let Ok(m) = std::fs::metadata(p) {
            m.len().hash(&mut h);
            m.modified().ok().hash(&mut h);
        }
    }
    h.finish()
}

/// Whether word lists are made by graft's own program (`graft
/// spell-index`), so the memory it takes is given back when it ends; unset
/// (in tests), or with no program to run, the list is made in this process.
static LISTS_BY_SELF: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Word lists are made by running this program as `graft spell-index AFF
/// DIC OUT` (found when a list is made, not at every start).
pub fn make_lists_by_self() {
    LISTS_BY_SELF.store(true, std::sync::atomic::Ordering::Relaxed);
}

fn make_list(aff: &Path, dic: &Path, out: &Path) -> Result<(), String> {
    let program = match LISTS_BY_SELF.load(std::sync::atomic::Ordering::Relaxed) {
        true => std::env::current_exe().ok(),
        false => None,
    };
    let Some(program) = program else {
        return write_list(aff, dic, out);
    };
    let done = std::process::Command::new(&program)
        .arg("spell-index")
        .args([aff, dic, out])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .output()
        .map_err(|e| format!("{}: {e}", program.display()))?;
    if done.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&done.stderr).trim().to_string())
    }
}

/// Makes the word list of a dictionary at `out`: every word its affixes
/// make, each confirmed by Hunspell's reader, sorted. A dictionary that
/// cannot be listed (`core::affix::Unsupported`) gets a `.full` mark
/// instead, so the next start does not try again. Old lists of the same
/// dictionary are removed.
pub fn write_list(aff: &Path, dic: &Path, out: &Path) -> Result<(), String> {
    let (aff_text, dic_text) = read_pair(aff, dic)?;
    let dir = out.parent().ok_or("no folder for the word list")?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let full = Speller::parse(&aff_text, &dic_text)?;
    let mut words: Vec<String> = Vec::new();
    let mut refused = 0usize;
    let listed = crate::core::affix::expand(&aff_text, &dic_text, |w| {
        if full.check(w) {
            words.push(w.to_string())
        } else {
            refused += 1;
        }
    });
    if let Err(crate::core::affix::Unsupported(why)) = listed {
        return crate::util::fs::write_atomic(&out.with_extension("full"), why.as_bytes())
            .map_err(|e| e.to_string());
    }
    words.sort_unstable();
    words.dedup();
    tracing::info!(words = words.len(), refused, list = %out.display(), "word list made");
    let bytes = WordSet::build(
        words.iter().map(|w| w.as_bytes()),
        try_letters(&aff_text).as_bytes(),
    );
    // Lists of this dictionary made from older files.
    if let (Some(stem), Ok(entries)) = (
        out.file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.rsplit_once('-')),
        std::fs::read_dir(dir),
    ) {
        for e in entries.flatten() {
            let n = e.file_name();
            let n = n.to_string_lossy();
            if n.starts_with(&format!("{}-", stem.0)) && n.len() == stem.0.len() + 1 + stem.1.len()
            {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    crate::util::fs::write_atomic(out, &bytes).map_err(|e| format!("{}: {e}", out.display()))
}

/// A file mapped read-only: its pages are read when a lookup reaches them
/// and shared with every other graft reading the same list.
struct Mapped {
    ptr: *mut libc::c_void,
    len: usize,
}

// SAFETY: the mapping is read-only and private to this value until dropped.
unsafe impl Send for Mapped {}
// SAFETY: as above; shared reads of read-only memory.
unsafe impl Sync for Mapped {}

impl AsRef<[u8]> for Mapped {
    fn as_ref(&self) -> &[u8] {
        // SAFETY: `ptr` maps `len` readable bytes for this value's life.
        unsafe { std::slice::from_raw_parts(self.ptr as *const u8, self.len) }
    }
}

impl Drop for Mapped {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly what `map` mapped.
        unsafe {
            libc::munmap(self.ptr, self.len);
        }
    }
}

/// The bytes of `path`, mapped (read into memory if it is empty).
fn map(path: &Path) -> Result<crate::core::wordset::Bytes, String> {
    use std::os::fd::AsRawFd;
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let len = file.metadata().map_err(|e| e.to_string())?.len() as usize;
    if len == 0 || len > MAX_DICTIONARY as usize {
        return Err(format!("{}: not a word list", path.display()));
    }
    // SAFETY: a fresh read-only private mapping of an open file; the file
    // is replaced only by rename (`write_atomic`), never written in place.
    let ptr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ,
            libc::MAP_PRIVATE,
            file.as_raw_fd(),
            0,
        )
    };
    if ptr == libc::MAP_FAILED {
        return Err(format!(
            "{}: {}",
            path.display(),
            std::io::Error::last_os_error()
        ));
    }
    Ok(Box::new(Mapped { ptr, len }))
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
            index: None,
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

    /// The dictionary files and a config that keeps lists in `index`.
    fn fixture(dir: &Path, index: Option<PathBuf>) -> SpellConfig {
        let aff = "SET UTF-8\nTRY esianrtolcdugmphbyfvkwz'\n\
                   PFX U Y 1\nPFX U 0 un .\n\
                   SFX S Y 3\nSFX S y ies [^aeiou]y\nSFX S 0 s [aeiou]y\nSFX S 0 s [^y]\n\
                   SFX D Y 2\nSFX D e ed e\nSFX D 0 ed [^e]\nSFX M Y 1\nSFX M 0 's .\n";
        let dic = "7\nshould\nshroud/S\nfly/S\ndo/U\nbake/DU\nParis/M\nhello/S\n";
        if !dir.join("xx_TEST.aff").exists() {
            std::fs::write(dir.join("xx_TEST.aff"), aff).unwrap();
            std::fs::write(dir.join("xx_TEST.dic"), dic).unwrap();
        }
        SpellConfig {
            languages: vec!["xx_TEST".into()],
            configured: true,
            dirs: vec![dir.to_path_buf()],
            words: None,
            index,
        }
    }

    #[test]
    fn a_listed_dictionary_answers_as_hunspell_does_and_is_made_once() {
        let dir = tempfile::tempdir().unwrap();
        let index = dir.path().join("index");
        let listed = load(&fixture(dir.path(), Some(index.clone()))).unwrap();
        let full = load(&fixture(dir.path(), None)).unwrap();
        let lists: Vec<PathBuf> = std::fs::read_dir(&index)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(lists.len(), 1, "{lists:?}");
        assert!(lists[0].to_string_lossy().ends_with(".words"));
        for w in [
            "should", "Should", "shroud", "shrouds", "flies", "Flies", "flys", "undo", "Undo",
            "unbaked", "baked", "unbake", "Paris", "Paris's", "paris", "hello", "Hellos", "HeLLo",
            "shoud", "bakeed", "unfly", "SHOULD",
        ] {
            assert_eq!(listed.knows(w), full.knows(w), "{w}");
        }
        assert_eq!(
            listed.suggest("shoud").first().map(String::as_str),
            Some("should")
        );
        // Opened again: the same list, not made again.
        let made = std::fs::metadata(&lists[0]).unwrap().modified().unwrap();
        let again = load(&fixture(dir.path(), Some(index.clone()))).unwrap();
        assert!(again.knows("unbaked"));
        assert_eq!(
            std::fs::metadata(&lists[0]).unwrap().modified().unwrap(),
            made
        );
        // A changed dictionary gets a new list, and the old one goes.
        let dic = dir.path().join("xx_TEST.dic");
        let mut text = std::fs::read_to_string(&dic).unwrap().replace("7\n", "8\n");
        text.push_str("graft/S\n");
        std::fs::write(&dic, text).unwrap();
        let changed = load(&fixture(dir.path(), Some(index.clone()))).unwrap();
        assert!(changed.knows("grafts"));
        let now: Vec<PathBuf> = std::fs::read_dir(&index)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(now.len(), 1);
        assert_ne!(now[0], lists[0]);
        // A damaged list is not trusted: Hunspell's reader answers.
        std::fs::write(&now[0], b"GRAFTWS1 cut short").unwrap();
        let damaged = load(&fixture(dir.path(), Some(index))).unwrap();
        assert!(damaged.knows("grafts") && !damaged.knows("graftz"));
    }

    #[test]
    fn a_dictionary_that_cannot_be_listed_is_marked_and_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("xx_TEST.aff"),
            "SET UTF-8\nCOMPOUNDFLAG Z\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("xx_TEST.dic"), "2\nfoot/Z\nball/Z\n").unwrap();
        let index = dir.path().join("index");
        let config = SpellConfig {
            index: Some(index.clone()),
            ..fixture(dir.path(), None)
        };
        let s = load(&config).unwrap();
        assert!(s.knows("football"), "compounds are Hunspell's reader's");
        let marks: Vec<String> = std::fs::read_dir(&index)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(marks.len() == 1 && marks[0].ends_with(".full"), "{marks:?}");
    }

    /// en_US as installed, if it is: every word of graft's own documents
    /// and a list of slips get the same answer from the list as from
    /// Hunspell's reader.
    #[test]
    fn the_installed_en_us_list_agrees_with_hunspell() {
        let sys = Path::new("/usr/share/hunspell");
        if !sys.join("en_US.dic").is_file() {
            eprintln!("no en_US installed; skipped");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let config = |index| SpellConfig {
            languages: vec!["en_US".into()],
            configured: true,
            dirs: vec![sys.to_path_buf()],
            words: None,
            index,
        };
        let listed = load(&config(Some(dir.path().to_path_buf()))).unwrap();
        assert!(
            std::fs::read_dir(dir.path()).unwrap().any(|e| e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".words")),
            "en_US can be listed"
        );
        let full = load(&config(None)).unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut text = std::fs::read_to_string(root.join("README.md")).unwrap();
        for e in std::fs::read_dir(root.join("docs")).unwrap() {
            text.push_str(&std::fs::read_to_string(e.unwrap().path()).unwrap_or_default());
        }
        text.push_str(
            "\nshoud recieve teh adress untill occured seperate wich definately \
             Monday's unhappiness redoing O'Brien McDonald's judgement colour \
             Colour doesn't couldn't isn't rethinking unkind kindness shelves \
             Hello Worlds Tuesday tuesday NASA's",
        );
        let mut words = Vec::new();
        crate::core::spell::prose_words(
            text.lines(),
            crate::core::content::BodyFormat::Markdown,
            |_, _, _, w| words.push(w.to_string()),
        );
        assert!(words.len() > 5000, "{}", words.len());
        let differ: Vec<&String> = words
            .iter()
            .filter(|w| listed.knows(w) != full.knows(w))
            .collect();
        assert!(
            differ.is_empty(),
            "the list and Hunspell differ on {differ:?}"
        );
    }
}
