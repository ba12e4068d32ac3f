//! [`Judged`]: a status with the reason for it, what every judgement returns.

use super::reason::Reason;
use super::status::Status;

/// A status with the reason for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judged {
    pub status: Status,
    pub reason: Reason,
}

impl Judged {
    pub(super) fn new(status: Status, reason: Reason) -> Judged {
        Judged { status, reason }
    }
}
