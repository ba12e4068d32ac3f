//! The JSON document, version 1 (docs/json.md), as output types of its own:
//! built from the model by the conversions in [`super::convert`], written by
//! [`super::json`], described by the schema in docs/schema/check.json.
//!
//! Presence is uniform: every field is always written (`null` when unknown,
//! `[]` when empty), except the ones that belong to an option the check
//! did not use — `authoritative` (only with `--authoritative`) and
//! `vantages` (only with vantages) — which are absent then.

use std::collections::BTreeMap;

use serde::Serialize;

use super::labels::{
    Cause, DegradedCode, Dns, Kind, Match, Reason, ServerState, Signin, State, Status,
    TransportLabel, Warning,
};

/// Marks an output type for the schema (only test builds derive it).
macro_rules! output {
    ($item:item) => {
        #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
        #[cfg_attr(test, derive(schemars::JsonSchema))]
        $item
    };
}

output! {
/// `sipscope check --json`: one sweep (with vantages: the first vantage's),
/// its verdict, and every client generation's verdict.
pub struct CheckDocument {
    /// Version of the document; bumped only when a field changes meaning.
    pub version: u32,
    /// The address as the user gave it.
    pub input: String,
    /// The normalised SIP domain (D1).
    pub domain: String,
    /// The client generation swept, e.g. `ocs2007`.
    pub profile: String,
    /// The resolvers asked (the system's when none was named).
    pub resolvers: Vec<String>,
    /// When the sweep started, RFC 3339.
    pub started_at: String,
    /// Time from the start until the sweep ended.
    pub elapsed_ms: u64,
    /// Time from the start until the verdict was decided (D7): the
    /// additional-section fast path and rows the client never reaches can
    /// make it smaller than `elapsed_ms`; `null` in documents from snapshots
    /// saved before this field existed.
    pub decided_ms: Option<u64>,
    /// One per profile row, in the client's order.
    pub records: Vec<Record>,
    /// `index` (1-based) of the record the client uses, or `null`.
    pub selected: Option<usize>,
    pub verdict: Verdict,
    /// Every built-in client generation, in `sipscope profiles` order.
    pub clients: Vec<Client>,
    /// D18: the certificate warning window (days) the state was decided with.
    pub expiry_warning_days: u32,
    /// D11, only with `--authoritative`: the zone's own servers; `null` when
    /// the zone could not be asked for this sweep.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authoritative: Option<Option<Authoritative>>,
    /// D12, only with vantages: every vantage, in the order given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vantages: Option<Vec<Vantage>>,
}
}

output! {
/// The sign-in verdict (D7).
pub struct Verdict {
    pub signin: Signin,
    /// One sentence: what the client does, why it fails, what to fix.
    pub summary: String,
    pub cause: Cause,
    /// D18: `ok`, `degraded` or `fail` (`undecided` while a sweep runs).
    pub state: State,
    /// D18: why a working sign-in is degraded (`[]` unless `degraded`).
    pub degraded: Vec<Degraded>,
}
}

output! {
/// One D18 degraded reason: a stable code and its sentence.
pub struct Degraded {
    pub code: DegradedCode,
    pub sentence: String,
}
}

output! {
/// One profile row: a query and everything it led to.
pub struct Record {
    /// 1-based position in the profile's order.
    pub index: usize,
    pub kind: Kind,
    /// The name queried.
    pub name: String,
    pub transport: TransportLabel,
    /// The fixed port of an A or autodiscover row; `null` for SRV rows.
    pub port: Option<u16>,
    pub status: Status,
    /// Machine label of why; `null` while pending.
    pub reason: Option<Reason>,
    /// One human sentence (the reason in words).
    pub detail: String,
    /// TTL of the row's own answer in seconds, or `null`.
    pub ttl: Option<u32>,
    /// Time from the start of the sweep until this row was final.
    pub elapsed_ms: u64,
    /// Sentences: unusual SRV port, CNAME as SRV target, …
    pub warnings: Vec<String>,
    /// The same warnings as codes, in the same order (match these, not the sentences).
    pub warning_codes: Vec<Warning>,
    /// SRV: one per answer, in the client's order; A: exactly one.
    pub targets: Vec<Target>,
    /// How the query ended; `null` when it was not asked (TCP forbidden) or
    /// is still pending.
    pub dns: Option<Dns>,
    /// 0-based position in `targets` of the target the client uses first
    /// (unlike `index` and `selected`, which count from 1); `null` when none.
    pub used_target: Option<usize>,
    /// Autodiscover rows: the requests made; `null` for other rows.
    pub http: Option<Http>,
    /// D11, only with `--authoritative`: does the resolver agree with the
    /// zone; `null` when the zone's servers gave nothing to compare.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authoritative: Option<Option<RowAuthority>>,
}
}

output! {
/// Time spent in each network step, in ms; `null` when the step did not run.
pub struct Timings {
    pub dns_ms: Option<u64>,
    pub connect_ms: Option<u64>,
    pub tls_ms: Option<u64>,
}
}

