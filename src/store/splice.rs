//! Saving one change by rewriting only the record it touched. A file in
//! the writer's own form (what every save writes) differs from the writer's
//! text of the changed tracker in that one record's lines. They are found
//! by walking the writer's text of the new tracker beside the file's bytes
//! (compared piece by piece, never copied), checked on their own by the
//! full reader, and spliced in; the rest of the file stays the bytes it was.
//! Anything unexpected on the way (a file in another form, a second
//! difference) gives `None`, and the caller writes the whole file the
//! careful way.
//!
//! Why that is sound: `before` is the tracker the file was read as (the
//! full reader's reading), and `after` is `before` with the change's record
//! replaced, added or removed. The walk proves the new text is the file
//! with exactly the old record's lines replaced by the new record's, the
//! others byte for byte as they were, so they read as they did; the new
//! lines are read back by the full reader before anything is written.

use super::canonical::{dressed_eq, dressed_len, windows_line_ends};
use super::decode::Decoder;
use super::emit;
use super::hostile;
use super::path::DocPath;
use crate::domain::edit::{Change, Record};
use crate::domain::schema::DynRecord;
use crate::domain::Tracker;

const BOM: &str = "\u{feff}";

/// Replace the file's bytes `start..end` (the old record's lines; empty for
/// an added record) by `lines` (the new record's, dressed as the file is;
/// empty for a removed one). `start == end` with no lines: nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Splice {
    pub start: usize,
    pub end: usize,
    pub lines: String,
}

