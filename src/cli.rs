//! The command line: `ketnoi serve | migrate | demo | area …`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{DEFAULT_BIND, DEFAULT_DATABASE_URL, DEFAULT_INDEX_DIR};
use crate::demo::DEFAULT_WORKERS;

#[derive(Debug, Parser)]
#[command(
    name = "ketnoi",
    version,
    about = "Kết nối việc làm: job connection and vocational training for poor households"
)]
pub struct Cli {
    /// Database: sqlite://PATH (created if missing) or postgres://USER:PASS@HOST/DB.
    #[arg(long, global = true, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,

    /// Folder of the search index.
    #[arg(long, global = true, env = "KETNOI_INDEX_DIR", default_value = DEFAULT_INDEX_DIR)]
    pub index_dir: PathBuf,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web service (applies pending migrations first).
    Serve(ServeArgs),
    /// Apply pending migrations and load missing reference data.
    Migrate(MigrateArgs),
    /// Fill an empty database with a realistic, reproducible demo province.
    Demo(DemoArgs),
    /// Administrative units: list them, and set which are poor areas.
    Area(AreaArgs),
    /// Logins.
    User(UserArgs),
    /// Programme periods and their targets: list them, set one, import many from a CSV.
    Targets(TargetsArgs),
    /// Rebuild the search index from the database (a running server switches to it).
    Reindex(ReindexArgs),
    /// Write the 6-monthly, yearly or period report of progress toward the targets.
    Report(ReportArgs),
    /// The progress facts the targets are counted from.
    Progress(ProgressArgs),
    /// Import a list from .xlsx, .ods, .csv or Unicode text (households, workers, employers,
    /// vacancies, courses).
    Import(ImportArgs),
    /// Export a registry as .xlsx or .csv under the headers `import` reads.
    Export(ExportArgs),
    /// The e-mail outbox: deliver what is due now, queue the weekly digests, retry a message.
    Mail(MailArgs),
    /// Copy a running SQLite database, as of one moment, into a new file.
    Backup(BackupArgs),
    /// Replace the SQLite database with a backup (the server stopped), migrate it and rebuild
    /// the search index.
    Restore(BackupArgs),
    /// Measure Ketnoi against alternatives on generated data.
    Bench(BenchArgs),
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup file.
    pub file: std::path::PathBuf,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// households, workers, employers, vacancies or courses.
    pub kind: String,
    pub file: PathBuf,
    /// Check every row and report, keeping nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Households: the list is this year's poverty review; each row records that year's review.
    #[arg(long, value_parser = clap::value_parser!(i32).range(2000..=2100))]
    pub review_year: Option<i32>,
    /// all-or-nothing: keep nothing when a row is rejected; valid-rows: keep the good rows.
    #[arg(long, default_value = "all-or-nothing")]
    pub mode: String,
    /// Write the rejected rows, with a reason column, to this .xlsx.
    #[arg(long)]
    pub errors_out: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// vi or en: the language of the reasons.
    #[arg(long, default_value = "vi")]
    pub lang: String,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// households, workers, employers, vacancies or courses.
    pub kind: String,
    /// The file to write: .xlsx or .csv, by its extension.
    pub file: PathBuf,
    /// vi or en: the language of the headers.
    #[arg(long, default_value = "vi")]
    pub lang: String,
}

/// Where and how mail goes; `serve` and `mail` share them.
#[derive(Debug, Clone, Args)]
pub struct MailOptions {
    /// SMTP relay, `smtp://user:pass@host:587` (STARTTLS) or `smtps://user:pass@host:465`;
    /// unset: messages are written as `.eml` files into `--mail-dir`.
    #[arg(long, env = "KETNOI_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Folder of the `.eml` files when no SMTP relay is set.
    #[arg(long, env = "KETNOI_MAIL_DIR", default_value = "data/outbox")]
    pub mail_dir: PathBuf,
    /// The operator's SMSC (or an SMS brand-name aggregator) over SMPP 3.4,
    /// `smpp://id:password@host:2775?source=KETNOI&tps=10&window=10`; unset: texts are written
    /// as `.sms` files into `--sms-dir`.
    #[arg(long, env = "KETNOI_SMPP_URL", hide_env_values = true)]
    pub smpp_url: Option<String>,
    /// Folder of the `.sms` files (text messages as they would be sent); `sms` in the mail
    /// folder when unset.
    #[arg(long, env = "KETNOI_SMS_DIR")]
    pub sms_dir: Option<PathBuf>,
    /// gsm7: texts without diacritics, 160 characters a part (the default); ucs2: with
    /// diacritics, 70 a part.
    #[arg(long, env = "KETNOI_SMS_ENCODING", default_value = "gsm7")]
    pub sms_encoding: String,
    /// The sender, `Name <address>`.
    #[arg(
        long,
        env = "KETNOI_MAIL_FROM",
        default_value = "Kết nối việc làm <khong-tra-loi@ketnoi.local>"
    )]
    pub mail_from: String,
    /// Attempts before a message is marked failed.
    #[arg(long, env = "KETNOI_MAIL_MAX_ATTEMPTS", default_value_t = 8)]
    pub mail_max_attempts: i32,
    /// Seconds before the first retry; each later retry waits twice as long (at most 6 h).
    #[arg(long, env = "KETNOI_MAIL_RETRY_SECONDS", default_value_t = 60)]
    pub mail_retry_seconds: i64,
    /// How often the sender looks for due messages, in seconds.
    #[arg(long, env = "KETNOI_MAIL_POLL_SECONDS", default_value_t = 5)]
    pub mail_poll_seconds: u64,
    /// The address users reach Ketnoi at; links in messages start with it.
    #[arg(
        long,
        env = "KETNOI_PUBLIC_URL",
        default_value = "http://localhost:8080"
    )]
    pub public_url: String,
}