output! {
/// A host a row points to: the SRV target, or the queried name.
pub struct Target {
    pub host: String,
    pub port: u16,
    /// From the SRV answer; `null` for A and autodiscover rows.
    pub priority: Option<u16>,
    pub weight: Option<u16>,
    /// The addresses found (after following CNAMEs).
    pub addresses: Vec<String>,
    pub status: Status,
    pub reason: Option<Reason>,
    /// The certificate of the best member, or `null`.
    pub certificate: Option<Certificate>,
    pub detail: String,
    /// Smallest TTL along the address answer, or `null`.
    pub ttl: Option<u32>,
    /// CNAME targets followed, in order.
    pub cname_chain: Vec<String>,
    /// Where the probe really connected when a dial override applied; `null` otherwise.
    pub dialed: Option<String>,
    pub timings: Timings,
    /// TLS version and suite of the best member; `null` for TCP or without handshake.
    pub tls: Option<Tls>,
    /// Every address probed (D14), in address order.
    pub probes: Vec<Probe>,
    /// D17: what answered the REGISTER at the address the status comes
    /// from; `null` when no request was made.
    pub sip: Option<super::sip::Sip>,
}
}

output! {
/// One address of a target, probed (D14).
pub struct Probe {
    pub address: String,
    pub status: Status,
    pub reason: Option<Reason>,
    pub detail: String,
    pub tls: Option<Tls>,
    pub certificate: Option<Certificate>,
    pub dialed: Option<String>,
    pub timings: Timings,
    /// D17: what answered the REGISTER here; `null` when none was sent.
    pub sip: Option<super::sip::Sip>,
}
}

output! {
/// The negotiated TLS version and cipher suite (D15).
pub struct Tls {
    pub version: String,
    pub cipher_suite: String,
    /// Read by sipscope's own legacy handshake because the modern one was refused.
    pub legacy: bool,
}
}

output! {
/// One certificate of the chain as sent.
pub struct ChainEntry {
    pub subject: String,
    pub issuer: String,
}
}

output! {
/// The server certificate as presented, and what the client makes of it (D9, D16).
pub struct Certificate {
    pub subject: String,
    pub sans: Vec<String>,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
    pub chain_len: usize,
    pub expected_name: String,
    pub name_match: Match,
    pub trusted: bool,
    /// Why the chain is not trusted; `null` when it is.
    pub trust_error: Option<String>,
    pub chain: Vec<ChainEntry>,
    pub thumbprint: String,
    pub serial: String,
    pub key: String,
    /// Authority Information Access "CA issuers" URLs (may be empty).
    pub ca_issuers: Vec<String>,
}
}

output! {
/// An autodiscover row's requests (D13).
pub struct Http {
    pub url: String,
    pub status_code: Option<u16>,
    pub content_type: Option<String>,
    /// The last root document's links: token (lowercased) → href.
    pub links: BTreeMap<String, String>,
    pub hops: Vec<Hop>,
}
}

output! {
/// One request of an autodiscover row.
pub struct Hop {
    pub url: String,
    pub status_code: Option<u16>,
    pub status: Status,
    pub reason: Option<Reason>,
    pub detail: String,
}
}

output! {
/// The record a client generation uses.
pub struct SelectedRecord {
    /// 1-based, in that profile's order.
    pub index: usize,
    pub kind: Kind,
    pub name: String,
    pub transport: TransportLabel,
    pub status: Status,
}
}

output! {
/// How one client generation fares (D3, D7, D13).
pub struct Client {
    pub profile: String,
    pub title: String,
    pub selected: Option<SelectedRecord>,
    pub signin: Signin,
    pub summary: String,
}
}

output! {
/// One vantage's sweep (D12).
pub struct Vantage {
    pub label: String,
    pub resolvers: Vec<String>,
    pub records: Vec<Record>,
    pub selected: Option<usize>,
    pub verdict: Verdict,
    /// Only with `--authoritative`: this vantage's view of its zone, or `null`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authoritative: Option<Option<Authoritative>>,
}
}

output! {
/// The zone's own servers (D11).
pub struct Authoritative {
    pub zone: String,
    pub servers: Vec<AuthoritativeServer>,
}
}

output! {
/// One server of the zone, asked directly without recursion.
pub struct AuthoritativeServer {
    pub name: String,
    pub address: String,
    pub serial: Option<u32>,
    /// `current`, `lagging: …` (an older serial than another server) or why
    /// it could not be asked, in words.
    pub status: String,
    /// The same as a code: `current`, `lagging`, `no-serial` or `failed`.
    pub state: ServerState,
}
}

output! {
/// A record's agreement with the zone (D11).
pub struct RowAuthority {
    pub agrees: bool,
    /// What the zone publishes now, as sorted strings (`[]`: no such record).
    pub answer: Vec<String>,
    pub detail: String,
}
}
