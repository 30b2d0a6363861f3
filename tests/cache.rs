//! The cache of validated trackers, driven through the real binary: it is
//! used only for the exact bytes of the file and its reports, it survives
//! corruption and two processes building it at once.

use shibei_tracker::store;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_shibei-tracker");

/// A tracker big enough to be cached: the bundled records under new ids,
/// written by the store's writer, with the seeds beside it.
fn big_tracker(dir: &Path) -> (PathBuf, shibei_tracker::domain::Tracker) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let base = store::load(&root.join("tracker.yaml"))
        .expect("bundled tracker loads")
        .tracker;
    let mut t = base.clone();
    t.projects.clear();
    t.targets.clear();
    let mut copy = 0;
    while store::emit(&t).len() < store::cache::MIN_BYTES + 100_000 {
        for p in &base.projects {
            let mut p = p.clone();
            p.id = format!("{}-{copy}", p.id);
            p.parent = p.parent.map(|x| format!("{x}-{copy}"));
            t.projects.push(p);
        }
        for x in &base.targets {
            let mut x = x.clone();
            x.id = format!("{}-{copy}", x.id);
            t.targets.push(x);
        }
        copy += 1;
    }
    fs::create_dir_all(dir.join("seeds")).expect("seeds dir");
    for s in &t.sources {
        fs::copy(
            root.join("seeds").join(&s.file),
            dir.join("seeds").join(&s.file),
        )
        .expect("copy seed");
    }
    let file = dir.join("tracker.yaml");
    fs::write(&file, store::emit(&t)).expect("write tracker");
    (file, t)
}

fn run(file: &Path, cache: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--file")
        .arg(file)
        .args(["--today", "2024-09-01"])
        .args(args)
        .env("TRACKER_CACHE_DIR", cache)
        .output()
        .expect("binary runs")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn cache_files(cache: &Path) -> Vec<PathBuf> {
    fs::read_dir(cache)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// The cache files of trackers (the folder also keeps its secret).
fn tracker_caches(cache: &Path) -> Vec<PathBuf> {
    cache_files(cache)
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "bin"))
        .collect()
}

#[test]
fn the_cache_is_used_only_for_the_bytes_it_was_built_from() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let (file, t) = big_tracker(&dir.path().join("t"));
    let first = ok(&run(&file, &cache, &["validate"]));
    assert_eq!(tracker_caches(&cache).len(), 1, "one cache file");
    assert_eq!(ok(&run(&file, &cache, &["validate"])), first);

    // A report changed under an unchanged tracker: the quotes are checked again.
    let seeds = file.parent().expect("dir").join("seeds");
    let source = &t.projects[0].sources[0];
    let seed = seeds.join(
        &t.sources
            .iter()
            .find(|s| s.id == source.source)
            .expect("source")
            .file,
    );
    let original = fs::read_to_string(&seed).expect("seed");
    let first_char: String = source.quote.chars().take(1).collect();
    let quote_start = original.find(&first_char).expect("quote in seed");
    let broken = original.replace(
        &store::validate::squeeze(&source.quote)
            .chars()
            .take(4)
            .collect::<String>(),
        "####",
    );
    assert_ne!(broken, original, "the seed changes ({quote_start})");
    fs::write(&seed, &broken).expect("write seed");
    let o = run(&file, &cache, &["validate"]);
    assert!(
        !o.status.success(),
        "a broken quote is found despite the cache"
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("quote not found"));
    fs::write(&seed, &original).expect("restore seed");
    assert_eq!(ok(&run(&file, &cache, &["validate"])), first);

    // An edit: the next read sees it.
    let id = &t.projects[t.projects.len() / 2].id;
    ok(&run(
        &file,
        &cache,
        &["set-status", id, "stalled", "--date", "2024-09-01"],
    ));
    let csv = ok(&run(&file, &cache, &["list", "--format", "csv"]));
    let row = csv
        .lines()
        .find(|l| l.starts_with(&format!("{id},")))
        .expect("row");
    assert!(row.contains(",stalled,"), "{row}");

    // A damaged cache is ignored (and rebuilt).
    for f in tracker_caches(&cache) {
        let mut bytes = fs::read(&f).expect("cache");
        let n = bytes.len();
        bytes[n / 2] ^= 0x55;
        fs::write(&f, &bytes).expect("damage");
    }
    ok(&run(&file, &cache, &["validate"]));
    for f in tracker_caches(&cache) {
        fs::write(&f, b"SHBT").expect("truncate");
    }
    ok(&run(&file, &cache, &["validate"]));
}

