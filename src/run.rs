//! The event loop: the one place with `tokio::select!`, `terminal.draw` and
//! `tokio::spawn`. It waits on terminal events and effect results, drains
//! whatever is already queued, then draws once — and only if something changed.
//! There is no timer: an idle form costs no CPU and writes no bytes.

use crate::app::{Effect, Model, Msg, update};
use crate::graph::GraphClient;
use crate::ui::view;
use crossterm::event::Event;
use futures_util::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use std::collections::VecDeque;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// Turns a terminal event into a message (or nothing, for events graft ignores).
pub fn event_to_msg(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) => Some(Msg::Key(k)),
        Event::Paste(s) => Some(Msg::Paste(s)),
        Event::Resize(..) => Some(Msg::Resize),
        _ => None,
    }
}

/// Wall-clock time for the status pane, e.g. `09:15:02 UTC`.
pub fn clock() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:02}:{:02}:{:02} UTC",
        now.hour(),
        now.minute(),
        now.second()
    )
}

/// Now, UTC, RFC 3339 with seconds.
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Runs an effect as a task; its result comes back on `tx` as a `Msg`.
pub fn spawn_effect(client: &GraphClient, tx: &UnboundedSender<Msg>, effect: Effect) {
    let client = client.clone();
    let tx = tx.clone();
    tokio::spawn(async move {
        let (req, result) = match effect {
            Effect::Create { req, body } => (req, client.create_draft(&body).await),
            Effect::Update { req, id, body } => (req, client.update_draft(&id, &body).await),
        };
        let _ = tx.send(Msg::SaveDone {
            req,
            at: clock(),
            result,
        });
    });
}

/// The loop, generic over the terminal backend and the event source so tests can
/// drive it with `TestBackend` and a scripted stream.
pub async fn run_loop<B, S>(
    terminal: &mut Terminal<B>,
    model: &mut Model,
    mut events: S,
    client: GraphClient,
) -> Result<(), String>
where
    B: Backend,
    S: Stream<Item = std::io::Result<Event>> + Unpin,
{
    let (tx, mut rx): (UnboundedSender<Msg>, UnboundedReceiver<Msg>) = unbounded_channel();
    let draw = |terminal: &mut Terminal<B>, model: &Model| {
        terminal
            .draw(|f| view(model, f))
            .map(|_| ())
            .map_err(|e| format!("cannot draw: {e}"))
    };
    draw(terminal, model)?;
    let mut input_open = true;
    loop {
        let first = tokio::select! {
            ev = events.next(), if input_open => match ev {
                Some(Ok(ev)) => event_to_msg(ev),
                Some(Err(e)) => return Err(format!("terminal input failed: {e}")),
                None => { input_open = false; None }
            },
            Some(msg) = rx.recv() => Some(msg),
            else => return Ok(()),
        };
        let mut queue: VecDeque<Msg> = first.into_iter().collect();
        let mut redraw = false;
        loop {
            while let Some(msg) = queue.pop_front() {
                let out = update(model, msg);
                redraw |= out.redraw;
                for effect in out.effects {
                    spawn_effect(&client, &tx, effect);
                }
            }
            // Drain what is already waiting, so a burst costs one draw.
            if let Ok(msg) = rx.try_recv() {
                queue.push_back(msg);
                continue;
            }
            if input_open {
                // Poll with this task's own waker (not a no-op one), so the
                // stream still wakes us later when it had nothing now.
                let ready = std::future::poll_fn(|cx| {
                    std::task::Poll::Ready(match events.poll_next_unpin(cx) {
                        std::task::Poll::Ready(x) => Some(x),
                        std::task::Poll::Pending => None,
                    })
                })
                .await;
                if let Some(next) = ready {
                    match next {
                        Some(Ok(ev)) => queue.extend(event_to_msg(ev)),
                        Some(Err(e)) => return Err(format!("terminal input failed: {e}")),
                        None => input_open = false,
                    }
                    continue;
                }
            }
            break;
        }
        if model.should_quit {
            return Ok(());
        }
        if redraw {
            draw(terminal, model)?;
        }
    }
}
