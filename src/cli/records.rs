//! `add-source`, `add-project`, `add-target`, `edit` and `remove`: whole
//! records entered or corrected from the command line, each with its
//! evidence checked before anything is written, saved like every other
//! edit (one lock from the read to the rename; only the record's lines
//! change) and printed back as saved.

use super::edit::edit_file_then;
use super::Stamp;
use super::{Failure, Outcome};
use crate::command::listing;
use crate::domain::draft::{Draft, FieldError};
use crate::domain::edit::{Edit, Record};
use crate::domain::records::{self, Ctx};
use crate::domain::search::{similar_chinese, SearchIndex, SUGGESTIONS};
use crate::domain::suggest::{closest, did_you_mean};
use crate::domain::*;
use crate::store;
use chrono::NaiveDate;
use std::io::Write;
use std::path::Path;

/// Checks a quote against its report at once; a quote not in it is refused
/// with the passage of that report that comes closest (`domain::quote`).
pub fn verify_quote(file: &Path, t: &Tracker, source: &str, quote: &str) -> Result<(), Failure> {
    store::check_quote(file, t, source, quote).map_err(Failure::usage)
}

/// A chain or area given by id, or by its Chinese or English name or an
/// alias (any case); otherwise refused with the nearest ids by spelling
/// and the best matches of the interface's search (pinyin included).
fn resolve_group(
    what: &str,
    value: &str,
    groups: &[(&str, &str, &str, &[String])],
    searched: Vec<usize>,
) -> Result<String, Failure> {
    let v = value.trim();
    if let Some(g) = groups.iter().find(|g| g.0 == v) {
        return Ok(g.0.to_string());
    }
    let lower = v.to_lowercase();
    if let Some(g) = groups.iter().find(|g| {
        g.1 == v || g.2.to_lowercase() == lower || g.3.iter().any(|a| a.to_lowercase() == lower)
    }) {
        return Ok(g.0.to_string());
    }
    let ids: Vec<&str> = groups.iter().map(|g| g.0).collect();
    // In Chinese: by characters and pinyin (金触 -> 现代金融).
    let names: Vec<&str> = groups.iter().map(|g| g.1).collect();
    let mut near: Vec<String> = similar_chinese(v, &names)
        .into_iter()
        .map(|i| ids[i].to_string())
        .collect();
    for id in closest(v, ids.iter().copied()) {
        if !near.iter().any(|n| n == id) {
            near.push(id.to_string());
        }
    }
    for i in searched.into_iter().take(3) {
        if let Some(g) = groups.get(i) {
            let label = g.0.to_string();
            if !near.contains(&label) {
                near.push(label);
            }
        }
    }
    near.truncate(SUGGESTIONS);
    let hint = if near.is_empty() {
        let all: Vec<String> = groups
            .iter()
            .map(|g| format!("`{}` {}", g.0, g.1))
            .collect();
        format!("\n{}", listing(&format!("known {what}s:"), &all))
    } else {
        let named: Vec<String> = near
            .iter()
            .map(|id| {
                let g = groups.iter().find(|g| g.0 == id);
                format!("`{id}` ({})", g.map_or("", |g| g.1))
            })
            .collect();
        did_you_mean(&named)
    };
    let dash = if hint.starts_with('\n') { "" } else { " — " };
    Err(Failure::usage(format!(
        "unknown {what} \"{v}\"{dash}{hint}"
    )))
}

pub fn resolve_chain(t: &Tracker, index: &SearchIndex, value: &str) -> Result<String, Failure> {
    let groups: Vec<_> = t
        .chains
        .iter()
        .map(|c| {
            (
                c.id.as_str(),
                c.name_zh.as_str(),
                c.name_en.as_str(),
                c.aliases.as_slice(),
            )
        })
        .collect();
    let searched = if value.trim().is_empty() {
        vec![]
    } else {
        index.filter_chains(value)
    };
    resolve_group("chain", value, &groups, searched)
}

pub fn resolve_area(t: &Tracker, index: &SearchIndex, value: &str) -> Result<String, Failure> {
    let groups: Vec<_> = t
        .areas
        .iter()
        .map(|c| {
            (
                c.id.as_str(),
                c.name_zh.as_str(),
                c.name_en.as_str(),
                c.aliases.as_slice(),
            )
        })
        .collect();
    let searched = if value.trim().is_empty() {
        vec![]
    } else {
        index.filter_areas(value)
    };
    resolve_group("area", value, &groups, searched)
}

