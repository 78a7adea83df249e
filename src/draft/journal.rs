//! The local journal: one file per draft in the XDG state directory, written
//! atomically (temporary file, fsync, rename, fsync of the directory) with mode
//! 0600, so a crash, a kill or a dropped ssh link never costs the user their text.
//! A journal is removed only once the server holds its latest content.

use super::content::DraftContent;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The F3 fields as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoreText {
    pub reply_to: String,
    pub categories: String,
    pub importance: super::content::Importance,
    pub read_receipt: bool,
    pub delivery_receipt: bool,
    pub flagged: bool,
}

/// The form's fields as typed (not parsed, so even invalid input survives).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fields {
    pub to: String,
    pub cc: String,
    pub bcc: String,
    pub subject: String,
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalRecord {
    pub version: u32,
    /// The draft's stable client key, also sent to Graph as an extended property.
    pub key: String,
    /// The process that owns this draft right now.
    pub pid: u32,
    /// When this record was written (UTC, RFC 3339).
    #[serde(default)]
    pub updated: String,
    pub graph_url: String,
    pub user: Option<String>,
    pub folder: Option<String>,
    pub fields: Fields,
    /// The draft's id on the server, once a save succeeded.
    pub server_id: Option<String>,
    pub web_link: Option<String>,
    /// What the server holds (the content of the last successful save).
    pub saved: Option<DraftContent>,
    /// A create may have reached the server without an answer: look it up by key first.
    pub create_uncertain: bool,
    /// The user asked to save and the save has not completed yet.
    pub queued: bool,
    /// The body's format (Markdown is kept as Markdown here).
    #[serde(default)]
    pub format: super::content::BodyFormat,
    #[serde(default)]
    pub more: MoreText,
    /// The attachment list (paths, sizes, server ids once uploaded).
    #[serde(default)]
    pub attachments: Vec<super::attach::AttachedFile>,
    /// Removed from the list, still to be removed on the server.
    #[serde(default)]
    pub detached: Vec<super::attach::AttachedFile>,
}

impl JournalRecord {
    pub const VERSION: u32 = 1;

    /// A short word for lists: `queued`, `changed since save`, `not saved`.
    pub fn state(&self) -> &'static str {
        if self.queued {
            "queued"
        } else if self.server_id.is_some() {
            "changed since save"
        } else {
            "not saved"
        }
    }

    /// One line for lists: the subject, or the first words of the body.
    pub fn title(&self) -> String {
        let s = self.fields.subject.trim();
        let s = if s.is_empty() {
            self.fields
                .body
                .split_whitespace()
                .take(8)
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            s.to_string()
        };
        if s.is_empty() {
            "(empty)".to_string()
        } else {
            crate::sanitize::line(&s)
        }
    }
}

/// A journal file that could not be read. It is reported and kept, never deleted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    pub path: PathBuf,
    pub reason: String,
}

#[derive(Clone, Debug)]
pub struct JournalStore {
    dir: PathBuf,
}

fn valid_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 64 && key.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

impl JournalStore {
    /// `$GRAFT_STATE_DIR`, else the XDG state directory (`~/.local/state/graft`),
    /// else the local data directory. Demo drafts live apart from real ones.
    pub fn default_dir(demo: bool) -> Option<PathBuf> {
        let base = crate::fsutil::state_dir()?;
        Some(base.join(if demo { "journal-demo" } else { "journal" }))
    }

    /// Opens (creating, mode 0700) the journal directory.
    pub fn open(dir: impl Into<PathBuf>) -> std::io::Result<JournalStore> {
        let dir = dir.into();
        crate::fsutil::private_dir(&dir)?;
        Ok(JournalStore { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }

    /// Writes the record atomically: a reader sees the old file or the new one, whole.
    pub fn write(&self, record: &JournalRecord) -> std::io::Result<()> {
        if !valid_key(&record.key) {
            return Err(std::io::Error::other("invalid draft key"));
        }
        let mut rec = record.clone();
        rec.updated = crate::run::now_rfc3339();
        let json = serde_json::to_vec_pretty(&rec).map_err(std::io::Error::other)?;
        crate::fsutil::write_atomic(&self.path(&rec.key), &json)
    }

    pub fn remove(&self, key: &str) -> std::io::Result<()> {
        if !valid_key(key) {
            return Ok(());
        }
        crate::fsutil::remove(&self.path(key))
    }

    pub fn read(&self, key: &str) -> Result<JournalRecord, Unreadable> {
        read_file(&self.path(key))
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
    pub fn orphans(&self) -> (Vec<JournalRecord>, Vec<Unreadable>) {
        let me = std::process::id();
        let (good, bad) = self.list();
        let good = good
            .into_iter()
            .filter(|r| r.pid == me || !process_alive(r.pid))
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
    let rec: JournalRecord = serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
    if rec.version != JournalRecord::VERSION {
        return Err(bad(format!(
            "journal version {} is not supported",
            rec.version
        )));
    }
    Ok(rec)
}

/// Whether a process with this id is running (Linux: `/proc/<pid>` exists).
pub fn process_alive(pid: u32) -> bool {
    pid != 0 && Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(key: &str) -> JournalRecord {
        JournalRecord {
            version: JournalRecord::VERSION,
            key: key.into(),
            pid: std::process::id(),
            updated: String::new(),
            graph_url: "http://127.0.0.1:1/v1.0".into(),
            user: None,
            folder: None,
            fields: Fields {
                to: "bob".into(),
                subject: "Hi 日本".into(),
                body: "line\n".into(),
                ..Fields::default()
            },
            server_id: None,
            web_link: None,
            saved: None,
            create_uncertain: false,
            queued: false,
            format: Default::default(),
            more: Default::default(),
            attachments: Vec::new(),
            detached: Vec::new(),
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
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        assert_eq!(store.read(&r.key).unwrap().fields.body, "changed");
        store.remove(&r.key).unwrap();
        store.remove(&r.key).unwrap();
        assert!(store.list().0.is_empty());
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
