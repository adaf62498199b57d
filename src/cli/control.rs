//! The control socket: how a CLI command reaches the store while `caliber serve` owns it.
//!
//! redb allows one process per file, and on the appliance the server always runs, so
//! `caliber user add`, `token create`, `check`, … cannot open the store themselves. The
//! server listens on a Unix socket (`caliber.sock` in the runtime directory, or in the data
//! directory when none is set), mode 0600, owned by the service user. A CLI command that finds
//! the socket sends its own command line (and, for passwords, its standard input); the server
//! checks the caller's uid (its own, or root), runs the very same command function against its
//! open store, and sends back what it printed and its exit code. Without a server the CLI
//! opens the store and runs the same function itself, so output and exit codes are the same
//! either way. Nothing of this is reachable over the network.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::store::Store;

/// What runs one received command line against the server's store (the same function the
/// CLI runs without a server, with the server's settings).
pub type Runner = Arc<dyn Fn(&[String], &Store, &mut CommandIo) -> u8 + Send + Sync>;

/// File name of the control socket.
pub const SOCKET_NAME: &str = "caliber.sock";

/// Largest request or reply accepted on the socket (a command line and a password).
const MAX_MESSAGE: u64 = 1 << 20;

/// Where the control socket of the store in `data_dir` lives.
pub fn socket_path(runtime_dir: Option<&Path>, data_dir: &Path) -> PathBuf {
    runtime_dir.unwrap_or(data_dir).join(SOCKET_NAME)
}

/// A command line sent to the server.
#[derive(Debug, Serialize, Deserialize)]
struct Request {
    /// The data directory the caller means (canonical); the server refuses another one.
    data_dir: PathBuf,
    /// The command line, program name first.
    args: Vec<String>,
    /// Standard input, for the commands that read a password.
    stdin: Option<String>,
}

/// What the command printed and its exit code.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Reply {
    /// Exit code.
    pub exit: u8,
    /// What went to standard output.
    pub stdout: String,
    /// What went to standard error.
    pub stderr: String,
}

/// Where a command writes, and where it reads a password from: the terminal, or buffers
/// that travel over the control socket.
pub struct CommandIo {
    /// Standard output.
    pub out: Box<dyn Write + Send>,
    /// Standard error.
    pub err: Box<dyn Write + Send>,
    /// Standard input, read at most once.
    stdin: Option<String>,
    /// Whether `stdin` may still be read from the process (direct mode).
    read_process_stdin: bool,
}

impl CommandIo {
    /// The process's own standard streams.
    pub fn terminal() -> CommandIo {
        CommandIo {
            out: Box::new(std::io::stdout()),
            err: Box::new(std::io::stderr()),
            stdin: None,
            read_process_stdin: true,
        }
    }

    /// The same streams with standard input already read.
    pub fn with_stdin(mut self, stdin: String) -> CommandIo {
        self.stdin = Some(stdin);
        self.read_process_stdin = false;
        self
    }

    /// Buffers, with standard input given.
    fn buffers(stdin: Option<String>, out: SharedBuf, err: SharedBuf) -> CommandIo {
        CommandIo {
            out: Box::new(out),
            err: Box::new(err),
            stdin,
            read_process_stdin: false,
        }
    }

    /// Standard input as text (the process's, or what the client sent).
    pub fn stdin(&mut self) -> anyhow::Result<String> {
        if self.read_process_stdin && self.stdin.is_none() {
            self.stdin = Some(read_stdin()?);
        }
        Ok(self.stdin.clone().unwrap_or_default())
    }
}

fn read_stdin() -> anyhow::Result<String> {
    use std::io::Read;
    let mut s = String::new();
    std::io::stdin()
        .take(MAX_MESSAGE)
        .read_to_string(&mut s)
        .context("cannot read standard input")?;
    Ok(s)
}

/// A byte buffer several writers share (the command's output while it runs on the server).
#[derive(Clone, Default)]
struct SharedBuf(Arc<std::sync::Mutex<Vec<u8>>>);

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl SharedBuf {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
    }
}

