//! Microsoft Graph: the wire types and the one HTTP client.

pub mod client;
pub mod model;
pub mod retry;
pub mod upload;

pub use client::{AccessToken, Attempt, GraphClient, Mailbox, Whereabouts};
pub use model::{FailureKind, GraphFailure, SavedMessage};
