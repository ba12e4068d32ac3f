//! D18 — ok, degraded, fail. Sign-in that works today can still be
//! `degraded`: something named will break it for some clients or soon. The
//! state is derived from the finished records and the selection (D7), after
//! the verdict sentence; each degraded reason is a stable code plus a
//! sentence.

use serde::{Deserialize, Serialize};

use super::{NameMatch, ReasonCode, RecordResult, Signin, Status, TargetResult};

/// The certificate warning window unless configured (`--expiry-warning-days`).
pub const DEFAULT_EXPIRY_WARNING_DAYS: u32 = 30;

pub(crate) fn default_window() -> u32 {
    DEFAULT_EXPIRY_WARNING_DAYS
}

/// `verdict.state` in the JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Ok,
    Degraded,
    Fail,
    /// Only while a sweep runs (the verdict's `signin` is `undecided`); a
    /// finished report is always ok, degraded or fail.
    #[default]
    Undecided,
}

impl State {
    pub fn label(self) -> &'static str {
        match self {
            State::Ok => "ok",
            State::Degraded => "degraded",
            State::Fail => "fail",
            State::Undecided => "undecided",
        }
    }

    /// For "the worst vantage": fail > undecided > degraded > ok.
    pub fn severity(self) -> u8 {
        match self {
            State::Ok => 0,
            State::Degraded => 1,
            State::Undecided => 2,
            State::Fail => 3,
        }
    }

    /// Sign-in works (ok or degraded); with `strict`, only ok counts.
    pub fn passes(self, strict: bool) -> bool {
        match self {
            State::Ok => true,
            State::Degraded => !strict,
            State::Fail | State::Undecided => false,
        }
    }

    /// The state a verdict without one (an older snapshot) stands for.
    pub fn of_signin(signin: Signin) -> State {
        match signin {
            Signin::Ok => State::Ok,
            Signin::Fail => State::Fail,
            Signin::Undecided => State::Undecided,
        }
    }
}

/// Why a working sign-in is degraded (`verdict.degraded[].code`). Codes are
/// a contract: never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DegradedCode {
    /// D15: the used server speaks only TLS 1.0/1.1 or old suites.
    LegacyTls,
    /// D14: some members of the used pool failed; others answered.
    PoolMemberDown,
    /// The used certificate expires within the warning window.
    CertificateExpiring,
    /// D9: only a wildcard covers the name; this profile accepts it with a warning.
    WildcardCertificate,
    // D17 hook: the SIP check (sip engineer) adds `NotMicrosoftRegistrar`
    // here and a `fn` in `CHECKS` below.
}

impl DegradedCode {
    /// A few words for banners and tables.
    pub fn words(self) -> &'static str {
        match self {
            DegradedCode::LegacyTls => "legacy TLS only",
            DegradedCode::PoolMemberDown => "a pool member down",
            DegradedCode::CertificateExpiring => "certificate expiring",
            DegradedCode::WildcardCertificate => "wildcard-only certificate",
        }
    }

    /// The code as written in the JSON, e.g. `legacy-tls`.
    pub fn label(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
}

/// One degraded reason: code and sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Degraded {
    pub code: DegradedCode,
    pub sentence: String,
}

/// What a check looks at: the selected row, its used target, the sweep's
/// start (the clock expiry is measured against, so re-deciding a snapshot
/// gives the same answer) and the window.
pub struct Used<'a> {
    pub row: &'a RecordResult,
    pub target: &'a TargetResult,
    pub started_at: Option<time::OffsetDateTime>,
    pub warning_days: u32,
}

type Check = fn(&Used) -> Option<Degraded>;

/// Every degraded check, in the order the reasons are listed.
const CHECKS: &[Check] = &[legacy_tls, pool_member_down, expiring, wildcard];

/// The state and degraded reasons for a decided verdict: `signin` fail or
/// undecided maps straight; ok becomes degraded when any check names a reason.
pub fn assess(
    signin: Signin,
    records: &[RecordResult],
    selected: Option<usize>,
    started_at: &str,
    warning_days: u32,
) -> (State, Vec<Degraded>) {
    if signin != Signin::Ok {
        return (State::of_signin(signin), Vec::new());
    }
    let Some(row) = selected.and_then(|i| records.iter().find(|r| r.index == i)) else {
        return (State::Ok, Vec::new());
    };
    let Some(target) = row.used() else {
        return (State::Ok, Vec::new());
    };
    let used = Used {
        row,
        target,
        started_at: time::OffsetDateTime::parse(
            started_at,
            &time::format_description::well_known::Rfc3339,
        )
        .ok(),
        warning_days,
    };
    let reasons: Vec<Degraded> = CHECKS.iter().filter_map(|c| c(&used)).collect();
    let state = if reasons.is_empty() {
        State::Ok
    } else {
        State::Degraded
    };
    (state, reasons)
}

fn legacy_tls(u: &Used) -> Option<Degraded> {
    let legacy = u.target.reason == Some(ReasonCode::LegacyTlsTrusted)
        || u.target.tls.as_ref().is_some_and(|t| t.legacy);
    legacy.then(|| {
        let version = u
            .target
            .tls
            .as_ref()
            .map_or("a legacy TLS version", |t| t.version.as_str());
        Degraded {
            code: DegradedCode::LegacyTls,
            sentence: format!(
                "{} speaks only {version}: clients with TLS 1.0/1.1 disabled cannot connect (D15); enable TLS 1.2 on the server.",
                u.target.host
            ),
        }
    })
}

fn pool_member_down(u: &Used) -> Option<Degraded> {
    let failed: Vec<&str> = u
        .target
        .probes
        .iter()
        .filter(|p| p.status != Status::Found)
        .map(|p| p.address.as_str())
        .collect();
    (!failed.is_empty()).then(|| Degraded {
        code: DegradedCode::PoolMemberDown,
        sentence: format!(
            "{} of {} addresses of {} failed ({}): clients that try them first wait, then use another member (D14); fix or remove them.",
            failed.len(),
            u.target.probes.len(),
            u.target.host,
            failed.join(", ")
        ),
    })
}

fn expiring(u: &Used) -> Option<Degraded> {
    let cert = u.target.certificate.as_ref()?;
    let days = cert.days_left_at(u.started_at?)?;
    // An expired certificate is judged by trust (untrusted), not here.
    (0..i64::from(u.warning_days)).contains(&days).then(|| Degraded {
        code: DegradedCode::CertificateExpiring,
        sentence: format!(
            "the certificate of {} expires in {days} days ({}), inside the {}-day warning window; renew it.",
            u.target.host, cert.not_after, u.warning_days
        ),
    })
}

fn wildcard(u: &Used) -> Option<Degraded> {
    let cert = u.target.certificate.as_ref()?;
    (cert.name_match == NameMatch::Wildcard).then(|| Degraded {
        code: DegradedCode::WildcardCertificate,
        sentence: format!(
            "{} is covered only by a wildcard certificate: this client accepts it, older ones (OCS, Lync Phone Edition) do not (D9); put the name on the certificate.",
            u.target.host
        ),
    })
}

/// The worst of several states (several vantages): the top-level verdict.
pub fn worst(states: impl IntoIterator<Item = State>) -> Option<State> {
    states.into_iter().max_by_key(|s| s.severity())
}

#[cfg(test)]
mod tests;
