//! One builder for a test's world: an emulator, a state directory with its
//! config file, graft run against them (as a command or in a pty), and a
//! Graph client on the same emulator. Every graft started here has a home
//! of its own (`graft_command`), never the developer's.
#![allow(dead_code)]

use super::pty::Pty;
use graft::auth::Credentials;
use graft::core::mailbox::Mailbox;
use graft::graph::GraphClient;
use graft_emulator::{DEMO_TOKEN, Emulator, EmulatorConfig};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Scenario {
    pub emu: Emulator,
    /// The state directory (journal, history); `config.toml` lives in it.
    pub state: Arc<tempfile::TempDir>,
}

impl Scenario {
    /// The emulator as Graph is documented, and an empty state directory.
    pub fn new() -> Scenario {
        Scenario::with(EmulatorConfig::default())
    }

    pub fn with(config: EmulatorConfig) -> Scenario {
        Scenario::on(Emulator::start(config).expect("emulator starts"))
    }

    /// A world around an emulator already started (seeded, faulted).
    pub fn on(emu: Emulator) -> Scenario {
        Scenario {
            emu,
            state: Arc::new(tempfile::tempdir().expect("temp state dir")),
        }
    }

    pub fn url(&self) -> String {
        self.emu.graph_url()
    }

    pub fn dir(&self) -> &Path {
        self.state.path()
    }

    /// Writes the config file graft reads.
    pub fn config(&self, toml: &str) -> &Self {
        std::fs::write(self.dir().join("config.toml"), toml).expect("write config");
        self
    }

    /// graft with `args` against the emulator, with the demo token, this
    /// state directory and its config file, nothing on standard input.
    pub fn command(&self, args: &[&str]) -> Command {
        command_on(&self.url(), self.dir(), args)
    }

    /// Runs graft to its end.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run graft")
    }

    /// Runs graft, or `None` if it was still running after `secs` (then it
    /// is killed).
    pub fn run_within(&self, args: &[&str], secs: u64) -> Option<Output> {
        within(self.command(args), secs)
    }

    /// The form in a pty (`cols`×`rows`), on this state directory and its
    /// config file, with the demo token and `env` besides.
    pub fn form(&self, args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Pty {
        let url = self.url();
        let config = self.dir().join("config.toml");
        let config = config.to_str().expect("a UTF-8 path");
        let mut all = vec!["--graph-url", url.as_str()];
        all.extend_from_slice(args);
        let mut vars = vec![("GRAFT_ACCESS_TOKEN", DEMO_TOKEN), ("GRAFT_CONFIG", config)];
        vars.extend_from_slice(env);
        Pty::spawn_with_state(&all, &vars, cols, rows, self.state.clone())
    }

    /// A Graph client on the emulator with the demo token.
    pub fn client(&self) -> GraphClient {
        client(&self.url()).build()
    }
}

/// graft with `args` against `url`, with the demo token, state directory
/// `state` and its `config.toml`, nothing on standard input.
pub fn command_on(url: &str, state: &Path, args: &[&str]) -> Command {
    let mut c = super::graft_command();
    c.args(args)
        .args(["--graph-url", url])
        .env("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)
        .env("GRAFT_STATE_DIR", state)
        .env("GRAFT_CONFIG", state.join("config.toml"))
        .current_dir(state)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// Runs `c`, or `None` if it was still running after `secs` (then it is killed).
pub fn within(mut c: Command, secs: u64) -> Option<Output> {
    let mut child = c.spawn().expect("start graft");
    let deadline = Instant::now() + Duration::from_secs(secs);
    while child.try_wait().expect("graft's state").is_none() {
        if Instant::now() > deadline {
            child.kill().ok();
            child.wait().ok();
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(child.wait_with_output().expect("graft's output"))
}

/// Exit code, standard output and standard error, for a failed assertion.
pub fn said(o: &Output) -> String {
    format!(
        "{:?} {} {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The one way a test makes a Graph client: on `url`, the demo token,
/// `/me`, 10 s, unless said otherwise.
pub fn client(url: &str) -> ClientBuilder {
    ClientBuilder {
        url: url.to_string(),
        credentials: Credentials::Fixed(graft::auth::AccessToken::new(DEMO_TOKEN)),
        mailbox: Mailbox::default(),
        timeout: Duration::from_secs(10),
    }
}

pub struct ClientBuilder {
    url: String,
    credentials: Credentials,
    mailbox: Mailbox,
    timeout: Duration,
}

impl ClientBuilder {
    pub fn token(mut self, token: &str) -> Self {
        self.credentials = Credentials::Fixed(graft::auth::AccessToken::new(token));
        self
    }
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }
    pub fn mailbox(mut self, mailbox: Mailbox) -> Self {
        self.mailbox = mailbox;
        self
    }
    pub fn user(mut self, user: Option<&str>) -> Self {
        self.mailbox.user = user.map(str::to_string);
        self
    }
    pub fn timeout(mut self, secs: u64) -> Self {
        self.timeout = Duration::from_secs(secs);
        self
    }
    pub fn timeout_of(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
    pub fn build(self) -> GraphClient {
        GraphClient::new(
            url::Url::parse(&self.url).expect("a URL"),
            self.credentials,
            self.mailbox,
            self.timeout,
        )
    }
}
