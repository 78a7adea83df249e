//! `graft login`, `logout`, `whoami`: the device-code sign-in and what it granted.

use crate::auth::command::TokenSource;
use crate::auth::store::TokenStore;
use crate::config::args::Cli;
use crate::config::session::Session;
use crate::config::session::runtime;
use crate::config::session::session;
use crate::config::session::settings;
use crate::config::{Error, Settings};
use std::io::{IsTerminal, Write};

fn signed_in_session(cli: &Cli) -> Result<(Session, Settings), Error> {
    if cli.demo {
        return Err(Error::usage("sign-in is not used with --demo"));
    }
    if cli.token_cmd.is_some() || std::env::var_os("GRAFT_ACCESS_TOKEN").is_some() {
        return Err(Error::usage(
            "a token is given by GRAFT_ACCESS_TOKEN or --token-cmd; unset it to use `graft login`",
        ));
    }
    let s = session(cli)?;
    let settings = s
        .settings
        .clone()
        .ok_or_else(|| Error::usage("no settings"))?;
    Ok((s, settings))
}

pub(crate) fn login(cli: &Cli) -> Result<(), Error> {
    let (s, settings) = signed_in_session(cli)?;
    if let Some(problem) = settings.sign_in_problem() {
        return Err(Error::usage(problem));
    }
    let si = s
        .client
        .sign_in()
        .ok_or_else(|| Error::usage("sign-in is not available"))?;
    let store = si.store.clone();
    let first_time = !store.exists();
    let cfg = si.cfg.clone();
    let rt = runtime()?;
    let client = s.client.clone();
    let account = rt.block_on(async move {
        let http = client.http().map_err(|e| Error::service(e.to_string()))?;
        let dc = crate::auth::device::start(http, &cfg)
            .await
            .map_err(|e| refused(&e))?;
        let mut err = std::io::stderr();
        let _ = writeln!(err, "{}", dc.message);
        if std::io::stdout().is_terminal() {
            crate::terminal::osc::copy_to_clipboard(&dc.user_code);
            let _ = writeln!(
                err,
                "(The code {} is on your clipboard where the terminal allows it.)",
                dc.user_code
            );
        }
        let live = err.is_terminal();
        let tokens = crate::auth::device::wait_for_tokens(http, &cfg, &dc, |left| {
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
        let tokens = tokens.map_err(|e| refused(&e))?;
        Ok::<_, Error>(crate::service::signin::finish(&client, tokens).await)
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

pub(crate) fn logout(cli: &Cli) -> Result<(), Error> {
    let s = settings(cli)?;
    let store = TokenStore::for_profile(&s.profile, &s.graph_url)
        .ok_or_else(|| Error::service("no state directory"))?;
    let existed = store.exists();
    let location = store.location();
    store
        .delete()
        .map_err(|e| Error::service(format!("{}: {e}", store.path().display())))?;
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

pub(crate) fn whoami(cli: &Cli) -> Result<(), Error> {
    let s = session(cli)?;
    let rt = runtime()?;
    let me = rt.block_on(s.client.me());
    let mut out = std::io::stdout();
    let profile = crate::config::session::profile_name(&s, cli.demo);
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
            Err(Error::sign_in("not signed in: run `graft login`"))
        }
        Err(f) => Err(Error::service(format!(
            "GET /me failed: {} {}",
            f.code, f.message
        ))),
    }
}

/// A failed sign-in as an exit: the identity service out of reach is a
/// network failure (5), anything it said is a refused sign-in (3).
fn refused(e: &crate::auth::AuthError) -> Error {
    match e.kind {
        crate::auth::AuthErrorKind::Network => Error::service(e.explain()),
        _ => Error::sign_in(e.explain()),
    }
}
