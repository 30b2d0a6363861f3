//! A cache of loaded and validated trackers, so read commands and the
//! interface skip the YAML parse and the quote checks when nothing changed.
//!
//! One file per tracker in the user's cache folder (`TRACKER_CACHE_DIR`, or
//! `$XDG_CACHE_HOME/shibei-tracker`, or `~/.cache/shibei-tracker`; set
//! `TRACKER_CACHE_DIR=off` to disable it). The folder is used only when it
//! is the user's and nobody else may write in it (otherwise the cache is
//! off, and the first use says so on stderr); it is held open, and its files
//! are opened through it without following links and checked once open.
//!
//! A cache file holds the tracker encoded by postcard from the model's serde
//! derives, keyed by the length, modification time and content hash of the
//! file and of each report it cites: it is used only when all of them match
//! the files as read now, and only when it decodes completely with a
//! matching checksum; otherwise the file is parsed as usual. Hashes are
//! xxh3 keyed with a random secret kept in the folder (`secret`, 0600), so
//! a same-length file with the same hash cannot be built on purpose.
//! It is written to a private temporary file and renamed into place, so two
//! processes building it at once each leave a whole cache, never a torn one.
//! Nothing here is needed for correctness: any failure means "parse".

use super::disk::PrivateDir;
use crate::domain::guard::SameNames;
use crate::domain::model::Tracker;
use serde::{Deserialize, Serialize};
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;
use xxhash_rust::xxh3::Xxh3;

/// Smaller files parse in a few milliseconds: not worth a cache file.
pub const MIN_BYTES: usize = 1 << 20;

/// Bumped whenever the layout or the model changes shape.
const MAGIC: &[u8; 8] = b"SHBTC009";

/// Bytes read or written at a time: a cache is never held whole.
const WINDOW: usize = 1 << 18;

/// The longest string a cache can give back.
const SCRATCH: usize = 1 << 20;

/// The key of every hash: 192 random bytes (xxh3's secret size), made once
/// per user from the system's random source and kept in the cache folder.
type Secret = [u8; 192];
const SECRET_FILE: &str = "secret";

/// The keyed hash of `bytes`.
fn content_hash(secret: &Secret, bytes: &[u8]) -> u64 {
    let mut h = Xxh3::with_secret(*secret);
    h.update(bytes);
    h.digest()
}

/// The cache folder, open and trusted, with its secret.
struct Folder {
    dir: PrivateDir,
    secret: Secret,
}

/// The cache folder this process would use (`None`: caching is off or
/// there is no home).
pub fn cache_dir() -> Option<PathBuf> {
    match std::env::var_os("TRACKER_CACHE_DIR") {
        Some(d) if d == "off" || d.is_empty() => None,
        Some(d) => Some(PathBuf::from(d)),
        None => std::env::var_os("XDG_CACHE_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .map(|d| d.join("shibei-tracker")),
    }
}

/// Whether this process caches (its folder is usable).
pub fn enabled() -> bool {
    folder().is_some()
}

/// The cache folder of this process, opened on first use. A folder that
/// someone else could change turns the cache off, said once on stderr.
fn folder() -> Option<&'static Folder> {
    static FOLDER: std::sync::OnceLock<Option<Folder>> = std::sync::OnceLock::new();
    FOLDER
        .get_or_init(|| {
            let path = cache_dir()?;
            match Folder::open(&path) {
                Ok(f) => Some(f),
                Err(Some(why)) => {
                    let line = format!(
                        "shibei-tracker: note: the cache is off: {} is not safe to use ({why}); make it yours and private (chown, chmod 700), or set TRACKER_CACHE_DIR to a folder of your own",
                        path.display()
                    );
                    let line = crate::text::escape_controls(&line);
                    let _ = writeln!(io::stderr().lock(), "{line}");
                    None
                }
                Err(None) => None,
            }
        })
        .as_ref()
}

impl Folder {
    /// Opens the cache folder `path` and its secret (made when missing).
    /// `Err(Some(why))`: the folder is not safe to use; `Err(None)`: it
    /// cannot be used (no such place, a read-only disk, no way to check).
    fn open(path: &Path) -> Result<Folder, Option<String>> {
        let dir = PrivateDir::open(path)?;
        let secret = secret(&dir).ok_or(None)?;
        Ok(Folder { dir, secret })
    }
}

