//! The redb store: one file per site in the data directory, opened by one process.
//!
//! Every change goes through [`Store::write`], whose [`Writer`] keeps indexes in step with
//! records and appends the audit event in the same transaction, so a change and its audit
//! event commit together or not at all. Reads go through [`Reader`], a consistent snapshot.

mod audit;
mod bundle;
mod catalog;
mod digest;
mod error;
mod inspect;
mod record;
pub mod schema;
mod sessions;
pub mod tables;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use jiff::Timestamp;
use redb::{
    Database, ReadTransaction, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableHandle,
};
use serde::Serialize;
use uuid::Uuid;

pub use audit::{
    AUDIT_KEY_FILE, AuditKey, ChainHead, ChainReport, ChainSeal, GENESIS, SealBreak, event_hash,
    hex, verify_chain,
};
pub use error::StoreError;
pub use inspect::{StoredRow, TableRows};
pub use record::{Record, keys};
pub use sessions::Session;

use crate::domain::{Attachment, AuditEvent, Certification, Requirement, SkillRevision};
use crate::qualify::Catalog;
use tables::*;

/// Name of the database file inside the data directory.
pub const DB_FILE: &str = "caliber.redb";
/// Folder of attachment files (by SHA-256) inside the data directory.
pub const ATTACHMENTS_DIR: &str = "attachments";
/// Folder of the kiosk screens last shown, one PNG per station.
pub const MIRROR_DIR: &str = "mirror";

/// Write `name` in `dir` so that it is either the old or the whole new content, even across
/// a power cut: temp file, fsync, rename, fsync the directory.
fn write_durably(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
    use std::io::Write;
    let path = dir.join(name);
    let io = |context: &str| {
        let context = format!("{context} {}", path.display());
        move |source| StoreError::Io { context, source }
    };
    let tmp = dir.join(format!(".{name}.tmp"));
    let mut f = std::fs::File::create(&tmp).map_err(io("cannot create"))?;
    f.write_all(bytes).map_err(io("cannot write"))?;
    f.sync_all().map_err(io("cannot sync"))?;
    std::fs::rename(&tmp, &path).map_err(io("cannot rename"))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

const AUDIT_HEAD_KEY: &str = "audit_head";
/// Meta key of the chain head's seal ([`ChainSeal`]).
const AUDIT_SEAL_KEY: &str = "audit_seal";
/// Meta key of the first seal found broken ([`SealBreak`]); never removed.
const AUDIT_SEAL_BROKEN_KEY: &str = "audit_seal_broken";

/// The page cache a store opens with unless told otherwise: 64 MiB.
pub const DEFAULT_CACHE_BYTES: usize = 64 * 1024 * 1024;

/// Longest actor name kept in an audit event (an email is at most 254).
pub const MAX_AUDIT_ACTOR: usize = 254;
/// Longest client address kept in an audit event.
pub const MAX_AUDIT_IP: usize = 64;
/// Longest user agent kept in an audit event.
pub const MAX_AUDIT_USER_AGENT: usize = 200;
/// Largest old or new value of one audit event, in bytes of JSON.
pub const MAX_AUDIT_VALUE: usize = 64 * 1024;

/// Who makes a change, for the audit trail.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    /// User email, API token name, `cli` or `system`.
    pub name: String,
    /// Client address, where known.
    pub ip: Option<String>,
    /// Client user agent, where known.
    pub user_agent: Option<String>,
    /// The login behind the change, when a logged-in user makes it (rules such as "you may
    /// not demote yourself" need to know who that is).
    pub user_id: Option<Uuid>,
}

impl Actor {
    /// An actor with just a name (CLI, seeding, background jobs).
    pub fn named(name: &str) -> Self {
        Actor {
            name: name.to_owned(),
            ..Actor::default()
        }
    }
}

/// The open store.
pub struct Store {
    db: Database,
    dir: PathBuf,
    catalog: RwLock<Arc<Catalog>>,
    /// Held across a write and the catalog refresh after it, so readers never see a catalog
    /// older than a committed change for longer than the refresh.
    write_lock: Mutex<()>,
    migrated_from: Option<u32>,
    /// Certifications by employee, built on first use and kept in step by every write.
    certs: RwLock<Option<Arc<CertificationsByEmployee>>>,
    /// The catalog snapshot missed a committed change (its refresh failed) and must be
    /// rebuilt before it is used again.
    catalog_stale: std::sync::atomic::AtomicBool,
    /// Seals the audit chain's head (see [`AuditKey`]).
    audit_key: Arc<AuditKey>,
}

/// What judging needs of every non-deleted certification, grouped by employee: the matrix
/// judges thousands of employees at once and would otherwise decode every certification from
/// disk each time. Facts rather than whole records: on a 5,000 × 300 site this is the
/// largest thing the server holds, and the free text is read from disk when it is shown.
pub type CertificationsByEmployee =
    std::collections::HashMap<Uuid, Arc<Vec<crate::domain::CertificationFacts>>>;

