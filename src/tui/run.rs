//! The event loop: the one place with `tokio::select!`, `terminal.draw` and
//! `tokio::spawn`. It waits on terminal events and effect results, drains
//! whatever is already queued, then draws once — and only if something changed.
//! There is no periodic tick: an idle form costs no CPU and writes no bytes.
//! (Timers exist only while a journal write or a retry countdown is pending.)

use crate::store::journal::JournalStore;
use crate::tui::app::{Effect, Model, Msg, update};
use crate::tui::view::screen::Screen;
use crossterm::event::Event;
use futures_util::{Stream, StreamExt};
use ratatui::backend::Backend;
use std::collections::VecDeque;
use tokio::sync::mpsc::UnboundedReceiver;

pub use super::effects::Runner;

/// Turns a terminal event into a message (or nothing, for events graft ignores).
/// The screen's height decides how much of a long body the text widget holds.
fn note_size<B: Backend>(terminal: &mut Screen<B>, model: &mut Model, ev: &Event) {
    if let Event::Resize(cols, rows) = ev {
        terminal.resized(*cols, *rows);
        model.body_set_rows(*rows as usize);
    }
}

/// Queues a terminal event; plain characters join the typed run before
/// them, so a burst is one message.
fn push_event(queue: &mut VecDeque<Msg>, ev: Event) {
    if let Event::Key(k) = &ev
        && let Some(c) = crate::tui::app::update::plain_char(k)
    {
        if let Some(Msg::Typed(s)) = queue.back_mut() {
            s.push(c);
        } else {
            queue.push_back(Msg::Typed(c.to_string()));
        }
        return;
    }
    queue.extend(event_to_msg(ev));
}

pub(crate) fn event_to_msg(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) => Some(Msg::Key(k)),
        Event::Paste(s) => Some(Msg::Paste(s)),
        Event::Resize(..) => Some(Msg::Resize),
        _ => None,
    }
}

