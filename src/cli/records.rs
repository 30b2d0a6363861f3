//! `add-source`, `add-project`, `add-target`, `edit` and `remove`: whole
//! records entered or corrected from the command line, each with its
//! evidence checked before anything is written, saved like every other
//! edit (one lock from the read to the rename; only the record's lines
//! change) and printed back as saved.

use super::edit::edit_file_then;
use super::Stamp;
use super::{Failure, Outcome};
use crate::command::listing;
use crate::domain::edit::{Edit, Record};
use crate::domain::number::parse_value;
use crate::domain::records::{self, closest_passage};
use crate::domain::search::{similar_chinese, SearchIndex, SUGGESTIONS};
use crate::domain::suggest::closest;
use crate::domain::*;
use crate::store;
use chrono::NaiveDate;
use std::io::Write;
use std::path::Path;

/// Checks a quote against its report at once; a quote not in it is refused
/// with the passage of that report that comes closest, so the user sees
/// what the report says there.
pub fn verify_quote(file: &Path, t: &Tracker, source: &str, quote: &str) -> Result<(), Failure> {
    let Err(why) = store::check_quote(file, t, source, quote) else {
        return Ok(());
    };
    let near = t
        .source(source)
        .and_then(|s| store::read_source(&store::seeds_dir(file), &s.file).ok())
        .and_then(|text| closest_passage(&text, quote));
    Err(Failure::usage(match near {
        Some(p) if why.starts_with("quote not found") => {
            format!("{why}\nthe closest passage of {source}:\n  {p}")
        }
        _ => why,
    }))
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
        format!("did you mean {}?", named.join(", "))
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

fn parse_status(s: &str) -> Result<Status, Failure> {
    Status::parse(s).ok_or_else(|| crate::command::unknown_status(s))
}

fn evidence(
    file: &Path,
    t: &Tracker,
    source: Option<String>,
    quote: Option<String>,
    what: &str,
) -> Result<Evidence, Failure> {
    match (source, quote) {
        (Some(source), Some(quote)) => {
            verify_quote(file, t, &source, &quote)?;
            Ok(Evidence { source, quote })
        }
        (None, _) => Err(Failure::usage(format!(
            "{what} needs --source: the id of the report it comes from (add the report first with `add-source`; known: {})",
            t.sources.iter().map(|s| s.id.as_str()).collect::<Vec<_>>().join(", ")
        ))),
        (Some(_), None) => Err(Failure::usage(format!(
            "{what} needs --quote: the words of the report that state it"
        ))),
    }
}

fn optional_id(id: Option<String>) -> String {
    id.map(|s| s.trim().to_string()).unwrap_or_default()
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
fn save_record(
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
            let body = store::read_source(&seeds, &s.file).map(|b| store::validate::squeeze(&b));
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
    /// A remark of yours (kept in `note`, never taken for the report's words).
    #[arg(long)]
    pub note: Option<String>,
    /// The report naming the project (a source id).
    #[arg(long)]
    pub source: Option<String>,
    /// The report's words naming it, checked against the report.
    #[arg(long)]
    pub quote: Option<String>,
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
        let status = parse_status(a.status.as_deref().unwrap_or("planned"))?;
        let ev = evidence(file, t, a.source, a.quote, "a project")?;
        let mut p = records::new_project(
            optional_id(a.id),
            a.name_zh,
            a.name_en,
            chain,
            area,
            parent,
            status,
            a.note.filter(|n| !n.trim().is_empty()),
            Some(ev),
        );
        p.aliases = a
            .aliases
            .as_deref()
            .map(records::parse_aliases)
            .unwrap_or_default();
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
    /// A remark of yours (kept in `note`, never taken for the report's words).
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
    #[arg(long, value_parser = parse_partial_date, requires = "value")]
    pub date: Option<PartialDate>,
}

fn parse_partial_date(s: &str) -> Result<PartialDate, String> {
    PartialDate::parse(s).ok_or_else(|| {
        format!("\"{s}\" is not a date: write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024-06-30")
    })
}

pub fn add_target(file: &Path, at: Stamp, a: TargetArgs) -> Outcome {
    save_record(file, at, |t| {
        let index = SearchIndex::groups(t);
        let chain = resolve_chain(t, &index, &a.chain)?;
        let area = match a.area.as_deref().map(str::trim) {
            Some(v) if !v.is_empty() => Some(resolve_area(t, &index, v)?),
            _ => None,
        };
        let period = records::parse_period(&a.period).map_err(Failure::usage)?;
        let comparator = match a.comparator.as_deref() {
            None => None,
            Some(c) => Some(Comparator::parse(c).ok_or_else(|| {
                Failure::usage(format!(
                    "unknown comparator \"{c}\" — use >= (以上, 突破), <= (以内) or ="
                ))
            })?),
        };
        let target = a
            .target
            .as_deref()
            .map(parse_value)
            .transpose()
            .map_err(Failure::usage)?;
        if target.is_none() && a.value.is_none() {
            return Err(Failure::usage(
                "give a goal (--target and --comparator) or a result (--value, with --date): add-target needs one",
            ));
        }
        let measure = match a.measure.as_deref() {
            None | Some("level") => Measure::Level,
            Some("flow") => Measure::Flow,
            Some(m) => {
                return Err(Failure::usage(format!(
                    "unknown measure \"{m}\" — use level (an amount standing at a date) or flow (counted afresh each period)"
                )))
            }
        };
        let ev = evidence(file, t, a.source, a.quote, "a goal or result")?;
        let observations = match a.value.as_deref() {
            None => vec![],
            Some(v) => {
                let value = parse_value(v).map_err(Failure::usage)?;
                // A result for a year is as of that year unless told.
                let date = a.date.unwrap_or_else(|| match period {
                    Period::Year(y) => PartialDate {
                        year: y,
                        month: None,
                        day: None,
                    },
                    Period::Span { end, .. } => PartialDate::day(end),
                });
                vec![Observation {
                    value,
                    date,
                    note: None,
                    source: Some(ev.source.clone()),
                    quote: Some(ev.quote.clone()),
                    ..Default::default()
                }]
            }
        };
        let x = Target {
            id: optional_id(a.id),
            metric_zh: a.metric_zh.trim().into(),
            metric_en: a.metric_en.trim().into(),
            chain,
            area,
            period,
            comparator,
            target,
            unit: a.unit.trim().into(),
            measure,
            metric: a.metric.filter(|m| !m.trim().is_empty()),
            baseline: None,
            observations,
            note: a.note.filter(|n| !n.trim().is_empty()),
            sources: vec![ev],
            ..Default::default()
        };
        Ok(Edit::AddTarget(Box::new(x)))
    })
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

fn named_id(t: &Tracker, text: &str) -> Result<String, Failure> {
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
            let squeezed = store::validate::squeeze(body);
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
                    if store::validate::squeeze(&b) == squeezed {
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