fn decode<T: serde::de::DeserializeOwned>(
    entity: &'static str,
    bytes: &[u8],
) -> Result<T, StoreError> {
    postcard::from_bytes(bytes).map_err(|e| StoreError::Decode {
        entity,
        message: e.to_string(),
    })
}

fn encode<T: Serialize>(entity: &'static str, value: &T) -> Result<Vec<u8>, StoreError> {
    postcard::to_stdvec(value).map_err(|e| StoreError::Encode {
        entity,
        message: e.to_string(),
    })
}

/// The unique-key table entry for a key of a kind.
fn unique_key(kind: &str, value: &str) -> String {
    format!("{kind}:{value}")
}

/// Record counts per table, for health and backups.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Counts {
    pub sites: u64,
    pub departments: u64,
    pub roles: u64,
    pub projects: u64,
    pub users: u64,
    pub employees: u64,
    pub skills: u64,
    pub skill_revisions: u64,
    pub requirements: u64,
    pub certifications: u64,
    pub stations: u64,
    pub scan_events: u64,
    pub audit_events: u64,
    pub attachments: u64,
}

impl Store {
    /// Open (or create) the store in `dir` with the default page cache
    /// ([`DEFAULT_CACHE_BYTES`]), migrating an older schema.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        Store::open_with_cache(dir, DEFAULT_CACHE_BYTES)
    }

    /// Open (or create) the store in `dir` with a page cache of `cache_bytes`, migrating an
    /// older schema. redb's own default (1 GiB) is the whole RAM of a small box; the
    /// matrix and verdicts are served from the store's own caches, so a small page cache
    /// costs little.
    pub fn open_with_cache(dir: &Path, cache_bytes: usize) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir.join(ATTACHMENTS_DIR)).map_err(|source| StoreError::Io {
            context: format!("cannot create data directory {}", dir.display()),
            source,
        })?;
        let db = redb::Builder::new()
            .set_cache_size(cache_bytes)
            .create(dir.join(DB_FILE))?;
        let (audit_key, key_is_new) = AuditKey::load_or_create(dir)?;
        let tx = db.begin_write()?;
        let migrated_from = schema::migrate(&tx)?;
        if key_is_new {
            // A store from before the seal (or a new one): seal the chain as it stands. A
            // sealed store whose key went missing keeps its old seal, which then fails.
            let mut meta = tx.open_table(META)?;
            let head: Option<ChainHead> = match meta.get(AUDIT_HEAD_KEY)? {
                Some(g) => {
                    Some(
                        serde_json::from_slice(g.value()).map_err(|e| StoreError::Decode {
                            entity: "audit head",
                            message: e.to_string(),
                        })?,
                    )
                }
                None => None,
            };
            let sealed = meta.get(AUDIT_SEAL_KEY)?.is_some();
            if let Some(head) = head
                && !sealed
            {
                let seal =
                    serde_json::to_vec(&audit_key.seal(&head)).map_err(|e| StoreError::Encode {
                        entity: "audit seal",
                        message: e.to_string(),
                    })?;
                meta.insert(AUDIT_SEAL_KEY, seal.as_slice())?;
                tracing::info!(events = head.seq, "sealed the existing audit chain");
            }
        }
        tx.commit()?;
        let store = Store {
            db,
            dir: dir.to_owned(),
            catalog: RwLock::new(Arc::new(Catalog::default())),
            write_lock: Mutex::new(()),
            migrated_from,
            certs: RwLock::new(None),
            catalog_stale: std::sync::atomic::AtomicBool::new(false),
            audit_key: Arc::new(audit_key),
        };
        store.refresh_catalog()?;
        Ok(store)
    }

    /// The schema version found on open (`None` for a new store).
    pub fn opened_at_version(&self) -> Option<u32> {
        self.migrated_from
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Size of the database file in bytes.
    pub fn file_size(&self) -> u64 {
        std::fs::metadata(self.dir.join(DB_FILE)).map_or(0, |m| m.len())
    }

    /// The current rules snapshot the engine judges against.
    pub fn catalog(&self) -> Arc<Catalog> {
        if self.catalog_stale.load(std::sync::atomic::Ordering::SeqCst) {
            let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
            match self.refresh_catalog() {
                Ok(()) => self
                    .catalog_stale
                    .store(false, std::sync::atomic::Ordering::SeqCst),
                Err(e) => tracing::error!("rules snapshot still stale: {e}"),
            }
        }
        match self.catalog.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn refresh_catalog(&self) -> Result<(), StoreError> {
        let fresh = Arc::new(catalog::load(&self.read()?)?);
        match self.catalog.write() {
            Ok(mut c) => *c = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(())
    }

    /// A consistent read snapshot.
    pub fn read(&self) -> Result<Reader, StoreError> {
        Ok(Reader {
            tx: self.db.begin_read()?,
            audit_key: self.audit_key.clone(),
        })
    }

    /// Run `f` in one write transaction and commit it if `f` succeeds; on error nothing is
    /// written. Audit events appended by `f` commit with the change.
    pub fn write<T, E: From<StoreError>>(
        &self,
        actor: &Actor,
        f: impl FnOnce(&mut Writer) -> Result<T, E>,
    ) -> Result<T, E> {
        let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut w = self.begin_write(actor.clone())?;
        let out = f(&mut w)?;
        if w.unaudited {
            // Dropping the transaction rolls it back.
            return Err(StoreError::Unaudited(actor.name.clone()).into());
        }
        self.commit(w).map_err(E::from)?;
        Ok(out)
    }

    /// A fresh write transaction for `actor`; the caller holds the write lock.
    fn begin_write(&self, actor: Actor) -> Result<Writer, StoreError> {
        Ok(Writer {
            tx: self.db.begin_write()?,
            actor,
            now: Timestamp::now(),
            catalog_dirty: false,
            certifications: Vec::new(),
            unaudited: false,
            audit_key: self.audit_key.clone(),
        })
    }

    /// Commit `w`, then bring the in-memory caches up to date. The commit is what counts:
    /// a cache that cannot be refreshed is marked stale and rebuilt on next use, and the
    /// change is still reported as committed.
    fn commit(&self, mut w: Writer) -> Result<(), StoreError> {
        let dirty = w.catalog_dirty;
        let certifications = std::mem::take(&mut w.certifications);
        w.tx.commit()?;
        if dirty && let Err(e) = self.refresh_catalog() {
            tracing::error!(
                "rules snapshot not refreshed after a commit, rebuilding on next use: {e}"
            );
            self.catalog_stale
                .store(true, std::sync::atomic::Ordering::SeqCst);
        }
        if !certifications.is_empty() {
            self.update_cached_certifications(certifications);
        }
        Ok(())
    }

    /// A write that by design has no audit event (session bookkeeping only).
    fn write_unaudited(
        &self,
        f: impl FnOnce(&mut Writer) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.write(&Actor::named("session"), |w| {
            f(w)?;
            w.unaudited = false;
            Ok(())
        })
    }

    /// What judging needs of every non-deleted certification, grouped by employee, as
    /// committed. Built from the store on first use, then updated by each write.
    pub fn certifications_by_employee(&self) -> Result<Arc<CertificationsByEmployee>, StoreError> {
        if let Some(c) = self
            .certs
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            return Ok(c.clone());
        }
        // Build under the write lock so no commit slips between the scan and the publish.
        let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        let built = Arc::new(self.read()?.certifications_grouped()?);
        *self.certs.write().unwrap_or_else(|p| p.into_inner()) = Some(built.clone());
        Ok(built)
    }

    /// Where the in-memory caches (the rules snapshot and the certifications by employee)
    /// differ from what is committed on disk; empty when they agree. For consistency tests
    /// and diagnostics: it rebuilds both from the file.
    pub fn cache_mismatches(&self) -> Result<Vec<String>, StoreError> {
        // What a reader would get (rebuilt first if a refresh had failed), then no commit
        // may slip in while the disk side is read.
        let mem = self.catalog();
        let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        let r = self.read()?;
        let disk = catalog::load(&r)?;
        let mut out = Vec::new();
        macro_rules! same {
            ($field:ident) => {
                if disk.$field != mem.$field {
                    out.push(format!("catalog {} differ", stringify!($field)));
                }
            };
        }
        same!(skills);
        same!(revisions);
        same!(sites);
        same!(departments);
        same!(roles);
        same!(projects);
        same!(stations);
        let sorted = |c: &Catalog| {
            let mut v: Vec<Requirement> = c.requirements.rows().cloned().collect();
            v.sort_by_key(|r| r.id);
            v
        };
        if sorted(&disk) != sorted(&mem) {
            out.push("catalog requirements differ".into());
        }
        let cached = self.certs.read().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(cached) = cached {
            let mut on_disk: std::collections::HashMap<
                Uuid,
                Vec<crate::domain::CertificationFacts>,
            > = std::collections::HashMap::new();
            for c in r.list::<Certification>()? {
                if c.deleted_at.is_none() {
                    on_disk.entry(c.employee_id).or_default().push((&c).into());
                }
            }
            let mut employees: Vec<Uuid> = on_disk.keys().chain(cached.keys()).copied().collect();
            employees.sort();
            employees.dedup();
            for e in employees {
                let mut a = on_disk.get(&e).cloned().unwrap_or_default();
                let mut b = cached.get(&e).map(|v| v.to_vec()).unwrap_or_default();
                a.sort_by_key(|c| c.id);
                b.sort_by_key(|c| c.id);
                if a != b {
                    out.push(format!("cached certifications of employee {e} differ"));
                }
            }
        }
        Ok(out)
    }

    /// Apply committed certification writes to the cache (copy on write: readers holding
    /// the previous map keep a consistent snapshot).
    fn update_cached_certifications(&self, changed: Vec<Certification>) {
        let mut slot = self.certs.write().unwrap_or_else(|p| p.into_inner());
        let Some(current) = slot.as_ref() else {
            return;
        };
        let mut next: CertificationsByEmployee = (**current).clone();
        let mut touched = std::collections::HashSet::new();
        for c in changed {
            touched.insert(c.employee_id);
            let list = next.entry(c.employee_id).or_default();
            let v = Arc::make_mut(list);
            v.retain(|x| x.id != c.id);
            if c.deleted_at.is_none() {
                v.push((&c).into());
            }
        }
        for e in touched {
            if let Some(list) = next.get_mut(&e) {
                Arc::make_mut(list).shrink_to_fit();
            }
        }
        *slot = Some(Arc::new(next));
    }

    /// Run `f` in a write transaction that is always rolled back: a preview of a change
    /// computed by the same code as the change itself.
    pub fn dry_run<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut Writer) -> Result<T, E>,
    ) -> Result<T, E> {
        let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut w = self.begin_write(Actor::named("preview"))?;
        let out = f(&mut w);
        w.tx.abort().map_err(StoreError::from)?;
        out
    }

    /// Store attachment bytes on disk by SHA-256 (durably) and return the hash. Idempotent.
    pub fn put_attachment_file(&self, bytes: &[u8]) -> Result<String, StoreError> {
        use sha2::Digest;
        let sha = hex(&sha2::Sha256::digest(bytes));
        let dir = self.dir.join(ATTACHMENTS_DIR);
        if !dir.join(&sha).exists() {
            write_durably(&dir, &sha, bytes)?;
        }
        Ok(sha)
    }

    /// Keep the PNG of what a station's screen shows now (the kiosk mirror).
    pub fn put_station_mirror(&self, station: Uuid, png: &[u8]) -> Result<(), StoreError> {
        let dir = self.dir.join(MIRROR_DIR);
        std::fs::create_dir_all(&dir).map_err(|source| StoreError::Io {
            context: format!("cannot create {}", dir.display()),
            source,
        })?;
        write_durably(&dir, &format!("{station}.png"), png)
    }

    /// The PNG a station last showed, if any.
    pub fn station_mirror(&self, station: Uuid) -> Result<Option<Vec<u8>>, StoreError> {
        let path = self.dir.join(MIRROR_DIR).join(format!("{station}.png"));
        match std::fs::read(&path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(StoreError::Io {
                context: format!("cannot read {}", path.display()),
                source,
            }),
        }
    }

    /// Read an attachment's bytes.
    pub fn attachment_bytes(&self, sha: &str) -> Result<Option<Vec<u8>>, StoreError> {
        if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        match std::fs::read(self.dir.join(ATTACHMENTS_DIR).join(sha)) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(StoreError::Io {
                context: format!("cannot read attachment {sha}"),
                source,
            }),
        }
    }
}

