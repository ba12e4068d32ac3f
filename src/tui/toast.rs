//! A toast: one transient line over the key bar ("snapshot saved to …"),
//! gone after a few seconds. While one is visible the App asks for ticks;
//! when it is gone an idle dashboard needs no timer again.

use std::time::Duration;

/// How long a toast stays.
pub const TOAST_TIME: Duration = Duration::from_secs(4);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    Ok,
    Fail,
    Info,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub kind: ToastKind,
    pub text: String,
    /// Time left on screen.
    pub left: Duration,
}

impl Toast {
    pub fn new(kind: ToastKind, text: impl Into<String>) -> Toast {
        Toast {
            kind,
            text: text.into(),
            left: TOAST_TIME,
        }
    }

    /// The toast after `elapsed`, or `None` when its time is up.
    pub fn aged(self, elapsed: Duration) -> Option<Toast> {
        let left = self.left.saturating_sub(elapsed);
        (!left.is_zero()).then_some(Toast { left, ..self })
    }
}
