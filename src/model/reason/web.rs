//! D13 — why an autodiscover exchange came to what it did: the sentences
//! and machine labels of autodiscover rows and their requests.

use std::fmt;

use super::{Reason, ReasonCode};

/// The largest body read from an autodiscover endpoint; a root document is a
/// few hundred bytes.
pub const BODY_CAP: usize = 64 * 1024;

/// Why a body is not a usable root document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocProblem {
    Empty,
    /// An HTML page (a reverse proxy's or web server's own page).
    Html,
    /// Neither JSON nor XML, by content type and by content.
    WrongContentType(String),
    /// JSON or XML that cannot be read.
    Unparsable(String),
    /// Readable, but not an autodiscover document (no `_links`, no `Root`).
    NotRoot,
    TooDeep,
    TooLarge,
}

impl fmt::Display for DocProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocProblem::Empty => f.write_str("the body is empty"),
            DocProblem::Html => f.write_str("it is an HTML page"),
            DocProblem::WrongContentType(ct) => {
                write!(f, "content type \"{ct}\" is neither JSON nor XML")
            }
            DocProblem::Unparsable(e) => write!(f, "the body cannot be read ({e})"),
            DocProblem::NotRoot => f.write_str("it has no root links (_links / Root)"),
            DocProblem::TooDeep => f.write_str("the body is nested too deeply"),
            DocProblem::TooLarge => {
                write!(f, "the body is larger than {} KiB", BODY_CAP / 1024)
            }
        }
    }
}

/// Which later step of an autodiscover row failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Redirect,
    WebServices,
}

/// What an autodiscover exchange came to (the sentence of the row's detail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebProblem {
    HttpStatus {
        url: String,
        code: u16,
        html: bool,
    },
    NotADocument {
        url: String,
        problem: DocProblem,
    },
    BadRedirect {
        url: String,
        href: String,
    },
    NoUserLink {
        url: String,
    },
    BadUserLink {
        url: String,
        href: String,
    },
    RedirectLoop {
        url: String,
    },
    TooManyRedirects {
        limit: usize,
    },
    RequestFailed {
        url: String,
        error: String,
    },
    Step {
        step: Step,
        at: String,
        inner: Box<Reason>,
    },
    Document {
        url: String,
        user_host: String,
        redirects: usize,
        online: bool,
    },
    /// One request's answer: a redirect (hops, D13).
    Redirects {
        url: String,
        to: String,
        outside: bool,
    },
    /// One request's answer: the root document (hops, D13).
    RootDocument {
        url: String,
    },
}

impl WebProblem {
    pub fn code(&self) -> ReasonCode {
        use ReasonCode as C;
        match self {
            WebProblem::HttpStatus { .. } => C::HttpErrorStatus,
            WebProblem::NotADocument { .. } => C::NotAutodiscover,
            WebProblem::BadRedirect { .. } | WebProblem::BadUserLink { .. } => C::BadLink,
            WebProblem::NoUserLink { .. } => C::NoUserLink,
            WebProblem::RedirectLoop { .. } => C::RedirectLoop,
            WebProblem::TooManyRedirects { .. } => C::TooManyRedirects,
            WebProblem::RequestFailed { .. } => C::HttpFailed,
            // D13 addendum: the root document answered, so a failing web
            // services host is the service's error, not a missing row.
            WebProblem::Step {
                step: Step::WebServices,
                ..
            } => C::UserLinkFailed,
            WebProblem::Step { inner, .. } => inner.code(),
            WebProblem::Document { .. } | WebProblem::RootDocument { .. } => C::AutodiscoverOk,
            WebProblem::Redirects { .. } => C::AutodiscoverRedirect,
        }
    }
}

impl fmt::Display for WebProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebProblem::HttpStatus { url, code, html } => {
                write!(f, "{url} answered HTTP {code}")?;
                if *html {
                    f.write_str(" with an HTML page (a reverse proxy or web server, not the autodiscover service)")?;
                }
                f.write_str(" instead of an autodiscover document")
            }
            WebProblem::NotADocument { url, problem } => {
                write!(
                    f,
                    "{url} answered, but not with an autodiscover document: {problem}"
                )
            }
            WebProblem::BadRedirect { url, href } => {
                write!(
                    f,
                    "{url} redirects to \"{href}\", which is not an http(s) URL"
                )
            }
            WebProblem::NoUserLink { url } => write!(
                f,
                "{url} answered with a root document that has no user link, so the client cannot go on"
            ),
            WebProblem::BadUserLink { url, href } => {
                write!(
                    f,
                    "{url} names the user resource \"{href}\", which is not an http(s) URL"
                )
            }
            WebProblem::RedirectLoop { url } => {
                write!(f, "the redirects loop back to {url}; the client gives up")
            }
            WebProblem::TooManyRedirects { limit } => {
                write!(f, "more than {limit} redirects; the client gives up")
            }
            WebProblem::RequestFailed { url, error } => {
                write!(
                    f,
                    "{url} accepted the connection but the request failed: {error}"
                )
            }
            WebProblem::Step { step, at, inner } => match step {
                Step::Redirect => write!(f, "the redirect to {at} fails: {inner}"),
                Step::WebServices => {
                    write!(f, "web services host {at} (the user link) fails: {inner}")
                }
            },
            WebProblem::Document {
                url,
                user_host,
                redirects,
                online,
            } => {
                write!(f, "{url} answered with the autodiscover root document")?;
                match redirects {
                    0 => {}
                    1 => f.write_str(" after 1 redirect")?,
                    n => write!(f, " after {n} redirects")?,
                }
                if *online {
                    f.write_str(" (the user is homed online, where only Teams serves them: Skype for Business Online was retired in 2021)")?;
                }
                write!(
                    f,
                    "; web services host {user_host} is reachable with a valid certificate; the SIP server itself is revealed only to an authenticated request"
                )
            }
            WebProblem::Redirects { url, to, outside } => {
                write!(f, "{url} redirects to {to}")?;
                if *outside {
                    f.write_str(" (outside the SIP domain: users homed elsewhere, e.g. online)")?;
                }
                Ok(())
            }
            WebProblem::RootDocument { url } => write!(f, "{url} answered with the root document"),
        }
    }
}