/// A read snapshot.
pub struct Reader {
    tx: ReadTransaction,
    audit_key: Arc<AuditKey>,
}

impl Reader {
    /// Every non-deleted certification grouped by employee, read employee by employee along
    /// the `certs_by_employee` index: each list is allocated once at its exact size and
    /// nothing is held twice, so building the cache of a plant-size site (hundreds of
    /// thousands of certifications) costs the cache itself and no more.
    fn certifications_grouped(&self) -> Result<CertificationsByEmployee, StoreError> {
        let index = self.tx.open_table(CERTS_BY_EMPLOYEE)?;
        let table = self.tx.open_table(<Certification as Record>::TABLE)?;
        let mut out = CertificationsByEmployee::new();
        // One employee's ids at a time, then their records in one exact allocation.
        let mut ids: Vec<u128> = Vec::new();
        let mut owner: Option<u128> = None;
        let mut flush = |owner: u128, ids: &mut Vec<u128>| -> Result<(), StoreError> {
            let mut list = Vec::with_capacity(ids.len());
            for id in ids.drain(..) {
                if let Some(v) = table.get(id)? {
                    let c: Certification = decode(Certification::ENTITY, v.value())?;
                    if c.deleted_at.is_none() {
                        list.push((&c).into());
                    }
                }
            }
            if !list.is_empty() {
                list.shrink_to_fit();
                out.insert(Uuid::from_u128(owner), Arc::new(list));
            }
            Ok(())
        };
        for row in index.iter()? {
            let (key, _) = row?;
            let (employee, id) = key.value();
            if let Some(o) = owner
                && o != employee
            {
                flush(o, &mut ids)?;
            }
            owner = Some(employee);
            ids.push(id);
        }
        if let Some(o) = owner {
            flush(o, &mut ids)?;
        }
        Ok(out)
    }
}

