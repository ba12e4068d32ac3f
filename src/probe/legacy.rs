//! D15: a read-only look at a server that refuses a modern handshake. Before
//! TLS 1.3 the server's certificate travels in the clear, so a ClientHello
//! offering TLS 1.0–1.2 and the classic suites is enough to read the
//! ServerHello (version, suite) and the Certificate message; sipscope then
//! stops. It never completes the handshake and sends nothing else.

use std::net::SocketAddr;

use rustls::pki_types::CertificateDer;
use tls_parser::{
    TlsCipherSuite, TlsMessage, TlsMessageAlert, TlsMessageHandshake, TlsRecordType,
    parse_tls_message_handshake, parse_tls_raw_record,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::model::TlsInfo;

/// Bytes read from a server at most: enough for a long chain, no more.
const MAX_READ: usize = 64 * 1024;

/// The classic suites of the TLS 1.0–1.2 era (RSA, ECDHE, CBC and GCM, 3DES, RC4).
const SUITES: [u16; 20] = [
    0xC02F, 0xC030, 0xC02B, 0xC02C, 0x009C, 0x009D, 0xC013, 0xC014, 0xC009, 0xC00A, 0x002F, 0x0035,
    0x003C, 0x003D, 0x0033, 0x0039, 0x000A, 0x0016, 0x0005, 0x0004,
];

/// What the server showed before the handshake would have gone on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyHello {
    pub chain: Vec<CertificateDer<'static>>,
    pub info: TlsInfo,
}

fn u16be(n: usize) -> [u8; 2] {
    u16::try_from(n).unwrap_or(u16::MAX).to_be_bytes()
}

fn with_len16(body: &[u8]) -> Vec<u8> {
    let mut out = u16be(body.len()).to_vec();
    out.extend_from_slice(body);
    out
}

fn extension(kind: u16, body: &[u8]) -> Vec<u8> {
    let mut out = kind.to_be_bytes().to_vec();
    out.extend(with_len16(body));
    out
}

/// A TLS 1.0 record holding a ClientHello that offers up to TLS 1.2, the
/// classic suites and SNI `server_name`.
pub fn client_hello(server_name: &str) -> Vec<u8> {
    let mut hello = vec![0x03, 0x03]; // client_version: TLS 1.2 at most
    // The random needs no secrecy: nothing is encrypted in this exchange.
    hello.extend((0u8..32).map(|i| i.wrapping_mul(37).wrapping_add(11)));
    hello.push(0); // no session id
    let suites: Vec<u8> = SUITES.iter().flat_map(|s| s.to_be_bytes()).collect();
    hello.extend(with_len16(&suites));
    hello.extend([1, 0]); // compression: null only
    let mut exts = Vec::new();
    let name = server_name.as_bytes();
    if !name.is_empty() && name.len() < 256 {
        let mut entry = vec![0];
        entry.extend(with_len16(name));
        exts.extend(extension(0x0000, &with_len16(&entry)));
    }
    // supported_groups: secp256r1, secp384r1; ec_point_formats: uncompressed.
    exts.extend(extension(0x000A, &with_len16(&[0x00, 0x17, 0x00, 0x18])));
    exts.extend(extension(0x000B, &[1, 0]));
    // signature_algorithms (TLS 1.2): rsa/ecdsa with sha256/384, sha1.
    let sigs = [
        0x04, 0x01, 0x05, 0x01, 0x04, 0x03, 0x05, 0x03, 0x02, 0x01, 0x02, 0x03,
    ];
    exts.extend(extension(0x000D, &with_len16(&sigs)));
    exts.extend(extension(0xFF01, &[0])); // renegotiation_info
    hello.extend(with_len16(&exts));
    let mut handshake = vec![1]; // ClientHello
    let len = u32::try_from(hello.len()).unwrap_or(0).to_be_bytes();
    handshake.extend_from_slice(&len[1..]);
    handshake.extend(hello);
    let mut record = vec![0x16, 0x03, 0x01];
    record.extend(with_len16(&handshake));
    record
}

/// `TLSv1.0` for 0x0301, as admins write it.
pub fn version_name(v: u16) -> String {
    match v {
        0x0300 => "SSLv3".into(),
        0x0301 => "TLSv1.0".into(),
        0x0302 => "TLSv1.1".into(),
        0x0303 => "TLSv1.2".into(),
        0x0304 => "TLSv1.3".into(),
        other => format!("0x{other:04X}"),
    }
}

