//! Microsoft Graph, HTTP only: the wire types and one error type (`model`),
//! one request's life (`transport`), one retry policy (`retry`), the client
//! and its mailbox's URLs (`client`), and the endpoints by what they serve:
//! `drafts`, `mail`, `directory`, `batch`, `upload`. The token each request
//! carries comes from the sign-in side (`auth::tokens`).

pub(crate) mod batch;
pub mod client;
pub(crate) mod directory;
pub(crate) mod drafts;
pub(crate) mod mail;
pub(crate) mod model;
pub mod retry;
pub mod transport;
pub mod upload;

pub use client::GraphClient;
pub use drafts::Whereabouts;
pub use model::{Error, FailureKind, SavedMessage};
pub use transport::{Attempt, Observer, Step};