/// A write transaction with the audit trail attached.
pub struct Writer {
    tx: redb::WriteTransaction,
    actor: Actor,
    now: Timestamp,
    catalog_dirty: bool,
    /// Certifications written, for the cache after commit.
    certifications: Vec<Certification>,
    /// Something was written since the last audit event. A transaction that ends in this
    /// state is refused (architecture invariant: every change commits with its audit event).
    unaudited: bool,
    audit_key: Arc<AuditKey>,
}

/// Read operations shared by [`Reader`] and [`Writer`], written once over redb's
/// `ReadableTable`.
macro_rules! read_ops {
    ($ty:ty) => {
        impl $ty {
            /// A record by id (deleted ones included).
            pub fn get<R: Record>(&self, id: Uuid) -> Result<Option<R>, StoreError> {
                let t = self.tx.open_table(R::TABLE)?;
                let v = t.get(id.as_u128())?;
                v.map(|g| decode(R::ENTITY, g.value())).transpose()
            }

            /// Every record of a kind, in id (creation) order, deleted ones included.
            pub fn list<R: Record>(&self) -> Result<Vec<R>, StoreError> {
                let t = self.tx.open_table(R::TABLE)?;
                let mut out = Vec::with_capacity(t.len()? as usize);
                for row in t.iter()? {
                    let (_, v) = row?;
                    out.push(decode(R::ENTITY, v.value())?);
                }
                Ok(out)
            }

            /// Every live record of a kind (see [`Record::is_live`]) by id.
            pub fn live_by_id<R: Record>(
                &self,
            ) -> Result<std::collections::HashMap<Uuid, R>, StoreError> {
                Ok(self
                    .list::<R>()?
                    .into_iter()
                    .filter(Record::is_live)
                    .map(|r| (r.id(), r))
                    .collect())
            }

            /// Up to `limit` records of a kind that `keep` accepts, starting just past
            /// `cursor` (exclusive): in id (creation) order, or from the newest back when
            /// `newest_first`. Reads only as far as it must (a page costs O(page) rows when
            /// `keep` accepts most of them, not O(table)).
            pub fn page<R: Record>(
                &self,
                cursor: Option<Uuid>,
                newest_first: bool,
                limit: usize,
                mut keep: impl FnMut(&R) -> bool,
            ) -> Result<Vec<R>, StoreError> {
                let t = self.tx.open_table(R::TABLE)?;
                let mut out = Vec::new();
                if limit == 0 {
                    return Ok(out);
                }
                type Rows<'a> = Box<
                    dyn Iterator<
                            Item = Result<
                                (
                                    redb::AccessGuard<'a, u128>,
                                    redb::AccessGuard<'a, &'static [u8]>,
                                ),
                                redb::StorageError,
                            >,
                        > + 'a,
                >;
                let rows: Rows<'_> = match (cursor.map(|c| c.as_u128()), newest_first) {
                    (None, false) => Box::new(t.iter()?),
                    (None, true) => Box::new(t.iter()?.rev()),
                    (Some(c), false) => Box::new(t.range(c.saturating_add(1)..)?),
                    (Some(c), true) => Box::new(t.range(..c)?.rev()),
                };
                for row in rows {
                    let (_, v) = row?;
                    let rec: R = decode(R::ENTITY, v.value())?;
                    if keep(&rec) {
                        out.push(rec);
                        if out.len() >= limit {
                            break;
                        }
                    }
                }
                Ok(out)
            }

            /// Number of records of a kind.
            pub fn count<R: Record>(&self) -> Result<u64, StoreError> {
                Ok(self.tx.open_table(R::TABLE)?.len()?)
            }

            /// The id holding a unique key of a kind.
            pub fn unique(&self, kind: &str, value: &str) -> Result<Option<Uuid>, StoreError> {
                let t = self.tx.open_table(UNIQUE)?;
                let v = t.get(unique_key(kind, value).as_str())?;
                Ok(v.map(|g| Uuid::from_u128(g.value())))
            }

            /// The record holding a unique key of a kind.
            pub fn by_unique<R: Record>(
                &self,
                kind: &str,
                value: &str,
            ) -> Result<Option<R>, StoreError> {
                match self.unique(kind, value)? {
                    Some(id) => self.get(id),
                    None => Ok(None),
                }
            }

            /// The employee a regenerated badge token belonged to.
            pub fn retired_badge(&self, token: &str) -> Result<Option<Uuid>, StoreError> {
                let t = self.tx.open_table(RETIRED_BADGES)?;
                Ok(t.get(token)?.map(|g| Uuid::from_u128(g.value())))
            }

            /// Records of kind `R` listed in a pair index under `owner`.
            pub fn owned<R: Record>(
                &self,
                index: PairIndex,
                owner: Uuid,
            ) -> Result<Vec<R>, StoreError> {
                let idx = self.tx.open_table(index)?;
                let t = self.tx.open_table(R::TABLE)?;
                let o = owner.as_u128();
                let mut out = Vec::new();
                for row in idx.range((o, 0)..=(o, u128::MAX))? {
                    let (k, _) = row?;
                    if let Some(v) = t.get(k.value().1)? {
                        out.push(decode(R::ENTITY, v.value())?);
                    }
                }
                Ok(out)
            }

            /// Every certification of an employee (revoked and deleted included).
            pub fn certifications_of(
                &self,
                employee: Uuid,
            ) -> Result<Vec<Certification>, StoreError> {
                self.owned(CERTS_BY_EMPLOYEE, employee)
            }

            /// Every certification in a skill (revoked and deleted included).
            pub fn certifications_in(&self, skill: Uuid) -> Result<Vec<Certification>, StoreError> {
                self.owned(CERTS_BY_SKILL, skill)
            }

            /// Requirement rows of a skill (deleted included).
            pub fn requirements_of(&self, skill: Uuid) -> Result<Vec<Requirement>, StoreError> {
                self.owned(REQUIREMENTS_BY_SKILL, skill)
            }

            /// Revisions of a skill, in sequence order.
            pub fn revisions_of(&self, skill: Uuid) -> Result<Vec<SkillRevision>, StoreError> {
                let mut v: Vec<SkillRevision> = self.owned(REVISIONS_BY_SKILL, skill)?;
                v.sort_by_key(|r| r.sequence);
                Ok(v)
            }

            /// Attachment metadata by SHA-256.
            pub fn attachment(&self, sha: &str) -> Result<Option<Attachment>, StoreError> {
                let t = self.tx.open_table(ATTACHMENTS)?;
                t.get(sha)?
                    .map(|g| decode("attachment", g.value()))
                    .transpose()
            }

            /// Every attachment's metadata.
            pub fn attachments(&self) -> Result<Vec<Attachment>, StoreError> {
                let t = self.tx.open_table(ATTACHMENTS)?;
                let mut out = Vec::new();
                for row in t.iter()? {
                    out.push(decode("attachment", row?.1.value())?);
                }
                Ok(out)
            }

            /// The audit chain's head.
            pub fn audit_head(&self) -> Result<ChainHead, StoreError> {
                let meta = self.tx.open_table(META)?;
                let v = meta.get(AUDIT_HEAD_KEY)?;
                match v {
                    Some(g) => serde_json::from_slice(g.value()).map_err(|e| StoreError::Decode {
                        entity: "audit head",
                        message: e.to_string(),
                    }),
                    None => Ok(ChainHead::default()),
                }
            }

            /// Audit events with sequence numbers in `range`, in order.
            pub fn audit_events(
                &self,
                range: std::ops::RangeInclusive<u64>,
            ) -> Result<Vec<AuditEvent>, StoreError> {
                let t = self.tx.open_table(AUDIT)?;
                let mut out = Vec::new();
                for row in t.range(range)? {
                    let (_, v) = row?;
                    out.push(serde_json::from_slice(v.value()).map_err(|e| {
                        StoreError::Decode {
                            entity: "audit event",
                            message: e.to_string(),
                        }
                    })?);
                }
                Ok(out)
            }

            /// Audit events from the newest backwards, while `f` returns `true`.
            pub fn audit_newest_first(
                &self,
                mut f: impl FnMut(AuditEvent) -> bool,
            ) -> Result<(), StoreError> {
                let t = self.tx.open_table(AUDIT)?;
                for row in t.iter()?.rev() {
                    let (_, v) = row?;
                    let e = serde_json::from_slice(v.value()).map_err(|e| StoreError::Decode {
                        entity: "audit event",
                        message: e.to_string(),
                    })?;
                    if !f(e) {
                        break;
                    }
                }
                Ok(())
            }

            /// Check the whole audit chain, and that its head carries this box's seal and no
            /// write ever found the seal broken.
            pub fn verify_audit(&self) -> Result<ChainReport, StoreError> {
                let events = self.audit_events(1..=u64::MAX)?;
                let head = self.audit_head()?;
                let report = verify_chain(events, &head);
                if !report.intact {
                    return Ok(report);
                }
                let unsealed = |problem: String| ChainReport {
                    intact: false,
                    first_broken_seq: None,
                    problem: Some(problem),
                    ..report.clone()
                };
                if let Some(b) = self.audit_seal_break()? {
                    return Ok(unsealed(format!(
                        "the chain's seal did not match at event {} (found {}): the store \
                         file was changed outside Caliber",
                        b.seq, b.found_at
                    )));
                }
                let sealed = match self.audit_seal()? {
                    Some(seal) => self.audit_key.verifies(&seal, &head),
                    None => head.seq == 0,
                };
                if !sealed {
                    return Ok(unsealed(
                        "the chain's seal does not match its head: the store file was \
                         changed outside Caliber, or the audit key was replaced"
                            .to_owned(),
                    ));
                }
                Ok(report)
            }

            /// The chain head's seal, if one was written.
            pub fn audit_seal(&self) -> Result<Option<ChainSeal>, StoreError> {
                self.meta_value(AUDIT_SEAL_KEY, "audit seal")
            }

            /// When a write found the seal broken, if one ever did.
            pub fn audit_seal_break(&self) -> Result<Option<SealBreak>, StoreError> {
                self.meta_value(AUDIT_SEAL_BROKEN_KEY, "audit seal break")
            }

            fn meta_value<T: serde::de::DeserializeOwned>(
                &self,
                key: &str,
                entity: &'static str,
            ) -> Result<Option<T>, StoreError> {
                let meta = self.tx.open_table(META)?;
                let v = meta.get(key)?;
                v.map(|g| {
                    serde_json::from_slice(g.value()).map_err(|e| StoreError::Decode {
                        entity,
                        message: e.to_string(),
                    })
                })
                .transpose()
            }

            /// Record counts per table.
            pub fn counts(&self) -> Result<Counts, StoreError> {
                use crate::domain::*;
                Ok(Counts {
                    sites: self.count::<Site>()?,
                    departments: self.count::<Department>()?,
                    roles: self.count::<Role>()?,
                    projects: self.count::<Project>()?,
                    users: self.count::<User>()?,
                    employees: self.count::<Employee>()?,
                    skills: self.count::<Skill>()?,
                    skill_revisions: self.count::<SkillRevision>()?,
                    requirements: self.count::<Requirement>()?,
                    certifications: self.count::<Certification>()?,
                    stations: self.count::<Station>()?,
                    scan_events: self.count::<ScanEvent>()?,
                    audit_events: self.tx.open_table(AUDIT)?.len()?,
                    attachments: self.tx.open_table(ATTACHMENTS)?.len()?,
                })
            }
        }
    };
}

