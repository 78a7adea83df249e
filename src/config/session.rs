//! A session from flags, environment and the config file: the Graph
//! client with its token, the mailbox, the settings; and the runtime and
//! journal both front ends use.

use crate::auth::command::TokenSource;
use crate::auth::store::TokenStore;
use crate::auth::{AccessToken, Credentials};
use crate::config::args::Cli;
use crate::config::{self, Error, Settings};
use crate::core::mailbox::Mailbox;
use crate::graph::GraphClient;
use crate::store::journal::JournalStore;
use graft_emulator::{DEMO_TOKEN, Emulator, EmulatorConfig};
use std::time::Duration;

/// Everything a session needs to talk to Graph.
pub struct Session {
    pub(crate) emulator: Option<Emulator>,
    pub(crate) client: GraphClient,
    /// Whose mailbox and which folder drafts go to.
    pub(crate) mailbox: Mailbox,
    /// The Graph root, as the journal keeps it.
    pub(crate) graph_url: String,
    pub(crate) source: TokenSource,
    pub(crate) settings: Option<Settings>,
}

impl Session {
    pub(crate) fn signature(&self) -> Option<&crate::core::content::Signature> {
        self.settings.as_ref().and_then(|s| s.signature.as_ref())
    }

    /// The default keys with the config file's overrides.
    pub(crate) fn keymap(&self) -> Result<crate::config::keymap::Keymap, Error> {
        let keys = self
            .settings
            .as_ref()
            .map(|s| s.keys.clone())
            .unwrap_or_default();
        crate::config::keymap::Keymap::defaults()
            .with_overrides(&keys)
            .map_err(|e| Error::usage(format!("config file: {e}")))
    }
}

impl Session {
    /// Spelling as the profile asks (the locale's language without a config).
    pub(crate) fn spell(&self) -> crate::store::spelling::SpellConfig {
        self.settings
            .as_ref()
            .map(|st| st.spell.clone())
            .unwrap_or_else(|| crate::config::spell_config(None, &[]))
    }

    /// What a save checks first (`[checks]`; the defaults without a config).
    pub(crate) fn checks(&self) -> crate::core::checks::Checks {
        self.settings
            .as_ref()
            .map(|st| st.checks.clone())
            .unwrap_or_default()
    }

    /// The history of drafts saved in this profile against this Graph root
    /// (none for the demo, whose mailbox ends with it).
    pub(crate) fn history_path(&self, demo: bool) -> Option<std::path::PathBuf> {
        if demo {
            return None;
        }
        let root = url::Url::parse(&self.graph_url).ok()?;
        crate::store::history::path(&profile_name(self, demo), &root)
    }
}

pub(crate) fn settings(cli: &Cli) -> Result<Settings, Error> {
    let path = config::config_path();
    let file =
        config::load_file(path.as_deref()).map_err(|e| Error::usage(format!("config file {e}")))?;
    config::resolve(cli, &file).map_err(Error::usage)
}

/// The profile's name for files kept per profile (`demo` for the demo).
pub(crate) fn profile_name(s: &Session, demo: bool) -> String {
    match (&s.settings, demo) {
        (_, true) => "demo".to_string(),
        (Some(st), _) => st.profile.clone(),
        (None, _) => "default".to_string(),
    }
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::service(format!("cannot start the runtime: {e}")))
}

/// The token, in order: demo, `--token-cmd`, `GRAFT_ACCESS_TOKEN`, else signed-in tokens.
pub(crate) fn session(cli: &Cli) -> Result<Session, Error> {
    let timeout = Duration::from_secs(cli.timeout.max(1));
    if cli.demo {
        // The demo has mail to answer (F8, `graft reply`).
        let config = EmulatorConfig::default();
        let inbox = graft_emulator::seeded_inbox(&config.user_principal_name);
        let emu = Emulator::start(EmulatorConfig { inbox, ..config })
            .map_err(|e| Error::service(format!("cannot start the demo emulator: {e}")))?;
        let root = config::graph_url(&emu.graph_url()).map_err(Error::usage)?;
        let mailbox = Mailbox {
            user: cli.user.clone(),
            folder: cli.folder.clone(),
        };
        let graph_url = root.to_string();
        let client = GraphClient::new(root, AccessToken::new(DEMO_TOKEN), mailbox.clone(), timeout);
        return Ok(Session {
            emulator: Some(emu),
            client,
            mailbox,
            graph_url,
            source: TokenSource::Demo,
            // The config file's keys, theme and features apply to the demo too.
            settings: Some(settings(cli)?),
        });
    }
    let s = settings(cli)?;
    let mailbox = Mailbox {
        user: s.user.clone(),
        folder: s.folder.clone(),
    };
    let graph_url = s.graph_url.to_string();
    let token_timeout = Duration::from_secs(cli.token_timeout.max(1));
    let (token, source) = crate::auth::command::token(cli.token_cmd.as_deref(), token_timeout)
        .map_err(Error::sign_in)?;
    let (credentials, source) = match (source, &cli.token_cmd) {
        (TokenSource::None, _) => {
            let store = TokenStore::for_profile(&s.profile, &s.graph_url)
                .ok_or_else(|| Error::service("no state directory for the token cache"))?;
            let cfg = s.auth.clone();
            (Credentials::SignIn { cfg, store }, TokenSource::SignIn)
        }
        (TokenSource::Command, Some(cmd)) => (
            Credentials::Command {
                token,
                cmd: cmd.clone(),
                timeout: token_timeout,
            },
            TokenSource::Command,
        ),
        (other, _) => (Credentials::Fixed(token), other),
    };
    let client = GraphClient::new(s.graph_url.clone(), credentials, mailbox.clone(), timeout);
    Ok(Session {
        emulator: None,
        client,
        mailbox,
        graph_url,
        source,
        settings: Some(s),
    })
}

pub(crate) fn journal_store(demo: bool) -> Result<JournalStore, String> {
    let dir = JournalStore::default_dir(demo)
        .ok_or("no state directory (set XDG_STATE_HOME or GRAFT_STATE_DIR)")?;
    JournalStore::open(&dir).map_err(|e| format!("{}: {e}", dir.display()))
}
