//! Writing the commands' output. `print!` panics when standard output is a
//! closed pipe (`sipscope profiles | true`, `check --json … | head -c1`);
//! a reader that stopped reading is not an error, so these helpers treat a
//! broken pipe as done and write nothing more.

use std::io::{self, Write};

/// Writes `s` to standard output and flushes. A broken pipe counts as
/// success (the reader has gone); other errors are returned.
pub fn print(s: &str) -> io::Result<()> {
    quiet_pipe(write_flush(&mut io::stdout().lock(), s))
}

/// [`print`] plus a newline.
pub fn println(s: &str) -> io::Result<()> {
    print(&format!("{s}\n"))
}

/// Writes one line to standard error, ignoring every failure (there is
/// nowhere left to report it).
pub fn eprintln(s: &str) {
    let _ = write_flush(&mut io::stderr().lock(), &format!("{s}\n"));
}

/// The error line for a failed command: `sipscope: error: MSG`, with MSG
/// escaped and cut ([`crate::text`]) so it is one line whatever it echoes.
pub fn error(msg: &str) {
    eprintln(&format!(
        "sipscope: error: {}",
        crate::text::echo_max(msg, ERROR_MAX)
    ));
}

/// Longest error message shown, in characters.
pub const ERROR_MAX: usize = 2000;

fn write_flush(w: &mut impl Write, s: &str) -> io::Result<()> {
    w.write_all(s.as_bytes())?;
    w.flush()
}

fn quiet_pipe(r: io::Result<()>) -> io::Result<()> {
    match r {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
