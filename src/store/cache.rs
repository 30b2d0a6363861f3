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
const MAGIC: &[u8; 8] = b"SHBTC006";

/// A fast 64-bit hash of the bytes (not cryptographic: together with the
/// length and mtime it tells a changed file from the one cached).
pub fn content_hash(bytes: &[u8]) -> u64 {
    let mut s = Summer::new(bytes.len() as u64);
    s.add(bytes);
    s.finish()
}

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// `content_hash` over bytes given a piece at a time (the total length is
/// known in advance): a cache is summed as it is read, never held whole.
/// Four independent lanes of 8-byte words, so the multiplications overlap
/// (a tracker file is hashed on every command).
struct Summer {
    h: [u64; 4],
    /// Bytes of an unfinished 32-byte block.
    pending: [u8; 32],
    npending: usize,
}

impl Summer {
    fn new(len: u64) -> Self {
        let seed = 0x243F_6A88_85A3_08D3 ^ len;
        Summer {
            h: [
                seed,
                seed ^ K,
                seed.rotate_left(17),
                seed.rotate_left(41) ^ K,
            ],
            pending: [0; 32],
            npending: 0,
        }
    }

    fn block(&mut self, b: &[u8]) {
        for (lane, w) in self.h.iter_mut().zip(b.chunks_exact(8)) {
            let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
            *lane = (lane.rotate_left(23) ^ w).wrapping_mul(K);
        }
    }

    fn add(&mut self, mut bytes: &[u8]) {
        if self.npending > 0 {
            let n = (32 - self.npending).min(bytes.len());
            self.pending[self.npending..self.npending + n].copy_from_slice(&bytes[..n]);
            self.npending += n;
            bytes = &bytes[n..];
            if self.npending < 32 {
                return;
            }
            let p = self.pending;
            self.block(&p);
            self.npending = 0;
        }
        let mut chunks = bytes.chunks_exact(32);
        for c in &mut chunks {
            self.block(c);
        }
        let rest = chunks.remainder();
        self.pending[..rest.len()].copy_from_slice(rest);
        self.npending = rest.len();
    }

