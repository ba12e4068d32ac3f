//! Issue 20 on the screen: the mark of the client's row (D7) is never cut,
//! at any width from 80 to 120 columns (a short form the key bar explains
//! when the long one does not fit); a verdict the banner has to cut is
//! readable in full in the details pane; the header names the client
//! generation whose row is marked.

use super::fixtures::*;
use super::vantages::split_brain;

/// Row 5's line (the client's row in the cert-mismatch sweep).
fn row5(text: &str) -> String {
    text.lines()
        .find(|l| l.contains(" 5  sipinternal"))
        .unwrap_or_else(|| panic!("no row 5: {text}"))
        .to_string()
}

#[test]
fn d7_the_client_mark_is_never_cut() {
    let (mut app, id, s) = sweeping();
    finish(&mut app, id, &s, cert_mismatch(&s));
    for width in (80..=120).step_by(5) {
        for height in [24, 40] {
            let text = screen(&app, width, height);
            let row = row5(&text);
            let bar = text.lines().last().unwrap_or_default();
            assert!(
                !row.contains("◀…") && !row.contains("◀ c…"),
                "{width}: {row}"
            );
            if row.contains("◀ client uses this") {
                assert!(!bar.contains("client's row"), "{width}: {bar}");
            } else {
                assert!(row.contains("◀"), "{width}x{height}: no mark: {row}");
                assert!(
                    bar.contains("◀ client's row"),
                    "{width}: unexplained: {bar}"
                );
            }
            assert!(
                text.lines()
                    .next()
                    .unwrap_or_default()
                    .contains("(Office Communicator 2007)"),
                "{width}: the header names the generation: {text}"
            );
        }
    }
}

// D12: two vantages at 80×24: both marks stand, and the verdicts the banner
// cuts are in the details pane in full (scrolled with the pane, zoomed with d).
#[test]
fn d12_cut_verdicts_are_readable_in_full() {
    let (mut app, _, _) = split_brain();
    let text = screen(&app, 80, 24);
    let row = row5(&text);
    assert!(
        row.trim_end_matches(['"', ' ']).ends_with("◀ · ≠v"),
        "{row}"
    );
    assert!(text.contains("Verdict in full"), "{text}");
    app.update(key('d'));
    let zoomed = screen(&app, 80, 40);
    let flat: String = zoomed
        .lines()
        .map(|l| l.trim_matches('"').trim())
        .collect::<Vec<_>>()
        .join(" ");
    for lane in &app.lanes {
        let summary = &lane.report.as_ref().expect("a report").verdict.summary;
        assert!(
            flat.contains(summary.as_str()),
            "not in full: {summary}\n{zoomed}"
        );
    }
}
