//! D13 — one HTTP/1.1 GET over a stream the probe already owns (so the
//! certificate was judged exactly like every SIP row's). hyper's client
//! connection speaks the protocol; the body is read with a size cap, the
//! whole exchange under one time limit, and nothing but the GET is sent.

use std::time::Duration;

use http_body_util::{BodyExt, Empty, LengthLimitError, Limited};
use hyper::body::Bytes;
use hyper::header::{ACCEPT, CONNECTION, CONTENT_TYPE, HOST, USER_AGENT};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;

use super::Stream;
use crate::model::autodiscover::HttpAnswer;

/// Aborts the connection task when the exchange ends, however it ends.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Sends `GET path_and_query` with `Host: host` and `Accept: accept` and
/// reads the answer, at most `cap` bytes of body. Errors are one phrase.
pub async fn get(
    stream: Box<dyn Stream>,
    host: &str,
    path_and_query: &str,
    accept: &str,
    cap: usize,
    limit: Duration,
) -> Result<HttpAnswer, String> {
    match tokio::time::timeout(limit, exchange(stream, host, path_and_query, accept, cap)).await {
        Err(_) => Err(format!("no answer within {} ms", limit.as_millis())),
        Ok(result) => result,
    }
}

async fn exchange(
    stream: Box<dyn Stream>,
    host: &str,
    path_and_query: &str,
    accept: &str,
    cap: usize,
) -> Result<HttpAnswer, String> {
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake::<_, Empty<Bytes>>(TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
    let _task = AbortOnDrop(tokio::spawn(async move {
        // The connection's own error surfaces through send_request.
        let _ = connection.await;
    }));
    let request = Request::builder()
        .method(Method::GET)
        .uri(path_and_query)
        .header(HOST, host)
        .header(ACCEPT, accept)
        .header(USER_AGENT, concat!("sipscope/", env!("CARGO_PKG_VERSION")))
        .header(CONNECTION, "close")
        .body(Empty::<Bytes>::new())
        .map_err(|e| e.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| e.to_string())?;
    let status_code = response.status().as_u16();
    let content_type = response.headers().get(CONTENT_TYPE).map(|v| {
        String::from_utf8_lossy(v.as_bytes())
            .chars()
            .take(200)
            .collect()
    });
    let (body, too_large) = match Limited::new(response.into_body(), cap).collect().await {
        Ok(collected) => (collected.to_bytes().to_vec(), false),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => (Vec::new(), true),
        Err(e) => return Err(format!("reading the body failed: {e}")),
    };
    Ok(HttpAnswer {
        status_code,
        content_type,
        body,
        too_large,
    })
}
