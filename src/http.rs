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

/// A heavy job could not run to its end (its thread panicked or the runtime is shutting down).
#[derive(Debug, thiserror::Error)]
#[error("the server could not finish the work")]
pub struct HeavyWorkFailed;

/// Run CPU-heavy work (the matrix and its exports, imports, badge sheets) on a blocking
/// thread, at most [`heavy_slots`] such jobs at a time across the API and the web UI; the
/// others wait their turn. The slot stays taken until the work is done, even when the client
/// gives up on the request.
pub async fn heavy<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, HeavyWorkFailed> {
    static SLOTS: std::sync::LazyLock<std::sync::Arc<tokio::sync::Semaphore>> =
        std::sync::LazyLock::new(|| {
            std::sync::Arc::new(tokio::sync::Semaphore::new(heavy_slots()))
        });
    let slot = SLOTS
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| HeavyWorkFailed)?;
    tokio::task::spawn_blocking(move || {
        let out = f();
        drop(slot);
        out
    })
    .await
    .map_err(|_| HeavyWorkFailed)
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
}
