//! `sipscope audit FILE|-`: one check per address line (D19), `--jobs` at a
//! time, results in input order as JSON Lines, CSV or a human summary.
//! The input is streamed and every check is exactly `check`'s.

mod lines;
mod sink;

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::StreamExt;
use tokio::sync::mpsc;

use super::SweepArgs;
use super::fleet_engine::{Engine, Request};
use crate::config::{Resolved, SweepOverrides};
use crate::error::{Failure, exit};
use lines::{Line, Lines};
use sink::{Mode, Outcome, Sink};

/// Checks in flight unless `--jobs` says otherwise. Checks mostly wait on
/// the network, so 64 at once overlap their waits; the resolver's load stays
/// bounded by `--dns-in-flight` whatever the number (BENCHMARKS.md).
pub const DEFAULT_JOBS: usize = 64;
const MAX_JOBS: usize = 256;
/// Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it.
const INTERRUPTED: u8 = 130;

#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// A file of addresses, one a line (`#` comments and blank lines skipped), or - for standard input
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// JSON Lines: one `check --json` document per address line, plus "line"
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// CSV: line, input, domain, state, cause, selected, summary
    #[arg(long)]
    pub csv: bool,
    /// Also write a Markdown report (totals, then each domain not ok) to FILE
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Checks at the same time (1 to 256) [default: 64]
    #[arg(long, value_name = "N", env = "SIPSCOPE_JOBS")]
    pub jobs: Option<usize>,
    /// Exit 1 for a degraded verdict too (D18)
    #[arg(long, env = "SIPSCOPE_STRICT")]
    pub strict: bool,
    #[command(flatten)]
    pub sweep: SweepArgs,
}

/// Opens FILE (or standard input) for streaming; a file that cannot be
/// opened or is a folder is a usage error (exit 2).
fn open(path: &std::path::Path) -> Result<Box<dyn BufRead + Send>, Failure> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(std::io::BufReader::new(std::io::stdin())));
    }
    let shown = crate::text::echo(&path.display().to_string());
    let file = std::fs::File::open(path).map_err(|e| {
        Failure::usage(format!(
            "cannot read {shown}: {e}; give a file of addresses or -"
        ))
    })?;
    // Checked on the open handle, never stat-then-open.
    let meta = file
        .metadata()
        .map_err(|e| Failure::usage(format!("cannot read {shown}: {e}")))?;
    if meta.is_dir() {
        return Err(Failure::usage(format!(
            "{shown} is a folder; give a file of addresses, one a line, or -"
        )));
    }
    Ok(Box::new(std::io::BufReader::with_capacity(64 * 1024, file)))
}

enum Read {
    Line(Line),
    /// The input broke off (an I/O error): the run stops there.
    Broken(String),
}

pub fn run(args: &AuditArgs, sweep: &SweepOverrides, config: &Resolved) -> Result<u8, Failure> {
    let jobs = args.jobs.unwrap_or(DEFAULT_JOBS);
    if !(1..=MAX_JOBS).contains(&jobs) {
        return Err(Failure::usage(format!(
            "--jobs {jobs} is out of range; give 1 to {MAX_JOBS}"
        )));
    }
    let engine = Arc::new(Engine::new(sweep, config)?);
    let input = open(&args.file)?;
    let mode = if args.json {
        Mode::Json
    } else if args.csv {
        Mode::Csv
    } else {
        Mode::Human
    };
    let mut sink = Sink::new(mode, mode == Mode::Human || args.markdown.is_some())?;
    let runtime = super::runtime::runtime()?;
    let progress = (mode == Mode::Human && std::io::stderr().is_terminal()).then(bar);
    if let Some(p) = &progress {
        count_in_background(&args.file, p.clone());
    }
    let source = crate::text::echo(&args.file.display().to_string());
    let (interrupted, broken) = runtime.block_on(drive(
        engine,
        input,
        jobs,
        &mut sink,
        progress.as_ref(),
        &source,
    ));
    // Checks still in flight after Ctrl-C are dropped, not awaited.
    runtime.shutdown_background();
    if let Some(p) = &progress {
        p.finish_and_clear();
    }
    let totals = &sink.totals;
    if mode == Mode::Human {
        crate::out::print(&super::console::for_console(sink::summary(
            totals,
            interrupted,
        )))?;
    } else if let Some(n) = interrupted {
        crate::out::eprintln(&format!(
            "sipscope: interrupted: {} addresses checked, {n} in flight not checked, the rest of the input not read",
            totals.done()
        ));
    }
    if let Some(path) = &args.markdown {
        let source = args.file.display().to_string();
        std::fs::write(path, sink::markdown(totals, &source, interrupted)).map_err(|e| {
            Failure::runtime(format!(
                "cannot write {}: {e}",
                crate::text::echo(&path.display().to_string())
            ))
        })?;
    }
    if let Some(failure) = broken {
        return Err(failure);
    }
    if interrupted.is_some() {
        return Ok(INTERRUPTED);
    }
    if totals.done() == 0 {
        return Err(Failure::usage(format!(
            "{} holds no address; give one address per line",
            crate::text::echo(&args.file.display().to_string())
        )));
    }
    let failing = totals.count(crate::model::State::Fail) + totals.invalid;
    let degraded = totals.count(crate::model::State::Degraded);
    Ok(if failing > 0 || (args.strict && degraded > 0) {
        exit::FAIL
    } else {
        exit::OK
    })
}

