//! Builders for the model's unit tests (compiled only for tests).

use super::{RecordResult, Status, TargetResult};
use crate::plan::{DEFAULT_PROFILE, RowKind, profile};

/// The default profile's rows with the given statuses; resolved rows get a target.
pub(crate) fn rows(statuses: &[Status]) -> Vec<RecordResult> {
    let queries = profile(DEFAULT_PROFILE).unwrap().queries("contoso.com");
    queries
        .iter()
        .zip(statuses)
        .map(|(q, st)| {
            let mut r = RecordResult::pending(q);
            r.status = *st;
            if st.resolved() {
                let mut t = TargetResult::new(
                    if q.kind == RowKind::Srv {
                        "pool.contoso.com"
                    } else {
                        &q.name
                    },
                    q.port.unwrap_or(5061),
                );
                t.status = *st;
                t.addresses = vec!["192.0.2.1".into()];
                t.detail = "connection refused".into();
                r.targets.push(t);
                r.used_target = Some(0);
            }
            r
        })
        .collect()
}
