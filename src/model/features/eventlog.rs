//! D10 — log lines in the spirit of Communicator's own event log, so an
//! engineer can compare the dashboard with what a client logged.

use crate::model::{RecordResult, Status, SweepReport};
use crate::plan::RowKind;

/// What a log line is, so the dashboard styles it without reading its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogKind {
    /// Progress and bookkeeping.
    #[default]
    Info,
    /// A client-style event (D10 Event IDs).
    Event,
    /// A row's status changed since the previous sweep.
    Change,
    /// Something did not work (a sweep, a save, a fix).
    Problem,
}

/// One line for a finished row: "#1 SRV _sipinternaltls._tcp.d: found — …".
pub fn row_line(r: &RecordResult) -> String {
    format!(
        "#{} {} {}: {} — {}",
        r.index,
        r.kind.label(),
        r.name,
        r.status,
        r.detail
    )
}

/// Communicator-style entries for a finished sweep (Event IDs 1, 3 and 4).
pub fn client_events(report: &SweepReport) -> Vec<String> {
    let mut out = Vec::new();
    let srv: Vec<&RecordResult> = report
        .records
        .iter()
        .filter(|r| r.kind == RowKind::Srv)
        .collect();
    if !srv.is_empty()
        && srv
            .iter()
            .all(|r| r.status == Status::Missing && r.targets.is_empty())
    {
        out.push(format!(
            "Event ID 1: no SRV records exist for domain {}; trying the host (A) records",
            report.domain
        ));
    }
    for r in &report.records {
        for t in &r.targets {
            if matches!(t.status, Status::Missing | Status::DnsError) && r.kind == RowKind::Srv {
                out.push(format!(
                    "Event ID 3: could not resolve the login server host name {}",
                    t.host
                ));
            }
        }
    }
    match report.selected.and_then(|i| report.record(i)) {
        None => out.push(format!(
            "Event ID 3: could not resolve a login server host name for {}; the client reports \"Cannot sign in because the server is temporarily unavailable\"",
            report.domain
        )),
        Some(r) if r.status == Status::CertMismatch => {
            let host = r.used().map(|t| t.host.as_str()).unwrap_or(&r.name);
            out.push(format!(
                "Event ID 4: could not connect securely to {host} because the certificate did not match the expected host name"
            ));
        }
        Some(r) if r.status == Status::Untrusted => {
            let host = r.used().map(|t| t.host.as_str()).unwrap_or(&r.name);
            out.push(format!(
                "There was a problem verifying the certificate from the server {host}: the issuing CA is not trusted or the certificate is not in date"
            ));
        }
        // D17: the REGISTER got no SIP answer.
        Some(r) if r.status == Status::NotSip => {
            let used = r.used();
            let at = used.map_or_else(|| r.name.clone(), |t| format!("{}:{}", t.host, t.port));
            let instead = used
                .and_then(|t| t.sip.as_ref())
                .map_or_else(|| "no SIP answer".to_string(), |s| s.instead());
            out.push(format!(
                "The REGISTER sent to {at} got {instead}, not a SIP answer: the client cannot sign in there"
            ));
        }
        Some(_) => {}
    }
    out.push(format!("Verdict: {}", report.verdict.summary));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Verdict;

    fn report(statuses: &[Status]) -> SweepReport {
        let records = crate::model::test_support::rows(statuses);
        let mut rep = SweepReport {
            version: 1,
            input: "contoso.com".into(),
            domain: "contoso.com".into(),
            profile: "ocs2007".into(),
            resolvers: vec![],
            started_at: String::new(),
            elapsed_ms: 0,
            decided_ms: None,
            records,
            selected: None,
            verdict: Verdict::in_progress(""),
            clients: Vec::new(),
            expiry_warning_days: 30,
        };
        rep.decide();
        rep
    }

    // D10: Event ID 1 when no SRV exists, Event ID 4 when the chosen certificate mismatches.
    #[test]
    fn d10_event_ids() {
        use Status::*;
        let m = Missing;
        let lines = client_events(&report(&[m, m, m, m, CertMismatch, m, Found, m, m, m]));
        assert!(lines[0].starts_with("Event ID 1:"), "{lines:?}");
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("Event ID 4:") && l.contains("sipinternal.contoso.com")),
            "{lines:?}"
        );

        let none = client_events(&report(&[m; 10]));
        assert!(
            none.iter().any(|l| l.starts_with("Event ID 3:")),
            "{none:?}"
        );

        let ok = client_events(&report(&[Found, m, m, m, m, m, m, m, m, m]));
        assert!(!ok.iter().any(|l| l.starts_with("Event ID")), "{ok:?}");

        // D17: a selected not-sip row says the REGISTER got no SIP answer.
        let web = client_events(&report(&[NotSip, m, m, m, m, m, m, m, m, m]));
        assert!(
            web.iter()
                .any(|l| l.starts_with("The REGISTER sent to") && l.contains("not a SIP answer")),
            "{web:?}"
        );
    }
}
