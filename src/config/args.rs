//! The command line. Every flag is global: it works before or after a subcommand.

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug, Clone)]
#[command(
    name = "graft",
    version,
    about = "Write Outlook mail drafts in the terminal; Ctrl-S saves them through Microsoft Graph.",
    after_help = "Token: set GRAFT_ACCESS_TOKEN or pass --token-cmd \"CMD\". Try it without an account: graft --demo"
)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) options: Options,

    #[command(flatten)]
    pub(crate) prefill: Prefill,

    #[command(subcommand)]
    pub(crate) command: Option<Command>,
}

/// Seconds Graph and a token command get by default (`--timeout`,
/// `--token-timeout`).
const DEFAULT_TIMEOUT: u64 = 30;

/// The environment variables clap reads for [`Options`]; with any of them
/// set, [`Cli::quick`] leaves the command line to clap.
const OPTION_ENV: [&str; 7] = [
    "GRAFT_GRAPH_URL",
    "GRAFT_PROFILE",
    "GRAFT_CLOUD",
    "GRAFT_TENANT",
    "GRAFT_CLIENT_ID",
    "GRAFT_AUTHORITY_URL",
    "GRAFT_TOKEN_TIMEOUT",
];

/// graft's own options: the global ones, which work before or after a
/// subcommand, and `--plain`. `cli.demo` reads `cli.options.demo`.
#[derive(Args, Debug, Clone)]
pub(crate) struct Options {
    /// Run against the built-in local Graph emulator (no account, nothing leaves this machine).
    #[arg(long, global = true, help_heading = "Global options")]
    pub(crate) demo: bool,

    /// Graph root URL. http:// is only accepted for loopback hosts.
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "URL",
        env = "GRAFT_GRAPH_URL",
        hide_env_values = true
    )]
    pub(crate) graph_url: Option<String>,

    /// Save into this user's mailbox (/users/{id or UPN}) instead of /me.
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "ID|UPN"
    )]
    pub(crate) user: Option<String>,

    /// Save into this folder: a well-known name (drafts, archive), the name Outlook shows (Projects; nested, Inbox/Clients), or an id.
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "FOLDER"
    )]
    pub(crate) folder: Option<String>,

    /// Command whose standard output is the access token (run with sh -c, output trimmed).
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "CMD"
    )]
    pub(crate) token_cmd: Option<String>,

    /// Named account with its own tenant, client id, cloud, mailbox and token cache.
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "NAME",
        env = "GRAFT_PROFILE",
        hide_env_values = true
    )]
    pub(crate) profile: Option<String>,

    /// National cloud preset: sets both the Graph root and the sign-in authority.
    #[arg(long, global = true, help_heading = "Global options", value_name = "CLOUD", env = "GRAFT_CLOUD", hide_env_values = true,
          value_parser = ["global", "usgov", "usgov-dod", "china"])]
    pub(crate) cloud: Option<String>,

    /// Directory (tenant) to sign in to: common, organizations, consumers, a GUID or a domain.
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "TENANT",
        env = "GRAFT_TENANT",
        hide_env_values = true
    )]
    pub(crate) tenant: Option<String>,

    /// Application (client) id of a public client app registration.
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "ID",
        env = "GRAFT_CLIENT_ID",
        hide_env_values = true
    )]
    pub(crate) client_id: Option<String>,

    /// Sign-in authority (default https://login.microsoftonline.com; http only for loopback).
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "URL",
        env = "GRAFT_AUTHORITY_URL",
        hide_env_values = true
    )]
    pub(crate) authority_url: Option<String>,

    /// More detail in the log file (-v debug, -vv trace). RUST_LOG works too.
    #[arg(short, long, global = true, help_heading = "Global options", action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,

    /// Seconds to wait for Graph before giving up on a request.
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "SECS",
        default_value_t = DEFAULT_TIMEOUT
    )]
    pub(crate) timeout: u64,

    /// Seconds --token-cmd may run before it is stopped.
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "SECS",
        default_value_t = DEFAULT_TIMEOUT,
        env = "GRAFT_TOKEN_TIMEOUT",
        hide_env_values = true
    )]
    pub(crate) token_timeout: u64,

    /// Plain screen: no box drawing or decorative glyphs, every state in
    /// words (for screen readers and braille displays; on by itself for
    /// TERM=dumb; `plain = true` in the config file).
    #[arg(long)]
    pub(crate) plain: bool,
}