read_ops!(Reader);
read_ops!(Writer);

/// Remove fields that are secrets (hashes of passwords and keys) from an audit value.
fn audit_json<T: Serialize>(value: &T) -> Option<String> {
    let mut v = serde_json::to_value(value).ok()?;
    if let Some(map) = v.as_object_mut() {
        for secret in ["password_hash", "key_hash", "token_hash", "badge_token"] {
            if map.contains_key(secret) {
                map.insert(
                    secret.to_owned(),
                    serde_json::Value::String("(secret)".into()),
                );
            }
        }
    }
    serde_json::to_string(&v).ok()
}

impl Writer {
    /// The time this transaction started; every record it writes uses it.
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// Who is writing.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Insert or replace a record, keeping its unique keys and pair-index entries in step in
    /// the same transaction: keys the old version held and the new one does not are released,
    /// new keys are claimed (a key held by another record fails with
    /// [`StoreError::Duplicate`]), and index entries follow owner changes.
    pub fn put<R: Record>(&mut self, record: &R) -> Result<(), StoreError> {
        let id = record.id();
        let all_keys = record.unique_keys();
        let new_owners = record.owners();
        if !all_keys.is_empty() || !new_owners.is_empty() {
            let new_keys = if record.is_live() {
                all_keys
            } else {
                Vec::new()
            };
            let old: Option<R> = self.get(id)?;
            if let Some(old) = &old {
                if old.is_live() {
                    for (kind, value) in old.unique_keys() {
                        if !new_keys.iter().any(|(k, v)| *k == kind && *v == value) {
                            self.release_unique(kind, &value)?;
                        }
                    }
                }
                for (index, owner) in old.owners() {
                    if !new_owners
                        .iter()
                        .any(|(i, o)| i.name() == index.name() && *o == owner)
                    {
                        self.tx
                            .open_table(index)?
                            .remove((owner.as_u128(), id.as_u128()))?;
                    }
                }
            }
            for (kind, value) in &new_keys {
                self.claim_unique(kind, value, id)?;
            }
            for (index, owner) in new_owners {
                self.tx
                    .open_table(index)?
                    .insert((owner.as_u128(), id.as_u128()), ())?;
            }
        }
        let bytes = encode(R::ENTITY, record)?;
        self.tx
            .open_table(R::TABLE)?
            .insert(id.as_u128(), bytes.as_slice())?;
        self.catalog_dirty |= R::IN_CATALOG;
        self.unaudited = true;
        if record.as_certification().is_some() {
            // The cache holds what the file holds (timestamps as stored, not as passed in).
            self.certifications.push(decode(R::ENTITY, &bytes)?);
        }
        Ok(())
    }

