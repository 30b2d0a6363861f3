//! Storage: the one place that knows YAML and files. Loads and validates
//! `tracker.yaml` with located errors, and saves it atomically.

pub mod cache;
pub mod canonical;
pub mod decode;
pub mod disk;
pub mod emit;
pub mod hostile;
pub mod locate;
pub mod path;
pub mod scalar;
pub mod scan;
pub mod splice;
pub mod textmerge;
pub mod validate;
pub mod watch;

use crate::domain::edit::{Change, Record};
use crate::domain::Tracker;
use std::fmt;

use std::io;
use std::path::{Path, PathBuf};

pub use emit::emit;

/// One problem with the file, placed at a line and column when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    /// 1-based; `None` for problems with the file as a whole.
    pub position: Option<(usize, usize)>,
    /// The document path of the field, e.g. `projects[3].status`.
    pub field: String,
    pub message: String,
    pub hint: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, col)) = self.position {
            write!(f, ":{line}:{col}")?;
        }
        write!(f, ": {}", self.message)?;
        if !self.field.is_empty() {
            write!(f, " ({})", self.field)?;
        }
        if !self.hint.is_empty() {
            write!(f, " — {}", self.hint)?;
        }
        Ok(())
    }
}

fn whole_file(file: &Path, message: impl Into<String>, hint: impl Into<String>) -> Problem {
    Problem {
        file: file.to_path_buf(),
        position: None,
        field: String::new(),
        message: message.into(),
        hint: hint.into(),
    }
}

/// A tracker as loaded, with the exact text it came from (to detect changes
/// made on disk by someone else before saving over them).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub tracker: Tracker,
    pub text: String,
    /// Whether `text` is exactly the writer's own form of `tracker` (as
    /// every save writes it), dressed as the file is: a save then finds the
    /// changed record by its id instead of comparing the whole file.
    pub written: bool,
    /// `domain::guard::same_names(&tracker)` when it is already known (a
    /// big file: kept in the cache with the tracker), for `warnings`.
    pub same_names: Option<crate::domain::guard::SameNames>,
}

/// The folder holding the reports a tracker file cites: `seeds/` beside it.
pub fn seeds_dir(file: &Path) -> PathBuf {
    file.parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .unwrap_or(Path::new("."))
        .join("seeds")
}

/// Reads the tracker file as text: a regular file (links followed) within
/// the size limit, valid UTF-8.
pub fn read_text(file: &Path) -> Result<String, Problem> {
    let limit = disk::max_bytes().map_err(|m| whole_file(file, m, "unset it or fix its value"))?;
    let bytes = disk::read_bounded(file, limit).map_err(|e| match e {
        disk::ReadError::NotFound => whole_file(
            file,
            "no such file",
            "check the path, or pass --file PATH (or set TRACKER_FILE)",
        ),
        disk::ReadError::PermissionDenied => whole_file(
            file,
            "permission denied reading the file",
            "check the file's permissions",
        ),
        disk::ReadError::NotRegular(kind) => whole_file(
            file,
            format!("this is {kind}, not a tracker file"),
            "point --file at a tracker.yaml file",
        ),
        disk::ReadError::TooLarge { size, limit } => whole_file(
            file,
            format!(
                "the file is {}, over the {} limit for a tracker",
                disk::human(size),
                disk::human(limit)
            ),
            format!(
                "check it is the right file; if it is, raise the limit, e.g. {}={}M",
                disk::MAX_BYTES_ENV,
                (size >> 20) + 1
            ),
        ),
        disk::ReadError::Io(e) => whole_file(
            file,
            format!("cannot read the file: {e}"),
            "check the path and permissions",
        ),
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let col = good.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        Problem {
            file: file.to_path_buf(),
            position: Some((line, col)),
            field: String::new(),
            message: "the file is not valid UTF-8 text".into(),
            hint: "save it as UTF-8 (GBK or GB18030 files must be converted first, e.g. with iconv -f GB18030 -t UTF-8)".into(),
        }
    })
}

/// Reads the report `name` cited by a source: a regular file inside `seeds`
/// (after following links: a link pointing out of the folder is refused).
pub fn read_source(seeds: &Path, name: &str) -> Result<String, String> {
    if name.contains(['/', '\\']) || name == ".." || name == "." || name.is_empty() {
        return Err("not a file name under seeds/".into());
    }
    let root = disk::real_path(seeds).map_err(|e| format!("seeds/: {e}"))?;
    let path = seeds.join(name);
    let real = disk::real_path(&path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => "no such file".to_string(),
        _ => e.to_string(),
    })?;
    if !real.starts_with(&root) {
        return Err(format!("it links to {}, outside seeds/", real.display()));
    }
    let limit = disk::max_bytes()?;
    let bytes = disk::read_bounded(&real, limit).map_err(|e| e.describe())?;
    String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())
}

