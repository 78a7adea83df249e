//! The local journal: one file per draft and editing session in the XDG state
//! directory, written atomically (temporary file, fsync, rename, fsync of the
//! directory) with mode 0600, so a crash, a kill or a dropped ssh link never
//! costs the user their text. A journal is removed only once the server holds
//! its latest content.
//!
//! Each running graft is a session with its own journal files
//! (`<key>.<session>.json`), so two of them editing the same draft never
//! remove each other's text. While a session owns a file it holds an advisory
//! lock (`flock`) on `<key>.<session>.lock`; the lock dies with the process,
//! so a file whose lock is free is an orphan — whatever became of the pid it
//! recorded, on whatever host. Completing or recovering an orphan takes its
//! lock first: two processes never act on one journal.

use crate::core::record::JournalRecord;
use std::path::{Path, PathBuf};

/// A journal file that could not be read. It is reported and kept, never deleted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    pub(crate) path: PathBuf,
    pub(crate) reason: String,
}

#[derive(Clone, Debug)]
pub struct JournalStore {
    dir: PathBuf,
    /// This process's session: its files are `<key>.<session>.json`.
    session: String,
    /// The locks this session holds, by file stem.
    held: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, std::fs::File>>>,
    /// Files made ahead of time (see [`JournalStore::prepare`]).
    spare: std::sync::Arc<std::sync::Mutex<Spare>>,
}

/// A locked lock file and an empty temporary file, made ahead of time and
/// renamed into place when a draft's note that a create is leaving is
/// written: on this kind of disk, creating a file costs ~100 µs and a
/// rename ~10 µs, and that note is on the save's path.
#[derive(Debug, Default)]
struct Spare {
    lock: Option<(std::fs::File, PathBuf)>,
    file: Option<tempfile::NamedTempFile>,
    /// Spares a killed graft left have been looked for.
    swept: bool,
}

const SPARE_LOCK_PREFIX: &str = ".spare-";

fn valid_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 64 && key.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

fn valid_session(s: &str) -> bool {
    s.len() <= 32 && s.chars().all(|c| c.is_ascii_hexdigit())
}

/// `<key>.<session>` (or `<key>` for a file from before sessions).
fn stem(key: &str, session: &str) -> String {
    if session.is_empty() {
        key.to_string()
    } else {
        format!("{key}.{session}")
    }
}

/// An exclusive advisory lock on `path`, if nobody else holds one.
fn try_lock(path: &Path) -> Option<std::fs::File> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
        .ok()?;
    // SAFETY: a valid open descriptor; flock only reads it.
    let r = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    (r == 0).then_some(f)
}

/// A lock held while it lives (an advisory `flock`, released with the
/// process however it ends).
#[derive(Debug)]
pub(crate) struct Held {
    _file: std::fs::File,
}

/// The lock named `name` in `dir`: at once if nobody holds it (`Ok`), else
/// `Err` with a function that waits for it.
pub(crate) fn lock_named(dir: &Path, name: &str) -> std::io::Result<Result<Held, Waiting>> {
    use std::os::unix::fs::OpenOptionsExt;
    crate::util::fs::private_dir(dir)?;
    let path = dir.join(format!("{name}.lock"));
    if let Some(f) = try_lock(&path) {
        return Ok(Ok(Held { _file: f }));
    }
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&path)?;
    Ok(Err(Waiting { file: f }))
}

/// A lock someone else holds, to wait for.
#[derive(Debug)]
pub(crate) struct Waiting {
    file: std::fs::File,
}

impl Waiting {
    /// Blocks until the holder lets go (it ends, or is killed).
    pub(crate) fn wait(self) -> std::io::Result<Held> {
        use std::os::fd::AsRawFd;
        loop {
            // SAFETY: a valid open descriptor; flock only reads it.
            let r = unsafe { libc::flock(self.file.as_raw_fd(), libc::LOCK_EX) };
            if r == 0 {
                return Ok(Held { _file: self.file });
            }
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }
}

/// This machine's name, for "open on host …".
pub(crate) fn host_name() -> String {
    static NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NAME.get_or_init(read_host_name).clone()
}

fn read_host_name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: a buffer of that length; gethostname NUL-terminates what fits.
    let r = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if r != 0 {
        return String::new();
    }
    let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    crate::util::sanitize::line(&String::from_utf8_lossy(&buf[..end]))
}

