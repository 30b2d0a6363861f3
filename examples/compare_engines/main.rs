//! The old skim-based search engine against the token engine, in one run:
//! precision on the bundled tracker and the time of one filter pass per
//! keystroke on bigger ones.
//!
//!     cargo run --release --example gen -- --projects 10000 --out /tmp/scale/10k
//!     TRACKER_MAX_BYTES=4G cargo run --release --example compare_engines -- \
//!         /tmp/scale/10k/tracker.yaml /tmp/scale/100k/tracker.yaml
//!
//! Three engines: "skim" (the engine before issue 10, commit bfaab03),
//! "skim+starts" (skim, its chosen positions then checked against token
//! starts with the token engine's rule) and "token" (src/domain/search.rs).

mod old_skim;

use shibei_tracker::domain::search::{Query, SearchIndex};
use shibei_tracker::domain::Tracker;
use std::path::Path;
use std::time::Instant;

fn load(path: &Path) -> Tracker {
    match shibei_tracker::store::load(path) {
        Ok(l) => l.tracker,
        Err(p) => {
            for x in p {
                eprintln!("{x}");
            }
            std::process::exit(1)
        }
    }
}

/// The engines, each as "filter these projects by this query" on one tracker.
struct Engines<'a> {
    t: &'a Tracker,
    old: old_skim::SearchIndex,
    token: SearchIndex,
    plain: old_skim::Matcher,
    strict: old_skim::Matcher,
}

const NAMES: [&str; 3] = ["skim", "skim+starts", "token"];

impl<'a> Engines<'a> {
    fn new(t: &'a Tracker) -> (Self, [f64; 2]) {
        let s = Instant::now();
        let old = old_skim::SearchIndex::build(t);
        let old_ms = s.elapsed().as_secs_f64() * 1e3;
        let s = Instant::now();
        let token = SearchIndex::build(t);
        let token_ms = s.elapsed().as_secs_f64() * 1e3;
        (
            Engines {
                t,
                old,
                token,
                plain: old_skim::Matcher::new(false),
                strict: old_skim::Matcher::new(true),
            },
            [old_ms, token_ms],
        )
    }

    /// Project indices `q` finds with engine `e`, best first (highlights
    /// included, as the interface needs them).
    fn run(&self, e: usize, q: &str) -> Vec<usize> {
        match e {
            0 | 1 => {
                let m = if e == 0 { &self.plain } else { &self.strict };
                self.old
                    .filter_projects(self.t, m, &old_skim::Query::parse(q))
                    .into_iter()
                    .map(|h| h.index)
                    .collect()
            }
            _ => self
                .token
                .filter_projects(self.t, &Query::parse(q))
                .into_iter()
                .map(|h| h.index)
                .collect(),
        }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bundled = load(&root.join("tracker.yaml"));
    let (e, _) = Engines::new(&bundled);
    println!(
        "Precision on the bundled tracker ({} projects): hits, and the top result",
        bundled.projects.len()
    );
    println!();
    println!("| query | {} |", NAMES.join(" | "));
    println!("|---|---|---|---|");
    for q in [
        "rhl", "xyz", "abc", "zzz", "renhelu", "cruise", "youlun", "ylgc", "浪潮", "inspur",
        "lcdsj", "bigdata", "数字",
    ] {
        let cells: Vec<String> = (0..3)
            .map(|k| {
                let hits = e.run(k, q);
                let top = hits
                    .first()
                    .map_or("-".to_string(), |&i| bundled.projects[i].name_zh.clone());
                let rhl_other = if q == "rhl" {
                    let off = hits
                        .iter()
                        .filter(|&&i| !bundled.projects[i].name_zh.contains("人和路"))
                        .count();
                    format!(", {off} without 人和路")
                } else {
                    String::new()
                };
                format!("{} ({top}{rhl_other})", hits.len())
            })
            .collect();
        println!("| `{q}` | {} |", cells.join(" | "));
    }
    let typed: Vec<String> = ["renhelu", "cruise", "数字产业"]
        .iter()
        .flat_map(|w| {
            let chars: Vec<char> = w.chars().collect();
            (1..=chars.len())
                .map(|n| chars[..n].iter().collect::<String>())
                .collect::<Vec<_>>()
        })
        .collect();
    for file in std::env::args().skip(1) {
        let t = load(Path::new(&file));
        let (e, build) = Engines::new(&t);
        println!();
        println!(
            "{file}: {} projects; index built in {:.0} ms (skim) / {:.0} ms (token)",
            t.projects.len(),
            build[0],
            build[1]
        );
        println!(
            "One filter pass per keystroke while typing {} (each prefix from scratch, 3 rounds), ms:",
            ["renhelu", "cruise", "数字产业"].join(", ")
        );
        println!();
        println!("| engine | median | max |");
        println!("|---|---|---|");
        for (k, name) in NAMES.iter().enumerate() {
            let mut times = Vec::new();
            for _ in 0..3 {
                for q in &typed {
                    let s = Instant::now();
                    std::hint::black_box(e.run(k, q));
                    times.push(s.elapsed().as_secs_f64() * 1e3);
                }
            }
            let max = times.iter().cloned().fold(0.0, f64::max);
            println!("| {name} | {:.1} | {:.1} |", median(times), max);
        }
    }
}