impl std::ops::Deref for Cli {
    type Target = Options;

    fn deref(&self) -> &Options {
        &self.options
    }
}

impl Cli {
    /// The command line of this process: [`Cli::read_from`].
    pub(crate) fn read() -> Cli {
        Cli::read_from(std::env::args_os())
    }

    /// Reads a command line. graft is started most often with a few of its
    /// own options or none (no subcommand, no MAILTO), and reading that is
    /// on the way to the first frame, so it is read in three steps, each
    /// only when the one before does not take the whole line:
    /// - [`Cli::quick`]: `--name value`, `--name=value` and the two flags
    ///   of the options that need no checking, with none of their
    ///   environment variables set (0.01 ms);
    /// - a command of only the top level's options and the prefill
    ///   (0.17 ms, most of it clap's code run for the first time);
    /// - the whole command, its 15 subcommands and their ~100 options, each
    ///   given a copy of the 13 global ones (0.65 ms): a subcommand,
    ///   --help, --version, a mistake. Every help and error is clap's, and
    ///   a word that could name a subcommand is never read as anything
    ///   else: the first two take no positional argument but the MAILTO.
    pub(crate) fn read_from<I, T>(args: I) -> Cli
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString>,
    {
        let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
        Cli::quick(&args, |name| std::env::var_os(name).is_some())
            .or_else(|| Cli::options_only(&args))
            .unwrap_or_else(|| Cli::parse_from(args))
    }

    /// The command line read without clap, when it holds only options that
    /// take any text (`--user me@x.co`, `--graph-url=…`) and `--demo` or
    /// `--plain`, each at most once, and no environment variable clap would
    /// read for them is set (`set` says which are). Anything else (a number
    /// or a cloud to check, `-v`, a prefill, a repeat, a value that starts
    /// with `-` or is empty) is None, for clap to read.
    fn quick(args: &[std::ffi::OsString], set: impl Fn(&str) -> bool) -> Option<Cli> {
        if OPTION_ENV.iter().any(|name| set(name)) {
            return None;
        }
        let mut o = Options {
            demo: false,
            graph_url: None,
            user: None,
            folder: None,
            token_cmd: None,
            profile: None,
            cloud: None,
            tenant: None,
            client_id: None,
            authority_url: None,
            verbose: 0,
            timeout: DEFAULT_TIMEOUT,
            token_timeout: DEFAULT_TIMEOUT,
            plain: false,
        };
        let mut words = args.iter().skip(1);
        while let Some(word) = words.next() {
            let word = word.to_str()?.strip_prefix("--")?;
            let (name, inline) = match word.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (word, None),
            };
            let flag = match name {
                "demo" => Some(&mut o.demo),
                "plain" => Some(&mut o.plain),
                _ => None,
            };
            if let Some(flag) = flag {
                if inline.is_some() || *flag {
                    return None;
                }
                *flag = true;
                continue;
            }
            let slot = match name {
                "graph-url" => &mut o.graph_url,
                "user" => &mut o.user,
                "folder" => &mut o.folder,
                "token-cmd" => &mut o.token_cmd,
                "profile" => &mut o.profile,
                "tenant" => &mut o.tenant,
                "client-id" => &mut o.client_id,
                "authority-url" => &mut o.authority_url,
                _ => return None,
            };
            let value = match inline {
                Some(value) => value,
                None => words.next()?.to_str()?,
            };
            if value.is_empty() || value.starts_with('-') || slot.is_some() {
                return None;
            }
            *slot = Some(value.to_string());
        }
        Some(Cli {
            options: o,
            prefill: Prefill::default(),
            command: None,
        })
    }

    /// The command line read by the top level's options alone, when that is
    /// all it holds.
    fn options_only(args: &[std::ffi::OsString]) -> Option<Cli> {
        use clap::FromArgMatches;
        let cmd = Prefill::augment_args(Options::augment_args(clap::Command::new("graft")));
        let m = cmd.try_get_matches_from(args).ok()?;
        let cli = Cli {
            options: Options::from_arg_matches(&m).ok()?,
            prefill: Prefill::from_arg_matches(&m).ok()?,
            command: None,
        };
        cli.prefill.mailto.is_none().then_some(cli)
    }
}