/// The right to act on one journal file (complete it, recover it, delete
/// it): its lock, held until this is dropped.
#[derive(Debug)]
pub(crate) struct Claim {
    _lock: std::fs::File,
    journal: PathBuf,
    lock_path: PathBuf,
}

impl Claim {
    /// Removes the journal file (and its lock file): its work is done.
    pub(crate) fn remove(self) -> std::io::Result<()> {
        crate::util::fs::remove(&self.journal)?;
        let _ = std::fs::remove_file(&self.lock_path);
        Ok(())
    }
}

impl JournalStore {
    /// `$GRAFT_STATE_DIR`, else the XDG state directory (`~/.local/state/graft`),
    /// else the local data directory. Demo drafts live apart from real ones.
    pub(crate) fn default_dir(demo: bool) -> Option<PathBuf> {
        let base = crate::util::fs::state_dir()?;
        Some(base.join(if demo { "journal-demo" } else { "journal" }))
    }

    /// Opens (creating, mode 0700) the journal directory, as a new session.
    pub fn open(dir: impl Into<PathBuf>) -> std::io::Result<JournalStore> {
        let dir = dir.into();
        crate::util::fs::private_dir(&dir)?;
        Ok(JournalStore {
            dir,
            session: uuid::Uuid::new_v4().simple().to_string()[..12].to_string(),
            held: Default::default(),
            spare: Default::default(),
        })
    }

    /// Makes the spare files the next [`JournalStore::write_fast`] renames
    /// into place; the first time, also removes spares a killed graft left.
    /// For the writer thread, off the save's path.
    pub(crate) fn prepare(&self) {
        let Ok(mut spare) = self.spare.lock() else {
            return;
        };
        if !spare.swept {
            spare.swept = true;
            self.remove_stale_spares();
        }
        if spare.lock.is_none() {
            let path = self.dir.join(format!(
                "{SPARE_LOCK_PREFIX}{}-{}.lock",
                self.session,
                uuid::Uuid::new_v4().simple()
            ));
            spare.lock = try_lock(&path).map(|f| (f, path));
        }
        if spare.file.is_none() {
            spare.file = tempfile::Builder::new()
                .prefix(".graft-")
                .suffix(".tmp")
                .tempfile_in(&self.dir)
                .ok();
        }
    }

    /// Removes this session's spares (it is ending).
    pub(crate) fn discard_spares(&self) {
        if let Ok(mut spare) = self.spare.lock() {
            if let Some((_, path)) = spare.lock.take() {
                let _ = std::fs::remove_file(path);
            }
            spare.file = None;
        }
    }

