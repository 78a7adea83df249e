//! The commands besides the form: session setup from flags, environment and
//! config file; `login`, `logout`, `whoami`, `drafts`, `sync`, `emulator`.
//! Each returns `Err((exit code, message))`.

pub mod batch;
pub mod drafts;

use crate::auth::AccessToken;
use crate::auth::command::TokenSource;
use crate::auth::store::TokenStore;
use crate::config::args::Cli;
use crate::config::{self, Settings};
use crate::core::mailbox::Mailbox;
use crate::emulator::{DEMO_TOKEN, Emulator, EmulatorConfig};
use crate::graph::GraphClient;
use crate::service::save::body_with_attachments;
use crate::store::journal::JournalStore;
use std::io::{IsTerminal, Write};
use std::time::Duration;

pub type Failure = (u8, String);

/// Exit codes, as documented in the README.
pub mod exit {
    pub const TERMINAL: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const SIGN_IN: u8 = 3;
    pub const REJECTED: u8 = 4;
    pub const SERVICE: u8 = 5;
}

/// Everything a session needs to talk to Graph.
pub struct Session {
    pub emulator: Option<Emulator>,
    pub client: GraphClient,
    /// Whose mailbox and which folder drafts go to.
    pub mailbox: Mailbox,
    /// The Graph root, as the journal keeps it.
    pub graph_url: String,
    pub source: TokenSource,
    pub settings: Option<Settings>,
}

impl Session {
    pub fn signature(&self) -> Option<&str> {
        self.settings.as_ref().and_then(|s| s.signature.as_deref())
    }

    /// The default keys with the config file's overrides.
    pub fn keymap(&self) -> Result<crate::tui::app::Keymap, Failure> {
        let keys = self
            .settings
            .as_ref()
            .map(|s| s.keys.clone())
            .unwrap_or_default();
        crate::tui::app::Keymap::defaults()
            .with_overrides(&keys)
            .map_err(|e| (exit::USAGE, format!("config file: {e}")))
    }
}

pub fn settings(cli: &Cli) -> Result<Settings, Failure> {
    let path = config::config_path();
    let file = config::load_file(path.as_deref())
        .map_err(|e| (exit::USAGE, format!("config file {e}")))?;
    config::resolve(cli, &file).map_err(|e| (exit::USAGE, e))
}

/// The profile's name for files kept per profile (`demo` for the demo).
pub fn profile_name(s: &Session, demo: bool) -> String {
    match (&s.settings, demo) {
        (_, true) => "demo".to_string(),
        (Some(st), _) => st.profile.clone(),
        (None, _) => "default".to_string(),
    }
}

pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| (exit::SERVICE, format!("cannot start the runtime: {e}")))
}

