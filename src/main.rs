#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
use clap::{Parser, Subcommand, ValueEnum};
use shibei_tracker::cli::{self, Format};
use shibei_tracker::text::escape_controls;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Follow Qingdao Shibei district's development projects and the goals
/// promised for them, each fact traced to the report it came from.
#[derive(Parser)]
#[command(name = "shibei-tracker", version, about)]
struct Args {
    /// The tracker file.
    #[arg(
        long,
        global = true,
        env = "TRACKER_FILE",
        default_value = "tracker.yaml"
    )]
    file: PathBuf,
    /// The date to judge progress on (YYYY-MM-DD); defaults to the clock.
    #[arg(long, global = true, value_parser = parse_date)]
    today: Option<chrono::NaiveDate>,
    /// Who is entering data, recorded as `by` on what they add; defaults
    /// to `git config user.name`, else the login name.
    #[arg(long, global = true, env = "TRACKER_BY")]
    by: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

fn parse_partial_date(s: &str) -> Result<shibei_tracker::domain::PartialDate, String> {
    shibei_tracker::domain::PartialDate::parse(s).ok_or_else(|| {
        format!("\"{s}\" is not a date: write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024-06-30")
    })
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    shibei_tracker::domain::date::parse_day(s)
        .ok_or_else(|| format!("\"{s}\" is not a date: write YYYY-MM-DD, e.g. 2024-06-30"))
}

