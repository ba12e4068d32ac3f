//! D13 — an autodiscover row: resolve the name, connect (TLS judged like
//! every SIP row), `GET /?sipuri=…`, follow redirects (bounded, loops
//! detected), then check the web services host the `user` link names.
//! Each host contacted is a target of the row with its own DNS/TLS/cert
//! result; each request made is a hop. `model::autodiscover` judges.

use std::net::IpAddr;
use std::time::Instant;

use super::ms;
use super::run::{Run, fill_addresses};
use crate::model::autodiscover::{
    self as ad, ACCEPT_JSON, BODY_CAP, HopResult, HttpAnswer, HttpResult, Next, Step, WebUrl,
};
use crate::model::judge::{self, Judged};
use crate::model::{self, RecordResult, Status, TargetResult};
use crate::plan::{Query, Transport};
use crate::probe;

/// How one request went.
enum Exchange {
    /// DNS, connection or certificate stopped the client before any request.
    Stopped(Judged),
    /// Connected, but the HTTP exchange failed.
    Failed(String),
    Answered(HttpAnswer),
}

impl Run<'_> {
    fn sipuri(&self) -> String {
        let t = &self.sweep.settings.target;
        let user = t.user.as_deref().unwrap_or(ad::DEFAULT_USER);
        format!("{user}@{}", t.domain)
    }

    pub(super) async fn autodiscover_row(&self, query: &Query, row: &mut RecordResult) {
        let https = query.transport == Transport::Https;
        let port = query.port.unwrap_or(if https { 443 } else { 80 });
        if !self.resolve_fixed_name(query, row, port).await {
            return;
        }

        let sipuri = self.sipuri();
        let domain = self.sweep.settings.target.domain.clone();
        let mut url = WebUrl::first(https, &query.name, port, &sipuri);
        let mut http = HttpResult::default();
        let mut seen: Vec<WebUrl> = Vec::new();
        let judged = loop {
            seen.push(url.clone());
            let first = seen.len() == 1;
            let (slot, dns) = self.target_for(row, &url).await;
            let exchange = match dns {
                Some(j) => Exchange::Stopped(j),
                None => {
                    self.request(&mut row.targets[slot], &url, &mut row.warnings)
                        .await
                }
            };
            http.url = url.to_string();
            let answer = match exchange {
                Exchange::Stopped(j) if first => break j,
                Exchange::Stopped(j) => break ad::step_failed(Step::Redirect, &url.to_string(), j),
                Exchange::Failed(e) => {
                    let j = ad::request_failed(&url, &e);
                    http.hops.push(HopResult::new(&url, None, &j));
                    break j;
                }
                Exchange::Answered(a) => a,
            };
            http.status_code = Some(answer.status_code);
            http.content_type = answer.content_type.clone();
            http.links.clear();
            let code = Some(answer.status_code);
            match ad::read_answer(&url, &answer) {
                Next::Broken(reason) => {
                    let j = Judged {
                        status: Status::ServiceError,
                        reason,
                    };
                    http.hops.push(HopResult::new(&url, code, &j));
                    break j;
                }
                Next::Redirect(next) => {
                    let next = next.with_sipuri(&sipuri);
                    let outside = !model::in_domain(&next.host, &domain);
                    http.hops.push(HopResult::new(
                        &url,
                        code,
                        &ad::redirect_hop(&url, &next, outside),
                    ));
                    if outside {
                        row.warnings.push(format!(
                            "{url} redirects outside {domain}, to {next} (hybrid: users homed elsewhere, D13)"
                        ));
                    }
                    if let Some(j) = ad::check_redirect(&seen, &next) {
                        break j;
                    }
                    url = next;
                }
                Next::Document(doc) => {
                    http.links = doc.links.iter().cloned().collect();
                    http.hops
                        .push(HopResult::new(&url, code, &ad::document_hop(&url)));
                    // read_answer checked that the user link parses.
                    let user = doc.link("user").and_then(WebUrl::parse);
                    let Some(user) = user else {
                        break ad::request_failed(&url, "the user link vanished");
                    };
                    break self.check_web_services(row, &url, &user, seen.len()).await;
                }
            }
        };
        row.judged(&judged);
        row.http = Some(Box::new(http));
    }

    /// The target of `url`'s host and port, added (and resolved) when new;
    /// with the judgement of its DNS query when that failed.
    async fn target_for(&self, row: &mut RecordResult, url: &WebUrl) -> (usize, Option<Judged>) {
        if let Some(i) = row
            .targets
            .iter()
            .position(|t| t.host == url.host && t.port == url.port)
        {
            return (i, None);
        }
        let mut t = TargetResult::new(&url.host, url.port);
        let started = Instant::now();
        let failed = match self.addresses(&url.host).await {
            Ok(a) => {
                fill_addresses(&mut t, &a);
                None
            }
            Err(f) => {
                let j = judge::target_dns_failure(&url.host, f);
                t.judged(&j);
                Some(j)
            }
        };
        t.timings.dns_ms = Some(ms(started.elapsed()));
        row.targets.push(t);
        (row.targets.len() - 1, failed)
    }

    /// Connects to the target (judging TLS and certificate, D9 with the
    /// URL's host as expected name) and, when the client would go on, sends
    /// the GET. Nothing is sent to a server the client would not trust.
    async fn request(
        &self,
        t: &mut TargetResult,
        url: &WebUrl,
        warnings: &mut Vec<String>,
    ) -> Exchange {
        let ip = match first_address(t) {
            Ok(ip) => ip,
            Err(j) => return Exchange::Stopped(j),
        };
        let transport = if url.https {
            Transport::Https
        } else {
            Transport::Http
        };
        let (evidence, out, stream) = self.probe_address(ip, url.port, transport, &url.host).await;
        let judged = out.judged.clone();
        warnings.extend(judge::onto_target(t, &evidence, out));
        let Some(stream) = stream.filter(|_| judged.status == Status::Found) else {
            return Exchange::Stopped(judged);
        };
        let limit = self.options().timeout;
        match probe::http::get(
            stream,
            &url.host,
            &url.path_and_query,
            ACCEPT_JSON,
            BODY_CAP,
            limit,
        )
        .await
        {
            Ok(a) => Exchange::Answered(a),
            Err(e) => Exchange::Failed(e),
        }
    }

    /// D13: the web services host named by the `user` link: DNS, TLS and
    /// certificate. The SIP server itself needs an authenticated request.
    async fn check_web_services(
        &self,
        row: &mut RecordResult,
        url: &WebUrl,
        user: &WebUrl,
        requests: usize,
    ) -> Judged {
        let (slot, dns) = self.target_for(row, user).await;
        let t = &mut row.targets[slot];
        let transport = if user.https {
            Transport::Https
        } else {
            Transport::Http
        };
        let judged = match dns.map(Err).unwrap_or_else(|| first_address(t)) {
            Err(j) => j,
            Ok(ip) => {
                let (e, out, _) = self
                    .probe_address(ip, user.port, transport, &user.host)
                    .await;
                let judged = out.judged.clone();
                row.warnings.extend(judge::onto_target(t, &e, out));
                judged
            }
        };
        if judged.status == Status::Found {
            ad::document_found(url, &user.host, requests)
        } else {
            ad::step_failed(Step::WebServices, &user.host, judged)
        }
    }
}

/// The first address of a resolved target, or the judgement that it has none.
fn first_address(t: &mut TargetResult) -> Result<IpAddr, Judged> {
    match t.addresses.first().and_then(|a| a.parse().ok()) {
        Some(ip) => Ok(ip),
        None => {
            let j = Judged {
                status: Status::Missing,
                reason: model::Reason::NoUsableAddress {
                    host: t.host.clone(),
                },
            };
            t.judged(&j);
            Err(j)
        }
    }
}
