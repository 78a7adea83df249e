//! Every integration test, in one binary (one link after a change, one
//! process for shared helpers). Each module is a family of user stories.

mod common;

mod answers;
mod attach_form;
mod attachments;
mod auth;
mod auth_cli;
mod batch;
mod cli;
mod crash_pty;
mod e2e_pty;
mod event_loop;
mod faults;
mod fidelity;
mod form_update;
mod graph_client;
mod hardening;
mod history;
mod layers;
mod only_yours;
mod promises;
mod property;
mod readme;
mod rendering;
mod resolve;
mod two_editors;
mod vendored;
