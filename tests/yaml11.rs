//! The written file read by a YAML 1.1 reader (PyYAML, as many tools the
//! district's analysts use): every id and every reference to one is text,
//! even ids such as `yes`, `on`, `null`, `0x1f`, `1e5` or `2024-12-31`,
//! which such a reader takes for booleans, null, numbers or dates when
//! they are written bare.

mod common;

use shibei_tracker::store;
use std::process::Command;

/// Whether python3 with PyYAML is here; CI installs it and must run this.
fn pyyaml() -> bool {
    let here = Command::new("python3")
        .args(["-c", "import yaml"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !here && std::env::var_os("CI").is_some() {
        panic!("CI must have python3 with PyYAML (.ci/run installs it)");
    }
    here
}

const TRICKY: [&str; 10] = [
    "yes",
    "no",
    "on",
    "off",
    "null",
    "true",
    "0x1f",
    "1e5",
    "2024-12-31",
    "0123",
];

#[test]
fn every_id_a_yaml_1_1_reader_reads_is_text() {
    if !pyyaml() {
        eprintln!("skipped: no python3 with PyYAML");
        return;
    }
    let mut t = common::tracker();
    // Ids of every kind, and the references to them, made tricky.
    let mut words = TRICKY.iter().cycle();
    let mut next = || words.next().copied().unwrap_or("yes").to_string();
    let chain_id = t.chains[0].id.clone();
    let new_chain = next();
    for c in &mut t.chains {
        if c.id == chain_id {
            c.id = new_chain.clone();
        }
    }
    for p in &mut t.projects {
        if p.chain == chain_id {
            p.chain = new_chain.clone();
        }
    }
    for x in &mut t.targets {
        if x.chain == chain_id {
            x.chain = new_chain.clone();
        }
    }
    for (i, p) in t.projects.iter_mut().enumerate() {
        p.id = TRICKY[i % TRICKY.len()].to_string();
        p.parent = None;
    }
    // Ids are unique within their list: the projects took the tricky words.
    for (i, x) in t.targets.iter_mut().enumerate() {
        x.id = format!("{}-{i}", 2000 + i);
        x.metric = Some(TRICKY[(i + 1) % TRICKY.len()].to_string());
    }
    t.projects.truncate(TRICKY.len());
    let text = store::emit(&t);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("tracker.yaml");
    std::fs::write(&file, &text).expect("write");
    let script = r#"
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
bad = []
def check(where, v):
    if v is not None and not isinstance(v, str):
        bad.append(f"{where}: {v!r} read as {type(v).__name__}")
for kind in ("sources", "chains", "areas", "projects", "targets"):
    for i, r in enumerate(doc[kind]):
        for key in ("id", "chain", "area", "parent", "metric", "source"):
            check(f"{kind}[{i}].{key}", r.get(key))
        for j, e in enumerate(r.get("sources") or []):
            check(f"{kind}[{i}].sources[{j}].source", e.get("source"))
print("\n".join(bad))
sys.exit(1 if bad else 0)
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&file)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "PyYAML reads ids as something else:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // And the tracker reads its own file back the same.
    let back = store::parse(&text, &file, &common::tui_fixture().join("seeds"));
    let back = back.unwrap_or_else(|p| panic!("{p:?}"));
    assert_eq!(back, t);
}