/// The folder's secret: read if it is a private file of ours of the right
/// size, otherwise made anew under a temporary name and linked into place
/// (of two processes making it at once, the first link wins and both use
/// it); a file there that is not fit to use is replaced.
fn secret(dir: &PrivateDir) -> Option<Secret> {
    let read = || {
        let (mut f, len) = dir.open_file(SECRET_FILE, true)?;
        let mut s = [0u8; 192];
        (len == s.len() as u64 && f.read_exact(&mut s).is_ok()).then_some(s)
    };
    if let Some(s) = read() {
        return Some(s);
    }
    let mut s = [0u8; 192];
    getrandom::fill(&mut s).ok()?;
    let tmp = temp_name(SECRET_FILE);
    let made = dir.create(&tmp).and_then(|mut f| f.write_all(&s));
    let linked = made.and_then(|()| dir.link(&tmp, SECRET_FILE));
    if linked.is_ok() {
        let _ = dir.remove(&tmp);
        return Some(s);
    }
    if let Some(theirs) = read() {
        let _ = dir.remove(&tmp);
        return Some(theirs);
    }
    match dir.rename(&tmp, SECRET_FILE) {
        Ok(()) => Some(s),
        Err(_) => {
            let _ = dir.remove(&tmp);
            None
        }
    }
}

/// A private temporary name per process and call, beside `name`.
fn temp_name(name: &str) -> String {
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nonce = std::time::SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
        ^ CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!(".{name}.{}.{nonce:x}.tmp", std::process::id())
}

/// The cache file of a tracker: named by a hash of its full path.
fn cache_name(file: &Path) -> Option<String> {
    let full = fs::canonicalize(file).ok()?;
    let h = xxhash_rust::xxh3::xxh3_64(full.as_os_str().as_encoded_bytes());
    Some(format!("{h:016x}.bin"))
}

/// Length, mtime (ns since the epoch) and content hash of a file as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    len: u64,
    mtime: u64,
    hash: u64,
}

fn mtime_of(meta: &fs::Metadata) -> Option<u64> {
    Some(
        meta.modified()
            .ok()?
            .duration_since(UNIX_EPOCH)
            .ok()?
            .as_nanos() as u64,
    )
}

fn stamp(secret: &Secret, path: &Path, bytes: &[u8]) -> Option<Stamp> {
    Some(Stamp {
        len: bytes.len() as u64,
        mtime: mtime_of(&fs::metadata(path).ok()?)?,
        hash: content_hash(secret, bytes),
    })
}

/// The layout of a cache file: the magic, the checksum of all that
/// follows, then postcard's encoding of the reports' names and stamps, of
/// the tracker and of whether the file is in the writer's own form, and
/// last the stamp of the tracker file as raw bytes (known only once a
/// save has written it, and compared before anything is decoded).
const HEAD: u64 = 16;
const KEY: u64 = 24;

fn key_bytes(s: Stamp) -> [u8; KEY as usize] {
    let mut k = [0u8; KEY as usize];
    k[..8].copy_from_slice(&s.len.to_le_bytes());
    k[8..16].copy_from_slice(&s.mtime.to_le_bytes());
    k[16..].copy_from_slice(&s.hash.to_le_bytes());
    k
}

/// Reads or writes through to `inner`, hashing the bytes as they pass
/// (beneath a window buffer, so the hash takes them in large pieces).
struct Summed<T> {
    inner: T,
    hash: Xxh3,
}

impl<T> Summed<T> {
    fn new(inner: T, secret: &Secret) -> Self {
        Summed {
            inner,
            hash: Xxh3::with_secret(*secret),
        }
    }
}

impl<R: Read> Read for Summed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
}

impl<W: Write> Write for Summed<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The stamp of the open file `f` of `len` bytes, hashed a window at a time
/// and not kept (`None` if it changed while read).
fn stamp_open(secret: &Secret, f: File, len: u64) -> Option<Stamp> {
    let mtime = mtime_of(&f.metadata().ok()?)?;
    let mut r = BufReader::with_capacity(WINDOW, Summed::new(f.take(len + 1), secret));
    let read = io::copy(&mut r, &mut io::sink()).ok()?;
    let r = r.into_inner();
    (read == len && mtime_of(&r.inner.get_ref().metadata().ok()?)? == mtime).then(|| Stamp {
        len,
        mtime,
        hash: r.hash.digest(),
    })
}

/// The tracker cached for `file` if the cache holds the file as it is on
/// disk now (and its reports as they are in `seeds`): the file is hashed
/// as it is read, never held, for a command that needs only the tracker.
/// `limit` bounds the file's size, as every read of it.
pub fn get_current(file: &Path, seeds: &Path, limit: u64) -> Option<Tracker> {
    let (f, len) = super::disk::open_bounded(file, limit).ok()?;
    if len < MIN_BYTES as u64 {
        return None;
    }
    let folder = folder()?;
    let want = stamp_open(&folder.secret, f, len)?;
    get_stamped(folder, file, want, seeds).map(|(t, _, _)| t)
}