#[test]
fn two_processes_building_the_cache_at_once_both_succeed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let (file, _) = big_tracker(&dir.path().join("t"));
    let spawn = || {
        Command::new(BIN)
            .arg("--file")
            .arg(&file)
            .args(["--today", "2024-09-01", "list", "--format", "csv"])
            .env("TRACKER_CACHE_DIR", &cache)
            .output()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(spawn);
        let b = s.spawn(spawn);
        (a.join().expect("a"), b.join().expect("b"))
    });
    let (a, b) = (a.expect("runs"), b.expect("runs"));
    assert!(ok(&a) == ok(&b), "both processes list the same");
    // One whole cache file (and the secret both used), no temporary left
    // behind, and it reads back.
    let files = cache_files(&cache);
    assert_eq!(tracker_caches(&cache).len(), 1, "{files:?}");
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(ok(&run(&file, &cache, &["list", "--format", "csv"])) == ok(&a));
}

/// The inode of the one cache file: a cache rebuilt is a new file renamed
/// into place, so an unchanged inode means the cache was used as it was.
#[cfg(unix)]
fn cache_inode(files: &[PathBuf]) -> u64 {
    use std::os::unix::fs::MetadataExt;
    assert_eq!(files.len(), 1, "one cache file: {files:?}");
    fs::metadata(&files[0]).expect("cache file").ino()
}

#[cfg(unix)]
#[test]
fn a_save_leaves_the_cache_current_so_the_next_read_does_not_parse() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let (file, t) = big_tracker(&dir.path().join("t"));
    ok(&run(&file, &cache, &["validate"]));
    let built = cache_inode(&tracker_caches(&cache));
    ok(&run(&file, &cache, &["validate"]));
    assert_eq!(
        cache_inode(&tracker_caches(&cache)),
        built,
        "a second read uses the cache"
    );

    let id = &t.projects[t.projects.len() / 3].id;
    let before = fs::read_to_string(&file).expect("tracker");
    ok(&run(
        &file,
        &cache,
        &["set-status", id, "stalled", "--date", "2024-09-01"],
    ));
    let saved = cache_inode(&tracker_caches(&cache));
    assert_ne!(saved, built, "the save wrote the cache of the new file");
    // Only the edited record's lines changed; the rest are the same bytes.
    let after = fs::read_to_string(&file).expect("tracker");
    let start = before.find(&format!("  - id: {id}\n")).expect("record");
    assert_eq!(after[..start], before[..start]);
    let tail = before.len() - start;
    let rest = &before[start..];
    let next = rest[1..].find("\n  - id: ").map_or(tail, |i| i + 2);
    assert_eq!(after[after.len() - (tail - next)..], before[start + next..]);

    // The next read uses that cache and sees the edit.
    let csv = ok(&run(&file, &cache, &["list", "--format", "csv"]));
    assert_eq!(
        cache_inode(&tracker_caches(&cache)),
        saved,
        "the read after the save used its cache"
    );
    let row = csv
        .lines()
        .find(|l| l.starts_with(&format!("{id},")))
        .expect("row");
    assert!(row.contains(",stalled,"), "{row}");
    // And the file is what a whole rewrite would have made.
    let read = store::parse(&after, &file, &store::seeds_dir(&file)).expect("parses");
    assert_eq!(store::emit(&read), after);
}

