//! The autodiscover part of a scenario file (D13): what a host's HTTP/HTTPS
//! listeners answer, and how a fix changes it. Format: `assets/scenarios/README.md`.

use hickory_proto::rr::Name;
use serde::Deserialize;

use super::records::parse_name;
use super::web::WebAnswer;

/// `web = { answer = "root", user = "webpool" }` on a host, or in `[[fix.web]]`
/// with `host = "…"`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWeb {
    /// Only in `[[fix.web]]`: the host whose answer changes.
    #[serde(default)]
    pub(super) host: Option<String>,
    answer: AnswerKind,
    /// `root`/`xml`: the host of the `user` link (relative to the SIP domain),
    /// optionally with a port (`loop:9`, a hostile link, D13).
    user: Option<String>,
    /// `redirect`: the absolute URL the redirect link names.
    to: Option<String>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "kebab-case")]
enum AnswerKind {
    Root,
    Xml,
    Redirect,
    #[serde(rename = "proxy-404")]
    Proxy404,
    #[serde(rename = "error-500")]
    Error500,
}

impl RawWeb {
    pub(super) fn validate(&self, domain: &Name, at: &str) -> Result<WebAnswer, String> {
        let user = || -> Result<String, String> {
            let raw = self
                .user
                .as_deref()
                .ok_or_else(|| format!("{at}: answer \"root\"/\"xml\" needs `user`"))?;
            let (host, port) = match raw.rsplit_once(':') {
                Some((h, p)) => {
                    let p: u16 = p
                        .parse()
                        .map_err(|_| format!("{at}: user: '{p}' is not a port"))?;
                    (h, format!(":{p}"))
                }
                None => (raw, String::new()),
            };
            let name = parse_name(host, domain).map_err(|e| format!("{at}: user: {e}"))?;
            Ok(format!("{}{port}", name.to_ascii().trim_end_matches('.')))
        };
        Ok(match self.answer {
            AnswerKind::Root => WebAnswer::Root {
                user: user()?,
                xml_only: false,
            },
            AnswerKind::Xml => WebAnswer::Root {
                user: user()?,
                xml_only: true,
            },
            AnswerKind::Redirect => {
                let to = self
                    .to
                    .clone()
                    .ok_or_else(|| format!("{at}: answer \"redirect\" needs `to`"))?;
                if !(to.starts_with("https://") || to.starts_with("http://")) {
                    return Err(format!("{at}: `to` must be an http(s) URL"));
                }
                WebAnswer::Redirect { to }
            }
            AnswerKind::Proxy404 => WebAnswer::ProxyNotFound,
            AnswerKind::Error500 => WebAnswer::ServerError,
        })
    }
}
