//! Snapshots of what the user sees (insta; `cargo insta review` to update).

use ratatui::style::Color;

use super::fixtures::*;
use crate::model::Status;
use crate::sweep::SweepEvent;
use crate::tui::app::Msg;
use crate::tui::theme::Theme;

#[test]
fn sweep_in_flight() {
    let (mut app, id, s) = sweeping();
    let mut querying = pending(&s, 2);
    querying.status = Status::Querying;
    querying.detail = "asking 10.0.0.53:53 for SRV _sipinternal._tcp.contoso.com".into();
    let mut probing = srv(&s, 1, "pool.contoso.com", 5061, Status::Probing);
    probing.targets[0].certificate = None;
    for row in [probing, querying, missing(&s, 3)] {
        app.update(Msg::Sweep {
            lane: 0,
            id,
            event: SweepEvent::Row(row),
        });
    }
    app.update(Msg::Tick(crate::tui::app::SPINNER_RATE));
    insta::assert_snapshot!(screen(&app, 120, 40));
}

#[test]
fn all_found_screen() {
    let (mut app, id, s) = sweeping();
    finish(&mut app, id, &s, all_found(&s));
    insta::assert_snapshot!(screen(&app, 120, 40));
}

/// The sipinternal CNAME case: row 5 (cert-mismatch) is what the client
/// uses, although row 7 would work.
#[test]
fn cert_mismatch_selected() {
    let (mut app, id, s) = sweeping();
    let mut first = cert_mismatch(&s);
    first[4] = missing(&s, 5);
    finish(&mut app, id, &s, first);
    let (id2, _) = started(&app.update(key('r'))).unwrap();
    finish(&mut app, id2, &s, cert_mismatch(&s));
    // The cursor starts on the client's row, record 5 (item 8).
    let text = screen(&app, 120, 40);
    assert!(text.contains("◀ client uses this"));
    assert!(text.contains("◀ client uses this · was missing"), "{text}");
    assert!(text.contains("changed   missing → cert-mismatch"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn rejected_srv_screen() {
    let (mut app, id, s) = sweeping();
    finish(&mut app, id, &s, rejected_srv(&s));
    let text = screen(&app, 120, 40);
    assert!(text.contains("out of domain"));
    insta::assert_snapshot!(text);
}

#[test]
fn small_terminal_80x24() {
    let (mut app, id, s) = sweeping();
    finish(&mut app, id, &s, cert_mismatch(&s));
    // The cursor starts on the client's row, record 5 (item 8).
    let text = screen(&app, 80, 24);
    assert!(text.contains("◀ client uses this"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn details_expanded_80x24() {
    let (mut app, id, s) = sweeping();
    finish(&mut app, id, &s, cert_mismatch(&s));
    // The cursor starts on the client's row, record 5 (item 8).
    app.update(key('d'));
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn help_overlay() {
    let (mut app, id, s) = sweeping();
    finish(&mut app, id, &s, all_found(&s));
    app.update(key('?'));
    insta::assert_snapshot!(screen(&app, 80, 24));
}

// Issue #13 item 9: `?` says what each status means and the rule behind it.
#[test]
fn help_explains_every_status() {
    let (mut app, id, s) = sweeping();
    finish(&mut app, id, &s, all_found(&s));
    app.update(key('?'));
    let text = screen(&app, 100, 50);
    for (status, words) in [
        ("found", "certificate good (D8, D9)"),
        ("missing", "NXDOMAIN/NODATA"),
        ("rejected", "outside the SIP domain"),
        ("cert-mismatch", "does not name the expected host (D9)"),
        ("untrusted", "chain not trusted"),
        ("unreachable", "no connection"),
        ("dns-error", "never missing"),
        // D8 (issue 20): the row this client does not ask.
        ("skipped", "not asked by this client"),
    ] {
        let line = text
            .lines()
            .find(|l| l.contains(words))
            .unwrap_or_else(|| panic!("no line for {status}: {text}"));
        assert!(line.contains(&format!(" {status}  ")), "{status}: {line}");
    }
    // A short terminal scrolls the help.
    for _ in 0..40 {
        app.update(key('j'));
    }
    assert!(screen(&app, 80, 24).contains("Log file"));
}

#[test]
fn address_field_with_an_error() {
    let mut app = app();
    app.start(None);
    for c in "a@b@c".chars() {
        app.update(key(c));
    }
    app.update(code(ratatui::crossterm::event::KeyCode::Enter));
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn tiny_and_odd_sizes_do_not_panic() {
    let (mut app, id, s) = sweeping();
    finish(&mut app, id, &s, cert_mismatch(&s));
    for (w, h) in [(1, 1), (10, 5), (40, 12), (80, 24), (200, 60), (300, 10)] {
        for zoom in ['d', 'd', 'l', 'l', '?', '?'] {
            screen(&app, w, h);
            app.update(key(zoom));
        }
    }
}

fn colored_cells(buf: &ratatui::buffer::Buffer) -> usize {
    buf.content()
        .iter()
        .filter(|c| c.fg != Color::Reset || c.bg != Color::Reset)
        .count()
}

#[test]
fn no_color_drops_every_colour() {
    let (mut app, id, s) = sweeping();
    finish(&mut app, id, &s, cert_mismatch(&s));
    assert_eq!(colored_cells(&buffer(&app, 120, 40)), 0);
    app.theme = Theme::colored();
    assert!(colored_cells(&buffer(&app, 120, 40)) > 0);
}

/// D14/D15/D16 in the details pane at 80×24: the pool's members one line
/// each, the TLS version and suite, thumbprint, serial and key.
#[test]
fn pool_members_and_tls_details_80x24() {
    use crate::model::{AddressProbe, ReasonCode, Timings, TlsInfo};
    let (mut app, id, s) = sweeping();
    let mut rows = all_found(&s);
    let tls = TlsInfo {
        version: "TLSv1.2".into(),
        cipher_suite: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384".into(),
        legacy: false,
    };
    let t = &mut rows[0].targets[0];
    t.addresses = vec!["192.0.2.10".into(), "192.0.2.11".into()];
    t.tls = Some(tls.clone());
    let member = |address: &str, status, detail: &str, cert| AddressProbe {
        address: address.into(),
        status,
        reason: Some(if status == Status::Found {
            ReasonCode::TlsTrusted
        } else {
            ReasonCode::ConnectionRefused
        }),
        detail: detail.into(),
        tls: (status == Status::Found).then(|| tls.clone()),
        certificate: cert,
        dialed: None,
        timings: Timings::default(),
        sip: None,
    };
    let good = t.certificate.clone();
    t.probes = vec![
        member("192.0.2.10", Status::Found, "", good),
        member(
            "192.0.2.11",
            Status::Unreachable,
            "TCP connection to 192.0.2.11:5061 failed: connection refused",
            None,
        ),
    ];
    rows[0]
        .warnings
        .push("pool.contoso.com: 1 of 2 addresses failed: 192.0.2.11 (unreachable) (D14)".into());
    finish(&mut app, id, &s, rows);
    app.update(key('d'));
    let text = screen(&app, 80, 24);
    assert!(text.contains("TLSv1.2"), "{text}");
    assert!(text.contains("192.0.2.11"), "{text}");
    insta::assert_snapshot!(text);
}

// Issue #13 item 7: at any width a port is shown whole, rows 1 and 2 can be
// told apart, and a cut cell says so with `…`.
#[test]
fn the_table_never_hides_a_port_and_marks_every_cut() {
    let (mut app, id, s) = sweeping();
    finish(&mut app, id, &s, cert_mismatch(&s));
    for width in [60, 80, 100, 120] {
        let text = screen(&app, width, 30);
        let row = |n: &str| {
            text.lines()
                .find(|l| {
                    l.trim_start_matches(['"', '│', '›', ' '])
                        .starts_with(&format!("{n} "))
                })
                .unwrap_or_else(|| panic!("row {n} at {width}: {text}"))
                .to_string()
        };
        for (n, port) in [("5", ":443"), ("6", ":5060"), ("7", ":443"), ("8", ":5060")] {
            assert!(row(n).contains(&format!("{port} ")), "{width}: {}", row(n));
        }
        let q = |n: &str| row(n).split_whitespace().nth(1).unwrap_or("").to_string();
        assert_ne!(q("1"), q("2"), "{width}");
        assert!(
            row("6").contains("contoso.com") || row("6").contains('…'),
            "{width}"
        );
    }
}

/// D8 (issue 20): a row the client does not ask (`skipped`) is dimmed in
/// colour; the other rows are not.
#[test]
fn skipped_rows_are_dimmed() {
    use ratatui::style::Modifier;
    let (mut app, id, s) = sweeping();
    let mut rows = all_found(&s);
    rows[1].status = Status::Skipped;
    rows[1].targets.clear();
    finish(&mut app, id, &s, rows);
    app.theme = Theme::colored();
    let buf = buffer(&app, 120, 40);
    let width = usize::from(buf.area.width);
    let line_of = |needle: &str| {
        buf.content()
            .chunks(width)
            .find(|l| {
                l.iter()
                    .map(|c| c.symbol())
                    .collect::<String>()
                    .contains(needle)
            })
            .expect(needle)
            .to_vec()
    };
    let dim = |line: &[ratatui::buffer::Cell]| {
        line.iter()
            .filter(|c| c.modifier.contains(Modifier::DIM))
            .count()
    };
    assert!(dim(&line_of("○ skipped")) > 10);
    assert_eq!(dim(&line_of("_sip._tls")), 0);
}

/// The ASCII screen (classic Windows console, `SIPSCOPE_ASCII=1`): every
/// screen, the spinner and the help included, is pure ASCII, and still says
/// which row the client uses.
#[test]
fn ascii_screens_have_only_ascii() {
    let (mut app, id, s) = sweeping();
    app.theme = app.theme.with_ascii(true);
    let mut probing = srv(&s, 1, "pool.contoso.com", 5061, Status::Probing);
    probing.targets[0].certificate = None;
    app.update(Msg::Sweep {
        lane: 0,
        id,
        event: SweepEvent::Row(probing),
    });
    app.update(Msg::Tick(crate::tui::app::SPINNER_RATE));
    let mut screens = vec![screen(&app, 120, 40)];
    finish(&mut app, id, &s, cert_mismatch(&s));
    screens.push(screen(&app, 120, 40));
    screens.push(screen(&app, 80, 24));
    app.update(key('?'));
    screens.push(screen(&app, 120, 40));
    for text in &screens {
        let odd: String = text.chars().filter(|c| !c.is_ascii()).collect();
        assert!(odd.is_empty(), "not ASCII: {odd:?}\n{text}");
    }
    assert!(screens[1].contains("< client uses this"), "{}", screens[1]);
}
