//! Criterion benches at city scale: load, filter, one interface keystroke,
//! one saved edit (the whole file written, and spliced), and `merge-file`
//! beside `validate`, on a tracker of 10,000 projects (the bundled records
//! replicated under new ids, as `examples/gen.rs` does).
//!
//!     cargo bench --bench tracker                     # 10k projects
//!     BENCH_PROJECTS=100000 cargo bench --bench tracker -- first_read
//!     cargo bench --bench tracker -- merge_                # merge-file, validate
//!     BENCH_PROJECTS=1000 cargo test --benches        # quick: each once (CI)
//!
//! Times are for comparing runs on one machine; `benches/scale.py` measures
//! the whole commands against fzf.

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use shibei_tracker::app::{update, Action, App};
use shibei_tracker::domain::edit::{Change, Record};
use shibei_tracker::domain::search::{Query, SearchIndex};
use shibei_tracker::domain::{PartialDate, Status, Tracker};
use shibei_tracker::store;
use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};

#[path = "../tests/common/replicate.rs"]
mod replicate;

fn projects() -> usize {
    std::env::var("BENCH_PROJECTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

/// The bundled tracker with its projects and goals replicated to `n`
/// projects, written with its seeds into `dir`.
fn generate(n: usize, dir: &Path) -> (PathBuf, Tracker) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let base = match store::load(&root.join("tracker.yaml")) {
        Ok(l) => l.tracker,
        Err(p) => panic!("tracker.yaml does not load: {p:?}"),
    };
    let t = replicate::replicated(&base, n);
    fs::create_dir_all(dir.join("seeds")).expect("seeds folder");
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

fn bench(c: &mut Criterion) {
    let n = projects();
    let today = NaiveDate::from_ymd_opt(2024, 9, 1).expect("date");
    let dir = tempfile::tempdir().expect("tempdir");
    // The cache goes where the bench can see it and throw it away.
    std::env::set_var("TRACKER_CACHE_DIR", dir.path().join("cache"));
    let (file, t) = generate(n, &dir.path().join("t"));
    let text = fs::read_to_string(&file).expect("read");
    let seeds = store::seeds_dir(&file);

    let mut g = c.benchmark_group(format!("load_{n}"));
    g.sample_size(10);
    g.bench_function("parse_and_validate", |b| {
        b.iter(|| black_box(store::parse(&text, &file, &seeds).is_ok()))
    });
    // The same records in a file not in the writer's form (one comment
    // line): the full YAML way, as before the typed reader, and as any
    // hand-edited file is read.
    let commented = format!("{text}# hand-edited\n");
    g.bench_function("parse_and_validate_full_way", |b| {
        b.iter(|| black_box(store::parse(&commented, &file, &seeds).is_ok()))
    });
    // The first read of a file in the writer's form, parsing only (no
    // validation): the hand-written reader of that form (canonical.rs)
    // against serde's typed decoding, derived `Deserialize` straight into
    // the model with no value tree. Issue 18's rule: the hand-written
    // reader goes if serde is within 1.5× of it.
    let typed: Tracker = serde_yaml::from_str(&text).expect("serde reads the writer's form");
    assert!(
        store::canonical::read(&text).as_ref() == Some(&typed),
        "both readers give the same tracker"
    );
    drop(typed);
    g.bench_function("first_read_canonical", |b| {
        b.iter(|| black_box(store::canonical::read(&text).is_some()))
    });
    g.bench_function("first_read_serde_typed", |b| {
        b.iter(|| black_box(serde_yaml::from_str::<Tracker>(&text).is_ok()))
    });
    store::load(&file).expect("loads (and fills the cache)");
    g.bench_function("load_cached", |b| {
        b.iter(|| black_box(store::load(&file).is_ok()))
    });
    g.bench_function("search_index", |b| {
        b.iter(|| black_box(SearchIndex::build(&t)))
    });
    g.finish();

    // Whole passes: the index forgets its recent passes each time (a pass
    // otherwise starts from them: the same query's hits, or the records a
    // word typed one letter shorter left possible; see `keystroke_*`).
    let index = SearchIndex::build(&t);
    let mut g = c.benchmark_group(format!("filter_projects_{n}"));
    for q in [
        "rhl",
        "renhelu",
        "cruise",
        "chain:数字 园",
        "status:planned",
        "浪潮",
        "d",
        "r",
        "re",
        // `~`: fzf-style, fuzzy-matcher's skim matcher (issue 20).
        "~rhl",
        "~renhelu",
        "~cruise",
        "~浪潮",
        "~d",
        "~re",
    ] {
        let query = Query::parse(q);
        g.bench_with_input(BenchmarkId::from_parameter(q), &query, |b, query| {
            b.iter(|| {
                index.forget_passes();
                black_box(index.search_projects(&t, query))
            })
        });
    }
    g.finish();

    // The command line searches once, building keys only where a match is
    // possible (`list --filter`, names given to show/set-status).
    let mut g = c.benchmark_group(format!("search_once_{n}"));
    for q in [
        "rhl", "renhelu", "cruise", "浪潮", "~rhl", "~renhelu", "~cruise",
    ] {
        let query = Query::parse(q);
        g.bench_with_input(BenchmarkId::from_parameter(q), &query, |b, query| {
            b.iter(|| black_box(SearchIndex::search_projects_once(&t, query)))
        });
    }
    g.finish();

    // What the interface does before its first frame (the search keys are
    // built afterwards, while idle).
    let mut g = c.benchmark_group(format!("interface_{n}"));
    g.sample_size(10);
    g.bench_function("first_frame_state", |b| {
        b.iter_batched(
            || t.clone(),
            |t| black_box(App::new(t, "bench", today).len()),
            BatchSize::LargeInput,
        )
    });
    g.finish();

    // One keystroke in the filter line: projects, goals, chain counts and
    // the highlights of the rows in view.
    let mut app = App::new(t.clone(), "bench", today);
    update(
        &mut app,
        Action::Resize {
            width: 120,
            height: 40,
        },
    );
    update(&mut app, Action::OpenFilter);
    for ch in "ren".chars() {
        update(&mut app, Action::Input(ch));
    }
    // Typing `h` and deleting it again, as the interface does: the
    // second time on, both are answered from the passes kept.
    c.bench_function(&format!("keystroke_{n}"), |b| {
        b.iter(|| {
            update(&mut app, Action::Input('h'));
            update(&mut app, Action::DeleteChar);
        })
    });
    // The same with no pass kept: each key a whole pass.
    c.bench_function(&format!("keystroke_{n}_whole_passes"), |b| {
        b.iter(|| {
            app.index.forget_passes();
            update(&mut app, Action::Input('h'));
            app.index.forget_passes();
            update(&mut app, Action::DeleteChar);
        })
    });
    // The same keystroke after a `~` (fzf-style matching).
    let mut app = App::new(t.clone(), "bench", today);
    update(
        &mut app,
        Action::Resize {
            width: 120,
            height: 40,
        },
    );
    update(&mut app, Action::OpenFilter);
    for ch in "~ren".chars() {
        update(&mut app, Action::Input(ch));
    }
    c.bench_function(&format!("keystroke_fuzzy_{n}"), |b| {
        b.iter(|| {
            update(&mut app, Action::Input('h'));
            update(&mut app, Action::DeleteChar);
        })
    });

    // One status change saved, flipping one project back and forth: the
    // whole file written anew (lock, emit, read back, atomic write), and
    // the change spliced in as `set-status` and the interface save it
    // (lock, the record's lines located, checked and spliced, atomic
    // write, the cache refreshed).
    let mut saved = t.clone();
    let mut expected = text.clone();
    let k = saved.projects.len() / 2;
    let flip = |t: &mut Tracker| {
        let p = &mut t.projects[k];
        let before = p.clone();
        p.status = if p.status == Status::Stalled {
            Status::Operating
        } else {
            Status::Stalled
        };
        Change {
            before: Record::Project(before),
            after: Record::Project(p.clone()),
            summary: String::new(),
        }
    };
    let mut g = c.benchmark_group(format!("save_{n}"));
    g.sample_size(10);
    g.bench_function("one_status_edit_whole_file", |b| {
        b.iter(|| {
            flip(&mut saved);
            expected = store::save(&file, &saved, &expected).expect("saves");
        })
    });
    g.bench_function("one_status_edit_spliced", |b| {
        b.iter(|| {
            let change = flip(&mut saved);
            let lock = store::disk::WriteLock::acquire(&file).expect("lock");
            let base = std::mem::take(&mut expected);
            expected =
                store::save_change(&file, &lock, &saved, base, &change, true).expect("saves");
        })
    });
    g.finish();

    merge_beside_validate(c, &dir.path().join("merge"), n, today);
}

/// Two copies of the tracker made from one base, each with 50 of its
/// records changed as people change them (a status with its history
/// entry, a goal's value, a corrected name or note, an alias), the 100
/// records all different.
fn two_sides(base: &Tracker) -> (Tracker, Tracker) {
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    let np = base.projects.len();
    let nt = base.targets.len();
    for k in 0..50 {
        for (side, t, who) in [(0, &mut ours, "甲"), (1, &mut theirs, "乙")] {
            // Spread over the file, never the same record on both sides.
            let i = (2 * k + side) * np / 100;
            match k % 5 {
                0 | 1 => {
                    let p = &mut t.projects[i];
                    let to = if p.status == Status::Stalled {
                        Status::Operating
                    } else {
                        Status::Stalled
                    };
                    p.history.push(shibei_tracker::domain::HistoryEntry {
                        date: PartialDate::parse("2024-08-01").expect("date"),
                        status: Some(to),
                        note: format!("status changed to {}", to.id()),
                        by: Some(who.into()),
                        ..Default::default()
                    });
                    p.status = to;
                }
                2 => {
                    let x = &mut t.targets[(2 * k + side) * nt / 100];
                    let o = shibei_tracker::domain::Observation {
                        value: 42.0 + k as f64,
                        date: PartialDate::parse("2024-08").expect("date"),
                        note: Some("月报".into()),
                        by: Some(who.into()),
                        ..Default::default()
                    };
                    let at = x.insertion_point(o.date);
                    x.observations.insert(at, o);
                }
                3 => t.projects[i].note = Some(format!("{who}的备注 {k}")),
                _ => t.projects[i].aliases.push(format!("别名{k}{who}")),
            }
        }
    }
    (ours, theirs)
}

/// `merge-file` on two trackers of `n` projects that differ in 100
/// records, through the command's own path (three texts read, merged,
/// written over ours), beside `validate` of one: from the cache, and
/// without it (the file parsed and checked against its reports).
fn merge_beside_validate(c: &mut Criterion, dir: &Path, n: usize, today: NaiveDate) {
    let (file, base) = generate(n, dir);
    let (ours, theirs) = two_sides(&base);
    let base_file = dir.join("base.yaml");
    let theirs_file = dir.join("theirs.yaml");
    let ours_text = store::emit(&ours);
    fs::write(&base_file, store::emit(&base)).expect("write base");
    fs::write(&theirs_file, store::emit(&theirs)).expect("write theirs");
    fs::write(&file, &ours_text).expect("write ours");
    // The result: every change of both sides, and no conflict.
    let out = shibei_tracker::cli::merge_file(&base_file, &file, &theirs_file, None);
    assert!(out.is_ok(), "merged without conflict");
    let merged = store::load(&file).expect("the merged file loads").tracker;
    let changed = |t: &Tracker| {
        t.projects
            .iter()
            .zip(&base.projects)
            .filter(|(a, b)| a != b)
            .count()
            + t.targets
                .iter()
                .zip(&base.targets)
                .filter(|(a, b)| a != b)
                .count()
    };
    assert_eq!((changed(&ours), changed(&theirs)), (50, 50));
    assert_eq!(changed(&merged), 100, "both sides' changes");

    let seeds = store::seeds_dir(&file);
    let mut g = c.benchmark_group(format!("merge_{n}"));
    g.sample_size(10);
    g.bench_function("merge_file_100_records_changed", |b| {
        b.iter_batched(
            || fs::write(&file, &ours_text).expect("write ours"),
            |()| {
                black_box(
                    shibei_tracker::cli::merge_file(&base_file, &file, &theirs_file, None).is_ok(),
                )
            },
            BatchSize::PerIteration,
        )
    });
    // What `validate` does (cli::validate, less its printing): the file
    // loaded and checked, then its conflicts and warnings placed.
    let validate = |loaded: &store::Loaded| {
        let conflicts = store::conflicts(loaded, &file);
        let warnings = store::warnings(loaded, &file, today);
        conflicts.len() + warnings.len()
    };
    fs::write(&file, &ours_text).expect("write ours");
    store::load(&file).expect("loads (and fills the cache)");
    g.bench_function("validate_one_cached", |b| {
        b.iter(|| {
            let loaded = store::load(&file).expect("loads");
            black_box(validate(&loaded))
        })
    });
    g.bench_function("validate_one_uncached", |b| {
        b.iter(|| {
            let text = store::read_text(&file).expect("reads");
            let (tracker, written) = store::parse_form(&text, &file, &seeds).expect("valid");
            let loaded = store::Loaded {
                tracker,
                text,
                written,
                same_names: None,
            };
            black_box(validate(&loaded))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