/// Commands that need only the tracker hash the file as they read it
/// instead of keeping it: a change of the same length, with the
/// modification time put back, is still seen (the content hash differs).
#[test]
fn a_read_without_the_text_still_sees_a_change_that_hides_its_mtime() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let (file, t) = big_tracker(&dir.path().join("t"));
    ok(&run(&file, &cache, &["validate"]));
    let p = &t.projects[t.projects.len() / 2];
    let csv = ok(&run(&file, &cache, &["list", "--format", "csv"]));
    assert!(csv.contains(&format!("{},{},", p.id, p.name_zh)));

    let mtime = fs::metadata(&file)
        .expect("meta")
        .modified()
        .expect("mtime");
    let text = fs::read_to_string(&file).expect("tracker");
    let line = format!("name_zh: \"{}\"", p.name_zh);
    let at = text.find(&format!("  - id: {}\n", p.id)).expect("record");
    let name_at = at + text[at..].find(&line).expect("name line");
    let first = p.name_zh.chars().next().expect("a name");
    let other = if first == '新' { '旧' } else { '新' };
    assert_eq!(first.len_utf8(), other.len_utf8());
    let renamed = p.name_zh.replacen(first, &other.to_string(), 1);
    let changed = format!(
        "{}name_zh: \"{renamed}\"{}",
        &text[..name_at],
        &text[name_at + line.len()..]
    );
    assert_eq!(changed.len(), text.len());
    fs::write(&file, &changed).expect("write");
    fs::File::options()
        .write(true)
        .open(&file)
        .and_then(|f| f.set_modified(mtime))
        .expect("put the mtime back");

    let csv = ok(&run(&file, &cache, &["list", "--format", "csv"]));
    assert!(
        csv.contains(&format!("{},{renamed},", p.id)),
        "the renamed project is listed by its new name"
    );
    let shown = ok(&run(&file, &cache, &["show", &p.id]));
    assert!(shown.contains(&renamed), "{shown}");
}

/// The content hash before issue 18: four multiply-rotate lanes over
/// 32-byte blocks, unkeyed, each lane invertible. Rebuilt here to show
/// that a file can be forged to collide with it.
mod old_hash {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;

    pub fn step(h: u64, w: u64) -> u64 {
        (h.rotate_left(23) ^ w).wrapping_mul(K)
    }

    pub fn word(b: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
    }

    fn lanes(len: usize) -> [u64; 4] {
        let seed = 0x243F_6A88_85A3_08D3 ^ len as u64;
        [
            seed,
            seed ^ K,
            seed.rotate_left(17),
            seed.rotate_left(41) ^ K,
        ]
    }

    /// The state of `lane` before block `upto`.
    pub fn lane(b: &[u8], lane: usize, upto: usize) -> u64 {
        (0..upto).fold(lanes(b.len())[lane], |h, i| {
            step(h, word(b, i * 32 + lane * 8))
        })
    }

    pub fn hash(b: &[u8]) -> u64 {
        let mut h = lanes(b.len());
        let mut block = |c: &[u8]| {
            for (l, lane) in h.iter_mut().enumerate() {
                *lane = step(*lane, word(c, l * 8));
            }
        };
        let mut chunks = b.chunks_exact(32);
        for c in &mut chunks {
            block(c);
        }
        let rest = chunks.remainder();
        let mut last = [0u8; 32];
        last[..rest.len()].copy_from_slice(rest);
        last[31] ^= rest.len() as u8;
        block(&last);
        let [a, b, c, d] = h;
        let mut x = a ^ b.rotate_left(16) ^ c.rotate_left(32) ^ d.rotate_left(48);
        x ^= x >> 29;
        x = x.wrapping_mul(K);
        x ^= x >> 32;
        x = x.wrapping_mul(K);
        x ^ (x >> 29)
    }
}

