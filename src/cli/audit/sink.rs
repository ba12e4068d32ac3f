//! Where the audit's results go, one at a time in input order: JSON Lines,
//! CSV rows, or (human) a tally for the summary table; and the totals every
//! mode counts for the exit code and `--markdown`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use super::super::fleet_engine::Checked;
use crate::model::State;
use crate::text::clean;

/// The result of one line.
pub enum Outcome {
    Checked {
        line: usize,
        checked: Box<Checked>,
        /// The `check --json` document, when already rendered.
        document: Option<String>,
    },
    /// Not an address, or the check could not run.
    Error {
        line: usize,
        input: String,
        error: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Json,
    Csv,
    Human,
}

/// A domain worth naming in the summary (not ok).
pub struct Named {
    pub line: usize,
    pub domain: String,
    pub state: String,
    pub cause: String,
    pub summary: String,
    pub degraded: Vec<String>,
}

/// Every result seen so far.
#[derive(Default)]
pub struct Totals {
    pub by_state: BTreeMap<&'static str, usize>,
    pub by_cause: BTreeMap<String, usize>,
    pub invalid: usize,
    pub not_ok: Vec<Named>,
}

impl Totals {
    pub fn done(&self) -> usize {
        self.by_state.values().sum::<usize>() + self.invalid
    }

    pub fn count(&self, s: State) -> usize {
        self.by_state.get(s.label()).copied().unwrap_or(0)
    }
}

pub struct Sink {
    mode: Mode,
    csv: Option<csv::Writer<io::Stdout>>,
    pub totals: Totals,
    /// Whether the domains not ok are kept for a table or report at the
    /// end (human mode, `--markdown`); JSON Lines and CSV alone keep nothing
    /// per line, so their memory stays flat however long the input.
    keep: bool,
    /// The reader of standard output has gone (`| head`): stop writing.
    pub closed: bool,
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    line: usize,
    input: &'a str,
    error: &'a str,
}

fn label<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

impl Sink {
    pub fn new(mode: Mode, keep: bool) -> io::Result<Sink> {
        let mut csv = None;
        if mode == Mode::Csv {
            let mut w = csv::Writer::from_writer(io::stdout());
            w.write_record([
                "line", "input", "domain", "state", "cause", "selected", "summary",
            ])?;
            w.flush()?;
            csv = Some(w);
        }
        Ok(Sink {
            mode,
            csv,
            totals: Totals::default(),
            keep,
            closed: false,
        })
    }

