//! The key bindings, written once: the key bar and the help overlay are both
//! drawn from this list (and from an extension's own hints).

/// One key (or key group) and what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyHint {
    /// As shown: `r`, `↑/↓ j/k`, `Enter d`.
    pub keys: &'static str,
    /// The key bar's word.
    pub short: &'static str,
    /// The help overlay's sentence.
    pub long: &'static str,
    /// Shown in the key bar (every hint is in the help overlay).
    pub in_bar: bool,
}

const fn hint(
    keys: &'static str,
    short: &'static str,
    long: &'static str,
    in_bar: bool,
) -> KeyHint {
    KeyHint {
        keys,
        short,
        long,
        in_bar,
    }
}

/// The dashboard's own keys, most important first (a narrow key bar drops
/// from the end).
pub const KEYS: &[KeyHint] = &[
    hint(
        "r",
        "re-run",
        "re-run the sweep now (cancels a sweep in flight)",
        true,
    ),
    hint(
        "w",
        "watch",
        "watch: re-run every few seconds; press again to stop",
        true,
    ),
    hint(
        "e",
        "edit",
        "edit the address (Enter sweeps, Esc cancels)",
        true,
    ),
    hint(
        "p",
        "profile",
        "switch to the next client profile and re-sweep",
        true,
    ),
    hint(
        "s",
        "save snapshot",
        "save the session as a snapshot (JSON + Markdown)",
        true,
    ),
    hint(
        "↑↓",
        "move",
        "move between records (also j/k, Home/End)",
        true,
    ),
    hint(
        "d",
        "details",
        "expand the details of the row under the cursor (also Enter)",
        true,
    ),
    hint(
        "l",
        "log",
        "expand the event log (PgUp/PgDn scroll either pane)",
        true,
    ),
    hint(
        "v",
        "vantage",
        "show the next vantage's table and details (--vantage, D12)",
        true,
    ),
    hint(
        "a",
        "authoritative",
        "also ask the zone's own servers: stale resolver? lagging server? (D11)",
        true,
    ),
    hint("?", "help", "show or hide this help", true),
    hint(
        "q",
        "quit",
        "quit (also Ctrl-C); Esc only closes what is open",
        true,
    ),
];

/// Keys of the address field.
pub const EDIT_KEYS: &[KeyHint] = &[
    hint("Enter", "sweep", "check the address and sweep it", true),
    hint("Esc", "cancel", "leave the address unchanged", true),
    hint("←→", "move", "move in the field (Home/End too)", true),
    hint("Ctrl-U", "clear", "clear the field", true),
];
