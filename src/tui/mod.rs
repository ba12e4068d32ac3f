//! The live dashboard: terminal setup and restore, and the one event loop
//! that feeds the [`app::App`] reducer (keys, sweep events, timers under one
//! `tokio::select!`) and carries out its effects. Nothing here decides; the
//! App does. Nothing redraws unless a message arrived.

pub mod app;
pub mod ascii;
pub mod clock;
#[cfg(feature = "lab")]
pub mod demo;
pub mod edit;
pub mod extension;
pub mod keys;
pub mod logfile;
pub mod running;
pub mod signals;
pub mod theme;
pub mod toast;
pub mod view;
pub mod widgets;

#[cfg(test)]
mod tests;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use futures::StreamExt;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{Event, EventStream, KeyEventKind};
use tokio::runtime::Runtime;
use tokio::sync::mpsc;
use tokio::time::{Interval, MissedTickBehavior};

use crate::config::{Resolved, SweepOverrides, sweep_options};
use crate::error::{Failure, exit};
use crate::input::parse_target;
use crate::snapshot::{self, Snapshot, SnapshotError};
use crate::sweep::SweepSettings;
use app::{App, AppConfig, Effect, Msg};
use clock::SystemClock;
use extension::Extension;
use running::{Engines, Running, sweep_msg};
use theme::Theme;

/// Why the dashboard cannot start here, if it cannot: it needs a terminal.
pub fn terminal_problem() -> Option<&'static str> {
    if !std::io::stdout().is_terminal() {
        return Some("the dashboard needs a terminal, but standard output is not one");
    }
    match std::env::var("TERM") {
        Ok(term) if term == "dumb" => Some("the dashboard needs a terminal, but TERM=dumb"),
        _ => None,
    }
}

/// `sipscope [OPTIONS] [INPUT]`: the live dashboard over `config` (file,
/// environment and global options resolved). Returns the exit code.
pub fn run_dashboard(
    args: &SweepOverrides,
    input: Option<&str>,
    config: &Resolved,
) -> Result<u8, Failure> {
    run_dashboard_with(args, input, config, |_| Ok(None))
}

/// The dashboard with an extension made by `plug_in`, which runs on the
/// dashboard's runtime before the screen changes (`sipscope demo` starts its
/// lab there, so the lab's servers live exactly as long as the dashboard).
/// The extension is shut down on that runtime when the dashboard closes.
pub fn run_dashboard_with(
    args: &SweepOverrides,
    input: Option<&str>,
    config: &Resolved,
    plug_in: impl FnOnce(&Runtime) -> Result<Option<Box<dyn Extension>>, Failure>,
) -> Result<u8, Failure> {
    dashboard(args, input, config, None, plug_in)
}

/// `sipscope open REF`: the dashboard on a saved snapshot (REF is a path or
/// a number from `sipscope snapshots`), read-only until `r`. A bad REF is a
/// one-line error before the screen changes.
pub fn open_dashboard(
    args: &SweepOverrides,
    reference: &str,
    config: &Resolved,
) -> Result<u8, Failure> {
    let dir = config
        .snapshot_dir
        .as_deref()
        .ok_or(SnapshotError::NoFolder)?;
    let path = snapshot::resolve_ref(dir, reference)?;
    let opened = snapshot::load(&path)?;
    dashboard(args, None, config, Some((path, opened)), |_| Ok(None))
}

