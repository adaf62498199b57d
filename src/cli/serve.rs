//! `caliber serve`: the HTTP server on a Tokio runtime, stopped cleanly by SIGINT/SIGTERM.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;

use crate::app::AppState;
use crate::app::app;
use crate::store::Store;

/// Serve the API until a shutdown signal; prints `banner` and the URL once listening.
// One caller (`cli::run_server`), which passes each resolved setting by name.
#[allow(clippy::too_many_arguments)]
pub fn serve(
    store: Arc<Store>,
    web: crate::web::WebSettings,
    backup: crate::service::BackupSettings,
    digest: crate::service::DigestSettings,
    min_coverage: usize,
    listen: SocketAddr,
    tls: Option<super::tls::TlsSource>,
    banner: Option<String>,
    control: Option<(std::path::PathBuf, std::path::PathBuf)>,
) -> anyhow::Result<()> {
    crate::http::tune_allocator();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let addr = listener.local_addr().context("listener address")?;
        let tls = match &tls {
            Some(source) => Some(super::tls::load(source, store.dir())?),
            None => None,
        };
        if let Some((socket, data_dir)) = control {
            let store = store.clone();
            // Bind before saying ready, so a CLI started right after finds the socket.
            let settings = backup.clone();
            let digest = digest.clone();
            let run: super::control::Runner = Arc::new(move |args, store, io| {
                super::run_forwarded(args, store, io, &settings, &digest)
            });
            let serve_control = super::control::listen(socket, data_dir, store, run);
            tokio::spawn(async move {
                if let Err(e) = serve_control.await {
                    tracing::error!("control socket stopped: {e:#}");
                }
            });
        }
        if let Some(b) = banner {
            print!("{b}");
        }
        match &tls {
            Some(t) => println!(
                "Caliber listening on https://{addr}/ (certificate SHA-256 {})",
                t.fingerprint
            ),
            None => println!("Caliber listening on http://{addr}/"),
        }
        tracing::info!(%addr, "listening");
        // systemd (Type=notify): ready now, and a watchdog ping at half the configured interval
        // while the runtime is alive.
        let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Ready]);
        let mut usec = 0u64;
        if sd_notify::watchdog_enabled(false, &mut usec) && usec > 0 {
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(std::time::Duration::from_micros(usec / 2));
                loop {
                    tick.tick().await;
                    let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Watchdog]);
                }
            });
        }
        tokio::spawn(sweep_sessions(store.clone(), web.session_limits()));
        if let Some(every) = backup.every {
            tokio::spawn(backup_schedule(store.clone(), backup.clone(), every));
        }
        if digest.relay.is_some() {
            tokio::spawn(digest_schedule(store.clone(), digest));
        }
        let data_dir = store.dir().to_owned();
        let state = AppState::new(store)
            .with_web(web)
            .with_backup(backup)
            .with_min_coverage(min_coverage);
        // Before the first request: a restart lifts no lock and resets no count.
        load_throttles(&data_dir, &state.web);
        tokio::spawn(keep_throttles(data_dir.clone(), state.web.clone()));
        let web_state = state.web.clone();
        let app = app(state);
        let listener = super::listener::CappedListener::new(
            listener,
            tls.map(|t| t.acceptor),
            super::listener::MAX_CONNECTIONS,
        )
        .context("listener")?;
        super::connections::serve(listener, app, shutdown()).await;
        web_state.throttles_changed();
        save_throttles(&data_dir, &web_state);
        Ok(())
    })
}

/// Remove abandoned sessions every ten minutes, off the async threads (the box's server and
/// the archive's company view).
pub(super) async fn sweep_sessions(store: Arc<Store>, limits: crate::service::SessionLimits) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        let s = store.clone();
        let swept = tokio::task::spawn_blocking(move || {
            crate::service::remove_expired_sessions(&s, limits, jiff::Timestamp::now())
        })
        .await;
        match swept {
            Ok(Ok(n)) if n > 0 => tracing::info!(removed = n, "expired sessions removed"),
            Ok(Err(e)) => tracing::warn!("removing expired sessions: {e}"),
            _ => {}
        }
    }
}

/// The file in the data directory that keeps failed logins across restarts (JSON,
/// [`crate::web::SavedThrottles`]): who failed from where, and when, within the lock window.
pub const THROTTLE_FILE: &str = "login-throttle.json";

/// Take back the failed logins saved by the last run. A missing file is a first start; an
/// unreadable one is logged and ignored (the kiosks must keep working), never fatal.
fn load_throttles(data_dir: &std::path::Path, web: &crate::web::WebState) {
    let path = data_dir.join(THROTTLE_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
        Err(e) => {
            tracing::warn!(
                "cannot read {}: {e}; login throttling starts empty",
                path.display()
            );
            return;
        }
    };
    match serde_json::from_slice::<crate::web::SavedThrottles>(&bytes) {
        Ok(saved) => web.restore_throttles(&saved, jiff::Timestamp::now()),
        Err(e) => tracing::warn!(
            "{} is not a saved login throttle ({e}); login throttling starts empty",
            path.display()
        ),
    }
}

/// Write the failed logins that still count, durably (temp file, fsync, rename). One save
/// at a time, each from a snapshot taken inside it, so the last save written is the newest.
fn save_throttles(data_dir: &std::path::Path, web: &crate::web::WebState) {
    static SAVING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = SAVING.lock().unwrap_or_else(|p| p.into_inner());
    let saved = web.saved_throttles(jiff::Timestamp::now());
    let written = serde_json::to_vec(&saved)
        .map_err(|e| e.to_string())
        .and_then(|bytes| {
            crate::backup::write_durably(data_dir, THROTTLE_FILE, &bytes).map_err(|e| e.to_string())
        });
    if let Err(e) = written {
        tracing::warn!("cannot save the login throttle: {e}");
    }
}

