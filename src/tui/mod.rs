//! The form: the Elm core (`app`: `Model`, `Msg`, `update`), the pure view
//! (`view`) and the event loop that runs effects (`run`).

pub mod app;
pub mod run;
pub mod view;