/// The files of `seeds` a report may be, by name: regular files (links
/// followed), not hidden (temporary copies and locks are), sorted.
fn seed_files(seeds: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(seeds) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| {
            let e = e.ok()?;
            let name = e.file_name().to_string_lossy().into_owned();
            let file = std::fs::metadata(e.path()).ok()?.is_file();
            (file && !name.starts_with('.')).then_some(name)
        })
        .collect();
    names.sort();
    names
}

/// The name in `seeds` of the report at `path`, when it is a file of that
/// folder (after following links): `add-source` then lists it as it is.
pub fn name_in_seeds(seeds: &Path, path: &Path) -> Option<String> {
    let root = disk::real_path(seeds).ok()?;
    let real = disk::real_path(path).ok()?;
    if real.parent()? != root {
        return None;
    }
    Some(real.file_name()?.to_str()?.to_string())
}

/// A report in `seeds` that no source of `t` lists and whose text is
/// `squeezed` (whitespace removed): what an `add-source` stopped between
/// copying the report and saving the tracker leaves, to be listed rather
/// than copied again.
pub fn unlisted_report_with_text(seeds: &Path, t: &Tracker, squeezed: &str) -> Option<String> {
    let files = seed_files(seeds);
    validate::unlisted_reports(t, &files)
        .into_iter()
        .find(|name| {
            read_source(seeds, name).is_ok_and(|b| crate::domain::quote::squeeze(&b) == squeezed)
        })
        .map(str::to_string)
}

/// A warning for each file in seeds/ no source lists, with the command that
/// lists it.
fn unlisted_reports(file: &Path, t: &Tracker) -> Vec<Problem> {
    let seeds = seeds_dir(file);
    let files = seed_files(&seeds);
    let program = if file == Path::new("tracker.yaml") {
        "shibei-tracker".to_string()
    } else {
        format!(
            "shibei-tracker --file {}",
            shell_word(&file.display().to_string())
        )
    };
    validate::unlisted_reports(t, &files)
        .into_iter()
        .map(|name| {
            let path = seeds.join(name);
            let shown = path.display().to_string();
            let shown = shown.strip_prefix("./").unwrap_or(&shown).to_string();
            let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
            let id = if validate::valid_id(stem) { stem } else { "ID" };
            Problem {
                file: PathBuf::from(&shown),
                position: None,
                field: String::new(),
                message: "a report file no source lists".into(),
                hint: format!(
                    "list it with `{program} add-source {} --id {id} --title … --published …`, or delete it",
                    shell_word(&shown)
                ),
            }
        })
        .collect()
}

/// `s` as one shell word: quoted when it holds anything but plain path
/// characters.
fn shell_word(s: &str) -> String {
    let plain = |c: char| c.is_alphanumeric() || "/._-+,:@%".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The text of every source's report that can be read, by source id (for
/// the interface's reader and its quote checks).
pub fn reports(file: &Path, t: &Tracker) -> std::collections::HashMap<String, String> {
    let seeds = seeds_dir(file);
    t.sources
        .iter()
        .filter_map(|s| Some((s.id.clone(), read_source(&seeds, &s.file).ok()?)))
        .collect()
}

/// Lines (1-based) that carry YAML comments, which a rewrite would drop.
pub fn comment_lines(text: &str) -> Vec<usize> {
    // Every comment starts with `#`: a text without one has none, found by
    // one fast pass instead of the full lexical scan (the interface asks
    // before its first frame, on files of any size).
    if !text.contains('#') {
        return Vec::new();
    }
    scan::scan(text.strip_prefix(BOM).unwrap_or(text)).comments
}

const BOM: char = '\u{feff}';

/// How a file is dressed beyond its content, kept when saving it: a
/// byte-order mark in front, and Windows line ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Style {
    bom: bool,
    crlf: bool,
}

impl Style {
    fn of(text: &str) -> Style {
        let body = text.strip_prefix(BOM).unwrap_or(text);
        Style {
            bom: body.len() < text.len(),
            crlf: body.find('\n').is_some_and(|i| body[..i].ends_with('\r')),
        }
    }

    /// The canonical (LF, no BOM) text dressed in this style.
    fn dress(self, canonical: String) -> String {
        let text = if self.crlf {
            canonical.replace('\n', "\r\n")
        } else {
            canonical
        };
        if self.bom {
            format!("{BOM}{text}")
        } else {
            text
        }
    }
}

/// `canonical` (the writer's text) dressed as `like` is: a byte-order mark
/// and Windows line ends kept.
pub fn dress_like(like: &str, canonical: &str) -> String {
    Style::of(like).dress(canonical.to_string())
}

