//! The form: the Elm core (`app`: `Model`, `Msg`, `update`), the pure view
//! (`view`), the event loop (`run`) and the effects it runs (`effects`).

pub mod app;
pub(crate) mod effects;
pub mod run;
pub(crate) mod start;
pub mod view;

/// Takes what the journals of earlier sessions hold into a start: drafts to
/// recover and notices into `startup`; queued saves as the effects to run first.
pub fn recovered(
    found: crate::service::recovery::Recovery,
    startup: &mut app::Startup,
) -> Vec<app::Effect> {
    startup.notices.extend(found.notices());
    startup.recover = found.recover;
    found
        .sync
        .into_iter()
        .map(|r| app::Effect::Sync(Box::new(r)))
        .collect()
}
