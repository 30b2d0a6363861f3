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
#[cfg(test)]
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    put_quoted(&mut out, s);
    out
}

/// `quoted`, appended to `out`.
fn put_quoted(out: &mut String, s: &str) {
    // Most text needs no escape: it is written between quotes as it is
    // (what serde_json and the loop below would give for it).
    let plain = s.chars().all(|c| {
        if c.is_ascii() {
            c >= ' ' && !matches!(c, '"' | '\\' | '\u{7f}')
        } else {
            !needs_escape(c)
        }
    });
    if plain {
        out.reserve(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
        return;
    }
    let json = serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    for c in json.chars() {
        if !needs_escape(c) {
            out.push(c);
        } else if (c as u32) <= 0xffff {
            let _ = write!(out, "\\u{:04X}", c as u32);
        } else {
            let _ = write!(out, "\\U{:08X}", c as u32);
        }
    }
}

fn needs_escape(c: char) -> bool {
    matches!(
        c,
        '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
    ) || super::scan::hostile_char(c, true).is_some() && !c.is_ascii()
}

/// Ids are written plain when they are valid ids (they cannot need quoting).
fn put_ident(out: &mut String, s: &str) {
    if valid_id(s) && s.parse::<f64>().is_err() {
        out.push_str(s);
    } else {
        put_quoted(out, s);
    }
}

/// Rust prints the shortest text that reads back as the same f64. Very
/// large and very small values take the exponent form: as plain digits,
/// 1e30 would read back as an integer too large for the parser, and 5e-324
/// would be 324 characters long.
#[cfg(test)]
fn number(v: f64) -> String {
    let mut out = String::new();
    put_number(&mut out, v);
    out
}

fn put_number(out: &mut String, v: f64) {
    let a = v.abs();
    if a >= 1e16 || (a != 0.0 && a < 1e-6) {
        let _ = write!(out, "{v:e}");
    } else {
        let _ = write!(out, "{v}");
    }
}

/// A value as written after `key: `.
#[derive(Clone, Copy)]
enum V<'a> {
    /// Written as it is (statuses, `true`, a period).
    Raw(&'a str),
    Text(&'a str),
    Id(&'a str),
    Num(f64),
    Date(PartialDate),
}

impl Out {
    fn pad(&mut self, n: usize) {
        const SPACES: &str = "            ";
        let mut n = n;
        while n > 0 {
            let k = n.min(SPACES.len());
            self.s.push_str(&SPACES[..k]);
            n -= k;
        }
    }

    fn value(&mut self, v: V) {
        match v {
            V::Raw(s) => self.s.push_str(s),
            V::Text(s) => put_quoted(&mut self.s, s),
            V::Id(s) => put_ident(&mut self.s, s),
            V::Num(x) => put_number(&mut self.s, x),
            V::Date(d) => {
                let _ = write!(self.s, "\"{d}\"");
            }
        }
    }

    fn line(&mut self, indent: usize, text: &str) {
        self.pad(indent);
        self.s.push_str(text);
        self.s.push('\n');
    }

    /// Writes `key: value` as a line of its own (a field of a mapping that
    /// is not a list item).
    fn pair(&mut self, indent: usize, key: &str, value: V) {
        self.pad(indent);
        self.s.push_str(key);
        self.s.push_str(": ");
        self.value(value);
        self.s.push('\n');
    }

    /// Writes `key: value`, the first field of a list item getting the dash.
    fn field(&mut self, indent: usize, first: &mut bool, key: &str, value: V) {
        if std::mem::take(first) {
            self.pad(indent);
            self.s.push_str("- ");
        } else {
            self.pad(indent + 2);
        }
        self.s.push_str(key);
        self.s.push_str(": ");
        self.value(value);
        self.s.push('\n');
    }

    fn list(&mut self, indent: usize, first: &mut bool, key: &str, items: &[String]) {
        let mut v = String::from("[");
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                v.push_str(", ");
            }
            put_quoted(&mut v, item);
        }
        v.push(']');
        self.field(indent, first, key, V::Raw(&v));
    }

    fn opt(&mut self, indent: usize, first: &mut bool, key: &str, value: &Option<String>) {
        if let Some(v) = value {
            self.field(indent, first, key, V::Text(v));
        }
    }

    /// Writes `key:` opening a nested block (no value, no trailing space).
    fn header(&mut self, indent: usize, first: &mut bool, key: &str) {
        if std::mem::take(first) {
            self.pad(indent);
            self.s.push_str("- ");
        } else {
            self.pad(indent + 2);
        }
        self.s.push_str(key);
        self.s.push_str(":\n");
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
    let mut s = String::with_capacity(1 << 20);
    emit_pieces(t, &mut |piece| {
        s.push_str(piece);
        true
    });
    s
}

/// The text `emit` writes, handed to `sink` a piece at a time (the first
/// line, each section's head, each record), for callers that compare a
/// file with it without holding a second copy. Stops, giving false, as soon
/// as `sink` does.
pub fn emit_pieces(t: &Tracker, sink: &mut dyn FnMut(&str) -> bool) -> bool {
    let mut o = Out {
        s: String::with_capacity(4096),
    };
    o.line(0, &format!("schema_version: {}", t.schema_version));
    flush(&mut o, sink)
        && section(&mut o, sink, "sources", &t.sources, Block::Source)
        && section(&mut o, sink, "chains", &t.chains, Block::Chain)
        && section(&mut o, sink, "areas", &t.areas, Block::Area)
        && section(&mut o, sink, "projects", &t.projects, Block::Project)
        && section(&mut o, sink, "targets", &t.targets, |x| {
            Block::Target(x, t.schema_version)
        })
}

fn flush(o: &mut Out, sink: &mut dyn FnMut(&str) -> bool) -> bool {
    let go_on = sink(&o.s);
    o.s.clear();
    go_on
}

/// One record of the file: the writer is deterministic per record, so a
/// record's lines depend on that record alone (and, for a target, on the
/// schema version).
#[derive(Debug, Clone, Copy)]
pub enum Block<'a> {
    Source(&'a Source),
    Chain(&'a Chain),
    Area(&'a Area),
    Project(&'a Project),
    Target(&'a Target, u32),
}

/// Appends the lines of one record to `out`, exactly as `emit` writes them.
pub fn block(out: &mut String, b: Block) {
    let mut o = Out {
        s: std::mem::take(out),
    };
    match b {
        Block::Source(s) => source(&mut o, s),
        Block::Chain(c) => chain(&mut o, c),
        Block::Area(a) => area(&mut o, a),
        Block::Project(p) => project(&mut o, p),
        Block::Target(x, version) => target(&mut o, x, version),
    }
    *out = o.s;
}

fn section<'a, T>(
    o: &mut Out,
    sink: &mut dyn FnMut(&str) -> bool,
    key: &str,
    items: &'a [T],
    each: impl Fn(&'a T) -> Block<'a>,
) -> bool {
    o.s.push_str(key);
    o.s.push_str(if items.is_empty() { ": []\n" } else { ":\n" });
    if !flush(o, sink) {
        return false;
    }
    items.iter().all(|item| {
        block(&mut o.s, each(item));
        flush(o, sink)
    })
}

fn source(o: &mut Out, s: &Source) {
    let f = &mut true;
    o.field(2, f, "id", V::Id(&s.id));
    o.field(2, f, "file", V::Text(&s.file));
    o.field(2, f, "title", V::Text(&s.title));
    o.opt(2, f, "outlet", &s.outlet);
    o.opt(2, f, "author", &s.author);
    o.field(2, f, "published", V::Date(s.published));
    o.opt(2, f, "dating_note", &s.dating_note);
}

fn chain(o: &mut Out, c: &Chain) {
    let f = &mut true;
    o.field(2, f, "id", V::Id(&c.id));
    o.field(2, f, "name_zh", V::Text(&c.name_zh));
    o.field(2, f, "name_en", V::Text(&c.name_en));
    o.list(2, f, "aliases", &c.aliases);
    o.field(
        2,
        f,
        "featured",
        V::Raw(if c.featured { "true" } else { "false" }),
    );
    o.opt(2, f, "note", &c.note);
}

fn area(o: &mut Out, a: &Area) {
    let f = &mut true;
    o.field(2, f, "id", V::Id(&a.id));
    o.field(2, f, "name_zh", V::Text(&a.name_zh));
    o.field(2, f, "name_en", V::Text(&a.name_en));
    o.list(2, f, "aliases", &a.aliases);
    o.opt(2, f, "note", &a.note);
}

fn evidence(o: &mut Out, indent: usize, source: &str, quote: &str) {
    let f = &mut false;
    o.field(indent, f, "source", V::Id(source));
    o.field(indent, f, "quote", V::Text(quote));
}

fn project(o: &mut Out, p: &Project) {
    let f = &mut true;
    o.field(2, f, "id", V::Id(&p.id));
    o.field(2, f, "name_zh", V::Text(&p.name_zh));
    o.field(2, f, "name_en", V::Text(&p.name_en));
    o.list(2, f, "aliases", &p.aliases);
    o.field(2, f, "chain", V::Id(&p.chain));
    if let Some(a) = &p.area {
        o.field(2, f, "area", V::Id(a));
    }
    if let Some(a) = &p.parent {
        o.field(2, f, "parent", V::Id(a));
    }
    o.field(2, f, "status", V::Raw(p.status.id()));
    o.opt(2, f, "note", &p.note);
    if !p.figures.is_empty() {
        o.header(2, f, "figures");
        for x in &p.figures {
            let g = &mut true;
            o.field(6, g, "value", V::Num(x.value));
            o.field(6, g, "unit", V::Text(&x.unit));
            o.field(6, g, "measures", V::Text(&x.measures));
            evidence(o, 6, &x.source, &x.quote);
        }
    }
    if !p.milestones.is_empty() {
        o.header(2, f, "milestones");
        for m in &p.milestones {
            let g = &mut true;
            o.field(6, g, "due", V::Date(m.due));
            o.field(6, g, "expect", V::Raw(m.expect.id()));
            o.field(6, g, "text", V::Text(&m.text));
            if let Some(r) = m.reached {
                o.field(6, g, "reached", V::Date(r));
            }
            evidence(o, 6, &m.source, &m.quote);
            if !m.slipped_from.is_empty() {
                o.line(8, "slipped_from:");
                for x in &m.slipped_from {
                    let h = &mut true;
                    o.field(10, h, "due", V::Date(x.due));
                    o.opt(10, h, "note", &x.note);
                    if let Some(s) = &x.source {
                        o.field(10, h, "source", V::Id(s));
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
            o.field(6, g, "date", V::Date(h.date));
            if let Some(s) = h.status {
                o.field(6, g, "status", V::Raw(s.id()));
            }
            o.field(6, g, "note", V::Text(&h.note));
            if let Some(s) = &h.source {
                o.field(6, g, "source", V::Id(s));
            }
            o.opt(6, g, "quote", &h.quote);
        }
    }
    o.header(2, f, "sources");
    for e in &p.sources {
        let g = &mut true;
        o.field(6, g, "source", V::Id(&e.source));
        o.field(6, g, "quote", V::Text(&e.quote));
    }
}

fn target(o: &mut Out, t: &Target, version: u32) {
    let f = &mut true;
    o.field(2, f, "id", V::Id(&t.id));
    o.field(2, f, "metric_zh", V::Text(&t.metric_zh));
    o.field(2, f, "metric_en", V::Text(&t.metric_en));
    o.field(2, f, "chain", V::Id(&t.chain));
    if let Some(a) = &t.area {
        o.field(2, f, "area", V::Id(a));
    }
    let period = match t.period {
        Period::Year(y) => y.to_string(),
        Period::Span { start, end } => format!("{{start: \"{start}\", end: \"{end}\"}}"),
    };
    o.field(2, f, "period", V::Raw(&period));
    if let Some(c) = t.comparator {
        o.field(2, f, "comparator", V::Text(c.symbol()));
    }
    if let Some(v) = t.target {
        o.field(2, f, "target", V::Num(v));
    }
    o.field(2, f, "unit", V::Text(&t.unit));
    if t.measure == Measure::Flow {
        o.field(2, f, "measure", V::Raw("flow"));
    }
    if let Some(m) = &t.metric {
        o.field(2, f, "metric", V::Id(m));
    }
    if let Some(b) = &t.baseline {
        o.header(2, f, "baseline");
        o.pair(6, "value", V::Num(b.value));
        o.pair(6, "date", V::Date(b.date));
        if let Some(s) = &b.source {
            o.pair(6, "source", V::Id(s));
        }
        if let Some(q) = &b.quote {
            o.pair(6, "quote", V::Text(q));
        }
    }
    if version >= 2 {
        if !t.observations.is_empty() {
            o.header(2, f, "observations");
            for x in &t.observations {
                let g = &mut true;
                o.field(6, g, "value", V::Num(x.value));
                o.field(6, g, "date", V::Date(x.date));
                o.opt(6, g, "note", &x.note);
                if let Some(s) = &x.source {
                    o.field(6, g, "source", V::Id(s));
                }
                o.opt(6, g, "quote", &x.quote);
            }
        }
    } else if let Some(a) = t.observations.first() {
        // Version 1 holds one value; `v1_obstacle` refuses trackers with more.
        o.header(2, f, "actual");
        o.pair(6, "value", V::Num(a.value));
        o.pair(6, "date", V::Date(a.date));
        if let Some(n) = &a.note {
            o.pair(6, "note", V::Text(n));
        }
        if let Some(s) = &a.source {
            o.pair(6, "source", V::Id(s));
        }
        if let Some(q) = &a.quote {
            o.pair(6, "quote", V::Text(q));
        }
    }
    o.opt(2, f, "note", &t.note);
    o.header(2, f, "sources");
    for e in &t.sources {
        let g = &mut true;
        o.field(6, g, "source", V::Id(&e.source));
        o.field(6, g, "quote", V::Text(&e.quote));
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