/// Save the login throttles at most once a second, and only after a change, off the async
/// threads.
async fn keep_throttles(data_dir: std::path::PathBuf, web: Arc<crate::web::WebState>) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if !web.throttles_changed() {
            continue;
        }
        let (dir, web) = (data_dir.clone(), web.clone());
        let _ = tokio::task::spawn_blocking(move || save_throttles(&dir, &web)).await;
    }
}

/// Serve `state` over HTTPS on an ephemeral loopback port from a background thread with its
/// own runtime — the same listener, TLS and connection handling as `caliber serve` — and
/// return the base URL (`https://127.0.0.1:PORT`) and the certificate's SHA-256 fingerprint.
/// For tests and tools that need the real HTTPS server in-process (the kiosk's pinning test).
pub fn spawn_local_tls(
    state: AppState,
    source: &super::tls::TlsSource,
) -> anyhow::Result<(String, String)> {
    let tls = super::tls::load(source, state.store.dir())?;
    let fingerprint = tls.fingerprint.clone();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("bind")?;
    listener.set_nonblocking(true).context("listener")?;
    let addr = listener.local_addr().context("listener address")?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    std::thread::spawn(move || {
        rt.block_on(async move {
            let listener = match tokio::net::TcpListener::from_std(listener) {
                Ok(l) => l,
                Err(e) => return tracing::error!("in-process HTTPS server: {e}"),
            };
            match super::listener::CappedListener::new(
                listener,
                Some(tls.acceptor),
                super::listener::MAX_CONNECTIONS,
            ) {
                Ok(capped) => {
                    super::connections::serve(capped, app(state), std::future::pending()).await;
                }
                Err(e) => tracing::error!("in-process HTTPS server: {e}"),
            }
        });
    });
    Ok((format!("https://{addr}"), fingerprint))
}

/// The server's own backup schedule: once a minute, make a bundle when one is due (the
/// status file says when the last run was); each run is recorded in the audit trail and the
/// status the dashboard and `/healthz` show.
async fn backup_schedule(
    store: Arc<Store>,
    settings: crate::service::BackupSettings,
    every: std::time::Duration,
) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        let status = crate::service::BackupStatus::load(store.dir());
        if !status.due(every, jiff::Timestamp::now()) {
            continue;
        }
        // A backup someone started by hand is running: this one is not due after it.
        let Ok(slot) = settings.running.try_begin() else {
            continue;
        };
        let (s, settings) = (store.clone(), settings.clone());
        let run = tokio::task::spawn_blocking(move || {
            let run =
                crate::service::run_backup(&s, &settings, &crate::store::Actor::named("scheduler"));
            drop(slot);
            run
        })
        .await;
        match run {
            Ok(Ok(info)) => tracing::info!(
                file = %info.path.display(),
                size = info.size,
                sequence = info.sequence,
                "scheduled backup written"
            ),
            Ok(Err(e)) => tracing::error!("scheduled backup failed: {e}"),
            Err(e) => tracing::error!("scheduled backup stopped: {e}"),
        }
    }
}

/// The server's expiry digest schedule: once a minute, plan and queue the day's digest once
/// the box's clock passes `send_at` (once per day), then hand the queued messages whose next
/// try is due to the relay. A relay that is down leaves them queued; each message waits
/// longer after each failure (`RelayBackoff`), up to an hour.
async fn digest_schedule(store: Arc<Store>, settings: crate::service::DigestSettings) {
    let mut backoff = Some(crate::service::RelayBackoff::default());
    let mut planned_on: Option<jiff::civil::Date> = None;
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        let now = jiff::Timestamp::now();
        let local = now.to_zoned(jiff::tz::TimeZone::system());
        let plan_today = planned_on != Some(local.date()) && local.time() >= settings.send_at;
        let (s, settings_now) = (store.clone(), settings.clone());
        let mut b = backoff.take().unwrap_or_default();
        let day = local.date();
        let run = tokio::task::spawn_blocking(move || {
            let result = digest_run(&s, &settings_now, &mut b, day, plan_today, now);
            (b, result)
        })
        .await;
        match run {
            Ok((b, result)) => {
                backoff = Some(b);
                match result {
                    Ok(()) if plan_today => planned_on = Some(day),
                    Ok(()) => {}
                    Err(e) => tracing::error!("expiry digest: {e}"),
                }
            }
            Err(e) => tracing::error!("expiry digest stopped: {e}"),
        }
    }
}

/// One scheduled digest step on a blocking thread: plan and queue when due, then deliver.
fn digest_run(
    store: &Store,
    settings: &crate::service::DigestSettings,
    backoff: &mut crate::service::RelayBackoff,
    day: jiff::civil::Date,
    plan: bool,
    now: jiff::Timestamp,
) -> Result<(), crate::service::ServiceError> {
    let Some(relay) = &settings.relay else {
        return Ok(());
    };
    let _running = settings.running.lock().unwrap_or_else(|p| p.into_inner());
    let actor = crate::store::Actor::named("digest");
    if plan {
        let (plan, queued) =
            crate::service::queue_digests(store, &actor, settings, &day.to_string(), now)?;
        for r in &plan.refused {
            tracing::warn!(who = %r.who, reason = %r.reason, "digest recipient refused");
        }
        if !plan.unrouted.is_empty() {
            tracing::warn!(
                items = plan.unrouted.len(),
                "expiring certifications with nobody to tell (no supervisor e-mail, no subscriber)"
            );
        }
        tracing::info!(messages = queued.len(), "expiry digest queued");
    }
    crate::service::deliver_queued(store, &actor, relay, backoff, now, false)?;
    Ok(())
}

pub(super) async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