/// Problems found by the lexical pass, which stop parsing: raw control
/// characters, anchors and aliases, a second document.
fn lexical_problems(file: &Path, found: &scan::Scan) -> Vec<Problem> {
    let at = |line: usize, col: usize, message: String, hint: &str| Problem {
        file: file.to_path_buf(),
        position: Some((line, col)),
        field: String::new(),
        message,
        hint: hint.into(),
    };
    let mut out: Vec<Problem> = found
        .raw_chars
        .iter()
        .take(20)
        .map(|&(l, c, ch, why)| {
            at(
                l,
                c,
                format!("{why} (U+{:04X}) in the file", ch as u32),
                "remove it; write line breaks in notes as \\n inside double quotes",
            )
        })
        .collect();
    if let Some(&(l, c, _)) = found.anchors.first() {
        let n = found.anchors.len();
        out.push(at(
            l,
            c,
            format!(
                "YAML anchors and aliases (& and *) are not accepted{}",
                if n > 1 {
                    format!(" ({n}{} in the file)", if n >= 50 { " or more" } else { "" })
                } else {
                    String::new()
                }
            ),
            "write each value out in full (the tracker never writes anchors; a file of aliases can expand to gigabytes)",
        ));
    }
    if let Some(l) = found.second_document {
        out.push(at(
            l,
            1,
            "a second YAML document starts here".into(),
            "a tracker file is one document: remove the `---` (or `...`) line and whatever follows that does not belong",
        ));
    }
    out
}

/// Parses and validates tracker text. `file` only labels the problems;
/// `seeds` is where the cited reports are read from.
pub fn parse(text: &str, file: &Path, seeds: &Path) -> Result<Tracker, Vec<Problem>> {
    parse_form(text, file, seeds).map(|(t, _)| t)
}

/// `parse`, also telling whether the text is known to be in the writer's
/// own form: exactly what `emit` makes of the tracker, dressed in the
/// file's style (checked record by record while reading, so no caller needs
/// to emit the whole text again to know it). `false`: read the full way
/// (`canonical::written_as` tells for sure).
pub fn parse_form(text: &str, file: &Path, seeds: &Path) -> Result<(Tracker, bool), Vec<Problem>> {
    // A byte-order mark is accepted (and kept on save); positions count
    // lines after it.
    let text = text.strip_prefix(BOM).unwrap_or(text);
    if text.trim().is_empty() {
        return Err(vec![whole_file(
            file,
            "the file is empty",
            "a tracker file starts with `schema_version: 2` followed by sources, chains, areas, projects and targets (see docs/schema.md)",
        )]);
    }
    // Files in the writer's own form (every save writes it) are read
    // straight into the records; any other file, or one with a problem,
    // goes the full way, which places every problem.
    if let Some(t) = canonical::read(text) {
        if validate::check(&t, &source_texts(&t, seeds)).is_empty() {
            return Ok((t, true));
        }
    }
    parse_full(text, file, seeds).map(|t| (t, false))
}

/// `parse` the full way, for any YAML: a value tree, decoded with every
/// problem placed. `text` has no byte-order mark and is not blank.
pub(crate) fn parse_full(text: &str, file: &Path, seeds: &Path) -> Result<Tracker, Vec<Problem>> {
    parse_full_checked(text, file, Some(seeds))
}

/// Reads tracker text for a merge: every check of the file's form and
/// values, but not of the quotes against the reports (a report may come in
/// by the same merge). An empty text is an empty tracker (git gives one for
/// a file both sides added).
pub fn read_for_merge(text: &str, file: &Path) -> Result<Tracker, Vec<Problem>> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    if text.trim().is_empty() {
        return Ok(Tracker {
            schema_version: crate::domain::SCHEMA_VERSION,
            ..Tracker::default()
        });
    }
    match canonical::read(text) {
        Some(t) => Ok(t),
        None => parse_full_checked(text, file, None),
    }
}

/// `parse_full`; `seeds: None` skips the checks against the reports.
fn parse_full_checked(
    text: &str,
    file: &Path,
    seeds: Option<&Path>,
) -> Result<Tracker, Vec<Problem>> {
    // Before the parser: what would make it costly or hide a problem.
    let found = scan::scan(text);
    let lexical = lexical_problems(file, &found);
    if !lexical.is_empty() {
        return Err(lexical);
    }
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let position = e.location().map(|l| (l.line(), l.column()));
        let line_text = position
            .and_then(|(l, _)| text.lines().nth(l.saturating_sub(1)))
            .unwrap_or("");
        let hint = if line_text.contains('\t') || (position.is_none() && text.contains('\t')) {
            "YAML does not allow tabs for indentation: indent with spaces"
        } else {
            "fix the YAML syntax at this place (indentation, a missing colon, or an unclosed quote)"
        };
        let message = e.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_string();
        vec![Problem {
            file: file.to_path_buf(),
            position,
            field: String::new(),
            message: format!("YAML syntax: {message}"),
            hint: hint.into(),
        }]
    })?;
    let mut issues = hostile::check(&value);
    let mut dec = decode::Decoder::default();
    let tracker = dec.tracker(&value);
    issues.append(&mut dec.issues);
    if let (Some(t), Some(seeds)) = (&tracker, seeds) {
        // A field that could not be read holds a placeholder: what the
        // checks would say of it there is said already.
        let unread: std::collections::HashSet<String> =
            issues.iter().map(|i| i.path.to_string()).collect();
        issues.extend(
            validate::check(t, &source_texts(t, seeds))
                .into_iter()
                .filter(|i| !unread.contains(&i.path.to_string())),
        );
    }
    if issues.is_empty() {
        if let Some(t) = tracker {
            return Ok(t);
        }
    }
    let lines = locate::Locator::new(text);
    let mut problems: Vec<Problem> = issues
        .into_iter()
        .map(|i| Problem {
            file: file.to_path_buf(),
            position: Some(lines.locate(&i.path)),
            field: i.path.to_string(),
            message: i.message,
            hint: i.hint,
        })
        .collect();
    problems.sort_by_key(|p| p.position);
    Err(problems)
}

