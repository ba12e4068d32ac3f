//! D13 — the autodiscover web service: URLs, the root document (JSON
//! `_links` or XML `Link token=…`), and what each request means. Pure: the
//! sweep hands in what the network said, this module says what it means.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::reason::{Reason, ReasonCode};
use super::{Judged, Status};

pub mod document;

pub use super::reason::web::{BODY_CAP, DocProblem, Step, WebProblem};
pub use document::{RootDocument, parse_root};

/// The `Accept` header of the JSON flavour (MS-OCDISCWS).
pub const ACCEPT_JSON: &str = "application/vnd.microsoft.rtc.autodiscover+json;v=1";
/// Redirects followed before giving up (D13: bounded).
pub const MAX_REDIRECTS: usize = 5;
/// The user part sent when only a domain was given (D13: something harmless).
pub const DEFAULT_USER: &str = "sipscope";

/// An `http://` or `https://` URL as the client uses it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WebUrl {
    pub https: bool,
    /// Lowercase, no trailing dot.
    pub host: String,
    pub port: u16,
    /// Starts with `/`.
    pub path_and_query: String,
}

impl WebUrl {
    /// The first request of an autodiscover row: `GET /?sipuri=<user@d>`.
    pub fn first(https: bool, host: &str, port: u16, sipuri: &str) -> WebUrl {
        WebUrl {
            https,
            host: host.to_ascii_lowercase(),
            port,
            path_and_query: format!("/?sipuri={}", encode_query(sipuri)),
        }
    }

    /// Parses an absolute `http(s)://host[:port]/path?query` link. `None` for
    /// anything else (relative links, other schemes, user info, bad ports).
    pub fn parse(href: &str) -> Option<WebUrl> {
        let href = href.trim();
        let (https, rest) = if let Some(r) = strip_prefix_ci(href, "https://") {
            (true, r)
        } else {
            (false, strip_prefix_ci(href, "http://")?)
        };
        let split = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(split);
        if authority.is_empty() || authority.contains('@') || authority.starts_with('[') {
            return None;
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().ok().filter(|p| *p != 0)?),
            None => (authority, if https { 443 } else { 80 }),
        };
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let host_ok = !host.is_empty()
            && host.len() <= 253
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        if !host_ok {
            return None;
        }
        let tail = tail.split('#').next().unwrap_or("");
        if tail.chars().any(|c| c.is_control() || c == ' ') {
            return None;
        }
        let path_and_query = if tail.starts_with('/') {
            tail.to_string()
        } else {
            format!("/{tail}")
        };
        Some(WebUrl {
            https,
            host,
            port,
            path_and_query,
        })
    }

    /// The same URL, with `sipuri` added when the link does not carry it.
    pub fn with_sipuri(mut self, sipuri: &str) -> WebUrl {
        if !self.path_and_query.to_ascii_lowercase().contains("sipuri=") {
            let sep = if self.path_and_query.contains('?') {
                '&'
            } else {
                '?'
            };
            self.path_and_query
                .push_str(&format!("{sep}sipuri={}", encode_query(sipuri)));
        }
        self
    }
}

impl fmt::Display for WebUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.https { "https" } else { "http" };
        let default = if self.https { 443 } else { 80 };
        if self.port == default {
            write!(f, "{scheme}://{}{}", self.host, self.path_and_query)
        } else {
            write!(
                f,
                "{scheme}://{}:{}{}",
                self.host, self.port, self.path_and_query
            )
        }
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Percent-encodes what a query value must not carry raw.
fn encode_query(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"@.-_~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Hosts of the online service (Skype for Business Online / Teams): a
/// redirect there means the user is homed online (hybrid, D13).
pub fn is_online_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "online.lync.com" || host.ends_with(".online.lync.com")
}

/// What one HTTP exchange returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpAnswer {
    pub status_code: u16,
    pub content_type: Option<String>,
    /// At most [`BODY_CAP`] bytes; `too_large` says the body went past it.
    pub body: Vec<u8>,
    pub too_large: bool,
}

/// What the client does after one answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// A usable root document: the row ends here.
    Document(RootDocument),
    /// Follow this redirect.
    Redirect(WebUrl),
    /// The endpoint answered, but not usably (D8 `service-error`).
    Broken(Reason),
}

/// D13/D8: what an answer means for the client.
pub fn read_answer(url: &WebUrl, answer: &HttpAnswer) -> Next {
    let u = url.to_string();
    let broken = |problem: WebProblem| Next::Broken(Reason::Web(problem));
    if !(200..300).contains(&answer.status_code) {
        let html = answer
            .content_type
            .as_deref()
            .is_some_and(|c| c.to_ascii_lowercase().contains("html"));
        return broken(WebProblem::HttpStatus {
            url: u,
            code: answer.status_code,
            html,
        });
    }
    if answer.too_large {
        return broken(WebProblem::NotADocument {
            url: u,
            problem: DocProblem::TooLarge,
        });
    }
    let doc = match parse_root(answer.content_type.as_deref(), &answer.body) {
        Ok(doc) => doc,
        Err(problem) => return broken(WebProblem::NotADocument { url: u, problem }),
    };
    if let Some(href) = doc.link("redirect") {
        return match WebUrl::parse(href) {
            Some(next) => Next::Redirect(next),
            None => broken(WebProblem::BadRedirect {
                url: u,
                href: href.to_string(),
            }),
        };
    }
    match doc.link("user") {
        Some(href) if WebUrl::parse(href).is_some() => Next::Document(doc),
        Some(href) => broken(WebProblem::BadUserLink {
            url: u,
            href: href.to_string(),
        }),
        None => broken(WebProblem::NoUserLink { url: u }),
    }
}