/// Start the form filled in (graft as a terminal's mailto handler).
#[derive(Args, Debug, Clone, Default)]
pub(crate) struct Prefill {
    /// Start with these recipients in To (may be given more than once).
    #[arg(long = "to", value_name = "ADDRESSES", id = "prefill_to")]
    pub(crate) to: Vec<String>,
    /// Copy recipients, written as for --to; may be given more than once
    #[arg(long = "cc", value_name = "ADDRESSES", id = "prefill_cc")]
    pub(crate) cc: Vec<String>,
    /// Blind-copy recipients, written as for --to; may be given more than once
    #[arg(long = "bcc", value_name = "ADDRESSES", id = "prefill_bcc")]
    pub(crate) bcc: Vec<String>,
    /// The subject line
    #[arg(long = "subject", value_name = "TEXT", id = "prefill_subject")]
    pub(crate) subject: Option<String>,
    /// Start with the body from a file, or from standard input with `-`.
    #[arg(long = "body-file", value_name = "PATH|-", id = "prefill_body_file")]
    pub(crate) body_file: Option<std::path::PathBuf>,
    /// Start from a template (a file in the config folder's templates/;
    /// the flags above override its headers).
    #[arg(long = "template", value_name = "NAME", id = "prefill_template")]
    pub(crate) template: Option<String>,
    /// A template's variable (`--var project=Atlas`); may be given more than once.
    #[arg(long = "var", value_name = "NAME=VALUE", id = "prefill_var")]
    pub(crate) var: Vec<String>,
    /// A mailto: URL (RFC 6068) to fill the form from.
    #[arg(value_name = "MAILTO")]
    pub(crate) mailto: Option<String>,
}