    /// Claim a unique key for `id`; fails if another record holds it.
    fn claim_unique(
        &mut self,
        kind: &'static str,
        value: &str,
        id: Uuid,
    ) -> Result<(), StoreError> {
        let mut t = self.tx.open_table(UNIQUE)?;
        let key = unique_key(kind, value);
        if let Some(holder) = t.get(key.as_str())?
            && holder.value() != id.as_u128()
        {
            return Err(StoreError::Duplicate {
                kind,
                value: value.to_owned(),
            });
        }
        t.insert(key.as_str(), id.as_u128())?;
        Ok(())
    }

    /// Release a unique key (when a record changes the value or stops counting).
    fn release_unique(&mut self, kind: &str, value: &str) -> Result<(), StoreError> {
        let mut t = self.tx.open_table(UNIQUE)?;
        t.remove(unique_key(kind, value).as_str())?;
        Ok(())
    }

    /// Remember that a regenerated badge token belonged to `employee`.
    pub fn retire_badge(&mut self, token: &str, employee: Uuid) -> Result<(), StoreError> {
        let mut t = self.tx.open_table(RETIRED_BADGES)?;
        t.insert(token, employee.as_u128())?;
        self.unaudited = true;
        Ok(())
    }

    /// Store attachment metadata.
    pub fn put_attachment(&mut self, a: &Attachment) -> Result<(), StoreError> {
        let bytes = encode("attachment", a)?;
        let mut t = self.tx.open_table(ATTACHMENTS)?;
        t.insert(a.sha256.as_str(), bytes.as_slice())?;
        self.unaudited = true;
        Ok(())
    }

