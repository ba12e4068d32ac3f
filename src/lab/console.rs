//! `sipscope lab` and `sipscope demo --list`: the lab for use from outside
//! the dashboard, explained in plain text.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{Lab, LabOptions, Scenario};

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

/// The dial overrides that route probes to the lab's listeners, one
/// `FROM=TO` a line: the file `--lab-dial` reads.
pub fn dial_file_text(lab: &Lab) -> String {
    let mut lines: Vec<String> = lab
        .dial_overrides()
        .iter()
        .map(|(from, to)| format!("{from}={to}"))
        .collect();
    lines.sort();
    format!(
        "# sipscope lab dial overrides: FROM=TO (nominal address = lab listener)\n{}\n",
        lines.join("\n")
    )
}

/// A path as a shell word: quoted when it holds anything but plain characters.
fn shell_word(p: &Path) -> String {
    let s = p.display().to_string();
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:@=,".contains(c))
    {
        s
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// How to run this sipscope from a shell, as printed: the executable's
/// own path when it is installed, `cargo run --release -q --` when it runs
/// from a build folder (`target/`), where the README's commands leave it.
pub fn program(exe: Option<&Path>) -> String {
    match exe {
        Some(p) if !p.components().any(|c| c.as_os_str() == "target") => shell_word(p),
        _ => "cargo run --release -q --".to_string(),
    }
}

/// What `sipscope lab` prints once the lab is up; `program` runs sipscope.
pub fn usage_text(lab: &Lab, ca_path: &Path, dial_path: &Path, program: &str) -> String {
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
    let delay = lab.dns_delay();
    if !delay.is_zero() {
        let _ = writeln!(
            out,
            "            every answer is sent {} ms late (--dns-delay-ms), like a distant resolver",
            delay.as_millis()
        );
    }
    let _ = writeln!(
        out,
        "resolver    {} (caching, in front of the DNS server: keeps answers for their TTL, D11)",
        lab.caching_resolver_addr()
    );
    if let Some(addr) = lab.outside_dns_addr() {
        let _ = writeln!(
            out,
            "outside     {addr} (the outside view of split-view scenarios, D12)"
        );
    }
    if let Some(addr) = lab.secondary_addr() {
        let _ = writeln!(
            out,
            "secondary   {addr} (ns2, behind the primary after a fix, D11)"
        );
    }
    let _ = writeln!(out, "lab CA      {}", ca_path.display());
    let _ = writeln!(out, "dial file   {}", dial_path.display());
    let _ = writeln!(
        out,
        "\nThe lab's servers listen on ports the system picked; sipscope reaches them\n\
         through the dial overrides in the dial file (--lab-dial, or SIPSCOPE_LAB_DIAL),\n\
         and says so when they are in effect. In another terminal{}:\n",
        if program.starts_with("cargo ") {
            ", from the repository"
        } else {
            ""
        }
    );
    let _ = writeln!(
        out,
        "  {program} check --resolver {dns} --ca-file {} --no-system-roots --lab-dial {} sip:alice@healthy.test",
        shell_word(ca_path),
        shell_word(dial_path)
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
pub async fn run_foreground(
    scenarios: Vec<Scenario>,
    ca_out: Option<PathBuf>,
    dns_delay: Duration,
) -> Result<(), String> {
    let lab = Lab::start(
        scenarios,
        LabOptions {
            dns_delay,
            ..LabOptions::default()
        },
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
    let dial_path = ca_path.with_file_name("lab-dial.txt");
    std::fs::write(&dial_path, dial_file_text(&lab)).map_err(|e| {
        format!(
            "cannot write the dial file {}: {e}; choose another folder with --ca-out",
            dial_path.display()
        )
    })?;
    // Handlers first: a SIGTERM right after the usage text must not kill us raw.
    let stop = stop_signal()?;
    // Nothing to do about an output that cannot be written: the lab still runs.
    let exe = std::env::current_exe().ok();
    let _ = crate::out::print(&usage_text(
        &lab,
        &ca_path,
        &dial_path,
        &program(exe.as_deref()),
    ));
    let stopped = stop.await;
    lab.shutdown().await;
    if temporary && let Some(dir) = ca_path.parent() {
        let _ = std::fs::remove_dir_all(dir);
    } else if !temporary {
        let _ = std::fs::remove_file(&dial_path);
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
