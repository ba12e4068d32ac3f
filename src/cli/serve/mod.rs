//! `sipscope serve`: a Prometheus exporter in blackbox_exporter's manner
//! (`/probe?target=…`), each probe one check through the engine (D19).
//! Loopback unless told; targets validated, optionally allow-listed;
//! probes in flight and connections bounded (503 / closed, never a queue).

mod http;
mod metrics;
mod process;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use tokio::sync::Semaphore;

use super::SweepArgs;
use super::fleet_engine::Engine;
use crate::config::{Resolved, SweepOverrides};
use crate::error::Failure;

/// Where the exporter listens unless told: loopback, port 15061 (outside
/// the 9100–9999 range Prometheus's port allocation list has given out;
/// "5061" for SIP over TLS).
pub const DEFAULT_LISTEN: &str = "127.0.0.1:15061";
/// Probes at once unless `--max-in-flight` says otherwise.
pub const DEFAULT_IN_FLIGHT: usize = 64;
/// Open connections at once; more are closed at accept.
const MAX_CONNECTIONS: usize = 1024;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on, IP:PORT [default: 127.0.0.1:15061] (another IP than loopback lets others probe through it)
    #[arg(long, value_name = "IP:PORT", env = "SIPSCOPE_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Probe only domains matching PATTERN (`contoso.com`, or `*.contoso.com` for its subdomains; repeatable); others get 403
    #[arg(
        long = "allow-domain",
        value_name = "PATTERN",
        env = "SIPSCOPE_ALLOW_DOMAIN",
        value_delimiter = ','
    )]
    pub allow_domains: Vec<String>,
    /// Probes at the same time; more get 503 [default: 64]
    #[arg(long, value_name = "N", env = "SIPSCOPE_MAX_IN_FLIGHT")]
    pub max_in_flight: Option<usize>,
    #[command(flatten)]
    pub sweep: SweepArgs,
}

/// The exporter's own metrics (`/metrics`).
pub struct Own {
    pub registry: Registry,
    pub probes: Family<Vec<(String, String)>, Counter>,
    pub in_flight: Gauge,
    pub durations: Histogram,
    pub process: process::Process,
}

impl Own {
    fn new() -> Own {
        let mut registry = Registry::default();
        let probes = Family::<Vec<(String, String)>, Counter>::default();
        registry.register(
            "sipscope_exporter_probes",
            "Probes answered, by result",
            probes.clone(),
        );
        let in_flight = Gauge::default();
        registry.register(
            "sipscope_exporter_probes_in_flight",
            "Probes running now",
            in_flight.clone(),
        );
        let durations = Histogram::new(exponential_buckets(0.05, 2.0, 10));
        registry.register(
            "sipscope_exporter_probe_duration_seconds",
            "How long probes took",
            durations.clone(),
        );
        let process = process::Process::register(&mut registry);
        Own {
            registry,
            probes,
            in_flight,
            durations,
            process,
        }
    }

    pub fn count(&self, result: &str) {
        self.probes
            .get_or_create(&vec![("result".to_string(), result.to_string())])
            .inc();
    }
}

/// What every request handler shares.
pub struct Shared {
    pub engine: Engine,
    pub allow: Vec<String>,
    pub probes: Semaphore,
    pub own: Own,
}

/// Whether `domain` may be probed: no list allows all; `*.x` allows the
/// subdomains of x, anything else that exact domain.
pub fn allowed(patterns: &[String], domain: &str) -> bool {
    patterns.is_empty()
        || patterns.iter().any(|p| match p.strip_prefix("*.") {
            Some(parent) => domain.ends_with(&format!(".{parent}")),
            None => p == domain,
        })
}

