//! D17: what answers a REGISTER on a lab host's `tls` and `tcp` ports. By
//! default a Microsoft front end ([MS-SIPAE] §3.3.5.1, §4.1): 401 with NTLM,
//! Kerberos and TLS-DSK challenges in realm "SIP Communications Service",
//! `Server: RTC/6.0`. A host's `registrar` key picks another: an Access Edge,
//! a third-party Digest registrar, a web site, silence, an abrupt close, or
//! one of the hostile answers the probe must survive.

use std::time::Duration;

use serde::Deserialize;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// How long the lab waits for a request head.
const READ_LIMIT: Duration = Duration::from_secs(10);
/// How long a connection is held after the answer (or in silence).
const HOLD: Duration = Duration::from_secs(60);
/// The largest request head the lab reads.
const HEAD_CAP: usize = 16 * 1024;

/// What answers a REGISTER on a host's SIP ports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Registrar {
    /// A front end or Director: NTLM, Kerberos and TLS-DSK.
    #[default]
    FrontEnd,
    /// An Access Edge (outside): NTLM and TLS-DSK only.
    Edge,
    /// A third-party registrar: one Digest challenge.
    Digest,
    /// A web server (reverse proxy) that answers with an HTML 400 page.
    Website,
    /// Completes the handshake, then never answers.
    Silent,
    /// Completes the handshake, then closes at once.
    Close,
    /// Escape sequences and bidi overrides in the reason phrase and Server.
    Escapes,
    /// 20,000 challenge headers.
    ManyChallenges,
    /// The front end's answer, one byte every 300 ms.
    Trickle,
    /// A 10 MB body after the head.
    HugeBody,
}

impl Registrar {
    /// In words, for the scenario's listing.
    pub fn doing(self) -> &'static str {
        match self {
            Registrar::FrontEnd => "answers REGISTER as a Microsoft front end",
            Registrar::Edge => "answers REGISTER as an Access Edge",
            Registrar::Digest => "answers REGISTER as a Digest registrar",
            Registrar::Website => "answers REGISTER with an HTML error page",
            Registrar::Silent => "never answers REGISTER",
            Registrar::Close => "closes the connection at once",
            Registrar::Escapes => "answers with escape sequences",
            Registrar::ManyChallenges => "answers with 20,000 challenges",
            Registrar::Trickle => "answers one byte every 300 ms",
            Registrar::HugeBody => "answers with a 10 MB body",
        }
    }
}

/// Serves one connection (the TLS handshake, if any, is done).
pub async fn serve<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, r: Registrar, host: &str) {
    match r {
        Registrar::Close => return,
        Registrar::Silent => return drain(stream).await,
        _ => {}
    }
    let Some(request) = read_head(&mut stream).await else {
        return;
    };
    // Only a SIP request gets a SIP answer; anything else is drained as
    // before D17 (an HTTP client on a SIP port times out as it did).
    let first = request.lines().next().unwrap_or_default();
    if r != Registrar::Website && !first.ends_with("SIP/2.0") {
        return drain(stream).await;
    }
    let echo = echoed(&request);
    let _ = match r {
        Registrar::Trickle => {
            let answer = challenge(&echo, &ms_headers(host, true), "RTC/6.0");
            trickle(&mut stream, answer.as_bytes()).await
        }
        Registrar::ManyChallenges => many(&mut stream, &echo).await,
        Registrar::HugeBody => huge(&mut stream, &echo).await,
        _ => stream.write_all(answer(r, host, &echo).as_bytes()).await,
    };
    let _ = stream.flush().await;
    drain(stream).await;
}

