//! graft: write Outlook mail drafts in a terminal and save them through Microsoft Graph.
//!
//! The layers point one way (checked by `tests/layers.rs`; a module may use
//! its own layer and those below it, never one above):
//!
//! ```text
//! main → {cli, tui} → {service, terminal, config} → {graph, auth, store} → core → util
//! ```
//!
//! - [`util`]: the clock, sanitising text from outside, atomic private files, the log.
//! - [`core`]: the domain — addresses, the draft's content and its Graph bodies,
//!   attachment plans, the history entry, mailto: links. No I/O.
//! - [`graph`]: HTTP to Microsoft Graph only: one client, uploads, `$batch`, one
//!   error type, one retry policy. [`auth`]: device sign-in, the token store,
//!   tokens from outside. [`store`]: the journal, history, address book, file checks.
//! - [`service`]: what both front ends do — save with files (create or adopt by
//!   key), complete queued journals, batches, where saved drafts are now.
//! - [`config`]: flags, environment, the config file, keys and theme as data.
//!   [`terminal`]: the lean backend, input read and parsed on the loop's thread.
//! - [`cli`]: the subcommands. [`tui`]: the form — the Elm core in `tui::app`
//!   (`Model`, `Msg`, `update`, no I/O), the pure `tui::view`, and `tui::run`,
//!   the one loop that awaits, spawns and draws.
//! - [`emulator`]: the local Graph server for `--demo` and the tests; it uses
//!   nothing of graft.
//!
//! `docs/architecture.md` walks a key from the terminal to a saved draft.

pub mod auth;
pub mod cli;
pub mod config;
pub mod core;
pub mod emulator;
pub mod graph;
pub mod service;
pub mod store;
pub mod terminal;
pub mod tui;
pub mod util;