/// Reads a report by source id, for the draft's quote check.
fn report_reader<'a>(file: &'a Path, t: &'a Tracker) -> impl Fn(&str) -> Option<String> + 'a {
    let seeds = store::seeds_dir(file);
    move |id: &str| {
        t.source(id)
            .and_then(|s| store::read_source(&seeds, &s.file).ok())
    }
}

/// A draft's mistakes as the command line says them: each under the
/// option it is about (`--period: "2024-13" is not a period: …`).
pub(super) fn draft_failure(what: &str, errors: &[FieldError]) -> Failure {
    let lines: Vec<String> = errors
        .iter()
        .map(|e| format!("  --{}: {}", e.key.replace('_', "-"), e.message))
        .collect();
    Failure::usage(format!("{what} not added:\n{}", lines.join("\n")))
}

/// The context a draft is checked in, on the command line.
pub(super) fn with_ctx<T>(file: &Path, t: &Tracker, at: Stamp, f: impl FnOnce(&Ctx) -> T) -> T {
    let read = report_reader(file, t);
    let ctx = Ctx {
        tracker: t,
        today: at.today,
        by: at.by,
        report: &read,
    };
    f(&ctx)
}

/// The record as saved, after the summary line.
fn saved_text(t: &Tracker, rec: &Record, today: NaiveDate) -> String {
    match rec {
        Record::Project(p) => super::project_text(t, p, today),
        Record::Target(x) => super::target_text(t, x, today),
        Record::Source(s) => {
            let mut out = format!(
                "{}  {}\n  published {}  file seeds/{}\n",
                s.id, s.title, s.published, s.file
            );
            if let Some(o) = &s.outlet {
                out.push_str(&format!("  outlet {o}\n"));
            }
            if let Some(a) = &s.author {
                out.push_str(&format!("  author {a}\n"));
            }
            out
        }
        Record::Chain(c) => format!("chain {}  {} {}\n", c.id, c.name_zh, c.name_en),
        Record::Area(a) => format!("area {}  {} {}\n", a.id, a.name_zh, a.name_en),
        Record::Absent(_) => String::new(),
    }
}

/// Saves an edit built from the loaded tracker; the whole tracker must
/// still validate (references, quotes) before it is written.
pub(super) fn save_record(
    file: &Path,
    at: Stamp,
    build: impl FnOnce(&Tracker) -> Result<Edit, Failure>,
) -> Outcome {
    let today = at.today;
    edit_file_then(file, at, build, |t, change| {
        check_valid(file, t)?;
        Ok(saved_text(t, &change.after, today))
    })
}

/// The tracker as it would be written must load: every reference and
/// quote checked the way `validate` checks them.
fn check_valid(file: &Path, t: &Tracker) -> Result<(), Failure> {
    let seeds = store::seeds_dir(file);
    let texts = t
        .sources
        .iter()
        .map(|s| {
            let body =
                store::read_source(&seeds, &s.file).map(|b| crate::domain::quote::squeeze(&b));
            (s.id.clone(), body)
        })
        .collect();
    let issues = store::validate::check(t, &texts);
    if issues.is_empty() {
        return Ok(());
    }
    Err(Failure::usage(format!(
        "not saved: the change would leave {} invalid:\n{}",
        file.display(),
        issues
            .iter()
            .take(5)
            .map(|i| format!("  {}: {} — {}", i.path, i.message, i.hint))
            .collect::<Vec<_>>()
            .join("\n")
    )))
}

/// The options of `add-project`.
#[derive(Debug, clap::Args)]
pub struct ProjectArgs {
    /// The id (default: from --name-en, lower-case with hyphens, made unique).
    #[arg(long)]
    pub id: Option<String>,
    /// The Chinese name, as the report gives it.
    #[arg(long)]
    pub name_zh: String,
    /// The English name.
    #[arg(long)]
    pub name_en: String,
    /// Other names, separated by commas.
    #[arg(long)]
    pub aliases: Option<String>,
    /// The industry chain: an id, or its Chinese or English name.
    #[arg(long)]
    pub chain: String,
    /// The area: an id, or its name.
    #[arg(long)]
    pub area: Option<String>,
    /// The project this one is part of (an id).
    #[arg(long)]
    pub parent: Option<String>,
    /// planned, signed, under_construction, completed, operating, stalled or cancelled (default planned).
    #[arg(long)]
    pub status: Option<String>,
    /// A remark of yours (kept in `note`, never taken for the report's
    /// words); without --source and --quote, what you know of the project
    /// and where from: the project rests on it until a report is cited.
    #[arg(long)]
    pub note: Option<String>,
    /// The report naming the project (a source id).
    #[arg(long)]
    pub source: Option<String>,
    /// The report's words naming it, checked against the report.
    #[arg(long)]
    pub quote: Option<String>,
    /// Add it even though a project of the same or nearly the same name is there.
    #[arg(long)]
    pub allow_duplicate: bool,
}

