//! Usage errors as the README promises them: one line naming the option or
//! environment variable at fault, exit 2. clap's own reports are several
//! lines (usage, tips, a list of values); they are folded into one here,
//! and a value that came from a `SIPSCOPE_*` variable names the variable.
//! `--help` and `--version` still print normally, exit 0.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};

use super::Cli;
use crate::error::{Failure, exit};
use crate::out;

/// The command definition: the derive output with the texts built from the
/// profiles (`--help` and the man page describe what each one asks).
pub fn command() -> clap::Command {
    Cli::command()
        .long_about(super::help::long_about())
        .mut_subcommand("config", |c| c.arg_required_else_help(true))
}

/// What parsing ended in when it did not give a command line to run.
#[derive(Debug)]
pub enum Stop {
    /// `--help` or `--version`: print it, exit 0.
    Show(clap::Error),
    /// A usage error: this one line, exit 2.
    Usage(String),
    /// A command of commands named without one (`sipscope config`): its
    /// help, listing them, on standard output, exit 0.
    Commands(clap::Error),
}

/// Parses `args` (the program name first) into a [`Cli`], or stops.
pub fn try_parse(args: &[OsString]) -> Result<Cli, Stop> {
    let cmd = command();
    let args = &help_without_help_flag(args);
    let matches = match cmd.clone().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => return Err(stop(e, args, &cmd)),
    };
    not_for_this_command(&matches, &cmd).map_err(Stop::Usage)?;
    Cli::from_arg_matches(&matches).map_err(|e| stop(e, args, &cmd))
}

/// [`try_parse`] for `main`: prints help, version or the error line.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Cli, ExitCode> {
    let args: Vec<OsString> = args.into_iter().collect();
    match try_parse(&args) {
        Ok(cli) => Ok(cli),
        Err(Stop::Show(e)) => {
            // Help or version on standard output (styled on a terminal only).
            let _ = e.print();
            Err(ExitCode::SUCCESS)
        }
        Err(Stop::Commands(e)) => {
            let _ = out::print(&e.render().to_string());
            Err(ExitCode::SUCCESS)
        }
        Err(Stop::Usage(line)) => {
            out::error(&line);
            Err(ExitCode::from(exit::USAGE))
        }
    }
}

/// `sipscope help --help` (or `help check -h`, `help --no-colour`): clap's
/// `help` takes no options. `--help` after it is dropped (`help` is what was
/// meant) and the global options move before it, where clap takes them.
fn help_without_help_flag(args: &[OsString]) -> Vec<OsString> {
    // The global options that take a value after a space.
    const VALUED: [&str; 6] = [
        "--config",
        "--snapshot-dir",
        "--dir",
        "--log-level",
        "--color",
        "--colour",
    ];
    let word = |i: usize| args.get(i).and_then(|a| a.to_str()).unwrap_or_default();
    let mut at = 1;
    while word(at).starts_with('-') {
        at += if VALUED.contains(&word(at)) { 2 } else { 1 };
    }
    if word(at) != "help" {
        return args.to_vec();
    }
    let (mut options, mut words) = (Vec::new(), Vec::new());
    let mut i = at + 1;
    while i < args.len() {
        match word(i) {
            "--help" | "-h" => {}
            w if w.starts_with('-') => {
                options.push(args[i].clone());
                if VALUED.contains(&w) && i + 1 < args.len() {
                    i += 1;
                    options.push(args[i].clone());
                }
            }
            _ => words.push(args[i].clone()),
        }
        i += 1;
    }
    let mut out = args[..at].to_vec();
    out.extend(options);
    out.push(args[at].clone());
    out.extend(words);
    out
}

fn stop(e: clap::Error, args: &[OsString], cmd: &clap::Command) -> Stop {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => Stop::Show(e),
        // `sipscope config` alone: its help, which lists its commands.
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            Stop::Commands(e)
        }
        ErrorKind::InvalidUtf8 => Stop::Usage(invalid_utf8(args, cmd)),
        ErrorKind::UnknownArgument => Stop::Usage(
            value_like_an_option(&e, args, cmd)
                .unwrap_or_else(|| name_the_variable(one_line(&e), args, cmd)),
        ),
        _ => Stop::Usage(name_the_variable(one_line(&e), args, cmd)),
    }
}

/// `--profile -x`: clap reports `-x` as an unknown option; the fault is the
/// option before it, whose value starts with `-`.
fn value_like_an_option(e: &clap::Error, args: &[OsString], cmd: &clap::Command) -> Option<String> {
    let clap::error::ContextValue::String(bad) = e.get(clap::error::ContextKind::InvalidArg)?
    else {
        return None;
    };
    let at = args.iter().position(|a| a.to_str() == Some(bad.as_str()))?;
    let before = args.get(at.checked_sub(1)?)?.to_str()?;
    let long = before.strip_prefix("--")?;
    let takes_value = |c: &clap::Command| {
        c.get_arguments()
            .any(|a| a.get_long() == Some(long) && a.get_action().takes_values())
    };
    if !(takes_value(cmd) || cmd.get_subcommands().any(takes_value)) {
        return None;
    }
    let bad = crate::text::echo(bad);
    Some(format!(
        "--{long} needs a value, and '{bad}' looks like an option; to give '{bad}' as the value write --{long}={bad}"
    ))
}

