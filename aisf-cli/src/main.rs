//! `aisf`: the command line over the AISF library.
//!
//! The library prints nothing; this binary decides what a person sees:
//! tables on a terminal, JSON for scripts, and exit codes a script can act
//! on (see [`Exit`]).

mod bench;
mod demo;
mod diff;
mod display;
mod fleet;
mod ingest;
mod query;
mod report;
mod scan;

use std::path::PathBuf;
use std::process::ExitCode;

use aisf::core::policy::Severity;
use clap::{Parser, Subcommand};

/// Exit codes, stable for scripts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Done.
    Ok = 0,
    /// Done, and findings at or above the `--fail-on` severity were found.
    Findings = 1,
    /// The command line was wrong (clap uses 2 as well).
    Usage = 2,
    /// An input could not be read or understood.
    Input = 3,
    /// A snapshot could not be opened, or failed verification.
    Snapshot = 4,
    /// A name given on the command line matches nothing in the snapshot.
    NotFound = 5,
    /// Writing an output failed.
    Output = 6,
}

/// A failure to report: the message for the person, and the exit code.
#[derive(Debug)]
pub struct Failure {
    code: Exit,
    message: String,
}

impl Failure {
    /// A failure with this code and message.
    pub fn new(code: Exit, message: impl Into<String>) -> Failure {
        Failure { code, message: message.into() }
    }
}

/// What a command returns.
pub type Outcome = Result<(), Failure>;