    /// Counts and writes one result (a whole line or row, flushed, so an
    /// interrupted run leaves only whole lines).
    pub fn emit(&mut self, outcome: Outcome) -> io::Result<()> {
        let written = match &outcome {
            Outcome::Checked {
                line,
                checked,
                document,
            } => self.checked(*line, checked, document.as_deref()),
            Outcome::Error { line, input, error } => self.error(*line, input, error),
        };
        match written {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }

    fn checked(&mut self, line: usize, c: &Checked, document: Option<&str>) -> io::Result<()> {
        let r = c.report();
        let v = c.verdict();
        let state = v.state;
        *self.totals.by_state.entry(state.label()).or_default() += 1;
        let cause = label(&v.cause);
        if state != State::Ok {
            *self.totals.by_cause.entry(cause.clone()).or_default() += 1;
            self.remember(Named {
                line,
                domain: r.domain.clone(),
                state: state.label().into(),
                cause: cause.clone(),
                summary: v.summary.clone(),
                degraded: v.degraded.iter().map(|d| d.sentence.clone()).collect(),
            });
        }
        if self.closed {
            return Ok(());
        }
        match self.mode {
            Mode::Json => {
                // The `check --json` document with `"line": N` first.
                let document = document.map_or_else(|| c.document(), str::to_string);
                let body = document.strip_prefix('{').unwrap_or(&document);
                let sep = if body.starts_with('}') { "" } else { "," };
                write_line(&format!("{{\"line\":{line}{sep}{body}"))
            }
            Mode::Csv => {
                let selected = r
                    .selected
                    .and_then(|i| r.record(i))
                    .map(|x| {
                        format!(
                            "#{} {} {} {}",
                            x.index,
                            x.kind.label(),
                            x.name,
                            x.transport.label()
                        )
                    })
                    .unwrap_or_default();
                self.row([
                    line.to_string(),
                    clean(&r.input).into_owned(),
                    clean(&r.domain).into_owned(),
                    state.label().into(),
                    cause,
                    clean(&selected).into_owned(),
                    clean(&v.summary).into_owned(),
                ])
            }
            Mode::Human => Ok(()),
        }
    }

    fn error(&mut self, line: usize, input: &str, error: &str) -> io::Result<()> {
        self.totals.invalid += 1;
        *self.totals.by_cause.entry("invalid".into()).or_default() += 1;
        self.remember(Named {
            line,
            domain: input.to_string(),
            state: "invalid".into(),
            cause: "invalid".into(),
            summary: error.to_string(),
            degraded: Vec::new(),
        });
        if self.closed {
            return Ok(());
        }
        match self.mode {
            Mode::Json => {
                let doc = ErrorLine { line, input, error };
                write_line(&crate::report::json::to_line(&doc))
            }
            Mode::Csv => self.row([
                line.to_string(),
                input.to_string(),
                String::new(),
                "invalid".into(),
                "invalid".into(),
                String::new(),
                clean(error).into_owned(),
            ]),
            Mode::Human => Ok(()),
        }
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    fn remember(&mut self, named: Named) {
        if self.keep {
            self.totals.not_ok.push(named);
        }
    }

    fn row(&mut self, fields: [String; 7]) -> io::Result<()> {
        match &mut self.csv {
            Some(w) => {
                w.write_record(&fields)?;
                w.flush()
            }
            None => Ok(()),
        }
    }
}

fn write_line(s: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(s.as_bytes())?;
    out.write_all(b"\n")?;
    out.flush()
}

/// The human summary: the domains that are not ok, then totals.
pub fn summary(t: &Totals, not_checked: Option<usize>) -> String {
    let mut out = String::new();
    if !t.not_ok.is_empty() {
        let w = t
            .not_ok
            .iter()
            .map(|n| clean(&n.domain).chars().count())
            .max()
            .unwrap_or(6)
            .clamp(6, 40);
        let _ = writeln!(
            out,
            "{:>6}  {:<w$}  {:<8}  {:<18}  verdict",
            "line", "domain", "state", "cause"
        );
        for n in &t.not_ok {
            let _ = writeln!(
                out,
                "{:>6}  {:<w$}  {:<8}  {:<18}  {}",
                n.line,
                crate::text::clip(&clean(&n.domain), 40),
                n.state,
                n.cause,
                clean(&n.summary)
            );
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{} checked: {} ok, {} degraded, {} fail, {} invalid",
        t.done(),
        t.count(State::Ok),
        t.count(State::Degraded),
        t.count(State::Fail),
        t.invalid
    );
    if !t.by_cause.is_empty() {
        let causes: Vec<String> = t.by_cause.iter().map(|(c, n)| format!("{c} {n}")).collect();
        let _ = writeln!(out, "Not ok by cause: {}", causes.join(", "));
    }
    if let Some(n) = not_checked {
        let _ = writeln!(
            out,
            "Interrupted: {n} addresses in flight were not checked, and the rest of the input was not read."
        );
    }
    out
}

/// The `--markdown` report: totals, then one section per domain not ok.
pub fn markdown(t: &Totals, source: &str, not_checked: Option<usize>) -> String {
    let cell = |s: &str| clean(s).replace('\\', "\\\\").replace('|', "\\|");
    let mut out = String::new();
    let _ = writeln!(out, "# sipscope audit: {}\n", cell(source));
    let _ = writeln!(out, "| state | domains |\n|---|---|");
    for s in [State::Ok, State::Degraded, State::Fail] {
        let _ = writeln!(out, "| {} | {} |", s.label(), t.count(s));
    }
    let _ = writeln!(out, "| invalid | {} |", t.invalid);
    if let Some(n) = not_checked {
        let _ = writeln!(
            out,
            "\nInterrupted: {n} addresses were not checked; the rest of the input was not read."
        );
    }
    if !t.by_cause.is_empty() {
        let _ = writeln!(out, "\n| cause | domains |\n|---|---|");
        for (c, n) in &t.by_cause {
            let _ = writeln!(out, "| {} | {n} |", cell(c));
        }
    }
    for n in &t.not_ok {
        let _ = writeln!(
            out,
            "\n## {} (line {}): {}\n",
            cell(&n.domain),
            n.line,
            n.state
        );
        let _ = writeln!(out, "{}", cell(&n.summary));
        for d in &n.degraded {
            let _ = writeln!(out, "- degraded: {}", cell(d));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad(line: usize) -> Outcome {
        Outcome::Error {
            line,
            input: "a@@b".into(),
            error: "not an address".into(),
        }
    }

    // Memory flat with --json/--csv alone: the totals count every line, but
    // the list of domains not ok is kept only for a table or a report.
    #[test]
    fn the_not_ok_list_is_kept_only_when_shown() {
        let mut flat = Sink::new(Mode::Human, false).unwrap();
        let mut kept = Sink::new(Mode::Human, true).unwrap();
        for line in 1..=50 {
            flat.emit(bad(line)).unwrap();
            kept.emit(bad(line)).unwrap();
        }
        assert_eq!(flat.totals.invalid, 50);
        assert_eq!(flat.totals.done(), 50);
        assert!(flat.totals.not_ok.is_empty());
        assert_eq!(kept.totals.not_ok.len(), 50);
        assert_eq!(kept.totals.by_cause.get("invalid"), Some(&50));
    }
}
