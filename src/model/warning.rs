//! A row's warnings (issue 17 item 5): each a machine code and its
//! sentence. Scripts match the code (`warning_codes` in the JSON, in the
//! order of `warnings`); people read the sentence. Saved snapshots keep the
//! sentences only (their format predates the codes): read back, a warning's
//! code is `other`.

use serde::{Deserialize, Serialize};

/// The machine label of a warning. Labels are a contract: never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WarningCode {
    /// D5: an SRV target on a port other than the one the name usually uses.
    UnusualPort,
    /// D5/D6: the SRV target is a CNAME (clients follow it, RFC 2782 forbids it).
    CnameTarget,
    /// D9: the name is covered only by a wildcard certificate.
    WildcardCertificate,
    /// D15: a server that speaks only legacy TLS or suites.
    LegacyTls,
    /// D14: some pool members failed while another passed.
    MembersFailed,
    /// D14: more addresses than are probed.
    TooManyMembers,
    /// D11: the row was judged on the additional section; the fresh answer may change it.
    Provisional,
    /// D13: an autodiscover redirect leaves the SIP domain (hybrid).
    RedirectOutsideDomain,
    /// D17: a legacy TLS row (D15) cannot carry the REGISTER.
    NoSipRequest,
    /// D17: a SIP server answered that is not a Microsoft registrar.
    NotMicrosoftRegistrar,
    /// A warning read back from a saved snapshot (no code was saved).
    Other,
}

/// One warning: its code and its sentence. Reads as its sentence
/// (`Deref<Target = str>`, `Display`) and is saved as the sentence alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub code: WarningCode,
    pub text: String,
}

impl Warning {
    pub fn new(code: WarningCode, text: impl Into<String>) -> Warning {
        Warning {
            code,
            text: text.into(),
        }
    }
}

impl std::ops::Deref for Warning {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq<str> for Warning {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for Warning {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

/// A sentence without a code (read from a file, built by a test).
impl From<&str> for Warning {
    fn from(text: &str) -> Warning {
        Warning::new(WarningCode::Other, text)
    }
}

impl Serialize for Warning {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Warning {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Warning, D::Error> {
        Ok(Warning::new(WarningCode::Other, String::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A warning is saved as its sentence, as before the codes existed.
    #[test]
    fn saved_as_the_sentence() {
        let w = Warning::new(WarningCode::LegacyTls, "speaks TLS 1.0 (D15)");
        assert_eq!(
            serde_json::to_string(&w).unwrap(),
            "\"speaks TLS 1.0 (D15)\""
        );
        let back: Warning = serde_json::from_str("\"speaks TLS 1.0 (D15)\"").unwrap();
        assert_eq!(back.code, WarningCode::Other);
        assert!(back == *"speaks TLS 1.0 (D15)");
        assert!(w.contains("TLS 1.0"));
    }
}
