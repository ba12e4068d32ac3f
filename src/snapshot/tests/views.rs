//! Issue 12 in snapshots: vantages and the zone's view (D11, D12).

use std::fs;

use super::super::*;
use super::{session, summary, sweep};

/// The zone's view with one server at `serial` and record 1 agreeing or not.
fn zone(serial: u32, agrees: bool) -> crate::model::authority::Authority {
    use crate::model::authority::{
        AuthoritativeServer, AuthoritativeView, Authority, RowAuthority,
    };
    Authority {
        view: AuthoritativeView {
            zone: "contoso.com".into(),
            servers: vec![AuthoritativeServer {
                name: "ns1.contoso.com".into(),
                address: "192.0.2.53:53".into(),
                serial: Some(serial),
                status: "current".into(),
            }],
        },
        records: [(
            1,
            RowAuthority {
                agrees,
                answer: vec!["0 0 5061 sip.contoso.com".into()],
                detail: if agrees {
                    "agrees"
                } else {
                    "the resolver still holds the old answer\u{1b}[2J"
                }
                .into(),
            },
        )]
        .into(),
    }
}

fn two_vantages(outside_works: bool, serial: u32) -> Snapshot {
    let vantage = |label: &str, works: bool, agrees: bool| SavedVantage {
        label: label.into(),
        resolvers: vec!["192.0.2.53:53".into()],
        current: sweep(works),
        authoritative: Some(zone(serial, agrees)),
    };
    Snapshot::of(&session([sweep(true)]), &summary())
        .unwrap()
        .with_views(Views {
            vantages: vec![
                vantage("inside", true, true),
                vantage("outside", outside_works, false),
            ],
            authoritative: Some(zone(serial, true)),
        })
}

// Issue 12 (D11, D12): every vantage and the zone's view survive a save
// and a load, and `show` names each verdict, the serial and the stale row
// (escaped).
#[test]
fn d12_vantages_and_zone_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let s = two_vantages(false, 7);
    let paths = save_snapshot(dir.path(), &s).unwrap();
    let loaded = load(&paths.json).unwrap();
    assert_eq!(loaded, s);
    let text = commands::show_text(&paths.json, &loaded);
    assert!(
        text.contains("✓ inside") && text.contains("✗ outside"),
        "{text}"
    );
    assert!(
        text.contains("ns1.contoso.com  192.0.2.53:53  serial 7  current"),
        "{text}"
    );
    assert!(
        text.contains(
            "#1 _sipinternaltls._tcp.contoso.com: the resolver still holds the old answer"
        ),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "escaped: {text:?}");
    let md = fs::read_to_string(&paths.markdown).unwrap();
    assert!(
        md.contains("## Vantages and the zone's own servers"),
        "{md}"
    );
    // A snapshot without them still reads as before (and writes no key).
    let plain = Snapshot::of(&session([sweep(true)]), &summary()).unwrap();
    let json = serde_json::to_string(&plain).unwrap();
    assert!(!json.contains("vantages") && !json.contains("authoritative"));
}

// Issue 12: `snapshots diff` compares vantage by vantage and names the
// zone's serial change; too many vantages is a damaged file.
#[test]
fn d12_diff_per_vantage_and_serials() {
    let a = two_vantages(false, 7);
    let b = two_vantages(true, 8);
    let lines: Vec<String> = diff(&a, &b).iter().map(|c| c.to_string()).collect();
    let all = lines.join("\n");
    assert!(all.contains("[outside] #1"), "{all}");
    assert!(!all.contains("[inside] #1"), "{all}");
    assert!(
        all.contains("zone: ns1.contoso.com serial 7 → serial 8"),
        "{all}"
    );
    let mut many = a.clone();
    many.vantages = vec![a.vantages[0].clone(); validate::MAX_VANTAGES + 1];
    assert!(validate::problem(&many).unwrap().contains("vantages"));
}
