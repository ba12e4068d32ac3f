//! The command line: the root of the program, which nothing else imports.
//! It parses arguments (one file per command), hands plain settings to the
//! library and turns the outcome into an exit code (`crate::error::exit`).

mod args;
mod audit;
mod check;
mod console;
mod demo;
mod fleet_engine;
mod generate;
mod help;
mod man;
mod runtime;
mod serve;
mod snapshots;
#[cfg(test)]
mod tests;
mod usage;
use runtime::runtime;
mod values;
mod vantages;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::{GlobalOverrides, Resolved, SweepOverrides};
use crate::error::{Failure, exit};
use crate::{out, plan};
pub use args::{ColorArgs, ColorWhen, FileArgs, GlobalParts, LogArgs, SweepArgs, WatchArgs};

/// The command line. With no command it is the dashboard, so the
/// dashboard's options sit here. The global options (`files`, `log`,
/// `color`: `global = true`, see [`args::GLOBAL_HEADING`]) are accepted by
/// every command before or after its name; a new command needs nothing to
/// get them. The dashboard's other options given before a command's name are
/// folded into that command's own (after its name wins), and one the command
/// does not take is an error rather than silently ignored.
#[derive(Debug, Parser)]
#[command(
    name = "sipscope",
    version,
    about = "See which record an Office Communicator, Lync or Skype for Business client signs in with, and why it fails",
    // The long description lists the profiles: `help::long_about`, set in `usage::command`.
    after_help = help::DASHBOARD_SHORT,
    after_long_help = help::dashboard_long(),
    override_usage = "sipscope [OPTIONS] [ADDRESS]\n       sipscope <COMMAND> [OPTIONS] [ARGS]",
    subcommand_value_name = "COMMAND",
    subcommand_help_heading = "Commands"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// SIP address to sweep: sip:user@domain, user@domain or domain [default: config `address`]
    #[arg(value_name = "ADDRESS")]
    pub input: Option<String>,
    /// A second word: only there to say it is not understood (see `run`).
    #[arg(hide = true, value_name = "EXTRA")]
    pub extra: Vec<String>,
    #[command(flatten)]
    pub sweep: SweepArgs,
    #[command(flatten)]
    pub files: FileArgs,
    #[command(flatten)]
    pub log: LogArgs,
    #[command(flatten)]
    pub watch: WatchArgs,
    #[command(flatten)]
    pub color: ColorArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sweep once and print the table and verdict (exit 0 sign-in works, 1 fails, 2 bad input)
    #[command(after_help = help::CHECK)]
    Check(CheckArgs),
    /// Check every address of a file (one a line, or - for standard input): a summary, JSON Lines or CSV
    #[command(after_help = help::AUDIT)]
    Audit(audit::AuditArgs),
    /// A Prometheus exporter: /probe?target=ADDRESS answers with metrics (blackbox_exporter style)
    #[command(after_help = help::SERVE)]
    Serve(serve::ServeArgs),
    /// List the client profiles (query orders) sipscope knows
    #[command(after_help = help::PROFILES)]
    Profiles,
    /// Show the config file, snapshot folder and log file in use
    #[command(after_help = help::PATHS)]
    Paths,
    /// List saved snapshots, show one, or compare two
    #[command(after_help = help::SNAPSHOTS)]
    Snapshots(snapshots::SnapshotsArgs),
    /// Show a saved snapshot in the dashboard, read-only; `r` sweeps live with its settings
    #[command(after_help = help::OPEN)]
    Open(OpenArgs),
    /// Open the dashboard on the built-in lab (every failure mode, no OCS needed)
    #[command(after_help = help::DEMO)]
    Demo(DemoArgs),
    /// Run the built-in lab in the foreground, for use with `check` and `dig`
    #[command(after_help = help::LAB)]
    Lab(LabArgs),
    /// Print shell completions (bash, zsh, fish, powershell, elvish)
    #[command(after_help = help::COMPLETIONS)]
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `sipscope man > sipscope.1`
    #[command(after_help = help::MAN)]
    Man,
    /// Manage the configuration file (`config init` writes the documented example)
    #[command(subcommand, after_help = help::CONFIG)]
    Config(ConfigCommand),
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Write the documented example configuration where sipscope reads it (never over a file)
    Init,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Print the scenarios and exit
    #[arg(long)]
    pub list: bool,
    /// Scenario to open first (see --list)
    #[arg(value_name = "SCENARIO", value_parser = values::scenarios(), hide_possible_values = true)]
    pub scenario: Option<String>,
    /// Client generation whose row the dashboard highlights (see `sipscope profiles`)
    #[arg(
        long,
        value_name = "NAME",
        env = "SIPSCOPE_PROFILE",
        value_parser = values::profiles()
    )]
    pub profile: Option<String>,
    /// Not taken: the demo's vantages come from its scenario (`split-view`)
    #[arg(long = "vantage", value_name = "LABEL=IP", hide = true)]
    pub vantage: Vec<String>,
    #[command(flatten)]
    pub watch: WatchArgs,
}

#[derive(Debug, Args)]
pub struct OpenArgs {
    /// Path of a snapshot, or its number in `sipscope snapshots`
    #[arg(value_name = "REF")]
    pub snapshot: String,
    /// Override the snapshot's settings for live sweeps
    #[command(flatten)]
    pub sweep: SweepArgs,
    #[command(flatten)]
    pub watch: WatchArgs,
}

