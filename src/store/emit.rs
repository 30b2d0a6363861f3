//! Writes the tracker as YAML with a fixed field order and formatting, so an
//! edit to one record changes only that record's lines, and loading then
//! saving an unchanged file gives back the same bytes.

use super::validate::valid_id;
use crate::domain::*;
use std::fmt::Write;

struct Out {
    s: String,
}

/// A YAML double-quoted scalar. JSON string syntax is a subset of it, and
/// serde_json leaves Chinese text unescaped, so it stays readable. It
/// escapes C0 controls only; characters YAML would read differently when
/// raw (NEL and the line/paragraph separators fold into a space, DEL, C1,
/// the BOM and non-characters are not allowed raw) are escaped here, so any
/// text reads back exactly as it was.
fn quoted(s: &str) -> String {
    let json = serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    if !json.chars().any(needs_escape) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if !needs_escape(c) {
            out.push(c);
        } else if (c as u32) <= 0xffff {
            let _ = write!(out, "\\u{:04X}", c as u32);
        } else {
            let _ = write!(out, "\\U{:08X}", c as u32);
        }
    }
    out
}

fn needs_escape(c: char) -> bool {
    matches!(
        c,
        '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
    ) || super::scan::hostile_char(c, true).is_some() && !c.is_ascii()
}

/// Ids are written plain when they are valid ids (they cannot need quoting).
fn ident(s: &str) -> String {
    if valid_id(s) && s.parse::<f64>().is_err() {
        s.to_string()
    } else {
        quoted(s)
    }
}

