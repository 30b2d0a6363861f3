//! What changed between two versions of a tracker, in words a commit
//! message and `sync` can show: `set-status cruise-port-city 在建 → 已建成`,
//! `add project alpha-smart-park`, each with who made it where the file
//! says.

use super::draft::as_text;
use super::model::*;
use super::schema::Record;
use std::collections::HashMap;

/// One line per record changed, in file order.
pub fn describe(before: &Tracker, after: &Tracker) -> Vec<String> {
    let mut out = Vec::new();
    section(
        &mut out,
        "source",
        &before.sources,
        &after.sources,
        |_, _| Vec::new(),
    );
    section(&mut out, "chain", &before.chains, &after.chains, |_, _| {
        Vec::new()
    });
    section(&mut out, "area", &before.areas, &after.areas, |_, _| {
        Vec::new()
    });
    section(
        &mut out,
        "project",
        &before.projects,
        &after.projects,
        project,
    );
    section(&mut out, "target", &before.targets, &after.targets, target);
    out
}

/// " (by 王伟)" after a change a person made.
fn by_label(by: Option<&str>) -> String {
    by.filter(|b| !b.is_empty())
        .map_or(String::new(), |b| format!(" (by {b})"))
}

fn id_of<R: Record>(r: &R) -> String {
    R::field("id").map_or_else(String::new, |f| as_text((f.get)(r)))
}

fn section<R: Record>(
    out: &mut Vec<String>,
    kind: &str,
    before: &[R],
    after: &[R],
    special: fn(&R, &R) -> Vec<String>,
) {
    let old: HashMap<String, &R> = before.iter().map(|r| (id_of(r), r)).collect();
    let new: HashMap<String, &R> = after.iter().map(|r| (id_of(r), r)).collect();
    for r in after {
        let id = id_of(r);
        match old.get(&id) {
            None => out.push(format!("add {kind} {id}{}", by_of(r))),
            Some(b) if *b != r => {
                let mut lines = special(b, r);
                // Plain fields changed, by name.
                let fields: Vec<&str> = R::FIELDS
                    .iter()
                    .filter(|f| f.spec.key != "conflicts" && !(f.same)(b, r))
                    .map(|f| f.spec.key)
                    .filter(|k| !matches!(*k, "history" | "observations" | "milestones" | "status"))
                    .filter(|k| !(*k == "sources" && lines.iter().any(|l| l.starts_with("cite "))))
                    .collect();
                if !fields.is_empty() {
                    lines.push(format!("edit {id} {}", fields.join(", ")));
                }
                let settled = !same_conflicts(*b, r);
                if lines.is_empty() && settled {
                    lines.push(format!("resolve {id}"));
                }
                out.extend(lines);
            }
            Some(_) => {}
        }
    }
    for r in before {
        let id = id_of(r);
        if !new.contains_key(&id) {
            out.push(format!("remove {kind} {id}"));
        }
    }
}

fn same_conflicts<R: Record>(a: &R, b: &R) -> bool {
    R::field("conflicts").is_none_or(|f| (f.same)(a, b))
}

fn by_of<R: Record>(r: &R) -> String {
    R::field("by").map_or_else(String::new, |f| {
        let who = as_text((f.get)(r));
        by_label((!who.is_empty()).then_some(who.as_str()))
    })
}

fn project(b: &Project, a: &Project) -> Vec<String> {
    let mut out = Vec::new();
    let added: Vec<&HistoryEntry> = a
        .history
        .iter()
        .filter(|h| !b.history.contains(h))
        .collect();
    if b.status != a.status {
        let who = added
            .iter()
            .rev()
            .find(|h| h.status == Some(a.status))
            .and_then(|h| h.by.as_deref());
        out.push(format!(
            "set-status {} {} → {}{}",
            a.id,
            b.status.label_zh(),
            a.status.label_zh(),
            by_label(who)
        ));
    }
    for h in &added {
        if let Some(r) = retraction_of(*h, &b.history, |h| &mut h.retracted) {
            out.push(retract_line(&a.id, &format!("history {}", h.date), &r));
        } else if restored(*h, &b.history, |h| &mut h.retracted) {
            out.push(format!("retract {} history {} --undo", a.id, h.date));
        }
    }
    let added: Vec<&HistoryEntry> = added
        .into_iter()
        .filter(|h| {
            retraction_of(*h, &b.history, |h| &mut h.retracted).is_none()
                && !restored(*h, &b.history, |h| &mut h.retracted)
        })
        .collect();
    for h in added.iter().filter(|h| h.status.is_none()) {
        out.push(format!(
            "history {} {}{}",
            a.id,
            h.date,
            by_label(h.by.as_deref())
        ));
    }
    for (m, old) in a.milestones.iter().zip(&b.milestones) {
        if let (Some(r), None) = (&m.retracted, &old.retracted) {
            out.push(retract_line(&a.id, &format!("milestone due {}", m.due), r));
        } else if let (Some(r), None) = (&m.mark_retracted, &old.mark_retracted) {
            out.push(retract_line(
                &a.id,
                &format!("milestone mark due {}", m.due),
                r,
            ));
        } else if m.reached.is_some() && old.reached.is_none() {
            out.push(format!(
                "milestone {} reached{}",
                a.id,
                by_label(m.reached_by.as_deref())
            ));
        } else if m.due != old.due {
            out.push(format!("milestone {} due {} → {}", a.id, old.due, m.due));
        }
    }
    if a.milestones.len() != b.milestones.len() {
        out.push(format!("milestones {}", a.id));
    }
    if b.rests_on_note() && !a.sources.is_empty() {
        out.extend(cite_line(
            &a.id,
            a.sources.iter().map(|e| e.source.as_str()),
        ));
    }
    out
}

