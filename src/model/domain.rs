//! D4 — an SRV target is used only if it lies inside the SIP domain.

use serde::{Deserialize, Serialize};

use super::Reason;

/// The administrator's widening of D4: `TrustModelData` and `DisableStrictDNSNaming`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustSettings {
    /// Extra domains whose hosts are accepted as SRV targets (TrustModelData).
    pub trusted_domains: Vec<String>,
    /// Label-by-label matching (the default). Off: plain suffix matching, as
    /// Lync's DisableStrictDNSNaming allows.
    pub strict_dns_naming: bool,
}

impl Default for TrustSettings {
    fn default() -> Self {
        TrustSettings {
            trusted_domains: Vec::new(),
            strict_dns_naming: true,
        }
    }
}

/// A DNS name as compared: trimmed, lowercase, without the trailing dot.
pub(crate) fn canonical(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// `host` equals `domain` or is a subdomain of it, compared label by label,
/// case-insensitively, ignoring one trailing dot.
pub fn in_domain(host: &str, domain: &str) -> bool {
    let host = canonical(host);
    let domain = canonical(domain);
    if domain.is_empty() || host.is_empty() {
        return false;
    }
    host == domain || host.ends_with(&format!(".{domain}"))
}

/// `Ok` when the client accepts `host` as an SRV target, or `Err` with the
/// reason it is rejected.
pub fn check_target(host: &str, sip_domain: &str, trust: &TrustSettings) -> Result<(), Reason> {
    if in_domain(host, sip_domain) {
        return Ok(());
    }
    if trust.trusted_domains.iter().any(|d| in_domain(host, d)) {
        return Ok(());
    }
    if !trust.strict_dns_naming && canonical(host).ends_with(&canonical(sip_domain)) {
        return Ok(());
    }
    Err(Reason::OutOfDomain {
        host: canonical(host),
        domain: canonical(sip_domain),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // D4, table-driven: (host, domain, inside?)
    #[test]
    fn d4_label_boundaries() {
        let cases = [
            ("pool.contoso.com", "contoso.com", true),
            ("contoso.com", "contoso.com", true),
            ("POOL.Contoso.COM.", "contoso.com", true),
            ("pool.contoso.com", "contoso.com.", true),
            ("a.b.c.contoso.com", "contoso.com", true),
            ("ocspool.contoso.local", "contoso.com", false),
            ("pool.evilcorp.com", "corp.com", false),
            ("evilcorp.com", "corp.com", false),
            ("contoso.com.evil.net", "contoso.com", false),
            ("com", "contoso.com", false),
            ("", "contoso.com", false),
        ];
        for (host, domain, inside) in cases {
            assert_eq!(in_domain(host, domain), inside, "{host} in {domain}");
        }
    }

    // D4: TrustModelData widens the match; DisableStrictDNSNaming allows suffixes.
    #[test]
    fn d4_trust_settings() {
        let strict = TrustSettings::default();
        assert!(check_target("pool.corp.test", "corp.test", &strict).is_ok());
        let err = check_target("pool.evilcorp.test", "corp.test", &strict).unwrap_err();
        assert_eq!(err.code(), crate::model::ReasonCode::OutOfDomain);
        assert!(
            err.to_string().contains("outside the SIP domain corp.test"),
            "{err}"
        );

        let widened = TrustSettings {
            trusted_domains: vec!["company.local".into()],
            strict_dns_naming: true,
        };
        assert!(check_target("ocspool.company.local", "company.test", &widened).is_ok());
        assert!(check_target("ocspool.other.local", "company.test", &widened).is_err());

        let loose = TrustSettings {
            trusted_domains: vec![],
            strict_dns_naming: false,
        };
        assert!(check_target("pool.evilcorp.test", "corp.test", &loose).is_ok());
        assert!(check_target("pool.corp.example", "corp.test", &loose).is_err());
    }
}
