//! D1 — what the user typed, and the SIP domain the client derives from it.

use std::fmt;

use thiserror::Error;

use crate::text::echo;

/// A SIP address of record reduced to what discovery needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Exactly what the user typed (trimmed).
    pub input: String,
    /// The user part, when one was given (`alice` in `sip:alice@contoso.com`).
    pub user: Option<String>,
    /// The normalised target domain: lowercase ASCII, no trailing dot.
    pub domain: String,
}

impl Target {
    /// The address the client signs in with, `user@domain` (or just the domain).
    pub fn address(&self) -> String {
        match &self.user {
            Some(user) => format!("{user}@{}", self.domain),
            None => self.domain.clone(),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sip:{}", self.address())
    }
}

/// Why an address was refused. Each message names the part that is wrong, and
/// is one line: echoed text is escaped and cut ([`crate::text::echo`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InputError {
    #[error("the address is empty: give sip:user@domain, user@domain or a domain")]
    Empty,
    #[error("'{}' has more than one '@': give sip:user@domain", echo(.0))]
    TwoAts(String),
    #[error("'{}' has no domain after '@': give sip:user@domain", echo(.0))]
    NoDomain(String),
    #[error(
        "'{}' has an empty user part before '@': give sip:user@domain or just the domain",
        echo(.0)
    )]
    EmptyUser(String),
    #[error(
        "'{}' is not a valid domain ({}): give a domain such as contoso.com",
        echo(.0),
        .1
    )]
    BadDomain(String, String),
    #[error("domain '{}' is {} octets long; a domain name has at most 253", echo(.0), .1)]
    TooLong(String, usize),
    #[error("label '{}' in '{}' {problem}", echo(label), echo(domain))]
    BadLabel {
        domain: String,
        label: String,
        problem: &'static str,
    },
}

/// Parses `sip:user@domain`, `user@domain` or `domain` (D1).
pub fn parse_target(raw: &str) -> Result<Target, InputError> {
    let input = raw.trim();
    if input.is_empty() {
        return Err(InputError::Empty);
    }
    let rest = strip_scheme(input);
    let (user, host) = match rest.split_once('@') {
        None => (None, rest),
        Some((user, host)) => {
            if host.contains('@') {
                return Err(InputError::TwoAts(input.to_string()));
            }
            if user.trim().is_empty() {
                return Err(InputError::EmptyUser(input.to_string()));
            }
            (Some(user.trim().to_string()), host)
        }
    };
    let host = host.trim();
    if host.is_empty() {
        return Err(InputError::NoDomain(input.to_string()));
    }
    let domain = normalise_domain(host)?;
    Ok(Target {
        input: input.to_string(),
        user,
        domain,
    })
}

/// Drops a leading `sip:` or `sips:`, any case. `str::get` keeps this safe
/// when the text starts with a multi-byte character (`élise@…`): a byte
/// index inside a character is simply "no scheme", never a panic.
fn strip_scheme(s: &str) -> &str {
    for scheme in ["sips:", "sip:"] {
        if s.get(..scheme.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(scheme))
            && let Some(rest) = s.get(scheme.len()..)
        {
            return rest;
        }
    }
    s
}

/// Lowercases, drops one trailing dot, converts IDN to punycode and checks
/// the host-name rules (labels of 1–63 octets, no leading/trailing hyphen,
/// at most 253 octets in all).
pub fn normalise_domain(host: &str) -> Result<String, InputError> {
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.is_empty() {
        return Err(InputError::BadDomain(
            host.to_string(),
            "it is empty".into(),
        ));
    }
    // Check labels before IDN conversion so an empty label is named plainly.
    for label in host.split('.') {
        if label.is_empty() {
            return Err(InputError::BadLabel {
                domain: host.to_string(),
                label: String::new(),
                problem: "is empty (two dots in a row, or a leading dot)",
            });
        }
    }
    let ascii = idna::domain_to_ascii(host).map_err(|_| {
        InputError::BadDomain(
            host.to_string(),
            "characters not allowed in a host name".into(),
        )
    })?;
    let ascii = ascii.to_ascii_lowercase();
    if ascii.len() > 253 {
        return Err(InputError::TooLong(ascii.clone(), ascii.len()));
    }
    for label in ascii.split('.') {
        let problem = if label.is_empty() {
            Some("is empty (two dots in a row, or a leading dot)")
        } else if label.len() > 63 {
            Some("is longer than 63 octets")
        } else if label.starts_with('-') || label.ends_with('-') {
            Some("starts or ends with '-'")
        } else if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            Some("contains characters not allowed in a host name")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(InputError::BadLabel {
                domain: ascii.clone(),
                label: label.to_string(),
                problem,
            });
        }
    }
    Ok(ascii)
}

#[cfg(test)]
mod tests {
    use super::*;

