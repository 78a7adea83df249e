//! `graft config`, `completions`, `man`: setting graft up.

use crate::config::args::Cli;
use crate::config::{self, Error};
use std::io::Write;

pub(crate) fn config(action: &crate::config::args::ConfigAction) -> Result<(), Error> {
    let path = config::config_path()
        .ok_or_else(|| Error::service("no config directory (set GRAFT_CONFIG)"))?;
    let mut out = std::io::stdout();
    match action {
        crate::config::args::ConfigAction::Path => {
            let _ = writeln!(out, "{}", path.display());
        }
        crate::config::args::ConfigAction::Init => {
            if path.exists() {
                return Err(Error::usage(format!(
                    "{} exists already; not overwritten",
                    path.display()
                )));
            }
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Error::service(format!("{}: {e}", dir.display())))?;
            }
            crate::util::fs::write_atomic(&path, crate::config::EXAMPLE_CONFIG.as_bytes())
                .map_err(|e| Error::service(format!("{}: {e}", path.display())))?;
            let _ = writeln!(out, "Wrote {}", path.display());
        }
    }
    Ok(())
}

pub(crate) fn completions(shell: clap_complete::Shell) -> Result<(), Error> {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "graft", &mut std::io::stdout());
    Ok(())
}

pub(crate) fn man() -> Result<(), Error> {
    use clap::CommandFactory;
    let mut out = Vec::new();
    let cmd = Cli::command();
    let man = clap_mangen::Man::new(cmd.clone());
    // One page: the commands' options are in it, not in pages of their own.
    let fail = |e: std::io::Error| Error::terminal(e.to_string());
    man.render_title(&mut out).map_err(fail)?;
    man.render_name_section(&mut out).map_err(fail)?;
    man.render_synopsis_section(&mut out).map_err(fail)?;
    man.render_description_section(&mut out).map_err(fail)?;
    man.render_options_section(&mut out).map_err(fail)?;
    out.extend_from_slice(commands_section(&cmd).as_bytes());
    out.extend_from_slice(man_sections().as_bytes());
    std::io::stdout()
        .write_all(&out)
        .map_err(|e| Error::terminal(e.to_string()))
}

/// COMMANDS: each subcommand, what it does and its own options (the
/// global ones are under OPTIONS).
fn commands_section(cmd: &clap::Command) -> String {
    let esc = |s: &str| s.replace('\\', "\\\\").replace('-', "\\-");
    let mut m = String::from(".SH COMMANDS\n");
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let about = sub
            .get_long_about()
            .or(sub.get_about())
            .map(|a| a.to_string())
            .unwrap_or_default();
        m.push_str(&format!(
            ".SS \"graft {}\"\n{}\n",
            esc(sub.get_name()),
            esc(&about)
        ));
        let own = sub
            .get_arguments()
            .filter(|a| !a.is_global_set() && !a.is_hide_set() && a.get_id() != "help");
        for a in own {
            let values = a
                .get_action()
                .takes_values()
                .then(|| a.get_value_names())
                .flatten();
            let name = match (a.get_long(), values) {
                (Some(l), Some(v)) => format!("\\-\\-{} <{}>", esc(l), esc(&v.join(" "))),
                (Some(l), None) => format!("\\-\\-{}", esc(l)),
                (None, _) => format!("<{}>", esc(a.get_id().as_str())),
            };
            let help = a
                .get_long_help()
                .or(a.get_help())
                .map(|h| h.to_string())
                .unwrap_or_default();
            m.push_str(&format!(".TP\n\\fB{name}\\fR\n{}\n", esc(&help)));
        }
        for nested in sub.get_subcommands().filter(|s| !s.is_hide_set()) {
            let about = nested
                .get_about()
                .map(|a| a.to_string())
                .unwrap_or_default();
            m.push_str(&format!(
                ".TP\n\\fBgraft {} {}\\fR\n{}\n",
                esc(sub.get_name()),
                esc(nested.get_name()),
                esc(&about)
            ));
        }
    }
    m
}

/// The man page's sections beyond the flags: the keys (from the keymap),
/// exit codes, files and environment.
fn man_sections() -> String {
    let esc = |s: &str| s.replace('\\', "\\\\").replace('-', "\\-");
    let mut m = String::from(".SH KEYS\n");
    let km = crate::config::keymap::Keymap::defaults();
    for b in &km.bindings {
        m.push_str(&format!(
            ".TP\n\\fB{}\\fR\n{}\n",
            esc(&b.key_names.join(", ")),
            esc(&b.help)
        ));
    }
    for e in &km.editing {
        m.push_str(&format!(
            ".TP\n\\fB{}\\fR\n{}\n",
            esc(&e.keys),
            esc(&e.help)
        ));
    }
    m.push_str(".SH EXIT STATUS\n");
    for (code, what) in [
        (0, "success"),
        (
            crate::config::exit::TERMINAL,
            "the terminal could not be used, or output could not be written",
        ),
        (
            crate::config::exit::USAGE,
            "a flag, the config file or the input is wrong",
        ),
        (
            crate::config::exit::SIGN_IN,
            "not signed in, or the sign-in was refused",
        ),
        (
            crate::config::exit::REJECTED,
            "Graph refused the request (a 4xx other than 429)",
        ),
        (
            crate::config::exit::SERVICE,
            "the service, the network or local state failed",
        ),
    ] {
        m.push_str(&format!(".TP\n{code}\n{}\n", esc(what)));
    }
    m.push_str(".SH FILES\n");
    for (path, what) in [
        (
            "~/.config/graft/config.toml",
            "settings and profiles (GRAFT_CONFIG moves it)",
        ),
        (
            "~/.local/state/graft/journal/",
            "the local journal: unsaved text, one file per draft",
        ),
        (
            "~/.local/state/graft/tokens/",
            "signed-in tokens, 0600, when no secret service is reachable",
        ),
        (
            "~/.local/state/graft/history/",
            "drafts saved from graft, per profile and Graph root",
        ),
        (
            "~/.local/state/graft/addresses.json",
            "addresses used before, for completion",
        ),
        (
            "~/.local/state/graft/logs/",
            "logs, a file a day, seven kept",
        ),
    ] {
        m.push_str(&format!(".TP\n{}\n{}\n", esc(path), esc(what)));
    }
    m.push_str(".SH ENVIRONMENT\n");
    for (var, what) in [
        (
            "GRAFT_ACCESS_TOKEN",
            "a Graph access token to use instead of signing in",
        ),
        ("GRAFT_CONFIG", "the config file"),
        (
            "GRAFT_STATE_DIR",
            "the state directory (journal, tokens, history, logs)",
        ),
        ("GRAFT_PROFILE", "the profile (as --profile)"),
        ("GRAFT_GRAPH_URL", "the Graph root (as --graph-url)"),
        (
            "GRAFT_AUTHORITY_URL, GRAFT_TENANT, GRAFT_CLIENT_ID, GRAFT_CLOUD",
            "where and as which app to sign in",
        ),
        (
            "GRAFT_TOKEN_STORE",
            "file: keep tokens in a 0600 file even when a secret service is reachable",
        ),
        ("GRAFT_SECRET_TOOL", "the secret-service tool to use"),
        ("GRAFT_TOKEN_TIMEOUT", "how long --token-cmd may run"),
        ("VISUAL, EDITOR", "the editor for the body (Ctrl-G)"),
        ("NO_COLOR", "no colours"),
        ("RUST_LOG", "what the log records"),
    ] {
        m.push_str(&format!(".TP\n{}\n{}\n", esc(var), esc(what)));
    }
    m
}
