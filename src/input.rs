//! D1 — what the user typed, and the SIP domain the client derives from it.

use std::fmt;

use thiserror::Error;

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

/// Why an address was refused. Each message names the part that is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InputError {
    #[error("the address is empty: give sip:user@domain, user@domain or a domain")]
    Empty,
    #[error("'{0}' has more than one '@': give sip:user@domain")]
    TwoAts(String),
    #[error("'{0}' has no domain after '@': give sip:user@domain")]
    NoDomain(String),
    #[error("'{0}' has an empty user part before '@': give sip:user@domain or just the domain")]
    EmptyUser(String),
    #[error("'{0}' is not a valid domain ({1}): give a domain such as contoso.com")]
    BadDomain(String, String),
    #[error("domain '{0}' is {1} octets long; a domain name has at most 253")]
    TooLong(String, usize),
    #[error("label '{label}' in '{domain}' {problem}")]
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

fn strip_scheme(s: &str) -> &str {
    for scheme in ["sips:", "sip:"] {
        if s.len() >= scheme.len() && s[..scheme.len()].eq_ignore_ascii_case(scheme) {
            return &s[scheme.len()..];
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
}
