//! The token cache, per profile. When the desktop's secret service is reachable
//! (a D-Bus session bus and libsecret's `secret-tool`), tokens go there;
//! otherwise — the usual case on the remote machines graft is built for — into
//! a file in the XDG state directory, mode 0600, written atomically. Tokens
//! travel to `secret-tool` on stdin and back on stdout, never in argv.
//! `GRAFT_TOKEN_STORE=file` forces the file; `GRAFT_SECRET_TOOL` names the tool.

use super::TokenSet;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The secret service may prompt to unlock a keyring; do not wait forever.
const TOOL_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Clone, Debug)]
pub struct TokenStore {
    path: PathBuf,
    /// `secret-tool` and the profile, when the secret service is to be used.
    keyring: Option<(PathBuf, String)>,
}

fn find_tool() -> Option<PathBuf> {
    if let Some(t) = std::env::var_os("GRAFT_SECRET_TOOL") {
        return Some(PathBuf::from(t));
    }
    if std::env::var("GRAFT_TOKEN_STORE").is_ok_and(|v| v == "file") {
        return None;
    }
    // Without a session bus there is no secret service to reach.
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS")?;
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join("secret-tool"))
        .find(|p| p.is_file())
}

/// Runs the tool with `args`, feeding `input`; its stdout if it succeeded in time.
fn run_tool(tool: &PathBuf, args: &[&str], input: Option<&[u8]>) -> Option<Vec<u8>> {
    let mut child = Command::new(tool)
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    if let (Some(data), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin.write_all(data).ok()?;
    }
    let mut stdout = child.stdout.take()?;
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.read_to_end(&mut out);
        out
    });
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let out = reader.join().ok()?;
                return status.success().then_some(out);
            }
            Ok(None) if started.elapsed() < TOOL_TIMEOUT => {
                std::thread::sleep(Duration::from_millis(5))
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}

impl TokenStore {
    /// The profile's tokens for the Graph root `graph_root`:
    /// `<state>/tokens/<profile>.json` for Microsoft's global Graph, and a
    /// store of its own (`<profile>@<host>`) for any other root (a national
    /// cloud, an emulator), so trying one never replaces the other's
    /// sign-in. The secret service when reachable.
    pub fn for_profile(profile: &str, graph_root: &url::Url) -> Option<TokenStore> {
        let profile = crate::core::mailbox::profile_for_root(profile, graph_root);
        let profile = profile.as_str();
        let safe = crate::util::fs::file_name_for(profile);
        Some(TokenStore {
            path: crate::util::fs::state_dir()?
                .join("tokens")
                .join(format!("{safe}.json")),
            keyring: find_tool().map(|t| (t, profile.to_string())),
        })
    }

    /// A file store at `path` (tests, and where the secret service is not used).
    pub fn at(path: PathBuf) -> TokenStore {
        TokenStore {
            path,
            keyring: None,
        }
    }

    /// The file (used when the secret service is not).
    pub(crate) fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Where the tokens are, for people: the secret service, or the file.
    pub fn location(&self) -> String {
        match (&self.keyring, self.path.exists()) {
            (Some((_, p)), false) => {
                format!("the secret service (secret-tool: service graft, profile {p})")
            }
            _ => format!("{} (file, mode 0600)", self.path.display()),
        }
    }

    /// Whether tokens are stored (in either place).
    pub(crate) fn exists(&self) -> bool {
        self.path.exists() || self.keyring_load().is_some()
    }

    fn keyring_load(&self) -> Option<TokenSet> {
        let (tool, profile) = self.keyring.as_ref()?;
        let out = run_tool(
            tool,
            &["lookup", "service", "graft", "profile", profile],
            None,
        )?;
        serde_json::from_slice(&out).ok()
    }

    pub fn load(&self) -> Option<TokenSet> {
        if let Some(t) = self.keyring_load() {
            return Some(t);
        }
        let bytes = std::fs::read(&self.path).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    pub(crate) fn save(&self, tokens: &TokenSet) -> std::io::Result<()> {
        if let Some((tool, profile)) = &self.keyring {
            let json = serde_json::to_vec(tokens).map_err(std::io::Error::other)?;
            let label = format!("graft tokens ({profile})");
            let stored = run_tool(
                tool,
                &[
                    "store", "--label", &label, "service", "graft", "profile", profile,
                ],
                Some(&json),
            );
            if stored.is_some() {
                // Do not leave an older copy in a file.
                let _ = crate::util::fs::remove(&self.path);
                return Ok(());
            }
            tracing::warn!("secret service unavailable; keeping tokens in the 0600 file");
        }
        if let Some(dir) = self.path.parent() {
            crate::util::fs::private_dir(dir)?;
        }
        let json = serde_json::to_vec_pretty(tokens).map_err(std::io::Error::other)?;
        crate::util::fs::write_atomic(&self.path, &json)
    }

    pub(crate) fn delete(&self) -> std::io::Result<()> {
        if let Some((tool, profile)) = &self.keyring {
            let _ = run_tool(
                tool,
                &["clear", "service", "graft", "profile", profile],
                None,
            );
        }
        crate::util::fs::remove(&self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_tokens_are_private_and_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = TokenStore::at(dir.path().join("tokens").join("work.json"));
        let t = TokenSet {
            access_token: "at-1".into(),
            refresh_token: Some("rt-1".into()),
            expires_at: 10,
            account: Some("a@b.co".into()),
            tenant: "common".into(),
            client_id: "c".into(),
            scopes: None,
            authority: String::new(),
            graph_root: String::new(),
        };
        store.save(&t).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(store.path())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let mut t2 = t.clone();
        t2.refresh_token = Some("rt-2".into());
        store.save(&t2).unwrap();
        assert_eq!(store.load().unwrap(), t2);
        let files = std::fs::read_dir(dir.path().join("tokens"))
            .unwrap()
            .count();
        assert_eq!(files, 1, "no temporary files left behind");
        assert!(!format!("{t2:?}").contains("rt-2"), "Debug hides tokens");
        store.delete().unwrap();
        assert!(store.load().is_none());
    }
}
