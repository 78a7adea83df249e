//! Device sign-in from the form, polled as a task that Esc can stop.

use super::Runner;
use crate::graph::GraphClient;
use crate::tui::app::Msg;
use tokio::sync::mpsc::UnboundedSender;

impl Runner {
    pub(super) fn start_sign_in(&self) {
        let handle = tokio::spawn(sign_in(self.client.clone(), self.tx.clone()));
        if let Ok(mut slot) = self.sign_in.lock()
            && let Some(old) = slot.replace(handle.abort_handle())
        {
            old.abort();
        }
    }

    pub(super) fn cancel_sign_in(&self) {
        if let Some(h) = self.sign_in.lock().ok().and_then(|mut s| s.take()) {
            h.abort();
        }
    }
}

/// Device sign-in for the form: the code, then (after polling) the account.
async fn sign_in(client: GraphClient, tx: UnboundedSender<Msg>) {
    let Some(si) = client.sign_in() else {
        let _ = tx.send(Msg::SignInCode(Err(
            "sign-in is not used with a fixed token (GRAFT_ACCESS_TOKEN or --token-cmd)".into(),
        )));
        return;
    };
    let cfg = si.cfg.clone();
    let http = match client.http() {
        Ok(http) => http,
        Err(e) => {
            let _ = tx.send(Msg::SignInCode(Err(e.to_string())));
            return;
        }
    };
    let dc = match crate::auth::device::start(http, &cfg).await {
        Ok(dc) => dc,
        Err(e) => {
            let _ = tx.send(Msg::SignInCode(Err(e.explain())));
            return;
        }
    };
    let _ = tx.send(Msg::SignInCode(Ok(dc.clone())));
    let result = match crate::auth::device::wait_for_tokens(http, &cfg, &dc, |_| {}).await {
        Ok(tokens) => {
            let account = crate::service::signin::finish(&client, tokens).await;
            let _ = tx.send(Msg::Granted(client.granted().await));
            Ok(account)
        }
        Err(e) => Err(e.explain()),
    };
    let _ = tx.send(Msg::SignedIn(result));
}
