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
