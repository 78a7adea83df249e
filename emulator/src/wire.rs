//! The server's time as its socket sees it: from the first byte of a request
//! read to the last write of its answer. That is the whole of the
//! emulator's part in a round trip (HTTP parsing, routing, the handler,
//! writing the answer), which the request log's `micros` (the handler alone)
//! leaves out. The measuring program subtracts it from what the user waits.

use super::Shared;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// One connection's clock: when the request being served began to arrive,
/// and which log entry its answer belongs to.
#[derive(Default)]
pub(super) struct Clock {
    arrived: Option<Instant>,
    /// An answer has been written since: the next bytes read are a new request.
    answered: bool,
    entry: Option<usize>,
}

/// The connection a request came on, for the request gate to tie the log entry to.
#[derive(Clone)]
pub(super) struct Wire(Arc<Mutex<Clock>>);

impl Wire {
    /// The request just logged as `entry` is this connection's current one.
    pub(super) fn logged(&self, entry: usize) {
        if let Ok(mut c) = self.0.lock() {
            c.entry = Some(entry);
        }
    }
}

/// Accepts connections, counts them and puts a clock on each.
pub(super) struct Listener {
    pub(super) inner: TcpListener,
    pub(super) shared: Arc<Shared>,
}

impl axum::serve::Listener for Listener {
    type Io = Timed;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Timed, std::net::SocketAddr) {
        let (io, addr) = axum::serve::Listener::accept(&mut self.inner).await;
        self.shared.connections.fetch_add(1, Ordering::SeqCst);
        let timed = Timed {
            io,
            clock: Arc::default(),
            shared: self.shared.clone(),
        };
        (timed, addr)
    }

    fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.inner.local_addr()
    }
}

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, Listener>> for Wire {
    fn connect_info(stream: axum::serve::IncomingStream<'_, Listener>) -> Wire {
        Wire(stream.io().clock.clone())
    }
}

/// A TCP stream that notes when requests arrive and answers leave.
pub(super) struct Timed {
    io: TcpStream,
    clock: Arc<Mutex<Clock>>,
    shared: Arc<Shared>,
}

impl Timed {
    fn read_some(&self) {
        if let Ok(mut c) = self.clock.lock()
            && (c.arrived.is_none() || c.answered)
        {
            *c = Clock {
                arrived: Some(Instant::now()),
                ..Clock::default()
            };
        }
    }

    /// Called as each piece of an answer is about to be written (before the
    /// bytes go out, so a client that has the answer also sees the time).
    fn writing(&self) {
        let Ok(mut c) = self.clock.lock() else {
            return;
        };
        c.answered = true;
        if let (Some(at), Some(i)) = (c.arrived, c.entry) {
            let micros = at.elapsed().as_micros() as u64;
            if let Some(r) = self.shared.lock().log.get_mut(i) {
                r.wire_micros = micros;
            }
        }
    }
}

impl AsyncRead for Timed {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.io).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.read_some();
        }
        r
    }
}

impl AsyncWrite for Timed {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.writing();
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        self.writing();
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}
