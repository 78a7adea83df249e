//! Terminal input on the event loop's own thread.
//!
//! The runtime watches the terminal (and SIGWINCH); when it signals, every
//! byte the terminal holds is read at once and parsed here (`parse`), so a
//! burst of any size — a paste without bracketing, tmux `send-keys`, a slow
//! link delivering a second's typing at once — is handled in one go. (Reading
//! through crossterm's event source took 1 KiB per wake-up; the wake-ups are
//! edge-triggered, so the rest of a larger burst waited for the next key.)
//! A key goes from the kernel to `update` in one wake-up, and nothing else
//! holds the terminal.

pub(crate) mod parse;

use crossterm::event::Event;
use futures_util::Stream;
use std::future::Future;
use std::io::{self, IsTerminal};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;
use tokio::signal::unix::{Signal, SignalKind, signal};

/// How long bytes that do not make a key yet (a lone ESC, half a sequence
/// split by a slow link) wait for the rest before they are taken as typed.
const SETTLE: Duration = Duration::from_millis(25);

/// Events from the controlling terminal, read without a helper thread.
pub(crate) struct TtyEvents {
    tty: AsyncFd<OwnedFd>,
    winch: Signal,
    /// The last size reported, so one change is passed on once.
    size: Option<(u16, u16)>,
    parser: parse::Parser,
    /// Running while bytes wait that are not an event yet.
    settle: Option<Pin<Box<tokio::time::Sleep>>>,
    buf: Box<[u8]>,
}

impl TtyEvents {
    /// Watches the terminal: standard input when it is one, else `/dev/tty`.
    /// Must be called inside the runtime.
    pub(crate) fn new() -> io::Result<TtyEvents> {
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
            parser: parse::Parser::default(),
            settle: None,
            buf: vec![0u8; 64 * 1024].into_boxed_slice(),
        })
    }

    /// Reads every byte the terminal holds now (never blocking: only while
    /// `poll` says there is more). `Ok(n)`: bytes read; an error when the
    /// terminal is gone.
    fn drain(&mut self) -> io::Result<usize> {
        let fd = self.tty.get_ref().as_raw_fd();
        let mut total = 0;
        loop {
            let mut p = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd, a zero timeout; the descriptor stays open.
            let ready = unsafe { libc::poll(&mut p, 1, 0) };
            if ready < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            if ready == 0 {
                return Ok(total);
            }
            if p.revents & libc::POLLIN == 0 {
                if p.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
                    return Err(closed());
                }
                return Ok(total);
            }
            // SAFETY: reading into our own buffer of that length; the terminal
            // said it is readable, so this returns at once.
            let n = unsafe { libc::read(fd, self.buf.as_mut_ptr().cast(), self.buf.len()) };
            match n {
                0 => return Err(closed()),
                n if n < 0 => {
                    let e = io::Error::last_os_error();
                    match e.kind() {
                        io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock => continue,
                        // EIO: the other end of the terminal is gone.
                        _ => return Err(closed()),
                    }
                }
                n => {
                    self.parser.feed(&self.buf[..n as usize]);
                    total += n as usize;
                    // A short read took all the terminal held (raw mode
                    // hands over everything queued); what comes later
                    // signals readiness again, as it was cleared first.
                    if (n as usize) < self.buf.len() {
                        return Ok(total);
                    }
                }
            }
        }
    }
}

fn closed() -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, "the terminal was closed")
}

impl Stream for TtyEvents {
    type Item = io::Result<Event>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(ev) = self.parser.next(false) {
                return Poll::Ready(Some(Ok(ev)));
            }
            // A resize, reported once per new size.
            let mut resized = false;
            while let Poll::Ready(Some(())) = self.winch.poll_recv(cx) {
                resized = true;
            }
            if resized
                && let Ok((w, h)) = crossterm::terminal::size()
                && self.size.replace((w, h)) != Some((w, h))
            {
                return Poll::Ready(Some(Ok(Event::Resize(w, h))));
            }
            match self.tty.poll_read_ready(cx) {
                Poll::Ready(Ok(mut guard)) => {
                    // Cleared before reading: bytes that arrive while we
                    // read signal again, so none wait for the next key.
                    guard.clear_ready();
                    match self.drain() {
                        Ok(0) => {}
                        Ok(_) => {
                            self.settle = None;
                            continue;
                        }
                        Err(e) => return Poll::Ready(Some(Err(e))),
                    }
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Some(Err(e))),
                Poll::Pending => {}
            }
            if !self.parser.pending() {
                self.settle = None;
                return Poll::Pending;
            }
            // Bytes that are not a key yet: give the rest a moment to come.
            let settle = self
                .settle
                .get_or_insert_with(|| Box::pin(tokio::time::sleep(SETTLE)));
            if settle.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            self.settle = None;
            if let Some(ev) = self.parser.next(true) {
                return Poll::Ready(Some(Ok(ev)));
            }
            if self.parser.pending() {
                // An unfinished paste: it waits for its end, however long.
                return Poll::Pending;
            }
        }
    }
}