    /// Append an audit event for a change to `entity`/`id`, before → after.
    ///
    /// Invariant: the trail only grows by bounded events. Who, address and user agent are
    /// cut to [`MAX_AUDIT_ACTOR`], [`MAX_AUDIT_IP`] and [`MAX_AUDIT_USER_AGENT`] characters;
    /// an old or new value over [`MAX_AUDIT_VALUE`] bytes refuses the whole transaction
    /// (the service layer refuses over-long input first, with the field's own message).
    pub fn audit<O: Serialize, N: Serialize>(
        &mut self,
        action: &str,
        entity: &str,
        id: Option<Uuid>,
        old: Option<&O>,
        new: Option<&N>,
    ) -> Result<AuditEvent, StoreError> {
        let head = self.audit_head()?;
        let (old_value, new_value) = (old.and_then(audit_json), new.and_then(audit_json));
        for (what, v) in [("the old value", &old_value), ("the new value", &new_value)] {
            if v.as_ref().is_some_and(|v| v.len() > MAX_AUDIT_VALUE) {
                return Err(StoreError::TooLarge {
                    what,
                    limit: MAX_AUDIT_VALUE,
                });
            }
        }
        let cut = |s: &str, n: usize| s.chars().take(n).collect::<String>();
        let mut event = AuditEvent {
            seq: head.seq + 1,
            at: self.now,
            actor: cut(&self.actor.name, MAX_AUDIT_ACTOR),
            action: action.to_owned(),
            entity: entity.to_owned(),
            entity_id: id,
            old_value,
            new_value,
            ip: self.actor.ip.as_deref().map(|s| cut(s, MAX_AUDIT_IP)),
            user_agent: self
                .actor
                .user_agent
                .as_deref()
                .map(|s| cut(s, MAX_AUDIT_USER_AGENT)),
            prev_hash: head.hash,
            hash: String::new(),
        };
        event.hash = event_hash(&event);
        self.put_audit_event(&event)?;
        self.unaudited = false;
        Ok(event)
    }

