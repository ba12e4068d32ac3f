//! D15: the legacy look reads version, suite and chain from a server's first
//! flight, whatever the record boundaries, and never panics on garbage.

use proptest::prelude::*;

use super::*;
use crate::lab::legacy_server::{offered_suites, server_flight};

fn der() -> Vec<u8> {
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec!["sip.legacy.test".to_string()]).unwrap();
    params.self_signed(&key).unwrap().der().to_vec()
}

#[test]
fn d15_reads_a_tls10_servers_hello_and_chain() {
    let chain = vec![der(), der()];
    let flight = server_flight(0x0301, 0x002F, &chain);
    let Parsed::Done(hello) = parse_flight(&flight) else {
        panic!("not parsed");
    };
    assert_eq!(hello.info.version, "TLSv1.0");
    assert_eq!(hello.info.cipher_suite, "TLS_RSA_WITH_AES_128_CBC_SHA");
    assert!(hello.info.legacy);
    let got: Vec<Vec<u8>> = hello.chain.iter().map(|c| c.as_ref().to_vec()).collect();
    assert_eq!(got, chain);
}

#[test]
fn d15_a_flight_arriving_in_pieces_needs_more_until_whole() {
    let flight = server_flight(0x0303, 0xC013, &[der()]);
    for cut in [0, 3, 5, 40, flight.len() / 2] {
        assert_eq!(
            parse_flight(&flight[..cut]),
            Parsed::NeedMore,
            "cut at {cut}"
        );
    }
    // Hello and certificate known: ServerHelloDone is not waited for.
    assert!(matches!(
        parse_flight(&flight[..flight.len() - 1]),
        Parsed::Done(_)
    ));
    match parse_flight(&flight) {
        Parsed::Done(h) => {
            assert_eq!(h.info.version, "TLSv1.2");
            assert_eq!(h.info.cipher_suite, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn d15_an_alert_or_garbage_ends_the_look() {
    let alert = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28];
    assert!(matches!(parse_flight(&alert), Parsed::Failed(w) if w.contains("alert")));
    assert!(matches!(
        parse_flight(b"HTTP/1.1 400 Bad Request\r\n\r\n"),
        Parsed::Failed(_)
    ));
}

#[test]
fn d15_the_client_hello_offers_the_classic_suites_and_sni() {
    let hello = client_hello("sip.legacy.test");
    assert_eq!(offered_suites(&hello), SUITES);
    let (_, record) = tls_parser::parse_tls_plaintext(&hello).expect("a TLS record");
    let TlsMessage::Handshake(TlsMessageHandshake::ClientHello(ch)) = &record.msg[0] else {
        panic!("not a ClientHello");
    };
    assert_eq!(ch.version.0, 0x0303);
    let ext = ch.ext.expect("extensions");
    let (_, exts) = tls_parser::parse_tls_client_hello_extensions(ext).unwrap();
    assert!(exts.iter().any(|e| matches!(e,
        tls_parser::TlsExtension::SNI(names) if names.iter().any(|(_, n)| *n == b"sip.legacy.test"))));
}

proptest! {
    // Bytes from a hostile server: never a panic.
    #[test]
    fn parse_flight_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse_flight(&bytes);
    }

    #[test]
    fn parse_flight_survives_corrupted_flights(cut in 0usize..600, flip in 0usize..600, byte in any::<u8>()) {
        let mut flight = server_flight(0x0301, 0x002F, &[vec![0x30, 0x03, 0x02, 0x01, 0x00]]);
        if flip < flight.len() {
            flight[flip] = byte;
        }
        flight.truncate(cut.min(flight.len()));
        let _ = parse_flight(&flight);
    }
}
