//! A valid bundle of the demo site, for the tests and the fuzz run that take bundles apart.

#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};

use caliber::backup::{self, DeviceKey, ExportOptions};
use caliber::store::Store;

/// The demo site with one evidence file, exported into `dir` as a signed, plain bundle:
/// the bundle's path, the data directory (holding the device key) and the key.
pub fn demo_bundle(dir: &Path) -> (PathBuf, PathBuf, DeviceKey) {
    let data = dir.join("data");
    let store = Store::open(&data).expect("open");
    caliber::seed::seed_demo(&store, jiff::Timestamp::now()).expect("seed");
    caliber::service::store_attachment(
        &store,
        &caliber::store::Actor::named("test"),
        "note.txt",
        b"evidence\n",
    )
    .expect("attachment");
    let key = DeviceKey::load_or_create(&data).expect("key");
    let info = backup::export(&store, &key, dir, &ExportOptions::default()).expect("export");
    (info.path, data, key)
}

/// Every entry of a zip, in order: name and bytes.
pub fn entries_of(zip: impl std::io::Read + std::io::Seek) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(zip).expect("zip");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).expect("entry");
            let mut b = Vec::new();
            f.read_to_end(&mut b).expect("read");
            (f.name().expect("name").into_owned(), b)
        })
        .collect()
}
