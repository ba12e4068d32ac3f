//! The `[expect]` part of a scenario file: the statuses a sweep in a given
//! profile must end with, per named row, the selected row and the verdict.

use serde::Deserialize;

use super::scenario::{Expectation, ExpectedRow};
use crate::model::{Cause, Signin, Status};
use crate::plan;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawExpectation {
    /// The profile whose rows `rows` lists, in order (default: the default profile).
    #[serde(default)]
    profile: Option<String>,
    rows: Vec<Status>,
    selected: Selected,
    signin: Signin,
    /// The verdict's cause (JSON `cause`), checked when given.
    #[serde(default)]
    cause: Option<Cause>,
}

/// `selected = 3` or `selected = "none"`.
#[derive(Deserialize)]
#[serde(untagged)]
enum Selected {
    Row(i64),
    Word(String),
}

/// `[expect.before]` (a table: one expectation) or `[[expect.before]]` (an
/// array: one per profile, e.g. `sfb` and `mobile`; each profile at most once).
pub(super) fn expectations(value: toml::Value) -> Result<Vec<Expectation>, String> {
    let tables = match value {
        toml::Value::Array(items) => items,
        table => vec![table],
    };
    if tables.is_empty() {
        return Err("lists no expectation".into());
    }
    let mut out: Vec<Expectation> = Vec::new();
    for (i, t) in tables.into_iter().enumerate() {
        let raw: RawExpectation = t.try_into().map_err(|e: toml::de::Error| {
            let msg = e.to_string();
            if out.is_empty() {
                msg
            } else {
                format!("[{i}]: {msg}")
            }
        })?;
        let e = expectation(raw)?;
        if out.iter().any(|o| o.profile == e.profile) {
            return Err(format!("profile {} is expected twice", e.profile));
        }
        out.push(e);
    }
    Ok(out)
}

fn expectation(raw: RawExpectation) -> Result<Expectation, String> {
    let profile_name = raw.profile.as_deref().unwrap_or(plan::DEFAULT_PROFILE);
    let profile = plan::profile(profile_name).map_err(|e| e.to_string())?;
    let count = profile.rows.len();
    if raw.rows.len() != count {
        return Err(format!(
            "rows lists {} statuses, profile {profile_name} has {count}",
            raw.rows.len()
        ));
    }
    // Expectations describe finished sweeps: the in-flight statuses have no place here.
    if let Some(st) = raw.rows.iter().find(|st| st.in_flight()) {
        return Err(format!(
            "rows lists \"{st}\", which is not a final status (D8)"
        ));
    }
    let rows: Vec<ExpectedRow> = profile
        .rows
        .iter()
        .zip(&raw.rows)
        .map(|(row, status)| ExpectedRow {
            name: row.name().to_string(),
            transport: row.transport(),
            status: *status,
        })
        .collect();
    let selected = match raw.selected {
        Selected::Word(w) if w == "none" => None,
        Selected::Word(w) => {
            return Err(format!("selected = \"{w}\": use a row number or \"none\""));
        }
        Selected::Row(n) if (1..=count as i64).contains(&n) => Some(n as usize),
        Selected::Row(n) => return Err(format!("selected = {n} is not a row 1..={count}")),
    };
    // D7: sign-in succeeds only when the selected row is found. D13
    // addendum: a found autodiscover row that redirects online fails
    // (homed-online); the scenario says so with its cause.
    let selected_status = selected.map(|s| rows[s - 1].status);
    let homed_online = raw.cause == Some(Cause::HomedOnline)
        && raw.signin == Signin::Fail
        && selected_status == Some(Status::Found);
    if !homed_online && (raw.signin == Signin::Ok) != (selected_status == Some(Status::Found)) {
        return Err(format!(
            "signin = {:?} contradicts D7 (selected row {selected:?} has status {})",
            raw.signin,
            selected_status.map_or("none", Status::label)
        ));
    }
    Ok(Expectation {
        profile: profile_name.to_string(),
        rows,
        selected,
        signin: raw.signin,
        cause: raw.cause,
    })
}
