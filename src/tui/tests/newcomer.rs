//! Issue #13 in the reducer: the cursor starts on the client's row, changes
//! compare like with like, and the screen at small sizes.

use ratatui::crossterm::event::KeyCode;

use super::fixtures::*;

// Issue #13 item 8 (D7): the cursor starts on the record the client uses,
// and stays where the user puts it.
#[test]
fn the_cursor_starts_on_the_clients_row() {
    let (mut app, id, s) = sweeping();
    finish(&mut app, id, &s, cert_mismatch(&s));
    let selected = app.report().and_then(|r| r.selected).unwrap();
    assert_ne!(selected, 1);
    assert_eq!(app.current_row().map(|r| r.index), Some(selected));
    app.update(key('k'));
    let moved = app.cursor;
    let id = started(&app.update(key('r'))).unwrap().0;
    finish(&mut app, id, &s, cert_mismatch(&s));
    assert_eq!(app.cursor, moved, "a re-run keeps the user's row");
}

// Issue #13 item 11: a sweep of another domain is not compared with the
// previous domain's ("no changes", "missing → found").
#[test]
fn changes_compare_like_with_like() {
    let (mut app, id, s) = sweeping();
    finish(&mut app, id, &s, cert_mismatch(&s));
    app.update(key('e'));
    app.update(ctrl('u'));
    for c in "other.example".chars() {
        app.update(key(c));
    }
    let (id, other) = started(&app.update(code(KeyCode::Enter))).expect("sweeps other.example");
    assert_eq!(other.target.domain, "other.example");
    finish(&mut app, id, &other, all_found(&other));
    let last = app.log.back().map(|l| l.text.clone()).unwrap_or_default();
    assert!(
        last.contains("finished") && !last.contains("no changes"),
        "{last}"
    );
    assert!(app.changes().is_empty(), "{:?}", app.changes());
    // The same domain again: now changes are compared.
    let id = started(&app.update(key('r'))).unwrap().0;
    finish(&mut app, id, &other, all_found(&other));
    assert!(logged(&app, "no changes"));
}

// Issue #13 item 14: a small screen says what it leaves out: a verdict cut
// at a word ends in `…`, hidden rows are counted, and `r` stays in the bar.
#[test]
fn a_small_screen_marks_what_it_hides() {
    let (mut app, id, s) = sweeping();
    finish(&mut app, id, &s, cert_mismatch(&s));
    let text = screen(&app, 40, 10);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines
            .iter()
            .take(4)
            .any(|l| l.trim_end_matches(['"', ' ']).ends_with('…')),
        "the verdict is cut without a mark: {text}"
    );
    assert!(
        text.contains("of 10 rows"),
        "hidden rows are not announced: {text}"
    );
    let bar = lines.last().unwrap();
    assert!(bar.contains("r re-run") && bar.contains("q quit"), "{bar}");
}
