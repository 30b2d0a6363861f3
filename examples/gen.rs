//! Writes a valid tracker of any size from the bundled one, for measuring
//! how the tracker scales:
//!
//!     cargo run --release --example gen -- --projects 10000 --out /tmp/scale/10k
//!
//! Projects and targets are replicated (targets in the bundled proportion)
//! under new ids and varied Chinese and English names: each copy puts a
//! different place name in front ("崂山人和路旧城改造项目", "Laoshan Renhe
//! Road …"), so names, pinyin and initials differ from copy to copy while
//! the records stay realistic. Quotes and sources are reused as they are,
//! so the result passes `validate`; the seeds are copied beside it.
//! The file is written through the store's own writer, so it follows the
//! schema the tracker reads. `names.txt` gets one line per project (names,
//! aliases, id, chain, area) for comparing search with other tools.

use clap::Parser;
use shibei_tracker::domain::Tracker;
use shibei_tracker::store;
use std::collections::HashSet;
use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(about = "Generate a valid tracker of any size from the bundled one")]
struct Args {
    /// Number of projects to write.
    #[arg(long)]
    projects: usize,
    /// Folder to write tracker.yaml, seeds/ and names.txt into (created).
    #[arg(long)]
    out: PathBuf,
    /// The tracker to replicate (its seeds/ folder must sit beside it).
    #[arg(long, default_value = "tracker.yaml")]
    from: PathBuf,
}

/// Place names put in front of copied names: (Chinese, English).
const PLACES: [(&str, &str); 24] = [
    ("崂山", "Laoshan"),
    ("李沧", "Licang"),
    ("城阳", "Chengyang"),
    ("黄岛", "Huangdao"),
    ("即墨", "Jimo"),
    ("胶州", "Jiaozhou"),
    ("平度", "Pingdu"),
    ("莱西", "Laixi"),
    ("市南", "Shinan"),
    ("西海岸", "West Coast"),
    ("红岛", "Hongdao"),
    ("董家口", "Dongjiakou"),
    ("浮山", "Fushan"),
    ("台东", "Taidong"),
    ("辽阳", "Liaoyang"),
    ("四方", "Sifang"),
    ("大港", "Dagang"),
    ("小村庄", "Xiaocunzhuang"),
    ("海泊河", "Haibo River"),
    ("错埠岭", "Cuobuling"),
    ("敦化路", "Dunhua Road"),
    ("镇江路", "Zhenjiang Road"),
    ("延安路", "Yan'an Road"),
    ("登州路", "Dengzhou Road"),
];

/// Phase labels used once every place name has had its turn.
const PHASES: [(&str, &str); 6] = [
    ("", ""),
    ("二期", "phase II"),
    ("三期", "phase III"),
    ("四期", "phase IV"),
    ("北区", "north"),
    ("南区", "south"),
];

/// How copy `c` (0 = the original) is named: Chinese prefix and suffix,
/// English prefix and suffix.
fn variant(c: usize) -> (String, String, String, String) {
    if c == 0 {
        return Default::default();
    }
    let k = c - 1;
    let (pz, pe) = PLACES[k % PLACES.len()];
    let round = k / PLACES.len();
    let (sz, se) = PHASES[round % PHASES.len()];
    // Beyond places × phases, a number keeps names distinct.
    let extra = round / PHASES.len();
    let (nz, ne) = if extra == 0 {
        (String::new(), String::new())
    } else {
        (format!("{}号", extra + 1), format!(" no. {}", extra + 1))
    };
    let en_suffix = match (se.is_empty(), ne.is_empty()) {
        (true, true) => String::new(),
        (false, _) => format!(", {se}{ne}"),
        (true, false) => ne,
    };
    (
        pz.to_string(),
        format!("{sz}{nz}"),
        format!("{pe} "),
        en_suffix,
    )
}

fn generate(base: &Tracker, projects: usize) -> Tracker {
    let per = base.projects.len().max(1);
    let targets = if base.projects.is_empty() {
        0
    } else {
        (projects as f64 * base.targets.len() as f64 / per as f64).round() as usize
    };
    let id = |id: &str, c: usize| {
        if c == 0 {
            id.to_string()
        } else {
            format!("{id}-{c}")
        }
    };
    let mut t = base.clone();
    t.projects = (0..projects)
        .map(|n| {
            let c = n / per;
            let (zp, zs, ep, es) = variant(c);
            let mut p = base.projects[n % per].clone();
            p.id = id(&p.id, c);
            p.name_zh = format!("{zp}{}{zs}", p.name_zh);
            p.name_en = format!("{ep}{}{es}", p.name_en);
            p.parent = p.parent.as_deref().map(|x| id(x, c));
            p
        })
        .collect();
    // A part whose parent fell beyond the cut stands alone.
    let ids: HashSet<String> = t.projects.iter().map(|p| p.id.clone()).collect();
    for p in &mut t.projects {
        if p.parent.as_ref().is_some_and(|x| !ids.contains(x)) {
            p.parent = None;
        }
    }
    let per_t = base.targets.len().max(1);
    t.targets = (0..targets)
        .map(|n| {
            let c = n / per_t;
            let (zp, zs, ep, es) = variant(c);
            let mut x = base.targets[n % per_t].clone();
            x.id = id(&x.id, c);
            x.metric_zh = format!("{zp}{}{zs}", x.metric_zh);
            x.metric_en = format!("{ep}{}{es}", x.metric_en);
            x
        })
        .collect();
    t
}

/// One line per project: what a user of fzf would search.
fn names(t: &Tracker) -> String {
    let mut out = String::new();
    for p in &t.projects {
        let chain = t.chain(&p.chain).map(|c| c.name_zh.as_str()).unwrap_or("");
        let area = p
            .area
            .as_deref()
            .and_then(|a| t.area(a))
            .map(|a| a.name_zh.as_str())
            .unwrap_or("");
        let mut fields = vec![p.name_zh.as_str(), p.name_en.as_str()];
        fields.extend(p.aliases.iter().map(String::as_str));
        fields.extend([p.id.as_str(), chain, area]);
        out.push_str(&fields.join(" | ").replace(['\n', '\t'], " "));
        out.push('\n');
    }
    out
}

fn run(args: &Args) -> Result<String, String> {
    let loaded = store::load(&args.from).map_err(|problems| {
        problems
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let t = generate(&loaded.tracker, args.projects);
    let text = store::emit(&t);
    let seeds_in = store::seeds_dir(&args.from);
    let seeds_out = args.out.join("seeds");
    fs::create_dir_all(&seeds_out)
        .map_err(|e| format!("cannot create {}: {e}", seeds_out.display()))?;
    for s in &t.sources {
        fs::copy(seeds_in.join(&s.file), seeds_out.join(&s.file))
            .map_err(|e| format!("cannot copy seeds/{}: {e}", s.file))?;
    }
    let file = args.out.join("tracker.yaml");
    fs::write(&file, &text).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    let list = args.out.join("names.txt");
    fs::write(&list, names(&t)).map_err(|e| format!("cannot write {}: {e}", list.display()))?;
    Ok(format!(
        "{}: {} projects, {} targets, {:.2} MB\n",
        file.display(),
        t.projects.len(),
        t.targets.len(),
        text.len() as f64 / 1e6
    ))
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(msg) => {
            print!("{msg}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen: {e}");
            ExitCode::FAILURE
        }
    }
}
