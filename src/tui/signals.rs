//! Signals the dashboard answers (Unix): SIGTERM, SIGHUP and SIGQUIT end it
//! with the terminal restored (exit status 128 + the signal's number), and
//! SIGTSTP (or Ctrl-Z, which raw mode delivers as a key) suspends it: the
//! terminal is given back, the process stops, and on SIGCONT the screen is
//! taken again and redrawn in full. SIGINT stays `tokio::signal::ctrl_c`.

use std::io;

use ratatui::DefaultTerminal;

/// What a signal asks of the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// End now; the number is the signal's.
    Terminate(i32),
    /// Give the terminal back and stop (SIGTSTP).
    Suspend,
    /// Continued after a stop (SIGCONT): take the screen again.
    Resume,
}

#[cfg(any(target_os = "linux", target_os = "android"))]
const STOP_SIGNALS: Option<(i32, i32)> = Some((20, 18)); // (SIGTSTP, SIGCONT)
#[cfg(any(
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
const STOP_SIGNALS: Option<(i32, i32)> = Some((18, 19));
#[cfg(all(
    unix,
    not(any(
        target_os = "linux",
        target_os = "android",
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "netbsd",
        target_os = "dragonfly"
    ))
))]
const STOP_SIGNALS: Option<(i32, i32)> = None;

/// The signal streams; on other platforms it never yields.
pub struct Signals {
    #[cfg(unix)]
    streams: Vec<(Signal, tokio::signal::unix::Signal)>,
}

impl Signals {
    /// Installs the handlers (must run inside the runtime).
    pub fn new() -> io::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let mut streams = vec![
                (Signal::Terminate(15), signal(SignalKind::terminate())?),
                (Signal::Terminate(1), signal(SignalKind::hangup())?),
                (Signal::Terminate(3), signal(SignalKind::quit())?),
            ];
            if let Some((tstp, cont)) = STOP_SIGNALS {
                streams.push((Signal::Suspend, signal(SignalKind::from_raw(tstp))?));
                streams.push((Signal::Resume, signal(SignalKind::from_raw(cont))?));
            }
            Ok(Signals { streams })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    /// The next signal.
    pub async fn recv(&mut self) -> Signal {
        #[cfg(unix)]
        {
            let waits = self.streams.iter_mut().map(|(what, s)| {
                let what = *what;
                Box::pin(async move {
                    s.recv().await;
                    what
                })
            });
            futures::future::select_all(waits).await.0
        }
        #[cfg(not(unix))]
        std::future::pending().await
    }
}

/// Gives the terminal back and stops the process until SIGCONT, then takes
/// the screen again; the caller redraws (the buffer is cleared, so the next
/// draw is a full one).
pub fn suspend(terminal: &mut DefaultTerminal) -> io::Result<()> {
    terminal.show_cursor()?;
    ratatui::restore();
    #[cfg(unix)]
    {
        // SIGSTOP cannot be caught: the process stops here until SIGCONT.
        // `kill` rather than a libc call keeps this free of `unsafe`.
        let pid = std::process::id().to_string();
        let _ = std::process::Command::new("kill")
            .args(["-STOP", &pid])
            .status();
    }
    resume(terminal)
}

/// Takes the screen again (raw mode, alternate screen, hidden cursor) and
/// clears the buffer so the next draw repaints everything.
pub fn resume(terminal: &mut DefaultTerminal) -> io::Result<()> {
    crossterm::terminal::enable_raw_mode()?;
    crossterm::execute!(io::stdout(), crossterm::terminal::EnterAlternateScreen)?;
    terminal.hide_cursor()?;
    terminal.clear()
}
