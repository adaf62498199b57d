//! The whole HTTP application: the JSON API and, beside it, the web UI.

use axum::Router;

use crate::api::{self, AppState};

/// Every route the appliance serves, over one shared state.
pub fn app(state: AppState) -> Router {
    api::router(state.clone()).merge(crate::web::router().with_state(state))
}

/// Serve `state` on an ephemeral loopback port from a background thread with its own runtime,
/// returning the base URL (`http://127.0.0.1:PORT`). For tests, benchmarks and tools that run
/// the real server in-process.
pub fn spawn_local(state: AppState) -> std::io::Result<String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    std::thread::spawn(move || {
        rt.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                return;
            };
            let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
            if let Err(e) = axum::serve(listener, service).await {
                tracing::error!("in-process server stopped: {e}");
            }
        });
    });
    Ok(format!("http://{addr}"))
}
