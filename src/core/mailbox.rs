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
    pub(crate) fn folder_label(&self) -> String {
        self.folder.clone().unwrap_or_else(|| "Drafts".to_string())
    }
    /// `me` or `users/alice@contoso.com`.
    pub(crate) fn owner_label(&self) -> String {
        match &self.user {
            Some(u) => format!("users/{u}"),
            None => "me".to_string(),
        }
    }
}

impl Mailbox {
    /// The path new drafts are posted under, for the status pane:
    /// `/me`, `/users/…`, `/me/mailFolders/…`.
    pub(crate) fn path_label(&self) -> String {
        match &self.folder {
            None => format!("/{}", self.owner_label()),
            Some(f) => format!("/{}/mailFolders/{f}", self.owner_label()),
        }
    }
}

/// The longest id graft takes from a server (Graph's are about 150
/// characters); a longer one is a broken or hostile answer.
pub(crate) const MAX_ID: usize = 1024;

/// Whether a server's (or a user's) id can be one: Graph ids are
/// base64-like (`A-Z a-z 0-9 + / = - _`), of bounded length. Anything else
/// (`..`, a space, a `?`) is refused, so an id is never path syntax.
pub(crate) fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+/=-_".contains(c))
}

/// The name under which a profile's tokens and history are kept for one
/// Graph root: the profile itself for the global cloud, else
/// `profile@host[_port]`. A sign-in (or a list of drafts) made against an
/// emulator on a loopback port is never read for graph.microsoft.com, nor
/// the other way round.
pub(crate) fn profile_for_root(profile: &str, graph_root: &url::Url) -> String {
    match graph_root.host_str() {
        Some("graph.microsoft.com") | None => profile.to_string(),
        Some(host) => match graph_root.port() {
            Some(port) => format!("{profile}@{host}_{port}"),
            None => format!("{profile}@{host}"),
        },
    }
}

#[cfg(test)]
mod root_tests {
    use super::profile_for_root;

    #[test]
    fn each_graph_root_has_its_own_name() {
        let u = |s: &str| url::Url::parse(s).unwrap();
        assert_eq!(
            profile_for_root("work", &u("https://graph.microsoft.com/v1.0")),
            "work"
        );
        assert_eq!(
            profile_for_root("work", &u("https://graph.microsoft.us/v1.0")),
            "work@graph.microsoft.us"
        );
        assert_eq!(
            profile_for_root("default", &u("http://127.0.0.1:8080/v1.0")),
            "default@127.0.0.1_8080"
        );
    }
}
