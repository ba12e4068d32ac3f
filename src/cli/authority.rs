//! `sipscope check --authoritative` (D11): the zone's own servers beside the
//! resolver's answers (rendered by `report`).

use crate::error::Failure;
use crate::model::SweepReport;
use crate::model::authority::Authority;
use crate::sweep::SweepOptions;

/// Finds the zone and asks its servers every question of `report`, then
/// judges the report against their answers.
pub async fn look(report: &SweepReport, options: &SweepOptions) -> Result<Authority, Failure> {
    let evidence = crate::sweep::authority::look(report, options)
        .await
        .map_err(Failure::runtime)?;
    Ok(Authority::of(report, &evidence))
}
