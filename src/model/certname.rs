//! D9 — does a certificate name the host the client expects?

use super::domain::canonical;
use serde::{Deserialize, Serialize};

/// How the expected name is covered by a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NameMatch {
    /// A SAN DNS name or the subject CN equals the expected name.
    Exact,
    /// Only a wildcard (`*.contoso.com`) covers it.
    Wildcard,
    /// Nothing covers it.
    #[default]
    None,
}

/// `*.d` covers exactly one label to the left of `d` (RFC 6125), never `d` itself.
fn wildcard_covers(pattern: &str, name: &str) -> bool {
    let Some(suffix) = pattern.strip_prefix("*.") else {
        return false;
    };
    match name.split_once('.') {
        Some((first, rest)) => !first.is_empty() && rest == suffix,
        None => false,
    }
}

/// Matches `expected` against the SAN DNS names and the subject CN (the OCS
/// generation checked the subject; SAN matching generally works too).
pub fn match_name(expected: &str, sans: &[String], subject_cn: Option<&str>) -> NameMatch {
    let expected = canonical(expected);
    let names: Vec<String> = sans
        .iter()
        .map(|s| canonical(s))
        .chain(subject_cn.map(canonical))
        .collect();
    if names.contains(&expected) {
        NameMatch::Exact
    } else if names.iter().any(|n| wildcard_covers(n, &expected)) {
        NameMatch::Wildcard
    } else {
        NameMatch::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // D9, table-driven: (expected, SANs, CN, result)
    #[test]
    fn d9_name_matching() {
        use NameMatch::{Exact, Wildcard};
        const NO: NameMatch = NameMatch::None;
        let cases: [(&str, &[&str], Option<&str>, NameMatch); 9] = [
            ("pool.contoso.com", &["pool.contoso.com"], None, Exact),
            ("pool.contoso.com", &["POOL.contoso.com."], None, Exact),
            ("pool.contoso.com", &[], Some("pool.contoso.com"), Exact),
            (
                "sip.contoso.com",
                &["pool.contoso.com", "sip.contoso.com"],
                None,
                Exact,
            ),
            (
                "sipinternal.contoso.com",
                &["pool.contoso.com", "sip.contoso.com"],
                None,
                NO,
            ),
            ("pool.contoso.com", &["*.contoso.com"], None, Wildcard),
            ("a.pool.contoso.com", &["*.contoso.com"], None, NO),
            ("contoso.com", &["*.contoso.com"], None, NO),
            (
                "pool.contoso.com",
                &["*.contoso.com", "pool.contoso.com"],
                None,
                Exact,
            ),
        ];
        for (expected, sans, cn, want) in cases {
            let sans: Vec<String> = sans.iter().map(|s| s.to_string()).collect();
            assert_eq!(
                match_name(expected, &sans, cn),
                want,
                "{expected} vs {sans:?}/{cn:?}"
            );
        }
    }
}