/// The entry of `before` that `entry` is, taken back since (the same
/// entry but for the mark): its retraction.
fn retraction_of<T: PartialEq + Clone>(
    entry: &T,
    before: &[T],
    mark: fn(&mut T) -> &mut Option<Box<Retraction>>,
) -> Option<Box<Retraction>> {
    let mut bare = entry.clone();
    let r = mark(&mut bare).take()?;
    before.contains(&bare).then_some(r)
}

/// Whether `entry` is an entry of `before` whose retraction was undone.
fn restored<T: PartialEq + Clone>(
    entry: &T,
    before: &[T],
    mark: fn(&mut T) -> &mut Option<Box<Retraction>>,
) -> bool {
    mark(&mut entry.clone()).is_none()
        && before.iter().any(|old| {
            let mut bare = old.clone();
            mark(&mut bare).take().is_some() && bare == *entry
        })
}

fn retract_line(id: &str, what: &str, r: &Retraction) -> String {
    format!(
        "retract {id} {what}{}: {}",
        by_label(r.by.as_deref()),
        r.reason
    )
}

/// `cite ID S` once a record resting on a note is given its report.
fn cite_line<'a>(id: &str, sources: impl Iterator<Item = &'a str>) -> Option<String> {
    let sources: Vec<&str> = sources.collect();
    (!sources.is_empty()).then(|| format!("cite {id} {}", sources.join(", ")))
}

fn target(b: &Target, a: &Target) -> Vec<String> {
    let mut out: Vec<String> = a
        .observations
        .iter()
        .filter(|o| !b.observations.contains(o))
        .map(|o| {
            if restored(o, &b.observations, |o| &mut o.retracted) {
                return format!("retract {} observation {} --undo", a.id, o.date);
            }
            if let Some(r) = retraction_of(o, &b.observations, |o| &mut o.retracted) {
                let what = format!(
                    "observation {} {}{}",
                    o.date,
                    format_number(o.value),
                    a.unit
                );
                return retract_line(&a.id, &what, &r);
            }
            format!(
                "set-actual {} {}{} as of {}{}",
                a.id,
                format_number(o.value),
                a.unit,
                o.date,
                by_label(o.by.as_deref())
            )
        })
        .collect();
    if b.rests_on_note() && !a.sources.is_empty() {
        out.extend(cite_line(
            &a.id,
            a.sources.iter().map(|e| e.source.as_str()),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{PartialDate, Status};

    #[test]
    fn says_what_each_record_went_through() {
        let p = Project {
            id: "cruise-port-city".into(),
            name_zh: "邮轮港城".into(),
            status: Status::UnderConstruction,
            ..Project::default()
        };
        let before = Tracker {
            projects: vec![p.clone()],
            ..Tracker::default()
        };
        let mut after = before.clone();
        after.projects[0].status = Status::Completed;
        after.projects[0].history.push(HistoryEntry {
            date: PartialDate::parse("2024-06").unwrap(),
            status: Some(Status::Completed),
            by: Some("王伟".into()),
            ..HistoryEntry::default()
        });
        after.projects.push(Project {
            id: "alpha-smart-park".into(),
            ..Project::default()
        });
        assert_eq!(
            describe(&before, &after),
            [
                "set-status cruise-port-city 在建 → 已建成 (by 王伟)",
                "add project alpha-smart-park"
            ]
        );
        assert_eq!(
            describe(&after, &before)[1],
            "remove project alpha-smart-park"
        );
    }

    #[test]
    fn a_retraction_and_a_citation_are_named_as_such() {
        let obs = Observation {
            date: PartialDate::parse("2024-12-31").unwrap(),
            value: 25000.0,
            by: Some("李娜".into()),
            ..Observation::default()
        };
        let t = Target {
            id: "talent-introduced-2024".into(),
            unit: "万人".into(),
            observations: vec![obs],
            noted: Some(Box::new(Noted {
                note: "heard at the chain meeting".into(),
                date: PartialDate::parse("2024-11").unwrap(),
                ..Noted::default()
            })),
            ..Target::default()
        };
        let before = Tracker {
            targets: vec![t],
            ..Tracker::default()
        };
        let mut after = before.clone();
        after.targets[0].observations[0].retracted = Some(Box::new(Retraction {
            by: Some("王伟".into()),
            date: PartialDate::parse("2024-12").unwrap(),
            reason: "unit is 万人: 2.5 was meant".into(),
        }));
        after.targets[0].sources.push(Evidence {
            source: "r2024".into(),
            quote: "引进人才2.3万人".into(),
        });
        assert_eq!(
            describe(&before, &after),
            [
                "retract talent-introduced-2024 observation 2024-12-31 25000万人 (by 王伟): unit is 万人: 2.5 was meant",
                "cite talent-introduced-2024 r2024",
            ]
        );
        let mut undone = after.clone();
        undone.targets[0].observations[0].retracted = None;
        assert_eq!(
            describe(&after, &undone),
            ["retract talent-introduced-2024 observation 2024-12-31 --undo"]
        );
    }
}
