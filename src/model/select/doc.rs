//! How a verdict is read back (snapshots, older documents).

use serde::Deserialize;

/// How a verdict is read: a document written before D18 has no `state`;
/// its `signin` stands for it (older snapshots still load).
#[derive(Deserialize)]
pub(crate) struct VerdictDoc {
    signin: super::Signin,
    summary: String,
    #[serde(default)]
    cause: super::Cause,
    #[serde(default)]
    state: Option<crate::model::State>,
    #[serde(default)]
    degraded: Vec<crate::model::state::Degraded>,
}

impl From<VerdictDoc> for super::Verdict {
    fn from(d: VerdictDoc) -> Self {
        super::Verdict {
            signin: d.signin,
            summary: d.summary,
            cause: d.cause,
            state: d.state.unwrap_or(crate::model::State::of_signin(d.signin)),
            degraded: d.degraded,
        }
    }
}
