//! A verdict sentence built from clauses (issue 20): people paste these
//! into tickets, so punctuation is decided in one place, at the joints,
//! instead of by concatenating pieces that each guess what comes next.
//! Whatever the pieces hold, the result has no ",,", ", ,", " ,", "..",
//! doubled spaces, and ends with exactly one full stop.

/// How a piece joins what comes before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Joint {
    /// The first piece.
    Start,
    Space,
    Comma,
    Semicolon,
    Colon,
    Dash,
    /// A new sentence within the summary (". ", capitalised).
    Stop,
    /// A comma-delimited aside: ", X" — closed by a comma when the next
    /// piece continues with a plain space ("…, after passing over X, and …").
    Aside,
}

/// A sentence under construction; see the module documentation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sentence {
    pieces: Vec<(Joint, String)>,
}

impl Sentence {
    /// A sentence starting with `lead`.
    pub fn new(lead: impl Into<String>) -> Sentence {
        Sentence {
            pieces: vec![(Joint::Start, lead.into())],
        }
    }

    fn push(mut self, joint: Joint, text: impl Into<String>) -> Sentence {
        self.pieces.push((joint, text.into()));
        self
    }

    /// `… text`.
    pub fn word(self, text: impl Into<String>) -> Sentence {
        self.push(Joint::Space, text)
    }

    /// `…, text`.
    pub fn comma(self, text: impl Into<String>) -> Sentence {
        self.push(Joint::Comma, text)
    }

    /// `…; text`.
    pub fn semicolon(self, text: impl Into<String>) -> Sentence {
        self.push(Joint::Semicolon, text)
    }

    /// `…: text`.
    pub fn colon(self, text: impl Into<String>) -> Sentence {
        self.push(Joint::Colon, text)
    }

    /// `… — text`.
    pub fn dash(self, text: impl Into<String>) -> Sentence {
        self.push(Joint::Dash, text)
    }

    /// `…. Text` — a further sentence of the same summary.
    pub fn stop(self, text: impl Into<String>) -> Sentence {
        self.push(Joint::Stop, text)
    }

    /// `…, text,` — an aside; an empty one leaves no trace.
    pub fn aside(self, text: impl Into<String>) -> Sentence {
        self.push(Joint::Aside, text)
    }

    /// The finished sentence.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut open_aside = false;
        for (joint, raw) in &self.pieces {
            let text = tidy(raw);
            if text.is_empty() {
                continue;
            }
            if out.is_empty() {
                out.push_str(&text);
                open_aside = *joint == Joint::Aside;
                continue;
            }
            let keep_stop = *joint == Joint::Space;
            trim_joint(&mut out, keep_stop);
            let sep = match joint {
                Joint::Start | Joint::Space if open_aside => ", ",
                Joint::Start | Joint::Space => " ",
                Joint::Comma | Joint::Aside => ", ",
                Joint::Semicolon => "; ",
                Joint::Colon => ": ",
                Joint::Dash => " — ",
                Joint::Stop => ". ",
            };
            out.push_str(sep);
            if *joint == Joint::Stop {
                out.push_str(&capitalised(&text));
            } else {
                out.push_str(&text);
            }
            open_aside = *joint == Joint::Aside;
        }
        trim_joint(&mut out, false);
        if !out.is_empty() {
            out.push('.');
        }
        out
    }
}

impl std::fmt::Display for Sentence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render())
    }
}

/// A piece with its whitespace and dot runs collapsed and its ends trimmed
/// of blanks and of the joint punctuation the builder adds itself.
fn tidy(raw: &str) -> String {
    let words: Vec<&str> = raw.split_whitespace().collect();
    let mut s = words.join(" ");
    while s.contains("..") {
        s = s.replace("..", ".");
    }
    let s = s.trim_start_matches([',', ';', ':', '.', ' ']);
    s.trim_end_matches([',', ';', ' ']).to_string()
}