#[derive(Parser)]
#[command(
    name = "aisf",
    version,
    about = "AISF: who can reach what, across every identity system, and where it drifts",
    after_help = "Start with `aisf demo`: it needs nothing but this program."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a realistic 250-person organisation, build its snapshot and
    /// show what it holds.
    #[command(after_help = "Example: aisf demo --out aisf-demo")]
    Demo {
        /// Folder for the snapshot and the generated policy.
        #[arg(long, default_value = "aisf-demo")]
        out: PathBuf,
        /// Number of people (the demo default is 250).
        #[arg(long, default_value_t = 250)]
        people: usize,
        /// Seed of the generator; the same seed gives the same organisation.
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Read exports (files, folders or zip collections), correlate them and
    /// write one snapshot.
    #[command(after_help = "Example: aisf ingest exports/ hr.csv --out org.aisf")]
    Ingest {
        /// Files or folders to read; the format of each file is detected.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// The snapshot to write (replaced atomically).
        #[arg(long)]
        out: PathBuf,
        /// Refuse the whole run at the first bad record instead of skipping
        /// and counting it.
        #[arg(long)]
        strict: bool,
        /// Print the ingest report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Compare a snapshot with a policy: every drift finding, ranked by risk.
    #[command(after_help = "Examples:\n  aisf scan org.aisf --policy policy.toml\n  \
                      aisf scan org.aisf --policy policy.toml --format json --fail-on high")]
    Scan {
        /// The snapshot.
        snapshot: PathBuf,
        /// The policy file (TOML; see examples/policy.toml). Without one,
        /// the built-in privileged defaults and default thresholds apply.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: scan::Format,
        /// Rows to show in the table.
        #[arg(long, default_value_t = 25)]
        top: usize,
        /// Exit with code 1 when a finding has this severity or higher
        /// (info, low, medium, high, critical).
        #[arg(long, value_parser = parse_severity)]
        fail_on: Option<Severity>,
        /// Replace the names, emails, usernames and ids of persons and
        /// accounts in the findings by pseudonyms, consistent within this
        /// report (and different in the next), in every output format.
        #[arg(long)]
        pseudonymise: bool,
    },
    /// The changes that would close a scan's findings, one step per change,
    /// highest risk first, as JSON or as commands to review for one kind of
    /// system. AISF never runs them.
    #[command(after_help = "Examples:\n  aisf plan org.aisf --policy policy.toml\n  \
                      aisf plan org.aisf --policy policy.toml --format powershell --out ad.ps1\n  \
                      aisf plan org.aisf --policy policy.toml --format aws --out aws.sh\n\n\
                      Every plan is checked first on a copy of the data in memory: the note on \
                      standard error says whether each change closes what it claims and whether \
                      any access a business role expects would be lost.")]
    Plan {
        /// The snapshot.
        snapshot: PathBuf,
        /// The policy file (TOML; see examples/policy.toml).
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "json")]
        format: report::Format,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Skip the what-if check (faster on very large snapshots).
        #[arg(long)]
        no_check: bool,
    },
    /// Write the evidence pack of a scan into a folder: findings (JSON, CSV),
    /// access reviews per manager, the controls summary, the remediation plan,
    /// an audit log entry, and report.html, a self-contained page to read.
    #[command(
        after_help = "Examples:\n  aisf report org.aisf --policy policy.toml --out evidence/\n  \
                      aisf report org.aisf --policy policy.toml --out evidence/ \
                      --previous last-month.aisf\n\n\
                      Running it again into the same folder replaces the files and appends one \
                      line to audit-log.jsonl, whose hash chain shows any later edit."
    )]
    Report {
        /// The snapshot.
        snapshot: PathBuf,
        /// The policy file (TOML; see examples/policy.toml).
        #[arg(long)]
        policy: Option<PathBuf>,
        /// The folder to write (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// An older snapshot of the same organisation: the page shows what
        /// changed since.
        #[arg(long)]
        previous: Option<PathBuf>,
    },
    /// Time the engine's standard workload on a generated organisation
    /// (build, open, verify, everyone's access, who-can-access, scan).
    #[command(after_help = "Example: aisf bench --people 100000")]
    Bench {
        /// Number of people.
        #[arg(long, default_value_t = 10_000)]
        people: usize,
        /// Seed of the generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// What changed between two snapshots: access gained and lost, privileged
    /// first, and the joiners, movers and leavers behind it.
    #[command(after_help = "Example: aisf diff last-month.aisf org.aisf --policy policy.toml")]
    Diff {
        /// The older snapshot.
        old: PathBuf,
        /// The newer snapshot.
        new: PathBuf,
        /// A policy whose privileged rules mark privileged entitlements
        /// (the built-in rules without one).
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Rows to show in each table.
        #[arg(long, default_value_t = 25)]
        top: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Scan every tenant of a fleet folder in parallel: one summary row per
    /// tenant (findings by severity, top risk, stale admins, leavers still
    /// active).
    #[command(after_help = "Examples:\n  aisf fleet tenants/ --policy policy.toml\n  \
                      aisf fleet tenants/ --policy policy.toml --json --fail-on critical\n\n\
                      The folder holds NAME.aisf files, or one folder per tenant with its \
                      snapshot; a policy.toml in a tenant's folder applies to it instead of \
                      --policy.")]
    Fleet {
        /// The folder of tenant snapshots.
        folder: PathBuf,
        /// The policy for every tenant without its own policy.toml.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Exit with code 1 when a tenant has a finding of this severity or
        /// higher (info, low, medium, high, critical).
        #[arg(long, value_parser = parse_severity)]
        fail_on: Option<Severity>,
    },
    /// Summarise a snapshot: counts by kind and system.
    #[command(after_help = "Example: aisf info org.aisf --verify")]
    Info {
        /// The snapshot.
        snapshot: PathBuf,
        /// Check every byte of the file (checksums and structure) as well.
        #[arg(long)]
        verify: bool,
    },
    /// Everything a person or an account can reach.
    #[command(after_help = "Example: aisf access org.aisf ada.smith@example.com")]
    Access {
        /// The snapshot.
        snapshot: PathBuf,
        /// A node id, a name or an email address.
        subject: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Who can reach an entitlement or a resource.
    #[command(after_help = "Example: aisf who org.aisf aws:policy:AdministratorAccess")]
    Who {
        /// The snapshot.
        snapshot: PathBuf,
        /// A node id or a name.
        target: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The path that justifies a person's or an account's access.
    #[command(
        after_help = "Example: aisf explain org.aisf person:17 aws:policy:AdministratorAccess"
    )]
    Explain {
        /// The snapshot.
        snapshot: PathBuf,
        /// The person or account.
        subject: String,
        /// The entitlement or resource.
        target: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// What a person or account would lose if one membership or grant were
    /// removed.
    #[command(
        name = "what-if",
        after_help = "Example: aisf what-if org.aisf --remove ad:asmith7 ad:group:domain-admins"
    )]
    WhatIf {
        /// The snapshot.
        snapshot: PathBuf,
        /// The edge to remove: its holder and the group, role or
        /// entitlement held.
        #[arg(long, num_args = 2, value_names = ["HOLDER", "HELD"], required = true)]
        remove: Vec<String>,
        /// Whose access to compare (the holder when not given).
        #[arg(long)]
        subject: Option<String>,
    },
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    Severity::ALL
        .into_iter()
        .find(|s| s.as_str().eq_ignore_ascii_case(text))
        .ok_or_else(|| format!("expected one of info, low, medium, high, critical, found {text:?}"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Demo { out, people, seed } => demo::run(&out, people, seed),
        Command::Ingest { inputs, out, strict, json } => ingest::run(&inputs, &out, strict, json),
        Command::Scan { snapshot, policy, format, top, fail_on, pseudonymise } => {
            scan::run(&snapshot, policy.as_deref(), format, top, fail_on, pseudonymise)
        }
        Command::Plan { snapshot, policy, format, out, no_check } => {
            report::run_plan(&snapshot, policy.as_deref(), format, out.as_deref(), no_check)
        }
        Command::Report { snapshot, policy, out, previous } => {
            report::run_report(&snapshot, policy.as_deref(), &out, previous.as_deref())
        }
        Command::Bench { people, seed, json } => bench::run(people, seed, json),
        Command::Diff { old, new, policy, top, json } => {
            diff::run(&old, &new, policy.as_deref(), json, top)
        }
        Command::Fleet { folder, policy, json, fail_on } => {
            fleet::run(&folder, policy.as_deref(), json, fail_on)
        }
        Command::Info { snapshot, verify } => query::info(&snapshot, verify),
        Command::Access { snapshot, subject, json } => query::access(&snapshot, &subject, json),
        Command::Who { snapshot, target, json } => query::who(&snapshot, &target, json),
        Command::Explain { snapshot, subject, target, json } => {
            query::explain(&snapshot, &subject, &target, json)
        }
        Command::WhatIf { snapshot, remove, subject } => {
            query::what_if(&snapshot, &remove[0], &remove[1], subject.as_deref())
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            display::error(&failure.message);
            ExitCode::from(failure.code as u8)
        }
    }
}
