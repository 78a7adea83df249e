//! Terminal input on the event loop's own thread.
//!
//! crossterm's `EventStream` waits for input on a helper thread that holds the
//! event reader's lock while it blocks; each key then costs a hand-over between
//! threads, and every later poll from the loop spins on that lock (a burst of
//! `sched_yield`) before giving up. Here the runtime itself watches the
//! terminal (and SIGWINCH), and crossterm only parses what is already there:
//! `poll(0)` + `read()` never block and nothing else holds the lock. A key goes
//! from the kernel to `update` in one wake-up.

use crossterm::event::{self, Event};
use futures_util::Stream;
use std::io::{self, IsTerminal};
use std::os::fd::{AsFd, OwnedFd};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;
use tokio::signal::unix::{Signal, SignalKind, signal};

/// Events from the controlling terminal, read without a helper thread.
pub struct TtyEvents {
    tty: AsyncFd<OwnedFd>,
    winch: Signal,
    /// The last size reported, so crossterm's own resize event for the same
    /// change is not passed on twice.
    size: Option<(u16, u16)>,
    /// crossterm had nothing more and the terminal has not signalled since:
    /// asking again would only cost system calls.
    drained: bool,
}

impl TtyEvents {
    /// Watches the terminal crossterm reads: standard input when it is one,
    /// else `/dev/tty`. Must be called inside the runtime.
    pub fn new() -> io::Result<TtyEvents> {
        let fd: OwnedFd = if io::stdin().is_terminal() {
            io::stdin().as_fd().try_clone_to_owned()?
        } else {
            std::fs::File::open("/dev/tty")?.into()
        };
        Ok(TtyEvents {
            // SAFETY: the descriptor is owned by the `AsyncFd` and closed only
            // when it is dropped, which deregisters it first.
            tty: unsafe { AsyncFd::register_with_interest(fd, Interest::READABLE)? },
            winch: signal(SignalKind::window_change())?,
            size: None,
            drained: false,
        })
    }
}

impl Stream for TtyEvents {
    type Item = io::Result<Event>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if !self.drained {
                // crossterm reads a hung-up terminal in an endless loop (each
                // read returns nothing and it tries again); ask the kernel first.
                if hung_up(self.tty.get_ref()) {
                    return Poll::Ready(Some(Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the terminal was closed",
                    ))));
                }
                // What crossterm has parsed or the terminal already holds.
                match event::poll(Duration::ZERO)
                    .and_then(|ready| ready.then(event::read).transpose())
                {
                    Ok(Some(Event::Resize(w, h))) => {
                        if self.size.replace((w, h)) != Some((w, h)) {
                            return Poll::Ready(Some(Ok(Event::Resize(w, h))));
                        }
                        continue;
                    }
                    Ok(Some(ev)) => return Poll::Ready(Some(Ok(ev))),
                    Ok(None) => self.drained = true,
                    Err(e) => return Poll::Ready(Some(Err(e))),
                }
            }
            // A resize is reported from here, not only by crossterm: its reader
            // can drop a resize that arrives together with input.
            let mut resized = false;
            while let Poll::Ready(Some(())) = self.winch.poll_recv(cx) {
                resized = true;
            }
            if resized {
                self.drained = false;
                crate::term::size_changed();
                if let Ok((w, h)) = crossterm::terminal::size()
                    && self.size.replace((w, h)) != Some((w, h))
                {
                    return Poll::Ready(Some(Ok(Event::Resize(w, h))));
                }
            }
            match self.tty.poll_read_ready(cx) {
                Poll::Ready(Ok(mut guard)) => {
                    // Whatever made it ready is read on the next turn; if more
                    // comes after that, the runtime signals again.
                    guard.clear_ready();
                    self.drained = false;
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Some(Err(e))),
                Poll::Pending => {}
            }
            if self.drained {
                return Poll::Pending;
            }
        }
    }
}

/// The terminal is gone (its other end closed, an ssh link dropped).
fn hung_up(fd: &OwnedFd) -> bool {
    use std::os::fd::AsRawFd;
    let mut p = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, a zero timeout; the descriptor stays open.
    let n = unsafe { libc::poll(&mut p, 1, 0) };
    n > 0 && p.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}
