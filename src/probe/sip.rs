//! D17: the REGISTER stage. Over the connection whose TCP connect (or TLS
//! handshake and certificate) just passed, send what every client sends
//! first — one unauthenticated REGISTER — and read one answer: at most
//! [`MAX_ANSWER`] bytes, until a deadline (not an idle timer), so a server
//! that trickles a byte at a time cannot hold the probe. No credentials, ever.

use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use async_trait::async_trait;

use super::ProbeContext;
use super::stage::{Address, Connection, Next, Probing, Stage};
use crate::model::judge;
use crate::model::sip::parse::parse;
use crate::model::sip::{MAX_ANSWER, SipEnd, SipEvidence, SipStage};
use crate::model::{Status, ms};
use crate::plan::{Transport, WildcardPolicy};

/// The user part sipscope registers when only a domain was given (harmless:
/// no password is ever sent).
pub const DEFAULT_USER: &str = "sipscope-probe";

/// What the REGISTER stage needs: who registers, and the profile's wildcard
/// policy (the certificate must pass as the client judges it, D9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SipSettings {
    pub register: Register,
    pub wildcards: WildcardPolicy,
}

/// Stage three of the per-address probe (D17): on a SIP row (TLS or TCP)
/// whose connection passed — connected, and for TLS a certificate the
/// client accepts (the model's own judgement) — one REGISTER over the
/// same connection. A certificate from the legacy look (D15) leaves no
/// connection: that is recorded, nothing is sent.
pub struct RegisterStage;

#[async_trait]
impl Stage for RegisterStage {
    fn name(&self) -> &'static str {
        "sip"
    }

    async fn run(&self, ctx: &ProbeContext, address: &Address<'_>, probing: &mut Probing) -> Next {
        let sip_row = matches!(address.transport, Transport::Tls | Transport::Tcp);
        let Some(settings) = ctx.sip.as_ref().filter(|_| sip_row) else {
            return Next::Continue;
        };
        let e = &probing.evidence;
        if judge::probe(e, address.expected, settings.wildcards)
            .judged
            .status
            != Status::Found
        {
            return Next::Continue;
        }
        let legacy = e.tls.as_ref().is_some_and(|t| t.legacy);
        let Some(mut stream) = probing.stream() else {
            if legacy {
                probing.evidence.sip = SipStage::LegacyNoRequest;
            }
            return Next::Continue;
        };
        let request = settings.register.request(address.transport.is_tls());
        let seen = exchange(&mut stream, &request, ctx.timeout).await;
        probing.evidence.sip = SipStage::Sent(seen);
        probing.connection = Connection::Wrapped(stream);
        Next::Continue
    }
}

/// Who registers: the SIP address the client signs in with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Register {
    pub user: String,
    pub domain: String,
}

impl Register {
    /// `user` from the input, or [`DEFAULT_USER`]; characters that could
    /// break a header line or a URI are dropped.
    pub fn new(user: Option<&str>, domain: &str) -> Register {
        let safe = |s: &str| -> String {
            s.chars()
                .filter(|c| !c.is_control() && !c.is_whitespace() && !"<>\"@;,:".contains(*c))
                .take(128)
                .collect()
        };
        let user = user.map(safe).filter(|u| !u.is_empty());
        Register {
            user: user.unwrap_or_else(|| DEFAULT_USER.to_string()),
            domain: safe(domain),
        }
    }

    /// The request, RFC 3261 §10.2 with the headers a Microsoft client
    /// sends ([MS-SIPAE] §4.1): Via with a magic-cookie branch, From/To the
    /// user's address, Call-ID, CSeq 1, Max-Forwards 70, Contact, User-Agent,
    /// Content-Length 0.
    pub fn request(&self, tls: bool) -> String {
        let transport = if tls { "TLS" } else { "TCP" };
        let lower = transport.to_ascii_lowercase();
        let (user, domain) = (&self.user, &self.domain);
        let branch = random_hex(8);
        let tag = random_hex(5);
        let call_id = random_hex(16);
        format!(
            "REGISTER sip:{domain} SIP/2.0\r\n\
             Via: SIP/2.0/{transport} sipscope.invalid;branch=z9hG4bK{branch}\r\n\
             Max-Forwards: 70\r\n\
             From: <sip:{user}@{domain}>;tag={tag}\r\n\
             To: <sip:{user}@{domain}>\r\n\
             Call-ID: {call_id}\r\n\
             CSeq: 1 REGISTER\r\n\
             Contact: <sip:{user}@sipscope.invalid;transport={lower}>\r\n\
             User-Agent: sipscope/{} (sign-in check, no credentials)\r\n\
             Content-Length: 0\r\n\r\n",
            env!("CARGO_PKG_VERSION")
        )
    }
}