    /// Spare lock files no running graft holds, and temporary files over a
    /// day old (a write cut short by a crash).
    fn remove_stale_spares(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let day = std::time::Duration::from_secs(24 * 3600);
        for e in entries.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            let path = e.path();
            if name.starts_with(SPARE_LOCK_PREFIX) && name.ends_with(".lock") {
                if let Some(_lock) = try_lock(&path) {
                    let _ = std::fs::remove_file(&path);
                }
            } else if name.starts_with(".graft-")
                && name.ends_with(".tmp")
                && e.metadata()
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > day))
            {
                let _ = std::fs::remove_file(&path);
            }
        }
    }

    /// Holds the draft's lock by renaming the spare lock file into place
    /// (the lock is on the file, not its name).
    fn hold_with_spare(&self, key: &str, spare: &mut Spare) {
        let s = stem(key, &self.session);
        let Ok(mut held) = self.held.lock() else {
            return;
        };
        if held.contains_key(&s) {
            return;
        }
        if let Some((file, path)) = spare.lock.take() {
            if std::fs::rename(&path, self.lock_path(key, &self.session)).is_ok() {
                held.insert(s, file);
                return;
            }
            let _ = std::fs::remove_file(&path);
        }
        drop(held);
        self.hold(key);
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// This session's id (for the tests).
    #[cfg(test)]
    fn session(&self) -> &str {
        &self.session
    }

    /// A draft's record as this session wrote it (for the tests).
    #[cfg(test)]
    fn read(&self, key: &str) -> Result<JournalRecord, Unreadable> {
        read_file(&self.path(key))
    }

    /// This session's journal file for a draft.
    pub(crate) fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{}.json", stem(key, &self.session)))
    }

    /// The file a record was read from.
    pub(crate) fn record_path(&self, rec: &JournalRecord) -> PathBuf {
        self.dir
            .join(format!("{}.json", stem(&rec.key, &rec.session)))
    }

    fn lock_path(&self, key: &str, session: &str) -> PathBuf {
        self.dir.join(format!("{}.lock", stem(key, session)))
    }

    /// Writes this session's record atomically: a reader sees the old file
    /// or the new one, whole. The session holds the file's lock from now on.
    pub fn write(&self, record: &JournalRecord) -> std::io::Result<()> {
        self.write_with(record, true)
    }

    /// The same without waiting for the disk (`fsync`): the file is in
    /// place for any process that looks, and survives a kill of this one,
    /// though not a power cut. For the note that a create is about to leave.
    pub(crate) fn write_fast(&self, record: &JournalRecord) -> std::io::Result<()> {
        self.write_with(record, false)
    }

    fn write_with(&self, record: &JournalRecord, durable: bool) -> std::io::Result<()> {
        if !valid_key(&record.key) {
            return Err(std::io::Error::other("invalid draft key"));
        }
        let mut rec = record.clone();
        // An answer's quote is kept once: what the server holds quotes the
        // answer's own (it never changes), and is filled back in on reading.
        if let (Some(saved), Some(a)) = (rec.saved.as_mut(), rec.answer.as_ref())
            && saved.quote.as_deref() == Some(a.quote_html.as_str())
        {
            saved.quote = None;
        }
        rec.updated = crate::util::now_rfc3339();
        rec.session = self.session.clone();
        rec.host = host_name();
        match self.spare.lock() {
            Ok(mut spare) if !durable => self.hold_with_spare(&rec.key, &mut spare),
            _ => self.hold(&rec.key),
        }
        let json = serde_json::to_vec_pretty(&rec).map_err(std::io::Error::other)?;
        if !durable && let Some(file) = self.spare.lock().ok().and_then(|mut s| s.file.take()) {
            use std::io::Write as _;
            let mut file = file;
            if file.write_all(&json).is_ok() && file.persist(self.path(&rec.key)).is_ok() {
                return Ok(());
            }
            // A spare someone removed: write the usual way.
        }
        if durable {
            crate::util::fs::write_atomic(&self.path(&rec.key), &json)
        } else {
            crate::util::fs::write_atomic_fast(&self.path(&rec.key), &json)
        }
    }

    /// Takes this session's lock on a draft's file, once.
    fn hold(&self, key: &str) {
        let Ok(mut held) = self.held.lock() else {
            return;
        };
        let s = stem(key, &self.session);
        if held.contains_key(&s) {
            return;
        }
        if let Some(f) = try_lock(&self.lock_path(key, &self.session)) {
            held.insert(s, f);
        }
    }

    /// Removes this session's file for a draft (and gives up its lock).
    pub(crate) fn remove(&self, key: &str) -> std::io::Result<()> {
        if !valid_key(key) {
            return Ok(());
        }
        crate::util::fs::remove(&self.path(key))?;
        self.release(key);
        let _ = std::fs::remove_file(self.lock_path(key, &self.session));
        Ok(())
    }

    /// Gives up this session's lock on a draft's file, which stays: the
    /// session has moved on to another draft, and whoever starts next may
    /// recover this one.
    pub(crate) fn release(&self, key: &str) {
        if let Ok(mut held) = self.held.lock() {
            held.remove(&stem(key, &self.session));
        }
    }

    /// Gives up every lock: the session is over (its files are orphans now,
    /// for the next start to recover or complete).
    pub fn release_all(&self) {
        if let Ok(mut held) = self.held.lock() {
            held.clear();
        }
    }

    /// The right to act on another session's file, if no running graft
    /// owns it (or is acting on it) and it is still there.
    pub(crate) fn claim(&self, rec: &JournalRecord) -> Option<Claim> {
        if rec.session == self.session || !valid_key(&rec.key) || !valid_session(&rec.session) {
            return None;
        }
        let lock_path = self.lock_path(&rec.key, &rec.session);
        let lock = try_lock(&lock_path)?;
        let journal = self.record_path(rec);
        // Someone may have finished it between our reading it and locking it.
        if !journal.exists() {
            return None;
        }
        Some(Claim {
            _lock: lock,
            journal,
            lock_path,
        })
    }

    /// Whether a running graft (perhaps on another host) owns this file.
    pub(crate) fn open_elsewhere(&self, rec: &JournalRecord) -> bool {
        rec.session != self.session && self.claim(rec).is_none() && self.record_path(rec).exists()
    }

    /// Every journal, newest first, and the files that could not be read.
    pub fn list(&self) -> (Vec<JournalRecord>, Vec<Unreadable>) {
        let mut good = Vec::new();
        let mut bad = Vec::new();
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return (good, bad);
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.extension().and_then(|x| x.to_str()) != Some("json") {
                continue;
            }
            match read_file(&path) {
                Ok(r) => good.push(r),
                Err(u) => bad.push(u),
            }
        }
        good.sort_by(|a, b| b.updated.cmp(&a.updated));
        (good, bad)
    }

    /// Journals no running graft owns: candidates for recovery and sync.
    pub(crate) fn orphans(&self) -> (Vec<JournalRecord>, Vec<Unreadable>) {
        let (good, bad) = self.list();
        let good = good
            .into_iter()
            .filter(|r| r.session != self.session && self.claim(r).is_some())
            .filter(|r| {
                // An empty draft left by an earlier version: nothing to
                // offer, so its file goes.
                let blank = r.is_blank();
                if blank {
                    let _ = self.remove(&r.key);
                }
                !blank
            })
            .collect();
        (good, bad)
    }
}

