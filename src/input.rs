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
    /// D1: a web address (often the autodiscover URL) is not a SIP address.
    #[error(
        "'{}' is a web address, not a SIP address: type the sign-in address (alice@contoso.com) or its domain{}",
        echo(.0),
        .1
    )]
    Url(String, String),
    /// D1: discovery starts from a DNS domain; an address has none.
    #[error(
        "'{}' names an IP address, not a SIP domain: type the domain of the sign-in address instead (alice@contoso.com or contoso.com); to ask a particular DNS server, add --resolver",
        echo(.0)
    )]
    IpLiteral(String),
    #[error("domain '{}' is {} octets long; a domain name has at most 253", echo(.0), .1)]
    TooLong(String, usize),
    #[error("label '{}' in '{}' {problem}", echo(label), echo(domain))]
    BadLabel {
        domain: String,
        label: String,
        problem: &'static str,
    },
}

/// Parses `sip:user@domain`, `user@domain` or `domain` (D1), also as pasted
/// from Outlook or a SIP trace: `<sip:alice@contoso.com>` (angle brackets,
/// with or without a display name before them) and
/// `sip:alice@contoso.com;transport=tls` (URI parameters and headers are
/// dropped). Web addresses and IP literals are refused with what to type.
pub fn parse_target(raw: &str) -> Result<Target, InputError> {
    let input = raw.trim();
    if input.is_empty() {
        return Err(InputError::Empty);
    }
    let inner = unbracket(input).trim();
    if let Some(hint) = web_address(inner) {
        return Err(InputError::Url(input.to_string(), hint));
    }
    let rest = strip_parameters(strip_scheme(inner));
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
    if is_ip_literal(host) {
        return Err(InputError::IpLiteral(input.to_string()));
    }
    let domain = normalise_domain(host)?;
    Ok(Target {
        input: input.to_string(),
        user,
        domain,
    })
}

/// `Alice <sip:alice@contoso.com>` and `<sip:alice@contoso.com>` → the part
/// inside the brackets; a lone leading `<` (a paste cut short) is dropped.
fn unbracket(s: &str) -> &str {
    if let Some(body) = s.strip_suffix('>')
        && let Some(open) = body.rfind('<')
    {
        return &body[open + 1..];
    }
    s.strip_prefix('<').unwrap_or(s)
}

/// Drops SIP URI parameters and headers (`;transport=tls`, `?subject=x`)
/// after the host; a `;` in the user part (before `@`) stays.
fn strip_parameters(s: &str) -> &str {
    let host_at = s.find('@').map_or(0, |at| at + 1);
    match s[host_at..].find([';', '?']) {
        Some(cut) => &s[..host_at + cut],
        None => s,
    }
}

/// `Some(hint)` when `s` is a web address (`https://lyncdiscover.contoso.com/…`):
/// the hint names the SIP domain when the host is one of the names
/// discovery asks (`lyncdiscover.<d>`, `sip.<d>`, …).
fn web_address(s: &str) -> Option<String> {
    let lower = s.to_ascii_lowercase();
    let after = match lower.find("://") {
        Some(at) => &lower[at + 3..],
        None if lower.starts_with("http:") || lower.starts_with("https:") => {
            &lower[lower.find(':').map_or(0, |c| c + 1)..]
        }
        None => return None,
    };
    let authority = after.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    let prefixes = [
        "lyncdiscoverinternal.",
        "lyncdiscover.",
        "sipinternal.",
        "sipexternal.",
        "sip.",
    ];
    let domain = prefixes
        .iter()
        .find_map(|p| host.strip_prefix(p))
        .and_then(|d| normalise_domain(d).ok());
    Some(match domain {
        Some(d) => format!(" ({d} here)"),
        None => String::new(),
    })
}

/// An IPv4/IPv6 literal, bracketed or not, with or without a port.
fn is_ip_literal(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    host.starts_with('[')
        || host.parse::<std::net::IpAddr>().is_ok()
        || host
            .rsplit_once(':')
            .is_some_and(|(h, _)| h.parse::<std::net::Ipv4Addr>().is_ok())
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
mod tests;