/// Send a command line to the server listening on `socket`. `Ok(None)` when no server is
/// there (no socket, or a stale one left by a server that stopped): the caller opens the
/// store itself.
pub fn forward(
    socket: &Path,
    data_dir: &Path,
    args: Vec<String>,
    stdin: Option<String>,
) -> anyhow::Result<Option<Reply>> {
    let stream = match std::os::unix::net::UnixStream::connect(socket) {
        Ok(s) => s,
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
            ) =>
        {
            return Ok(None);
        }
        Err(e) => {
            return Err(e).with_context(|| {
                format!(
                    "the server's control socket {} refused this user; run the command as the \
                     service user or root",
                    socket.display()
                )
            });
        }
    };
    let request = Request {
        data_dir: data_dir
            .canonicalize()
            .unwrap_or_else(|_| data_dir.to_owned()),
        args,
        stdin,
    };
    let mut w = &stream;
    serde_json::to_writer(&mut w, &request).context("cannot send to the server")?;
    w.write_all(b"\n").context("cannot send to the server")?;
    stream
        .shutdown(std::net::Shutdown::Write)
        .context("cannot send to the server")?;
    let mut line = String::new();
    BufReader::new(std::io::Read::take(&stream, MAX_MESSAGE))
        .read_line(&mut line)
        .context("no answer from the server")?;
    let reply: Reply = serde_json::from_str(&line)
        .context("the server's answer on the control socket is not understood")?;
    Ok(Some(reply))
}

/// Serve the control socket for `store` until the runtime stops. `run` executes one parsed
/// command line against the store, the same function the CLI uses without a server.
pub async fn listen(
    socket: PathBuf,
    data_dir: PathBuf,
    store: Arc<Store>,
    run: Runner,
) -> anyhow::Result<()> {
    if let Some(dir) = socket.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    // A socket left by a server that died is in the way; a live one means another server
    // owns this runtime directory, which the store lock would refuse anyway.
    match std::os::unix::net::UnixStream::connect(&socket) {
        Ok(_) => anyhow::bail!("another Caliber server answers on {}", socket.display()),
        Err(_) => {
            let _ = std::fs::remove_file(&socket);
        }
    }
    let listener = tokio::net::UnixListener::bind(&socket)
        .with_context(|| format!("cannot create the control socket {}", socket.display()))?;
    std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("cannot restrict {}", socket.display()))?;
    let owner = std::fs::metadata(&socket)
        .with_context(|| format!("cannot read {}", socket.display()))?
        .uid();
    let data_dir = data_dir.canonicalize().unwrap_or(data_dir);
    tracing::info!(socket = %socket.display(), "control socket ready");
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!("control socket: {e}");
                continue;
            }
        };
        let uid = stream.peer_cred().map(|c| c.uid()).ok();
        if uid != Some(owner) && uid != Some(0) {
            tracing::warn!(?uid, "control socket: refused a caller of another user");
            continue;
        }
        let store = store.clone();
        let data_dir = data_dir.clone();
        let run = run.clone();
        tokio::spawn(async move {
            if let Err(e) = answer(stream, &data_dir, store, run).await {
                tracing::warn!("control socket: {e:#}");
            }
        });
    }
}

async fn answer(
    stream: tokio::net::UnixStream,
    data_dir: &Path,
    store: Arc<Store>,
    run: Runner,
) -> anyhow::Result<()> {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
    let (r, mut w) = stream.into_split();
    let mut line = String::new();
    tokio::io::BufReader::new(r.take(MAX_MESSAGE))
        .read_line(&mut line)
        .await
        .context("cannot read the request")?;
    let reply = match serde_json::from_str::<Request>(&line) {
        Err(e) => Reply {
            exit: 2,
            stderr: format!("error: malformed request on the control socket: {e}\n"),
            ..Reply::default()
        },
        Ok(req) if req.data_dir != data_dir => Reply {
            exit: 2,
            stderr: format!(
                "error: this server owns {}, not {}\n",
                data_dir.display(),
                req.data_dir.display()
            ),
            ..Reply::default()
        },
        Ok(req) => tokio::task::spawn_blocking(move || {
            let (out, err) = (SharedBuf::default(), SharedBuf::default());
            let mut io = CommandIo::buffers(req.stdin, out.clone(), err.clone());
            let exit = run(&req.args, &store, &mut io);
            drop(io);
            Reply {
                exit,
                stdout: out.text(),
                stderr: err.text(),
            }
        })
        .await
        .context("the command failed on the server")?,
    };
    let mut bytes = serde_json::to_vec(&reply).context("cannot encode the reply")?;
    bytes.push(b'\n');
    w.write_all(&bytes).await.context("cannot answer")?;
    Ok(())
}