#[derive(Clone, Copy, ValueEnum)]
enum TableFormat {
    Table,
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum ShowFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Md,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// List projects (optionally filtered like the interface's `/`).
    List {
        /// table: aligned text, fitted to the terminal's width (piped: every
        /// column); json: every field; csv: one value per column.
        #[arg(long, value_enum, default_value = "table")]
        format: TableFormat,
        /// A filter query: words, pinyin, `chain:`, `area:`, `status:`.
        #[arg(long)]
        filter: Option<String>,
        /// Every column whole even in a narrow terminal (lines may wrap).
        #[arg(long)]
        wide: bool,
    },
    /// Show one project or target with every field, history and quotes.
    Show {
        /// The project or target: its id, its name (Chinese or English), or
        /// pinyin; a miss suggests the closest.
        id: String,
        /// text for reading, json for every field.
        #[arg(long, value_enum, default_value = "text")]
        format: ShowFormat,
        /// Retracted entries too, and every entry numbered as `retract`
        /// and `cite` name it.
        #[arg(long)]
        all: bool,
    },
    /// Goals and results with their progress state.
    Progress {
        /// Only this chain: its id or its name (数字经济, digital economy, pinyin).
        #[arg(long)]
        chain: Option<String>,
        /// Only one series: the targets sharing this `metric` key, in period order.
        #[arg(long)]
        metric: Option<String>,
        /// table: aligned text, fitted to the terminal's width (piped: every
        /// column); json: every field; csv: one value per column (number,
        /// unit and date apart).
        #[arg(long, value_enum, default_value = "table")]
        format: TableFormat,
        /// Every column whole even in a narrow terminal (lines may wrap).
        #[arg(long)]
        wide: bool,
    },
    /// Change a project's status and append a history entry. Refused when
    /// unchanged, dated after today or before the newest status change.
    SetStatus {
        /// The project: its id, its name or pinyin.
        project: String,
        /// The new status: an id (under_construction), or its label as the
        /// interface shows it (在建, "under construction").
        status: String,
        /// Why, or where it was learned: kept in the history entry.
        #[arg(long)]
        note: Option<String>,
        /// Date of the change (YYYY-MM-DD); defaults to today.
        #[arg(long, value_parser = parse_date)]
        date: Option<chrono::NaiveDate>,
    },
    /// Add an observation: a target's value as of a date, beside the values
    /// already recorded (none is ever overwritten).
    SetActual {
        /// The target: its id, its name or pinyin.
        target: String,
        /// The value, a number in the target's unit (35, 1,530.5, -2).
        #[arg(allow_hyphen_values = true)]
        value: String,
        /// As-of date (YYYY, YYYY-MM or YYYY-MM-DD); defaults to today.
        #[arg(long, value_parser = parse_partial_date)]
        date: Option<shibei_tracker::domain::PartialDate>,
        /// Where a typed value comes from.
        #[arg(long)]
        note: Option<String>,
        /// A value from a report: its source id (with --quote).
        #[arg(long, requires = "quote")]
        source: Option<String>,
        /// The report's words giving the value, checked against the report.
        #[arg(long, requires = "source")]
        quote: Option<String>,
        /// Record a value more than 100 times away from the goal or the
        /// series' previous value as typed.
        #[arg(long)]
        force: bool,
    },
    /// Mark a project's next milestone reached (moving its status to the one
    /// the milestone expects), or with --slip-to move it to a later date.
    Milestone {
        /// The project: its id, its name or pinyin.
        project: String,
        /// When it was reached, as precise as known (YYYY, YYYY-MM or
        /// YYYY-MM-DD); defaults to today.
        #[arg(long, value_parser = parse_partial_date)]
        date: Option<shibei_tracker::domain::PartialDate>,
        /// Record the milestone only; leave the status as it is.
        #[arg(long)]
        keep_status: bool,
        /// Move the milestone's due date later (YYYY, YYYY-MM or YYYY-MM-DD),
        /// keeping the date it had as a slip.
        #[arg(long, value_parser = parse_partial_date, conflicts_with_all = ["date", "keep_status"])]
        slip_to: Option<shibei_tracker::domain::PartialDate>,
        /// Why the milestone slipped.
        #[arg(long, requires = "slip_to")]
        note: Option<String>,
    },
    /// Add a report: copy the UTF-8 text FILE into seeds/ as ID.txt and
    /// list it under `sources` (a file already in seeds/ is listed as it
    /// is). Refused when a source already cites its text or the id is taken.
    AddSource {
        /// The report, UTF-8 text.
        path: PathBuf,
        /// The source id (lower-case letters, digits, hyphens), e.g. r2025a.
        #[arg(long)]
        id: String,
        /// The report's title, as printed.
        #[arg(long)]
        title: String,
        /// Publication date, as precise as known (YYYY, YYYY-MM or YYYY-MM-DD).
        #[arg(long, value_parser = parse_partial_date)]
        published: shibei_tracker::domain::PartialDate,
        /// The paper or site that published it.
        #[arg(long)]
        outlet: Option<String>,
        /// Who wrote it.
        #[arg(long)]
        author: Option<String>,
        /// How the publication date was established.
        #[arg(long)]
        dating_note: Option<String>,
    },
    /// Add a project, with the report that names it (--source, --quote,
    /// checked against the report at once). The id is derived from the
    /// English name unless given.
    AddProject(shibei_tracker::cli::ProjectArgs),
    /// Add a goal (--target and --comparator) or a result (--value only),
    /// with the report stating it (--source, --quote, checked at once).
    AddTarget(shibei_tracker::cli::TargetArgs),
    /// Correct one field of a project or target: FIELD as spelled in the
    /// schema (name_zh, name_en, aliases, chain, area, parent, note,
    /// milestones[N].due; metric_zh, metric_en, period, comparator, target,
    /// unit, measure, metric). An empty VALUE clears an optional field.
    Edit {
        /// The project or target: its id, name or pinyin.
        id: String,
        /// The field, as spelled in the schema (e.g. name_en).
        field: String,
        /// The new value (empty clears an optional field).
        #[arg(allow_hyphen_values = true)]
        value: String,
    },
    /// Give a record resting on a note (or an entry of it: --history N,
    /// --observation DATE|N, --milestone N, --slip M.K) the report's words
    /// it rests on; the note is kept. The quote is checked at once.
    Cite {
        /// The project or target: its id, name or pinyin.
        id: String,
        /// The report (a source id).
        #[arg(long)]
        source: String,
        /// The report's words, checked against the report.
        #[arg(long)]
        quote: String,
        #[command(flatten)]
        entry: shibei_tracker::cli::EntryArgs,
    },
    /// Take back an entry a person made (a mistyped value, a wrong status
    /// change, a milestone mark or slip), with the reason: it stays in the
    /// file marked retracted and no longer counts. Quoted facts cannot be
    /// retracted, only superseded.
    Retract {
        /// The project or target: its id, name or pinyin.
        id: String,
        /// Why it is taken back (kept with it).
        #[arg(long, required_unless_present = "undo")]
        reason: Option<String>,
        /// Undo a retraction that was itself the mistake: the entry counts
        /// again and the mark is removed.
        #[arg(long, conflicts_with = "reason")]
        undo: bool,
        #[command(flatten)]
        entry: shibei_tracker::cli::EntryArgs,
    },
    /// Add a milestone to a project: a report's promise (--source, --quote)
    /// or one a person knows of (--note).
    AddMilestone(shibei_tracker::cli::NewMilestoneArgs),
    /// Take back a milestone a person added (number N as `show ID --all`
    /// lists it), with the reason; it stays in the file, marked.
    RemoveMilestone {
        /// The project: its id, name or pinyin.
        project: String,
        /// The milestone's number.
        n: usize,
        /// Why it is taken back.
        #[arg(long)]
        reason: String,
    },
    /// Remove a project, target or source. Refused while others refer to
    /// it (a part naming it as parent, its milestones, records citing a source).
    Remove {
        /// The project or target (id, name or pinyin), or a source id.
        id: String,
    },
    /// Check the file: schema, references, dates, values and every quote.
    Validate,
    /// A briefing of goals, chains and projects needing attention.
    Report {
        /// Only this chain: its id or its name (数字经济, digital economy, pinyin).
        #[arg(long)]
        chain: Option<String>,
        /// md: a Markdown briefing; json: the same facts as data.
        #[arg(long, value_enum, default_value = "md")]
        format: ReportFormat,
    },
    /// Rewrite the file in the tracker's canonical format (after hand edits).
    Normalize,
    /// Upgrade a schema-1 file to schema 2 (each `actual` becomes an
    /// observation; lossless).
    Migrate,
    /// Git's merge driver (`git-setup` registers it): merges BASE, OURS and
    /// THEIRS (git's %O %A %B) by record and field into OURS. Exit 0 merged,
    /// 1 when a conflict is left (listed in the file, which stays valid).
    MergeFile {
        /// The common ancestor's version (git's %O).
        base: PathBuf,
        /// Our version (%A); the merged tracker is written over it.
        ours: PathBuf,
        /// Their version (%B).
        theirs: PathBuf,
        /// The tracker's path in the repository (git's %P), to name who
        /// made each side.
        #[arg(long)]
        path: Option<PathBuf>,
    },
    /// Set up the repository holding the tracker for team use: the merge
    /// driver in .gitattributes and git config, the lock file in .gitignore.
    GitSetup,
    /// Commit the tracker and new reports, pull the team's changes (merged
    /// by record), push; says what came in and from whom.
    Sync,
    /// List the conflicts a merge left, or settle one: ID FIELD and
    /// --ours, --theirs or --value V.
    Resolve {
        /// The record holding the conflict.
        #[arg(requires = "field")]
        id: Option<String>,
        /// The conflict's field, as listed (name_en, milestones[1].due, "(record)").
        field: Option<String>,
        /// Keep our value (the one in the file).
        #[arg(long, requires = "id", conflicts_with_all = ["theirs", "value"])]
        ours: bool,
        /// Take their value.
        #[arg(long, requires = "id", conflicts_with = "value")]
        theirs: bool,
        /// Another value, typed as `edit` takes it.
        #[arg(long, requires = "id", allow_hyphen_values = true)]
        value: Option<String>,
    },
}

