//! D11: the typed state of one of the zone's servers (issue 17 item 5).

use serde::{Deserialize, Serialize};

/// D11: how one of the zone's servers stands. Saved and printed as its
/// sentence (`current`, `lagging: serial 1, …`), the JSON's `status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerState {
    /// It has the newest serial.
    Current,
    /// An older serial than another server: replication pending.
    Lagging { serial: u32, newest: u32 },
    /// It answered without an SOA serial.
    NoSerial,
    /// It could not be asked: why, in words.
    Failed(String),
}

impl ServerState {
    pub fn is_current(&self) -> bool {
        *self == ServerState::Current
    }

    pub fn is_lagging(&self) -> bool {
        matches!(self, ServerState::Lagging { .. })
    }
}

impl std::fmt::Display for ServerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServerState::Current => f.write_str("current"),
            ServerState::Lagging { serial, newest } => write!(
                f,
                "lagging: serial {serial}, another server has {newest} (replication pending)"
            ),
            ServerState::NoSerial => f.write_str("no SOA serial"),
            ServerState::Failed(why) => f.write_str(why),
        }
    }
}

/// Reads a saved sentence back (snapshots store the words).
impl From<&str> for ServerState {
    fn from(s: &str) -> ServerState {
        let lagging = s
            .strip_prefix("lagging: serial ")
            .and_then(|rest| rest.strip_suffix(" (replication pending)"))
            .and_then(|rest| rest.split_once(", another server has "))
            .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)));
        match (s, lagging) {
            ("current", _) => ServerState::Current,
            ("no SOA serial", _) => ServerState::NoSerial,
            (_, Some((serial, newest))) => ServerState::Lagging { serial, newest },
            _ => ServerState::Failed(s.to_string()),
        }
    }
}

impl PartialEq<&str> for ServerState {
    fn eq(&self, other: &&str) -> bool {
        match self {
            ServerState::Current => *other == "current",
            ServerState::NoSerial => *other == "no SOA serial",
            ServerState::Failed(why) => why == other,
            ServerState::Lagging { serial, newest } => matches!(
                ServerState::from(*other),
                ServerState::Lagging { serial: s, newest: n } if s == *serial && n == *newest
            ),
        }
    }
}

impl Serialize for ServerState {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ServerState {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ServerState, D::Error> {
        Ok(ServerState::from(String::deserialize(d)?.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // D11: every state reads back from the sentence a snapshot saved.
    #[test]
    fn d11_server_states_round_trip_through_their_sentence() {
        for st in [
            ServerState::Current,
            ServerState::Lagging {
                serial: 1,
                newest: 7,
            },
            ServerState::NoSerial,
            ServerState::Failed("no answer from 192.0.2.1:53 (timed out)".into()),
        ] {
            let json = serde_json::to_string(&st).unwrap();
            assert_eq!(serde_json::from_str::<ServerState>(&json).unwrap(), st);
        }
    }
}
