//! The JSON's machine labels, one output enum per model enum. Each is
//! generated with an exhaustive conversion from the model's enum: a new
//! model variant (a status, a reason code) is a compile error here, in the
//! one list that names the label it gets in the JSON and the schema.

use serde::Serialize;

use crate::model::{self, NameMatch};
use crate::plan::{RowKind, Transport};

/// An output enum mirroring `$model` variant by variant, with `From`.
macro_rules! mirror {
    ($(#[$meta:meta])* $out:ident from $model:ty, $case:literal { $($(#[$vm:meta])* $v:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
        #[cfg_attr(test, derive(schemars::JsonSchema))]
        #[serde(rename_all = $case)]
        pub enum $out {
            $($(#[$vm])* $v),+
        }

        impl From<$model> for $out {
            fn from(v: $model) -> $out {
                type M = $model;
                match v {
                    $(M::$v => $out::$v),+
                }
            }
        }

        #[cfg(test)]
        impl $out {
            /// Every model variant (for the label tests).
            pub(crate) fn every_model_variant() -> Vec<$model> {
                type M = $model;
                vec![$(M::$v),+]
            }
        }
    };
}

mirror! {
    /// A record's or target's status (D8); `pending`, `querying` and
    /// `probing` only while a sweep runs.
    Status from model::Status, "kebab-case" {
        Pending, Querying, Probing, Found, Missing, Rejected, CertMismatch,
        Untrusted, Unreachable, DnsError, ServiceError, Skipped, NotSip,
    }
}

mirror! {
    /// Why a record or target has its status (docs/json.md, "reason").
    Reason from model::ReasonCode, "kebab-case" {
        Nxdomain, Nodata, Servfail, Refused, DnsTimeout, DnsError, DnsMalformed,
        DnsTcpRefused, NoService, NoAddress, OutOfDomain, TcpForbidden,
        ConnectTimeout, ConnectionRefused, ConnectionReset, ConnectFailed,
        BadServerName, HandshakeTimeout, HandshakeFailed, UnreadableCertificate,
        NameNotOnCertificate, WildcardOnly, Expired, NotYetValid, UntrustedIssuer,
        BadSignature, Revoked, NoTrustedRoots, UntrustedChain, MissingIntermediate,
        WrongPurpose, TcpAccepted, TlsTrusted, LegacyTlsTrusted, HttpErrorStatus,
        NotAutodiscover, BadLink, NoUserLink, RedirectLoop, TooManyRedirects,
        HttpFailed, AutodiscoverOk, AutodiscoverRedirect, TcpNotAllowed, UserLinkFailed,
        HttpsDowngrade, PortNotAllowed, AddressNotAllowed, SipRegistrar, SipAnswered,
        SipSilent, SipClosed, SipNotSip,
    }
}

mirror! {
    /// `ok` or `fail`; `undecided` only while a sweep runs.
    Signin from model::Signin, "lowercase" { Ok, Fail, Undecided }
}

mirror! {
    /// Why the verdict is what it is (D7).
    Cause from model::Cause, "kebab-case" {
        Works, CertMismatch, Untrusted, Unreachable, DnsErrors, Rejected,
        Dangling, NothingPublished, ServiceError, HomedOnline, NotSip, InProgress,
    }
}

mirror! {
    /// The kind of query a row makes (D13 added `autodiscover`).
    Kind from RowKind, "lowercase" { Srv, A, Autodiscover }
}

mirror! {
    /// `tls`/`tcp`; autodiscover rows `https`/`http`.
    TransportLabel from Transport, "lowercase" { Tls, Tcp, Https, Http }
}

mirror! {
    /// How a row's DNS query ended (D8).
    Dns from model::DnsOutcome, "lowercase" {
        Answer, NxDomain, NoData, ServFail, Refused, Timeout, Error,
    }
}

mirror! {
    /// How the expected name is covered by the certificate (D9).
    Match from NameMatch, "lowercase" { Exact, Wildcard, None }
}

mirror! {
    /// A warning's code, in the order of the sentences in `warnings`.
    Warning from model::WarningCode, "kebab-case" {
        UnusualPort, CnameTarget, WildcardCertificate, LegacyTls, MembersFailed,
        TooManyMembers, Provisional, RedirectOutsideDomain, NoSipRequest,
        NotMicrosoftRegistrar, Other,
    }
}

/// The state of one of the zone's servers (D11), as a code beside its sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ServerState {
    /// It has the newest serial.
    Current,
    /// An older serial than another server: replication pending.
    Lagging,
    /// It answered without an SOA serial.
    NoSerial,
    /// It could not be asked (the sentence says why).
    Failed,
}

impl From<&model::authority::ServerState> for ServerState {
    fn from(s: &model::authority::ServerState) -> ServerState {
        use model::authority::ServerState as M;
        match s {
            M::Current => ServerState::Current,
            M::Lagging { .. } => ServerState::Lagging,
            M::NoSerial => ServerState::NoSerial,
            M::Failed(_) => ServerState::Failed,
        }
    }
}

mirror! {
    /// D18: `ok`, `degraded` or `fail`; `undecided` only while a sweep runs.
    State from model::State, "lowercase" { Ok, Degraded, Fail, Undecided }
}

mirror! {
    /// D18: why a working sign-in is degraded.
    DegradedCode from model::state::DegradedCode, "kebab-case" {
        LegacyTls, PoolMemberDown, CertificateExpiring, WildcardCertificate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same<M: Serialize + Copy, O: Serialize + From<M>>(all: Vec<M>) {
        for m in all {
            let model = serde_json::to_string(&m).unwrap();
            let out = serde_json::to_string(&O::from(m)).unwrap();
            assert_eq!(model, out, "the JSON label changed");
        }
    }

    // docs/json.md: labels are a contract; the output types write exactly
    // the strings the model (and every saved snapshot) writes.
    #[test]
    fn every_label_matches_the_model() {
        same::<_, Status>(Status::every_model_variant());
        same::<_, Reason>(Reason::every_model_variant());
        same::<_, Signin>(Signin::every_model_variant());
        same::<_, Cause>(Cause::every_model_variant());
        same::<_, Kind>(Kind::every_model_variant());
        same::<_, TransportLabel>(TransportLabel::every_model_variant());
        same::<_, Dns>(Dns::every_model_variant());
        same::<_, Match>(Match::every_model_variant());
        same::<_, Warning>(Warning::every_model_variant());
        same::<_, State>(State::every_model_variant());
        same::<_, DegradedCode>(DegradedCode::every_model_variant());
    }
}