/// The cited reports' text (whitespace removed, as quotes are compared),
/// by source id, or why a report cannot be read.
fn source_texts(t: &Tracker, seeds: &Path) -> validate::SourceTexts {
    t.sources
        .iter()
        .map(|s| {
            let body = read_source(seeds, &s.file).map(|b| crate::domain::quote::squeeze(&b));
            (s.id.clone(), body)
        })
        .collect()
}

/// Checks that `quote` occurs in the report of `source` (whitespace aside),
/// for a value a user enters from a report.
pub fn check_quote(file: &Path, t: &Tracker, source: &str, quote: &str) -> Result<(), String> {
    let Some(s) = t.source(source) else {
        let known: Vec<&str> = t.sources.iter().map(|s| s.id.as_str()).collect();
        return Err(crate::domain::suggest::unknown("source", source, &known));
    };
    let path = seeds_dir(file).join(&s.file);
    // The same rules as validation: a regular file inside seeds/, bounded.
    let body = read_source(&seeds_dir(file), &s.file)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    crate::domain::quote::check(source, &body, quote)
}

/// Problems that do not stop the file from loading: values and history
/// dated after `today`, and report files in seeds/ that no source lists.
pub fn warnings(loaded: &Loaded, file: &Path, today: chrono::NaiveDate) -> Vec<Problem> {
    let mut issues = validate::dated_after(&loaded.tracker, today);
    issues.extend(match &loaded.same_names {
        Some(same) => validate::same_names_as_issues(&loaded.tracker, same),
        None => validate::same_names(&loaded.tracker),
    });
    let unlisted = unlisted_reports(file, &loaded.tracker);
    if issues.is_empty() {
        return unlisted;
    }
    let lines = locate::Locator::new(&loaded.text);
    let mut v: Vec<Problem> = issues
        .into_iter()
        .map(|i| Problem {
            file: file.to_path_buf(),
            position: Some(lines.locate(&i.path)),
            field: i.path.to_string(),
            message: i.message,
            hint: i.hint,
        })
        .collect();
    v.sort_by_key(|p| p.position);
    v.extend(unlisted);
    v
}

/// The conflicts a merge left in the file, each placed at its entry: they
/// keep `validate` from passing, and nothing else (the file loads, and
/// every command works) until they are resolved.
pub fn conflicts(loaded: &Loaded, file: &Path) -> Vec<Problem> {
    let found = crate::domain::merge::conflicts(&loaded.tracker);
    if found.is_empty() {
        return Vec::new();
    }
    let lines = locate::Locator::new(&loaded.text);
    found
        .into_iter()
        .map(|f| {
            let path = path::DocPath::root()
                .key(f.section)
                .index(f.index)
                .key("conflicts")
                .index(f.at);
            let c = &f.conflict;
            Problem {
                file: file.to_path_buf(),
                position: Some(lines.locate(&path)),
                field: path.to_string(),
                message: format!(
                    "conflict from a merge: {} {} — ours {}, theirs {}",
                    f.id,
                    c.field,
                    crate::domain::merge::side_text(&c.ours, &c.ours_by),
                    crate::domain::merge::side_text(&c.theirs, &c.theirs_by)
                ),
                hint: format!(
                    "settle it: shibei-tracker resolve {} {} --ours | --theirs | --value V (or C in the interface)",
                    f.id,
                    if c.field.chars().all(|ch| ch.is_ascii_alphanumeric() || "_-.".contains(ch)) {
                        c.field.clone()
                    } else {
                        format!("'{}'", c.field)
                    }
                ),
            }
        })
        .collect()
}

/// Reads, parses and validates a tracker file.
pub fn load(file: &Path) -> Result<Loaded, Vec<Problem>> {
    let text = read_text(file).map_err(|p| vec![p])?;
    let seeds = seeds_dir(file);
    // Big files: a cache of the validated tracker, used only when the file
    // and its reports are byte for byte those it was built from.
    let cached = text.len() >= cache::MIN_BYTES;
    if cached {
        if let Some((tracker, written, same)) = cache::get(file, &text, &seeds) {
            return Ok(Loaded {
                tracker,
                text,
                written,
                same_names: same,
            });
        }
    }
    let (tracker, written) = parse_form(&text, file, &seeds)?;
    // Kept with the tracker for `validate`: worked out only to be cached.
    let same_names = (cached && cache::enabled()).then(|| {
        let same = crate::domain::guard::same_names(&tracker);
        cache::put(file, &text, &seeds, &tracker, written, &same);
        same
    });
    Ok(Loaded {
        tracker,
        text,
        written,
        same_names,
    })
}

