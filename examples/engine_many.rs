//! Many targets through one engine against the in-process lab (issue 17,
//! D19): `check_many` (bounded, lazy) against single checks one after
//! another through the same engine. Prints wall time and this process's
//! peak RSS (VmHWM, Linux), so run one mode per process:
//!
//! ```text
//! cargo run --example engine_many -- many 1000 [LIMIT] [SCENARIO]
//! cargo run --example engine_many -- single 1000 [LIMIT] [SCENARIO]
//! cargo run --example engine_many -- many 10000 [LIMIT] [SCENARIO]
//! ```
//!
//! The input is a lazy iterator: 10,000 targets are never held at once.
//! Every result is checked (the scenario's verdict) and dropped.

use std::time::Instant;

use futures::StreamExt;
use sipscope::engine::{CheckRequest, Engine};
use sipscope::lab::{Lab, LabOptions, builtin_scenarios};

fn peak_rss_kib() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args
        .first()
        .map(String::as_str)
        .unwrap_or("many")
        .to_string();
    let count: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(1000);
    let limit: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(32);
    let scenario = args.get(3).cloned().unwrap_or_else(|| "healthy".into());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let scenarios: Vec<_> = builtin_scenarios()
        .expect("scenarios")
        .into_iter()
        .filter(|s| s.name() == scenario)
        .collect();
    let address = scenarios
        .first()
        .map(|s| s.sip_address().to_string())
        .expect("a known scenario");
    let lab = runtime
        .block_on(Lab::start(scenarios, LabOptions::default()))
        .expect("lab");
    let settings = lab.engine_settings().expect("settings");
    // Blocking, once: before the runtime runs any check.
    let engine = Engine::new(settings).expect("engine");
    let domain = address.rsplit('@').next().unwrap_or(&address).to_string();
    let requests = (0..count)
        .map(move |i| CheckRequest::parse(&format!("user{i}@{domain}")).expect("address"));
    let before = peak_rss_kib();
    let started = Instant::now();
    let (ok, total) = runtime.block_on(async {
        let mut ok = 0usize;
        let mut total = 0usize;
        if mode == "single" {
            for request in requests {
                total += 1;
                ok += usize::from(engine.check(&request, None).await.signin_ok());
            }
        } else {
            let mut results = engine.check_many(requests, limit);
            while let Some((_, result)) = results.next().await {
                total += 1;
                ok += usize::from(result.signin_ok());
            }
        }
        (ok, total)
    });
    let wall = started.elapsed();
    runtime.block_on(lab.shutdown());
    println!(
        "engine_many: mode {mode}, {total} targets ({scenario}), limit {limit}: wall {:.2} s ({:.1} ms per target), {ok} signed in",
        wall.as_secs_f64(),
        wall.as_secs_f64() * 1000.0 / total.max(1) as f64
    );
    match (before, peak_rss_kib()) {
        (Some(b), Some(p)) => println!(
            "engine_many: peak RSS (VmHWM) {:.1} MiB (lab and engine up, before the first check: {:.1} MiB)",
            p as f64 / 1024.0,
            b as f64 / 1024.0
        ),
        _ => println!("engine_many: peak RSS not available on this system"),
    }
}
