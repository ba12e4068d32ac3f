//! The audit's input, one address a line, streamed: a line is never longer
//! in memory than [`LINE_MAX`] bytes, whatever the file holds (a 1 GB file
//! or a 1 MB line keep memory flat). A bad line (too long, a NUL byte,
//! invalid UTF-8, not an address) is one error for that line; blank lines and
//! `#` comments are skipped. A "line" that runs on past [`LINE_GIVE_UP`]
//! bytes (`/dev/zero`, a binary file) ends the input with an error instead
//! of being read forever.

use std::io::{self, BufRead};

use crate::input::{Target, parse_target};

/// Longest line read as an address, in bytes.
pub const LINE_MAX: usize = 4096;
/// A line this long without a line break is not a list of addresses: the
/// input is given up (a 1 MiB line is still one error for that line).
pub const LINE_GIVE_UP: usize = 16 << 20;
/// Characters of a bad line echoed back.
const SHOWN_MAX: usize = 80;

/// One line that holds something.
#[derive(Debug, Clone)]
pub enum Line {
    Address {
        line: usize,
        target: Target,
    },
    Bad {
        line: usize,
        /// The line as given, escaped and cut.
        input: String,
        error: String,
    },
}

/// The lines of `r` that hold something, numbered from 1.
pub struct Lines<R> {
    r: R,
    number: usize,
    /// A read failed: the input ends there.
    broken: bool,
}

impl<R: BufRead> Lines<R> {
    pub fn new(r: R) -> Self {
        Lines {
            r,
            number: 0,
            broken: false,
        }
    }

    /// The next raw line: its first bytes (at most `LINE_MAX + 1`) and its
    /// whole length; `None` at the end.
    fn raw(&mut self) -> io::Result<Option<(Vec<u8>, usize)>> {
        let mut buf = Vec::new();
        let mut len = 0usize;
        let mut any = false;
        loop {
            let avail = match self.r.fill_buf() {
                Ok(a) => a,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if avail.is_empty() {
                return Ok(any.then_some((buf, len)));
            }
            any = true;
            let (chunk, newline) = match memchr::memchr(b'\n', avail) {
                Some(i) => (&avail[..i], true),
                None => (avail, false),
            };
            len = len.saturating_add(chunk.len());
            if len > LINE_GIVE_UP {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "line {} runs over {} MiB without a line break; give a file of addresses, one a line",
                        self.number + 1,
                        LINE_GIVE_UP >> 20
                    ),
                ));
            }
            let room = (LINE_MAX + 1).saturating_sub(buf.len());
            buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
            let used = chunk.len() + usize::from(newline);
            self.r.consume(used);
            if newline {
                return Ok(Some((buf, len)));
            }
        }
    }
}

impl<R: BufRead> Iterator for Lines<R> {
    type Item = io::Result<Line>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.broken {
            return None;
        }
        loop {
            let (bytes, len) = match self.raw() {
                Ok(Some(x)) => x,
                Ok(None) => return None,
                Err(e) => {
                    self.broken = true;
                    return Some(Err(e));
                }
            };
            self.number += 1;
            let line = self.number;
            if let Some(l) = classify(line, &bytes, len) {
                return Some(Ok(l));
            }
        }
    }
}

/// How many lines of `r` hold something (an address or a bad line: what
/// the audit will report), without parsing the addresses: the total for the
/// progress bar's ETA. Streams, as [`Lines`] does.
pub fn count<R: BufRead>(r: R) -> io::Result<usize> {
    let mut lines = Lines::new(r);
    let mut n = 0usize;
    while let Some((bytes, len)) = lines.raw()? {
        if holds_something(&bytes, len) {
            n += 1;
        }
    }
    Ok(n)
}

/// Whether a line is reported (not blank, not a `#` comment).
fn holds_something(bytes: &[u8], len: usize) -> bool {
    if len > LINE_MAX || bytes.contains(&0) {
        return true;
    }
    std::str::from_utf8(bytes).map_or(true, |text| !skipped(text))
}

/// A blank line or a `#` comment.
fn skipped(text: &str) -> bool {
    let text = text.trim();
    text.is_empty() || text.starts_with('#')
}

