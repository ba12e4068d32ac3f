//! D13 (issue 21.1) — a redirect or link of an autodiscover answer that
//! sipscope does not dial ([`crate::model::dial_policy`] decides): its
//! sentence and machine label.

use std::fmt;
use std::net::{IpAddr, SocketAddr};

use super::ReasonCode;
use crate::model::dial_policy::Refusal;

/// Which link of the autodiscover answer was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Redirect,
    User,
}

/// A refused hop, with what its sentence needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedDial {
    pub link: Link,
    /// The URL refused.
    pub to: String,
    /// The nominal address it leads to.
    pub addr: SocketAddr,
    /// The row's queried name and the address it resolved to.
    pub origin_host: String,
    pub origin_ip: IpAddr,
    pub refusal: Refusal,
}

impl RefusedDial {
    /// The machine label (`reason` in the JSON).
    pub fn code(&self) -> ReasonCode {
        match self.refusal {
            Refusal::Downgrade => ReasonCode::HttpsDowngrade,
            Refusal::Port(_) => ReasonCode::PortNotAllowed,
            Refusal::Address { .. } => ReasonCode::AddressNotAllowed,
        }
    }
}

impl fmt::Display for RefusedDial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, not) = match self.link {
            Link::Redirect => ("the redirect to", "not followed"),
            Link::User => ("the user link", "not contacted"),
        };
        let to = &self.to;
        match self.refusal {
            Refusal::Downgrade => write!(
                f,
                "{what} {to} goes from HTTPS down to plain HTTP: {not} (a client refuses it too)"
            ),
            Refusal::Port(port) => write!(
                f,
                "{what} {to} uses port {port}: {not} (only ports 80 and 443 unless allowed with --allow-port {port})"
            ),
            Refusal::Address { class, origin } => write!(
                f,
                "{what} {to} leads to {} ({}) though {} resolved to {} ({}): {not}",
                class.words(),
                self.addr.ip(),
                self.origin_host,
                origin.words(),
                self.origin_ip
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dial_policy::AddrClass;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn d13_refusals_are_sentences() {
        let r = RefusedDial {
            link: Link::Redirect,
            to: "http://localhost:9/admin?x=1".into(),
            addr: "127.0.0.1:9".parse().unwrap(),
            origin_host: "lyncdiscover.contoso.com".into(),
            origin_ip: ip("203.0.113.7"),
            refusal: Refusal::Address {
                class: AddrClass::Loopback,
                origin: AddrClass::Public,
            },
        };
        assert_eq!(
            r.to_string(),
            "the redirect to http://localhost:9/admin?x=1 leads to a loopback address (127.0.0.1) \
             though lyncdiscover.contoso.com resolved to a public address (203.0.113.7): not followed"
        );
        let port = RefusedDial {
            link: Link::User,
            refusal: Refusal::Port(9),
            ..r.clone()
        };
        assert!(
            port.to_string().starts_with(
                "the user link http://localhost:9/admin?x=1 uses port 9: not contacted"
            )
        );
        assert!(port.to_string().contains("--allow-port 9"));
        let down = RefusedDial {
            refusal: Refusal::Downgrade,
            ..r
        };
        assert!(
            down.to_string()
                .contains("from HTTPS down to plain HTTP: not followed")
        );
    }
}
