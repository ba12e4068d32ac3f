//! Wall-clock time for log stamps, the header and certificate expiry. Injected
//! so the reducer stays pure and tests render fixed times.

use time::{OffsetDateTime, UtcOffset};

pub trait Clock: Send {
    fn now(&self) -> OffsetDateTime;

    /// `HH:MM:SS` for log lines and the header.
    fn stamp(&self) -> String {
        let t = self.now();
        format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
    }
}

/// The system clock shown in one fixed offset. The local offset is read once
/// at start-up, before any thread exists (the `time` crate refuses later).
pub struct SystemClock {
    offset: UtcOffset,
}

impl SystemClock {
    pub fn new(offset: UtcOffset) -> SystemClock {
        SystemClock { offset }
    }

    /// The local offset if it can be read safely now, else UTC.
    pub fn local() -> SystemClock {
        SystemClock::new(UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC))
    }
}

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc().to_offset(self.offset)
    }
}

/// Always the same instant (tests, snapshots).
pub struct FixedClock(pub OffsetDateTime);

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}