/// The tracker cached for `file`, if the cache matches `text` (the file's
/// content as just read) and the reports in `seeds` as they are now; and
/// whether `text` is the writer's own form of it (see `store::Loaded`).
pub fn get(file: &Path, text: &str, seeds: &Path) -> Option<(Tracker, bool, Option<SameNames>)> {
    let folder = folder()?;
    get_stamped(
        folder,
        file,
        stamp(&folder.secret, file, text.as_bytes())?,
        seeds,
    )
}

/// The tracker cached for `file`, if the cache was made from the file as
/// stamped `want`, with its form.
fn get_stamped(
    folder: &Folder,
    file: &Path,
    want: Stamp,
    seeds: &Path,
) -> Option<(Tracker, bool, Option<SameNames>)> {
    let (mut f, len) = folder.dir.open_file(&cache_name(file)?, false)?;
    if len < HEAD + KEY || len > want.len.saturating_mul(4).saturating_add(1 << 20) {
        return None;
    }
    let mut head = [0u8; HEAD as usize];
    f.read_exact(&mut head).ok()?;
    if &head[..8] != MAGIC {
        return None;
    }
    let want = key_bytes(want);
    let mut key = [0u8; KEY as usize];
    f.seek(SeekFrom::Start(len - KEY)).ok()?;
    f.read_exact(&mut key).ok()?;
    if key != want {
        return None;
    }
    f.seek(SeekFrom::Start(HEAD)).ok()?;
    let r = BufReader::with_capacity(
        WINDOW,
        Summed::new(f.take(len - HEAD - KEY), &folder.secret),
    );
    // Each string is decoded through this space. A scratch the size of
    // the cache was measured to add 11 % to `progress`'s peak at 10k; a
    // string longer than this (a note of a book's length) makes the cache
    // decline, and the file is parsed.
    let mut scratch = vec![0u8; SCRATCH];
    let (reports, (r, _)) = postcard::from_io::<Vec<(String, Stamp)>, _>((r, &mut scratch)).ok()?;
    for (name, cached) in reports {
        let body = super::read_source(seeds, &name).ok()?;
        if stamp(&folder.secret, &seeds.join(&name), body.as_bytes())? != cached {
            return None;
        }
    }
    let (t, (r, _)) = postcard::from_io::<Tracker, _>((r, &mut scratch)).ok()?;
    let (same, (r, _)) =
        postcard::from_io::<Option<Vec<(bool, u32, u32)>>, _>((r, &mut scratch)).ok()?;
    let (written, (mut r, _)) = postcard::from_io::<bool, _>((r, &mut scratch)).ok()?;
    if !r.fill_buf().ok()?.is_empty() {
        return None;
    }
    let mut sum = r.into_inner().hash;
    sum.update(&key);
    if sum.digest().to_le_bytes() != head[8..] {
        return None;
    }
    let same = match same {
        Some(kept) => Some(same_names_read(&t, kept)?),
        None => None,
    };
    Some((t, written, same))
}

/// The same-name pairs as the cache keeps them: (a project's, first,
/// second); indices checked against the tracker.
fn same_names_read(t: &Tracker, kept: Vec<(bool, u32, u32)>) -> Option<SameNames> {
    kept.into_iter()
        .map(|(project, a, b)| {
            let (kind, len) = if project {
                ("project", t.projects.len())
            } else {
                ("target", t.targets.len())
            };
            let (a, b) = (a as usize, b as usize);
            (a < len && b < len).then_some((kind, a, b))
        })
        .collect()
}

/// Caches `t`, validated from `text` (the content of `file`) against the
/// reports in `seeds`. Failures are ignored: the cache is an optimisation.
/// `written`: `text` is the writer's own form of `t`.
/// `same`: `guard::same_names(t)`, which `validate` then reads from the
/// cache instead of hashing every name again.
pub fn put(file: &Path, text: &str, seeds: &Path, t: &Tracker, written: bool, same: &SameNames) {
    if let Some(p) = folder().and_then(|f| prepare_in(f, file, seeds, t, Some(same))) {
        store(file, text, p, written);
    }
}

/// A cache of a validated tracker written to a temporary file, waiting
/// for the stamp of the file text it belongs to: a save prepares it on
/// another core while it writes the tracker file, and stores it after.
/// Dropped unstored, it leaves nothing behind.
pub struct Prepared {
    out: Option<BufWriter<Summed<File>>>,
    folder: &'static Folder,
    tmp: String,
    name: String,
}