/// D13: a redirect loop or too many redirects ends the row as a service error.
pub fn check_redirect(seen: &[WebUrl], next: &WebUrl) -> Option<Judged> {
    let same = |a: &WebUrl| {
        a.https == next.https
            && a.host == next.host
            && a.port == next.port
            && a.path_and_query.eq_ignore_ascii_case(&next.path_and_query)
    };
    if seen.iter().any(same) {
        return Some(Judged {
            status: Status::ServiceError,
            reason: Reason::Web(WebProblem::RedirectLoop {
                url: next.to_string(),
            }),
        });
    }
    (seen.len() > MAX_REDIRECTS).then_some(Judged {
        status: Status::ServiceError,
        reason: Reason::Web(WebProblem::TooManyRedirects {
            limit: MAX_REDIRECTS,
        }),
    })
}

/// D13: the root document was read and its web services host checks out.
pub fn document_found(url: &WebUrl, user_host: &str, hops: usize) -> Judged {
    Judged {
        status: Status::Found,
        reason: Reason::Web(WebProblem::Document {
            url: url.to_string(),
            user_host: user_host.to_string(),
            redirects: hops.saturating_sub(1),
            online: is_online_host(&url.host),
        }),
    }
}

/// A later step failed (a redirect's host, the web services host): the row
/// takes that step's status, and its sentence says which step.
pub fn step_failed(step: Step, url_or_host: &str, inner: Judged) -> Judged {
    Judged {
        status: inner.status,
        reason: Reason::Web(WebProblem::Step {
            step,
            at: url_or_host.to_string(),
            inner: Box::new(inner.reason),
        }),
    }
}

/// D13 addendum: the root document answered, so the client stays with
/// autodiscover; when the web services host its `user` link names fails
/// (no address, no TLS, a bad certificate) the row is a service error
/// naming that host, and stays the selected row.
pub fn web_services_failed(host: &str, inner: Judged) -> Judged {
    Judged {
        status: Status::ServiceError,
        ..step_failed(Step::WebServices, host, inner)
    }
}

/// A hop that answered with a redirect (shown in the row's hops).
pub fn redirect_hop(url: &WebUrl, to: &WebUrl, outside: bool) -> Judged {
    Judged {
        status: Status::Found,
        reason: Reason::Web(WebProblem::Redirects {
            url: url.to_string(),
            to: to.to_string(),
            outside,
        }),
    }
}

/// A hop that answered with the root document.
pub fn document_hop(url: &WebUrl) -> Judged {
    Judged {
        status: Status::Found,
        reason: Reason::Web(WebProblem::RootDocument {
            url: url.to_string(),
        }),
    }
}

/// D13: an answer that is not a usable autodiscover document (HTML, an
/// error status, unreadable): the endpoint answered, so service-error.
pub fn broken_answer(reason: Reason) -> Judged {
    Judged {
        status: Status::ServiceError,
        reason,
    }
}

/// D8: the endpoint accepted the connection but the HTTP exchange failed.
pub fn request_failed(url: &WebUrl, error: &str) -> Judged {
    Judged {
        status: Status::ServiceError,
        reason: Reason::Web(WebProblem::RequestFailed {
            url: url.to_string(),
            error: error.to_string(),
        }),
    }
}

/// The `http` object of an autodiscover record (JSON, `docs/json.md`):
/// the answer the client ends with, and every request made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpResult {
    /// URL of the last request made.
    pub url: String,
    /// HTTP status of the last answer (`null` when none came).
    pub status_code: Option<u16>,
    pub content_type: Option<String>,
    /// Links of the last root document: token (lowercased) → href.
    #[serde(default)]
    pub links: BTreeMap<String, String>,
    /// One entry per request made, in order.
    #[serde(default)]
    pub hops: Vec<HopResult>,
}

/// One request of an autodiscover row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HopResult {
    pub url: String,
    pub status_code: Option<u16>,
    pub status: Status,
    #[serde(default)]
    pub reason: Option<ReasonCode>,
    pub detail: String,
}

impl HopResult {
    pub fn new(url: &WebUrl, status_code: Option<u16>, judged: &Judged) -> HopResult {
        HopResult {
            url: url.to_string(),
            status_code,
            status: judged.status,
            reason: Some(judged.reason.code()),
            detail: judged.reason.to_string(),
        }
    }
}

#[cfg(test)]
mod tests;