/// Rust prints the shortest text that reads back as the same f64. Very
/// large and very small values take the exponent form: as plain digits,
/// 1e30 would read back as an integer too large for the parser, and 5e-324
/// would be 324 characters long.
fn number(v: f64) -> String {
    let a = v.abs();
    if a >= 1e16 || (a != 0.0 && a < 1e-6) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

impl Out {
    fn line(&mut self, indent: usize, text: &str) {
        let _ = writeln!(self.s, "{:indent$}{text}", "");
    }

    /// Writes `key: value`, the first field of a list item getting the dash.
    fn field(&mut self, indent: usize, first: &mut bool, key: &str, value: &str) {
        if *first {
            self.line(indent, &format!("- {key}: {value}"));
            *first = false;
        } else {
            self.line(indent + 2, &format!("{key}: {value}"));
        }
    }

    fn list(&mut self, indent: usize, first: &mut bool, key: &str, items: &[String]) {
        let v = format!(
            "[{}]",
            items
                .iter()
                .map(|s| quoted(s))
                .collect::<Vec<_>>()
                .join(", ")
        );
        self.field(indent, first, key, &v);
    }

    fn opt(&mut self, indent: usize, first: &mut bool, key: &str, value: &Option<String>) {
        if let Some(v) = value {
            self.field(indent, first, key, &quoted(v));
        }
    }

    /// Writes `key:` opening a nested block (no value, no trailing space).
    fn header(&mut self, indent: usize, first: &mut bool, key: &str) {
        if std::mem::take(first) {
            self.line(indent, &format!("- {key}:"));
        } else {
            self.line(indent + 2, &format!("{key}:"));
        }
    }
}

/// What in `t` a version-1 file cannot hold, if anything: version 1 has one
/// `actual` per target, no `metric` and no slipped milestones.
pub fn v1_obstacle(t: &Tracker) -> Option<String> {
    if let Some(x) = t.targets.iter().find(|x| x.observations.len() > 1) {
        return Some(format!(
            "target {} has {} observations",
            x.id,
            x.observations.len()
        ));
    }
    if let Some(x) = t.targets.iter().find(|x| x.metric.is_some()) {
        return Some(format!("target {} has a metric", x.id));
    }
    t.projects
        .iter()
        .find(|p| p.milestones.iter().any(|m| !m.slipped_from.is_empty()))
        .map(|p| format!("project {} has a slipped milestone", p.id))
}

/// The tracker as text in the schema version it carries (see `v1_obstacle`
/// for what version 1 cannot hold).
pub fn emit(t: &Tracker) -> String {
    let mut o = Out {
        s: String::with_capacity(1 << 20),
    };
    o.line(0, &format!("schema_version: {}", t.schema_version));
    section(&mut o, "sources", &t.sources, |o, s| {
        let f = &mut true;
        o.field(2, f, "id", &ident(&s.id));
        o.field(2, f, "file", &quoted(&s.file));
        o.field(2, f, "title", &quoted(&s.title));
        o.opt(2, f, "outlet", &s.outlet);
        o.opt(2, f, "author", &s.author);
        o.field(2, f, "published", &quoted(&s.published.to_string()));
        o.opt(2, f, "dating_note", &s.dating_note);
    });
    section(&mut o, "chains", &t.chains, |o, c| {
        let f = &mut true;
        o.field(2, f, "id", &ident(&c.id));
        o.field(2, f, "name_zh", &quoted(&c.name_zh));
        o.field(2, f, "name_en", &quoted(&c.name_en));
        o.list(2, f, "aliases", &c.aliases);
        o.field(2, f, "featured", if c.featured { "true" } else { "false" });
        o.opt(2, f, "note", &c.note);
    });
    section(&mut o, "areas", &t.areas, |o, a| {
        let f = &mut true;
        o.field(2, f, "id", &ident(&a.id));
        o.field(2, f, "name_zh", &quoted(&a.name_zh));
        o.field(2, f, "name_en", &quoted(&a.name_en));
        o.list(2, f, "aliases", &a.aliases);
        o.opt(2, f, "note", &a.note);
    });
    section(&mut o, "projects", &t.projects, project);
    section(&mut o, "targets", &t.targets, |o, x| {
        target(o, x, t.schema_version)
    });
    o.s
}

fn section<T>(o: &mut Out, key: &str, items: &[T], each: impl Fn(&mut Out, &T)) {
    if items.is_empty() {
        o.line(0, &format!("{key}: []"));
        return;
    }
    o.line(0, &format!("{key}:"));
    for item in items {
        each(o, item);
    }
}

fn evidence(o: &mut Out, indent: usize, source: &str, quote: &str) {
    let f = &mut false;
    o.field(indent, f, "source", &ident(source));
    o.field(indent, f, "quote", &quoted(quote));
}

fn project(o: &mut Out, p: &Project) {
    let f = &mut true;
    o.field(2, f, "id", &ident(&p.id));
    o.field(2, f, "name_zh", &quoted(&p.name_zh));
    o.field(2, f, "name_en", &quoted(&p.name_en));
    o.list(2, f, "aliases", &p.aliases);
    o.field(2, f, "chain", &ident(&p.chain));
    if let Some(a) = &p.area {
        o.field(2, f, "area", &ident(a));
    }
    if let Some(a) = &p.parent {
        o.field(2, f, "parent", &ident(a));
    }
    o.field(2, f, "status", p.status.id());
    o.opt(2, f, "note", &p.note);
    if !p.figures.is_empty() {
        o.header(2, f, "figures");
        for x in &p.figures {
            let g = &mut true;
            o.field(6, g, "value", &number(x.value));
            o.field(6, g, "unit", &quoted(&x.unit));
            o.field(6, g, "measures", &quoted(&x.measures));
            evidence(o, 6, &x.source, &x.quote);
        }
    }
    if !p.milestones.is_empty() {
        o.header(2, f, "milestones");
        for m in &p.milestones {
            let g = &mut true;
            o.field(6, g, "due", &quoted(&m.due.to_string()));
            o.field(6, g, "expect", m.expect.id());
            o.field(6, g, "text", &quoted(&m.text));
            if let Some(r) = m.reached {
                o.field(6, g, "reached", &quoted(&r.to_string()));
            }
            evidence(o, 6, &m.source, &m.quote);
            if !m.slipped_from.is_empty() {
                o.line(8, "slipped_from:");
                for x in &m.slipped_from {
                    let h = &mut true;
                    o.field(10, h, "due", &quoted(&x.due.to_string()));
                    o.opt(10, h, "note", &x.note);
                    if let Some(s) = &x.source {
                        o.field(10, h, "source", &ident(s));
                    }
                    o.opt(10, h, "quote", &x.quote);
                }
            }
        }
    }
    if !p.history.is_empty() {
        o.header(2, f, "history");
        for h in &p.history {
            let g = &mut true;
            o.field(6, g, "date", &quoted(&h.date.to_string()));
            if let Some(s) = h.status {
                o.field(6, g, "status", s.id());
            }
            o.field(6, g, "note", &quoted(&h.note));
            if let Some(s) = &h.source {
                o.field(6, g, "source", &ident(s));
            }
            o.opt(6, g, "quote", &h.quote);
        }
    }
    o.header(2, f, "sources");
    for e in &p.sources {
        let g = &mut true;
        o.field(6, g, "source", &ident(&e.source));
        o.field(6, g, "quote", &quoted(&e.quote));
    }
}

fn target(o: &mut Out, t: &Target, version: u32) {
    let f = &mut true;
    o.field(2, f, "id", &ident(&t.id));
    o.field(2, f, "metric_zh", &quoted(&t.metric_zh));
    o.field(2, f, "metric_en", &quoted(&t.metric_en));
    o.field(2, f, "chain", &ident(&t.chain));
    if let Some(a) = &t.area {
        o.field(2, f, "area", &ident(a));
    }
    let period = match t.period {
        Period::Year(y) => y.to_string(),
        Period::Span { start, end } => format!("{{start: \"{start}\", end: \"{end}\"}}"),
    };
    o.field(2, f, "period", &period);
    if let Some(c) = t.comparator {
        o.field(2, f, "comparator", &quoted(c.symbol()));
    }
    if let Some(v) = t.target {
        o.field(2, f, "target", &number(v));
    }
    o.field(2, f, "unit", &quoted(&t.unit));
    if t.measure == Measure::Flow {
        o.field(2, f, "measure", "flow");
    }
    if let Some(m) = &t.metric {
        o.field(2, f, "metric", &ident(m));
    }
    if let Some(b) = &t.baseline {
        o.header(2, f, "baseline");
        o.line(6, &format!("value: {}", number(b.value)));
        o.line(6, &format!("date: {}", quoted(&b.date.to_string())));
        if let Some(s) = &b.source {
            o.line(6, &format!("source: {}", ident(s)));
        }
        if let Some(q) = &b.quote {
            o.line(6, &format!("quote: {}", quoted(q)));
        }
    }
    if version >= 2 {
        if !t.observations.is_empty() {
            o.header(2, f, "observations");
            for x in &t.observations {
                let g = &mut true;
                o.field(6, g, "value", &number(x.value));
                o.field(6, g, "date", &quoted(&x.date.to_string()));
                o.opt(6, g, "note", &x.note);
                if let Some(s) = &x.source {
                    o.field(6, g, "source", &ident(s));
                }
                o.opt(6, g, "quote", &x.quote);
            }
        }
    } else if let Some(a) = t.observations.first() {
        // Version 1 holds one value; `v1_obstacle` refuses trackers with more.
        o.header(2, f, "actual");
        o.line(6, &format!("value: {}", number(a.value)));
        o.line(6, &format!("date: {}", quoted(&a.date.to_string())));
        if let Some(n) = &a.note {
            o.line(6, &format!("note: {}", quoted(n)));
        }
        if let Some(s) = &a.source {
            o.line(6, &format!("source: {}", ident(s)));
        }
        if let Some(q) = &a.quote {
            o.line(6, &format!("quote: {}", quoted(q)));
        }
    }
    o.opt(2, f, "note", &t.note);
    o.header(2, f, "sources");
    for e in &t.sources {
        let g = &mut true;
        o.field(6, g, "source", &ident(&e.source));
        o.field(6, g, "quote", &quoted(&e.quote));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads_back_str(s: &str) {
        let text = format!("a: {}\n", quoted(s));
        let v: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(v["a"].as_str(), Some(s), "{text:?}");
    }

    #[test]
    fn every_text_reads_back() {
        for s in [
            "plain",
            "中文“引号”",
            "tab\there",
            "nl\nx",
            "nel\u{85}x",
            "del\u{7f}",
            "c1\u{9b}2J",
            "ls\u{2028}ps\u{2029}",
            "bom\u{feff}",
            "nc\u{fffe}\u{ffff}\u{1fffe}",
            "bidi\u{202e}x",
            "esc\u{1b}]52;c;x\u{7}",
            "quote\"back\\slash",
            "  spaces  ",
        ] {
            reads_back_str(s);
        }
    }

    #[test]
    fn every_number_reads_back() {
        for v in [
            0.0,
            -0.0,
            1.8,
            30.0,
            1e15,
            1e16,
            18446744073709551616.0,
            1e30,
            -1e30,
            f64::MAX,
            5e-324,
            1e-7,
            0.1 + 0.2,
            123456789.125,
        ] {
            let text = format!("a: {}\n", number(v));
            let back: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
            assert_eq!(back["a"].as_f64(), Some(v), "{text:?}");
        }
        assert_eq!(number(30.0), "30");
        assert_eq!(number(1e30), "1e30");
    }
}
