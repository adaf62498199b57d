//! What the JSON API and the web UI share at the HTTP edge, so neither depends on the other.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use axum::http::header;
use axum::http::request::Parts;

/// Client address and user agent of a request.
pub fn client(parts: &Parts) -> (Option<String>, Option<String>) {
    let ip = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let ua = parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(200).collect());
    (ip, ua)
}

/// The Content-Security-Policy of every response: only this site's own scripts, styles and
/// images (QR codes are inline SVG or same-site PNG), no framing, forms post only here.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

/// Security headers on every response, `no-store` on everything whose handler sets no
/// `Cache-Control` of its own (the static files and versioned QR images do), and
/// a refusal of state-changing requests that a browser says come from another site (in
/// addition to the CSRF token every form carries).
pub async fn guard(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, Method, StatusCode};
    use axum::response::IntoResponse;
    let changes_state = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if changes_state && cross_site(request.headers()) {
        return (
            StatusCode::FORBIDDEN,
            "This request came from another site and was refused.",
        )
            .into_response();
    }
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    // A handler that says how long its answer may be kept (the static files, QR images under
    // a versioned URL) is believed; everything else is never stored.
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Whether a browser marked the request as coming from another site: `Sec-Fetch-Site:
/// cross-site`, or an `Origin` whose host is not the `Host` asked for. Scripts and the CLI
/// send neither and pass (they authenticate with tokens, not cookies).
fn cross_site(headers: &axum::http::HeaderMap) -> bool {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if text("sec-fetch-site") == Some("cross-site") {
        return true;
    }
    match (text(header::ORIGIN.as_str()), text(header::HOST.as_str())) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => {
            let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
            !origin_host.eq_ignore_ascii_case(host)
        }
        _ => false,
    }
}

/// How many CPU-heavy jobs run at once: half the cores, at least one, so the kiosks' scans
/// always keep a core however many people export, import or print badges at the same time.
pub fn heavy_slots() -> usize {
    std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1))
}

/// How much lower heavy jobs run than the rest of the server, in nice steps: at +10 the
/// kernel gives such a thread about a tenth of the CPU of a request thread that wants it too,
/// so a scan arriving while the matrix is judged runs at once instead of waiting for its turn.
pub const HEAVY_NICE: i32 = 10;

/// A heavy job could not run to its end (its thread panicked or the runtime is shutting down).
#[derive(Debug, thiserror::Error)]
#[error("the server could not finish the work")]
pub struct HeavyWorkFailed;

type Job = Box<dyn FnOnce() + Send>;

/// The heavy jobs' own threads, [`heavy_slots`] of them, each at [`HEAVY_NICE`] below the
/// server (threads a job starts, like the matrix's judges, inherit that). `None` when no
/// thread could be started: jobs then run on the runtime's blocking threads.
static HEAVY_POOL: std::sync::LazyLock<Option<std::sync::mpsc::Sender<Job>>> =
    std::sync::LazyLock::new(|| {
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        let queue = std::sync::Arc::new(std::sync::Mutex::new(queue));
        let mut started = 0;
        for i in 0..heavy_slots() {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("caliber-heavy-{i}"))
                .spawn(move || {
                    lower_priority();
                    loop {
                        let next = queue.lock().unwrap_or_else(|p| p.into_inner()).recv();
                        match next {
                            Ok(job) => {
                                job();
                                release_freed_memory();
                            }
                            Err(_) => return,
                        }
                    }
                });
            match spawned {
                Ok(_) => started += 1,
                Err(e) => tracing::warn!("cannot start a heavy-work thread: {e}"),
            }
        }
        (started > 0).then_some(jobs)
    });

/// Lower the calling thread's priority by [`HEAVY_NICE`] (Linux: the nice value is per
/// thread). A system that refuses leaves it as it is: the bound on concurrent jobs still holds.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{getpriority_process, setpriority_process};
        let me = Some(rustix::thread::gettid());
        let lowered = getpriority_process(me)
            .and_then(|now| setpriority_process(me, (now + HEAVY_NICE).min(19)));
        if let Err(e) = lowered {
            tracing::debug!("heavy work keeps the server's priority: {e}");
        }
    }
}

/// Tune glibc's allocator for a small box that runs a few heavy jobs among many light
/// requests: at most two arenas (glibc otherwise makes up to eight per core, one for each
/// busy thread, and each keeps what its threads freed), and blocks of 128 KiB and more always
/// mapped on their own, so that freeing them gives them back at once (glibc otherwise raises
/// that threshold after the first large free, and a matrix's worth of memory stays in the
/// heap for good). Call once at start, before the runtime's threads; elsewhere a no-op.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::ffi::c_int;
        unsafe extern "C" {
            fn mallopt(param: c_int, value: c_int) -> c_int;
        }
        const M_TRIM_THRESHOLD: c_int = -1;
        const M_MMAP_THRESHOLD: c_int = -3;
        const M_ARENA_MAX: c_int = -8;
        // SAFETY: mallopt only sets allocator parameters; these are documented glibc
        // parameters with values in their ranges, set before other threads allocate.
        unsafe {
            mallopt(M_ARENA_MAX, 2);
            mallopt(M_MMAP_THRESHOLD, 128 * 1024);
            mallopt(M_TRIM_THRESHOLD, 1024 * 1024);
        }
    }
}