    /// Write `event` under its sequence number and make it the chain's head: the one place
    /// an audit row is stored, for a new event and for a restored one alike.
    ///
    /// Invariant: the new head is sealed with the box's audit key in the same transaction;
    /// a seal found not matching the old head is recorded for good first, so re-sealing never
    /// hides an edit made outside Caliber.
    fn put_audit_event(&mut self, event: &AuditEvent) -> Result<(), StoreError> {
        let old = self.audit_head()?;
        let seal_ok = match self.audit_seal()? {
            Some(seal) => self.audit_key.verifies(&seal, &old),
            None => old.seq == 0,
        };
        if !seal_ok && self.audit_seal_break()?.is_none() {
            tracing::error!(
                seq = old.seq,
                "the audit chain's seal does not match: the store was changed outside Caliber"
            );
            self.put_meta(
                AUDIT_SEAL_BROKEN_KEY,
                "audit seal break",
                &SealBreak {
                    seq: old.seq,
                    found_at: self.now,
                },
            )?;
        }
        let bytes = serde_json::to_vec(event).map_err(|e| StoreError::Encode {
            entity: "audit event",
            message: e.to_string(),
        })?;
        self.tx
            .open_table(AUDIT)?
            .insert(event.seq, bytes.as_slice())?;
        let head = ChainHead {
            seq: event.seq,
            hash: event.hash.clone(),
        };
        let head_bytes = serde_json::to_vec(&head).map_err(|e| StoreError::Encode {
            entity: "audit head",
            message: e.to_string(),
        })?;
        self.tx
            .open_table(META)?
            .insert(AUDIT_HEAD_KEY, head_bytes.as_slice())?;
        let seal = self.audit_key.seal(&head);
        self.put_meta(AUDIT_SEAL_KEY, "audit seal", &seal)
    }

    fn put_meta<T: Serialize>(
        &mut self,
        key: &str,
        entity: &'static str,
        value: &T,
    ) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(value).map_err(|e| StoreError::Encode {
            entity,
            message: e.to_string(),
        })?;
        self.tx.open_table(META)?.insert(key, bytes.as_slice())?;
        Ok(())
    }

    /// Append a scan event (not audited: scans are their own append-only log).
    pub fn record_scan(&mut self, scan: &crate::domain::ScanEvent) -> Result<(), StoreError> {
        let was = self.unaudited;
        self.put(scan)?;
        self.unaudited = was;
        Ok(())
    }
}