#[derive(Subcommand, Debug, Clone)]
pub(crate) enum Command {
    /// Create a draft without opening the form (for scripts); see the exit codes in the README.
    Draft(DraftArgs),
    /// Reply to a message (by id, by its Outlook webLink, or --search): the
    /// form opens on the reply Graph made; with --body or --body-file it is
    /// saved without the form.
    Reply(AnswerArgs),
    /// Reply to the sender and every recipient (see `reply`).
    ReplyAll(AnswerArgs),
    /// Forward a message, with its attachments, to --to (see `reply`).
    Forward(AnswerArgs),
    /// Show where the config file is, or write a commented example there.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff), generated from these definitions.
    Man,
    /// Sign in with a device code (works over ssh: open the URL on any device).
    Login,
    /// Forget the cached tokens of this profile.
    Logout,
    /// Show the signed-in account, tenant, client id, token expiry and where tokens are kept.
    Whoami,
    /// List the drafts kept in the local journal (not yet saved to Outlook, or
    /// changed since); with --remote, the drafts graft saved in this profile as
    /// Outlook has them now.
    Drafts {
        /// Ask Graph about the drafts graft saved (subject, time, folder, webLink, state).
        #[arg(long)]
        remote: bool,
        /// Print a JSON array (of the local drafts, or with --remote of
        /// Outlook's); times in RFC 3339.
        #[arg(long)]
        json: bool,
        /// With --remote: delete this draft graft saved from Outlook (its id
        /// or webLink as the list shows them); it goes to Deleted Items, as
        /// when Outlook deletes it. Repeatable.
        #[arg(long, value_name = "ID|WEBLINK", requires = "remote")]
        delete: Vec<String>,
        /// Delete the local copy of this draft (its key, or the start of its
        /// file name, as `graft drafts` lists them). Repeatable.
        #[arg(long, value_name = "KEY", conflicts_with = "remote")]
        rm: Vec<String>,
        /// Delete the local copies not touched for this many days (drafts
        /// still queued for a save are kept).
        #[arg(long, value_name = "DAYS", conflicts_with = "remote")]
        rm_older_than: Option<u64>,
    },
    /// Complete saves that were queued (offline, throttled, interrupted) in earlier sessions.
    Sync,
    /// Run the local Graph emulator as a server (for trying things by hand).
    Emulator {
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Bearer token the emulator accepts.
        #[arg(long, value_name = "TOKEN", default_value = graft_emulator::DEMO_TOKEN)]
        accept_token: String,
    },
    /// Make the word list of a Hunspell dictionary (graft runs this itself,
    /// once per dictionary, so the form never holds the whole dictionary).
    #[command(hide = true)]
    SpellIndex {
        /// The dictionary's .aff file.
        aff: std::path::PathBuf,
        /// The dictionary's .dic file.
        dic: std::path::PathBuf,
        /// Where the list goes.
        out: std::path::PathBuf,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_work_before_and_after_a_subcommand() {
        let before = Cli::try_parse_from([
            "graft",
            "--graph-url",
            "http://127.0.0.1:1/v1.0",
            "emulator",
        ])
        .unwrap();
        let after = Cli::try_parse_from([
            "graft",
            "emulator",
            "--graph-url",
            "http://127.0.0.1:1/v1.0",
            "--user",
            "u@x.com",
        ])
        .unwrap();
        assert_eq!(before.graph_url, after.graph_url);
        assert!(
            matches!(before.command, Some(Command::Emulator { .. })),
            "a global flag before the subcommand: {before:?}"
        );
        let draft = Cli::try_parse_from([
            "graft",
            "--graph-url",
            "http://127.0.0.1:1/v1.0",
            "--folder",
            "inbox",
            "draft",
            "--to",
            "a@b.co",
            "--json",
        ])
        .unwrap();
        match &draft.command {
            Some(Command::Draft(d)) => assert!(d.json && d.to == ["a@b.co"]),
            other => panic!("{other:?}"),
        }
        assert_eq!(draft.folder.as_deref(), Some("inbox"));
        // A mailto: URL is still the form's argument.
        let m = Cli::try_parse_from(["graft", "--demo", "mailto:a@b.co"]).unwrap();
        assert!(m.command.is_none());
        assert_eq!(m.prefill.mailto.as_deref(), Some("mailto:a@b.co"));
        assert_eq!(after.user.as_deref(), Some("u@x.com"));
        assert!(matches!(
            after.command,
            Some(Command::Emulator { port: 0, .. })
        ));
        let plain = Cli::try_parse_from(["graft", "--folder", "drafts", "--timeout", "5"]).unwrap();
        assert_eq!(plain.folder.as_deref(), Some("drafts"));
        assert_eq!(plain.timeout, 5);
        assert!(Cli::try_parse_from(["graft", "--timeout", "soon"]).is_err());
    }

    /// The top level's options alone read a command line of options exactly
    /// as the whole command does, and leave everything else to it: a
    /// subcommand (also after options that take values, or as one's value),
    /// a MAILTO, `--`, help, version and every mistake.
    #[test]
    fn options_alone_read_what_the_whole_command_reads() {
        let read = |args: &[&str]| {
            let all = argv(args);
            (Cli::options_only(&all), Cli::try_parse_from(&all))
        };
        for args in [
            &[][..],
            &["--demo"],
            &["--graph-url", "http://127.0.0.1:9/v1.0", "--plain"],
            &["--user", "draft", "--folder=Inbox/Clients", "-vv"],
            &["--to", "a@b.co", "--to", "c@d.co", "--cc", "e@f.co"],
            &["--subject", "Hi", "--body-file", "-", "--timeout", "5"],
            &["--template", "weekly", "--var", "x=1", "--var", "y=2"],
            &["--token-cmd", "pass graph", "--token-timeout", "3"],
            &["--cloud", "china", "--tenant", "t", "--client-id", "c"],
            &["--profile", "work", "--authority-url", "http://127.0.0.1:1"],
            &["--"],
        ] {
            let (alone, whole) = read(args);
            let whole = whole.unwrap();
            assert!(whole.command.is_none());
            assert_eq!(
                format!("{:?}", alone.expect("read by the options alone")),
                format!("{whole:?}"),
                "{args:?}"
            );
        }
        for args in [
            &["draft"][..],
            &["--demo", "sync"],
            &["--user", "me@x.co", "reply", "AAMk"],
            &["mailto:a@b.co"],
            &["drafs"],
            &["--", "draft"],
            &["help"],
            &["--help"],
            &["-vh"],
            &["-V"],
            &["--version"],
            &["--timeout", "soon"],
            &["--cloud", "moon"],
            &["--bogus"],
            &["--to"],
        ] {
            assert!(read(args).0.is_none(), "{args:?} is the whole command's");
        }
    }

    fn argv(args: &[&str]) -> Vec<std::ffi::OsString> {
        std::iter::once("graft")
            .chain(args.iter().copied())
            .map(Into::into)
            .collect()
    }

    /// The options the quick reading takes; every other one is clap's.
    const QUICK: [&str; 10] = [
        "demo",
        "plain",
        "graph-url",
        "user",
        "folder",
        "token-cmd",
        "profile",
        "tenant",
        "client-id",
        "authority-url",
    ];

    #[test]
    fn the_quick_reading_is_clap_s() {
        let cmd = Options::augment_args(clap::Command::new("graft"));
        // Each of clap's options is read quickly or left to clap on purpose:
        // a new one is one or the other.
        let mut lines: Vec<Vec<String>> = Vec::new();
        // And one line with every one of them at once.
        let mut together: Vec<String> = Vec::new();
        for arg in cmd.get_arguments() {
            let long = arg.get_long().expect("every option is long");
            let to_clap = ["verbose", "timeout", "token-timeout", "cloud"];
            assert!(
                QUICK.contains(&long) || to_clap.contains(&long),
                "--{long}: read quickly, or left to clap?"
            );
            if QUICK.contains(&long) {
                match arg.get_action().takes_values() {
                    true => {
                        lines.push(vec![format!("--{long}"), "draft".into()]);
                        lines.push(vec![format!("--{long}=a=b c")]);
                        together.push(format!("--{long}=a=b c"));
                    }
                    false => {
                        lines.push(vec![format!("--{long}")]);
                        together.push(format!("--{long}"));
                    }
                }
            }
        }
        assert_eq!(lines.len(), 18);
        lines.extend([vec![], together]);
        for line in &lines {
            let args: Vec<&str> = line.iter().map(String::as_str).collect();
            let quick = Cli::quick(&argv(&args), |_| false).expect("read quickly");
            let clap = Cli::try_parse_from(argv(&args)).unwrap();
            assert_eq!(format!("{quick:?}"), format!("{clap:?}"), "{args:?}");
        }
        for args in [
            &["--timeout", "5"][..],
            &["--token-timeout", "3"],
            &["--cloud", "china"],
            &["-v"],
            &["--verbose"],
            &["--to", "a@b.co"],
            &["--subject=Hi"],
            &["--demo", "--demo"],
            &["--user", "a", "--user", "b"],
            &["--user", "-x"],
            &["--user="],
            &["--user"],
            &["--demo=true"],
            &["--"],
            &["-"],
            &["draft"],
            &["--demo", "sync"],
            &["mailto:a@b.co"],
            &["--help"],
            &["--version"],
            &["--bogus"],
        ] {
            assert!(Cli::quick(&argv(args), |_| false).is_none(), "{args:?}");
        }
        // With an option's environment variable set, clap reads it.
        for name in OPTION_ENV {
            assert!(Cli::quick(&argv(&["--demo"]), |set| set == name).is_none());
        }
    }

    #[test]
    fn the_quick_reading_knows_what_clap_reads_from_the_environment() {
        let cmd = Options::augment_args(clap::Command::new("graft"));
        let mut read: Vec<String> = cmd
            .get_arguments()
            .filter_map(|a| a.get_env())
            .map(|name| name.to_string_lossy().into_owned())
            .collect();
        let mut ours = OPTION_ENV.map(String::from).to_vec();
        read.sort();
        ours.sort();
        assert_eq!(read, ours);
    }
}

#[derive(Subcommand, Debug, Clone)]
pub(crate) enum ConfigAction {
    /// Print the config file's path.
    Path,
    /// Write a commented example config (refuses to overwrite an existing one).
    Init,
}

/// The text of a draft or an answer, and its format.
#[derive(Args, Debug, Clone, Default)]
pub(crate) struct BodyArgs {
    /// The body text.
    #[arg(long, conflicts_with = "body_file")]
    pub(crate) body: Option<String>,
    /// Read the body from a file, or from standard input with `-`.
    #[arg(long, value_name = "PATH|-")]
    pub(crate) body_file: Option<std::path::PathBuf>,
    /// The body is Markdown: send it as HTML (CommonMark, tables, task lists).
    #[arg(long, conflicts_with = "html")]
    pub(crate) markdown: bool,
    /// The body is HTML.
    #[arg(long)]
    pub(crate) html: bool,
    /// Leave the profile's signature off this draft.
    #[arg(long)]
    pub(crate) no_signature: bool,
}

impl BodyArgs {
    /// Whether a text was given (`--body` or `--body-file`).
    pub(crate) fn given(&self) -> bool {
        self.body.is_some() || self.body_file.is_some()
    }

