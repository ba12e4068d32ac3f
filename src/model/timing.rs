//! The one duration conversion every timing uses.

/// Milliseconds of a duration, saturating: the one conversion every timing uses.
pub fn ms(d: std::time::Duration) -> u64 {
    d.as_millis().try_into().unwrap_or(u64::MAX)
}
