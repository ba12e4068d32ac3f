//! The unauthenticated autodiscover root document (MS-OCDISCWS, D13):
//! JSON `{"_links": {"user": {"href": …}, …}}` or XML
//! `<AutodiscoverResponse><Root><Link token="User" href="…"/>…`. Bodies
//! come from the network: every input ends in a document or a
//! [`DocProblem`], never a panic, and nesting is bounded.

use std::fmt;

use super::DocProblem;
use quick_xml::XmlVersion;
use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// Deeper than any real root document; hostile nesting stops here.
const MAX_DEPTH: usize = 32;
/// More links than any real root document carries.
const MAX_LINKS: usize = 64;

/// The links of a root document, tokens lowercased (D13: they compare
/// case-insensitively), in document order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RootDocument {
    pub links: Vec<(String, String)>,
}

impl RootDocument {
    /// The href of the first link with this token (case-insensitive).
    pub fn link(&self, token: &str) -> Option<&str> {
        self.links
            .iter()
            .find(|(t, _)| t.eq_ignore_ascii_case(token))
            .map(|(_, h)| h.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavour {
    Json,
    Xml,
}

/// Reads a root document. The content type decides the flavour; a missing
/// or generic one is decided by the first byte. An HTML page is named as such.
pub fn parse_root(content_type: Option<&str>, body: &[u8]) -> Result<RootDocument, DocProblem> {
    let text = trim_ascii(body);
    if text.is_empty() {
        return Err(DocProblem::Empty);
    }
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    if ct.contains("html") || looks_like_html(text) {
        return Err(DocProblem::Html);
    }
    let flavour = if ct.contains("json") {
        Flavour::Json
    } else if ct.contains("xml") {
        Flavour::Xml
    } else {
        match text.first() {
            Some(b'{') => Flavour::Json,
            Some(b'<') => Flavour::Xml,
            _ => return Err(DocProblem::WrongContentType(clip(&ct))),
        }
    };
    match flavour {
        Flavour::Json => parse_json(text),
        Flavour::Xml => parse_xml(text),
    }
}

fn clip(s: &str) -> String {
    s.chars().take(80).collect()
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b);
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &b[start..end]
}

fn looks_like_html(text: &[u8]) -> bool {
    let head: Vec<u8> = text.iter().take(512).map(u8::to_ascii_lowercase).collect();
    let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    has(b"<!doctype html") || has(b"<html")
}

/// JSON nesting depth of `text`, counted over brackets outside strings:
/// serde_json has its own limit, this one keeps the error ours.
fn json_depth(text: &[u8]) -> usize {
    let (mut depth, mut max, mut in_str, mut esc) = (0usize, 0usize, false, false);
    for &c in text {
        if in_str {
            match (esc, c) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_str = true,
            b'{' | b'[' => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

fn parse_json(text: &[u8]) -> Result<RootDocument, DocProblem> {
    if json_depth(text) > MAX_DEPTH {
        return Err(DocProblem::TooDeep);
    }
    let value: serde_json::Value =
        serde_json::from_slice(text).map_err(|e| DocProblem::Unparsable(clip(&e.to_string())))?;
    let links = value
        .as_object()
        .and_then(|o| {
            o.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("_links"))
                .map(|(_, v)| v)
        })
        .and_then(|v| v.as_object())
        .ok_or(DocProblem::NotRoot)?;
    let mut doc = RootDocument::default();
    for (token, link) in links.iter().take(MAX_LINKS) {
        // A link is {"href": "…"}; HAL also allows an array of them.
        let first = match link {
            serde_json::Value::Array(a) => a.first(),
            other => Some(other),
        };
        if let Some(href) = first.and_then(|l| l.get("href")).and_then(|h| h.as_str()) {
            doc.links
                .push((token.to_ascii_lowercase(), href.to_string()));
        }
    }
    Ok(doc)
}

fn parse_xml(text: &[u8]) -> Result<RootDocument, DocProblem> {
    let mut reader = Reader::from_reader(text);
    let mut depth = 0usize;
    let (mut saw_response, mut saw_root) = (false, false);
    let mut doc = RootDocument::default();
    let bad = |e: &dyn fmt::Display| DocProblem::Unparsable(clip(&e.to_string()));
    loop {
        let event = reader.read_event().map_err(|e| bad(&e))?;
        let (element, closes) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                continue;
            }
            Event::DocType(_) => {
                // No DTDs: a root document never has one, and entities are an attack surface.
                return Err(DocProblem::Unparsable("a DOCTYPE is not allowed".into()));
            }
            Event::Eof => break,
            _ => continue,
        };
        let Some(e) = element else { continue };
        if !closes {
            depth += 1;
            if depth > MAX_DEPTH {
                return Err(DocProblem::TooDeep);
            }
        }
        let local = e.local_name();
        let name = local.as_ref();
        if name.eq_ignore_ascii_case("AutodiscoverResponse") {
            saw_response = true;
        } else if name.eq_ignore_ascii_case("Root") {
            saw_root = true;
        } else if name.eq_ignore_ascii_case("Link") && doc.links.len() < MAX_LINKS {
            let (mut token, mut href) = (None, None);
            for attr in e.attributes() {
                let attr = attr.map_err(|e| bad(&e))?;
                let value = attr
                    .normalized_value(XmlVersion::Implicit1_0)
                    .map_err(|e| bad(&e))?
                    .into_owned();
                let key = attr.key.local_name();
                if key.as_ref().eq_ignore_ascii_case("token") {
                    token = Some(value);
                } else if key.as_ref().eq_ignore_ascii_case("href") {
                    href = Some(value);
                }
            }
            if let (Some(t), Some(h)) = (token, href) {
                doc.links.push((t.to_ascii_lowercase(), h));
            }
        }
    }
    if saw_response && saw_root {
        Ok(doc)
    } else {
        Err(DocProblem::NotRoot)
    }
}
