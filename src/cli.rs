//! Command line: parsing, settings assembly and the headless commands.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::BoolishValueParser;
use clap::{Args, Parser, Subcommand};

use crate::config::Resolved;
use crate::plan;
use crate::report;
use crate::sweep::Sweep;

/// Exit codes shared by every command.
pub mod exit {
    /// Sign-in works / command succeeded.
    pub const OK: u8 = 0;
    /// Sign-in fails (check) / a difference was found (diff).
    pub const FAIL: u8 = 1;
    /// Bad input or configuration.
    pub const USAGE: u8 = 2;
}

#[derive(Debug, Parser)]
#[command(
    name = "sipscope",
    version,
    about = "See which DNS record an Office Communicator / Lync client signs in with, and why it fails",
    long_about = "sipscope asks every DNS query a Communicator / Lync client makes to find its \
sign-in server (four SRV names, then A names), probes each answer (TCP connect, TLS handshake, \
certificate names and trust), shows which record the client would use and says whether sign-in works.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub sweep: SweepArgs,
    /// SIP address to sweep: sip:user@domain, user@domain or domain
    pub input: Option<String>,
    /// Last: its help heading applies to what follows it.
    #[command(flatten)]
    pub global: crate::config::GlobalArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sweep once and print the table and verdict (exit 0 sign-in works, 1 fails, 2 bad input)
    Check(CheckArgs),
    /// List the client profiles (query orders) sipscope knows
    Profiles,
    /// Show the config file, snapshot folder and log file in use
    Paths,
    /// List saved snapshots, show one, or compare two
    Snapshots(crate::snapshot::commands::SnapshotsArgs),
    /// Show a saved snapshot in the dashboard, read-only; `r` sweeps live with its settings
    Open(OpenArgs),
    /// Open the dashboard on the built-in lab (every failure mode, no OCS needed)
    Demo(DemoArgs),
    /// Run the built-in lab in the foreground, for use with `check` and `dig`
    Lab(LabArgs),
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Print the scenarios and exit
    #[arg(long)]
    pub list: bool,
    /// Scenario to open first (see --list)
    pub scenario: Option<String>,
}

#[derive(Debug, Args)]
pub struct OpenArgs {
    /// Override the snapshot's settings for live sweeps
    #[command(flatten)]
    pub sweep: SweepArgs,
    /// Path of a snapshot, or its number in `sipscope snapshots`
    #[arg(value_name = "REF")]
    pub snapshot: String,
}

#[derive(Debug, Args)]
pub struct LabArgs {
    /// Write the lab CA certificate here (default: a temporary file removed on exit)
    #[arg(long, value_name = "PATH")]
    pub ca_out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub sweep: SweepArgs,
    /// Print the JSON document (version 1) instead of the table
    #[arg(long)]
    pub json: bool,
    /// Also save a snapshot of the sweep (JSON and Markdown) in the snapshot folder
    #[arg(long)]
    pub save: bool,
    /// SIP address: sip:user@domain, user@domain or domain [default: config `address`]
    pub input: Option<String>,
}

/// Options shared by the dashboard and `check`.
#[derive(Debug, Args, Default, Clone)]
pub struct SweepArgs {
    /// DNS server to ask instead of the system's (repeatable: one pool)
    #[arg(
        long = "resolver",
        value_name = "IP[:PORT]",
        env = "SIPSCOPE_RESOLVER",
        value_delimiter = ','
    )]
    pub resolvers: Vec<String>,
    /// Client generation whose query order to follow (see `sipscope profiles`)
    #[arg(long, value_name = "NAME", env = "SIPSCOPE_PROFILE")]
    pub profile: Option<String>,
    /// Extra trusted CA certificates, PEM (repeatable); added to the system roots
    #[arg(
        long = "ca-file",
        value_name = "PEM",
        env = "SIPSCOPE_CA_FILE",
        value_delimiter = ','
    )]
    pub ca_files: Vec<PathBuf>,
    /// Do not trust the system's root certificates, only --ca-file ones
    #[arg(long)]
    pub no_system_roots: bool,
    /// Trust the system's root certificates; --system-roots=false = --no-system-roots [default: true]
    #[arg(
        long,
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = BoolishValueParser::new(),
        env = "SIPSCOPE_SYSTEM_ROOTS"
    )]
    pub system_roots: Option<bool>,
    /// Limit for each network step (DNS query, TCP connect, TLS handshake), in ms [default: 3000]
    #[arg(long, value_name = "MS", env = "SIPSCOPE_TIMEOUT_MS")]
    pub timeout_ms: Option<u64>,
    /// Extra domain whose hosts are accepted as SRV targets (TrustModelData; repeatable)
    #[arg(
        long = "trusted-domain",
        value_name = "DOMAIN",
        env = "SIPSCOPE_TRUSTED_DOMAIN",
        value_delimiter = ','
    )]
    pub trusted_domains: Vec<String>,
    /// Accept SRV targets that merely end with the SIP domain's text (DisableStrictDNSNaming)
    #[arg(long)]
    pub no_strict_dns_naming: bool,
    /// Label-by-label SRV target matching; =false is --no-strict-dns-naming [default: true]
    #[arg(
        long,
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = BoolishValueParser::new(),
        env = "SIPSCOPE_STRICT_DNS_NAMING"
    )]
    pub strict_dns_naming: Option<bool>,
    /// Treat TCP as forbidden by policy: TCP rows are rejected
    #[arg(long)]
    pub no_tcp: bool,
    /// Dial TO whenever a probe would dial FROM (lab and tests only)
    #[arg(
        long = "dial",
        value_name = "FROM=TO",
        hide = true,
        env = "SIPSCOPE_DIAL",
        value_delimiter = ','
    )]
    pub dial: Vec<String>,
}