fn answer(r: Registrar, host: &str, echo: &str) -> String {
    match r {
        Registrar::Edge => challenge(echo, &ms_headers(host, false), "RTC/6.0"),
        Registrar::Digest => challenge(
            echo,
            &[format!(
                "Digest realm=\"{host}\", nonce=\"5f1a2b3c\", algorithm=MD5, qop=\"auth\""
            )],
            "Asterisk PBX 20.5 (lab)",
        ),
        Registrar::Website => {
            let body = "<html><head><title>400 Bad Request</title></head><body><center><h1>400 Bad Request</h1></center><hr><center>nginx</center></body></html>\r\n";
            format!(
                "HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
        }
        Registrar::Escapes => format!(
            "SIP/2.0 401 Unauth\x1b[2J\x1b]0;pwned\x07orized\u{202e}\r\n{echo}Server: RTC\x1b[31m/6.0\u{9b}1m\r\n{}Content-Length: 0\r\n\r\n",
            auth_lines(&ms_headers(host, true))
        ),
        _ => challenge(echo, &ms_headers(host, true), "RTC/6.0"),
    }
}

/// NTLM, Kerberos (inside only) and TLS-DSK challenges as [MS-SIPAE] §3.3.5.1 forms them.
fn ms_headers(host: &str, kerberos: bool) -> Vec<String> {
    let realm = crate::model::sip::MS_REALM;
    let mut v = vec![format!(
        "NTLM realm=\"{realm}\", targetname=\"{host}\", version=4"
    )];
    if kerberos {
        v.push(format!(
            "Kerberos realm=\"{realm}\", targetname=\"sip/{host}\", version=4"
        ));
    }
    v.push(format!(
        "TLS-DSK realm=\"{realm}\", targetname=\"{host}\", version=4, sts-uri=\"https://{host}:443/CertProv/CertProvisioningService.svc\""
    ));
    v
}

fn auth_lines(challenges: &[String]) -> String {
    challenges
        .iter()
        .map(|c| format!("WWW-Authenticate: {c}\r\n"))
        .collect()
}

fn challenge(echo: &str, challenges: &[String], server: &str) -> String {
    format!(
        "SIP/2.0 401 Unauthorized\r\n{echo}{}Server: {server}\r\nContent-Length: 0\r\n\r\n",
        auth_lines(challenges)
    )
}

/// Via, From, To (with a tag), Call-ID and CSeq copied from the request (RFC 3261 §8.2.6.2).
fn echoed(request: &str) -> String {
    let mut out = String::new();
    for line in request.lines().skip(1) {
        let name = line.split(':').next().unwrap_or_default().trim();
        let keep = ["via", "from", "to", "call-id", "cseq", "v", "f", "t", "i"];
        if keep.iter().any(|k| k.eq_ignore_ascii_case(name)) {
            out.push_str(line);
            if name.eq_ignore_ascii_case("to") || name.eq_ignore_ascii_case("t") {
                out.push_str(";tag=1ab5c9d7");
            }
            out.push_str("\r\n");
        }
    }
    out
}

async fn read_head<S: AsyncRead + Unpin>(stream: &mut S) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    let read = tokio::time::timeout(READ_LIMIT, async {
        loop {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
            if buf.windows(4).any(|w| w == b"\r\n\r\n") || buf.len() > HEAD_CAP {
                return Some(());
            }
        }
    });
    read.await.ok().flatten()?;
    Some(String::from_utf8_lossy(&buf).into_owned())
}

async fn trickle<S: AsyncWrite + Unpin>(stream: &mut S, bytes: &[u8]) -> std::io::Result<()> {
    for b in bytes {
        stream.write_all(&[*b]).await?;
        stream.flush().await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    Ok(())
}

async fn many<S: AsyncWrite + Unpin>(stream: &mut S, echo: &str) -> std::io::Result<()> {
    stream
        .write_all(format!("SIP/2.0 401 Unauthorized\r\n{echo}Server: RTC/6.0\r\n").as_bytes())
        .await?;
    let line = auth_lines(&ms_headers("fe.lab.test", true));
    let block = line.repeat(100);
    // 20,000 challenge headers in blocks of 300.
    for _ in 0..(20_000 / 300 + 1) {
        stream.write_all(block.as_bytes()).await?;
    }
    stream.write_all(b"Content-Length: 0\r\n\r\n").await
}

async fn huge<S: AsyncWrite + Unpin>(stream: &mut S, echo: &str) -> std::io::Result<()> {
    const SIZE: usize = 10 * 1024 * 1024;
    let head = format!(
        "SIP/2.0 401 Unauthorized\r\n{echo}{}Server: RTC/6.0\r\nContent-Type: text/plain\r\nContent-Length: {SIZE}\r\n\r\n",
        auth_lines(&ms_headers("fe.lab.test", true))
    );
    stream.write_all(head.as_bytes()).await?;
    let block = vec![b'x'; 64 * 1024];
    for _ in 0..(SIZE / block.len()) {
        stream.write_all(&block).await?;
    }
    Ok(())
}

/// Keeps the connection open, discarding what the client sends, until it
/// closes or [`HOLD`] passes.
pub async fn drain<S: AsyncRead + Unpin>(mut stream: S) {
    let mut buf = [0u8; 4096];
    let _ = tokio::time::timeout(HOLD, async {
        while let Ok(n) = stream.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}