/// A record with a name like an existing one is refused unless
/// `--allow-duplicate`, naming the one that is there.
fn duplicate_guard(
    what: &str,
    similar: Vec<(String, String)>,
    allowed: bool,
) -> Result<(), Failure> {
    if allowed {
        return Ok(());
    }
    match crate::domain::guard::duplicate_message(what, &similar) {
        Some(m) => Err(Failure::usage(format!(
            "not added: {m}; --allow-duplicate adds it anyway"
        ))),
        None => Ok(()),
    }
}

pub fn add_project(file: &Path, at: Stamp, a: ProjectArgs) -> Outcome {
    save_record(file, at, |t| {
        let index = SearchIndex::groups(t);
        let chain = resolve_chain(t, &index, &a.chain)?;
        let area = match a.area.as_deref().map(str::trim) {
            Some(v) if !v.is_empty() => Some(resolve_area(t, &index, v)?),
            _ => None,
        };
        let parent = a
            .parent
            .as_deref()
            .map(|p| crate::command::project_id(t, p))
            .transpose()?;
        let d = Draft::new()
            .with("id", a.id)
            .with("name_zh", Some(a.name_zh))
            .with("name_en", Some(a.name_en))
            .with("aliases", a.aliases)
            .with("chain", Some(chain))
            .with("area", area)
            .with("parent", parent)
            .with("status", a.status)
            .with("note", a.note)
            .with("source", a.source)
            .with("quote", a.quote);
        let p = with_ctx(file, t, at, |c| records::build_project(c, &d))
            .map_err(|e| draft_failure("project", &e))?;
        let similar = crate::domain::guard::similar_projects(t, &p)
            .into_iter()
            .map(|q| (q.id.clone(), q.name_zh.clone()))
            .collect();
        duplicate_guard("project", similar, a.allow_duplicate)?;
        Ok(Edit::AddProject(Box::new(p)))
    })
}

/// The options of `add-target`.
#[derive(Debug, clap::Args)]
pub struct TargetArgs {
    /// The id (default: from --metric-en, made unique).
    #[arg(long)]
    pub id: Option<String>,
    /// What is measured, in Chinese (新认定高新技术企业).
    #[arg(long)]
    pub metric_zh: String,
    /// What is measured, in English.
    #[arg(long)]
    pub metric_en: String,
    /// The industry chain: an id, or its name.
    #[arg(long)]
    pub chain: String,
    /// The area: an id, or its name.
    #[arg(long)]
    pub area: Option<String>,
    /// A year (2025), years (2024-2026) or two days (2025-01-01..2025-06-30).
    #[arg(long)]
    pub period: String,
    /// >=, <= or = (a goal).
    #[arg(long, allow_hyphen_values = true)]
    pub comparator: Option<String>,
    /// The goal's value (a goal).
    #[arg(long, allow_hyphen_values = true)]
    pub target: Option<String>,
    /// The unit, as the report gives it (家, 亿元, %).
    #[arg(long)]
    pub unit: String,
    /// level (default) or flow (counted afresh each period).
    #[arg(long)]
    pub measure: Option<String>,
    /// The series key shared with the same measure in other periods.
    #[arg(long)]
    pub metric: Option<String>,
    /// A remark of yours (kept in `note`); without --source and --quote,
    /// what you know and where from: the goal or result rests on it.
    #[arg(long)]
    pub note: Option<String>,
    /// The report stating it (a source id).
    #[arg(long)]
    pub source: Option<String>,
    /// The report's words, checked against the report.
    #[arg(long)]
    pub quote: Option<String>,
    /// A result: the value the report gives (recorded with the quote).
    #[arg(long, allow_hyphen_values = true)]
    pub value: Option<String>,
    /// The value's as-of date (YYYY, YYYY-MM or YYYY-MM-DD); default the period.
    #[arg(long, requires = "value")]
    pub date: Option<String>,
    /// Add it even though one of the same metric and period is there.
    #[arg(long)]
    pub allow_duplicate: bool,
    /// Record a value more than 100 times away from the goal as typed.
    #[arg(long)]
    pub force: bool,
}

