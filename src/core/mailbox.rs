//! Whose mailbox and which folder drafts go to: one value for the client's
//! paths, the form's header and the journal.

/// Whose mailbox and which folder new drafts go to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mailbox {
    /// `None` is `/me`; otherwise `/users/{id or UPN}`.
    pub user: Option<String>,
    /// `None` is the default (Drafts) via `/messages`; otherwise `/mailFolders/{folder}/messages`.
    pub folder: Option<String>,
}

impl Mailbox {
    /// The folder as the user should read it.
    pub fn folder_label(&self) -> String {
        self.folder.clone().unwrap_or_else(|| "Drafts".to_string())
    }
    /// `me` or `users/alice@contoso.com`.
    pub fn owner_label(&self) -> String {
        match &self.user {
            Some(u) => format!("users/{u}"),
            None => "me".to_string(),
        }
    }
}

impl Mailbox {
    /// The path new drafts are posted under, for the status pane:
    /// `/me`, `/users/…`, `/me/mailFolders/…`.
    pub fn path_label(&self) -> String {
        match &self.folder {
            None => format!("/{}", self.owner_label()),
            Some(f) => format!("/{}/mailFolders/{f}", self.owner_label()),
        }
    }
}
