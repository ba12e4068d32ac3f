//! D13 (issue 21.1): the one check before an autodiscover redirect or link
//! is dialled. `model::dial_policy` decides on the nominal address (what DNS
//! gave, before the lab's dial overrides); a refusal marks the target
//! `rejected` and ends the row as `service-error` with the reason in words.

use std::net::{IpAddr, SocketAddr};

use crate::model::autodiscover::WebUrl;
use crate::model::dial_policy::{DialPolicy, classify};
use crate::model::judge::Judged;
use crate::model::reason::dial::{Link, RefusedDial};
use crate::model::{Reason, RecordResult, Status, TargetResult};

/// The row's queried name and the address it resolved to: the class a
/// redirect or link is judged against.
#[derive(Debug, Clone)]
pub(super) struct Origin {
    host: String,
    ip: IpAddr,
}

impl Origin {
    /// The origin of an autodiscover row whose first target was resolved.
    pub(super) fn of(row: &RecordResult) -> Option<Origin> {
        let first = row.targets.first()?;
        Some(Origin {
            host: first.host.clone(),
            ip: first.addresses.first()?.parse().ok()?,
        })
    }

    /// `None` when `to` (reached through `from`) may be dialled at `ip`;
    /// otherwise marks `t` rejected and returns the row's judgement.
    pub(super) fn refuse(
        &self,
        allow_ports: &[u16],
        t: &mut TargetResult,
        ip: IpAddr,
        from: &WebUrl,
        to: &WebUrl,
        link: Link,
    ) -> Option<Judged> {
        let addr = SocketAddr::new(ip, to.port);
        let policy = DialPolicy {
            extra_ports: allow_ports.to_vec(),
        };
        let refusal = policy
            .allowed(classify(self.ip), addr, from.https, to.https)
            .err()?;
        let reason = Reason::DialRefused(Box::new(RefusedDial {
            link,
            to: to.to_string(),
            addr,
            origin_host: self.host.clone(),
            origin_ip: self.ip,
            refusal,
        }));
        t.judged(&Judged {
            status: Status::Rejected,
            reason: reason.clone(),
        });
        Some(Judged {
            status: Status::ServiceError,
            reason,
        })
    }
}
