//! The token cache: one file per profile in the XDG state directory, mode 0600,
//! written atomically. (A desktop secret service is rarely reachable on the
//! remote machines graft is built for; the file is the one store.)

use super::TokenSet;
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct TokenStore {
    path: PathBuf,
}

impl TokenStore {
    /// `<state>/tokens/<profile>.json`.
    pub fn for_profile(profile: &str) -> Option<TokenStore> {
        let safe: String = profile
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        Some(TokenStore {
            path: crate::fsutil::state_dir()?
                .join("tokens")
                .join(format!("{safe}.json")),
        })
    }

    pub fn at(path: PathBuf) -> TokenStore {
        TokenStore { path }
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    pub fn load(&self) -> Option<TokenSet> {
        let bytes = std::fs::read(&self.path).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    pub fn save(&self, tokens: &TokenSet) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            crate::fsutil::private_dir(dir)?;
        }
        let json = serde_json::to_vec_pretty(tokens).map_err(std::io::Error::other)?;
        crate::fsutil::write_atomic(&self.path, &json)
    }

    pub fn delete(&self) -> std::io::Result<()> {
        crate::fsutil::remove(&self.path)
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