/// The tracker of `file` for a command that only reads it: from the cache
/// when the cache holds the file as it is (the file is then hashed as it
/// is read, never held in memory), otherwise as `load` gives it.
pub fn load_tracker(file: &Path) -> Result<Tracker, Vec<Problem>> {
    if let Ok(limit) = disk::max_bytes() {
        if let Some(t) = cache::get_current(file, &seeds_dir(file), limit) {
            return Ok(t);
        }
    }
    load(file).map(|l| l.tracker)
}

#[derive(Debug)]
pub enum SaveError {
    /// The file holds comments a rewrite would drop.
    Comments(Vec<usize>),
    /// The file changed on disk since it was loaded.
    ChangedOnDisk,
    ReadOnly,
    /// A schema-1 file cannot hold the change (the reason says what).
    NeedsMigration(String),
    /// Another writer kept the lock longer than we waited.
    Locked {
        holder: String,
        waited: std::time::Duration,
    },
    Io(String),
}

impl From<disk::WriteError> for SaveError {
    fn from(e: disk::WriteError) -> Self {
        match e {
            disk::WriteError::Locked { holder, waited } => SaveError::Locked { holder, waited },
            disk::WriteError::ReadOnly => SaveError::ReadOnly,
            disk::WriteError::Io(m) => SaveError::Io(m),
        }
    }
}

impl SaveError {
    pub fn describe(&self, file: &Path) -> String {
        let f = file.display();
        match self {
            SaveError::Comments(lines) => format!(
                "{f}: not saved: the file holds YAML comments (line{} {}) that saving would drop — move them into `note` fields, then try again",
                if lines.len() == 1 { "" } else { "s" },
                lines.iter().take(8).map(|l| l.to_string()).collect::<Vec<_>>().join(", ")
            ),
            SaveError::ChangedOnDisk => format!("{f}: not saved: the file changed on disk since it was loaded — reload and make the change again"),
            SaveError::NeedsMigration(why) => format!("{f}: not saved: the file is in schema version 1, which keeps a single value per target, and the change needs version 2 ({why}) — run `shibei-tracker --file {f} migrate` (lossless, see docs/schema.md), then make the change again"),
            SaveError::ReadOnly => format!("{f}: not saved: you may not write this file (it is read-only, or belongs to someone else) — make it writable (chmod u+w), or work on a copy with --file"),
            SaveError::Locked { holder, waited } => format!(
                "{f}: not saved: another program is saving this file ({}) and did not finish within {:.1} s — try again; if it is stuck, end that process",
                if holder.is_empty() { "it did not say who it is" } else { holder },
                waited.as_secs_f64()
            ),
            SaveError::Io(e) => format!("{f}: not saved: {e} — the file on disk is unchanged"),
        }
    }
}

/// Reads the file a lock guards, as text (for the freshness check).
fn read_locked(lock: &disk::WriteLock) -> Result<String, SaveError> {
    let limit = disk::max_bytes().map_err(SaveError::Io)?;
    let bytes = disk::read_bounded(lock.real(), limit).map_err(|e| {
        SaveError::Io(format!(
            "cannot read the file before saving: {}",
            e.describe()
        ))
    })?;
    String::from_utf8(bytes)
        .map_err(|_| SaveError::Io("the file on disk is no longer UTF-8 text".into()))
}

/// Saves `tracker` over `file`, provided the file still holds `expected`
/// (the text it was loaded from). Returns the text written. Takes the
/// writers' lock for the whole check-and-replace.
pub fn save(file: &Path, tracker: &Tracker, expected: &str) -> Result<String, SaveError> {
    let lock = disk::WriteLock::acquire(file)?;
    save_locked(file, &lock, tracker, expected)
}

/// `save` for a caller already holding the lock (which read `expected`
/// under it, or checks it here). The whole file is written anew.
pub fn save_locked(
    file: &Path,
    lock: &disk::WriteLock,
    tracker: &Tracker,
    expected: &str,
) -> Result<String, SaveError> {
    unchanged_on_disk(lock, expected)?;
    may_save(expected, tracker)?;
    let text = write_whole(lock, tracker, expected)?;
    remember(file, &text, tracker);
    Ok(text)
}

