//! `sipscope lab` and `sipscope demo --list`: the lab for use from outside
//! the dashboard, explained in plain text.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use super::{Lab, LabOptions, Scenario, builtin_scenarios};

/// `sipscope demo --list`: every demo scenario with its lesson and rules.
pub fn scenario_list(scenarios: &[Scenario]) -> String {
    let width = scenarios.iter().map(|s| s.name().len()).max().unwrap_or(0);
    let mut out = String::new();
    for s in scenarios.iter().filter(|s| s.in_demo()) {
        let _ = writeln!(
            out,
            "{:<width$}  {}  [{}]\n{:<width$}  {}",
            s.name(),
            s.title(),
            s.rules().join(", "),
            "",
            s.lesson()
        );
    }
    out
}

/// The `SIPSCOPE_DIAL` value that routes probes to the lab's listeners.
pub fn dial_env(lab: &Lab) -> String {
    lab.dial_overrides()
        .iter()
        .map(|(from, to)| format!("{from}={to}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// What `sipscope lab` prints once the lab is up.
pub fn usage_text(lab: &Lab, ca_path: &Path) -> String {
    let dns = lab.dns_addr();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "sipscope lab: {} scenarios on loopback. Ctrl-C stops it.\n",
        lab.scenarios().len()
    );
    let _ = writeln!(
        out,
        "DNS server  {dns} (UDP and TCP, authoritative for the lab zones)"
    );
    let _ = writeln!(out, "lab CA      {}", ca_path.display());
    let _ = writeln!(
        out,
        "\nThe lab's servers listen on ports the system picked; sipscope reaches them\nthrough dial overrides. In another terminal:\n"
    );
    let _ = writeln!(out, "  export SIPSCOPE_DIAL='{}'", dial_env(lab));
    let _ = writeln!(
        out,
        "  sipscope check --resolver {dns} --ca-file {} --no-system-roots sip:alice@healthy.test",
        ca_path.display()
    );
    let _ = writeln!(
        out,
        "  dig @{} -p {} _sipinternaltls._tcp.healthy.test SRV\n",
        dns.ip(),
        dns.port()
    );
    let width = lab
        .scenarios()
        .iter()
        .map(|s| s.name().len())
        .max()
        .unwrap_or(0);
    let _ = writeln!(out, "Scenarios:");
    for s in lab.scenarios() {
        let _ = writeln!(
            out,
            "  {:<width$}  {:<28}  {}",
            s.name(),
            s.sip_address(),
            s.title()
        );
    }
    out
}

/// Runs the lab in the foreground until Ctrl-C; writes the CA to `ca_out`
/// (or a temporary file removed on exit).
pub async fn run_foreground(ca_out: Option<PathBuf>) -> Result<(), String> {
    let lab = Lab::start(
        builtin_scenarios().map_err(|e| e.to_string())?,
        LabOptions::default(),
    )
    .await
    .map_err(|e| format!("cannot start the lab: {e}"))?;
    let (ca_path, temporary) = match ca_out {
        Some(p) => (p, false),
        None => {
            let dir = std::env::temp_dir().join(format!("sipscope-lab-{}", std::process::id()));
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            (dir.join("lab-ca.pem"), true)
        }
    };
    std::fs::write(&ca_path, lab.ca_pem()).map_err(|e| {
        format!(
            "cannot write the lab CA to {}: {e}; choose another path with --ca-out",
            ca_path.display()
        )
    })?;
    // Handlers first: a SIGTERM right after the usage text must not kill us raw.
    let stop = stop_signal()?;
    // Nothing to do about an output that cannot be written: the lab still runs.
    let _ = crate::out::print(&usage_text(&lab, &ca_path));
    let stopped = stop.await;
    lab.shutdown().await;
    if temporary && let Some(dir) = ca_path.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
    stopped.map_err(|e| format!("cannot wait for Ctrl-C: {e}"))?;
    let _ = crate::out::print("\nlab stopped.\n");
    Ok(())
}

/// Ctrl-C, or (Unix) SIGTERM / SIGHUP: either way the lab stops cleanly and
/// removes its temporary folder. The handlers are installed when this is
/// called, before the returned future is awaited.
fn stop_signal() -> Result<impl std::future::Future<Output = std::io::Result<()>>, String> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let cannot = |e: std::io::Error| format!("cannot wait for signals: {e}");
        let mut term = signal(SignalKind::terminate()).map_err(cannot)?;
        let mut hup = signal(SignalKind::hangup()).map_err(cannot)?;
        let mut int = signal(SignalKind::interrupt()).map_err(cannot)?;
        Ok(async move {
            tokio::select! {
                _ = int.recv() => Ok(()),
                _ = term.recv() => Ok(()),
                _ = hup.recv() => Ok(()),
            }
        })
    }
    #[cfg(not(unix))]
    Ok(tokio::signal::ctrl_c())
}