/// Why the loop returned.
#[derive(Debug, PartialEq, Eq)]
pub enum LoopEnd {
    /// The user quit (or a signal asked to).
    Quit,
    /// The user asked for `$EDITOR` with this body: the caller drops the event
    /// stream (so nothing else reads the terminal), runs the editor, sends
    /// `Msg::EditorDone`, and starts the loop again.
    Editor { text: String, ext: &'static str },
    /// The user pressed Ctrl-Z: the caller gives the terminal back, stops
    /// graft (SIGTSTP), and on `fg` takes it again and starts the loop.
    Suspend,
}

/// The loop, generic over the terminal backend and the event source so tests can
/// drive it with `TestBackend` and a scripted stream.
/// How long a fresh save may take before its "saving…" frame is drawn.
const SAVE_GRACE: std::time::Duration = std::time::Duration::from_millis(4);

// Long by design: the one loop with its `select!`, the drain of what is
// already queued and the single draw; split, its ordering would be harder to see.
pub async fn run_loop<B, S>(
    terminal: &mut Screen<B>,
    model: &mut Model,
    mut events: S,
    runner: &Runner,
    rx: &mut UnboundedReceiver<Msg>,
    initial: Vec<Effect>,
) -> Result<LoopEnd, String>
where
    B: Backend,
    S: Stream<Item = std::io::Result<Event>> + Unpin,
{
    let draw = |terminal: &mut Screen<B>, model: &Model| {
        terminal
            .draw(model)
            .map_err(|e| format!("cannot draw: {e}"))
    };
    if let Ok(size) = terminal.size() {
        model.body_set_rows(size.height as usize);
    }
    // The first frame (at a start, already drawn: this one writes nothing)
    // before anything else: what a start does first (the recovery offer's
    // moment to be seen, say) counts from when it is seen.
    draw(terminal, model)?;
    for effect in initial {
        runner.run(effect);
    }
    let mut input_open = true;
    loop {
        let mut queue: VecDeque<Msg> = VecDeque::new();
        tokio::select! {
            ev = events.next(), if input_open => match ev {
                Some(Ok(ev)) => {
                    note_size(terminal, model, &ev);
                    push_event(&mut queue, ev);
                }
                Some(Err(e)) => return Err(format!("terminal input failed: {e}")),
                None => input_open = false,
            },
            Some(msg) = rx.recv() => queue.push_back(msg),
            else => return Ok(LoopEnd::Quit),
        };
        let mut redraw = false;
        let mut spawned = false;
        let mut editor = None;
        let mut suspend = false;
        let mut repaint = false;
        // A save just went out: a fast server answers before a "saving…" frame
        // would be worth drawing, so wait a moment for it (one frame, not two).
        let mut save_grace: Option<tokio::time::Instant> = None;
        // Bookkeeping files (address book, history, what graft wrote) are written after the frame,
        // so their work never competes with showing the answer.
        let mut later: Vec<Effect> = Vec::new();
        loop {
            while let Some(msg) = queue.pop_front() {
                let answered = matches!(msg, Msg::SaveDone { .. });
                // The first character typed since the last frame is shown
                // before anything else is done (`Screen::echo`).
                if let Msg::Typed(s) = &msg
                    && !redraw
                    && let Some(c) = s.chars().next()
                {
                    terminal
                        .echo(model, c)
                        .map_err(|e| format!("cannot draw: {e}"))?;
                }
                let out = update(model, msg);
                redraw |= out.redraw;
                spawned |= !out.effects.is_empty();
                if answered {
                    save_grace = None;
                }
                for effect in out.effects {
                    match effect {
                        Effect::OpenEditor { text, ext } => editor = Some((text, ext)),
                        Effect::Suspend => suspend = true,
                        Effect::Repaint => repaint = true,
                        Effect::Create { .. } | Effect::Update { .. } => {
                            save_grace = Some(tokio::time::Instant::now() + SAVE_GRACE);
                            runner.run(effect);
                        }
                        Effect::RememberAddresses(_)
                        | Effect::SaveHistory(_)
                        | Effect::KeepSource { .. } => later.push(effect),
                        other => runner.run(other),
                    }
                }
            }
            // Drain what is already waiting, so a burst costs one draw.
            if let Ok(msg) = rx.try_recv() {
                queue.push_back(msg);
                continue;
            }
            if input_open {
                // Everything the terminal already holds, before any of it is
                // handled: a burst of characters is then one message.
                let mut got = false;
                loop {
                    // Poll with this task's own waker (not a no-op one), so
                    // the stream still wakes us later when it had nothing now.
                    let ready = std::future::poll_fn(|cx| {
                        std::task::Poll::Ready(match events.poll_next_unpin(cx) {
                            std::task::Poll::Ready(x) => Some(x),
                            std::task::Poll::Pending => None,
                        })
                    })
                    .await;
                    match ready {
                        Some(Some(Ok(ev))) => {
                            note_size(terminal, model, &ev);
                            push_event(&mut queue, ev);
                            got = true;
                        }
                        Some(Some(Err(e))) => {
                            return Err(format!("terminal input failed: {e}"));
                        }
                        Some(None) => {
                            input_open = false;
                            break;
                        }
                        None => break,
                    }
                }
                if got {
                    continue;
                }
            }
            if let Some(deadline) = save_grace {
                // No answer by the deadline: draw "saving…" now.
                if let Ok(Some(msg)) = tokio::time::timeout_at(deadline, rx.recv()).await {
                    queue.push_back(msg);
                    continue;
                }
            }
            break;
        }
        if model.should_quit || editor.is_some() || suspend {
            for effect in later {
                runner.run(effect);
            }
            return Ok(match editor {
                _ if model.should_quit => LoopEnd::Quit,
                Some((text, ext)) => LoopEnd::Editor { text, ext },
                None => LoopEnd::Suspend,
            });
        }
        if spawned {
            // Let new tasks start (a save puts its request on the wire) before
            // spending time on the frame.
            tokio::task::yield_now().await;
        }
        if repaint {
            terminal.clear().map_err(|e| format!("cannot draw: {e}"))?;
        }
        if redraw || repaint {
            draw(terminal, model)?;
        }
        for effect in later {
            runner.run(effect);
        }
    }
}

/// After the loop, however it ended: finish journal work, then keep the draft's
/// final text if the server does not hold it all, or remove its journal.
/// Returns where the text was kept, if it was.
pub fn finish_session(
    runner: Runner,
    store: Option<&JournalStore>,
    model: &Model,
) -> Option<std::io::Result<std::path::PathBuf>> {
    runner.finish();
    let store = store?;
    let kept = if model.needs_journal() && !model.discarded {
        Some(
            store
                .write(&model.journal_record())
                .map(|_| store.path(&model.draft_key)),
        )
    } else {
        let _ = store.remove(&model.draft_key);
        None
    };
    // The session is over: what it kept is for the next start.
    store.release_all();
    kept
}