/// The token, in order: demo, `--token-cmd`, `GRAFT_ACCESS_TOKEN`, else signed-in tokens.
pub fn session(cli: &Cli) -> Result<Session, Failure> {
    let timeout = Duration::from_secs(cli.timeout.max(1));
    if cli.demo {
        let emu = Emulator::start(EmulatorConfig::default()).map_err(|e| {
            (
                exit::SERVICE,
                format!("cannot start the demo emulator: {e}"),
            )
        })?;
        let root = config::graph_url(&emu.graph_url()).map_err(|e| (exit::USAGE, e))?;
        let mailbox = Mailbox {
            user: cli.user.clone(),
            folder: cli.folder.clone(),
        };
        let graph_url = root.to_string();
        let client = GraphClient::new(root, AccessToken::new(DEMO_TOKEN), mailbox.clone(), timeout)
            .map_err(|e| (exit::SERVICE, e))?;
        return Ok(Session {
            emulator: Some(emu),
            client,
            mailbox,
            graph_url,
            source: TokenSource::Demo,
            settings: None,
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
        .map_err(|e| (exit::SIGN_IN, e))?;
    let mut client = GraphClient::new(s.graph_url.clone(), token, mailbox.clone(), timeout)
        .map_err(|e| (exit::SERVICE, e))?
        .with_token_cmd(cli.token_cmd.clone())
        .with_token_timeout(token_timeout);
    let source = match source {
        TokenSource::None => {
            let store = TokenStore::for_profile(&s.profile).ok_or((
                exit::SERVICE,
                "no state directory for the token cache".to_string(),
            ))?;
            client = client.with_sign_in(s.auth.clone(), store);
            TokenSource::SignIn
        }
        other => other,
    };
    Ok(Session {
        emulator: None,
        client,
        mailbox,
        graph_url,
        source,
        settings: Some(s),
    })
}

pub fn run_emulator(port: u16, token: String) -> Result<(), Failure> {
    let config = EmulatorConfig {
        tokens: vec![token],
        ..EmulatorConfig::default()
    };
    let emu = Emulator::start_on(config, port)
        .map_err(|e| (exit::SERVICE, format!("cannot start the emulator: {e}")))?;
    // Write errors are ignored: whoever started us may stop reading.
    let mut out = std::io::stdout();
    let _ = writeln!(out, "Graph emulator listening: {}", emu.graph_url());
    let _ = writeln!(
        out,
        "Try: GRAFT_ACCESS_TOKEN=<accepted token> graft --graph-url {}   (sign-in: --authority-url {})",
        emu.graph_url(),
        emu.authority_url()
    );
    let _ = out.flush();
    emu.wait();
    Ok(())
}

pub fn journal_store(demo: bool) -> Result<JournalStore, String> {
    let dir = JournalStore::default_dir(demo)
        .ok_or("no state directory (set XDG_STATE_HOME or GRAFT_STATE_DIR)")?;
    JournalStore::open(&dir).map_err(|e| format!("{}: {e}", dir.display()))
}

pub fn list_drafts(cli: &Cli) -> Result<(), Failure> {
    let store = journal_store(cli.demo).map_err(|e| (exit::SERVICE, e))?;
    let (records, unreadable) = store.list();
    let mut out = std::io::stdout();
    if records.is_empty() && unreadable.is_empty() {
        let _ = writeln!(out, "No local drafts in {}.", store.dir().display());
    }
    for r in &records {
        let owner = if store.open_elsewhere(r) {
            format!(
                " (open in a running graft: pid {}{})",
                r.pid,
                if r.host.is_empty() {
                    String::new()
                } else {
                    format!(" on {}", r.host)
                }
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{}  {:<20} {}{}\n    {}",
            r.updated,
            r.state(),
            r.title(),
            owner,
            store.record_path(r).display()
        );
    }
    for u in &unreadable {
        let _ = writeln!(
            out,
            "unreadable: {} ({}) — kept",
            u.path.display(),
            u.reason
        );
    }
    Ok(())
}

pub fn run_sync(cli: &Cli) -> Result<(), Failure> {
    let s = session(cli)?;
    let store = journal_store(cli.demo).map_err(|e| (exit::SERVICE, e))?;
    let (records, _) = store.orphans();
    let (queued, elsewhere): (Vec<_>, Vec<_>) =
        records.into_iter().filter(|r| r.queued).partition(|r| {
            crate::service::recovery::same_mailbox(r, &s.mailbox, &s.graph_url, cli.demo)
        });
    let rt = runtime()?;
    let mut failed = 0;
    let mut out = std::io::stdout();
    for r in &elsewhere {
        // Queued for another Graph root or mailbox: say which, and how.
        let _ = writeln!(
            out,
            "skipped {}  queued for {}{}; run graft sync --graph-url {}{} to save it",
            r.title(),
            r.graph_url,
            r.user
                .as_ref()
                .map(|u| format!(" (mailbox {u})"))
                .unwrap_or_default(),
            r.graph_url,
            r.user
                .as_ref()
                .map(|u| format!(" --user {u}"))
                .unwrap_or_default(),
        );
    }
    if queued.is_empty() && elsewhere.is_empty() {
        let _ = writeln!(out, "Nothing queued.");
    }
    for rec in queued {
        // Another graft may be completing it right now: it is theirs.
        let Some(claim) = store.claim(&rec) else {
            let _ = writeln!(
                out,
                "skipped {}  another graft is saving it or has it open",
                rec.title()
            );
            continue;
        };
        match rt.block_on(crate::service::save::sync_record(&s.client, &rec)) {
            Ok(saved) => {
                let _ = claim.remove();
                // Saved drafts join the history (F6, `graft drafts --remote`).
                drafts::record(
                    &s,
                    cli.demo,
                    vec![drafts::entry(
                        &s,
                        &rec.key,
                        &rec.fields.subject,
                        rec.format,
                        &saved,
                    )],
                );
                let _ = writeln!(
                    out,
                    "saved  {}  {} {}\n    {}",
                    rec.title(),
                    saved.status,
                    saved.status_text,
                    saved.web_link
                );
            }
            Err(e) => {
                failed += 1;
                let _ = writeln!(out, "queued {}  {e}", rec.title());
                drop(claim);
            }
        }
    }
    if failed > 0 {
        return Err((exit::SERVICE, format!("{failed} draft(s) are still queued")));
    }
    Ok(())
}

fn signed_in_session(cli: &Cli) -> Result<(Session, Settings), Failure> {
    if cli.demo {
        return Err((exit::USAGE, "sign-in is not used with --demo".into()));
    }
    if cli.token_cmd.is_some() || std::env::var_os("GRAFT_ACCESS_TOKEN").is_some() {
        return Err((
            exit::USAGE,
            "a token is given by GRAFT_ACCESS_TOKEN or --token-cmd; unset it to use `graft login`"
                .into(),
        ));
    }
    let s = session(cli)?;
    let settings = s
        .settings
        .clone()
        .ok_or((exit::USAGE, "no settings".to_string()))?;
    Ok((s, settings))
}

pub fn login(cli: &Cli) -> Result<(), Failure> {
    let (s, settings) = signed_in_session(cli)?;
    if let Some(problem) = settings.sign_in_problem() {
        return Err((exit::USAGE, problem));
    }
    let si = s
        .client
        .sign_in()
        .ok_or((exit::USAGE, "sign-in is not available".to_string()))?;
    let store = si.store.clone();
    let first_time = !store.exists();
    let cfg = si.cfg.clone();
    let rt = runtime()?;
    let client = s.client.clone();
    let account = rt.block_on(async move {
        let dc = crate::auth::device::start(client.http(), &cfg)
            .await
            .map_err(|e| (exit::SIGN_IN, e.explain()))?;
        let mut err = std::io::stderr();
        let _ = writeln!(err, "{}", dc.message);
        if std::io::stdout().is_terminal() {
            crate::tui::run::copy_to_clipboard(&dc.user_code);
            let _ = writeln!(
                err,
                "(The code {} is on your clipboard where the terminal allows it.)",
                dc.user_code
            );
        }
        let live = err.is_terminal();
        let tokens = crate::auth::device::wait_for_tokens(client.http(), &cfg, &dc, |left| {
            if live {
                let _ = write!(
                    std::io::stderr(),
                    "\r  waiting for sign-in… {}:{:02} left ",
                    left / 60,
                    left % 60
                );
            }
        })
        .await;
        if live {
            let _ = writeln!(std::io::stderr());
        }
        let tokens = tokens.map_err(|e| (exit::SIGN_IN, e.explain()))?;
        Ok::<_, Failure>(crate::tui::run::finish_sign_in(&client, tokens).await)
    })?;
    let mut out = std::io::stdout();
    let _ = writeln!(
        out,
        "Signed in as {account} (profile {}, tenant {}, client id {}).",
        settings.profile, settings.auth.tenant, settings.auth.client_id
    );
    if first_time {
        let _ = writeln!(
            out,
            "Tokens are kept in {}{}; `graft logout` removes them.",
            store.location(),
            if store.location().contains("mode 0600") {
                ", readable only by you"
            } else {
                ""
            }
        );
    }
    Ok(())
}

pub fn logout(cli: &Cli) -> Result<(), Failure> {
    let s = settings(cli)?;
    let store = TokenStore::for_profile(&s.profile)
        .ok_or((exit::SERVICE, "no state directory".to_string()))?;
    let existed = store.exists();
    let location = store.location();
    store
        .delete()
        .map_err(|e| (exit::SERVICE, format!("{}: {e}", store.path().display())))?;
    let mut out = std::io::stdout();
    if existed {
        let _ = writeln!(
            out,
            "Signed out of profile {}: removed the tokens from {location}.",
            s.profile
        );
    } else {
        let _ = writeln!(out, "Profile {} was not signed in.", s.profile);
    }
    Ok(())
}

pub fn whoami(cli: &Cli) -> Result<(), Failure> {
    let s = session(cli)?;
    let rt = runtime()?;
    let me = rt.block_on(s.client.me());
    let mut out = std::io::stdout();
    let profile = s
        .settings
        .as_ref()
        .map(|x| x.profile.clone())
        .unwrap_or_else(|| "demo".into());
    let _ = writeln!(out, "profile      {profile}");
    let _ = writeln!(out, "graph        {}", s.graph_url);
    match (&s.source, s.client.sign_in()) {
        (TokenSource::SignIn, Some(si)) => {
            let tokens = rt.block_on(si.current());
            let _ = writeln!(out, "tenant       {}", si.cfg.tenant);
            let _ = writeln!(out, "client id    {}", si.cfg.client_id);
            let _ = writeln!(out, "authority    {}", si.cfg.authority);
            let _ = writeln!(out, "tokens       {}", si.store.location());
            if let Some(t) = tokens {
                let when = time::OffsetDateTime::from_unix_timestamp(t.expires_at as i64)
                    .ok()
                    .and_then(|d| {
                        d.format(&time::format_description::well_known::Rfc3339)
                            .ok()
                    })
                    .unwrap_or_default();
                let _ = writeln!(out, "expires      {when} (refreshed automatically)");
                match &t.scopes {
                    Some(scopes) => {
                        let _ = writeln!(out, "granted      {}", scopes.join(" "));
                        let features = s
                            .settings
                            .as_ref()
                            .map(|st| st.features)
                            .unwrap_or_default();
                        for f in features.on() {
                            if !f.granted(Some(scopes)) {
                                let _ = writeln!(
                                    out,
                                    "missing      {} — {} stays off; `graft login` asks for it again (an admin may have to consent)",
                                    f.scope(),
                                    f.label()
                                );
                            }
                        }
                    }
                    None => {
                        let _ = writeln!(
                            out,
                            "granted      (not recorded for this sign-in; `graft login` records it)"
                        );
                    }
                }
            }
        }
        (src, _) => {
            let _ = writeln!(out, "token from   {}", src.describe());
        }
    }
    match me {
        Ok(me) => {
            let _ = writeln!(out, "account      {}", me.account());
            Ok(())
        }
        Err(f) if f.kind == crate::graph::FailureKind::SignInNeeded => {
            Err((exit::SIGN_IN, "not signed in: run `graft login`".into()))
        }
        Err(f) => Err((
            exit::SERVICE,
            format!("GET /me failed: {} {}", f.code, f.message),
        )),
    }
}

fn read_body(args: &crate::config::args::DraftArgs) -> Result<String, Failure> {
    let bytes = match (&args.body, &args.body_file) {
        (Some(b), _) => return Ok(b.clone()),
        (None, None) => return Ok(String::new()),
        (None, Some(p)) if p.as_os_str() == "-" => {
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf).map_err(|e| {
                (
                    exit::USAGE,
                    format!("cannot read the body from standard input: {e}"),
                )
            })?;
            buf
        }
        (None, Some(p)) => std::fs::read(p)
            .map_err(|e| (exit::USAGE, format!("--body-file {}: {e}", p.display())))?,
    };
    String::from_utf8(bytes)
        .map_err(|_| (exit::USAGE, "the body is not valid UTF-8 text".to_string()))
}

/// Exit code for a failed Graph call.
pub fn exit_code_for(f: &crate::graph::Error) -> u8 {
    use crate::graph::FailureKind;
    match (f.kind, f.status) {
        (FailureKind::NoToken | FailureKind::SignInNeeded, _) => exit::SIGN_IN,
        (FailureKind::File, _) => exit::USAGE,
        (_, Some(401)) | (_, Some(403)) => exit::SIGN_IN,
        (_, Some(st)) if (400..500).contains(&st) && st != 429 => exit::REJECTED,
        _ => exit::SERVICE,
    }
}

/// Checks `--attach` files before anything is sent; each gets its own name.
pub fn check_attachments(
    paths: &[std::path::PathBuf],
) -> Result<Vec<crate::core::attach::AttachedFile>, String> {
    let mut out: Vec<crate::core::attach::AttachedFile> = Vec::new();
    for p in paths {
        let mut f = crate::store::files::check(&p.to_string_lossy())?;
        let taken: Vec<&str> = out.iter().map(|x| x.name.as_str()).collect();
        f.name = crate::core::attach::unique_name(&f.name, &taken);
        out.push(f);
    }
    Ok(out)
}

/// Refuses attachments that cannot fit in the mailbox's message size limit
/// before anything is uploaded. Over Exchange Online's default, the real
/// limit is asked of MailTips (tenants may allow up to 150 MB).
fn check_budget(
    s: &Session,
    rt: &tokio::runtime::Runtime,
    files: &[crate::core::attach::AttachedFile],
) -> Result<(), Failure> {
    use crate::core::limits::DEFAULT_MAX_MESSAGE_BYTES;
    let total: u64 = files.iter().map(|f| f.size).sum();
    let budget = |limit: u64| limit / 4 * 3;
    let configured = s.settings.as_ref().and_then(|st| st.max_message_size);
    let mut limit = configured.unwrap_or(DEFAULT_MAX_MESSAGE_BYTES);
    if total > budget(limit) && configured.is_none() {
        let address = match &s.mailbox.user {
            Some(u) => Some(u.clone()),
            None => rt.block_on(s.client.me()).ok().map(|m| m.account()),
        };
        if let Some(a) = address {
            if let Ok(l) = rt.block_on(s.client.max_message_size(&a)) {
                limit = l;
            }
        }
    }
    if total > budget(limit) {
        return Err((
            exit::USAGE,
            format!(
                "--attach: the files come to {}; the mailbox takes messages up to {} (set max_message_size in the profile if yours is larger), which leaves room for {} of attachments once encoded for sending. Nothing was sent.",
                crate::core::attach::human_size(total),
                crate::tui::app::attach::limit_label(limit),
                crate::core::attach::human_size(budget(limit)),
            ),
        ));
    }
    Ok(())
}

/// Prints upload progress on stderr (one line, rewritten) when it is a terminal.
pub fn progress_printer(enabled: bool) -> impl FnMut(&str, u64, u64) + Send {
    let mut last = (String::new(), u64::MAX);
    move |name: &str, done: u64, total: u64| {
        if !enabled {
            return;
        }
        let pct = (done * 100).checked_div(total).unwrap_or(100);
        if last.0 == name && last.1 == pct {
            return;
        }
        last = (name.to_string(), pct);
        let width = 24usize;
        let fill = (pct as usize * width) / 100;
        let _ = write!(
            std::io::stderr(),
            "\r\x1b[2Kgraft: uploading {name} [{}{}] {pct:>3}% {}/{}",
            "#".repeat(fill),
            ".".repeat(width - fill),
            crate::core::attach::human_size(done),
            crate::core::attach::human_size(total)
        );
        if done >= total {
            let _ = writeln!(std::io::stderr());
        }
    }
}

/// The draft from `graft draft`'s flags.
fn content_from(
    args: &crate::config::args::DraftArgs,
) -> Result<crate::core::content::DraftContent, Failure> {
    use crate::core::content::{BodyFormat, DraftContent, Importance};
    let typed = crate::core::record::Fields {
        to: args.to.join(", "),
        cc: args.cc.join(", "),
        bcc: args.bcc.join(", "),
        subject: args.subject.clone(),
        body: read_body(args)?,
    };
    let format = if args.markdown {
        BodyFormat::Markdown
    } else if args.html {
        BodyFormat::Html
    } else {
        BodyFormat::Text
    };
    let more = crate::core::record::MoreText {
        importance: match args.importance.as_deref() {
            Some("low") => Importance::Low,
            Some("high") => Importance::High,
            _ => Importance::Normal,
        },
        ..Default::default()
    };
    DraftContent::from_typed(&typed, format, &more).map_err(|bad| {
        let (which, e) = &bad[0];
        (
            exit::USAGE,
            format!("--{}: {e}", which.label().to_lowercase()),
        )
    })
}

/// `graft draft`: one draft, no form. Exit codes: 0 created, 2 bad input,
/// 3 sign-in needed or refused, 4 Graph rejected it, 5 network or service failure.
pub fn draft(cli: &Cli, args: &crate::config::args::DraftArgs) -> Result<(), Failure> {
    if let Some(file) = &args.batch {
        return batch::run(cli, file, args.json, args.retries, args.again);
    }
    let content = content_from(args)?;
    if content.body.len() + content.subject.len() > crate::core::limits::MAX_REQUEST_BYTES {
        return Err((
            exit::USAGE,
            "the message is larger than Graph takes in one request (about 4 MB)".into(),
        ));
    }
    let files =
        check_attachments(&args.attach).map_err(|e| (exit::USAGE, format!("--attach {e}")))?;
    let key = uuid::Uuid::new_v4().to_string();
    let (body, inline) = body_with_attachments(content.create_body(Some(&key)), &files)
        .map_err(|e| (exit::USAGE, format!("--attach {e}")))?;
    let s = session(cli)?;
    let rt = runtime()?;
    check_budget(&s, &rt, &files)?;
    let quiet = args.json;
    let result = rt.block_on(crate::service::save::create_with_retries(
        &s.client,
        &body,
        &key,
        args.retries,
        |f, wait| {
            if !quiet {
                let why = match f.status {
                    Some(st) => format!("{st} {}", f.code),
                    None => f.message.clone(),
                };
                let _ = writeln!(
                    std::io::stderr(),
                    "graft: {why}; retrying in {} s",
                    wait.as_secs()
                );
            }
        },
    ));
    let (saved, info) =
        result.map_err(|f| (exit_code_for(&f), format!("draft not created: {}", f)))?;
    if info.unkeyed {
        let _ = writeln!(
            std::io::stderr(),
            "graft: note: this mailbox has no room for graft's draft key (its named-property quota is full: ErrorQuotaExceeded); the draft was saved without it, so the duplicate guard is off for this mailbox: after a lost answer, look in Drafts before running again."
        );
    }
    drafts::record(
        &s,
        cli.demo,
        vec![drafts::entry(
            &s,
            &key,
            &content.subject,
            content.format,
            &saved,
        )],
    );
    let mut files = files;
    for i in &inline {
        files[*i].server_id = Some(String::new());
    }
    let mut progress = progress_printer(!quiet && std::io::stderr().is_terminal());
    let outcome = rt.block_on(crate::graph::upload::attach_pending(
        &s.client,
        &saved.id,
        &files,
        false,
        &mut progress,
    ));
    for (i, id) in &outcome.done {
        files[*i].server_id = Some(id.clone());
    }
    let folder = s.mailbox.folder_label();
    let mut out = std::io::stdout();
    if args.json {
        let atts: Vec<_> = files
            .iter()
            .map(|f| serde_json::json!({"name": f.name, "size": f.size, "attached": f.server_id.is_some()}))
            .collect();
        let mut v = serde_json::json!({
            "id": saved.id,
            "webLink": saved.web_link,
            "createdDateTime": saved.created,
            "status": saved.status,
            "folder": folder,
        });
        if !files.is_empty() {
            v["attachments"] = serde_json::Value::Array(atts);
        }
        let _ = writeln!(out, "{v}");
    } else {
        let _ = writeln!(
            out,
            "Draft saved ({} {}) in {folder}.\nid:      {}\nwebLink: {}",
            saved.status,
            saved.status_text,
            saved.id,
            crate::tui::run::hyperlink(&saved.web_link, std::io::stdout().is_terminal())
        );
        for f in files.iter().filter(|f| f.server_id.is_some()) {
            let _ = writeln!(
                out,
                "attached: {} ({})",
                f.name,
                crate::core::attach::human_size(f.size)
            );
        }
    }
    if let Some((name, f)) = outcome.failed {
        return Err((
            exit_code_for(&f),
            format!("the draft was created but attaching {name} failed: {}", f),
        ));
    }
    Ok(())
}

pub fn config(action: &crate::config::args::ConfigAction) -> Result<(), Failure> {
    let path = config::config_path().ok_or((
        exit::SERVICE,
        "no config directory (set GRAFT_CONFIG)".to_string(),
    ))?;
    let mut out = std::io::stdout();
    match action {
        crate::config::args::ConfigAction::Path => {
            let _ = writeln!(out, "{}", path.display());
        }
        crate::config::args::ConfigAction::Init => {
            if path.exists() {
                return Err((
                    exit::USAGE,
                    format!("{} exists already; not overwritten", path.display()),
                ));
            }
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| (exit::SERVICE, format!("{}: {e}", dir.display())))?;
            }
            crate::util::fs::write_atomic(&path, crate::config::EXAMPLE_CONFIG.as_bytes())
                .map_err(|e| (exit::SERVICE, format!("{}: {e}", path.display())))?;
            let _ = writeln!(out, "Wrote {}", path.display());
        }
    }
    Ok(())
}

pub fn completions(shell: clap_complete::Shell) -> Result<(), Failure> {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "graft", &mut std::io::stdout());
    Ok(())
}