/// What one line holds; `None` for a blank line or a comment.
fn classify(line: usize, bytes: &[u8], len: usize) -> Option<Line> {
    let shown = || {
        let lossy = String::from_utf8_lossy(&bytes[..bytes.len().min(SHOWN_MAX * 4)]);
        crate::text::echo_max(lossy.trim_end_matches('\r'), SHOWN_MAX)
    };
    let bad = |error: String| {
        Some(Line::Bad {
            line,
            input: shown(),
            error,
        })
    };
    if len > LINE_MAX {
        return bad(format!(
            "the line is {len} bytes long, over the {LINE_MAX}-byte limit; give one address per line"
        ));
    }
    if bytes.contains(&0) {
        return bad("the line holds a NUL byte; give one address per line as text".into());
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return bad("the line is not valid UTF-8; save the file as UTF-8".into());
    };
    if skipped(text) {
        return None;
    }
    match parse_target(text.trim()) {
        Ok(target) => Some(Line::Address { line, target }),
        Err(e) => bad(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &[u8]) -> Vec<Line> {
        Lines::new(io::BufReader::with_capacity(7, input))
            .map(|l| l.unwrap())
            .collect()
    }

    fn describe(l: &Line) -> String {
        match l {
            Line::Address { line, target } => format!("{line}:{}", target.domain),
            Line::Bad { line, error, .. } => format!("{line}:bad:{error}"),
        }
    }

    /// Addresses, a blank line, comments, a bad address, a NUL byte,
    /// invalid UTF-8, a line over the limit and a last line without "\n".
    fn mixed() -> Vec<u8> {
        let mut input = b"a.test\n\n# comment\r\n  sip:bob@b.test \r\nx@@y\n".to_vec();
        input.extend_from_slice(b"nul\0.test\n\xff\xfe.test\n");
        input.extend(std::iter::repeat_n(b'a', LINE_MAX + 10));
        input.extend_from_slice(b"\nlast.test");
        input
    }

    // D19: input order and 1-based numbers, blanks and comments skipped.
    #[test]
    fn numbers_skips_and_reports_bad_lines() {
        let input = mixed();
        let got: Vec<String> = all(&input).iter().map(describe).collect();
        assert_eq!(got[0], "1:a.test");
        assert_eq!(got[1], "4:b.test");
        assert!(got[2].starts_with("5:bad:"), "{got:?}");
        assert!(
            got[3].starts_with("6:bad:") && got[3].contains("NUL"),
            "{got:?}"
        );
        assert!(
            got[4].starts_with("7:bad:") && got[4].contains("UTF-8"),
            "{got:?}"
        );
        assert!(
            got[5].starts_with("8:bad:") && got[5].contains("4106 bytes"),
            "{got:?}"
        );
        assert_eq!(got[6], "9:last.test");
        assert_eq!(got.len(), 7);
    }

    // The progress bar's total is exactly the number of lines reported.
    #[test]
    fn count_matches_the_lines_reported() {
        let mut input = b"   \n\t# indented comment\n".to_vec();
        input.extend(mixed());
        let n = count(io::BufReader::with_capacity(7, &input[..])).unwrap();
        assert_eq!(n, all(&input).len());
        assert_eq!(n, 7);
    }

    // An endless line (`/dev/zero`) ends the input with one error naming
    // it; it is not read forever.
    #[test]
    fn an_endless_line_gives_up() {
        let endless = io::BufReader::new(io::repeat(0));
        let got: Vec<_> = Lines::new(io::Read::chain(&b"a.test\n"[..], endless)).collect();
        assert_eq!(got.len(), 2);
        assert!(got[0].is_ok());
        let e = got[1].as_ref().unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("16 MiB"), "{e}");
    }

    // A bad line is echoed escaped and cut, never raw.
    #[test]
    fn bad_input_is_escaped_and_short() {
        let mut input = b"\x1b[31mevil\x07".to_vec();
        input.extend(std::iter::repeat_n(b'z', 5000));
        let got = all(&input);
        let Line::Bad { input, .. } = &got[0] else {
            panic!("{got:?}")
        };
        assert!(
            !input.contains('\x1b') && !input.contains('\x07'),
            "{input}"
        );
        assert!(input.chars().count() <= SHOWN_MAX + 3, "{input}");
    }
}
