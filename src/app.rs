//! The whole HTTP application: the state every handler shares, and the JSON API and the web
//! UI side by side over it. `api` and `web` are siblings: each gets the part of [`AppState`]
//! it needs, and neither imports the other.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;

use crate::api::{self, ApiState};
use crate::service::BackupSettings;
use crate::store::Store;
use crate::web::{self, UiState, WebSettings, WebState};

/// The state of the running appliance.
#[derive(Clone)]
pub struct AppState {
    /// The store.
    pub store: Arc<Store>,
    /// When the server started (for uptime).
    pub started: Instant,
    /// Web UI settings, login throttling and public rate limits.
    pub web: Arc<WebState>,
    /// Where backups go, how many are kept, how often, to whom they are encrypted.
    pub backup: Arc<BackupSettings>,
    /// Stations with fewer people qualified than this are flagged ("bus factor"):
    /// `min_coverage` in caliber.toml, default [`crate::service::DEFAULT_MIN_COVERAGE`].
    pub min_coverage: usize,
}

impl AppState {
    /// State over an open store, with default web settings.
    pub fn new(store: Arc<Store>) -> Self {
        AppState {
            backup: Arc::new(BackupSettings::defaults(store.dir())),
            store,
            started: Instant::now(),
            web: Arc::new(WebState::new(WebSettings::default())),
            min_coverage: crate::service::DEFAULT_MIN_COVERAGE,
        }
    }

    /// The same state with another minimum station coverage.
    pub fn with_min_coverage(mut self, minimum: usize) -> Self {
        self.min_coverage = minimum;
        self
    }

    /// The same state with other backup settings (folder, retention, schedule, recipients).
    pub fn with_backup(mut self, settings: BackupSettings) -> Self {
        self.backup = Arc::new(settings);
        self
    }

    /// The same state with other web settings (timeouts, public URL).
    pub fn with_web(mut self, settings: WebSettings) -> Self {
        self.web = Arc::new(WebState::new(settings));
        self
    }

    /// The part the JSON API sees.
    pub fn api(&self) -> ApiState {
        ApiState {
            store: self.store.clone(),
            started: self.started,
            backup: self.backup.clone(),
            min_coverage: self.min_coverage,
        }
    }

    /// The part the web UI sees.
    pub fn ui(&self) -> UiState {
        UiState {
            store: self.store.clone(),
            web: self.web.clone(),
            backup: self.backup.clone(),
            min_coverage: self.min_coverage,
        }
    }
}

/// How long one request may take before it is answered 408 (a slow client or a stuck
/// handler must not hold a worker forever; the slowest real request, a 5000-row matrix CSV,
/// takes well under a second).
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Every route the appliance serves, over one shared state, with request tracing (method,
/// path, status and latency at debug level) and the request timeout.
pub fn app(state: AppState) -> Router {
    api::router(state.api())
        .merge(web::router(state.ui()))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(axum::middleware::from_fn(crate::http::guard))
        .layer(tower_http::trace::TraceLayer::new_for_http())
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