    /// The text (a file, or standard input for `-`; empty if none was given).
    pub(crate) fn read(&self) -> Result<String, crate::config::Error> {
        crate::config::prefill::read_body(self.body.as_deref(), self.body_file.as_deref())
    }

    /// The signature to add: the profile's, unless `--no-signature`.
    pub(crate) fn signature(
        &self,
        profile: Option<&crate::core::content::Signature>,
    ) -> Option<crate::core::content::Signature> {
        profile.filter(|_| !self.no_signature).cloned()
    }

    pub(crate) fn format(&self) -> crate::core::content::BodyFormat {
        use crate::core::content::BodyFormat;
        if self.markdown {
            BodyFormat::Markdown
        } else if self.html {
            BodyFormat::Html
        } else {
            BodyFormat::Text
        }
    }
}

#[derive(Args, Debug, Clone)]
pub(crate) struct AnswerArgs {
    /// The message: its id, or its webLink copied from Outlook on the web.
    #[arg(value_name = "ID|WEBLINK", required_unless_present = "search")]
    pub(crate) message: Option<String>,
    /// Answer the Inbox message this search finds first (KQL, e.g. `from:dana budget`).
    #[arg(long, value_name = "QUERY", conflicts_with = "message")]
    pub(crate) search: Option<String>,
    /// Recipients to add (for a forward: whom to forward it to).
    #[arg(long, value_name = "ADDRESSES")]
    pub(crate) to: Vec<String>,
    /// Copy recipients, written as for --to; may be given more than once
    #[arg(long, value_name = "ADDRESSES")]
    pub(crate) cc: Vec<String>,
    /// What to write above the quote (given, it saves without the form).
    #[command(flatten)]
    pub(crate) text: BodyArgs,
    /// Attach a file (up to 150 MB). Repeatable.
    #[arg(long, value_name = "PATH")]
    pub(crate) attach: Vec<std::path::PathBuf>,
    /// Print `{id, webLink, createdDateTime, status, folder, answers}` as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// Save even if a check (a forgotten attachment, …) would hold it.
    #[arg(long)]
    pub(crate) force: bool,
    /// Automatic retries on throttling, service errors and network failures.
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub(crate) retries: u32,
}

#[derive(Args, Debug, Clone)]
pub(crate) struct DraftArgs {
    /// Recipients (`a@x.com, "Name, Q" <q@x.com>`); may be given more than once.
    #[arg(long, value_name = "ADDRESSES")]
    pub(crate) to: Vec<String>,
    /// Copy recipients, written as for --to; may be given more than once
    #[arg(long, value_name = "ADDRESSES")]
    pub(crate) cc: Vec<String>,
    /// Blind-copy recipients, written as for --to; may be given more than once
    #[arg(long, value_name = "ADDRESSES")]
    pub(crate) bcc: Vec<String>,
    /// The subject line (none: empty)
    #[arg(long, default_value = "", hide_default_value = true)]
    pub(crate) subject: String,
    #[command(flatten)]
    pub(crate) text: BodyArgs,
    /// Importance of the message.
    #[arg(long, value_name = "LEVEL", value_parser = ["low", "normal", "high"])]
    pub(crate) importance: Option<String>,
    /// Print `{id, webLink, createdDateTime, status, folder}` as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// Save even if a check (a forgotten attachment, an empty subject, …)
    /// would hold it; the checks are `[checks]` in the config file.
    #[arg(long)]
    pub(crate) force: bool,
    /// Automatic retries on throttling, service errors and network failures.
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub(crate) retries: u32,
    /// Attach a file (up to 150 MB; large files are uploaded in chunks). Repeatable.
    #[arg(long, value_name = "PATH")]
    pub(crate) attach: Vec<std::path::PathBuf>,
    /// Create many drafts (mail merge): one JSON object per line, or CSV with a
    /// header row (a .csv file), fields to, cc, bcc, subject, body, format,
    /// importance, attach, key. Paced to Outlook's limits; rerunning never
    /// creates a line's draft twice.
    #[arg(long, value_name = "FILE.jsonl|FILE.csv|-", conflicts_with_all = ["to", "cc", "bcc", "body", "body_file", "attach", "subject", "markdown", "html", "importance"])]
    pub(crate) batch: Option<std::path::PathBuf>,
    /// With --batch: make anew the lines whose drafts were sent or deleted since.
    #[arg(long, requires = "batch")]
    pub(crate) again: bool,
    /// Write it from a template (a file in the config folder's templates/):
    /// its headers and body with --var values filled in; with --batch, each
    /// line's fields are the variables.
    #[arg(long, value_name = "NAME")]
    pub(crate) template: Option<String>,
    /// A template's variable (`--var project=Atlas`); may be given more than once.
    #[arg(long, value_name = "NAME=VALUE", requires = "template")]
    pub(crate) var: Vec<String>,
}