/// A spinner with the count and rate until the total is known (standard
/// input and FIFOs never tell it).
fn bar() -> indicatif::ProgressBar {
    let p = indicatif::ProgressBar::new_spinner();
    p.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {pos} checked  {rate}  {elapsed}  {msg}",
        )
        .map(rate)
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    p
}

/// `{rate}`: addresses a second, whole (indicatif's `{per_sec}` prints
/// four decimals).
fn rate(style: indicatif::ProgressStyle) -> indicatif::ProgressStyle {
    style.with_key(
        "rate",
        |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.0}/s", state.per_sec());
        },
    )
}

/// For a regular file, counts its addresses on a thread of its own (the
/// file read a second time, streamed) and turns the spinner into a bar with
/// the total and an ETA. The count is an estimate for the display only: a
/// file that changes under the audit just moves the bar.
fn count_in_background(path: &std::path::Path, p: indicatif::ProgressBar) {
    if path.as_os_str() == "-" {
        return;
    }
    // Only a regular file: opening a FIFO a second time could wait forever.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return;
    }
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        let Ok(file) = std::fs::File::open(&path) else {
            return;
        };
        if !file.metadata().is_ok_and(|m| m.is_file()) {
            return;
        }
        let Ok(total) = lines::count(std::io::BufReader::with_capacity(64 * 1024, file)) else {
            return;
        };
        if p.is_finished() {
            return;
        }
        p.set_length(total as u64);
        p.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {pos}/{len} checked  {rate}  {elapsed}, ETA {eta}  {msg}",
            )
            .map(rate)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
    });
}

/// Reads, checks and emits until the input ends or Ctrl-C. Returns how many
/// were in flight when interrupted, and why the run broke off (the input
/// could not be read: exit 2; the output could not be written: exit 3).
async fn drive(
    engine: Arc<Engine>,
    input: Box<dyn BufRead + Send>,
    jobs: usize,
    sink: &mut Sink,
    progress: Option<&indicatif::ProgressBar>,
    source: &str,
) -> (Option<usize>, Option<Failure>) {
    // The reader runs on its own thread (a pipe or FIFO may block), a few
    // lines ahead of the checks: memory stays flat whatever the input's size.
    let (tx, rx) = mpsc::channel::<Read>(jobs * 2);
    std::thread::spawn(move || {
        for line in Lines::new(input) {
            let item = match line {
                Ok(l) => Read::Line(l),
                Err(e) => Read::Broken(e.to_string()),
            };
            let stop = matches!(item, Read::Broken(_));
            if tx.blocking_send(item).is_err() || stop {
                return;
            }
        }
    });
    let json = sink.mode() == Mode::Json;
    let started = Arc::new(AtomicUsize::new(0));
    let counter = started.clone();
    let checks = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
    .map(move |item| {
        counter.fetch_add(1, Ordering::Relaxed);
        let engine = engine.clone();
        // Each check on its own task (both cores); `buffered` keeps at most
        // `jobs` of them and hands them back in input order.
        tokio::spawn(async move {
            match item {
                Read::Line(Line::Address { line, target }) => {
                    match engine.check(Request::of(target.clone())).await {
                        Ok(c) => Ok(Outcome::Checked {
                            line,
                            // Rendered here, on the check's own task (both
                            // cores), not where results are written one by one.
                            document: json.then(|| c.document()),
                            checked: Box::new(c),
                        }),
                        Err(error) => Ok(Outcome::Error {
                            line,
                            input: crate::text::echo_max(&target.input, 80),
                            error,
                        }),
                    }
                }
                Read::Line(Line::Bad { line, input, error }) => {
                    Ok(Outcome::Error { line, input, error })
                }
                Read::Broken(why) => Err(why),
            }
        })
    })
    .buffered(jobs);
    futures::pin_mut!(checks);
    let mut emitted = 0usize;
    let ctrl_c = tokio::signal::ctrl_c();
    futures::pin_mut!(ctrl_c);
    loop {
        tokio::select! {
            biased;
            _ = &mut ctrl_c => {
                let in_flight = started.load(Ordering::Relaxed).saturating_sub(emitted);
                return (Some(in_flight), None);
            }
            next = checks.next() => match next {
                None => return (None, None),
                Some(Ok(Ok(outcome))) => {
                    emitted += 1;
                    if let Some(p) = progress {
                        p.inc(1);
                    }
                    if let Err(e) = sink.emit(outcome) {
                        return (None, Some(Failure::runtime(format!("cannot write the output: {e}"))));
                    }
                }
                Some(Ok(Err(why))) => {
                    return (None, Some(Failure::usage(format!("cannot read {source}: {why}"))));
                }
                Some(Err(join)) => {
                    emitted += 1;
                    crate::out::eprintln(&format!("sipscope: a check stopped: {join}"));
                }
            },
        }
    }
}
