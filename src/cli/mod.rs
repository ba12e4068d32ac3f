//! The command line: the root of the program, which nothing else imports.
//! It parses arguments (one file per command), hands plain settings to the
//! library and turns the outcome into an exit code (`crate::error::exit`).

mod args;
mod check;
mod demo;
mod snapshots;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::Resolved;
use crate::error::{Failure, exit};
use crate::{out, plan};
pub use args::{GlobalArgs, SweepArgs};

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
    pub sweep: args::SweepArgs,
    /// SIP address to sweep: sip:user@domain, user@domain or domain
    pub input: Option<String>,
    /// Last: its help heading applies to what follows it.
    #[command(flatten)]
    pub global: args::GlobalArgs,
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
    Snapshots(snapshots::SnapshotsArgs),
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
    pub sweep: args::SweepArgs,
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
    pub sweep: args::SweepArgs,
    /// Print the JSON document (version 1) instead of the table
    #[arg(long)]
    pub json: bool,
    /// Also save a snapshot of the sweep (JSON and Markdown) in the snapshot folder
    #[arg(long)]
    pub save: bool,
    /// SIP address: sip:user@domain, user@domain or domain [default: config `address`]
    pub input: Option<String>,
}

/// A multi-threaded runtime for the commands that do network work.
fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("cannot start the async runtime: {e}")))
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
    let config = Resolved::load(&cli.global.overrides())?;
    match &cli.command {
        Some(Command::Check(args)) => check::run(args, &config),
        Some(Command::Demo(args)) => demo::run(args, &config),
        Some(Command::Lab(args)) => {
            let rt = runtime()?;
            rt.block_on(crate::lab::console::run_foreground(args.ca_out.clone()))
                .map_err(Failure::runtime)?;
            Ok(exit::OK)
        }
        Some(Command::Paths) => {
            out::print(&crate::config::paths_report(&config))?;
            Ok(exit::OK)
        }
        Some(Command::Snapshots(args)) => snapshots::run(args, &config),
        Some(Command::Open(args)) => {
            crate::tui::open_dashboard(&args.sweep.overrides(), &args.snapshot, &config)
        }
        None => crate::tui::run_dashboard(&cli.sweep.overrides(), cli.input.as_deref(), &config),
        // Answered above, before the configuration is read.
        Some(Command::Profiles) => Ok(exit::OK),
    }
}

/// Parses the command line and runs the command; the binary's whole `main`.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            out::error(&failure.to_string());
            ExitCode::from(failure.exit_code())
        }
    }
}