/// Saves `after`, the tracker `expected` was read as with `change` applied,
/// holding the lock. A file in the writer's form gets only the changed
/// record's lines written anew (see `splice`), so a save costs about a read
/// however big the file and however many edits came before; any other file
/// is written whole, as `save_locked` does. Returns the text now on disk.
///
/// `written`: `expected` is known to be in the writer's own form
/// (`Loaded::written`), so the record is found by its id; otherwise the
/// writer's text of `after` is walked beside the file to find it.
pub fn save_change(
    file: &Path,
    lock: &disk::WriteLock,
    after: &Tracker,
    expected: String,
    change: &Change,
    written: bool,
) -> Result<String, SaveError> {
    unchanged_on_disk(lock, &expected)?;
    save_change_checked(file, lock, after, expected, change, written)
}

/// `save_change` once the file is known to hold `expected`.
fn save_change_checked(
    file: &Path,
    lock: &disk::WriteLock,
    after: &Tracker,
    expected: String,
    change: &Change,
    written: bool,
) -> Result<String, SaveError> {
    may_save(&expected, after)?;
    let big = expected.len() >= cache::MIN_BYTES;
    std::thread::scope(|s| {
        // The cache of the result is validated and encoded on another
        // core while the file is written, and stored after.
        let cache = big.then(|| {
            s.spawn(move || {
                validates(file, after)
                    .then(|| cache::prepare(file, &seeds_dir(file), after))
                    .flatten()
            })
        });
        let (text, changed) = write_change(lock, after, expected, change, written)?;
        if let Some(Ok(Some(prepared))) = cache.map(|c| c.join()) {
            // Whichever way it was written, the text is now the writer's.
            if changed {
                cache::store(file, &text, prepared, true);
            }
        }
        Ok(text)
    })
}

/// The writing part of `save_change`: the text now on disk, and whether it
/// was written (false: the change left the text as it was).
fn write_change(
    lock: &disk::WriteLock,
    after: &Tracker,
    expected: String,
    change: &Change,
    written: bool,
) -> Result<(String, bool), SaveError> {
    let located = if written {
        splice::locate_written(&expected, after, change)
    } else {
        splice::locate(&expected, after, change)
    };
    let Some(splice) = located else {
        let text = write_whole(lock, after, &expected)?;
        let changed = text != expected;
        return Ok((text, changed));
    };
    if splice.is_empty() {
        return Ok((expected, false));
    }
    splice::check(&change.after, after.schema_version).map_err(SaveError::Io)?;
    let mut text = expected;
    text.replace_range(splice.start..splice.end, &splice.lines);
    lock.replace(text.as_bytes())?;
    Ok((text, true))
}

/// Refuses to save over a file that no longer holds what was loaded.
fn unchanged_on_disk(lock: &disk::WriteLock, expected: &str) -> Result<(), SaveError> {
    let same = disk::holds(lock.real(), expected.as_bytes()).map_err(|e| {
        SaveError::Io(format!(
            "cannot read the file before saving: {}",
            e.describe()
        ))
    })?;
    if same {
        Ok(())
    } else {
        Err(SaveError::ChangedOnDisk)
    }
}

/// What stops any save of `tracker` over `expected`: comments it would
/// drop, or a change a version-1 file cannot hold.
fn may_save(expected: &str, tracker: &Tracker) -> Result<(), SaveError> {
    let comments = comment_lines(expected);
    if !comments.is_empty() {
        return Err(SaveError::Comments(comments));
    }
    if tracker.schema_version < 2 {
        if let Some(why) = emit::v1_obstacle(tracker) {
            return Err(SaveError::NeedsMigration(why));
        }
    }
    Ok(())
}

/// Writes the whole writer's text of `tracker`, read back first (the
/// caller checked `may_save`).
fn write_whole(
    lock: &disk::WriteLock,
    tracker: &Tracker,
    expected: &str,
) -> Result<String, SaveError> {
    let canonical = emit(tracker);
    let text = Style::of(expected).dress(canonical.clone());
    if text == expected {
        return Ok(text);
    }
    check_round_trip(&canonical, tracker)?;
    lock.replace(text.as_bytes())?;
    Ok(text)
}

/// Keeps the cache of a big file current after a save, so the next command
/// reads it without parsing. Only a tracker that validates is cached, as
/// `load` would have it; failures just leave the next read to parse.
fn remember(file: &Path, text: &str, tracker: &Tracker) {
    if text.len() >= cache::MIN_BYTES && validates(file, tracker) {
        let same = crate::domain::guard::same_names(tracker);
        cache::put(file, text, &seeds_dir(file), tracker, true, &same);
    }
}

/// Whether `tracker`, saved as `file`, passes validation against the
/// reports beside it.
fn validates(file: &Path, tracker: &Tracker) -> bool {
    validate::check(tracker, &source_texts(tracker, &seeds_dir(file))).is_empty()
}

