//! The exporter's HTTP side (hyper): routes, query validation, status codes.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{ACCEPT, CONTENT_TYPE};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};

use super::super::fleet_engine::Request as Probe;
use super::metrics::Format;
use super::{Shared, allowed, budget, metrics};
use crate::text::echo_max;

/// Longest query string read; a longer one is 400.
const QUERY_MAX: usize = 4096;
const TEXT: &str = "text/plain; charset=utf-8";

pub async fn serve(stream: tokio::net::TcpStream, shared: Arc<Shared>) {
    let service = service_fn(move |req: Request<Incoming>| {
        let shared = shared.clone();
        async move { Ok::<_, Infallible>(route(req, shared).await) }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(10))
        .max_buf_size(64 * 1024)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

fn reply(code: StatusCode, content_type: &str, body: String) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = code;
    if let Ok(v) = content_type.parse() {
        r.headers_mut().insert(CONTENT_TYPE, v);
    }
    r
}

/// Metrics in the format the scraper asked for (200).
fn exposition(format: Format, text: String) -> Response<Full<Bytes>> {
    reply(StatusCode::OK, format.content_type(), format.write(text))
}

/// One line of text, escaped: the answer to a bad request.
fn refuse(code: StatusCode, msg: &str) -> Response<Full<Bytes>> {
    reply(code, TEXT, format!("{}\n", echo_max(msg, 300)))
}

async fn route(req: Request<Incoming>, shared: Arc<Shared>) -> Response<Full<Bytes>> {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return refuse(StatusCode::METHOD_NOT_ALLOWED, "only GET is served");
    }
    match req.uri().path() {
        "/" => reply(
            StatusCode::OK,
            "text/html; charset=utf-8",
            INDEX.to_string(),
        ),
        "/metrics" => {
            shared.own.process.update();
            exposition(format(&req), metrics::render(&shared.own.registry))
        }
        "/probe" => probe(&req, &shared).await,
        _ => refuse(
            StatusCode::NOT_FOUND,
            "not found; see / for /probe and /metrics",
        ),
    }
}

fn format(req: &Request<Incoming>) -> Format {
    Format::negotiate(req.headers().get(ACCEPT).and_then(|v| v.to_str().ok()))
}

/// `application/x-www-form-urlencoded` decoding; `None` when malformed.
fn decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

struct Query {
    target: Option<String>,
    profile: Option<String>,
    vantage: Option<String>,
    debug: bool,
}

fn query(raw: Option<&str>) -> Result<Query, String> {
    let raw = raw.unwrap_or("");
    if raw.len() > QUERY_MAX {
        return Err(format!("the query string is over {QUERY_MAX} bytes"));
    }
    let mut q = Query {
        target: None,
        profile: None,
        vantage: None,
        debug: false,
    };
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = decode(v)
            .ok_or_else(|| format!("parameter {} is not valid URL encoding", echo_max(k, 40)))?;
        if v.chars().any(char::is_control) {
            return Err(format!(
                "parameter {} holds control characters",
                echo_max(k, 40)
            ));
        }
        match k {
            "target" => q.target = Some(v),
            "profile" => q.profile = Some(v),
            "vantage" => q.vantage = Some(v),
            "debug" => q.debug = v == "true" || v == "1",
            // Prometheus may add parameters of its own: ignored.
            _ => {}
        }
    }
    Ok(q)
}

async fn probe(req: &Request<Incoming>, shared: &Shared) -> Response<Full<Bytes>> {
    let q = match query(req.uri().query()) {
        Ok(q) => q,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, &e),
    };
    let Some(raw) = q.target else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "give a target: /probe?target=sip:alice@contoso.com",
        );
    };
    let target = match crate::input::parse_target(&raw) {
        Ok(t) => t,
        Err(e) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                &format!("target {}: {e}", echo_max(&raw, 80)),
            );
        }
    };
    let mut request = Probe::of(target);
    if let Some(p) = &q.profile {
        match shared.engine.profile(p) {
            Some(p) => request.profile = Some(p.clone()),
            None => {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    &format!(
                        "unknown profile {}; see `sipscope profiles`",
                        echo_max(p, 40)
                    ),
                );
            }
        }
    }
    if let Some(v) = &q.vantage {
        if !shared.engine.vantage_labels().contains(&v.as_str()) {
            return refuse(
                StatusCode::BAD_REQUEST,
                &format!("unknown vantage {}", echo_max(v, 40)),
            );
        }
        request.vantage = Some(v.clone());
    }
    if !allowed(&shared.allow, &request.target.domain) {
        shared.own.count("forbidden");
        return refuse(
            StatusCode::FORBIDDEN,
            &format!(
                "{} is not in the exporter's --allow-domain list",
                request.target.domain
            ),
        );
    }
    // More in flight than the limit: 503 at once, never a queue.
    let Ok(_permit) = shared.probes.try_acquire() else {
        shared.own.count("busy");
        return refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many probes in flight; try again later",
        );
    };
    let header = req
        .headers()
        .get("X-Prometheus-Scrape-Timeout-Seconds")
        .and_then(|v| v.to_str().ok());
    let deadline = budget(header);
    request.timeout = Some(deadline.min(shared.engine.timeout()));
    shared.own.in_flight.inc();
    let start = Instant::now();
    let done = tokio::time::timeout(deadline, shared.engine.check(request)).await;
    let seconds = start.elapsed().as_secs_f64();
    shared.own.in_flight.dec();
    shared.own.durations.observe(seconds);
    let checked = match done {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => {
            shared.own.count("error");
            if q.debug {
                return reply(
                    StatusCode::OK,
                    TEXT,
                    format!("the check could not run: {}\n", echo_max(&e, 300)),
                );
            }
            return exposition(format(req), metrics::failed(seconds));
        }
        Err(_) => {
            shared.own.count("timeout");
            return exposition(format(req), metrics::failed(seconds));
        }
    };
    shared.own.count(checked.state().label());
    if q.debug {
        let text = if checked.reports.len() == 1 {
            crate::report::text::render(checked.report())
        } else {
            let each: Vec<_> = checked
                .reports
                .iter()
                .zip(&checked.labels)
                .map(|(r, l)| crate::model::vantage::VantageReport::of(l, r))
                .collect();
            crate::report::vantages::text(&checked.reports, &each, &checked.authority)
        };
        return reply(StatusCode::OK, TEXT, text);
    }
    exposition(format(req), metrics::of(&checked, seconds))
}

const INDEX: &str = r#"<!doctype html>
<html><head><meta charset="utf-8"><title>sipscope exporter</title></head>
<body>
<h1>sipscope exporter</h1>
<p>Skype for Business / Lync sign-in, probed in the manner of the blackbox exporter.</p>
<ul>
<li><a href="/probe?target=contoso.com">/probe?target=contoso.com</a> — one check (add <code>&amp;profile=sfb</code>, <code>&amp;vantage=LABEL</code>, <code>&amp;debug=true</code>)</li>
<li><a href="/metrics">/metrics</a> — the exporter's own metrics</li>
</ul>
</body></html>
"#;
