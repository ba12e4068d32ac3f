//! The `/probe` answer: one fresh registry per probe (as blackbox_exporter
//! does, so no series leaks into another probe), encoded by
//! `prometheus-client` (names, HELP/TYPE lines and label escaping are the
//! crate's). Names follow blackbox's where it has one (`probe_success`,
//! `probe_duration_seconds`, `probe_ssl_earliest_cert_expiry`).

use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use super::super::fleet_engine::Checked;
use crate::model::{Signin, State};

type Labels = Vec<(String, String)>;
type FGauge = Gauge<f64, AtomicU64>;

fn gauge(reg: &mut Registry, name: &str, help: &str, value: f64) {
    let g = FGauge::default();
    g.set(value);
    reg.register(name, help, g);
}

fn family(reg: &mut Registry, name: &str, help: &str) -> Family<Labels, FGauge> {
    let f = Family::<Labels, FGauge>::default();
    reg.register(name, help, f.clone());
    f
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Seconds since the epoch of an RFC 3339 time.
fn unix(t: &str) -> Option<f64> {
    time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp() as f64)
}

/// A probe that could not finish (time budget spent, check failed to run).
pub fn failed(seconds: f64) -> String {
    let mut reg = Registry::default();
    gauge(
        &mut reg,
        "probe_success",
        "Whether sign-in works (ok or degraded, D18)",
        0.0,
    );
    gauge(
        &mut reg,
        "probe_duration_seconds",
        "How long the probe took",
        seconds,
    );
    render(&reg)
}

/// The metrics of one finished check.
pub fn of(c: &Checked, seconds: f64) -> String {
    let mut reg = Registry::default();
    let r = c.report();
    let state = c.state();
    let works = state.passes(false);
    gauge(
        &mut reg,
        "probe_success",
        "Whether sign-in works (ok or degraded, D18)",
        f64::from(u8::from(works)),
    );
    gauge(
        &mut reg,
        "probe_duration_seconds",
        "How long the probe took",
        seconds,
    );
    let states = family(
        &mut reg,
        "sipscope_state",
        "The verdict's state (D18): 1 for the current one",
    );
    for s in [State::Ok, State::Degraded, State::Fail] {
        states
            .get_or_create(&labels(&[("state", s.label())]))
            .set(f64::from(u8::from(s == state)));
    }
    let rows = family(
        &mut reg,
        "sipscope_record_status",
        "One series per record of the profile, its status as a label",
    );
    for rec in &r.records {
        let index = rec.index.to_string();
        rows.get_or_create(&labels(&[
            ("index", &index),
            ("name", &rec.name),
            ("type", rec.kind.label()),
            ("transport", rec.transport.label()),
            ("status", rec.status.label()),
        ]))
        .set(1.0);
    }
    let clients = family(
        &mut reg,
        "sipscope_client_signin",
        "Whether each built-in client generation signs in (1) or not (0)",
    );
    for cv in &r.clients {
        clients
            .get_or_create(&labels(&[("profile", &cv.profile)]))
            .set(f64::from(u8::from(cv.signin == Signin::Ok)));
    }
    let certs = family(
        &mut reg,
        "sipscope_certificate_not_after_timestamp_seconds",
        "When each probed host's certificate expires (Unix time)",
    );
    for t in r.records.iter().flat_map(|x| &x.targets) {
        if let Some(at) = t.certificate.as_ref().and_then(|c| unix(&c.not_after)) {
            certs.get_or_create(&labels(&[("host", &t.host)])).set(at);
        }
    }
    // blackbox's name: the certificate the client uses.
    let used = r
        .selected
        .and_then(|i| r.record(i))
        .and_then(|x| x.used())
        .and_then(|t| t.certificate.as_ref())
        .and_then(|c| unix(&c.not_after));
    if let Some(at) = used {
        gauge(
            &mut reg,
            "probe_ssl_earliest_cert_expiry",
            "When the certificate of the record the client uses expires (Unix time)",
            at,
        );
    }
    let ttls = family(
        &mut reg,
        "sipscope_dns_ttl_seconds",
        "TTL of each record's DNS answer",
    );
    for rec in &r.records {
        if let Some(ttl) = rec.ttl {
            ttls.get_or_create(&labels(&[("name", &rec.name), ("type", rec.kind.label())]))
                .set(f64::from(ttl));
        }
    }
    if let Some(a) = c.authority.get(c.top).and_then(Option::as_ref) {
        let serials = family(
            &mut reg,
            "sipscope_authoritative_soa_serial",
            "SOA serial of each of the zone's servers (D11)",
        );
        for s in &a.view.servers {
            if let Some(serial) = s.serial {
                serials
                    .get_or_create(&labels(&[
                        ("zone", &a.view.zone),
                        ("server", &s.name),
                        ("address", &s.address),
                    ]))
                    .set(f64::from(serial));
            }
        }
        let agree = a.records.values().all(|x| x.agrees);
        gauge(
            &mut reg,
            "sipscope_resolver_agrees_with_zone",
            "1 when the resolver's answers match the zone's own servers (D11)",
            f64::from(u8::from(agree)),
        );
    }
    render(&reg)
}