/// Refuses to write text that would not read back as the same tracker: a
/// bug in the writer must never reach the user's file.
fn check_round_trip(text: &str, tracker: &Tracker) -> Result<(), SaveError> {
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        SaveError::Io(format!(
            "internal error: the text to save does not parse ({e})"
        ))
    })?;
    // Nothing the reader would refuse goes in (a typed note with an escape).
    if let Some(i) = hostile::check(&value).into_iter().next() {
        return Err(SaveError::Io(format!(
            "{}: {} — {}",
            i.path, i.message, i.hint
        )));
    }
    let mut dec = decode::Decoder::default();
    match dec.tracker(&value) {
        Some(back) if dec.issues.is_empty() && &back == tracker => Ok(()),
        Some(back) if dec.issues.is_empty() => Err(SaveError::Io(format!(
            "internal error: the text to save does not read back as the same data (first difference: {})",
            first_difference(tracker, &back)
        ))),
        _ => Err(SaveError::Io(format!(
            "internal error: the text to save does not read back ({})",
            dec.issues
                .first()
                .map(|i| format!("{}: {}", i.path, i.message))
                .unwrap_or_default()
        ))),
    }
}

/// Names the first record that differs, so a writer bug is reported with
/// something a person can act on.
fn first_difference(a: &Tracker, b: &Tracker) -> String {
    let ids = |t: &Tracker| -> Vec<String> {
        t.projects
            .iter()
            .map(|p| format!("{p:?}"))
            .chain(t.targets.iter().map(|x| format!("{x:?}")))
            .collect()
    };
    let names: Vec<&str> = a
        .projects
        .iter()
        .map(|p| p.id.as_str())
        .chain(a.targets.iter().map(|x| x.id.as_str()))
        .collect();
    ids(a)
        .iter()
        .zip(ids(b).iter())
        .position(|(x, y)| x != y)
        .and_then(|i| names.get(i))
        .map_or_else(
            || "sources, chains or areas".to_string(),
            |n| format!("record \"{n}\""),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_comments_but_not_hashes_in_quotes() {
        let text =
            "a: 1 # why\n# whole line\nb: \"x # y\"\nc: 'p #q'\nd: x#y\ne: \"x\"# after a quote\n";
        assert_eq!(comment_lines(text), vec![1, 2, 6]);
        assert_eq!(comment_lines("\u{feff}# c\r\na: 1\r\n"), vec![1]);
    }

    #[test]
    fn style_keeps_a_bom_and_windows_line_ends() {
        let s = Style::of("\u{feff}a: 1\r\nb: 2\r\n");
        assert_eq!(
            s,
            Style {
                bom: true,
                crlf: true
            }
        );
        assert_eq!(s.dress("a: 1\nb: 3\n".into()), "\u{feff}a: 1\r\nb: 3\r\n");
        assert_eq!(
            Style::of("a: 1\nb: \"x\r\"\n"),
            Style {
                bom: false,
                crlf: false
            }
        );
    }
}

/// What became of a change saved on behalf of the interface.
#[derive(Debug, Clone, PartialEq)]
pub enum Committed {
    /// Written over the file as it was loaded.
    Saved { tracker: Tracker, text: String },
    /// The file had changed on disk, but not in the edited record: the change
    /// was re-applied to the file's new contents, which are now the state.
    Merged { tracker: Tracker, text: String },
    /// Someone else changed the same record: nothing was written. `theirs` is
    /// the record on disk (None if they deleted it), `disk` the file's text.
    Conflict {
        theirs: Option<Box<Record>>,
        disk: Box<Tracker>,
        disk_text: String,
    },
}

/// Saves one change made in the interface. `base` is the text the state was
/// loaded from (or last saved as); `after` the tracker with the change. If the
/// file no longer holds `base`, it is reloaded and the change re-applied when
/// the same record was not touched there.
pub fn commit(
    file: &Path,
    base: &str,
    after: &Tracker,
    change: &Change,
) -> Result<Committed, SaveError> {
    // Held from reading the file until the new one is in place.
    let lock = disk::WriteLock::acquire(file)?;
    match unchanged_on_disk(&lock, base) {
        Ok(()) => {
            let text = save_change_checked(file, &lock, after, base.to_string(), change, false)?;
            return Ok(Committed::Saved {
                tracker: after.clone(),
                text,
            });
        }
        Err(SaveError::ChangedOnDisk) => {}
        Err(e) => return Err(e),
    }
    let disk_text = read_locked(&lock)?;
    let mut disk = parse(&disk_text, file, &seeds_dir(file)).map_err(|problems| {
        SaveError::Io(format!(
            "the file changed on disk and no longer loads ({}); fix it or reload",
            problems.first().map(|p| p.to_string()).unwrap_or_default()
        ))
    })?;
    let theirs = change.before.current_in(&disk);
    if theirs.as_ref() != Some(&change.before) {
        return Ok(Committed::Conflict {
            theirs: theirs.map(Box::new),
            disk: Box::new(disk),
            disk_text,
        });
    }
    change.apply_to(&mut disk);
    // `disk_text` was read under the lock held since.
    let text = save_change_checked(file, &lock, &disk, disk_text, change, false)?;
    Ok(Committed::Merged {
        tracker: disk,
        text,
    })
}

/// Overwrites the record on disk with ours (the user chose "keep mine" after
/// a conflict), keeping every other change made on disk, including any made
/// since the conflict was shown.
pub fn force_record(
    file: &Path,
    disk: &Tracker,
    disk_text: &str,
    ours: &Record,
) -> Result<Committed, SaveError> {
    let lock = disk::WriteLock::acquire(file)?;
    let now_text = read_locked(&lock)?;
    let mut t = if now_text == disk_text {
        disk.clone()
    } else {
        parse(&now_text, file, &seeds_dir(file)).map_err(|problems| {
            SaveError::Io(format!(
                "the file changed on disk and no longer loads ({}); fix it or reload",
                problems.first().map(|p| p.to_string()).unwrap_or_default()
            ))
        })?
    };
    // Keeping "mine" of a removal: gone on disk already is as good.
    if !ours.restore_into(&mut t) && !matches!(ours, Record::Absent(_)) {
        return Err(SaveError::Io(format!(
            "\"{}\" no longer exists in the file on disk",
            ours.id()
        )));
    }
    let text = save_locked(file, &lock, &t, &now_text)?;
    Ok(Committed::Merged { tracker: t, text })
}

#[cfg(test)]
mod commit_tests {
    use super::*;
    use crate::domain::edit::{apply, Edit};
    use crate::domain::Status;
    use chrono::NaiveDate;
    use std::fs;

    fn setup() -> (tempfile::TempDir, PathBuf, Loaded) {
        let dir = tempfile::tempdir().unwrap();
        let fx = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
        fs::create_dir(dir.path().join("seeds")).unwrap();
        fs::copy(
            fx.join("seeds/report.txt"),
            dir.path().join("seeds/report.txt"),
        )
        .unwrap();
        let file = dir.path().join("tracker.yaml");
        fs::copy(fx.join("tracker.yaml"), &file).unwrap();
        let loaded = load(&file).unwrap();
        (dir, file, loaded)
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
    }

    fn set(t: &mut Tracker, id: &str, s: Status) -> Change {
        apply(
            t,
            &Edit::SetStatus {
                project: id.into(),
                status: s,
                date: day(),
                note: None,
            },
            day(),
        )
        .unwrap()
    }

    #[test]
    fn saves_then_undo_restores_the_original_bytes() {
        let (_d, file, loaded) = setup();
        let mut t = loaded.tracker.clone();
        let ch = set(&mut t, "visionox", Status::Completed);
        let Committed::Saved { text, .. } = commit(&file, &loaded.text, &t, &ch).unwrap() else {
            panic!("not saved")
        };
        assert!(text.contains("status: completed"));
        ch.before.restore_into(&mut t);
        let undo = Change {
            before: ch.after.clone(),
            after: ch.before.clone(),
            summary: String::new(),
        };
        commit(&file, &text, &t, &undo).unwrap();
        assert_eq!(fs::read_to_string(&file).unwrap(), loaded.text);
    }

    #[test]
    fn change_elsewhere_on_disk_is_kept_and_ours_reapplied() {
        let (_d, file, loaded) = setup();
        // Someone else changes the other project on disk.
        let mut theirs = loaded.tracker.clone();
        set(&mut theirs, "renhe-road-renewal", Status::UnderConstruction);
        save(&file, &theirs, &loaded.text).unwrap();
        let mut ours = loaded.tracker.clone();
        let ch = set(&mut ours, "visionox", Status::Completed);
        let Committed::Merged { tracker, .. } = commit(&file, &loaded.text, &ours, &ch).unwrap()
        else {
            panic!("not merged")
        };
        assert_eq!(
            tracker.project("renhe-road-renewal").unwrap().status,
            Status::UnderConstruction
        );
        assert_eq!(
            tracker.project("visionox").unwrap().status,
            Status::Completed
        );
        assert_eq!(load(&file).unwrap().tracker, tracker);
    }

    #[test]
    fn change_to_the_same_record_is_a_conflict_and_writes_nothing() {
        let (_d, file, loaded) = setup();
        let mut theirs = loaded.tracker.clone();
        set(&mut theirs, "visionox", Status::Stalled);
        let their_text = save(&file, &theirs, &loaded.text).unwrap();
        let mut ours = loaded.tracker.clone();
        let ch = set(&mut ours, "visionox", Status::Completed);
        let Committed::Conflict {
            theirs: Some(their_record),
            disk,
            disk_text,
        } = commit(&file, &loaded.text, &ours, &ch).unwrap()
        else {
            panic!("no conflict")
        };
        let Record::Project(p) = *their_record else {
            panic!("not a project")
        };
        assert_eq!(p.status, Status::Stalled);
        assert_eq!(fs::read_to_string(&file).unwrap(), their_text);
        // Keep mine.
        force_record(&file, &disk, &disk_text, &ch.after).unwrap();
        assert_eq!(
            load(&file)
                .unwrap()
                .tracker
                .project("visionox")
                .unwrap()
                .status,
            Status::Completed
        );
    }
}
