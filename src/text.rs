//! Untrusted text on its way to a terminal or a report: the one place that
//! decides how it is shown.
//!
//! Text sipscope did not write itself — what the user typed, an environment
//! variable, a DNS name (a label may hold any byte), a certificate's subject
//! or SANs, a saved snapshot — can carry control characters: ESC starts a
//! terminal escape sequence (recolour, move the cursor, retitle the window,
//! rewrite the clipboard), CR and LF forge extra lines, and the Unicode bidi
//! overrides reorder what the reader sees. Every frontend passes such text
//! through [`clean`] (and echoed input through [`echo`]) when it renders it;
//! the data itself is kept as it came, so JSON stays faithful.

use std::borrow::Cow;

/// How many characters of an echoed value an error message shows.
pub const ECHO_MAX: usize = 120;

/// True for a character that must not reach a terminal raw: every control
/// character (C0, DEL, C1 — ESC, CR, LF and tab included), the bidi
/// embeddings, overrides, isolates and marks, and the line and paragraph
/// separators.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{061C}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// The visible form of an unsafe character: `\n`, `\r`, `\t`, otherwise
/// `\u{1b}` style (lowercase hex, as Rust writes it).
fn escape(c: char, out: &mut String) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c => {
            use std::fmt::Write;
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

/// `s` with every unsafe character (see [`is_unsafe`]) replaced by a visible
/// escape, e.g. ESC → `\u{1b}`, LF → `\n`. Borrowed when nothing changes.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            escape(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// At most `max_chars` characters of `s`, cut on a character boundary; a cut
/// text ends with `…` (which counts toward the limit).
pub fn clip(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        return s.to_string();
    }
    if max_chars == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(max_chars - 1).collect();
    out.push('…');
    out
}

/// An echoed value for an error message: [`clean`]ed and cut to at most
/// [`ECHO_MAX`] characters without splitting an escape.
pub fn echo(s: &str) -> String {
    echo_max(s, ECHO_MAX)
}

/// [`echo`] with a limit of `max_chars` characters (escapes included).
pub fn echo_max(s: &str, max_chars: usize) -> String {
    let cleaned = clean(s);
    if cleaned.chars().count() <= max_chars {
        return cleaned.into_owned();
    }
    if max_chars == 0 {
        return String::new();
    }
    let budget = max_chars - 1;
    let mut out = String::new();
    let mut used = 0;
    let mut piece = String::new();
    for c in s.chars() {
        piece.clear();
        if is_unsafe(c) {
            escape(c, &mut piece);
        } else {
            piece.push(c);
        }
        let n = piece.chars().count();
        if used + n > budget {
            break;
        }
        out.push_str(&piece);
        used += n;
    }
    out.push('…');
    out
}

/// Where byte `offset` of `text` falls (a parser's error span): the line
/// and column, 1-based, and that line's text. Never slices inside a
/// character; an offset past the end counts as the end.
pub fn position(text: &str, offset: usize) -> (usize, usize, &str) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[start..].chars().count() + 1;
    (line, column, text[start..].lines().next().unwrap_or(""))
}

/// A dashboard line with every span's text [`clean`]ed (styles kept).
pub fn clean_line(mut line: ratatui::text::Line<'static>) -> ratatui::text::Line<'static> {
    for span in &mut line.spans {
        if let Cow::Owned(c) = clean(&span.content) {
            span.content = Cow::Owned(c);
        }
    }
    line
}

/// [`clean_line`] over every line.
pub fn clean_lines(lines: Vec<ratatui::text::Line<'static>>) -> Vec<ratatui::text::Line<'static>> {
    lines.into_iter().map(clean_line).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // A parser's byte offset, even one inside a character or past the end.
    #[test]
    fn position_counts_lines_and_characters() {
        let text = "a = 1\nname = \"café\"\nx";
        assert_eq!(position(text, 0), (1, 1, "a = 1"));
        assert_eq!(position(text, 13), (2, 8, "name = \"café\""));
        // Inside the two bytes of "é": counted from the character's start.
        let inside = text.find('é').unwrap() + 1;
        assert_eq!(position(text, inside), (2, 12, "name = \"café\""));
        assert_eq!(position(text, 999), (3, 2, "x"));
    }

    #[test]
    fn escapes_controls_and_bidi() {
        assert_eq!(clean("plain"), Cow::Borrowed("plain"));
        assert_eq!(clean("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(clean("x\ny\r\tz"), "x\\ny\\r\\tz");
        assert_eq!(clean("\u{9b}2J"), "\\u{9b}2J");
        assert_eq!(clean("\u{7f}"), "\\u{7f}");
        assert_eq!(clean("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(
            clean("\u{2066}\u{200f}\u{61c}"),
            "\\u{2066}\\u{200f}\\u{61c}"
        );
        // Non-ASCII text that is not a control stays as it is.
        assert_eq!(clean("jürgen@bücher.test ▶"), "jürgen@bücher.test ▶");
    }

    #[test]
    fn clip_cuts_on_a_char_boundary() {
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("abcd", 3), "ab…");
        assert_eq!(clip("üüüü", 2), "ü…");
        assert_eq!(clip("abc", 0), "");
    }

    #[test]
    fn echo_never_splits_an_escape() {
        assert_eq!(echo_max("ab\u{1b}cd", 5), "ab…");
        assert_eq!(echo_max("ab\u{1b}cd", 20), "ab\\u{1b}cd");
        let long = "x".repeat(100_000);
        assert_eq!(echo(&long).chars().count(), ECHO_MAX);
    }

    proptest! {
        #[test]
        fn clean_output_has_no_unsafe_char(s in any::<String>()) {
            let out = clean(&s);
            prop_assert!(!out.chars().any(is_unsafe), "{:?}", out);
            prop_assert!(!out.chars().any(char::is_control), "{:?}", out);
        }

        #[test]
        fn clip_respects_the_limit(s in any::<String>(), max in 0usize..40) {
            let out = clip(&s, max);
            prop_assert!(out.chars().count() <= max);
            prop_assert!(s.starts_with(out.trim_end_matches('…')));
        }

        #[test]
        fn echo_is_clean_and_bounded(s in any::<String>(), max in 0usize..40) {
            let out = echo_max(&s, max);
            prop_assert!(out.chars().count() <= max);
            prop_assert!(!out.chars().any(is_unsafe), "{:?}", out);
        }
    }
}
