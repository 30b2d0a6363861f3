//! A cache of loaded and validated trackers, so read commands and the
//! interface skip the YAML parse and the quote checks when nothing changed.
//!
//! One file per tracker in the user's cache folder (`TRACKER_CACHE_DIR`, or
//! `$XDG_CACHE_HOME/shibei-tracker`, or `~/.cache/shibei-tracker`; set
//! `TRACKER_CACHE_DIR=off` to disable it). It holds the tracker in a compact
//! binary form, keyed by the file's length, modification time and a content
//! hash, and by the same for each report it cites: it is used only when all
//! of them match the files as read now, and only when it decodes completely
//! with a matching checksum; otherwise the file is parsed as usual.
//! It is written to a temporary file and renamed into place, so two
//! processes building it at once each leave a whole cache, never a torn one.
//! Nothing here is needed for correctness: any failure means "parse".

use crate::domain::model::*;
use crate::domain::{PartialDate, Status};
use chrono::NaiveDate;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// Smaller files parse in a few milliseconds: not worth a cache file.
pub const MIN_BYTES: usize = 1 << 20;

/// Bumped whenever the encoding or the model changes shape.
const MAGIC: &[u8; 8] = b"SHBTC003";

/// A fast 64-bit hash of the bytes (not cryptographic: together with the
/// length and mtime it tells a changed file from the one cached).
pub fn content_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = 0x243F_6A88_85A3_08D3 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h.rotate_left(23) ^ w).wrapping_mul(K);
    }
    let mut last = [0u8; 8];
    last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = (h.rotate_left(23) ^ u64::from_le_bytes(last)).wrapping_mul(K);
    h ^= h >> 29;
    h = h.wrapping_mul(K);
    h ^ (h >> 32)
}

/// Where caches go, or `None` when caching is off or there is no home.
fn cache_dir() -> Option<PathBuf> {
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

/// The cache file of a tracker: named by a hash of its full path.
fn cache_file(file: &Path) -> Option<PathBuf> {
    let dir = cache_dir()?;
    let full = fs::canonicalize(file).ok()?;
    let name = format!(
        "{:016x}.bin",
        content_hash(full.as_os_str().as_encoded_bytes())
    );
    Some(dir.join(name))
}

/// Length, mtime (ns since the epoch) and content hash of a file as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    mtime: u64,
    hash: u64,
}

fn stamp(path: &Path, bytes: &[u8]) -> Option<Stamp> {
    let meta = fs::metadata(path).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_nanos() as u64;
    Some(Stamp {
        len: bytes.len() as u64,
        mtime,
        hash: content_hash(bytes),
    })
}

/// The tracker cached for `file`, if the cache matches `text` (the file's
/// content as just read) and the reports in `seeds` as they are now.
pub fn get(file: &Path, text: &str, seeds: &Path) -> Option<Tracker> {
    let path = cache_file(file)?;
    // Only a cache we wrote ourselves is trusted (it skips validation): a
    // regular file, ours, writable by nobody else; and read with a bound.
    if !super::disk::private_to_me(&path) {
        return None;
    }
    let limit = (text.len() as u64)
        .saturating_mul(4)
        .saturating_add(1 << 20);
    let bytes = super::disk::read_bounded(&path, limit).ok()?;
    let mut r = Reader::new(&bytes)?;
    let want = stamp(file, text.as_bytes())?;
    if Stamp::get(&mut r)? != want {
        return None;
    }
    let n = u32::get(&mut r)?;
    for _ in 0..n {
        let name = String::get(&mut r)?;
        let cached = Stamp::get(&mut r)?;
        let body = super::read_source(seeds, &name).ok()?;
        if stamp(&seeds.join(&name), body.as_bytes())? != cached {
            return None;
        }
    }
    let t = Tracker::get(&mut r)?;
    r.rest.is_empty().then_some(t)
}

/// Caches `t`, validated from `text` (the content of `file`) against the
/// reports in `seeds`. Failures are ignored: the cache is an optimisation.
pub fn put(file: &Path, text: &str, seeds: &Path, t: &Tracker) {
    if let Some(p) = prepare(seeds, t, text.len()) {
        store(file, text, p);
    }
}

/// A validated tracker and its reports' stamps, encoded, waiting for the
/// stamp of the file text it belongs to: a save prepares it on another
/// core while it writes the file, and stores it once the file is written.
pub struct Prepared {
    bytes: Vec<u8>,
}

/// Where the file's stamp goes in the cache: after the magic and the
/// checksum (a stamp is three u64).
const KEY_AT: usize = 16;
const KEY_END: usize = KEY_AT + 24;