pub fn render(reg: &Registry) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = encode(&mut out, reg);
    out
}

/// The two exposition formats. Prometheus asks for OpenMetrics (what
/// `prometheus-client` writes); anything else (curl, a browser, `promtool
/// check metrics`) gets the classic text format 0.0.4, as client_golang does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    OpenMetrics,
    Classic,
}

impl Format {
    /// From the request's `Accept` header: OpenMetrics when it lists
    /// `application/openmetrics-text` with a weight above zero.
    pub fn negotiate(accept: Option<&str>) -> Format {
        let wants = accept.is_some_and(|a| {
            a.split(',').any(|range| {
                let mut parts = range.split(';').map(str::trim);
                let kind = parts.next().unwrap_or("");
                let refused = parts.any(|p| {
                    p.split_once('=').is_some_and(|(k, v)| {
                        k.trim().eq_ignore_ascii_case("q") && v.trim().parse::<f64>() == Ok(0.0)
                    })
                });
                kind.eq_ignore_ascii_case("application/openmetrics-text") && !refused
            })
        });
        if wants {
            Format::OpenMetrics
        } else {
            Format::Classic
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
            Format::Classic => "text/plain; version=0.0.4; charset=utf-8",
        }
    }

    /// `text` (the crate's OpenMetrics) in this format.
    pub fn write(self, text: String) -> String {
        match self {
            Format::OpenMetrics => text,
            Format::Classic => classic(&text),
        }
    }
}

/// OpenMetrics text as the classic format 0.0.4: a counter family is named
/// with its `_total` suffix (its samples already are), `_created` samples,
/// `# UNIT` and `# EOF` lines go, `unknown` is `untyped`, and HELP keeps only
/// the escapes the classic format knows (`\\`, `\n`). Label values are
/// escaped the same way in both.
pub fn classic(om: &str) -> String {
    let counters: std::collections::HashSet<&str> = om
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|rest| rest.rsplit_once(' '))
        .filter(|(_, kind)| *kind == "counter")
        .map(|(name, _)| name)
        .collect();
    let mut out = String::with_capacity(om.len() + 64);
    for line in om.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').unwrap_or((rest, ""));
            let help = help.replace("\\\"", "\"");
            let suffix = if counters.contains(name) {
                "_total"
            } else {
                ""
            };
            out.push_str(&format!("# HELP {name}{suffix} {help}\n"));
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.rsplit_once(' ').unwrap_or((rest, "untyped"));
            let (suffix, kind) = match kind {
                "counter" => ("_total", "counter"),
                "gauge" | "histogram" | "summary" => ("", kind),
                _ => ("", "untyped"),
            };
            out.push_str(&format!("# TYPE {name}{suffix} {kind}\n"));
            continue;
        }
        let sample = line.split(['{', ' ']).next().unwrap_or("");
        if sample
            .strip_suffix("_created")
            .is_some_and(|base| counters.contains(base))
        {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Prometheus's own Accept header asks for OpenMetrics; curl's does not.
    #[test]
    fn negotiates_the_format_from_accept() {
        let prometheus = "application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";
        assert_eq!(Format::negotiate(Some(prometheus)), Format::OpenMetrics);
        assert_eq!(Format::negotiate(Some("*/*")), Format::Classic);
        assert_eq!(Format::negotiate(None), Format::Classic);
        assert_eq!(
            Format::negotiate(Some(
                "text/plain;version=0.0.4;q=1, application/openmetrics-text; q=0"
            )),
            Format::Classic
        );
        assert_eq!(
            Format::negotiate(Some("Application/OpenMetrics-Text")),
            Format::OpenMetrics
        );
    }

    // A counter family keeps its `_total` name in the classic format, and
    // the OpenMetrics-only lines go; gauges and histograms are unchanged.
    #[test]
    fn classic_renames_counters_and_drops_openmetrics_lines() {
        let mut reg = Registry::default();
        let c = prometheus_client::metrics::counter::Counter::<u64>::default();
        c.inc();
        reg.register("x_probes", "Probes \"answered\"", c);
        gauge(&mut reg, "x_up", "Up", 1.0);
        let h = prometheus_client::metrics::histogram::Histogram::new([1.0]);
        h.observe(0.5);
        reg.register("x_seconds", "Time", h);
        let om = render(&reg);
        assert!(om.contains("# TYPE x_probes counter"), "{om}");
        let text = classic(&om);
        assert!(
            text.contains("# HELP x_probes_total Probes \"answered\".\n"),
            "{text}"
        );
        assert!(text.contains("# TYPE x_probes_total counter\n"), "{text}");
        assert!(text.contains("x_probes_total 1\n"), "{text}");
        assert!(text.contains("# TYPE x_up gauge\nx_up 1"), "{text}");
        assert!(text.contains("x_seconds_bucket{le=\"1.0\"} 1"), "{text}");
        assert!(!text.contains("# EOF"), "{text}");
        assert!(!text.contains("# TYPE x_probes counter"), "{text}");
    }
}
