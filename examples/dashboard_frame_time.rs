//! How long the dashboard takes from a key press to a finished frame, minus
//! the terminal: `App::update` plus `view::render` into a 120×40 test
//! buffer, for cursor moves over a finished 10-row sweep. Offline and
//! deterministic (fixed clock, synthetic results).
//!
//! `cargo run --release --example dashboard_frame_time [ITERATIONS]`
//!
//! Idle CPU is measured on the real binary instead (see the report printed
//! at the end): an idle dashboard runs no timer, so its CPU time must not grow.

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sipscope::config::SweepOverrides;
use sipscope::model::{DnsOutcome, Status, TargetResult};
use sipscope::sweep::SweepEvent;
use sipscope::tui::app::{App, AppConfig, Effect, Msg};
use sipscope::tui::clock::FixedClock;
use sipscope::tui::theme::Theme;
use sipscope::tui::view;
use time::macros::datetime;

fn finished_app() -> App {
    let args = SweepOverrides {
        resolvers: vec!["10.0.0.53".into()],
        ..SweepOverrides::default()
    };
    let clock = FixedClock(datetime!(2025-06-01 12:00:00 UTC));
    let mut app = App::new(
        args,
        AppConfig::default(),
        Theme::colored(),
        Box::new(clock),
    );
    let effects = app.start(Some("sip:alice@contoso.com"));
    let Some(Effect::StartSweep { id, settings }) = effects.into_iter().next() else {
        panic!("the App should start a sweep");
    };
    let mut report = sipscope::sweep::initial_report(&settings[0]);
    for r in &mut report.records {
        if r.index % 2 == 1 {
            let mut t = TargetResult::new(&r.name, r.port.unwrap_or(5061));
            t.addresses = vec!["10.0.0.10".into()];
            t.status = Status::Found;
            r.targets.push(t);
            r.used_target = Some(0);
            r.status = Status::Found;
            r.ttl = Some(300);
        } else {
            r.status = Status::Missing;
            r.dns = Some(DnsOutcome::NxDomain);
        }
        r.dns.get_or_insert(DnsOutcome::Answer);
        app.update(Msg::Sweep {
            lane: 0,
            id,
            event: SweepEvent::Row(r.clone()),
        });
    }
    report.decide();
    app.update(Msg::Sweep {
        lane: 0,
        id,
        event: SweepEvent::Finished(Box::new(report)),
    });
    app
}

fn main() {
    let iterations: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let mut app = finished_app();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    let mut times: Vec<Duration> = Vec::with_capacity(iterations);
    for i in 0..iterations {
        let code = if (i / 9) % 2 == 0 {
            KeyCode::Down
        } else {
            KeyCode::Up
        };
        let started = Instant::now();
        app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        terminal
            .draw(|f| view::render(f, &app))
            .expect("draw to the test backend");
        times.push(started.elapsed());
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    let mean = times.iter().sum::<Duration>() / times.len() as u32;
    println!("key → frame (update + render, 120×40, no terminal I/O), {iterations} presses:");
    println!(
        "  mean {mean:?}  p50 {:?}  p99 {:?}  max {:?}",
        pct(0.5),
        pct(0.99),
        times[times.len() - 1]
    );
    println!(
        "idle CPU: run `sipscope --resolver 127.0.0.1:1 a.test` in tmux, wait for the verdict, then\n  \
         read utime+stime (fields 14, 15 of /proc/PID/stat) twice 10 s apart: the difference should be 0."
    );
}