/// Encodes `t` with the stamps of the reports in `seeds` it cites (`None`
/// if one cannot be read). `size` is the file's length, a capacity hint.
pub fn prepare(seeds: &Path, t: &Tracker, size: usize) -> Option<Prepared> {
    // Room is kept in front for the magic, the checksum and the file's
    // stamp, so the cache is built in one buffer (no second copy of it).
    let mut body = Vec::with_capacity(size);
    body.extend_from_slice(MAGIC);
    body.resize(KEY_END, 0);
    let files: Vec<&str> = {
        let mut v: Vec<&str> = t.sources.iter().map(|s| s.file.as_str()).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    (files.len() as u32).put(&mut body);
    for name in files {
        let text = super::read_source(seeds, name).ok()?;
        let s = stamp(&seeds.join(name), text.as_bytes())?;
        name.to_string().put(&mut body);
        s.put(&mut body);
    }
    t.put(&mut body);
    Some(Prepared { bytes: body })
}

/// Stores a prepared cache for `file`, whose content is `text`.
pub fn store(file: &Path, text: &str, prepared: Prepared) {
    let Some(path) = cache_file(file) else {
        return;
    };
    let Some(key) = stamp(file, text.as_bytes()) else {
        return;
    };
    let mut body = prepared.bytes;
    let mut k = Vec::with_capacity(KEY_END - KEY_AT);
    key.put(&mut k);
    body[KEY_AT..KEY_END].copy_from_slice(&k);
    let sum = content_hash(&body[KEY_AT..]).to_le_bytes();
    body[8..KEY_AT].copy_from_slice(&sum);
    let out = body;
    let Some(dir) = path.parent() else { return };
    if fs::create_dir_all(dir).is_err() {
        return;
    }
    // A private temporary name per process and call, renamed into place.
    let nonce = content_hash(
        &std::time::SystemTime::now()
            .elapsed()
            .map_or([0u8; 16], |d| d.as_nanos().to_le_bytes()),
    );
    let tmp = dir.join(format!(
        ".{}.{}.{nonce:x}.tmp",
        path.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        std::process::id()
    ));
    // Created exclusively (never through a link someone planted), private.
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let Ok(mut f) = options.open(&tmp) else {
        return;
    };
    if std::io::Write::write_all(&mut f, &out).is_err() || fs::rename(&tmp, &path).is_err() {
        let _ = fs::remove_file(&tmp);
    }
}

/// A cursor over the cache's bytes.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Checks the magic and the checksum of everything after them.
    fn new(bytes: &'a [u8]) -> Option<Self> {
        let rest = bytes.strip_prefix(MAGIC)?;
        let (sum, body) = rest.split_at_checked(8)?;
        (u64::from_le_bytes(sum.try_into().ok()?) == content_hash(body))
            .then_some(Reader { rest: body })
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (a, b) = self.rest.split_at_checked(n)?;
        self.rest = b;
        Some(a)
    }
}

/// The binary form of one value.
trait Codec: Sized {
    fn put(&self, out: &mut Vec<u8>);
    fn get(r: &mut Reader) -> Option<Self>;
}

impl Codec for u64 {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(u64::from_le_bytes(r.take(8)?.try_into().ok()?))
    }
}

impl Codec for u32 {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(u32::from_le_bytes(r.take(4)?.try_into().ok()?))
    }
}

impl Codec for i32 {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(i32::from_le_bytes(r.take(4)?.try_into().ok()?))
    }
}

impl Codec for f64 {
    fn put(&self, out: &mut Vec<u8>) {
        self.to_bits().put(out);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(f64::from_bits(u64::get(r)?))
    }
}