/// A same-length file with the old content hash of the original: two
/// Chinese characters of a quote in project `forged` replaced (a quote no
/// report holds), and eight letters of a later note chosen so that the lane
/// they fall in comes out as before. `None` if the text has no place for it.
fn collide_with_the_old_hash(text: &[u8], forged: &str, note_of: &str) -> Option<Vec<u8>> {
    let s = std::str::from_utf8(text).ok()?;
    let rec = s.find(&format!("  - id: {forged}\n"))?;
    let quote = rec + s[rec..].find("quote: \"")? + "quote: \"".len();
    let quote_end = quote + s[quote..].find('"')?;
    // Two three-byte characters inside one 8-byte word.
    let p = (quote..quote_end - 6).find(|&p| {
        p % 8 <= 2 && s.is_char_boundary(p) && s[p..].chars().take(2).all(|c| c.len_utf8() == 3)
    })?;
    let (lane, first) = ((p % 32) / 8, p / 32);
    let rec2 = s.find(&format!("  - id: {note_of}\n"))?;
    let run = rec2 + s[rec2..].find("note: \"xxxxxxxx")? + "note: \"".len();
    let q = (run..run + 64).find(|&q| q % 32 == lane * 8 && q / 32 > first)?;
    let last = q / 32;
    let w = p - p % 8;
    let before = old_hash::lane(text, lane, first);
    let allowed = |b: u8| b.is_ascii_alphanumeric();
    let mut out = text.to_vec();
    for a in 0x4E00u32..0x9FA5 {
        for b in 0x4E00u32..0x4F00 {
            let pair: String = [a, b].iter().filter_map(|&c| char::from_u32(c)).collect();
            out[p..p + 6].copy_from_slice(pair.as_bytes());
            if out[p..p + 6] == text[p..p + 6] {
                continue;
            }
            let (mut h0, mut h1) = (
                old_hash::step(before, old_hash::word(text, w)),
                old_hash::step(before, old_hash::word(&out, w)),
            );
            for blk in first + 1..last {
                let x = old_hash::word(text, blk * 32 + lane * 8);
                h0 = old_hash::step(h0, x);
                h1 = old_hash::step(h1, x);
            }
            // The word that brings the lane back to where it was.
            let fix = h0.rotate_left(23) ^ old_hash::word(text, q) ^ h1.rotate_left(23);
            if fix.to_le_bytes().iter().all(|&c| allowed(c)) {
                out[q..q + 8].copy_from_slice(&fix.to_le_bytes());
                return Some(out);
            }
        }
    }
    None
}

/// A file changed to a forged quote, of the same length and with its
/// modification time put back, built so that it collides with the content
/// hash the cache used before (invertible lanes): `validate` must still see
/// the new content. The hash is now keyed with a secret nobody else knows.
#[test]
fn a_forged_file_with_the_length_and_mtime_of_the_cached_one_is_read_anew() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let (file, mut t) = big_tracker(&dir.path().join("t"));
    let k = t.projects.len() / 2;
    t.projects[k + 1].note = Some("x".repeat(120));
    fs::write(&file, store::emit(&t)).expect("write tracker");
    ok(&run(&file, &cache, &["validate"]));

    let text = fs::read(&file).expect("tracker");
    let mtime = fs::metadata(&file)
        .expect("meta")
        .modified()
        .expect("mtime");
    let forged = collide_with_the_old_hash(&text, &t.projects[k].id, &t.projects[k + 1].id)
        .expect("a colliding file");
    assert_eq!(forged.len(), text.len());
    assert_ne!(forged, text);
    assert_eq!(old_hash::hash(&forged), old_hash::hash(&text), "collides");
    fs::write(&file, &forged).expect("write");
    fs::File::options()
        .write(true)
        .open(&file)
        .and_then(|f| f.set_modified(mtime))
        .expect("put the mtime back");

    let o = run(&file, &cache, &["validate"]);
    assert!(
        !o.status.success(),
        "the forged quote is found: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("quote not found"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The cache is keyed by a secret made once in the cache folder (0600):
/// without it, or with another one, a cache is not used but made anew.
#[cfg(unix)]
#[test]
fn a_cache_is_used_only_under_the_secret_it_was_made_with() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let (file, _) = big_tracker(&dir.path().join("t"));
    let first = ok(&run(&file, &cache, &["list", "--format", "csv"]));
    let secret = cache.join("secret");
    let meta = fs::metadata(&secret).expect("a secret was made");
    assert_eq!(meta.len(), 192);
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let cache_inode = || cache_inode(&tracker_caches(&cache));
    let built = cache_inode();
    ok(&run(&file, &cache, &["validate"]));
    assert_eq!(cache_inode(), built, "used under its secret");

    fs::remove_file(&secret).expect("remove the secret");
    assert_eq!(ok(&run(&file, &cache, &["list", "--format", "csv"])), first);
    let rebuilt = cache_inode();
    assert_ne!(rebuilt, built, "made anew under a new secret");
    assert!(secret.exists(), "the secret is made again");

    fs::write(&secret, [0x5a; 192]).expect("another secret");
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o600)).expect("chmod");
    assert_eq!(ok(&run(&file, &cache, &["list", "--format", "csv"])), first);
    assert_ne!(cache_inode(), rebuilt, "made anew under another secret");
}
