//! D13 — where an autodiscover redirect or link may lead (issue 21.1). A
//! domain's autodiscover answer is untrusted input and sipscope often runs
//! inside the network: a `redirect` or `user` link is followed only on ports
//! 80/443 (others when the user allows them), never from HTTPS down to HTTP,
//! and never to a loopback, unspecified, link-local or multicast address —
//! nor from a public address to a private-range one — unless the queried
//! name itself resolved into that class (the lab, an internal pool).
//!
//! Pure: judged on the *nominal* address the client would dial (what DNS
//! gave), after resolution, so a name cannot smuggle a loopback address past
//! it. The lab's dial overrides are a transport detail applied afterwards.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The ports a redirect or link may use unless the user allows more.
pub const DEFAULT_PORTS: [u16; 2] = [80, 443];

/// What kind of address an IP is, for the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddrClass {
    Public,
    /// RFC 1918, shared address space (100.64/10), IPv6 unique local.
    Private,
    Loopback,
    /// `0.0.0.0/8`, `::` (a dial to it reaches the local host).
    Unspecified,
    /// `169.254/16`, `fe80::/10`.
    LinkLocal,
    /// Multicast and the IPv4 broadcast address.
    Multicast,
}

impl AddrClass {
    /// "a loopback address" etc., for sentences.
    pub fn words(self) -> &'static str {
        match self {
            AddrClass::Public => "a public address",
            AddrClass::Private => "a private-range address",
            AddrClass::Loopback => "a loopback address",
            AddrClass::Unspecified => "an unspecified address",
            AddrClass::LinkLocal => "a link-local address",
            AddrClass::Multicast => "a multicast address",
        }
    }
}

/// The class of `ip`; an IPv4 address inside IPv6 (mapped, NAT64) counts
/// as that IPv4 address.
pub fn classify(ip: IpAddr) -> AddrClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> AddrClass {
    let [a, b, ..] = ip.octets();
    if a == 0 {
        AddrClass::Unspecified
    } else if ip.is_loopback() {
        AddrClass::Loopback
    } else if ip.is_link_local() {
        AddrClass::LinkLocal
    } else if ip.is_multicast() || ip.is_broadcast() {
        AddrClass::Multicast
    } else if ip.is_private() || (a == 100 && (64..128).contains(&b)) {
        AddrClass::Private
    } else {
        AddrClass::Public
    }
}

fn classify_v6(ip: Ipv6Addr) -> AddrClass {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    let s = ip.segments();
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let o = ip.octets();
        return classify_v4(Ipv4Addr::new(o[12], o[13], o[14], o[15]));
    }
    if ip.is_unspecified() {
        AddrClass::Unspecified
    } else if ip.is_loopback() {
        AddrClass::Loopback
    } else if ip.is_multicast() {
        AddrClass::Multicast
    } else if s[0] & 0xffc0 == 0xfe80 {
        AddrClass::LinkLocal
    } else if s[0] & 0xfe00 == 0xfc00 || s[0] & 0xffc0 == 0xfec0 {
        AddrClass::Private
    } else {
        AddrClass::Public
    }
}

/// Why a hop is not dialled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// From HTTPS down to plain HTTP (a client refuses it too).
    Downgrade,
    /// A port other than 80/443 that the user did not allow.
    Port(u16),
    /// An address class the queried name did not resolve into.
    Address { class: AddrClass, origin: AddrClass },
}

/// The user's part of the rule: which ports besides 80 and 443 are allowed
/// (`--allow-port`, `SIPSCOPE_ALLOW_PORT`, config `allow_ports`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DialPolicy {
    pub extra_ports: Vec<u16>,
}

impl DialPolicy {
    /// Whether a redirect or link may be dialled: `origin` is the class of
    /// the address the row's queried name resolved to, `addr` the nominal
    /// address about to be dialled, `from_https` whether the URL that gave
    /// the link was HTTPS, `to_https` whether the link is.
    pub fn allowed(
        &self,
        origin: AddrClass,
        addr: SocketAddr,
        from_https: bool,
        to_https: bool,
    ) -> Result<(), Refusal> {
        if from_https && !to_https {
            return Err(Refusal::Downgrade);
        }
        let port = addr.port();
        if !DEFAULT_PORTS.contains(&port) && !self.extra_ports.contains(&port) {
            return Err(Refusal::Port(port));
        }
        let class = classify(addr.ip());
        let refused = match class {
            AddrClass::Public => false,
            AddrClass::Private => origin == AddrClass::Public,
            _ => origin != class,
        };
        if refused {
            return Err(Refusal::Address { class, origin });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
