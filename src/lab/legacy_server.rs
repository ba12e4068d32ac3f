//! D15: servers of the TLS 1.0 era, as the lab's listeners play them. rustls
//! cannot serve TLS 1.0 or CBC suites, and the client side (sipscope's own
//! legacy look) is what is tested, so these responders write the server's
//! first flight by hand — ServerHello, Certificate, ServerHelloDone — from the
//! host's real certificate chain, and go no further.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::scenario::ListenerKind;

/// TLS_RSA_WITH_AES_128_CBC_SHA: the classic suite of that era.
const RSA_AES128_CBC_SHA: u16 = 0x002F;
/// The CBC suites a CBC-only TLS 1.2 server accepts, preferred first.
const CBC_SUITES: [u16; 4] = [0xC013, 0xC014, 0x002F, 0x0035];
/// Bytes of a ClientHello the lab reads at most.
const MAX_HELLO: usize = 16 * 1024;

fn handshake_message(kind: u8, body: &[u8]) -> Vec<u8> {
    let len = u32::try_from(body.len()).unwrap_or(0).to_be_bytes();
    let mut out = vec![kind, len[1], len[2], len[3]];
    out.extend_from_slice(body);
    out
}

/// The server's first flight: one handshake record per message, as many
/// old servers send it.
pub fn server_flight(version: u16, suite: u16, chain: &[Vec<u8>]) -> Vec<u8> {
    let v = version.to_be_bytes();
    let mut hello = v.to_vec();
    hello.extend([0x5a; 32]); // server random
    hello.push(0); // no session id
    hello.extend(suite.to_be_bytes());
    hello.push(0); // null compression
    let mut certs = Vec::new();
    for der in chain {
        let len = u32::try_from(der.len()).unwrap_or(0).to_be_bytes();
        certs.extend_from_slice(&len[1..]);
        certs.extend_from_slice(der);
    }
    let total = u32::try_from(certs.len()).unwrap_or(0).to_be_bytes();
    let mut cert_body = total[1..].to_vec();
    cert_body.extend(certs);
    let mut out = Vec::new();
    for msg in [
        handshake_message(2, &hello),
        handshake_message(11, &cert_body),
        handshake_message(14, &[]),
    ] {
        // Records hold at most 2^14 bytes: split long messages.
        for piece in msg.chunks(16 * 1024) {
            out.extend([0x16, v[0], v[1]]);
            out.extend(u16::try_from(piece.len()).unwrap_or(0).to_be_bytes());
            out.extend_from_slice(piece);
        }
    }
    out
}

/// The cipher suites a ClientHello offers (empty when it cannot be read).
pub fn offered_suites(record: &[u8]) -> Vec<u16> {
    // record(5) handshake(4) version(2) random(32) sid_len(1) …
    let body = record.get(9..).unwrap_or_default();
    let Some(&sid_len) = body.get(34) else {
        return Vec::new();
    };
    let at = 35 + usize::from(sid_len);
    let Some(len) = body.get(at..at + 2) else {
        return Vec::new();
    };
    let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
    body.get(at + 2..at + 2 + len)
        .unwrap_or_default()
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect()
}

/// Reads the ClientHello, answers as `kind` would, then waits for the client
/// to give up (the caller bounds the whole exchange in time).
pub async fn serve(mut stream: TcpStream, kind: ListenerKind, chain: Vec<Vec<u8>>) {
    let mut hello = Vec::new();
    let mut buf = [0u8; 4096];
    // The record header says how long the ClientHello is.
    while hello.len() < 5 || hello.len() < 5 + usize::from(u16::from_be_bytes([hello[3], hello[4]]))
    {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => hello.extend_from_slice(&buf[..n]),
        }
        if hello.len() > MAX_HELLO {
            return;
        }
    }
    let answer = match kind {
        ListenerKind::Tls10Only => server_flight(0x0301, RSA_AES128_CBC_SHA, &chain),
        ListenerKind::Tls12CbcOnly => {
            let offered = offered_suites(&hello);
            match CBC_SUITES.iter().find(|s| offered.contains(s)) {
                Some(&suite) => server_flight(0x0303, suite, &chain),
                // Fatal alert: handshake_failure (no suite in common).
                None => vec![0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28],
            }
        }
        _ => return,
    };
    if stream.write_all(&answer).await.is_err() {
        return;
    }
    // Hold the connection until the client closes it.
    while let Ok(n) = stream.read(&mut buf).await {
        if n == 0 {
            break;
        }
    }
}