pub fn man() -> Result<(), Failure> {
    use clap::CommandFactory;
    clap_mangen::Man::new(Cli::command())
        .render(&mut std::io::stdout())
        .map_err(|e| (exit::TERMINAL, e.to_string()))
}

/// The form's starting text from `--to/--cc/--bcc/--subject/--body-file` and a mailto: URL.
pub fn prefill(
    p: &crate::config::args::Prefill,
) -> Result<Option<crate::core::record::Fields>, Failure> {
    let m = match &p.mailto {
        Some(url) => crate::core::mailto::parse(url).map_err(|e| (exit::USAGE, e))?,
        None => Default::default(),
    };
    let join = |a: &[String], b: &[String]| {
        a.iter()
            .chain(b)
            .filter(|s| !s.trim().is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    };
    let body = match &p.body_file {
        Some(path) => {
            let args = crate::config::args::DraftArgs {
                to: vec![],
                cc: vec![],
                bcc: vec![],
                subject: String::new(),
                body: None,
                body_file: Some(path.clone()),
                json: false,
                retries: 0,
                markdown: false,
                html: false,
                importance: None,
                attach: vec![],
                batch: None,
                again: false,
            };
            read_body(&args)?
        }
        None => m.body.clone().unwrap_or_default(),
    };
    let fields = crate::core::record::Fields {
        to: join(&p.to, &m.to),
        cc: join(&p.cc, &m.cc),
        bcc: join(&p.bcc, &m.bcc),
        subject: p.subject.clone().or(m.subject.clone()).unwrap_or_default(),
        body,
    };
    let empty = fields == crate::core::record::Fields::default();
    Ok((!empty).then_some(fields))
}
