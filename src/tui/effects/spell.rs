//! Spelling off the loop's thread: one worker holds the dictionaries
//! (loaded when the form starts, not before its first frame) and answers
//! checks, suggestions and new words in order. A check asked for while an
//! older one waits replaces it.

use crate::core::content::BodyFormat;
use crate::core::spell::{Miss, Speller};
use crate::store::spelling::SpellConfig;
use crate::tui::app::{Field, Msg};
use std::sync::mpsc::{Receiver, Sender, channel};
use tokio::sync::mpsc::UnboundedSender;

pub(super) enum SpellOp {
    Check {
        generation: u64,
        subject: String,
        body: String,
        format: BodyFormat,
    },
    Suggest {
        field: Field,
        miss: Miss,
    },
    Learn(String),
}

/// Starts the worker for `config`. The dictionaries load when the first
/// check is asked for (the pause after the first edit), not with the form's
/// first frame, and the worker runs at a lower priority than the loop.
pub(super) fn start(config: SpellConfig, tx: UnboundedSender<Msg>) -> Option<Sender<SpellOp>> {
    if config.languages.is_empty() {
        let _ = tx.send(Msg::SpellReady {
            result: Err("Spelling is off (spell = [] in the config).".into()),
            say: false,
        });
        return None;
    }
    let (otx, orx) = channel();
    std::thread::Builder::new()
        .name("spell".into())
        .spawn(move || {
            let Ok(first) = orx.recv() else { return };
            background_priority();
            let say = config.configured;
            match crate::store::spelling::load(&config) {
                Ok(mut speller) => {
                    let _ = tx.send(Msg::SpellReady {
                        result: Ok(speller.names()),
                        say,
                    });
                    answer(&mut speller, &config.words, first, &tx);
                    serve(speller, config.words, orx, tx);
                }
                Err(why) => {
                    let _ = tx.send(Msg::SpellReady {
                        result: Err(why),
                        say,
                    });
                }
            }
        })
        .ok()?;
    Some(otx)
}

/// This thread yields the CPU to the loop's (on Linux, where a thread has
/// its own nice value).
fn background_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority on this thread's own id changes only its nice value.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 10);
    }
}

fn serve(
    mut speller: Speller,
    words: Option<std::path::PathBuf>,
    rx: Receiver<SpellOp>,
    tx: UnboundedSender<Msg>,
) {
    while let Ok(mut op) = rx.recv() {
        // Only the newest of the checks waiting is worth doing.
        while matches!(op, SpellOp::Check { .. }) {
            match rx.try_recv() {
                Ok(next @ SpellOp::Check { .. }) => op = next,
                Ok(other) => {
                    answer(&mut speller, &words, op, &tx);
                    op = other;
                }
                Err(_) => break,
            }
        }
        answer(&mut speller, &words, op, &tx);
    }
}

fn answer(
    speller: &mut Speller,
    words: &Option<std::path::PathBuf>,
    op: SpellOp,
    tx: &UnboundedSender<Msg>,
) {
    let msg = match op {
        SpellOp::Check {
            generation,
            subject,
            body,
            format,
        } => Msg::Spelled {
            generation,
            // The subject is plain text whatever the body's format.
            subject: speller.misspelled([subject.as_str()], BodyFormat::Text),
            body: speller.misspelled(body.split('\n'), format),
        },
        SpellOp::Suggest { field, miss } => Msg::Suggested {
            field,
            suggestions: speller.suggest(&miss.word),
            miss,
        },
        SpellOp::Learn(word) => {
            let kept = match words {
                Some(path) => crate::store::spelling::learn(path, &word),
                None => Err("no config folder to keep it in".into()),
            };
            if kept.is_ok() {
                speller.learn(&word);
            }
            Msg::Learned(kept.map(|()| word))
        }
    };
    let _ = tx.send(msg);
}
