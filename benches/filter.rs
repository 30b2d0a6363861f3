//! How long filtering takes per keystroke on a tracker far larger than the
//! real one: the engine alone, and the whole `update` the interface runs.

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use shibei_tracker::app::{update, Action, App};
use shibei_tracker::domain::search::{Query, SearchIndex};
use shibei_tracker::domain::{ProgressState, Tracker};
use std::hint::black_box;
use std::path::Path;

/// The fixture's records copied `n` times with distinct ids and names.
fn big_tracker(n: usize) -> Tracker {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tui/tracker.yaml");
    let base = match shibei_tracker::store::load(&path) {
        Ok(l) => l.tracker,
        Err(p) => panic!("fixture does not load: {p:?}"),
    };
    let mut t = base.clone();
    t.projects.clear();
    t.targets.clear();
    for i in 0..n {
        for p in &base.projects {
            let mut p = p.clone();
            p.id = format!("{}-{i}", p.id);
            p.name_zh = format!("{}{i}号", p.name_zh);
            p.name_en = format!("{} no. {i}", p.name_en);
            t.projects.push(p);
        }
        for g in &base.targets {
            let mut g = g.clone();
            g.id = format!("{}-{i}", g.id);
            g.metric_zh = format!("{}{i}", g.metric_zh);
            t.targets.push(g);
        }
    }
    t
}

fn bench(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2024, 9, 1).expect("date");
    let t = big_tracker(500); // 4,500 projects, 2,500 goals
    let index = SearchIndex::build(&t);
    let mut g = c.benchmark_group("filter_projects_4500");
    for q in [
        "rhl",
        "renhelu",
        "visionox",
        "chain:数字 园",
        "status:planned",
        "浪潮",
    ] {
        let query = Query::parse(q);
        g.bench_with_input(BenchmarkId::from_parameter(q), &query, |b, query| {
            b.iter(|| black_box(index.filter_projects(&t, query)))
        });
    }
    g.finish();
    let states = vec![ProgressState::NoData; t.targets.len()];
    c.bench_function("filter_targets_2500/rhl", |b| {
        let q = Query::parse("rhl");
        b.iter(|| black_box(index.filter_targets(&q, &states)))
    });
    // One keystroke in the filter line: projects, goals and chain counts.
    let mut app = App::new(t, "bench", today);
    update(&mut app, Action::OpenFilter);
    c.bench_function("keystroke_update_7000_records", |b| {
        b.iter(|| {
            update(&mut app, Action::Input('r'));
            update(&mut app, Action::DeleteChar);
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
