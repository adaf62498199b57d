//! Serving HTTP/1.1 on the capped listener's connections, with the deadlines axum's own
//! `serve` does not set: a client must send a request's headers within
//! [`HEADER_READ_TIMEOUT`] (also the longest a kept-alive connection may sit idle before its
//! next request), so slow or silent clients cannot hold connections open for ever. On
//! shutdown, requests in flight finish and idle connections close.

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{mpsc, watch};
use tower_service::Service;

use super::listener::CappedListener;

/// How long a client may take to send a request's headers, and how long a kept-alive
/// connection may wait for its next request.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Serve `app` on every connection `listener` accepts until `shutdown` completes, then let
/// requests in flight finish.
pub async fn serve(
    mut listener: CappedListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let (stop, stopping) = watch::channel(false);
    // Each connection task holds a sender; when all are gone, every connection has closed.
    let (alive, mut all_closed) = mpsc::channel::<()>(1);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (io, addr) = tokio::select! {
            c = listener.next() => c,
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let mut stopping = stopping.clone();
        let alive = alive.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(
                move |mut request: hyper::Request<Incoming>| {
                    request.extensions_mut().insert(ConnectInfo(addr));
                    // A router is always ready; calling it directly skips `poll_ready`.
                    let response = app.clone().call(request.map(Body::new));
                    async move { Ok::<_, Infallible>(response.await.unwrap_or_else(|e| match e {})) }
                },
            );
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .keep_alive(true);
            let conn = builder.serve_connection(TokioIo::new(io), service);
            let mut conn = std::pin::pin!(conn);
            loop {
                tokio::select! {
                    result = conn.as_mut() => {
                        if let Err(e) = result {
                            tracing::debug!(client = %addr, "connection ended: {e}");
                        }
                        break;
                    }
                    changed = stopping.changed() => {
                        conn.as_mut().graceful_shutdown();
                        if changed.is_err() {
                            // The server is gone; finish this connection without waiting again.
                            let _ = conn.as_mut().await;
                            break;
                        }
                    }
                }
            }
            drop(alive);
        });
    }
    let _ = stop.send(true);
    drop(alive);
    let _ = all_closed.recv().await;
}