    fn finish(mut self) -> u64 {
        let mut last = [0u8; 32];
        last[..self.npending].copy_from_slice(&self.pending[..self.npending]);
        // The count of bytes in the last block tells "ab" from "ab\0".
        last[31] ^= self.npending as u8;
        self.block(&last);
        let [a, b, c, d] = self.h;
        let mut h = a ^ b.rotate_left(16) ^ c.rotate_left(32) ^ d.rotate_left(48);
        h ^= h >> 29;
        h = h.wrapping_mul(K);
        h ^= h >> 32;
        h = h.wrapping_mul(K);
        h ^ (h >> 29)
    }
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

/// The layout of a cache file: the magic, the checksum of all that
/// follows, the reports' names and stamps, the tracker, whether the file
/// is in the writer's own form, and last the stamp of the tracker file
/// (known only once a save has written it).
const HEAD: u64 = 16;
const KEY: u64 = 24;

/// A stamp as the cache stores it.
fn key_bytes(s: Stamp) -> [u8; KEY as usize] {
    let mut k = [0u8; KEY as usize];
    k[..8].copy_from_slice(&s.len.to_le_bytes());
    k[8..16].copy_from_slice(&s.mtime.to_le_bytes());
    k[16..].copy_from_slice(&s.hash.to_le_bytes());
    k
}

/// The stamp of `file` as it is on disk, read a window at a time and not
/// kept (`None` if it is smaller than a cached file, larger than `limit`,
/// or changed while read).
fn stamp_on_disk(file: &Path, limit: u64) -> Option<Stamp> {
    use std::io::Read;
    let (mut f, len) = super::disk::open_bounded(file, limit).ok()?;
    if len < MIN_BYTES as u64 {
        return None;
    }
    let mtime_of = |f: &fs::File| -> Option<u64> {
        Some(
            f.metadata()
                .ok()?
                .modified()
                .ok()?
                .duration_since(UNIX_EPOCH)
                .ok()?
                .as_nanos() as u64,
        )
    };
    let mtime = mtime_of(&f)?;
    let mut sum = Summer::new(len);
    let mut buf = vec![0u8; WINDOW];
    let mut read = 0u64;
    loop {
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                sum.add(&buf[..n]);
                read += n as u64;
                if read > len {
                    return None;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    (read == len && mtime_of(&f)? == mtime).then(|| Stamp {
        len,
        mtime,
        hash: sum.finish(),
    })
}

/// The tracker cached for `file` if the cache holds the file as it is on
/// disk now (and its reports as they are in `seeds`): the file is hashed
/// as it is read, never held, for a command that needs only the tracker.
/// `limit` bounds the file's size, as every read of it.
pub fn get_current(file: &Path, seeds: &Path, limit: u64) -> Option<Tracker> {
    let want = stamp_on_disk(file, limit)?;
    get_stamped(file, want, seeds).map(|(t, _)| t)
}

/// The tracker cached for `file`, if the cache matches `text` (the file's
/// content as just read) and the reports in `seeds` as they are now; and
/// whether `text` is the writer's own form of it (see `store::Loaded`).
pub fn get(file: &Path, text: &str, seeds: &Path) -> Option<(Tracker, bool)> {
    get_stamped(file, stamp(file, text.as_bytes())?, seeds)
}

/// The tracker cached for `file`, if the cache was made from the file as
/// stamped `want`, with its form.
fn get_stamped(file: &Path, want: Stamp, seeds: &Path) -> Option<(Tracker, bool)> {
    use std::io::{Read, Seek, SeekFrom};
    let path = cache_file(file)?;
    // Only a cache we wrote ourselves is trusted (it skips validation): a
    // regular file, ours, writable by nobody else; and read with a bound.
    if !super::disk::private_to_me(&path) {
        return None;
    }
    let limit = want.len.saturating_mul(4).saturating_add(1 << 20);
    let (mut f, len) = super::disk::open_bounded(&path, limit).ok()?;
    if len < HEAD + KEY {
        return None;
    }
    let mut head = [0u8; HEAD as usize];
    f.read_exact(&mut head).ok()?;
    if &head[..8] != MAGIC {
        return None;
    }
    // The file's stamp, last in the cache, is compared before anything
    // is decoded.
    let want = key_bytes(want);
    let mut key = [0u8; KEY as usize];
    f.seek(SeekFrom::Start(len - KEY)).ok()?;
    f.read_exact(&mut key).ok()?;
    if key != want {
        return None;
    }
    f.seek(SeekFrom::Start(HEAD)).ok()?;
    let sum = u64::from_le_bytes(head[8..].try_into().ok()?);
    let mut r = Reader::new(f.take(len - HEAD), len - HEAD, sum);
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
    let written = bool::get(&mut r)?;
    (r.take(KEY as usize)? == want && r.finish()).then_some((t, written))
}

/// Caches `t`, validated from `text` (the content of `file`) against the
/// reports in `seeds`. Failures are ignored: the cache is an optimisation.
/// `written`: `text` is the writer's own form of `t`.
pub fn put(file: &Path, text: &str, seeds: &Path, t: &Tracker, written: bool) {
    if let Some(p) = prepare(file, seeds, t) {
        store(file, text, p, written);
    }
}

/// A cache of a validated tracker written to a temporary file, waiting
/// for the stamp of the file text it belongs to: a save prepares it on
/// another core while it writes the tracker file, and stores it after.
/// Dropped unstored, it leaves nothing behind.
pub struct Prepared {
    out: Out<fs::File>,
    tmp: PathBuf,
    path: PathBuf,
}

impl Drop for Prepared {
    fn drop(&mut self) {
        // Renamed into place by `store`, or left over: either way gone.
        let _ = fs::remove_file(&self.tmp);
    }
}

/// Encodes `t` with the stamps of the reports in `seeds` it cites into a
/// private temporary file beside the cache of `file` (`None` if a report
/// cannot be read or the file cannot be made).
pub fn prepare(file: &Path, seeds: &Path, t: &Tracker) -> Option<Prepared> {
    let path = cache_file(file)?;
    let dir = path.parent()?;
    fs::create_dir_all(dir).ok()?;
    // A private temporary name per process and call, renamed into place.
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nonce = std::time::SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
        ^ CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
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
    let mut f = options.open(&tmp).ok()?;
    // The checksum's place is filled in by `store`.
    let mut head = [0u8; HEAD as usize];
    head[..8].copy_from_slice(MAGIC);
    let written = std::io::Write::write_all(&mut f, &head);
    let mut p = Prepared {
        out: Out::new(f),
        tmp,
        path,
    };
    written.ok()?;
    let files: Vec<&str> = {
        let mut v: Vec<&str> = t.sources.iter().map(|s| s.file.as_str()).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    (files.len() as u32).put(&mut p.out);
    for name in files {
        let text = super::read_source(seeds, name).ok()?;
        let s = stamp(&seeds.join(name), text.as_bytes())?;
        name.to_string().put(&mut p.out);
        s.put(&mut p.out);
    }
    t.put(&mut p.out);
    Some(p)
}

/// Stores a prepared cache for `file`, whose content is `text` (`written`:
/// in the writer's own form).
pub fn store(file: &Path, text: &str, mut prepared: Prepared, written: bool) {
    use std::io::{Seek, SeekFrom, Write};
    let Some(key) = stamp(file, text.as_bytes()) else {
        return;
    };
    written.put(&mut prepared.out);
    prepared.out.extend_from_slice(&key_bytes(key));
    let Some((mut f, sum)) = prepared.out.finish() else {
        return;
    };
    // On any failure `Prepared`'s drop removes the temporary file.
    if f.seek(SeekFrom::Start(8)).is_ok() && f.write_all(&sum.to_le_bytes()).is_ok() {
        let _ = fs::rename(&prepared.tmp, &prepared.path);
    }
}

/// Where the cache is encoded to: a window of bytes, written out and
/// summed each time it fills, so a big cache is never held whole.
struct Out<W: std::io::Write> {
    buf: Vec<u8>,
    sink: Option<W>,
    sum: Summer,
}

impl<W: std::io::Write> Out<W> {
    fn new(sink: W) -> Self {
        Out {
            buf: Vec::with_capacity(WINDOW + 4096),
            sink: Some(sink),
            // The length is not known in advance: the body's checksum is
            // seeded with 0 (truncation is caught by the layout itself).
            sum: Summer::new(0),
        }
    }

    fn push(&mut self, b: u8) {
        self.buf.push(b);
    }

    fn extend_from_slice(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= WINDOW {
            self.flush();
        }
    }

    fn flush(&mut self) {
        self.sum.add(&self.buf);
        if let Some(w) = &mut self.sink {
            if w.write_all(&self.buf).is_err() {
                self.sink = None;
            }
        }
        self.buf.clear();
    }

    /// The sink with everything written, and the checksum of it all.
    fn finish(&mut self) -> Option<(W, u64)> {
        self.flush();
        let sum = std::mem::replace(&mut self.sum, Summer::new(0));
        Some((self.sink.take()?, sum.finish()))
    }
}

/// A cursor over the cache's bytes, read a window at a time (a cache is
/// never held whole beside the tracker decoded from it) and summed as it
/// goes: what it gives counts only once `finish` says everything was read
/// and the checksum matches.
struct Reader<R: std::io::Read> {
    src: R,
    /// Read, not yet taken from `at` on.
    buf: Vec<u8>,
    at: usize,
    /// Bytes still to read from `src`.
    left: u64,
    sum: Summer,
    /// The checksum the cache says it has.
    want: u64,
}

/// Bytes read or written at a time.
const WINDOW: usize = 1 << 18;

impl<R: std::io::Read> Reader<R> {
    /// Reads the `len` bytes of `src`, whose checksum should be `want`.
    fn new(src: R, len: u64, want: u64) -> Self {
        Reader {
            src,
            buf: Vec::with_capacity(WINDOW),
            at: 0,
            left: len,
            sum: Summer::new(0),
            want,
        }
    }

    /// Bytes not yet taken: a bound on any count read from the cache.
    fn remaining(&self) -> u64 {
        (self.buf.len() - self.at) as u64 + self.left
    }

    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.buf.len() - self.at < n {
            self.fill(n)?;
        }
        let out = &self.buf[self.at..self.at + n];
        self.at += n;
        Some(out)
    }

    /// Makes at least `n` bytes ready to take.
    fn fill(&mut self, n: usize) -> Option<()> {
        if n as u64 > self.remaining() {
            return None;
        }
        self.buf.drain(..self.at);
        self.at = 0;
        let more = (n.max(WINDOW) - self.buf.len()).min(usize::try_from(self.left).ok()?);
        let start = self.buf.len();
        self.buf.resize(start + more, 0);
        self.src.read_exact(&mut self.buf[start..]).ok()?;
        self.sum.add(&self.buf[start..]);
        self.left -= more as u64;
        Some(())
    }

    /// Whether everything was taken and the checksum matches.
    fn finish(self) -> bool {
        self.remaining() == 0 && self.sum.finish() == self.want
    }
}

/// The binary form of one value.
trait Codec: Sized {
    fn put<W: std::io::Write>(&self, out: &mut Out<W>);
    fn get<R: std::io::Read>(r: &mut Reader<R>) -> Option<Self>;
}

impl Codec for u64 {
    fn put<W: std::io::Write>(&self, out: &mut Out<W>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn get<R: std::io::Read>(r: &mut Reader<R>) -> Option<Self> {
        Some(u64::from_le_bytes(r.take(8)?.try_into().ok()?))
    }
}

impl Codec for u32 {
    fn put<W: std::io::Write>(&self, out: &mut Out<W>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn get<R: std::io::Read>(r: &mut Reader<R>) -> Option<Self> {
        Some(u32::from_le_bytes(r.take(4)?.try_into().ok()?))
    }
}

impl Codec for i32 {
    fn put<W: std::io::Write>(&self, out: &mut Out<W>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn get<R: std::io::Read>(r: &mut Reader<R>) -> Option<Self> {
        Some(i32::from_le_bytes(r.take(4)?.try_into().ok()?))
    }
}

impl Codec for f64 {
    fn put<W: std::io::Write>(&self, out: &mut Out<W>) {
        self.to_bits().put(out);
    }
    fn get<R: std::io::Read>(r: &mut Reader<R>) -> Option<Self> {
        Some(f64::from_bits(u64::get(r)?))
    }
}

impl Codec for bool {
    fn put<W: std::io::Write>(&self, out: &mut Out<W>) {
        out.push(u8::from(*self));
    }
    fn get<R: std::io::Read>(r: &mut Reader<R>) -> Option<Self> {
        match r.take(1)?[0] {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

impl Codec for String {
    fn put<W: std::io::Write>(&self, out: &mut Out<W>) {
        (self.len() as u32).put(out);
        out.extend_from_slice(self.as_bytes());
    }
    fn get<R: std::io::Read>(r: &mut Reader<R>) -> Option<Self> {
        let n = u32::get(r)? as usize;
        String::from_utf8(r.take(n)?.to_vec()).ok()
    }
}

impl<T: Codec> Codec for Option<T> {
    fn put<W: std::io::Write>(&self, out: &mut Out<W>) {
        match self {
            None => out.push(0),
            Some(v) => {
                out.push(1);
                v.put(out);
            }
        }
    }
    fn get<R: std::io::Read>(r: &mut Reader<R>) -> Option<Self> {
        match r.take(1)?[0] {
            0 => Some(None),
            1 => Some(Some(T::get(r)?)),
            _ => None,
        }
    }
}

impl<T: Codec> Codec for Vec<T> {
    fn put<W: std::io::Write>(&self, out: &mut Out<W>) {
        (self.len() as u32).put(out);
        for v in self {
            v.put(out);
        }
    }
    fn get<R: std::io::Read>(r: &mut Reader<R>) -> Option<Self> {
        let n = u32::get(r)? as usize;
        // Every element takes at least one byte: a corrupt count cannot
        // make us reserve more than the file holds.
        if n as u64 > r.remaining() {
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
    fn put<W: std::io::Write>(&self, out: &mut Out<W>) {
        use chrono::Datelike;
        self.num_days_from_ce().put(out);
    }
    fn get<R: std::io::Read>(r: &mut Reader<R>) -> Option<Self> {
        NaiveDate::from_num_days_from_ce_opt(i32::get(r)?)
    }
}

/// An enum as its position in a list of all its values.
macro_rules! enum_codec {
    ($t:ty, $all:expr) => {
        impl Codec for $t {
            fn put<W: std::io::Write>(&self, out: &mut Out<W>) {
                let i = $all.iter().position(|x| x == self).unwrap_or(0);
                out.push(i as u8);
            }
            fn get<R: std::io::Read>(r: &mut Reader<R>) -> Option<Self> {
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
    fn put<W: std::io::Write>(&self, out: &mut Out<W>) {
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
    fn get<R: std::io::Read>(r: &mut Reader<R>) -> Option<Self> {
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
            fn put<W: std::io::Write>(&self, out: &mut Out<W>) {
                let $t { $($f),* } = self;
                $( $f.put(out); )*
            }
            fn get<R: std::io::Read>(r: &mut Reader<R>) -> Option<Self> {
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
        let mut out = Out::new(Vec::new());
        t.put(&mut out);
        let (body, sum) = out.finish().expect("written");
        let len = body.len() as u64;
        let mut r = Reader::new(&body[..], len, sum);
        assert_eq!(Tracker::get(&mut r).as_ref(), Some(&t));
        assert!(r.finish());
        // Any cut short or flipped byte is refused, never a wrong tracker.
        let mut r = Reader::new(&body[..body.len() - 1], len - 1, sum);
        assert!(Tracker::get(&mut r).is_none());
        let mut flipped = body.clone();
        let n = flipped.len();
        flipped[n / 2] ^= 1;
        let mut r = Reader::new(&flipped[..], len, sum);
        assert!(!Tracker::get(&mut r).is_some_and(|back| back == t && r.finish()));
        // Read in windows, the bytes taken are those written.
        let mut r = Reader::new(&body[..], len, sum);
        let mut again = Vec::new();
        while r.remaining() > 0 {
            let k = (r.remaining() as usize).min(WINDOW / 3 + 7);
            again.extend_from_slice(r.take(k).expect("bytes"));
        }
        assert_eq!(again, body);
        assert!(r.finish());
    }

    #[test]
    fn the_sum_of_pieces_is_the_sum_of_the_whole() {
        let bytes: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        for cut in [0, 1, 7, 8, 9, 31, 32, 33, 64, 500, 999, 1000] {
            for second in [cut, (cut + 5).min(1000), (cut + 40).min(1000), 1000] {
                let mut s = Summer::new(bytes.len() as u64);
                s.add(&bytes[..cut]);
                s.add(&bytes[cut..second]);
                s.add(&bytes[second..]);
                assert_eq!(s.finish(), content_hash(&bytes), "cut at {cut}, {second}");
            }
        }
        // Every byte counts, in every lane and in the last partial block.
        let base = content_hash(&bytes[..77]);
        for i in 0..77 {
            let mut b = bytes[..77].to_vec();
            b[i] ^= 0x10;
            assert_ne!(content_hash(&b), base, "byte {i}");
        }
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
