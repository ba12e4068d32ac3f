//! Signals the dashboard answers.
//!
//! Unix: SIGINT, SIGTERM, SIGHUP and SIGQUIT end it with the terminal
//! restored (exit status 128 + the signal's number: 130, 143, 129, 131), and
//! SIGTSTP (or Ctrl-Z, which raw mode delivers as a key) suspends it: the
//! terminal is given back, the process stops, and on SIGCONT the screen is
//! taken again and redrawn in full. Ctrl-C pressed in the dashboard is a key
//! (raw mode turns ISIG off), a normal quit (0); only a SIGINT sent from
//! outside (`kill -INT`) is 130.
//!
//! Windows: the console control events. Ctrl-C is a key there too (raw mode
//! clears ENABLE_PROCESSED_INPUT); a CTRL_C_EVENT sent from outside
//! (GenerateConsoleCtrlEvent) and Ctrl-Break end it with 130, like SIGINT;
//! closing the console window (CTRL_CLOSE_EVENT) ends it with 129, like the
//! hang-up it is (tokio holds the event's handler thread, so the terminal is
//! restored before Windows ends the process). There is no job control:
//! Ctrl-Z does nothing.

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

/// The exit status for Windows' console control events (see the module
/// notes): Ctrl-C and Ctrl-Break are an interrupt, closing the window a hang-up.
pub const WINDOWS_INTERRUPT: i32 = 2;
/// See [`WINDOWS_INTERRUPT`].
pub const WINDOWS_CLOSE: i32 = 1;

/// The signal streams; on other platforms it never yields.
pub struct Signals {
    #[cfg(unix)]
    streams: Vec<(Signal, tokio::signal::unix::Signal)>,
    #[cfg(windows)]
    events: WindowsEvents,
}

#[cfg(windows)]
struct WindowsEvents {
    ctrl_c: tokio::signal::windows::CtrlC,
    ctrl_break: tokio::signal::windows::CtrlBreak,
    close: tokio::signal::windows::CtrlClose,
}

impl Signals {
    /// Installs the handlers (must run inside the runtime).
    pub fn new() -> io::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let mut streams = vec![
                // Only from outside: in raw mode Ctrl-C is a key (a quit, 0).
                (Signal::Terminate(2), signal(SignalKind::interrupt())?),
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
        #[cfg(windows)]
        {
            use tokio::signal::windows::{ctrl_break, ctrl_c, ctrl_close};
            let events = WindowsEvents {
                ctrl_c: ctrl_c()?,
                ctrl_break: ctrl_break()?,
                close: ctrl_close()?,
            };
            Ok(Signals { events })
        }
        #[cfg(not(any(unix, windows)))]
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
        #[cfg(windows)]
        {
            let e = &mut self.events;
            tokio::select! {
                _ = e.ctrl_c.recv() => Signal::Terminate(WINDOWS_INTERRUPT),
                _ = e.ctrl_break.recv() => Signal::Terminate(WINDOWS_INTERRUPT),
                _ = e.close.recv() => Signal::Terminate(WINDOWS_CLOSE),
            }
        }
        #[cfg(not(any(unix, windows)))]
        std::future::pending().await
    }
}

/// Gives the terminal back and stops the process until SIGCONT, then takes
/// the screen again; the caller redraws (the buffer is cleared, so the next
/// draw is a full one). Without job control (Windows) it does nothing.
pub fn suspend(terminal: &mut DefaultTerminal) -> io::Result<()> {
    if cfg!(not(unix)) {
        return Ok(());
    }
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
/// clears the screen and both buffers so the next draw repaints everything.
///
/// Not `Terminal::clear`: it asks the terminal for the cursor position, and
/// crossterm reads that answer through the event reader, which the
/// dashboard's `EventStream` thread holds while it waits for input — the
/// query then gives up after two seconds ("the cursor position could not be
/// read within a normal duration") and the dashboard died after `fg`
/// (issue 21 item 4). Nothing here reads from the terminal.
pub fn resume(terminal: &mut DefaultTerminal) -> io::Result<()> {
    use crossterm::terminal::{Clear, ClearType, EnterAlternateScreen, enable_raw_mode};
    enable_raw_mode()?;
    crossterm::execute!(io::stdout(), EnterAlternateScreen, Clear(ClearType::All))?;
    terminal.hide_cursor()?;
    forget_screen(terminal);
    Ok(())
}

/// Makes the next draw a full one after the screen was cleared by hand:
/// `swap_buffers` resets the previous frame, twice resets both.
fn forget_screen<B: ratatui::backend::Backend>(terminal: &mut ratatui::Terminal<B>) {
    terminal.swap_buffers();
    terminal.swap_buffers();
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::{Backend, TestBackend};
    use ratatui::widgets::Paragraph;

    fn draw(terminal: &mut Terminal<TestBackend>) {
        terminal
            .draw(|f| f.render_widget(Paragraph::new("sweep #1"), f.area()))
            .unwrap();
    }

    // Issue 21 item 4: after resume the screen was cleared by hand, and the
    // same frame must be written again in full, without asking the terminal
    // anything (TestBackend would answer a cursor query; the real one hangs).
    #[test]
    fn a_forgotten_screen_is_drawn_in_full() {
        let mut terminal = Terminal::new(TestBackend::new(20, 2)).unwrap();
        draw(&mut terminal);
        terminal.backend_mut().clear().unwrap();
        super::forget_screen(&mut terminal);
        draw(&mut terminal);
        let shown = terminal.backend().buffer().clone();
        let line: String = (0..8).map(|x| shown[(x, 0)].symbol()).collect();
        assert_eq!(line, "sweep #1");
    }

    // Without forgetting, the unchanged frame writes nothing: the check above
    // can fail.
    #[test]
    fn an_unchanged_frame_writes_nothing() {
        let mut terminal = Terminal::new(TestBackend::new(20, 2)).unwrap();
        draw(&mut terminal);
        terminal.backend_mut().clear().unwrap();
        draw(&mut terminal);
        let shown = terminal.backend().buffer().clone();
        assert_eq!(shown[(0, 0)].symbol(), " ");
    }
}