fn random_hex(bytes: usize) -> String {
    use ring::rand::SecureRandom;
    let mut buf = vec![0u8; bytes];
    // A failed draw leaves zeros: the branch is then merely predictable.
    let _ = ring::rand::SystemRandom::new().fill(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

fn closed(e: &std::io::Error) -> bool {
    use std::io::ErrorKind as K;
    matches!(
        e.kind(),
        K::UnexpectedEof | K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe
    )
}

/// Writes `request` and reads one answer within `limit` in all.
pub async fn exchange<S: AsyncRead + AsyncWrite + Unpin + ?Sized>(
    stream: &mut S,
    request: &str,
    limit: Duration,
) -> SipEvidence {
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + limit;
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let written = tokio::time::timeout_at(deadline, async {
        stream.write_all(request.as_bytes()).await?;
        stream.flush().await
    })
    .await;
    let end = match written {
        Err(_) => Some(SipEnd::TimedOut),
        Ok(Err(e)) if closed(&e) => Some(SipEnd::Closed),
        Ok(Err(e)) => Some(SipEnd::Failed(e.to_string())),
        Ok(Ok(())) => None,
    };
    let end = match end {
        Some(end) => end,
        None => read_answer(stream, &mut buf, deadline).await,
    };
    let head = parse(&buf, true);
    SipEvidence {
        head,
        end,
        bytes: buf.len(),
        elapsed_ms: ms(started.elapsed()),
    }
}

async fn read_answer<S: AsyncRead + Unpin + ?Sized>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    deadline: tokio::time::Instant,
) -> SipEnd {
    let mut chunk = [0u8; 4096];
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
            Err(_) => return SipEnd::TimedOut,
            Ok(Ok(0)) => return SipEnd::Closed,
            Ok(Err(e)) if closed(&e) => return SipEnd::Closed,
            Ok(Err(e)) => return SipEnd::Failed(e.to_string()),
            Ok(Ok(n)) => {
                let room = MAX_ANSWER - buf.len();
                buf.extend_from_slice(&chunk[..n.min(room)]);
                if parse(buf, false).is_some() {
                    return SipEnd::Read;
                }
                if buf.len() >= MAX_ANSWER {
                    return SipEnd::Capped;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // D17: the request carries what a client's first REGISTER carries, and
    // reads back as one SIP request head.
    #[test]
    fn d17_register_has_the_client_headers() {
        let r = Register::new(None, "contoso.com").request(true);
        assert!(r.starts_with("REGISTER sip:contoso.com SIP/2.0\r\n"), "{r}");
        for needle in [
            "Via: SIP/2.0/TLS sipscope.invalid;branch=z9hG4bK",
            "From: <sip:sipscope-probe@contoso.com>;tag=",
            "To: <sip:sipscope-probe@contoso.com>\r\n",
            "CSeq: 1 REGISTER\r\n",
            "Max-Forwards: 70\r\n",
            "Contact: <sip:sipscope-probe@sipscope.invalid;transport=tls>",
            "User-Agent: sipscope/",
        ] {
            assert!(r.contains(needle), "{needle} missing from {r}");
        }
        assert!(r.ends_with("Content-Length: 0\r\n\r\n"));
        assert!(!r.to_ascii_lowercase().contains("authorization"));
        let tcp = Register::new(Some("alice"), "contoso.com").request(false);
        assert!(tcp.contains("Via: SIP/2.0/TCP ") && tcp.contains("<sip:alice@contoso.com>"));
    }

    #[test]
    fn user_text_cannot_inject_headers() {
        let r = Register::new(Some("a\r\nAuthorization: x"), "contoso.com").request(true);
        assert_eq!(r.matches("\r\n\r\n").count(), 1);
        assert!(!r.contains("Authorization: x"));
        let branch = |s: &str| s.split("branch=").nth(1).unwrap()[..23].to_string();
        assert_ne!(
            branch(&r),
            branch(&Register::new(None, "c.com").request(true))
        );
    }
}
