//! Finishing a sign-in, for the form and `graft login` alike.

use crate::graph::GraphClient;

/// Stores new tokens, learns the account from `GET /me`, stores that too.
pub async fn finish(client: &GraphClient, tokens: crate::auth::TokenSet) -> String {
    let _ = client.set_tokens(tokens).await;
    let account = client
        .me()
        .await
        .map(|m| m.account())
        .unwrap_or_else(|_| "your account".to_string());
    let _ = client.set_account(&account).await;
    account
}