pub fn add_target(file: &Path, at: Stamp, a: TargetArgs) -> Outcome {
    save_record(file, at, |t| {
        let index = SearchIndex::groups(t);
        let chain = resolve_chain(t, &index, &a.chain)?;
        let area = match a.area.as_deref().map(str::trim) {
            Some(v) if !v.is_empty() => Some(resolve_area(t, &index, v)?),
            _ => None,
        };
        let d = Draft::new()
            .with("id", a.id)
            .with("metric_zh", Some(a.metric_zh))
            .with("metric_en", Some(a.metric_en))
            .with("chain", Some(chain))
            .with("area", area)
            .with("period", Some(a.period))
            .with("comparator", a.comparator)
            .with("target", a.target)
            .with("unit", Some(a.unit))
            .with("measure", a.measure)
            .with("metric", a.metric)
            .with("note", a.note)
            .with("source", a.source)
            .with("quote", a.quote)
            .with("value", a.value)
            .with("date", a.date);
        let x = with_ctx(file, t, at, |c| records::build_target(c, &d))
            .map_err(|e| draft_failure("goal or result", &e))?;
        let similar = crate::domain::guard::similar_targets(t, &x)
            .into_iter()
            .map(|y| {
                (
                    y.id.clone(),
                    format!("{} {}", y.metric_zh, y.period.label()),
                )
            })
            .collect();
        duplicate_guard("goal or result", similar, a.allow_duplicate)?;
        if !a.force {
            if let Some(o) = x.observations.first() {
                scale_guard(t, &x, o.value, o.date)?;
            }
        }
        Ok(Edit::AddTarget(Box::new(x)))
    })
}

/// A value more than 100 times away from the goal or the series is
/// refused unless `--force`, naming the unit.
pub(super) fn scale_guard(
    t: &Tracker,
    x: &Target,
    value: f64,
    date: PartialDate,
) -> Result<(), Failure> {
    match crate::domain::guard::out_of_scale(t, x, value, date) {
        Some(m) => Err(Failure::usage(format!(
            "not recorded: {m} --force records it as typed"
        ))),
        None => Ok(()),
    }
}

/// `edit ID FIELD VALUE`: one scalar field of a project or target. Chain
/// and area values are resolved like `add-project`'s.
pub fn edit(file: &Path, at: Stamp, id: &str, field: &str, value: &str) -> Outcome {
    save_record(file, at, |t| {
        // Named like every other command names a record: id, name, pinyin.
        let id = &named_id(t, id)?;
        let value = match field {
            "chain" => resolve_chain(t, &SearchIndex::groups(t), value)?,
            "area" if !value.trim().is_empty() => resolve_area(t, &SearchIndex::groups(t), value)?,
            _ => value.to_string(),
        };
        Ok(Edit::SetField {
            id: id.to_string(),
            field: field.to_string(),
            value,
        })
    })
}

pub(super) fn named_id(t: &Tracker, text: &str) -> Result<String, Failure> {
    Ok(match crate::command::resolve(t, text, true, true)? {
        crate::command::Named::Project(i) => t.projects[i].id.clone(),
        crate::command::Named::Target(i) => t.targets[i].id.clone(),
    })
}

/// `remove ID`: a project, target or source nothing refers to.
pub fn remove(file: &Path, at: Stamp, id: &str) -> Outcome {
    edit_file_then(
        file,
        at,
        |t| {
            // A source by its id; a project or target as named anywhere.
            let id = if t.source(id).is_some() {
                id.to_string()
            } else {
                named_id(t, id)?
            };
            Ok(Edit::Remove { id })
        },
        |t, _| {
            check_valid(file, t)?;
            Ok(String::new())
        },
    )
}

pub struct SourceArgs<'a> {
    pub path: &'a Path,
    pub id: String,
    pub title: String,
    pub published: PartialDate,
    pub outlet: Option<String>,
    pub author: Option<String>,
    pub dating_note: Option<String>,
}

