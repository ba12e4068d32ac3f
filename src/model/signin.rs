//! Whether sign-in works, as `verdict.signin` says (D7): its own file so
//! the verdict (`select`) and its D18 state (`state`) both use it without
//! importing each other.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Signin {
    Ok,
    Fail,
    /// The sweep has not decided yet (a row ranked ahead is still in flight):
    /// not a failure.
    #[default]
    Undecided,
}