/// A one-line error for the user; always exit code 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl<E: std::fmt::Display> From<E> for UsageError {
    fn from(e: E) -> Self {
        UsageError(e.to_string())
    }
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, UsageError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| UsageError(format!("cannot start the async runtime: {e}")))
}

/// `sipscope check`: one sweep, printed; exit 0 when sign-in works, 1 when not.
pub fn check(args: &CheckArgs, config: &Resolved) -> Result<u8, UsageError> {
    let input = config.address(args.input.as_deref()).ok_or_else(|| {
        UsageError("give an address (sipscope check ADDRESS) or set `address` in the config".into())
    })?;
    let settings = config.sweep_settings(&args.sweep, &input)?;
    let summary = crate::snapshot::SettingsSummary::from_settings(&settings).with_config_file(
        config
            .config_file
            .loaded
            .then(|| config.config_file.path.clone())
            .flatten(),
    );
    let sweep = Sweep::prepare(settings)?;
    let report = runtime()?.block_on(sweep.run(None));
    if args.json {
        crate::out::println(&report::to_json(&report))?;
    } else {
        crate::out::print(&report::text::render(&report))?;
    }
    if args.save {
        let dir = config
            .snapshot_dir
            .as_deref()
            .ok_or(crate::snapshot::SnapshotError::NoFolder)?;
        let saved = crate::snapshot::commands::save_one(dir, &report, &summary)?;
        eprintln!(
            "sipscope: snapshot saved to {} (and {})",
            saved.json.display(),
            saved.markdown.display()
        );
    }
    Ok(if report.signin_ok() {
        exit::OK
    } else {
        exit::FAIL
    })
}

/// `sipscope profiles`: one line per profile.
pub fn profiles() -> String {
    let mut out = String::new();
    for p in plan::profiles() {
        let default = if p.name == plan::DEFAULT_PROFILE {
            " (default)"
        } else {
            ""
        };
        out.push_str(&format!("{:<16} {}{default}\n", p.name, p.description));
    }
    out
}

/// `sipscope demo`: the dashboard on the in-process lab, or `--list`.
pub fn demo(args: &DemoArgs, config: &Resolved) -> Result<u8, UsageError> {
    let scenarios = crate::lab::demo_scenarios()?;
    if let Some(name) = &args.scenario
        && !scenarios.iter().any(|s| s.name() == name)
    {
        let names: Vec<&str> = scenarios.iter().map(|s| s.name()).collect();
        return Err(UsageError(format!(
            "unknown scenario '{name}'; `sipscope demo --list` shows them ({})",
            names.join(", ")
        )));
    }
    if args.list {
        crate::out::print(&crate::lab::console::scenario_list(&scenarios))?;
        return Ok(exit::OK);
    }
    let first = match &args.scenario {
        Some(name) => name.clone(),
        None => scenarios
            .first()
            .map(|s| s.name().to_string())
            .ok_or_else(|| UsageError("there are no demo scenarios".into()))?,
    };
    let address = scenarios
        .iter()
        .find(|s| s.name() == first)
        .map(|s| s.sip_address().to_string());
    // The lab runs on the dashboard's runtime; every sweep is pointed at it
    // (its DNS, its CA only, its listeners) by the demo extension.
    crate::tui::run_dashboard_with(&SweepArgs::default(), address.as_deref(), config, |rt| {
        let lab = rt.block_on(crate::lab::Lab::start(
            scenarios,
            crate::lab::LabOptions::default(),
        ))?;
        let demo = crate::tui::demo::DemoExtension::new(std::sync::Arc::new(lab), &first)?;
        Ok(Some(Box::new(demo)))
    })
}

fn run(cli: &Cli) -> Result<u8, UsageError> {
    if let Some(Command::Profiles) = &cli.command {
        crate::out::print(&profiles())?;
        return Ok(exit::OK);
    }
    let config = Resolved::load(&cli.global)?;
    match &cli.command {
        Some(Command::Check(args)) => check(args, &config),
        Some(Command::Demo(args)) => demo(args, &config),
        Some(Command::Lab(args)) => runtime().and_then(|rt| {
            rt.block_on(crate::lab::console::run_foreground(args.ca_out.clone()))
                .map(|_| exit::OK)
                .map_err(UsageError)
        }),
        Some(Command::Paths) => {
            crate::out::print(&crate::config::paths_report(&config))?;
            Ok(exit::OK)
        }
        Some(Command::Snapshots(args)) => {
            let dir = config
                .snapshot_dir
                .as_deref()
                .ok_or(crate::snapshot::SnapshotError::NoFolder)?;
            Ok(crate::snapshot::commands::run(args, dir)?)
        }
        Some(Command::Open(args)) => {
            crate::tui::open_dashboard(&args.sweep, &args.snapshot, &config)
        }
        None => crate::tui::run_dashboard(&cli.sweep, cli.input.as_deref(), &config),
        // Answered above, before the configuration is read.
        Some(Command::Profiles) => Ok(exit::OK),
    }
}

/// Parses the command line and runs the command; the binary's whole `main`.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = run(&cli);
    match result {
        Ok(code) => ExitCode::from(code),
        Err(UsageError(msg)) => {
            crate::out::error(&msg);
            ExitCode::from(exit::USAGE)
        }
    }
}
