//! When the verdict was decided (issue 17 item 4, D7): the verdict stands
//! once the rows ranked ahead of the selected one are final, which can be
//! long before the sweep ends (the additional-section fast path, slow rows
//! the client never reaches). The sweep shows every row change to a
//! [`Decision`]; `decided_ms` in the JSON is the moment the final verdict
//! was first reached, so the time-to-verdict is observable from outside.

use crate::model::select::{Cause, Signin};
use crate::model::{RecordResult, SweepReport};
use crate::plan::RowClass;

/// Follows a sweep's visible rows and remembers when its verdict was decided.
#[derive(Debug, Clone)]
pub struct Decision {
    report: SweepReport,
    ranking: Vec<RowClass>,
    /// The decided verdict last seen, and since when (ms since the start).
    since: Option<((Signin, Cause), u64)>,
}

impl Decision {
    /// Starts from the report before anything is asked (every row pending).
    pub fn new(initial: &SweepReport) -> Decision {
        let ranking = crate::plan::ranking(&initial.profile)
            .unwrap_or(&crate::plan::CLASSIC_RANKING)
            .to_vec();
        Decision {
            report: initial.clone(),
            ranking,
            since: None,
        }
    }

    /// A row changed at `elapsed_ms`; rows this report does not show are ignored.
    pub fn see(&mut self, row: &RecordResult, elapsed_ms: u64) {
        let Some(slot) = self
            .report
            .records
            .iter_mut()
            .find(|r| r.index == row.index)
        else {
            return;
        };
        *slot = row.clone();
        let records = &self.report.records;
        let selected = crate::model::select(records, &self.ranking);
        let v = crate::model::verdict(records, selected, &self.report.domain, &self.ranking);
        if v.signin == Signin::Undecided {
            self.since = None;
            return;
        }
        let now = (v.signin, v.cause);
        if self.since.is_none_or(|(seen, _)| seen != now) {
            self.since = Some((now, elapsed_ms));
        }
    }

    /// When `report`'s (final) verdict was first reached: the moment seen,
    /// or the sweep's end when the rows seen never reached it.
    pub fn decided_ms(&self, report: &SweepReport) -> u64 {
        match self.since {
            Some((seen, at)) if seen == (report.verdict.signin, report.verdict.cause) => {
                at.min(report.elapsed_ms)
            }
            _ => report.elapsed_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status::*;
    use crate::model::test_support::rows;

    fn initial(n: usize) -> SweepReport {
        let mut r: SweepReport = serde_json::from_value(serde_json::json!({
            "version": 1, "input": "contoso.com", "domain": "contoso.com",
            "profile": "ocs2007", "resolvers": [], "started_at": "", "elapsed_ms": 0,
            "records": [], "selected": null,
            "verdict": {"signin": "undecided", "summary": ""}
        }))
        .unwrap();
        r.records = rows(&vec![Pending; n]);
        r
    }

    // D7: the verdict is decided when the first-ranked row is found, even
    // while later rows are still pending; decided_ms keeps that moment.
    #[test]
    fn d7_decided_when_the_rows_ahead_are_final() {
        let mut d = Decision::new(&initial(3));
        let done = rows(&[Found, Missing, Missing]);
        d.see(&done[1], 5);
        d.see(&done[0], 7);
        d.see(&done[2], 90);
        let mut report = initial(3);
        report.records = done;
        report.elapsed_ms = 100;
        report.decide();
        assert_eq!(report.verdict.signin, Signin::Ok);
        assert_eq!(d.decided_ms(&report), 7);
    }

    // D7: a row ahead still in flight keeps the verdict open; a verdict that
    // changes later (the fresh answer overrides, D11) moves the moment.
    #[test]
    fn d7_undecided_and_changed_verdicts_move_the_moment() {
        let mut d = Decision::new(&initial(2));
        let found = rows(&[Found, Missing]);
        d.see(&found[1], 3);
        let mut report = initial(2);
        report.elapsed_ms = 50;
        report.records = found.clone();
        report.decide();
        assert_eq!(d.decided_ms(&report), 50, "row 1 was never seen final");
        d.see(&found[0], 10);
        let mut broken = found[0].clone();
        broken.status = Unreachable;
        broken.targets[0].status = Unreachable;
        d.see(&broken, 20);
        d.see(&found[0], 30);
        assert_eq!(d.decided_ms(&report), 30);
    }
}
