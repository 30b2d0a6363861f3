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

#[test]
fn the_cache_is_used_only_for_the_bytes_it_was_built_from() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let (file, t) = big_tracker(&dir.path().join("t"));
    let first = ok(&run(&file, &cache, &["validate"]));
    assert_eq!(cache_files(&cache).len(), 1, "one cache file");
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
    for f in cache_files(&cache) {
        let mut bytes = fs::read(&f).expect("cache");
        let n = bytes.len();
        bytes[n / 2] ^= 0x55;
        fs::write(&f, &bytes).expect("damage");
    }
    ok(&run(&file, &cache, &["validate"]));
    for f in cache_files(&cache) {
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
    // One whole cache file, no temporary left behind, and it reads back.
    let files = cache_files(&cache);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(ok(&run(&file, &cache, &["list", "--format", "csv"])) == ok(&a));
}

/// The inode of the one cache file: a cache rebuilt is a new file renamed
/// into place, so an unchanged inode means the cache was used as it was.
#[cfg(unix)]
fn cache_inode(cache: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let files = cache_files(cache);
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
    let built = cache_inode(&cache);
    ok(&run(&file, &cache, &["validate"]));
    assert_eq!(cache_inode(&cache), built, "a second read uses the cache");

    let id = &t.projects[t.projects.len() / 3].id;
    let before = fs::read_to_string(&file).expect("tracker");
    ok(&run(
        &file,
        &cache,
        &["set-status", id, "stalled", "--date", "2024-09-01"],
    ));
    let saved = cache_inode(&cache);
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
        cache_inode(&cache),
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