fn patterns(given: &[String], file: &[String]) -> Result<Vec<String>, Failure> {
    let list = if given.is_empty() { file } else { given };
    list.iter()
        .map(|p| {
            let (wild, rest) = match p.trim().strip_prefix("*.") {
                Some(r) => (true, r),
                None => (false, p.trim()),
            };
            let d = crate::input::normalise_domain(rest).map_err(|e| {
                Failure::usage(format!(
                    "--allow-domain {}: {e}; give a domain or *.domain",
                    crate::text::echo(p)
                ))
            })?;
            Ok(if wild { format!("*.{d}") } else { d })
        })
        .collect()
}

pub fn run(args: &ServeArgs, sweep: &SweepOverrides, config: &Resolved) -> Result<u8, Failure> {
    let listen = match args.listen {
        Some(a) => a,
        None => DEFAULT_LISTEN
            .parse()
            .map_err(|_| Failure::runtime("bad default address"))?,
    };
    let limit = args.max_in_flight.unwrap_or(DEFAULT_IN_FLIGHT);
    if !(1..=10_000).contains(&limit) {
        return Err(Failure::usage(format!(
            "--max-in-flight {limit} is out of range; give 1 to 10000"
        )));
    }
    let allow = patterns(&args.allow_domains, &config.config.allow_domains)?;
    let shared = Arc::new(Shared {
        engine: Engine::new(sweep, config)?,
        allow,
        probes: Semaphore::new(limit),
        own: Own::new(),
    });
    let runtime = super::runtime::runtime()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
            Failure::usage(format!("cannot listen on {listen}: {e}; give another --listen IP:PORT"))
        })?;
        let bound = listener.local_addr().unwrap_or(listen);
        if !bound.ip().is_loopback() {
            crate::out::eprintln(&format!(
                "sipscope: warning: listening on {bound}, not loopback: anyone who reaches it can make this host probe domains (use --allow-domain)"
            ));
        }
        crate::out::eprintln(&format!("sipscope: exporter listening on http://{bound}/"));
        let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
        loop {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => return Ok(crate::error::exit::OK),
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else {
                        // Out of file descriptors, say: wait, do not spin.
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    };
                    // Over the bound: closed at once, never queued.
                    let Ok(permit) = connections.clone().try_acquire_owned() else { continue };
                    let shared = shared.clone();
                    tokio::spawn(async move {
                        http::serve(stream, shared).await;
                        drop(permit);
                    });
                }
            }
        }
    })
}

/// The probe's time budget: Prometheus's scrape timeout less a margin, or
/// a default; never more than a minute.
pub fn budget(header: Option<&str>) -> Duration {
    const MARGIN: f64 = 0.5;
    let secs = header
        .and_then(|h| h.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map_or(10.0, |s| (s - MARGIN).max(0.1));
    Duration::from_secs_f64(secs.min(60.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    // The allow-list: exact domains, and `*.x` for x's subdomains only.
    #[test]
    fn allow_list_patterns() {
        let p = vec!["contoso.com".to_string(), "*.fabrikam.com".to_string()];
        assert!(allowed(&p, "contoso.com"));
        assert!(!allowed(&p, "sub.contoso.com"));
        assert!(allowed(&p, "eu.fabrikam.com"));
        assert!(!allowed(&p, "fabrikam.com"));
        assert!(!allowed(&p, "evilfabrikam.com"));
        assert!(allowed(&[], "anything.test"));
        assert!(patterns(&["bad domain!".into()], &[]).is_err());
        assert_eq!(
            patterns(&["*.Contoso.COM.".into()], &[]).unwrap(),
            ["*.contoso.com"]
        );
    }

    // Prometheus's scrape timeout, less half a second; bad headers ignored.
    #[test]
    fn budget_follows_the_scrape_timeout() {
        assert_eq!(budget(Some("10")), Duration::from_millis(9500));
        assert_eq!(budget(Some("0.2")), Duration::from_millis(100));
        assert_eq!(budget(None), Duration::from_secs(10));
        assert_eq!(budget(Some("NaN")), Duration::from_secs(10));
        assert_eq!(budget(Some("-3")), Duration::from_secs(10));
        assert_eq!(budget(Some("1e9")), Duration::from_secs(60));
    }
}
