//! graft: write Outlook mail drafts in a terminal and save them through Microsoft Graph.
//!
//! The layers point one way (checked by `tests/layers.rs`; a module may use
//! its own layer and those below it, never one above):
//!
//! ```text
//! main → entry → {cli, tui} → {service, terminal, config} → {graph, auth, store} → core → util
//! ```
//!
//! - [`util`]: the clock, sanitising text from outside, atomic private files, the log.
//! - [`core`]: the domain — addresses, the draft's content and its Graph bodies,
//!   attachment plans, one `Mailbox`, the journal record and history entry, the
//!   service's limits, mailto: links. No I/O.
//! - [`graph`]: HTTP to Microsoft Graph only: one client, uploads, `$batch`, one
//!   error type, one retry policy. [`auth`]: device sign-in, the token store,
//!   tokens from outside. [`store`]: the journal, history, address book, file checks.
//! - [`service`]: what both front ends do — save with files (create or adopt by
//!   key), complete queued journals, batches, where saved drafts are now,
//!   loading one, startup recovery, finishing a sign-in.
//! - [`config`]: flags, environment, the config file, the session built from
//!   them, one exit-coded error, keys (dialogs' too) and theme as data.
//!   [`terminal`]: the lean backend, input read and parsed on the loop's
//!   thread, OSC 52/8, the editor hand-off, the terminal as a drop guard.
//! - [`cli`]: the subcommands, one file each. [`tui`]: the form — the Elm core
//!   in `tui::app` (`Model` in parts, `Msg`, `update`, dialogs under
//!   `app::dialog`; no I/O), the pure `tui::view` (dialogs under
//!   `view::dialog`), `tui::run`, the one loop that awaits and draws,
//!   `tui::effects`, what runs effects, by family, and `tui::start`.
//!   Neither front end uses the other.
//! - The local Graph server for `--demo` and the tests is its own crate,
//!   `graft-emulator` (`emulator/`): it shares no types with the client.
//!
//! `docs/architecture.md` walks a key from the terminal to a saved draft.

pub mod auth;
pub mod cli;
pub mod config;
pub mod core;
pub mod entry;
pub mod graph;
pub mod service;
pub mod store;
pub mod terminal;
pub mod tui;
pub mod util;