/// How tables are printed: fitted to the terminal's width when stdout is
/// one (unless `--wide`), every column whole when piped.
fn table_format(f: TableFormat, wide: bool) -> Format {
    let width = (!wide && io::stdout().is_terminal())
        .then(|| ratatui::crossterm::terminal::size().ok())
        .flatten()
        .map(|(w, _)| w as usize)
        .filter(|w| *w > 0);
    match f {
        TableFormat::Table => Format::Table { width },
        TableFormat::Json => Format::Json,
        TableFormat::Csv => Format::Csv,
    }
}

/// Writes to stderr, escaped; a closed stderr is nothing to panic about.
fn say(message: &str) {
    let _ = writeln!(
        io::stderr().lock(),
        "{}",
        escape_controls(message.trim_end())
    );
}

/// Writes the command's output. A reader that went away (`| head`) ends
/// the command quietly, as it would a pipeline's other tools; any other
/// failure to write (a full disk) is an error.
fn write_output(out: &str) -> ExitCode {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(escape_controls(out).as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            say(&format!("shibei-tracker: cannot write the output: {e}"));
            ExitCode::from(1)
        }
    }
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => {
            // Help and version go to stdout; usage errors echo what was
            // typed, so they are escaped like everything else.
            let text = e.render().to_string();
            return if e.use_stderr() {
                say(&text);
                ExitCode::from(2)
            } else {
                write_output(&text)
            };
        }
    };
    let today = args
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let file = args.file;
    // Asked only by the commands that save: it may run git.
    let by = std::cell::OnceCell::new();
    let given = args.by;
    let stamp = || cli::Stamp {
        today,
        by: by
            .get_or_init(|| shibei_tracker::git::who(&file, given.as_deref()))
            .as_deref(),
    };
    let result = match args.command {
        None => {
            if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
                Err(cli::Failure::usage(
                    "the interactive interface needs a terminal, and stdin/stdout are not one — use `shibei-tracker list` (or `progress`, `show ID`) for text output",
                ))
            } else {
                shibei_tracker::tui::run(&file, today, stamp().by.map(str::to_string))
                    .map(|()| String::new())
            }
        }
        Some(Command::List {
            format,
            filter,
            wide,
        }) => cli::list(&file, today, table_format(format, wide), filter.as_deref()),
        Some(Command::Show { id, format, all }) => {
            cli::show(&file, today, &id, matches!(format, ShowFormat::Json), all)
        }
        Some(Command::Progress {
            chain,
            metric,
            format,
            wide,
        }) => cli::progress(
            &file,
            today,
            chain.as_deref(),
            metric.as_deref(),
            table_format(format, wide),
        ),
        Some(Command::SetStatus {
            project,
            status,
            note,
            date,
        }) => cli::set_status(
            &file,
            stamp(),
            &project,
            &status,
            note,
            date.unwrap_or(today),
        ),
        Some(Command::SetActual {
            target,
            value,
            date,
            note,
            source,
            quote,
            force,
        }) => cli::set_actual(
            &file,
            stamp(),
            cli::ObservationArgs {
                target: &target,
                value: &value,
                date: date.unwrap_or(shibei_tracker::domain::PartialDate::day(today)),
                note,
                source,
                quote,
                force,
            },
        ),
        Some(Command::Milestone {
            project,
            date,
            keep_status,
            slip_to,
            note,
        }) => cli::milestone(
            &file,
            stamp(),
            cli::MilestoneArgs {
                project: &project,
                date: date.unwrap_or(shibei_tracker::domain::PartialDate::day(today)),
                keep_status,
                slip_to,
                note,
            },
        ),
        Some(Command::AddSource {
            path,
            id,
            title,
            published,
            outlet,
            author,
            dating_note,
        }) => cli::add_source(
            &file,
            stamp(),
            cli::SourceArgs {
                path: &path,
                id,
                title,
                published,
                outlet,
                author,
                dating_note,
            },
        ),
        Some(Command::AddProject(a)) => cli::add_project(&file, stamp(), a),
        Some(Command::AddTarget(a)) => cli::add_target(&file, stamp(), a),
        Some(Command::Edit { id, field, value }) => cli::edit(&file, stamp(), &id, &field, &value),
        Some(Command::Remove { id }) => cli::remove(&file, stamp(), &id),
        Some(Command::Cite {
            id,
            source,
            quote,
            entry,
        }) => cli::cite(&file, stamp(), &id, source, quote, entry),
        Some(Command::Retract {
            id,
            reason,
            undo,
            entry,
        }) => match reason {
            Some(reason) if !undo => cli::retract(&file, stamp(), &id, &reason, entry),
            _ => cli::unretract(&file, stamp(), &id, entry),
        },
        Some(Command::AddMilestone(a)) => cli::add_milestone(&file, stamp(), a),
        Some(Command::RemoveMilestone { project, n, reason }) => {
            cli::remove_milestone(&file, stamp(), &project, n, &reason)
        }
        Some(Command::Validate) => cli::validate(&file, today),
        Some(Command::Report { chain, format }) => cli::report(
            &file,
            today,
            chain.as_deref(),
            matches!(format, ReportFormat::Json),
        ),
        Some(Command::Normalize) => cli::normalize(&file),
        Some(Command::Migrate) => cli::migrate(&file),
        Some(Command::MergeFile {
            base,
            ours,
            theirs,
            path,
        }) => cli::merge_file(&base, &ours, &theirs, path.as_deref()),
        Some(Command::GitSetup) => cli::git_setup(&file),
        Some(Command::Sync) => cli::sync(&file, stamp()),
        Some(Command::Resolve {
            id,
            field,
            ours,
            theirs,
            value,
        }) => match (id, field) {
            (Some(id), Some(field)) => {
                use shibei_tracker::domain::merge::Choice;
                let choice = match (ours, theirs, value) {
                    (true, _, _) => Some(Choice::Ours),
                    (_, true, _) => Some(Choice::Theirs),
                    (_, _, Some(v)) => Some(Choice::Value(v)),
                    _ => None,
                };
                match choice {
                    Some(c) => cli::resolve(&file, stamp(), Some((&id, &field, c))),
                    None => Err(cli::Failure::usage(
                        "say how to settle it: --ours, --theirs or --value V",
                    )),
                }
            }
            _ => cli::resolve(&file, stamp(), None),
        },
    };
    match result {
        Ok(out) => write_output(&out),
        Err(f) => {
            say(&f.message);
            ExitCode::from(f.code)
        }
    }
}
