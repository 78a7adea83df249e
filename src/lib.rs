//! graft: write Outlook mail drafts in a terminal and save them through Microsoft Graph.
//!
//! ```text
//!  terminal keys ─► keymap (data) ─► Msg ─► update(&mut Model, Msg) ─► effects
//!        ▲                                        │                      │
//!        │                                        ▼                      ▼
//!   view(&Model, &mut Frame) ◄── redraw only if update said so   run.rs spawns tasks
//!                                                                (Graph client)
//!                                   Msg::SaveDone (tagged with its request) ◄┘
//! ```
//!
//! - [`app`]: `Model`, `Msg`, `update`, the keymap. Plain data, no I/O.
//! - [`ui`]: `view`, pure rendering; `ui::screen` draws only the parts of the
//!   screen whose inputs changed.
//! - [`run`]: the event loop, the only place with `select!`, `draw` and `spawn`.
//! - [`input`], [`term`]: terminal input read on the loop's thread; the lean
//!   backend that writes only what changed.
//! - [`graph`]: one `reqwest::Client`, the wire types and error envelope.
//! - [`draft`]: recipient parsing and the JSON bodies for create and update.
//! - [`emulator`]: the local Graph server used by `--demo` and the tests.
//! - [`cli`], [`config`]: flags, environment and their checks.

pub mod app;
pub mod auth;
pub mod batch;
pub mod cli;
pub mod commands;
pub mod config;
pub mod draft;
pub mod emulator;
pub mod fsutil;
pub mod graph;
pub mod input;
pub mod logging;
pub mod remote;
pub mod run;
pub mod sanitize;
pub mod sync;
pub mod term;
pub mod ui;
pub mod util;