    // D1: every accepted form, table-driven.
    #[test]
    fn d1_accepts_and_normalises() {
        let cases = [
            ("sip:alice@contoso.com", Some("alice"), "contoso.com"),
            ("SIP:alice@Contoso.COM", Some("alice"), "contoso.com"),
            ("sips:bob@contoso.com", Some("bob"), "contoso.com"),
            ("  alice@contoso.com  ", Some("alice"), "contoso.com"),
            ("contoso.com", None, "contoso.com"),
            ("contoso.com.", None, "contoso.com"),
            ("alice@bücher.test", Some("alice"), "xn--bcher-kva.test"),
            ("BÜCHER.test", None, "xn--bcher-kva.test"),
            ("localhost", None, "localhost"),
        ];
        for (input, user, domain) in cases {
            let t = parse_target(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(t.domain, domain, "{input}");
            assert_eq!(t.user.as_deref(), user, "{input}");
        }
    }

    // D1: every refused form names the problem.
    #[test]
    fn d1_refuses_with_reason() {
        let long_label = format!("{}.com", "a".repeat(64));
        let long_name = format!("{}.com", ["abcdefghij"; 25].join("."));
        let cases: [(&str, &str); 10] = [
            ("", "empty"),
            ("   ", "empty"),
            ("a@b@contoso.com", "more than one '@'"),
            ("alice@", "no domain"),
            ("@contoso.com", "empty user"),
            ("contoso..com", "is empty"),
            (".contoso.com", "is empty"),
            ("-bad.com", "starts or ends with '-'"),
            (&long_label, "longer than 63"),
            (&long_name, "at most 253"),
        ];
        for (input, needle) in cases {
            let err = parse_target(input).expect_err(input).to_string();
            assert!(err.contains(needle), "{input:?}: {err}");
        }
        let err = parse_target("contoso.com..").unwrap_err().to_string();
        assert!(err.contains("empty"), "{err}");
        let err = parse_target("con toso.com").unwrap_err().to_string();
        assert!(err.contains("not"), "{err}");
    }

    #[test]
    fn display_and_address() {
        let t = parse_target("sip:alice@contoso.com").unwrap();
        assert_eq!(t.to_string(), "sip:alice@contoso.com");
        assert_eq!(
            parse_target("contoso.com").unwrap().address(),
            "contoso.com"
        );
    }

    // D1: a non-ASCII first character used to be cut inside its bytes while
    // looking for the scheme (panic); IDN users and domains both work.
    #[test]
    fn d1_non_ascii_addresses_do_not_panic() {
        let t = parse_target("sip:jürgen@bücher.test").unwrap();
        assert_eq!(t.user.as_deref(), Some("jürgen"));
        assert_eq!(t.domain, "xn--bcher-kva.test");
        assert_eq!(t.to_string(), "sip:jürgen@xn--bcher-kva.test");
        let t = parse_target("élise@contoso.com").unwrap();
        assert_eq!(t.user.as_deref(), Some("élise"));
        for input in ["é", "sé", "siü", "sipü", "sips\u{e9}", "ü:x@y", "€", "𝄞x"] {
            let _ = parse_target(input);
        }
        let t = parse_target("SIPS:ölaf@Bücher.TEST.").unwrap();
        assert_eq!(t.domain, "xn--bcher-kva.test");
    }

    // D1: what is echoed back is escaped and cut, so a message stays one
    // line and cannot carry a terminal escape sequence.
    #[test]
    fn d1_errors_escape_and_cut_the_echoed_input() {
        let err = parse_target("a@b@\u{1b}[2J\nevil").unwrap_err().to_string();
        assert!(err.contains("\\u{1b}[2J\\nevil"), "{err}");
        assert!(!err.chars().any(char::is_control), "{err:?}");
        let long = format!("a@b@{}", "x".repeat(100_000));
        let err = parse_target(&long).unwrap_err().to_string();
        assert!(err.len() < 400, "{} bytes", err.len());
    }

    fn one_clean_line(e: &InputError) -> Result<(), proptest::test_runner::TestCaseError> {
        let msg = e.to_string();
        proptest::prop_assert!(!msg.is_empty());
        proptest::prop_assert!(!msg.chars().any(crate::text::is_unsafe), "{:?}", msg);
        proptest::prop_assert!(msg.chars().count() < 600, "{} chars", msg.chars().count());
        Ok(())
    }

    proptest::proptest! {
        // D1 over printable Unicode: no panic; an error is one clean line;
        // an accepted domain is lowercase ASCII within the host-name limits.
        #[test]
        fn d1_parse_target_printable(raw in "\\PC*") {
            match parse_target(&raw) {
                Ok(t) => {
                    proptest::prop_assert!(t.domain.is_ascii() && t.domain.len() <= 253);
                    proptest::prop_assert_eq!(t.domain.to_ascii_lowercase(), t.domain.clone());
                }
                Err(e) => one_clean_line(&e)?,
            }
        }

        // D1 over any characters, control characters included, in the
        // shapes people type: optional scheme, user, '@', domain.
        #[test]
        fn d1_parse_target_any_chars(
            scheme in proptest::prop_oneof!["", "sip:", "SIPS:", "si", "é"],
            user in proptest::collection::vec(proptest::prelude::any::<char>(), 0..12),
            at in proptest::prop_oneof!["", "@", "@@"],
            domain in proptest::collection::vec(proptest::prelude::any::<char>(), 0..24),
        ) {
            let raw = format!(
                "{scheme}{}{at}{}",
                user.iter().collect::<String>(),
                domain.iter().collect::<String>()
            );
            if let Err(e) = parse_target(&raw) {
                one_clean_line(&e)?;
            }
        }

        #[test]
        fn d1_parse_target_arbitrary_string(raw in proptest::prelude::any::<String>()) {
            if let Err(e) = parse_target(&raw) {
                one_clean_line(&e)?;
            }
        }
    }
}