fn read_file(path: &Path) -> Result<JournalRecord, Unreadable> {
    let bad = |reason: String| Unreadable {
        path: path.to_path_buf(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
    let mut rec: JournalRecord = serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
    if let (Some(saved), Some(a)) = (rec.saved.as_mut(), rec.answer.as_ref())
        && saved.quote.is_none()
        && a.made()
    {
        saved.quote = Some(a.quote_html.clone());
    }
    if rec.version != JournalRecord::VERSION {
        return Err(bad(format!(
            "journal version {} is not supported",
            rec.version
        )));
    }
    Ok(rec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::Fields;

    fn record(key: &str) -> JournalRecord {
        JournalRecord {
            pid: std::process::id(),
            fields: Fields {
                to: "bob".into(),
                subject: "Hi 日本".into(),
                body: "line\n".into(),
                ..Fields::default()
            },
            ..JournalRecord::blank(key.into(), "http://127.0.0.1:1/v1.0", &Default::default())
        }
    }

    #[test]
    fn write_read_list_remove_with_private_modes() {
        let dir = tempfile::tempdir().unwrap();
        let store = JournalStore::open(dir.path().join("j")).unwrap();
        let r = record("0123abcd-0000");
        store.write(&r).unwrap();
        let back = store.read("0123abcd-0000").unwrap();
        assert_eq!(back.fields, r.fields);
        assert!(!back.updated.is_empty());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(store.path(&r.key))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
            let dmode = std::fs::metadata(store.dir()).unwrap().permissions().mode();
            assert_eq!(dmode & 0o777, 0o700);
        }
        // Rewriting replaces the file whole; no temporary files are left.
        let mut r2 = r.clone();
        r2.fields.body = "changed".into();
        store.write(&r2).unwrap();
        let names: Vec<_> = std::fs::read_dir(store.dir())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.ends_with(".lock"))
            .collect();
        assert_eq!(names.len(), 1, "no temporary files left: {names:?}");
        assert_eq!(store.read(&r.key).unwrap().fields.body, "changed");
        store.remove(&r.key).unwrap();
        store.remove(&r.key).unwrap();
        assert!(store.list().0.is_empty());
    }

    #[test]
    fn two_sessions_on_one_draft_keep_their_own_files() {
        let dir = tempfile::tempdir().unwrap();
        let a = JournalStore::open(dir.path()).unwrap();
        let b = JournalStore::open(dir.path()).unwrap();
        let mut r = record("0123abcd-0001");
        a.write(&r).unwrap();
        r.fields.body = "b's text".into();
        b.write(&r).unwrap();
        assert_eq!(a.list().0.len(), 2, "one file each");
        // a saved and removed its own: b's text is still there.
        a.remove(&r.key).unwrap();
        let left = b.list().0;
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].fields.body, "b's text");
        assert_eq!(left[0].session, b.session());
        assert!(!left[0].host.is_empty() || host_name().is_empty());
    }

    #[test]
    fn liveness_is_the_lock_not_the_pid() {
        let dir = tempfile::tempdir().unwrap();
        let mut r = record("0123abcd-0002");
        // A pid that is alive (ours) means nothing by itself.
        r.pid = std::process::id();
        let owner = JournalStore::open(dir.path()).unwrap();
        owner.write(&r).unwrap();
        let other = JournalStore::open(dir.path()).unwrap();
        assert!(other.orphans().0.is_empty(), "open in a running session");
        assert!(other.open_elsewhere(&other.list().0[0]));
        // The owner lets go (it moved on, or died): now it is an orphan.
        owner.release(&r.key);
        let orphans = other.orphans().0;
        assert_eq!(orphans.len(), 1);
        // Only one claim at a time: two completions cannot race.
        let first = other.claim(&orphans[0]).expect("claimed");
        let third = JournalStore::open(dir.path()).unwrap();
        assert!(third.claim(&orphans[0]).is_none());
        first.remove().unwrap();
        assert!(third.list().0.is_empty());
        assert!(third.claim(&orphans[0]).is_none(), "gone: nothing to claim");
    }

    #[test]
    fn a_note_written_with_spares_is_whole_and_locked() {
        let dir = tempfile::tempdir().unwrap();
        let names = |d: &Path| -> Vec<String> {
            let mut v: Vec<String> = std::fs::read_dir(d)
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        // A graft killed with its spares made left them behind.
        let dead = JournalStore::open(dir.path()).unwrap();
        dead.prepare();
        assert_eq!(names(dir.path()).len(), 2, "a spare lock and a spare file");
        drop(dead);
        let store = JournalStore::open(dir.path()).unwrap();
        store.prepare();
        let spares = names(dir.path());
        assert_eq!(
            spares.len(),
            2,
            "the dead session's spare lock swept: {spares:?}"
        );
        let mut r = record("0123abcd-0009");
        r.create_uncertain = true;
        store.write_fast(&r).unwrap();
        let after = names(dir.path());
        assert_eq!(
            after,
            vec![
                format!("0123abcd-0009.{}.json", store.session()),
                format!("0123abcd-0009.{}.lock", store.session()),
            ],
            "both spares renamed into place"
        );
        assert!(store.read(&r.key).unwrap().create_uncertain);
        // The renamed lock is held: nobody else may act on this file.
        let other = JournalStore::open(dir.path()).unwrap();
        assert!(other.orphans().0.is_empty());
        assert!(other.claim(&other.list().0[0]).is_none());
        // Without spares the note is written the usual way.
        let mut r2 = record("0123abcd-000a");
        r2.create_uncertain = true;
        store.write_fast(&r2).unwrap();
        assert!(store.read(&r2.key).unwrap().create_uncertain);
        store.release_all();
        assert_eq!(other.orphans().0.len(), 2);
    }

    #[test]
    fn an_answers_quote_is_kept_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = JournalStore::open(dir.path()).unwrap();
        let quote = format!(
            "<html><body>{}</body></html>",
            "quoted words ".repeat(100_000)
        );
        let mut r = record("0123abcd-0042");
        r.answer = Some(crate::core::answer::Answer {
            kind: crate::core::answer::AnswerKind::Reply,
            original_id: "AAMkOrig".into(),
            original_subject: "Big".into(),
            original_from: "Dana".into(),
            quote_html: quote.clone(),
            conversation_id: String::new(),
            requested: String::new(),
            forward_to: Vec::new(),
        });
        r.saved = Some(crate::core::content::DraftContent {
            quote: Some(quote.clone()),
            ..Default::default()
        });
        store.write(&r).unwrap();
        let bytes = std::fs::metadata(store.path(&r.key)).unwrap().len() as usize;
        assert!(
            bytes < quote.len() + 10_000,
            "{bytes} bytes on disk for a {} byte quote",
            quote.len()
        );
        let back = store.read(&r.key).unwrap();
        assert_eq!(back.saved.unwrap().quote.as_deref(), Some(quote.as_str()));
    }

    #[test]
    fn broken_files_are_reported_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = JournalStore::open(dir.path()).unwrap();
        std::fs::write(dir.path().join("abc.json"), b"{ half").unwrap();
        store.write(&record("def0")).unwrap();
        let (good, bad) = store.list();
        assert_eq!(good.len(), 1);
        assert_eq!(bad.len(), 1);
        assert!(dir.path().join("abc.json").exists());
    }

    #[test]
    fn keys_cannot_escape_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let store = JournalStore::open(dir.path()).unwrap();
        assert!(store.write(&record("../evil")).is_err());
    }

    #[test]
    fn states_and_titles() {
        let mut r = record("a1");
        assert_eq!(r.state(), "not saved");
        assert_eq!(r.title(), "Hi 日本");
        r.server_id = Some("AAMk".into());
        assert_eq!(r.state(), "changed since save");
        r.queued = true;
        assert_eq!(r.state(), "queued");
        r.fields.subject.clear();
        r.fields.body = "one two\nthree".into();
        assert_eq!(r.title(), "one two three");
    }
}
