//! A real S3-protocol server for the archive's tests and benchmark: `s3s` over a folder, as
//! `s3s-fs` serves it, on 127.0.0.1, port 0, in this process.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// A real S3-protocol server (`s3s` over a folder, as `s3s-fs` serves it) on 127.0.0.1,
/// port 0, with one bucket, until dropped.
pub struct S3Server {
    /// The port it listens on, on 127.0.0.1.
    pub port: u16,
    /// The folder it serves (one sub-folder per bucket).
    pub root: PathBuf,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

pub const S3_KEY: &str = "caliber-test";
pub const S3_SECRET: &str = "caliber-test-secret";
pub const BUCKET: &str = "company-archive";

impl S3Server {
    /// Start serving `root` (the bucket folder is made).
    pub fn start(root: &Path) -> S3Server {
        std::fs::create_dir_all(root.join(BUCKET)).expect("bucket folder");
        let (tx, rx) = std::sync::mpsc::channel();
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let served = root.to_owned();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let fs = s3s_fs::FileSystem::new(&served).expect("s3s-fs");
                let mut builder = s3s::service::S3ServiceBuilder::new(fs);
                builder.set_auth(s3s::auth::SimpleAuth::from_single(S3_KEY, S3_SECRET));
                let service = builder.build();
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                tx.send(listener.local_addr().expect("addr").port())
                    .expect("send port");
                loop {
                    tokio::select! {
                        accepted = listener.accept() => {
                            let Ok((socket, _)) = accepted else { continue };
                            let service = service.clone();
                            tokio::spawn(async move {
                                let io = hyper_util::rt::TokioIo::new(socket);
                                let _ = hyper::server::conn::http1::Builder::new()
                                    .serve_connection(io, service)
                                    .await;
                            });
                        }
                        _ = &mut stopped => break,
                    }
                }
            });
        });
        let port = rx
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("the S3 server listens");
        S3Server {
            port,
            root: root.to_owned(),
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// The environment that points `caliber archive --store` at this server.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        s3_env(self.port)
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The environment that points `caliber archive --store` at a server on `port`.
pub fn s3_env(port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}")),
        ("AWS_ACCESS_KEY_ID", S3_KEY.into()),
        ("AWS_SECRET_ACCESS_KEY", S3_SECRET.into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_ALLOW_HTTP", "true".into()),
    ]
}
