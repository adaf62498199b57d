//! The archive in an S3-compatible object store (`--store s3://bucket/prefix`): the same keys
//! as the local folder under `prefix/`, through the `object_store` crate. The endpoint and the
//! credentials come from the standard environment variables (`AWS_ENDPOINT_URL`,
//! `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ALLOW_HTTP=true` for a
//! plain-http endpoint such as a MinIO or RustFS on the LAN).
//!
//! Calls are bounded: a connect timeout of 5 s and at most two retries within 15 s, so an
//! unreachable store is an error in seconds, not minutes. Copies and scratch stores of the
//! bundle being ingested live in a private local folder under the system's temporary folder,
//! removed when the archive is closed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey};
use object_store::path::Path as ObjectPath;
use object_store::{
    BackoffConfig, ClientConfigKey, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload,
    RetryConfig,
};
use sha2::{Digest, Sha256};

use super::storage::Storage;
use super::{ArchiveError, Result};

/// An archive in an S3 bucket, under a prefix.
#[derive(Debug)]
pub struct ObjectStorage {
    url: String,
    prefix: String,
    store: AmazonS3,
    runtime: tokio::runtime::Runtime,
    work: PathBuf,
}

impl ObjectStorage {
    /// Open `s3://bucket[/prefix]` with the endpoint and credentials from the environment.
    /// Nothing is sent yet: an unreachable store shows at the first read.
    pub fn open(url: &str) -> Result<ObjectStorage> {
        let bad = |message: &str| ArchiveError::BadStoreUrl {
            url: url.to_owned(),
            message: message.to_owned(),
        };
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| bad("it must start with s3://"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(bad("it names no bucket"));
        }
        let prefix = prefix.trim_matches('/').to_owned();
        if prefix.split('/').any(|p| p == "." || p == "..") {
            return Err(bad("the prefix may not hold . or .."));
        }
        let retry = RetryConfig {
            backoff: BackoffConfig {
                init_backoff: Duration::from_millis(200),
                max_backoff: Duration::from_secs(2),
                base: 2.0,
            },
            max_retries: 2,
            retry_timeout: Duration::from_secs(15),
        };
        // Set one by one: replacing the client options would drop AWS_ALLOW_HTTP.
        let store = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_retry(retry)
            .with_config(
                AmazonS3ConfigKey::Client(ClientConfigKey::ConnectTimeout),
                "5s",
            )
            .with_config(AmazonS3ConfigKey::Client(ClientConfigKey::Timeout), "120s")
            .build()
            .map_err(|e| bad(&e.to_string()))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(ArchiveError::io("cannot start the object store client"))?;
        let work = private_work_dir()?;
        Ok(ObjectStorage {
            url: format!(
                "s3://{bucket}{}{prefix}",
                if prefix.is_empty() { "" } else { "/" }
            ),
            prefix,
            store,
            runtime,
            work,
        })
    }

    fn object(&self, key: &str) -> ObjectPath {
        if self.prefix.is_empty() {
            ObjectPath::from(key)
        } else {
            ObjectPath::from(format!("{}/{key}", self.prefix))
        }
    }

    fn failed(&self, what: &str, key: &str) -> impl FnOnce(object_store::Error) -> ArchiveError {
        let context = format!("{what} {key} in {}", self.url);
        move |e| ArchiveError::ObjectStore {
            context,
            message: e.to_string(),
        }
    }
}

/// A new folder only this user can read, for copies of bundles and the identity.
fn private_work_dir() -> Result<PathBuf> {
    use std::os::unix::fs::DirBuilderExt;
    let dir = std::env::temp_dir().join(format!("caliber-archive-{}", uuid::Uuid::now_v7()));
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&dir)
        .map_err(ArchiveError::io(format!("cannot create {}", dir.display())))?;
    Ok(dir)
}

impl Drop for ObjectStorage {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.work);
    }
}

impl Storage for ObjectStorage {
    fn location(&self) -> String {
        self.url.clone()
    }

    fn read(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let path = self.object(key);
        let got = self.runtime.block_on(async {
            match self.store.get(&path).await {
                Ok(r) => r.bytes().await.map(Some),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(e),
            }
        });
        got.map(|b| b.map(|b| b.to_vec()))
            .map_err(self.failed("cannot read", key))
    }

    fn write(&self, key: &str, bytes: &[u8]) -> Result<()> {
        let path = self.object(key);
        let payload = PutPayload::from(bytes.to_vec());
        self.runtime
            .block_on(self.store.put(&path, payload))
            .map(|_| ())
            .map_err(self.failed("cannot write", key))
    }

    fn create(&self, key: &str, bytes: &[u8]) -> Result<bool> {
        let path = self.object(key);
        let payload = PutPayload::from(bytes.to_vec());
        let options = PutOptions {
            mode: PutMode::Create,
            ..PutOptions::default()
        };
        match self
            .runtime
            .block_on(self.store.put_opts(&path, payload, options))
        {
            Ok(_) => Ok(true),
            Err(object_store::Error::AlreadyExists { .. }) => Ok(false),
            Err(e) => Err(self.failed("cannot create", key)(e)),
        }
    }

    fn store_file(&self, key: &str, file: &Path) -> Result<()> {
        let bytes = std::fs::read(file)
            .map_err(ArchiveError::io(format!("cannot read {}", file.display())))?;
        self.write(key, &bytes)
    }

    fn list_sized(&self, prefix: &str) -> Result<Vec<(String, u64)>> {
        use futures_util::TryStreamExt;
        let under = self.object(prefix.trim_end_matches('/'));
        let metas: Vec<object_store::ObjectMeta> = self
            .runtime
            .block_on(self.store.list(Some(&under)).try_collect())
            .map_err(self.failed("cannot list", prefix))?;
        let strip = if self.prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", self.prefix)
        };
        let mut keys: Vec<(String, u64)> = metas
            .into_iter()
            .filter_map(|m| {
                m.location
                    .as_ref()
                    .strip_prefix(strip.as_str())
                    .map(|k| (k.to_owned(), m.size))
            })
            .collect();
        keys.sort();
        Ok(keys)
    }

    fn remove(&self, key: &str) -> Result<()> {
        let path = self.object(key);
        match self.runtime.block_on(self.store.delete(&path)) {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.failed("cannot remove", key)(e)),
        }
    }

    fn work_dir(&self) -> &Path {
        &self.work
    }

    fn lock_file(&self, name: &str) -> PathBuf {
        let id = hex::encode(&Sha256::digest(self.url.as_bytes())[..8]);
        std::env::temp_dir().join(format!("caliber-archive-{id}{name}"))
    }

    fn local_path(&self, _key: &str) -> Option<PathBuf> {
        None
    }
}