#[derive(Debug, Args)]
pub struct MailArgs {
    #[command(subcommand)]
    pub command: MailCommand,
    #[command(flatten)]
    pub options: MailOptions,
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Send every message that is due, once, and say what happened.
    Deliver,
    /// Queue this week's staff digests now (each is queued once per week).
    Digest,
    /// Send a failed message again (on the next delivery pass).
    Retry { id: String },
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// `2025-H1` (half-year), `2025` (year) or `2021-2025` (programme period).
    #[arg(long)]
    pub period: String,
    /// xlsx, csv or json.
    #[arg(long, default_value = "xlsx")]
    pub format: String,
    #[arg(long)]
    pub out: PathBuf,
    /// Only this district (code).
    #[arg(long)]
    pub district: Option<String>,
    /// Only this commune (code).
    #[arg(long)]
    pub commune: Option<String>,
    /// vi (default) or en.
    #[arg(long, default_value = "vi")]
    pub lang: String,
}

#[derive(Debug, Args)]
pub struct ProgressArgs {
    #[command(subcommand)]
    pub command: ProgressCommand,
}

#[derive(Debug, Subcommand)]
pub enum ProgressCommand {
    /// Derive every progress fact again from the records (after bulk changes outside Ketnoi,
    /// or a change of poor areas).
    Rebuild,
}

#[derive(Debug, Args)]
pub struct ReindexArgs {
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub command: BenchCommand,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Vacancy → top-20 workers: Ketnoi's matcher against PostgreSQL full-text search.
    Match {
        /// Demo size; the demo is generated into an empty database, an existing one is reused.
        #[arg(long, default_value_t = 100_000)]
        workers: u64,
        /// PostgreSQL database holding (or to receive) the same demo, for the comparison.
        #[arg(long)]
        postgres: Option<String>,
        /// Vacancies queried (the same ones for every engine).
        #[arg(long, default_value_t = 500)]
        queries: usize,
        /// Results per query.
        #[arg(long, default_value_t = 20)]
        top: usize,
    },
    /// The full progress computation (every target and breakdown) over demo data.
    Progress {
        /// Demo size; the demo is generated into an empty database, an existing one is reused.
        #[arg(long, default_value_t = 100_000)]
        workers: u64,
        /// Timed computations.
        #[arg(long, default_value_t = 50)]
        iterations: usize,
    },
    /// Writes a household list of this many rows as .xlsx and imports it, twice (the second
    /// import finds every row unchanged), into the database given (use an empty one).
    Import {
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
    },
    /// Texts queued in the outbox of the database given (use an empty one) and delivered over
    /// SMPP to a running SMSC: messages a second, each sent once, receipts back.
    Sms {
        #[arg(long, default_value_t = 10_000)]
        messages: usize,
        /// The SMSC, `smpp://id:password@host:port?tps=…&window=…`.
        #[arg(long, env = "KETNOI_SMPP_URL", hide_env_values = true)]
        smpp_url: String,
    },
    /// The real server under clients that register, search, match, refer and hire for minutes
    /// on end, against the database given (a demo is generated into an empty one): requests per
    /// second, p50/p99, 5xx answers and acknowledged writes lost.
    Soak {
        /// Demo size; the demo is generated into an empty database, an existing one is reused.
        #[arg(long, default_value_t = 120_000)]
        workers: u64,
        #[arg(long, default_value_t = 16)]
        clients: usize,
        #[arg(long, default_value_t = 300)]
        seconds: u64,
    },
}