impl Drop for Prepared {
    fn drop(&mut self) {
        // Renamed into place by `store`, or left over: either way gone.
        let _ = self.folder.dir.remove(&self.tmp);
    }
}

/// Encodes `t` with the stamps of the reports in `seeds` it cites into a
/// private temporary file beside the cache of `file` (`None` if a report
/// cannot be read or the file cannot be made).
///
/// The same-name pairs are left to the next `validate`: hashing every name
/// on the save's path took `set-status` at 10k from 1.05x to 1.19x the
/// build before issue 17 (benches: alternated runs).
pub fn prepare(file: &Path, seeds: &Path, t: &Tracker) -> Option<Prepared> {
    prepare_in(folder()?, file, seeds, t, None)
}

fn prepare_in(
    folder: &'static Folder,
    file: &Path,
    seeds: &Path,
    t: &Tracker,
    same: Option<&SameNames>,
) -> Option<Prepared> {
    let name = cache_name(file)?;
    let tmp = temp_name(&name);
    // Created exclusively (never through a link), private.
    let mut f = folder.dir.create(&tmp).ok()?;
    // The checksum's place is filled in by `store`.
    let mut head = [0u8; HEAD as usize];
    head[..8].copy_from_slice(MAGIC);
    let started = f.write_all(&head);
    let mut p = Prepared {
        out: Some(BufWriter::with_capacity(
            WINDOW,
            Summed::new(f, &folder.secret),
        )),
        folder,
        tmp,
        name,
    };
    started.ok()?;
    let mut files: Vec<&str> = t.sources.iter().map(|s| s.file.as_str()).collect();
    files.sort_unstable();
    files.dedup();
    let mut reports = Vec::with_capacity(files.len());
    for name in files {
        let text = super::read_source(seeds, name).ok()?;
        let s = stamp(&folder.secret, &seeds.join(name), text.as_bytes())?;
        reports.push((name, s));
    }
    let out = p.out.as_mut()?;
    postcard::to_io(&reports, &mut *out).ok()?;
    postcard::to_io(t, &mut *out).ok()?;
    let same: Option<Vec<(bool, u32, u32)>> = same.map(|same| {
        same.iter()
            .map(|&(kind, a, b)| (kind == "project", a as u32, b as u32))
            .collect()
    });
    postcard::to_io(&same, &mut *out).ok()?;
    Some(p)
}

