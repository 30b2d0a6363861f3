//! The bundled tracker's projects and goals replicated to any number of
//! projects, for the tests and the benches that need a city-sized tracker
//! (`benches/tracker.rs` includes this file by path).

use shibei_tracker::domain::Tracker;

/// `base`'s projects replicated to `n` under new ids, each copy named a
/// little differently (as `examples/gen` does), with the goals in the
/// base's proportion; parents dropped (a copy's parent would be another
/// copy's).
pub fn replicated(base: &Tracker, n: usize) -> Tracker {
    let mut t = base.clone();
    let per = base.projects.len();
    t.projects = (0..n)
        .map(|i| {
            let c = i / per;
            let mut p = base.projects[i % per].clone();
            p.id = format!("{}-{c}", p.id);
            p.name_zh = format!("{}{c}号", p.name_zh);
            p.name_en = format!("{} no. {c}", p.name_en);
            p.parent = None;
            p
        })
        .collect();
    let goals = n * base.targets.len() / per.max(1);
    t.targets = (0..goals)
        .map(|i| {
            let c = i / base.targets.len();
            let mut x = base.targets[i % base.targets.len()].clone();
            x.id = format!("{}-{c}", x.id);
            x.metric_zh = format!("{}{c}", x.metric_zh);
            x
        })
        .collect();
    t
}
