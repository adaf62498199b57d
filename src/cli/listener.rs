//! The server's listening socket: plain HTTP or HTTPS, with a cap on the connections held open
//! at once, so idle or slow clients can never use up the process's files and starve the
//! kiosks and `/healthz`. TLS handshakes run on their own tasks with a deadline: a client that
//! never finishes one holds neither the accept loop nor a request worker.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// Connections held open at once; more wait in the kernel's backlog until one closes. Well
/// under the unit's `LimitNOFILE=` so the store and attachments always have files.
pub const MAX_CONNECTIONS: usize = 1024;

/// How long a client may take for its TLS handshake.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// An accepted connection, plain or TLS, holding its place under [`MAX_CONNECTIONS`].
pub struct Connection {
    stream: Stream,
    _slot: OwnedSemaphorePermit,
}

enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

/// The listener [`super::connections::serve`] takes.
pub struct CappedListener {
    ready: mpsc::Receiver<(Connection, SocketAddr)>,
}

impl CappedListener {
    /// Accept on `tcp`, with TLS when `tls` is given, at most `max` connections at once.
    pub fn new(tcp: TcpListener, tls: Option<TlsAcceptor>, max: usize) -> io::Result<Self> {
        let (send, ready) = mpsc::channel(64);
        let slots = Arc::new(Semaphore::new(max.max(1)));
        tokio::spawn(accept_loop(tcp, tls, slots, send));
        Ok(CappedListener { ready })
    }
}

async fn accept_loop(
    tcp: TcpListener,
    tls: Option<TlsAcceptor>,
    slots: Arc<Semaphore>,
    ready: mpsc::Sender<(Connection, SocketAddr)>,
) {
    loop {
        // Wait for a free place before taking the next connection off the backlog.
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let (tcp_stream, addr) = match tcp.accept().await {
            Ok(c) => c,
            Err(e) => {
                // Out of files or similar: back off instead of spinning.
                tracing::warn!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let ready = ready.clone();
        match &tls {
            None => {
                let c = Connection {
                    stream: Stream::Plain(tcp_stream),
                    _slot: slot,
                };
                if ready.send((c, addr)).await.is_err() {
                    return;
                }
            }
            Some(acceptor) => {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp_stream)).await
                    {
                        Ok(Ok(s)) => {
                            let c = Connection {
                                stream: Stream::Tls(Box::new(s)),
                                _slot: slot,
                            };
                            let _ = ready.send((c, addr)).await;
                        }
                        Ok(Err(e)) => tracing::debug!(%addr, "TLS handshake failed: {e}"),
                        Err(_) => tracing::debug!(%addr, "TLS handshake timed out"),
                    }
                });
            }
        }
    }
}

impl CappedListener {
    /// The next accepted connection (TLS handshake done) and where it came from.
    pub async fn next(&mut self) -> (Connection, SocketAddr) {
        match self.ready.recv().await {
            Some(c) => c,
            // The accept loop only ends with the runtime; wait for shutdown meanwhile.
            None => std::future::pending().await,
        }
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match &mut self.get_mut().stream {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match &mut self.get_mut().stream {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().stream {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().stream {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}