/// Stores a prepared cache for `file`, whose content is `text` (`written`:
/// in the writer's own form).
pub fn store(file: &Path, text: &str, mut prepared: Prepared, written: bool) {
    // On any failure `Prepared`'s drop removes the temporary file.
    let Some(mut out) = prepared.out.take() else {
        return;
    };
    let Some(key) = stamp(&prepared.folder.secret, file, text.as_bytes()) else {
        return;
    };
    if postcard::to_io(&written, &mut out).is_err() || out.write_all(&key_bytes(key)).is_err() {
        return;
    }
    let Ok(Summed { inner: mut f, hash }) = out.into_inner() else {
        return;
    };
    if f.seek(SeekFrom::Start(8)).is_ok() && f.write_all(&hash.digest().to_le_bytes()).is_ok() {
        let _ = prepared.folder.dir.rename(&prepared.tmp, &prepared.name);
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A cache folder of its own (the process's one is fixed at first use).
    fn folder_in(dir: &Path) -> &'static Folder {
        match Folder::open(dir) {
            Ok(f) => Box::leak(Box::new(f)),
            Err(why) => panic!("a private folder: {why:?}"),
        }
    }

    fn bundled() -> (PathBuf, String, PathBuf, Tracker) {
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tracker.yaml");
        let text = fs::read_to_string(&file).expect("bundled tracker");
        let t = super::super::load(&file).expect("loads").tracker;
        let seeds = super::super::seeds_dir(&file);
        (file, text, seeds, t)
    }

    fn put_in(folder: &'static Folder, file: &Path, text: &str, seeds: &Path, t: &Tracker) {
        let same = crate::domain::guard::same_names(t);
        let p = prepare_in(folder, file, seeds, t, Some(&same)).expect("prepared");
        store(file, text, p, true);
    }

    fn get_in(folder: &Folder, file: &Path, text: &str, seeds: &Path) -> Option<(Tracker, bool)> {
        let want = stamp(&folder.secret, file, text.as_bytes())?;
        let (t, written, same) = get_stamped(folder, file, want, seeds)?;
        assert_eq!(
            same,
            Some(crate::domain::guard::same_names(&t)),
            "same names kept"
        );
        Some((t, written))
    }

    #[test]
    fn the_bundled_tracker_round_trips_exactly_and_a_damaged_cache_is_refused() {
        let dir = tempfile::tempdir().expect("dir");
        let folder = folder_in(&dir.path().join("c"));
        let (file, text, seeds, t) = bundled();
        put_in(folder, &file, &text, &seeds, &t);
        assert_eq!(
            get_in(folder, &file, &text, &seeds),
            Some((t.clone(), true))
        );
        let cache = dir.path().join("c").join(cache_name(&file).expect("name"));
        let good = fs::read(&cache).expect("cache");
        // Any cut short or flipped byte is refused, never a wrong tracker.
        for at in [
            0,
            9,
            17,
            good.len() / 3,
            good.len() / 2,
            good.len() - 30,
            good.len() - 1,
        ] {
            let mut bad = good.clone();
            bad[at] ^= 0x20;
            fs::write(&cache, &bad).expect("damage");
            assert_eq!(get_in(folder, &file, &text, &seeds), None, "byte {at}");
        }
        for cut in [1, 25, good.len() / 2] {
            fs::write(&cache, &good[..good.len() - cut]).expect("cut");
            assert_eq!(get_in(folder, &file, &text, &seeds), None, "cut {cut}");
        }
        fs::write(&cache, &good).expect("restore");
        assert!(get_in(folder, &file, &text, &seeds).is_some());
        // Another text of the file: not this cache.
        let other = text.replacen("schema_version: 2", "schema_version: 2 ", 1);
        assert_eq!(get_in(folder, &file, &other, &seeds), None);
    }

    #[test]
    fn the_hash_is_keyed_and_summed_in_pieces_as_a_whole() {
        let bytes: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
        let (mut a, mut b) = ([0u8; 192], [0u8; 192]);
        getrandom::fill(&mut a).expect("random");
        getrandom::fill(&mut b).expect("random");
        for n in [0, 1, 16, 17, 128, 129, 240, 241, 1024, 5000] {
            assert_ne!(
                content_hash(&a, &bytes[..n]),
                content_hash(&b, &bytes[..n]),
                "{n} bytes under two secrets"
            );
        }
        for cut in [0, 1, 63, 64, 65, 240, 1024, 4999, 5000] {
            let mut s = Summed::new(io::sink(), &a);
            s.write_all(&bytes[..cut]).expect("write");
            s.write_all(&bytes[cut..]).expect("write");
            assert_eq!(s.hash.digest(), content_hash(&a, &bytes), "cut at {cut}");
        }
    }

    #[test]
    fn a_cache_made_under_another_secret_is_not_used() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("c");
        let folder = folder_in(&path);
        let (file, text, seeds, t) = bundled();
        put_in(folder, &file, &text, &seeds, &t);
        assert!(get_in(folder, &file, &text, &seeds).is_some());
        let secret = path.join(SECRET_FILE);
        for change in ["remove", "rewrite"] {
            if change == "remove" {
                fs::remove_file(&secret).expect("remove");
            } else {
                fs::write(&secret, [7u8; 192]).expect("rewrite");
            }
            let again = folder_in(&path);
            assert_ne!(again.secret, folder.secret, "{change}");
            assert_eq!(get_in(again, &file, &text, &seeds), None, "{change}");
        }
    }

    #[test]
    fn a_secret_others_may_read_is_replaced_and_a_link_is_not_followed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("c");
        let folder = folder_in(&path);
        let secret = path.join(SECRET_FILE);
        assert_eq!(
            fs::metadata(&secret).expect("made").permissions().mode() & 0o777,
            0o600
        );
        fs::set_permissions(&secret, fs::Permissions::from_mode(0o644)).expect("chmod");
        let again = folder_in(&path);
        assert_ne!(again.secret, folder.secret, "a readable secret is not kept");
        assert_eq!(
            fs::metadata(&secret).expect("remade").permissions().mode() & 0o777,
            0o600
        );

        // A cache file swapped for a link to a copy of itself is not read.
        let (file, text, seeds, t) = bundled();
        put_in(again, &file, &text, &seeds, &t);
        let cache = path.join(cache_name(&file).expect("name"));
        let copy = dir.path().join("copy.bin");
        fs::copy(&cache, &copy).expect("copy");
        fs::set_permissions(&copy, fs::Permissions::from_mode(0o600)).expect("chmod");
        fs::remove_file(&cache).expect("remove");
        std::os::unix::fs::symlink(&copy, &cache).expect("link");
        assert_eq!(get_in(again, &file, &text, &seeds), None);
        fs::remove_file(&cache).expect("remove");
        fs::rename(&copy, &cache).expect("back");
        assert!(get_in(again, &file, &text, &seeds).is_some());
    }
}