impl Codec for bool {
    fn put(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
    fn get(r: &mut Reader) -> Option<Self> {
        match r.take(1)?[0] {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

impl Codec for String {
    fn put(&self, out: &mut Vec<u8>) {
        (self.len() as u32).put(out);
        out.extend_from_slice(self.as_bytes());
    }
    fn get(r: &mut Reader) -> Option<Self> {
        let n = u32::get(r)? as usize;
        String::from_utf8(r.take(n)?.to_vec()).ok()
    }
}

impl<T: Codec> Codec for Option<T> {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(v) => {
                out.push(1);
                v.put(out);
            }
        }
    }
    fn get(r: &mut Reader) -> Option<Self> {
        match r.take(1)?[0] {
            0 => Some(None),
            1 => Some(Some(T::get(r)?)),
            _ => None,
        }
    }
}

impl<T: Codec> Codec for Vec<T> {
    fn put(&self, out: &mut Vec<u8>) {
        (self.len() as u32).put(out);
        for v in self {
            v.put(out);
        }
    }
    fn get(r: &mut Reader) -> Option<Self> {
        let n = u32::get(r)? as usize;
        // Every element takes at least one byte: a corrupt count cannot
        // make us reserve more than the file holds.
        if n > r.rest.len() {
            return None;
        }
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(T::get(r)?);
        }
        Some(v)
    }
}

impl Codec for NaiveDate {
    fn put(&self, out: &mut Vec<u8>) {
        use chrono::Datelike;
        self.num_days_from_ce().put(out);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        NaiveDate::from_num_days_from_ce_opt(i32::get(r)?)
    }
}

/// An enum as its position in a list of all its values.
macro_rules! enum_codec {
    ($t:ty, $all:expr) => {
        impl Codec for $t {
            fn put(&self, out: &mut Vec<u8>) {
                let i = $all.iter().position(|x| x == self).unwrap_or(0);
                out.push(i as u8);
            }
            fn get(r: &mut Reader) -> Option<Self> {
                $all.get(r.take(1)?[0] as usize).copied()
            }
        }
    };
}

enum_codec!(Status, Status::ALL);
enum_codec!(
    Comparator,
    [Comparator::AtLeast, Comparator::AtMost, Comparator::Exactly]
);
enum_codec!(Measure, [Measure::Level, Measure::Flow]);

impl Codec for Period {
    fn put(&self, out: &mut Vec<u8>) {
        match *self {
            Period::Year(y) => {
                out.push(0);
                y.put(out);
            }
            Period::Span { start, end } => {
                out.push(1);
                start.put(out);
                end.put(out);
            }
        }
    }
    fn get(r: &mut Reader) -> Option<Self> {
        match r.take(1)?[0] {
            0 => Some(Period::Year(i32::get(r)?)),
            1 => Some(Period::Span {
                start: NaiveDate::get(r)?,
                end: NaiveDate::get(r)?,
            }),
            _ => None,
        }
    }
}

/// A struct as its fields in order. Listing every field both ways (the
/// destructuring and the literal are exhaustive) makes a field added to
/// the model a compile error here until the cache carries it.
macro_rules! record_codec {
    ($t:ident { $($f:ident),* $(,)? }) => {
        impl Codec for $t {
            fn put(&self, out: &mut Vec<u8>) {
                let $t { $($f),* } = self;
                $( $f.put(out); )*
            }
            fn get(r: &mut Reader) -> Option<Self> {
                Some($t { $($f: Codec::get(r)?),* })
            }
        }
    };
}

record_codec!(Stamp { len, mtime, hash });
record_codec!(PartialDate { year, month, day });
record_codec!(Tracker {
    schema_version,
    sources,
    chains,
    areas,
    projects,
    targets
});
record_codec!(Source {
    id,
    file,
    title,
    outlet,
    author,
    published,
    dating_note
});
record_codec!(Chain {
    id,
    name_zh,
    name_en,
    aliases,
    featured,
    note
});
record_codec!(Area {
    id,
    name_zh,
    name_en,
    aliases,
    note
});
record_codec!(Evidence { source, quote });
record_codec!(Figure {
    value,
    unit,
    measures,
    source,
    quote
});
record_codec!(Milestone {
    due,
    expect,
    text,
    reached,
    source,
    quote,
    slipped_from
});
record_codec!(Slip {
    due,
    note,
    source,
    quote
});
record_codec!(HistoryEntry {
    date,
    status,
    note,
    source,
    quote
});
record_codec!(Project {
    id,
    name_zh,
    name_en,
    aliases,
    chain,
    area,
    parent,
    status,
    note,
    figures,
    milestones,
    history,
    sources
});
record_codec!(Baseline {
    value,
    date,
    source,
    quote
});
record_codec!(Observation {
    value,
    date,
    note,
    source,
    quote
});
record_codec!(Target {
    id,
    metric_zh,
    metric_en,
    chain,
    area,
    period,
    comparator,
    target,
    unit,
    measure,
    metric,
    baseline,
    observations,
    note,
    sources
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_tracker_round_trips_exactly() {
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tracker.yaml");
        let t = super::super::load(&file)
            .expect("bundled tracker loads")
            .tracker;
        let mut body = Vec::new();
        t.put(&mut body);
        let mut r = Reader { rest: &body };
        assert_eq!(Tracker::get(&mut r).as_ref(), Some(&t));
        assert!(r.rest.is_empty());
        // Any cut short or flipped byte is refused, never a wrong tracker.
        let mut r = Reader {
            rest: &body[..body.len() - 1],
        };
        assert!(Tracker::get(&mut r).is_none());
        let mut framed = MAGIC.to_vec();
        framed.extend_from_slice(&content_hash(&body).to_le_bytes());
        framed.extend_from_slice(&body);
        assert!(Reader::new(&framed).is_some());
        let n = framed.len();
        framed[n / 2] ^= 1;
        assert!(Reader::new(&framed).is_none());
    }

    #[test]
    fn the_hash_sees_every_byte_and_the_length() {
        let a = b"schema_version: 2\nprojects: []\n".to_vec();
        let mut b = a.clone();
        b[9] = b'X';
        assert_ne!(content_hash(&a), content_hash(&b));
        assert_ne!(content_hash(&a), content_hash(&a[..a.len() - 1]));
        assert_ne!(content_hash(b"a"), content_hash(b"a\0"));
    }
}