/// Give the pages a finished heavy job freed back to the system (glibc keeps free heap pages
/// below the top of the heap otherwise).
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: malloc_trim only returns free memory of glibc's own arenas to the system.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// Run CPU-heavy work (the matrix and its exports, imports, badge sheets, QR codes) on the
/// heavy threads: at most [`heavy_slots`] such jobs at a time across the API and the web UI,
/// at a lower priority than everything else; the others wait their turn. The slot stays
/// taken until the work is done, even when the client gives up on the request; a job whose
/// request went away before its turn does not run.
pub async fn heavy<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, HeavyWorkFailed> {
    let Some(pool) = HEAVY_POOL.as_ref() else {
        return tokio::task::spawn_blocking(f)
            .await
            .map_err(|_| HeavyWorkFailed);
    };
    let (done, result) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        // A request that went away while its job waited for a thread needs no answer.
        if done.is_closed() {
            return;
        }
        // A panicking job fails its request, not the thread.
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        let _ = done.send(out);
    });
    pool.send(job).map_err(|_| HeavyWorkFailed)?;
    match result.await {
        Ok(Ok(out)) => Ok(out),
        _ => Err(HeavyWorkFailed),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// However many heavy jobs are asked for at once, no more than the slots run together,
    /// and every one of them runs.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn heavy_work_never_takes_more_than_its_slots() {
        let (now, most, done) = (
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicUsize::new(0)),
        );
        let jobs: Vec<_> = (0..super::heavy_slots() * 3 + 2)
            .map(|_| {
                let (now, most, done) = (now.clone(), most.clone(), done.clone());
                tokio::spawn(super::heavy(move || {
                    let running = now.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(running, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(30));
                    now.fetch_sub(1, Ordering::SeqCst);
                    done.fetch_add(1, Ordering::SeqCst);
                }))
            })
            .collect();
        for j in jobs {
            j.await.expect("job").expect("ran");
        }
        assert_eq!(done.load(Ordering::SeqCst), super::heavy_slots() * 3 + 2);
        let most = most.load(Ordering::SeqCst);
        assert!(
            (1..=super::heavy_slots()).contains(&most),
            "{most} ran at once"
        );
    }

    /// Heavy work runs below the priority of the threads that answer scans, and a job that
    /// panics fails alone: the next job still runs.
    #[cfg(target_os = "linux")]
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn heavy_work_runs_at_a_lower_priority_and_survives_a_panic() {
        use rustix::process::getpriority_process;
        let here = getpriority_process(Some(rustix::thread::gettid())).expect("priority");
        let there = super::heavy(|| getpriority_process(Some(rustix::thread::gettid())))
            .await
            .expect("ran")
            .expect("priority");
        assert_eq!(there, (here + super::HEAVY_NICE).min(19));
        let failed = super::heavy(|| -> u8 { panic!("a bad job") }).await;
        assert!(failed.is_err());
        assert_eq!(super::heavy(|| 7).await.expect("the next job"), 7);
    }

    /// A job whose request was dropped while it waited for a heavy thread never runs; the
    /// jobs behind it do.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_job_whose_request_went_away_before_its_turn_does_not_run() {
        let slots = super::heavy_slots();
        let (release, held) = std::sync::mpsc::channel::<()>();
        let held = Arc::new(std::sync::Mutex::new(held));
        let (started, busy) = std::sync::mpsc::channel::<()>();
        let mut blockers = Vec::new();
        for _ in 0..slots {
            let held = held.clone();
            let started = started.clone();
            blockers.push(tokio::spawn(super::heavy(move || {
                let _ = started.send(());
                let _ = held.lock().expect("lock").recv();
            })));
        }
        for _ in 0..slots {
            busy.recv_timeout(std::time::Duration::from_secs(10))
                .expect("every heavy thread busy");
        }
        let ran = Arc::new(AtomicUsize::new(0));
        let witness = ran.clone();
        let waited = tokio::time::timeout(
            std::time::Duration::from_millis(50),
            super::heavy(move || witness.fetch_add(1, Ordering::SeqCst)),
        )
        .await;
        assert!(waited.is_err(), "the job waited for a thread");
        for _ in 0..slots {
            release.send(()).expect("release");
        }
        for b in blockers {
            b.await.expect("joined").expect("blocker ran");
        }
        assert_eq!(super::heavy(|| 7).await.expect("the next job"), 7);
        // The dropped job's closure is dropped (run or not) once a thread took it.
        for _ in 0..200 {
            if Arc::strong_count(&ran) == 1 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(Arc::strong_count(&ran), 1, "the dropped job was taken");
        assert_eq!(ran.load(Ordering::SeqCst), 0, "the dropped job ran");
    }
}