#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(subcommand)]
    pub command: UserCommand,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a login; the password is read from standard input.
    Create {
        #[arg(long)]
        email: String,
        /// admin, staff, employer or trainee.
        #[arg(long)]
        role: String,
        /// The employer an employer login acts for.
        #[arg(long)]
        employer_id: Option<String>,
        /// The worker record a trainee login is.
        #[arg(long)]
        worker_id: Option<String>,
        /// Code of the district or commune a staff login is limited to.
        #[arg(long)]
        area: Option<String>,
        /// Read the password from standard input (the only way: never on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on, host:port.
    #[arg(long, env = "KETNOI_BIND", default_value = DEFAULT_BIND)]
    pub bind: String,
    /// On an empty database, load the default demo first and print a demo login.
    #[arg(long)]
    pub demo: bool,
    /// Workers in the demo that `--demo` loads.
    #[arg(long, default_value_t = DEFAULT_WORKERS, requires = "demo")]
    pub demo_workers: u64,
    /// HTTP worker threads (default: one per core).
    #[arg(long)]
    pub http_workers: Option<usize>,
    /// Matching weights over the defaults, e.g. `priority=0.25,text=0.3` (text, occupation,
    /// distance, training, priority, congestion).
    #[arg(long, env = "KETNOI_MATCH_WEIGHTS", default_value = "")]
    pub match_weights: String,
    /// Reverse proxies whose `X-Forwarded-For` names the client: addresses or networks,
    /// comma-separated (`127.0.0.1,10.0.0.0/8`). Without it the header is ignored.
    #[arg(long, env = "KETNOI_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
    /// A token Prometheus sends (`Authorization: Bearer TOKEN`) to scrape `/metrics`; without
    /// it only admins read them.
    #[arg(long, env = "KETNOI_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    #[command(flatten)]
    pub mail: MailOptions,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Revert every migration instead (drops all tables and data).
    #[arg(long)]
    pub revert_all: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many workers to generate; households, employers, courses and histories scale with it.
    #[arg(long, default_value_t = DEFAULT_WORKERS)]
    pub workers: u64,
    /// Seed: the same seed and size always give the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TargetsArgs {
    #[command(subcommand)]
    pub command: TargetsCommand,
}

#[derive(Debug, Subcommand)]
pub enum TargetsCommand {
    /// Every period with its targets and quotas.
    List,
    /// Set one target of a period (or a district's or commune's quota with `--unit`).
    Set {
        /// The period, `2026-2030`.
        period: String,
        /// The metric, `connected_workers`, `poor_household_rate` …
        key: String,
        /// The value.
        value: f64,
        /// A district's or commune's code: its own quota.
        #[arg(long)]
        unit: Option<String>,
        /// at_least (default), more_than, at_most or less_than.
        #[arg(long)]
        comparison: Option<String>,
        /// persons, percent or points (default by the metric).
        #[arg(long)]
        measure: Option<String>,
        #[arg(long)]
        description_vi: Option<String>,
        #[arg(long)]
        description_en: Option<String>,
        /// Where the figure comes from.
        #[arg(long)]
        source: Option<String>,
    },
    /// Set the targets of a CSV whose header is `period,key,unit_code,target,unit,comparison,
    /// description_vi,description_en,source` (only `period`, `key` and `target` are required),
    /// all or none.
    Import { file: PathBuf },
}

#[derive(Debug, Args)]
pub struct AreaArgs {
    #[command(subcommand)]
    pub command: AreaCommand,
}

#[derive(Debug, Subcommand)]
pub enum AreaCommand {
    /// List districts (or another kind) with their poor-area and difficult-area flags.
    List {
        /// province, district, commune, ward or town.
        #[arg(long, default_value = "district")]
        kind: String,
        /// Only units flagged as poor areas.
        #[arg(long)]
        poor: bool,
    },
    /// Flag units as poor areas (huyện nghèo / vùng nghèo), by code; `--clear` removes the flag.
    SetPoor {
        /// Codes, e.g. `127` for a district or `03646` for a commune. A code used by both
        /// generations of units flags both.
        #[arg(required = true)]
        codes: Vec<String>,
        #[arg(long)]
        clear: bool,
    },
    /// Flag units as difficult areas (vùng khó khăn / xã đặc biệt khó khăn), by code;
    /// `--clear` removes the flag.
    SetDifficult {
        /// Codes, as for `set-poor`.
        #[arg(required = true)]
        codes: Vec<String>,
        #[arg(long)]
        clear: bool,
    },
}