impl Splice {
    /// Nothing to change.
    fn none() -> Splice {
        Splice {
            start: 0,
            end: 0,
            lines: String::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end && self.lines.is_empty()
    }
}

/// The file's text after a byte-order mark, and where it starts.
fn body(text: &str) -> (&str, usize) {
    match text.strip_prefix(BOM) {
        Some(body) => (body, BOM.len()),
        None => (text, 0),
    }
}

/// The writer's text with the file's line ends.
fn dress(written: String, crlf: bool) -> String {
    if crlf {
        written.replace('\n', "\r\n")
    } else {
        written
    }
}

/// The section a record is written in, and the one after it.
fn section_of(r: &Record) -> Option<(&'static str, Option<&'static str>)> {
    match r {
        Record::Source(_) => Some(("sources", Some("chains"))),
        Record::Chain(_) => Some(("chains", Some("areas"))),
        Record::Area(_) => Some(("areas", Some("projects"))),
        Record::Project(_) => Some(("projects", Some("targets"))),
        Record::Target(_) => Some(("targets", None)),
        Record::Absent(_) => None,
    }
}

/// The writer's lines of a record (none for an absent one).
fn lines_of(r: &Record, version: u32) -> Option<String> {
    let r: &dyn DynRecord = match r {
        Record::Project(p) => p,
        Record::Target(x) => x,
        Record::Source(s) => s,
        Record::Chain(c) => c,
        Record::Area(a) => a,
        Record::Absent(_) => return None,
    };
    let mut out = String::new();
    emit::block(&mut out, r, version);
    Some(out)
}

/// Where `change` lands in `text`, the file as loaded, when the file is the
/// writer's form of the tracker that `after` was made from by `change`.
pub fn locate(text: &str, after: &Tracker, change: &Change) -> Option<Splice> {
    let (body, skip) = body(text);
    let crlf = windows_line_ends(body);
    let old = lines_of(&change.before, after.schema_version);
    let new = lines_of(&change.after, after.schema_version);
    let at = |pos: usize, written: &str| {
        body.get(pos..pos + dressed_len(written, crlf))
            .is_some_and(|read| dressed_eq(read, written, crlf))
    };
    let mut pos = 0;
    // The old record's place (start, end) once the difference is met.
    let mut found: Option<(usize, usize)> = None;
    let walked = emit::emit_pieces(after, &mut |piece| {
        if at(pos, piece) {
            pos += dressed_len(piece, crlf);
            return true;
        }
        if found.is_some() {
            return false; // a second difference
        }
        // The first difference: the old record's lines stand here...
        let start = pos;
        if let Some(old) = &old {
            if !at(pos, old) {
                return false;
            }
            pos += dressed_len(old, crlf);
        }
        found = Some((start, pos));
        // ...and this piece is the new record, or, after a removal, the
        // piece that followed the removed one.
        match &new {
            Some(new) => new == piece,
            None if at(pos, piece) => {
                pos += dressed_len(piece, crlf);
                true
            }
            None => false,
        }
    });
    if !walked {
        return None;
    }
    // The last record removed: its lines are all that is left.
    if found.is_none() && pos < body.len() && new.is_none() {
        let old = old.as_deref()?;
        if !at(pos, old) {
            return None;
        }
        found = Some((pos, pos + dressed_len(old, crlf)));
        pos = body.len();
    }
    if pos != body.len() {
        return None;
    }
    let Some((start, end)) = found else {
        return Some(Splice::none());
    };
    Some(Splice {
        start: skip + start,
        end: skip + end,
        lines: dress(new.unwrap_or_default(), crlf),
    })
}

/// `locate` for a file known to be the writer's form of the tracker that
/// `after` was made from (read or written so: `Loaded::written`). A record
/// changed in place is found by its first line inside its section, with
/// no walk over the whole file: in the writer's form every record of a
/// section starts with a line `  - id: ID` (every deeper line is indented
/// further, and no value spans lines) and ids are unique, so that line
/// occurs once. A record added or removed goes through `locate`.
pub fn locate_written(text: &str, after: &Tracker, change: &Change) -> Option<Splice> {
    let version = after.schema_version;
    let (Some(old), Some(new)) = (
        lines_of(&change.before, version),
        lines_of(&change.after, version),
    ) else {
        return locate(text, after, change);
    };
    let (body, skip) = body(text);
    let crlf = windows_line_ends(body);
    let (section, next) = section_of(&change.after)?;
    let nl = if crlf { "\r\n" } else { "\n" };
    // The section's lines: from its head to the next section's head.
    let head = format!("{nl}{section}:{nl}");
    let from = body.find(&head)? + head.len() - nl.len();
    let to = match next {
        Some(n) => from + body[from..].find(&format!("{nl}{n}:"))?,
        None => body.len(),
    };
    let first = old.split_inclusive('\n').next()?;
    let first = dress(first.to_string(), crlf);
    let at = from + body[from..to].find(&format!("{nl}{first}"))? + nl.len();
    let old = dress(old, crlf);
    if body.get(at..at + old.len()) != Some(old.as_str()) {
        return None;
    }
    if change.before == change.after {
        return Some(Splice::none());
    }
    Some(Splice {
        start: skip + at,
        end: skip + at + old.len(),
        lines: dress(new, crlf),
    })
}

/// Refuses new lines that the full reader would not read back as `record`
/// (a bug in the writer must never reach the user's file): they are read as
/// the one record of their section in a file of their own.
pub fn check(record: &Record, version: u32) -> Result<(), String> {
    let Some(lines) = lines_of(record, version) else {
        return Ok(());
    };
    let Some((section, _)) = section_of(record) else {
        return Ok(());
    };
    let mut doc = format!("schema_version: {version}\n");
    for s in ["sources", "chains", "areas", "projects", "targets"] {
        if s == section {
            doc.push_str(s);
            doc.push_str(":\n");
            doc.push_str(&lines);
        } else {
            doc.push_str(s);
            doc.push_str(": []\n");
        }
    }
    let value: serde_yaml::Value = serde_yaml::from_str(&doc)
        .map_err(|e| format!("internal error: the record to save does not parse ({e})"))?;
    if let Some(i) = hostile::check(&value).into_iter().next() {
        // Placed in the record, by its id: its index here is not the file's.
        let kind = match record {
            Record::Project(_) => "project",
            Record::Target(_) => "goal",
            _ => "source",
        };
        let inside = DocPath(i.path.0.get(2..).unwrap_or_default().to_vec());
        return Err(format!(
            "{kind} \"{}\", {inside}: {} — {}",
            record.id(),
            i.message,
            i.hint
        ));
    }
    let mut dec = Decoder::default();
    let back = dec.tracker(&value);
    if let Some(i) = dec.issues.first() {
        return Err(format!(
            "internal error: the record to save does not read back ({}: {})",
            i.path, i.message
        ));
    }
    let same = back.is_some_and(|t| match record {
        Record::Project(p) => t.projects.len() == 1 && &t.projects[0] == p,
        Record::Target(x) => t.targets.len() == 1 && &t.targets[0] == x,
        Record::Source(s) => t.sources.len() == 1 && &t.sources[0] == s,
        Record::Chain(c) => t.chains.len() == 1 && &t.chains[0] == c,
        Record::Area(a) => t.areas.len() == 1 && &t.areas[0] == a,
        Record::Absent(_) => true,
    });
    if same {
        Ok(())
    } else {
        Err(format!(
            "internal error: the record to save does not read back as the same data (record \"{}\")",
            record.id()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::edit::{Absent, Kind};
    use crate::domain::Status;
    use std::path::Path;

    /// The bundled tracker and its text in the writer's form.
    fn bundled() -> (Tracker, String) {
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tracker.yaml");
        let t = super::super::load(&file).expect("bundled loads").tracker;
        let text = emit::emit(&t);
        (t, text)
    }

    /// `change` made to `before`, spliced into `text`; asserts the result is
    /// what the whole writer makes of the changed tracker.
    fn splice_and_compare(before: &Tracker, text: &str, change: &Change) -> String {
        let mut after = before.clone();
        assert!(change.apply_to(&mut after), "the change applies");
        let s = locate(text, &after, change).expect("the change is located");
        check(&change.after, after.schema_version).expect("the new lines read back");
        let mut out = text.to_string();
        out.replace_range(s.start..s.end, &s.lines);
        out
    }

    fn change(before: Record, after: Record) -> Change {
        Change {
            before,
            after,
            summary: String::new(),
        }
    }

    #[test]
    fn a_changed_record_becomes_what_the_whole_writer_writes() {
        let (t, text) = bundled();
        let n = t.projects.len();
        for i in [0, 1, n / 2, n - 1] {
            let old = t.projects[i].clone();
            let mut new = old.clone();
            new.status = if old.status == Status::Stalled {
                Status::Operating
            } else {
                Status::Stalled
            };
            new.name_zh.push_str("（改）");
            let ch = change(Record::Project(old), Record::Project(new));
            let mut after = t.clone();
            ch.apply_to(&mut after);
            assert_eq!(
                splice_and_compare(&t, &text, &ch),
                emit::emit(&after),
                "project {i}"
            );
        }
        for i in [0, t.targets.len() - 1] {
            let old = t.targets[i].clone();
            let mut new = old.clone();
            new.note = Some("typed by a chain team".into());
            let ch = change(Record::Target(old), Record::Target(new));
            let mut after = t.clone();
            ch.apply_to(&mut after);
            assert_eq!(
                splice_and_compare(&t, &text, &ch),
                emit::emit(&after),
                "target {i}"
            );
        }
        let old = t.sources[0].clone();
        let mut new = old.clone();
        new.title.push('!');
        let ch = change(Record::Source(old), Record::Source(new));
        let mut after = t.clone();
        ch.apply_to(&mut after);
        assert_eq!(splice_and_compare(&t, &text, &ch), emit::emit(&after));
    }

    #[test]
    fn added_and_removed_records_are_spliced_in_their_place() {
        let (t, text) = bundled();
        let n = t.projects.len();
        for at in [0, n / 2, n] {
            let mut p = t.projects[1].clone();
            p.id = format!("added-at-{at}");
            let absent = Absent {
                kind: Kind::Project,
                id: p.id.clone(),
                at,
            };
            let added = change(Record::Absent(absent.clone()), Record::Project(p));
            let mut after = t.clone();
            added.apply_to(&mut after);
            assert_eq!(after.projects[at.min(n)].id, format!("added-at-{at}"));
            assert_eq!(
                splice_and_compare(&t, &text, &added),
                emit::emit(&after),
                "added at {at}"
            );
        }
        for i in [0, n / 2, n - 1] {
            let p = t.projects[i].clone();
            let absent = Absent {
                kind: Kind::Project,
                id: p.id.clone(),
                at: i,
            };
            let removed = change(Record::Project(p), Record::Absent(absent));
            let mut after = t.clone();
            removed.apply_to(&mut after);
            assert_eq!(
                splice_and_compare(&t, &text, &removed),
                emit::emit(&after),
                "removed {i}"
            );
        }
        // The very last lines of the file: the last target.
        let last = t.targets.last().expect("targets").clone();
        let absent = Absent {
            kind: Kind::Target,
            id: last.id.clone(),
            at: t.targets.len() - 1,
        };
        let removed = change(Record::Target(last), Record::Absent(absent));
        let mut after = t.clone();
        removed.apply_to(&mut after);
        assert_eq!(splice_and_compare(&t, &text, &removed), emit::emit(&after));
    }

    #[test]
    fn a_file_with_a_byte_order_mark_and_windows_line_ends_keeps_them() {
        let (t, text) = bundled();
        let dressed = format!("\u{feff}{}", text.replace('\n', "\r\n"));
        let old = t.projects[3].clone();
        let mut new = old.clone();
        new.note = Some("两行\n说明".into());
        let ch = change(Record::Project(old), Record::Project(new));
        let mut after = t.clone();
        ch.apply_to(&mut after);
        let out = splice_and_compare(&t, &dressed, &ch);
        assert_eq!(
            out,
            format!("\u{feff}{}", emit::emit(&after).replace('\n', "\r\n"))
        );
    }

    #[test]
    fn anything_unexpected_is_left_to_the_whole_writer() {
        let (t, text) = bundled();
        let old = t.projects[5].clone();
        let mut new = old.clone();
        new.status = Status::Stalled;
        new.name_zh.push('x');
        let ch = change(Record::Project(old.clone()), Record::Project(new.clone()));
        let mut after = t.clone();
        ch.apply_to(&mut after);
        // The file is not in the writer's form elsewhere (an extra blank
        // line at the end, a key spelled in another way).
        assert_eq!(locate(&format!("{text}\n"), &after, &ch), None);
        let first = &t.sources[0].id;
        let quoted_id = text.replacen(
            &format!("  - id: {first}\n"),
            &format!("  - id: \"{first}\"\n"),
            1,
        );
        assert_ne!(quoted_id, text);
        assert_eq!(locate(&quoted_id, &after, &ch), None);
        // A second record differs from the file too.
        let mut two = after.clone();
        two.projects[9].name_zh.push('y');
        assert_eq!(locate(&text, &two, &ch), None);
        // The file does not hold the record as the change says it was.
        let mut wrong_before = old;
        wrong_before.name_zh.push('z');
        let wrong = change(Record::Project(wrong_before), Record::Project(new));
        assert_eq!(locate(&text, &after, &wrong), None);
    }

    #[test]
    fn a_file_known_to_be_written_is_spliced_without_a_walk_to_the_same_place() {
        let (t, text) = bundled();
        let dressed = format!("\u{feff}{}", text.replace('\n', "\r\n"));
        let mut changes = Vec::new();
        for i in [0, t.projects.len() / 2, t.projects.len() - 1] {
            let old = t.projects[i].clone();
            let mut new = old.clone();
            new.name_zh.push('新');
            changes.push(change(Record::Project(old), Record::Project(new)));
        }
        for i in [0, t.targets.len() - 1] {
            let old = t.targets[i].clone();
            let mut new = old.clone();
            new.note = Some("typed".into());
            changes.push(change(Record::Target(old), Record::Target(new)));
        }
        let old = t.sources[1].clone();
        let mut new = old.clone();
        new.title.push('!');
        changes.push(change(Record::Source(old), Record::Source(new)));
        // A project and a goal of the same id: each is found in its section.
        let mut shared = t.clone();
        shared.targets[0].id = shared.projects[0].id.clone();
        let shared_text = emit::emit(&shared);
        let old = shared.targets[0].clone();
        let mut new = old.clone();
        new.note = Some("the goal, not the project".into());
        let same_id = change(Record::Target(old), Record::Target(new));
        for (base, file) in [(&t, &text), (&t, &dressed), (&shared, &shared_text)] {
            let list: Vec<&Change> = if std::ptr::eq(base, &shared) {
                vec![&same_id]
            } else {
                changes.iter().collect()
            };
            for ch in list {
                let mut after = base.clone();
                ch.apply_to(&mut after);
                let fast = locate_written(file, &after, ch).expect("found by id");
                assert_eq!(
                    Some(&fast),
                    locate(file, &after, ch).as_ref(),
                    "{}",
                    ch.after.id()
                );
                let mut out = file.to_string();
                out.replace_range(fast.start..fast.end, &fast.lines);
                let mut whole = emit::emit(&after);
                if file.starts_with('\u{feff}') {
                    whole = format!("\u{feff}{}", whole.replace('\n', "\r\n"));
                }
                assert_eq!(out, whole);
            }
        }
        // The record not as the change says it was: nothing is located.
        let old = t.projects[4].clone();
        let mut claimed = old.clone();
        claimed.name_en.push('?');
        let mut new = old.clone();
        new.status = Status::Stalled;
        let wrong = change(Record::Project(claimed), Record::Project(new));
        let mut after = t.clone();
        wrong.apply_to(&mut after);
        assert_eq!(locate_written(&text, &after, &wrong), None);
    }

    #[test]
    fn no_difference_is_an_empty_splice() {
        let (t, text) = bundled();
        let p = t.projects[2].clone();
        let ch = change(Record::Project(p.clone()), Record::Project(p));
        let s = locate(&text, &t, &ch).expect("located");
        assert!(s.is_empty());
    }

    #[test]
    fn new_lines_the_reader_would_refuse_are_not_written() {
        let (t, _) = bundled();
        let mut p = t.projects[0].clone();
        p.note = Some("a terminal escape \u{1b}[2J in a typed note".into());
        let id = p.id.clone();
        let err = check(&Record::Project(p), t.schema_version).expect_err("refused");
        assert!(err.contains("note"), "{err}");
        // Named by the record's id, not by its index in a file of its own.
        assert!(
            err.starts_with(&format!("project \"{id}\", note:")),
            "{err}"
        );
        check(&Record::Project(t.projects[0].clone()), t.schema_version).expect("accepted");
    }
}
