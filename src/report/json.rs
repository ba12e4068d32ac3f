//! The one JSON writer (issue 21 item 2): every JSON and JSON Lines output —
//! `check --json`, snapshot files — goes through [`to_string_pretty`] or
//! [`to_line`]. serde_json escapes C0 itself but writes DEL, the C1 range
//! (U+0080–U+009F: U+009B is a one-character CSI) and the bidi controls raw;
//! a terminal showing the JSON (`jq`, `less -R`, a log viewer) would
//! interpret them. This writer escapes every character that
//! [`crate::text::is_unsafe`] names as `\uXXXX`, so the text stays the same
//! for a JSON reader and harmless for a terminal.

use std::io;

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

/// A formatter that lays out like `F` and escapes unsafe characters.
struct Escaping<F>(F);

impl<F: Formatter> Formatter for Escaping<F> {
    fn write_string_fragment<W>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            if crate::text::is_unsafe(c) {
                writer.write_all(&fragment.as_bytes()[start..at])?;
                // Every unsafe character lies in the Basic Multilingual
                // Plane: one `\uXXXX` escape each.
                write!(writer, "\\u{:04x}", u32::from(c))?;
                start = at + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

fn write<T: Serialize + ?Sized, F: Formatter>(value: &T, formatter: F) -> String {
    let mut out = Vec::with_capacity(4096);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Escaping(formatter));
    // Plain data with string keys cannot fail to serialise; a value that
    // could (a map with non-string keys) would be a bug caught by the tests.
    if value.serialize(&mut ser).is_err() {
        return String::new();
    }
    // The formatter writes only whole UTF-8 fragments and ASCII escapes.
    String::from_utf8(out).unwrap_or_default()
}

/// The document indented with two spaces (as `serde_json::to_string_pretty`),
/// unsafe characters escaped.
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> String {
    write(value, PrettyFormatter::new())
}

/// The document on one line (JSON Lines: no raw newline can occur, string
/// newlines are escaped), unsafe characters escaped.
pub fn to_line<T: Serialize + ?Sized>(value: &T) -> String {
    write(value, CompactFormatter)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Characters the writer must never leave raw (issue 21 item 2).
    fn dangerous(c: char) -> bool {
        c.is_control()
            || ('\u{202A}'..='\u{202E}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    }

    #[test]
    fn del_c1_and_bidi_are_escaped() {
        let s = "a\u{7f}b\u{9b}31m\u{202e}c\u{2066}\u{1b}[0m";
        let line = to_line(&s);
        assert_eq!(line, r#""a\u007fb\u009b31m\u202ec\u2066\u001b[0m""#);
        assert_eq!(serde_json::from_str::<String>(&line).unwrap(), s);
    }

    #[test]
    fn layouts_match_serde_json() {
        let v = serde_json::json!({"a": [1, {"b": null}], "c": "é ✓", "d": []});
        assert_eq!(
            to_string_pretty(&v),
            serde_json::to_string_pretty(&v).unwrap()
        );
        assert_eq!(to_line(&v), serde_json::to_string(&v).unwrap());
    }

    fn text() -> impl Strategy<Value = String> {
        // Mostly the dangerous ranges, with ASCII and other Unicode beside them.
        let c = prop_oneof![
            0u32..0x100,
            0x2020u32..0x2070,
            0x0600u32..0x0620,
            any::<char>().prop_map(u32::from),
        ]
        .prop_filter_map("a char", char::from_u32);
        proptest::collection::vec(c, 0..40).prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        // Issue 21 item 2: whatever a string holds, neither rendering holds a
        // raw control or bidi character, and both read back to the string.
        #[test]
        fn no_raw_controls_and_round_trips(s in text(), key in text()) {
            let doc = std::collections::BTreeMap::from([(key.clone(), vec![s.clone()])]);
            for out in [to_line(&doc), to_string_pretty(&doc)] {
                let raw: Vec<char> = out.chars().filter(|&c| dangerous(c) && c != '\n').collect();
                prop_assert!(raw.is_empty(), "{:?} in {:?}", raw, out);
                let back: std::collections::BTreeMap<String, Vec<String>> =
                    serde_json::from_str(&out).unwrap();
                prop_assert_eq!(&back, &doc);
            }
            prop_assert!(!to_line(&doc).contains('\n'));
        }
    }
}
