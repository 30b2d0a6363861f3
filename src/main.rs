use clap::{Parser, Subcommand, ValueEnum};
use shibei_tracker::cli::{self, Format};
use std::io::IsTerminal;
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
    #[command(subcommand)]
    command: Option<Command>,
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
        #[arg(long, value_enum, default_value = "table")]
        format: TableFormat,
        /// A filter query: words, pinyin, `chain:`, `area:`, `status:`.
        #[arg(long)]
        filter: Option<String>,
    },
    /// Show one project or target with every field, history and quotes.
    Show {
        id: String,
        #[arg(long, value_enum, default_value = "text")]
        format: ShowFormat,
    },
    /// Goals and results with their progress state.
    Progress {
        /// Only this chain (an id).
        #[arg(long)]
        chain: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: TableFormat,
    },
    /// Change a project's status and append a history entry.
    SetStatus {
        project: String,
        status: String,
        #[arg(long)]
        note: Option<String>,
        /// Date of the change (YYYY-MM-DD); defaults to today.
        #[arg(long, value_parser = parse_date)]
        date: Option<chrono::NaiveDate>,
    },
    /// Record the actual value reached by a target.
    SetActual {
        target: String,
        #[arg(allow_hyphen_values = true)]
        value: String,
        /// As-of date (YYYY-MM-DD); defaults to today.
        #[arg(long, value_parser = parse_date)]
        date: Option<chrono::NaiveDate>,
        #[arg(long)]
        note: Option<String>,
    },
    /// Check the file: schema, references, dates, values and every quote.
    Validate,
    /// A briefing of goals, chains and projects needing attention.
    Report {
        #[arg(long)]
        chain: Option<String>,
        #[arg(long, value_enum, default_value = "md")]
        format: ReportFormat,
    },
    /// Rewrite the file in the tracker's canonical format (after hand edits).
    Normalize,
}

fn table_format(f: TableFormat) -> Format {
    match f {
        TableFormat::Table => Format::Table,
        TableFormat::Json => Format::Json,
        TableFormat::Csv => Format::Csv,
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let today = args
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let file = args.file;
    let result = match args.command {
        None => {
            if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
                Err(cli::Failure::usage(
                    "the interactive interface needs a terminal, and stdin/stdout are not one — use `shibei-tracker list` (or `progress`, `show ID`) for text output",
                ))
            } else {
                shibei_tracker::tui::run(&file, today)
                    .map(|()| String::new())
                    .map_err(cli::Failure::usage)
            }
        }
        Some(Command::List { format, filter }) => {
            cli::list(&file, today, table_format(format), filter.as_deref())
        }
        Some(Command::Show { id, format }) => {
            cli::show(&file, today, &id, matches!(format, ShowFormat::Json))
        }
        Some(Command::Progress { chain, format }) => {
            cli::progress(&file, today, chain.as_deref(), table_format(format))
        }
        Some(Command::SetStatus {
            project,
            status,
            note,
            date,
        }) => cli::set_status(&file, &project, &status, note, date.unwrap_or(today)),
        Some(Command::SetActual {
            target,
            value,
            date,
            note,
        }) => cli::set_actual(&file, &target, &value, note, date.unwrap_or(today)),
        Some(Command::Validate) => cli::validate(&file),
        Some(Command::Report { chain, format }) => cli::report(
            &file,
            today,
            chain.as_deref(),
            matches!(format, ReportFormat::Json),
        ),
        Some(Command::Normalize) => cli::normalize(&file),
    };
    match result {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(f) => {
            eprintln!("{}", f.message.trim_end());
            ExitCode::from(f.code)
        }
    }
}
