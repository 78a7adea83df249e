//! Microsoft Graph: the wire types and the one HTTP client.

pub mod client;
pub mod model;
pub mod retry;
pub mod upload;

pub use client::{Attempt, GraphClient, Whereabouts};
pub use model::{Error, FailureKind, SavedMessage};