/// clap's report without the usage and "for more information" lines, its
/// remaining lines (tips, lists of values or arguments) joined with `; `.
pub fn one_line(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let mut parts = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty());
    let first = parts
        .next()
        .unwrap_or("invalid command line")
        .trim_start_matches("error: ")
        .to_string();
    let rest: Vec<&str> = parts.map(|l| l.trim_start_matches("tip: ")).collect();
    if rest.is_empty() {
        first
    } else if first.ends_with(':') {
        format!("{first} {}", rest.join("; "))
    } else {
        format!("{first}; {}", rest.join("; "))
    }
}

/// Every option of `cmd` and its commands, with its long name and variable.
fn options(cmd: &clap::Command) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = cmd
        .get_arguments()
        .filter_map(|a| {
            let env = a.get_env()?.to_str()?.to_string();
            Some((a.get_long()?.to_string(), env))
        })
        .collect();
    for sub in cmd.get_subcommands() {
        out.extend(options(sub));
    }
    out
}

/// When the bad value came from the environment (the option is not on the
/// command line but its variable is set), the message names the variable.
fn name_the_variable(line: String, args: &[OsString], cmd: &clap::Command) -> String {
    for (long, env) in options(cmd) {
        let flag = format!("--{long}");
        let quoted = format!("'{flag}");
        let Some(at) = line.find(&quoted) else {
            continue;
        };
        // `'--timeout-ms <MS>'`, `'--color[=<WHEN>]'`: the option, not a longer one.
        let after = line[at + quoted.len()..].chars().next();
        if !matches!(after, Some(' ' | '[' | '=' | '\'')) {
            continue;
        }
        let on_line = args.iter().any(|a| {
            a.to_str()
                .is_some_and(|a| a == flag || a.starts_with(&format!("{flag}=")))
        });
        if on_line || std::env::var_os(&env).is_none() {
            continue;
        }
        let end = line[at + 1..].find('\'').map_or(line.len(), |e| at + 2 + e);
        return format!(
            "{}{env} (the environment variable of {flag}){}",
            &line[..at],
            &line[end..]
        );
    }
    line
}

/// Names the `SIPSCOPE_*` variable (or the argument) that is not UTF-8.
fn invalid_utf8(args: &[OsString], cmd: &clap::Command) -> String {
    for (long, env) in options(cmd) {
        if let Some(v) = std::env::var_os(&env)
            && v.to_str().is_none()
        {
            return format!("{env} (the environment variable of --{long}) is not valid UTF-8");
        }
    }
    match args.iter().skip(1).position(|a| a.to_str().is_none()) {
        Some(i) => format!(
            "argument {} ('{}') is not valid UTF-8",
            i + 1,
            args[i + 1].to_string_lossy()
        ),
        None => "an argument or SIPSCOPE_* variable is not valid UTF-8".to_string(),
    }
}

/// An option given before the command's name that the command does not take
/// is an error (it would otherwise be ignored without a word).
fn not_for_this_command(m: &clap::ArgMatches, cmd: &clap::Command) -> Result<(), String> {
    let Some((name, _)) = m.subcommand() else {
        return Ok(());
    };
    let Some(sub) = cmd.find_subcommand(name) else {
        return Ok(());
    };
    // Global options belong to every command (see `args::GLOBAL_HEADING`).
    for arg in cmd.get_arguments().filter(|a| !a.is_global_set()) {
        let id = arg.get_id();
        if m.value_source(id.as_str()) != Some(ValueSource::CommandLine) {
            continue;
        }
        if !sub.get_arguments().any(|a| a.get_id() == id) {
            let shown = arg
                .get_long()
                .map_or_else(|| id.to_string(), |l| format!("--{l}"));
            if name == "demo" && id == "vantages" {
                return Err(super::demo::NO_VANTAGES.to_string());
            }
            return Err(format!("{shown} does not apply to `sipscope {name}`"));
        }
    }
    Ok(())
}

/// The dashboard's words: one ADDRESS. A word that is no address (no dot,
/// `@` or `:`) but close to a command's name is a typo of that command.
pub fn dashboard_words(input: Option<&str>, extra: &[String]) -> Result<(), Failure> {
    if let Some(word) = input
        && let Some(cmd) = near_command(word)
    {
        return Err(Failure::usage(format!(
            "unknown command '{}': did you mean '{cmd}'? (to sweep a domain named so, write '{}.')",
            crate::text::echo(word),
            crate::text::echo(word)
        )));
    }
    if let Some(word) = extra.first() {
        return Err(Failure::usage(format!(
            "unexpected argument '{}': the dashboard takes one ADDRESS (commands come first: `sipscope check ADDRESS`)",
            crate::text::echo(word)
        )));
    }
    Ok(())
}

fn near_command(word: &str) -> Option<String> {
    if word.contains(['.', '@', ':']) || word.chars().count() < 3 {
        return None;
    }
    let w = word.to_lowercase();
    command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .chain(["help".to_string()])
        .map(|name| (distance(&w, &name), name))
        .filter(|(d, name)| *d <= 2 && *d < name.len() / 2 + 1)
        .min()
        .map(|(_, name)| name)
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}