#[derive(Debug, Args)]
pub struct LabArgs {
    /// Write the lab CA certificate here (default: a temporary file removed on exit)
    #[arg(long, value_name = "PATH")]
    pub ca_out: Option<PathBuf>,
    /// Answer every DNS query after MS milliseconds (0 to 10000), like a distant resolver [default: 0]
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(0..=10_000))]
    pub dns_delay_ms: Option<u64>,
    /// Serve a scenario file of your own beside the built-in ones, or every
    /// *.toml file of a folder; repeatable (the format: assets/scenarios/README.md)
    #[arg(long = "scenario", value_name = "PATH")]
    pub scenarios: Vec<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct CheckArgs {
    /// SIP address: sip:user@domain, user@domain or domain [default: config `address`]
    #[arg(value_name = "ADDRESS")]
    pub input: Option<String>,
    /// Print the JSON document (version 1) instead of the table
    #[arg(long)]
    pub json: bool,
    /// Also save a snapshot of the sweep (JSON and Markdown) in the snapshot folder
    #[arg(long)]
    pub save: bool,
    /// Exit 1 for a degraded verdict too, not only for a failing one (D18)
    #[arg(long, env = "SIPSCOPE_STRICT")]
    pub strict: bool,
    #[command(flatten)]
    pub sweep: SweepArgs,
    /// The global colour options wherever they were typed (filled by `run`).
    #[arg(skip)]
    pub color: ColorArgs,
}

impl Cli {
    /// The global options (wherever they were typed) and the dashboard's
    /// watch interval, the command's own over one given before its name.
    pub fn global(&self) -> GlobalOverrides {
        let before = GlobalParts {
            files: Some(&self.files),
            log: Some(&self.log),
            color: Some(&self.color),
            watch: Some(&self.watch),
        }
        .overrides(&GlobalOverrides::default());
        let watch = match &self.command {
            Some(Command::Open(a)) => Some(&a.watch),
            Some(Command::Demo(a)) => Some(&a.watch),
            _ => None,
        };
        GlobalParts {
            watch,
            ..GlobalParts::default()
        }
        .overrides(&before)
    }

    /// The command's sweep options over those given before its name.
    pub fn sweep(&self) -> SweepOverrides {
        let before = self.sweep.overrides();
        match &self.command {
            None => before,
            Some(Command::Check(a)) => a.sweep.overrides_over(&before),
            Some(Command::Audit(a)) => a.sweep.overrides_over(&before),
            Some(Command::Serve(a)) => a.sweep.overrides_over(&before),
            Some(Command::Open(a)) => a.sweep.overrides_over(&before),
            // The demo follows a profile; its resolvers and vantages are the lab's.
            Some(Command::Demo(a)) => SweepOverrides {
                profile: a.profile.clone().or(before.profile),
                ..SweepOverrides::default()
            },
            Some(_) => SweepOverrides::default(),
        }
    }
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

fn run(cli: &Cli) -> Result<u8, Failure> {
    if let Some(Command::Profiles) = &cli.command {
        out::print(&profiles())?;
        return Ok(exit::OK);
    }
    match &cli.command {
        Some(Command::Completions { shell }) => return generate::completions(*shell),
        Some(Command::Man) => return generate::man(),
        // Before the configuration is read: the file need not exist yet.
        Some(Command::Config(ConfigCommand::Init)) => {
            return generate::config_init(cli.global().config);
        }
        _ => {}
    }
    if let Some(Command::Lab(args)) = &cli.command {
        return demo::lab(args);
    }
    match (&cli.command, &cli.input) {
        (None, _) => usage::dashboard_words(cli.input.as_deref(), &cli.extra)?,
        // `sipscope contoso.com check`: clap takes the command, the address would be lost.
        (Some(_), Some(word)) => {
            return Err(Failure::usage(format!(
                "'{}' comes before the command: commands come first (`sipscope check ADDRESS`)",
                crate::text::echo(word)
            )));
        }
        (Some(_), None) => {}
    }
    let config = Resolved::load(&cli.global())?;
    let sweep = cli.sweep();
    match &cli.command {
        Some(Command::Check(args)) => {
            let args = CheckArgs {
                color: cli.color.clone(),
                ..args.clone()
            };
            check::run(&args, &sweep, &config)
        }
        Some(Command::Audit(args)) => audit::run(args, &sweep, &config),
        Some(Command::Serve(args)) => serve::run(args, &sweep, &config),
        Some(Command::Demo(args)) => demo::run(args, &sweep, &config),
        Some(Command::Paths) => {
            out::print(&crate::config::paths_report(&config))?;
            Ok(exit::OK)
        }
        Some(Command::Snapshots(args)) => snapshots::run(args, &config),
        Some(Command::Open(args)) => crate::tui::open_dashboard(&sweep, &args.snapshot, &config),
        None => crate::tui::run_dashboard(&sweep, cli.input.as_deref(), &config),
        // Answered above, before the configuration is read.
        Some(
            Command::Profiles
            | Command::Lab(_)
            | Command::Completions { .. }
            | Command::Man
            | Command::Config(_),
        ) => Ok(exit::OK),
    }
}

/// Parses the command line and runs the command; the binary's whole `main`.
/// A usage error is one line naming the option or variable at fault, exit 2.
pub fn main() -> ExitCode {
    let cli = match usage::parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    match run(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            out::error(&failure.to_string());
            ExitCode::from(failure.exit_code())
        }
    }
}
