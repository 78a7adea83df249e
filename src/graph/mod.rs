//! Microsoft Graph: the wire types and the one HTTP client.

pub mod client;
pub mod model;
pub mod upload;

pub use client::{AccessToken, GraphClient, Mailbox};
pub use model::{FailureKind, GraphFailure, SavedMessage};