/// What the bytes read so far say.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// Keep reading.
    NeedMore,
    Done(LegacyHello),
    Failed(String),
}

/// Reads the server's first flight from `bytes` (records, possibly split):
/// done at ServerHelloDone, or as soon as a certificate and a ServerHello
/// are known; an alert or garbage ends it.
pub fn parse_flight(bytes: &[u8]) -> Parsed {
    let mut rest = bytes;
    let mut handshake = Vec::new();
    while !rest.is_empty() {
        match parse_tls_raw_record(rest) {
            Ok((next, record)) => {
                match record.hdr.record_type {
                    TlsRecordType::Handshake => handshake.extend_from_slice(record.data),
                    TlsRecordType::Alert => {
                        let what = tls_parser::parse_tls_message_alert(record.data)
                            .map(|(_, m)| match m {
                                TlsMessage::Alert(TlsMessageAlert { code, .. }) => {
                                    format!("{code:?}")
                                }
                                _ => "an alert".into(),
                            })
                            .unwrap_or_else(|_| "an alert".into());
                        return Parsed::Failed(format!("the server answered with alert {what}"));
                    }
                    _ => {
                        return Parsed::Failed("the server did not answer with a handshake".into());
                    }
                }
                rest = next;
            }
            Err(x509_parser::nom::Err::Incomplete(_)) => break,
            Err(_) => return Parsed::Failed("the server's answer is not TLS".into()),
        }
    }
    let mut hs = handshake.as_slice();
    let (mut version, mut suite, mut chain) = (None, None, None);
    while !hs.is_empty() {
        match parse_tls_message_handshake(hs) {
            Ok((next, TlsMessage::Handshake(m))) => {
                match m {
                    TlsMessageHandshake::ServerHello(h) => {
                        version = Some(h.version.0);
                        suite = Some(h.cipher.0);
                    }
                    TlsMessageHandshake::Certificate(c) => {
                        chain = Some(
                            c.cert_chain
                                .iter()
                                .map(|r| CertificateDer::from(r.data.to_vec()))
                                .collect::<Vec<_>>(),
                        );
                    }
                    TlsMessageHandshake::ServerDone(_) => break,
                    _ => {}
                }
                hs = next;
            }
            Ok(_) => return Parsed::Failed("unexpected message in the handshake".into()),
            Err(x509_parser::nom::Err::Incomplete(_)) => break,
            Err(_) => return Parsed::Failed("the server's handshake cannot be read".into()),
        }
        if version.is_some() && chain.is_some() {
            break;
        }
    }
    match (version, suite, chain) {
        (Some(v), Some(s), Some(chain)) if !chain.is_empty() => Parsed::Done(LegacyHello {
            chain,
            info: TlsInfo {
                version: version_name(v),
                cipher_suite: TlsCipherSuite::from_id(s)
                    .map_or_else(|| format!("0x{s:04X}"), |c| c.name.to_string()),
                legacy: true,
            },
        }),
        _ => Parsed::NeedMore,
    }
}

/// Connects to `addr`, sends the legacy ClientHello and reads until the
/// certificate is known. The caller bounds it in time; the read is bounded
/// in size.
pub async fn inspect(addr: SocketAddr, server_name: &str) -> Result<LegacyHello, String> {
    let mut stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("no TCP connection for the legacy look: {e}"))?;
    stream
        .write_all(&client_hello(server_name))
        .await
        .map_err(|e| format!("cannot send the legacy ClientHello: {e}"))?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream
            .read(&mut chunk)
            .await
            .map_err(|e| format!("reading the server's answer failed: {e}"))?;
        if n == 0 {
            return Err("the server closed the connection".into());
        }
        buf.extend_from_slice(&chunk[..n]);
        match parse_flight(&buf) {
            Parsed::Done(hello) => return Ok(hello),
            Parsed::Failed(why) => return Err(why),
            Parsed::NeedMore if buf.len() > MAX_READ => {
                return Err(format!(
                    "the server sent over {MAX_READ} bytes without a certificate"
                ));
            }
            Parsed::NeedMore => {}
        }
    }
}

#[cfg(all(test, feature = "lab"))]
mod tests;
