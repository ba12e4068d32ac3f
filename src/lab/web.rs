//! The lab's autodiscover web service (D13), served with hyper's HTTP/1
//! server on the lab's own TCP/TLS listeners: a root document in JSON or
//! XML, a redirect, or the classic failures (a reverse proxy's HTML 404, a 500).

use std::convert::Infallible;
use std::sync::{Arc, RwLock};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{ACCEPT, CONTENT_TYPE};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};

/// What a host's autodiscover endpoint answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebAnswer {
    /// The root document; the flavour follows the request's `Accept`.
    Root {
        /// Host of the `user` link (the web services of the pool).
        user: String,
        /// Answer XML whatever the client asks.
        xml_only: bool,
    },
    /// A root document whose only link is `redirect` to this URL (the
    /// client's `sipuri` is added when the URL has no query).
    Redirect { to: String },
    /// A reverse proxy's own HTML "404 - File or directory not found".
    ProxyNotFound,
    /// HTTP 500 with a short text body.
    ServerError,
}

/// The answer of one host, shared by its listeners; a fix may replace it.
pub type SharedAnswer = Arc<RwLock<Option<WebAnswer>>>;

const PROXY_404: &str = "<!DOCTYPE html>\n<html><head><title>404 - File or directory not found.</title></head>\n<body><h2>404 - File or directory not found.</h2>\n<h3>The resource you are looking for might have been removed, had its name changed, or is temporarily unavailable.</h3></body></html>\n";

/// Serves HTTP/1.1 on `stream` until the client closes it.
pub async fn serve<S>(stream: S, answer: SharedAnswer, host: String)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |req: Request<Incoming>| {
        let current = answer.read().unwrap_or_else(|e| e.into_inner()).clone();
        let host = host.clone();
        async move { Ok::<_, Infallible>(respond(&req, current.as_ref(), &host)) }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

fn sipuri_of(req: &Request<Incoming>) -> String {
    req.uri()
        .query()
        .unwrap_or("")
        .split('&')
        .find_map(|kv| kv.strip_prefix("sipuri="))
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "@.-_%~".contains(*c))
        .collect()
}

fn reply(code: StatusCode, content_type: &str, body: String) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = code;
    if let Ok(v) = content_type.parse() {
        r.headers_mut().insert(CONTENT_TYPE, v);
    }
    r
}

fn respond(
    req: &Request<Incoming>,
    answer: Option<&WebAnswer>,
    host: &str,
) -> Response<Full<Bytes>> {
    let sipuri = sipuri_of(req);
    let domain = sipuri.rsplit('@').next().unwrap_or("").to_string();
    let wants_xml = req
        .headers()
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("xml") && !a.contains("json"));
    let base = "/Autodiscover/AutodiscoverService.svc/root";
    let json_ct = "application/vnd.microsoft.rtc.autodiscover+json; v=1";
    let xml_ct = "application/vnd.microsoft.rtc.autodiscover+xml; v=1";
    match answer {
        None | Some(WebAnswer::ProxyNotFound) => {
            reply(StatusCode::NOT_FOUND, "text/html", PROXY_404.to_string())
        }
        Some(WebAnswer::ServerError) => reply(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/plain",
            "Internal Server Error".into(),
        ),
        Some(WebAnswer::Redirect { to }) => {
            let to = if to.contains('?') {
                to.clone()
            } else {
                format!("{to}?sipuri={sipuri}")
            };
            let body = format!(
                r#"{{"_links":{{"self":{{"href":"https://{host}{base}?originalDomain={domain}"}},"redirect":{{"href":"{to}"}}}}}}"#
            );
            reply(StatusCode::OK, json_ct, body)
        }
        Some(WebAnswer::Root { user, xml_only }) if *xml_only || wants_xml => {
            let body = format!(
                r#"<?xml version="1.0" encoding="utf-8"?><AutodiscoverResponse AccessLocation="Internal"><Root><Link token="Domain" href="https://{user}{base}/domain?originalDomain={domain}"/><Link token="User" href="https://{user}{base}/user?originalDomain={domain}"/><Link token="Self" href="https://{host}{base}?originalDomain={domain}"/></Root></AutodiscoverResponse>"#
            );
            reply(StatusCode::OK, xml_ct, body)
        }
        Some(WebAnswer::Root { user, .. }) => {
            let body = format!(
                r#"{{"_links":{{"self":{{"href":"https://{host}{base}?originalDomain={domain}"}},"user":{{"href":"https://{user}{base}/oauth/user?originalDomain={domain}"}},"xframe":{{"href":"https://{user}/Autodiscover/XFrame/XFrame.html"}}}}}}"#
            );
            reply(StatusCode::OK, json_ct, body)
        }
    }
}