/// Drops trailing blanks, commas, semicolons and colons before a joint;
/// a full stop too, unless the next piece joins with a plain space.
fn trim_joint(out: &mut String, keep_stop: bool) {
    loop {
        let before = out.len();
        let trimmed = out.trim_end_matches([' ', ',', ';', ':']).len();
        out.truncate(trimmed);
        if !keep_stop {
            let trimmed = out.trim_end_matches('.').len();
            out.truncate(trimmed);
        }
        if out.len() == before {
            break;
        }
    }
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Every punctuation fault the builder rules out, for tests over whole
/// documents (issue 20): `None` when `s` is clean.
pub fn punctuation_fault(s: &str) -> Option<&'static str> {
    const FAULTS: [(&str, &str); 5] = [
        (",,", "\",,\""),
        (", ,", "\", ,\""),
        (" ,", "a space before a comma"),
        ("..", "\"..\""),
        ("  ", "a doubled space"),
    ];
    if let Some((_, what)) = FAULTS.iter().find(|(p, _)| s.contains(p)) {
        return Some(what);
    }
    if s.trim_end().ends_with(',') {
        return Some("a trailing comma");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 20: the ",," of "…(lyncdiscover.x, missing),, but cannot connect".
    #[test]
    fn an_aside_closes_before_a_space_joint_and_never_doubles() {
        let s = Sentence::new("Sign-in fails: the client uses record 3 (SRV x, TLS)")
            .aside("after passing over record 1 (lyncdiscover.x, missing),")
            .comma("but cannot connect (refused.)")
            .semicolon("start the server.");
        assert_eq!(
            s.render(),
            "Sign-in fails: the client uses record 3 (SRV x, TLS), after passing over record 1 (lyncdiscover.x, missing), but cannot connect (refused.); start the server."
        );
        let s = Sentence::new("Sign-in works: the client uses record 1")
            .aside("after passing over record 2")
            .word("and the certificate is trusted");
        assert_eq!(
            s.render(),
            "Sign-in works: the client uses record 1, after passing over record 2, and the certificate is trusted."
        );
    }

    #[test]
    fn empty_pieces_leave_no_trace() {
        let s = Sentence::new("Sign-in works: the client uses record 1")
            .aside("")
            .aside("  ,  ")
            .word("and the certificate is trusted")
            .comma("");
        assert_eq!(
            s.render(),
            "Sign-in works: the client uses record 1 and the certificate is trusted."
        );
    }

    #[test]
    fn joints_trim_what_the_pieces_bring() {
        let s = Sentence::new("a  b.")
            .dash("c,")
            .stop("the client does not fall back (D13).")
            .colon("x;")
            .comma("end...");
        let out = s.render();
        assert_eq!(out, "a b — c. The client does not fall back (D13): x, end.");
        assert_eq!(punctuation_fault(&out), None);
    }

    #[test]
    fn the_fault_finder_finds_each_fault() {
        for bad in ["a,, b.", "a, , b.", "a , b.", "a.. b", "a  b.", "a b,"] {
            assert!(punctuation_fault(bad).is_some(), "{bad}");
        }
        assert_eq!(punctuation_fault("Sign-in works: a, b; c — d."), None);
    }

    proptest::proptest! {
        // Whatever blanks and joint punctuation the pieces bring at their
        // ends, and whichever joints join them, the sentence is clean.
        #[test]
        fn any_pieces_render_clean(
            pieces in proptest::collection::vec(
                (
                    0u8..7,
                    proptest::sample::select(vec!["", " ", ",", " ,", ";"]),
                    "[a-z]{0,6}( [a-z]{1,6})?",
                    proptest::sample::select(vec!["", " ", ",", ".", ";", ":", ", ", "..."]),
                ),
                0..8,
            )
        ) {
            let mut s = Sentence::new("Lead");
            for (j, pre, words, post) in pieces {
                let text = format!("{pre}{words}{post}");
                s = match j {
                    0 => s.word(text),
                    1 => s.comma(text),
                    2 => s.semicolon(text),
                    3 => s.colon(text),
                    4 => s.dash(text),
                    5 => s.stop(text),
                    _ => s.aside(text),
                };
            }
            let out = s.render();
            proptest::prop_assert_eq!(punctuation_fault(&out), None, "{}", out);
            proptest::prop_assert!(out.ends_with('.') && !out.ends_with(".."), "{}", out);
        }
    }
}
