//! D11: ask the zone's own servers every question a sweep asks, through the
//! sweep's resolvers (to find the zone and its servers) and its dial
//! overrides (the lab). `check --authoritative` and the dashboard's `a` use it.

use crate::model::SweepReport;
use crate::model::authority::AuthorityEvidence;
use crate::probe::Dns;

use super::SweepOptions;

/// Finds the zone of `report`'s domain and asks its servers each of the
/// report's questions. Only the rows' names and kinds are read, so the
/// report may still be in flight.
pub async fn look(
    report: &SweepReport,
    options: &SweepOptions,
) -> Result<AuthorityEvidence, String> {
    let resolver = Dns::new(&options.resolvers, options.timeout).map_err(|e| e.to_string())?;
    look_through(report, &resolver, options).await
}

/// [`look`] through a resolver handle already built (the engine's).
pub async fn look_through(
    report: &SweepReport,
    resolver: &Dns,
    options: &SweepOptions,
) -> Result<AuthorityEvidence, String> {
    let questions: Vec<_> = report
        .records
        .iter()
        .map(|r| (r.kind, r.name.clone()))
        .collect();
    crate::probe::authority::look(
        resolver,
        &report.domain,
        &questions,
        &options.dial,
        options.timeout,
    )
    .await
    .map_err(|e| format!("the authoritative check could not run: {e}"))
}
