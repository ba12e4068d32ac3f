//! D12: several vantages (groups of clients asking different resolvers) side
//! by side. Each has its own selected row and verdict; a deployment works only
//! when every vantage works, and the rows where they disagree stand out.

use serde::{Deserialize, Serialize};

use crate::model::{Signin, Status, SweepReport, Verdict};

/// One vantage's sweep, as the JSON's `vantages[]` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VantageReport {
    pub label: String,
    pub resolvers: Vec<String>,
    pub records: Vec<crate::model::RecordResult>,
    pub selected: Option<usize>,
    pub verdict: Verdict,
}

impl VantageReport {
    pub fn of(label: &str, report: &SweepReport) -> VantageReport {
        VantageReport {
            label: label.to_string(),
            resolvers: report.resolvers.clone(),
            records: report.records.clone(),
            selected: report.selected,
            verdict: report.verdict.clone(),
        }
    }
}

/// A row on which the vantages do not agree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    pub index: usize,
    pub name: String,
    /// Each vantage's status of the row, in vantage order.
    pub statuses: Vec<(String, Status)>,
    /// Whether the vantages' clients use different rows (one selects it, another not).
    pub selection_differs: bool,
}

impl std::fmt::Display for Disagreement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let each: Vec<String> = self
            .statuses
            .iter()
            .map(|(label, st)| format!("{label} {st}"))
            .collect();
        write!(
            f,
            "record {} ({}): {}",
            self.index,
            self.name,
            each.join(", ")
        )
    }
}

/// D12: rows whose status, or whose being the client's choice, differs
/// between vantages. Rows are matched by position: every vantage sweeps the
/// same profile.
pub fn disagreements(vantages: &[VantageReport]) -> Vec<Disagreement> {
    let Some(first) = vantages.first() else {
        return Vec::new();
    };
    first
        .records
        .iter()
        .filter_map(|row| {
            let statuses: Vec<(String, Status)> = vantages
                .iter()
                .filter_map(|v| {
                    v.records
                        .iter()
                        .find(|r| r.index == row.index)
                        .map(|r| (v.label.clone(), r.status))
                })
                .collect();
            let chosen: Vec<bool> = vantages
                .iter()
                .map(|v| v.selected == Some(row.index))
                .collect();
            let status_differs = statuses.windows(2).any(|w| w[0].1 != w[1].1);
            let selection_differs = chosen.windows(2).any(|w| w[0] != w[1]);
            (status_differs || selection_differs).then(|| Disagreement {
                index: row.index,
                name: row.name.clone(),
                statuses,
                selection_differs,
            })
        })
        .collect()
}

/// D12: the deployment works only when every vantage works.
pub fn all_work(vantages: &[VantageReport]) -> bool {
    !vantages.is_empty() && vantages.iter().all(|v| v.verdict.signin == Signin::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::test_support::rows;
    use crate::plan::CLASSIC_RANKING;

    fn vantage(label: &str, statuses: &[Status]) -> VantageReport {
        let records = rows(statuses);
        let selected = crate::model::select(&records, &CLASSIC_RANKING);
        let verdict = crate::model::verdict(&records, selected, "contoso.com", &CLASSIC_RANKING);
        VantageReport {
            label: label.into(),
            resolvers: vec![],
            records,
            selected,
            verdict,
        }
    }

    // D12: split-brain: inside uses the internal record, outside the Edge;
    // both work, and the rows that differ are named.
    #[test]
    fn d12_disagreeing_rows_and_the_joint_verdict() {
        use Status::*;
        let m = Missing;
        let inside = vantage("inside", &[Found, m, Found, m, m, m, m, m, m, m]);
        let outside = vantage("outside", &[m, m, Found, m, m, m, m, m, m, m]);
        let both = [inside.clone(), outside.clone()];
        let d = disagreements(&both);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].index, 1);
        assert!(d[0].to_string().contains("inside found, outside missing"));
        assert_eq!(d[1].index, 3, "row 3 is used outside only");
        assert!(d[1].selection_differs);
        assert!(all_work(&both));

        let broken = vantage("outside", &[m; 10]);
        assert!(!all_work(&[inside.clone(), broken]));
        assert!(disagreements(&[inside.clone(), inside]).is_empty());
    }
}