fn dashboard(
    args: &SweepOverrides,
    input: Option<&str>,
    config: &Resolved,
    opened: Option<(PathBuf, Snapshot)>,
    plug_in: impl FnOnce(&Runtime) -> Result<Option<Box<dyn Extension>>, Failure>,
) -> Result<u8, Failure> {
    let input = config.address(input);
    // Configuration errors are reported like `check` does, before the screen
    // changes (and before asking for a terminal, so they are named first):
    // bad address, bad options or vantages, unknown profile, unreadable CA file.
    let layer = opened.as_ref().map(|(_, s)| &s.settings);
    let options = sweep_options(args, layer, &config.config)?;
    let named = crate::config::vantages(args, &config.config)?;
    let probe_target = parse_target(input.as_deref().unwrap_or("example.invalid"))?;
    // The engine is built here, before the runtime: its errors (unreadable
    // CA file, no DNS configuration) are named before the screen changes.
    let lanes: Vec<SweepSettings> = if named.is_empty() {
        vec![SweepSettings::new(probe_target, options)]
    } else {
        named
            .iter()
            .map(|v| {
                let mut o = options.clone();
                o.resolvers = v.resolvers.clone();
                SweepSettings::new(probe_target.clone(), o)
            })
            .collect()
    };
    let first = running::engine_settings(&lanes)
        .map(|s| crate::engine::Engine::new(s.clone()).map(|e| (s, e)))
        .transpose()?;
    if let Some(problem) = terminal_problem() {
        return Err(Failure::usage(format!(
            "{problem}; run `sipscope check ADDRESS` for a text report"
        )));
    }

    // Read before any thread exists (the time crate refuses later).
    let clock = SystemClock::local();
    let (log_file, _log_guard) = logfile::init(config.log_file.as_deref(), config.log_level);
    // `colours` already honours NO_COLOR and --colour/--no-colour.
    let theme = if config.colours {
        Theme::colored()
    } else {
        Theme::plain()
    };
    // ASCII symbols where the console font lacks ours (SIPSCOPE_ASCII).
    let theme = theme.with_ascii(ascii::wanted());
    install_panic_hook(theme);

    let mut app = App::new(
        args.clone(),
        AppConfig::from_resolved(config),
        theme,
        Box::new(clock),
    );
    app.log_file = log_file.clone();
    match &log_file {
        Some(path) => app.push_log(format!("log file: {}", path.display())),
        None => app.push_log("no log file (log_level off, or its folder is not writable)"),
    }
    if let Some((path, snapshot)) = opened {
        app.open_snapshot(path, snapshot);
    }
    // Blocking (resolver host names, --lab-dial): here, not in the reducer.
    app.resolve_settings()?;
    tracing::info!("dashboard starting");

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("cannot start the async runtime: {e}")))?;
    if let Some(extension) = plug_in(&runtime)? {
        app = app.with_extension(extension);
    }
    let mut terminal = ratatui::try_init()
        .map_err(|e| Failure::runtime(format!("cannot set up the terminal: {e}")))?;
    let engine = first;
    let result = runtime.block_on(async {
        let first = app.start(input.as_deref());
        event_loop(&mut terminal, &mut app, first, Engines::new(engine)).await
    });
    ratatui::restore();
    if let Some(extension) = app.extension.take() {
        // Bounded: quitting must not hang on a server that will not stop.
        runtime.block_on(async {
            let _ = tokio::time::timeout(Duration::from_secs(2), extension.shutdown()).await;
        });
    }
    // Sweeps still in flight are dropped with the runtime.
    runtime.shutdown_background();
    match result {
        Ok(None) => {
            tracing::info!("dashboard closed");
            Ok(exit::OK)
        }
        Ok(Some(signal)) => {
            // The shell's convention: 128 + the signal's number.
            tracing::info!("dashboard ended by signal {signal}");
            Ok(u8::try_from(128 + signal).unwrap_or(exit::FAIL))
        }
        Err(e) => {
            tracing::error!("dashboard failed: {e}");
            Err(Failure::runtime(format!("the dashboard failed: {e}")))
        }
    }
}

/// color-eyre's panic report, installed before raw mode; `ratatui::try_init`
/// then wraps it so the terminal is restored before the report prints.
fn install_panic_hook(theme: Theme) {
    let mut hook = color_eyre::config::HookBuilder::default().display_env_section(false);
    if !theme.has_color() {
        hook = hook.theme(color_eyre::config::Theme::new());
    }
    let (panic_hook, _) = hook.into_hooks();
    let panic_hook = panic_hook.into_panic_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!("panic: {info}");
        panic_hook(info);
    }));
}

async fn next_tick(ticker: &mut Option<(Duration, Interval)>) {
    match ticker {
        Some((_, interval)) => {
            interval.tick().await;
        }
        None => std::future::pending().await,
    }
}

/// Maps a terminal event to a message; `None` for events that change nothing.
fn terminal_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => Some(Msg::Key(key)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}

