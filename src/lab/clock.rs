//! Time as the lab's caching resolver sees it (D11: a cached answer's TTL
//! counts down with the seconds it has spent in the cache). The wall clock by
//! default; tests move a hand-held clock instead of sleeping, so they neither
//! wait nor depend on the machine's speed.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The wall clock, or a hand-moved one ([`LabClock::manual`]).
#[derive(Debug, Clone, Default)]
pub struct LabClock {
    manual: Option<Manual>,
}

#[derive(Debug, Clone)]
struct Manual {
    start: Instant,
    /// Milliseconds moved forward since `start`.
    moved: Arc<AtomicU64>,
}

impl LabClock {
    /// A clock that stands still until [`LabClock::advance`] moves it.
    pub fn manual() -> LabClock {
        LabClock {
            manual: Some(Manual {
                start: Instant::now(),
                moved: Arc::new(AtomicU64::new(0)),
            }),
        }
    }

    /// Moves a manual clock (and every clone of it) forward; the wall clock
    /// cannot be moved, so this does nothing there.
    pub fn advance(&self, by: Duration) {
        if let Some(m) = &self.manual {
            let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
            m.moved.fetch_add(ms, Ordering::SeqCst);
        }
    }

    /// Now, as this clock says.
    pub fn now(&self) -> Instant {
        match &self.manual {
            None => Instant::now(),
            Some(m) => m.start + Duration::from_millis(m.moved.load(Ordering::SeqCst)),
        }
    }

    /// Time since `then`, as this clock says (zero if `then` is later).
    pub fn since(&self, then: Instant) -> Duration {
        self.now().saturating_duration_since(then)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told_and_clones_share_it() {
        let clock = LabClock::manual();
        let then = clock.now();
        assert_eq!(clock.since(then), Duration::ZERO);
        let other = clock.clone();
        other.advance(Duration::from_millis(1500));
        assert_eq!(clock.since(then), Duration::from_millis(1500));
        assert_eq!(
            clock.since(clock.now() + Duration::from_secs(1)),
            Duration::ZERO
        );
    }

    #[test]
    fn the_wall_clock_ignores_advance() {
        let clock = LabClock::default();
        let then = clock.now();
        clock.advance(Duration::from_secs(3600));
        assert!(clock.since(then) < Duration::from_secs(3600));
    }
}