/// `add-source FILE`: copies the report into seeds/ as `ID.txt` (written
/// under a temporary name, then linked into place, so a half-copied or
/// overwritten report never appears) and adds it to `sources`. A report
/// already in seeds/ is listed as it is, never copied a second time: one
/// given by its path there, or one with the same text that no source lists
/// (what an add-source stopped between the copy and the save leaves, so
/// running it again completes it). Refuses a report whose text (spaces
/// aside) a source already cites, a taken id or file name, and anything
/// that is not UTF-8 text. If the tracker cannot be saved, a copy made here
/// is removed again.
pub fn add_source(file: &Path, at: Stamp, a: SourceArgs) -> Outcome {
    let today = at.today;
    let limit = store::disk::max_bytes().map_err(Failure::usage)?;
    let bytes = store::disk::read_bounded(a.path, limit)
        .map_err(|e| Failure::usage(format!("{}: {}", a.path.display(), e.describe())))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Failure::usage(format!(
            "{}: not UTF-8 text (invalid byte at offset {}) — convert it first, e.g. iconv -f GB18030 -t UTF-8",
            a.path.display(),
            e.utf8_error().valid_up_to()
        ))
    })?;
    let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if body.trim().is_empty() {
        return Err(Failure::usage(format!(
            "{}: the report is empty",
            a.path.display()
        )));
    }
    if a.published.first_day() > today {
        return Err(Failure::usage(format!(
            "published {} is after today ({today})",
            a.published
        )));
    }
    let seeds = store::seeds_dir(file);
    let in_seeds = store::name_in_seeds(&seeds, a.path);
    let copied = std::cell::Cell::new(false);
    let adopted = std::cell::RefCell::new(None);
    let result = edit_file_then(
        file,
        at,
        |t| {
            let squeezed = crate::domain::quote::squeeze(body);
            let found = in_seeds
                .clone()
                .or_else(|| store::unlisted_report_with_text(&seeds, t, &squeezed));
            let s = Source {
                id: a.id.trim().to_string(),
                file: found
                    .clone()
                    .unwrap_or_else(|| format!("{}.txt", a.id.trim())),
                title: a.title.trim().to_string(),
                outlet: a.outlet.clone().filter(|s| !s.trim().is_empty()),
                author: a.author.clone().filter(|s| !s.trim().is_empty()),
                published: a.published,
                dating_note: a.dating_note.clone().filter(|s| !s.trim().is_empty()),
                ..Default::default()
            };
            records::check_new_source(t, &s).map_err(|r| Failure::usage(r.message))?;
            for other in &t.sources {
                if let Ok(b) = store::read_source(&seeds, &other.file) {
                    if crate::domain::quote::squeeze(&b) == squeezed {
                        return Err(Failure::usage(format!(
                            "{} is already in the tracker: source \"{}\" (seeds/{}) has the same text — nothing added",
                            a.path.display(),
                            other.id,
                            other.file
                        )));
                    }
                }
            }
            if found.is_none() {
                copy_into(&seeds, &s.file, text.as_bytes())?;
                copied.set(true);
                pause_for_kill_test();
            }
            *adopted.borrow_mut() = found;
            Ok(Edit::AddSource(Box::new(s)))
        },
        |t, change| {
            check_valid(file, t)?;
            let mut shown = saved_text(t, &change.after, today);
            if let Some(name) = adopted.borrow().as_ref() {
                shown.push_str(&format!(
                    "  seeds/{name} was already there: listed as it is, not copied\n"
                ));
            }
            Ok(shown)
        },
    );
    if result.is_err() && copied.get() {
        let name = format!("{}.txt", a.id.trim());
        let _ = std::fs::remove_file(seeds.join(name));
    }
    result
}

/// Debug builds only: with SHIBEI_TEST_PAUSE_AFTER_REPORT_COPY set,
/// add-source stops between copying the report and saving the tracker, so
/// a test can kill it there (tests/add_source.rs).
fn pause_for_kill_test() {
    #[cfg(debug_assertions)]
    if std::env::var_os("SHIBEI_TEST_PAUSE_AFTER_REPORT_COPY").is_some() {
        eprintln!("paused after copying the report");
        loop {
            std::thread::sleep(std::time::Duration::from_secs(60));
        }
    }
}

/// Writes `bytes` to `seeds/name`, never over an existing file.
fn copy_into(seeds: &Path, name: &str, bytes: &[u8]) -> Result<(), Failure> {
    if !seeds.is_dir() {
        std::fs::create_dir_all(seeds)
            .map_err(|e| Failure::usage(format!("cannot create {}: {e}", seeds.display())))?;
    }
    let dest = seeds.join(name);
    if dest.exists() || dest.symlink_metadata().is_ok() {
        return Err(Failure::usage(format!(
            "{} exists already (a report no source cites?) — choose another --id, or remove the file",
            dest.display()
        )));
    }
    let tmp = seeds.join(format!(".{name}.shibei-tmp.{}", std::process::id()));
    // Only a temporary file this call created is ever removed: a name taken
    // by someone else fails create_new and is left alone.
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(|e| Failure::usage(format!("cannot create {}: {e}", tmp.display())))?;
    let written = (|| -> std::io::Result<()> {
        f.write_all(bytes)?;
        f.sync_all()?;
        // A link fails if the name was taken meanwhile: no overwrite.
        std::fs::hard_link(&tmp, &dest)?;
        Ok(())
    })();
    drop(f);
    let _ = std::fs::remove_file(&tmp);
    written
        .map_err(|e| Failure::usage(format!("cannot copy the report to {}: {e}", dest.display())))
}