/// Ctrl-Z: raw mode delivers it as a key, not as SIGTSTP.
fn is_suspend_key(event: &Event) -> bool {
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};
    matches!(event, Event::Key(k) if k.kind != KeyEventKind::Release
        && k.code == KeyCode::Char('z')
        && k.modifiers.contains(KeyModifiers::CONTROL))
}

/// Runs until the user quits (`Ok(None)`) or a terminating signal arrives
/// (`Ok(Some(number))`); the caller restores the terminal either way.
async fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    first: Vec<Effect>,
    engines: Engines,
) -> std::io::Result<Option<i32>> {
    let mut signals = signals::Signals::new()?;
    let mut input = EventStream::new();
    let mut sweep: Option<Running> = None;
    let mut ticker: Option<(Duration, Interval)> = None;
    let mut last_tick = Instant::now();
    let (task_tx, mut task_rx) = mpsc::unbounded_channel::<Msg>();
    let size = terminal.size()?;
    app.update(Msg::Resize(size.width, size.height));
    let mut effects = first;
    terminal.draw(|f| view::render(f, app))?;
    loop {
        for effect in effects.drain(..) {
            match effect {
                Effect::StartSweep { id, settings } => {
                    tracing::debug!("starting sweep {id} in {} lane(s)", settings.len());
                    // Replacing the old one drops (aborts) it.
                    sweep = Some(engines.start(id, settings));
                }
                Effect::AskAuthority {
                    id, lane, report, ..
                } => {
                    // Through the engine sweep `id` runs on; every step has
                    // the sweep's timeout; a stale answer is ignored by the App.
                    let tx = task_tx.clone();
                    let ask = engines.ask_authority(id, lane, *report);
                    tokio::spawn(async move {
                        if let Some(msg) = ask.await {
                            let _ = tx.send(msg);
                        }
                    });
                }
                Effect::CancelSweep => sweep = None,
                Effect::Quit => return Ok(None),
                Effect::SaveSnapshot(request) => {
                    // File I/O stays off the render path.
                    let tx = task_tx.clone();
                    tokio::spawn(async move {
                        let result = tokio::task::spawn_blocking(move || {
                            request.write().map_err(|e| e.to_string())
                        })
                        .await;
                        let result =
                            result.unwrap_or_else(|e| Err(format!("the save stopped: {e}")));
                        let _ = tx.send(Msg::SnapshotSaved(result));
                    });
                }
                Effect::Spawn(task) => {
                    let tx = task_tx.clone();
                    tokio::spawn(async move {
                        let out = task.0.await;
                        let _ = tx.send(Msg::Extension(out));
                    });
                }
            }
        }
        // A timer only while something on screen moves (spinner, countdown).
        let rate = app.tick_rate();
        if ticker.as_ref().map(|(r, _)| *r) != rate {
            ticker = rate.map(|r| {
                let mut i = tokio::time::interval_at(tokio::time::Instant::now() + r, r);
                i.set_missed_tick_behavior(MissedTickBehavior::Delay);
                (r, i)
            });
            last_tick = Instant::now();
        }
        let msg = tokio::select! {
            event = input.next() => match event {
                Some(Ok(event)) if is_suspend_key(&event) => {
                    signals::suspend(terminal)?;
                    terminal.draw(|f| view::render(f, app))?;
                    continue;
                }
                Some(Ok(event)) => terminal_msg(event),
                Some(Err(e)) => return Err(e),
                None => return Ok(None),
            },
            signal = signals.recv() => match signal {
                signals::Signal::Terminate(n) => return Ok(Some(n)),
                signals::Signal::Suspend => {
                    signals::suspend(terminal)?;
                    terminal.draw(|f| view::render(f, app))?;
                    continue;
                }
                signals::Signal::Resume => {
                    signals::resume(terminal)?;
                    terminal.draw(|f| view::render(f, app))?;
                    continue;
                }
            },
            msg = sweep_msg(&mut sweep) => msg,
            () = next_tick(&mut ticker) => {
                let now = Instant::now();
                let elapsed = now - last_tick;
                last_tick = now;
                Some(Msg::Tick(elapsed))
            }
            Some(msg) = task_rx.recv() => Some(msg),
        };
        let Some(msg) = msg else { continue };
        effects = app.update(msg);
        if app.should_quit() {
            return Ok(None);
        }
        terminal.draw(|f| view::render(f, app))?;
    }
}
