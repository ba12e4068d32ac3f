//! D17: reading one answer to sipscope's REGISTER. Pure and bounded: the
//! probe hands in the bytes read so far; nothing here allocates more than
//! the input, and the header count is capped.
//!
//! RFC 3261 §7.3: header names are case-insensitive, some have a compact
//! one-letter form, a line that starts with a space or tab continues the
//! previous header. The start line tells a SIP answer from anything else
//! (an HTTP status line is named as such).

/// At most this many bytes of an answer are read (the probe stops there).
pub const MAX_ANSWER: usize = 64 * 1024;
/// At most this many header lines are kept; the rest are counted.
pub const MAX_HEADERS: usize = 128;

/// What the first line of the answer is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartLine {
    /// `SIP/2.0 401 Unauthorized`.
    Sip { code: u16, reason: String },
    /// `HTTP/1.1 400 Bad Request`: a web server on the SIP name.
    Http { line: String },
    /// Anything else, as received (lossy UTF-8, cut to a line).
    Other { line: String },
}

/// The head of one answer: start line and headers (canonical names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub start: StartLine,
    pub headers: Vec<(String, String)>,
    /// The blank line that ends the head never came (size cap, close, time).
    pub truncated: bool,
    /// Header lines beyond [`MAX_HEADERS`], not kept.
    pub dropped: usize,
    /// The start line ended (a line feed came).
    pub complete_line: bool,
}

/// The canonical name of a header: compact forms expanded (RFC 3261
/// §7.3.3), well-known names in their usual spelling, others as sent.
pub fn canonical_name(name: &str) -> String {
    const KNOWN: [&str; 14] = [
        "Call-ID",
        "Contact",
        "Content-Encoding",
        "Content-Length",
        "Content-Type",
        "From",
        "Subject",
        "Supported",
        "To",
        "Via",
        "Server",
        "WWW-Authenticate",
        "Proxy-Authenticate",
        "ms-diagnostics",
    ];
    let compact = match name.to_ascii_lowercase().as_str() {
        "i" => Some("Call-ID"),
        "m" => Some("Contact"),
        "e" => Some("Content-Encoding"),
        "l" => Some("Content-Length"),
        "c" => Some("Content-Type"),
        "f" => Some("From"),
        "s" => Some("Subject"),
        "k" => Some("Supported"),
        "t" => Some("To"),
        "v" => Some("Via"),
        _ => None,
    };
    if let Some(c) = compact {
        return c.to_string();
    }
    KNOWN
        .iter()
        .find(|k| k.eq_ignore_ascii_case(name))
        .map(|k| k.to_string())
        .unwrap_or_else(|| name.to_string())
}

fn head_end(buf: &[u8]) -> Option<usize> {
    let crlf = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4);
    let lf = buf.windows(2).position(|w| w == b"\n\n").map(|p| p + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// True when `buf` can no longer become a SIP or HTTP start line: no need
/// to wait for more bytes to call it "not SIP".
fn hopeless(buf: &[u8]) -> bool {
    let first = buf.split(|b| *b == b'\n').next().unwrap_or_default();
    let could_be = |proto: &[u8]| {
        let n = first.len().min(proto.len());
        first[..n].eq_ignore_ascii_case(&proto[..n])
    };
    !buf.is_empty() && !could_be(b"SIP/") && !could_be(b"HTTP/")
}

/// Reads the bytes received so far. `None` while more may come (`ended`
/// false and the head incomplete); once `ended` (closed, cap reached, time
/// out) it reads what there is. An empty `buf` with `ended` is `None` too:
/// there is no answer to read.
pub fn parse(buf: &[u8], ended: bool) -> Option<Head> {
    if buf.is_empty() {
        return None;
    }
    let end = head_end(buf);
    if end.is_none() && !ended && !hopeless(buf) {
        return None;
    }
    let head = &buf[..end.unwrap_or(buf.len())];
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let first = lines.next().unwrap_or_default();
    let start = start_line(first);
    let mut out = Head {
        start,
        headers: Vec::new(),
        truncated: end.is_none(),
        dropped: 0,
        complete_line: head.contains(&b'\n'),
    };
    if !matches!(out.start, StartLine::Sip { .. } | StartLine::Http { .. }) {
        return Some(out);
    }
    for line in lines {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            // A folded line continues the previous header (RFC 3261 §7.3.1).
            if out.dropped == 0
                && let Some((_, v)) = out.headers.last_mut()
            {
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let name = name.trim();
        if name.is_empty() {
            continue;
        }
        if out.headers.len() >= MAX_HEADERS {
            out.dropped += 1;
            continue;
        }
        out.headers
            .push((canonical_name(name), value.trim().to_string()));
    }
    Some(out)
}

/// Starts with `HTTP/` (any case); byte-wise, so any text is safe.
pub fn is_http(s: &str) -> bool {
    s.as_bytes()
        .get(..5)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"HTTP/"))
}

fn start_line(first: &str) -> StartLine {
    let cut: String = first.chars().take(200).collect();
    let mut parts = first.splitn(3, ' ');
    let proto = parts.next().unwrap_or_default();
    if proto.eq_ignore_ascii_case("SIP/2.0") {
        let code = parts.next().unwrap_or_default();
        if code.len() == 3
            && let Ok(code) = code.parse::<u16>()
            && (100..=699).contains(&code)
        {
            let reason: String = parts.next().unwrap_or_default().chars().take(200).collect();
            return StartLine::Sip { code, reason };
        }
        return StartLine::Other { line: cut };
    }
    if is_http(proto) {
        return StartLine::Http { line: cut };
    }
    StartLine::Other { line: cut }
}

impl Head {
    /// Every value of the header `name` (any case, compact forms), in order.
    pub fn values<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> + 'a {
        let canon = canonical_name(name);
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(&canon))
            .map(|(_, v)| v.as_str())
    }

    pub fn first(&self, name: &str) -> Option<&str> {
        self.values(name).next()
    }

    /// The head as bytes on the wire (CRLF, blank line at the end); reading
    /// it back gives the same head (the round-trip tests rely on it).
    pub fn render(&self) -> String {
        let mut out = match &self.start {
            StartLine::Sip { code, reason } => format!("SIP/2.0 {code} {reason}"),
            StartLine::Http { line } | StartLine::Other { line } => line.clone(),
        };
        out.push_str("\r\n");
        for (n, v) in &self.headers {
            out.push_str(n);
            out.push_str(": ");
            out.push_str(v);
            out.push_str("\r\n");
        }
        out.push_str("\r\n");
        out
    }
}

/// One authentication challenge (`WWW-Authenticate` / `Proxy-Authenticate`),
/// [MS-SIPAE] §2.2 / §3.3.5.1.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Challenge {
    pub scheme: String,
    pub realm: Option<String>,
    pub targetname: Option<String>,
    pub version: Option<u32>,
    pub sts_uri: Option<String>,
}

/// Reads `NTLM realm="SIP Communications Service", targetname="fe.contoso.com", version=4`.
/// Parameter names compare case-insensitively; quoted values may hold commas.
pub fn challenge(value: &str) -> Challenge {
    let value = value.trim();
    let (scheme, rest) = value.split_once([' ', '\t']).unwrap_or((value, ""));
    let mut c = Challenge {
        scheme: scheme.chars().take(64).collect(),
        ..Challenge::default()
    };
    for (name, v) in params(rest) {
        match name.to_ascii_lowercase().as_str() {
            "realm" => c.realm = Some(v),
            "targetname" => c.targetname = Some(v),
            "version" => c.version = v.parse().ok(),
            "sts-uri" => c.sts_uri = Some(v),
            _ => {}
        }
    }
    c
}

/// `a="x, y", b=z` → `[(a, "x, y"), (b, z)]`.
fn params(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let mut name = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c == ',' {
                break;
            }
            name.push(c);
            chars.next();
        }
        if chars.peek().is_none() && name.is_empty() {
            return out;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'=') {
            chars.next();
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            if chars.peek() == Some(&'"') {
                chars.next();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => value.extend(chars.next()),
                        c => value.push(c),
                    }
                }
                // Skip anything up to the next separator.
                while chars.peek().is_some_and(|c| *c != ',') {
                    chars.next();
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c == ',' {
                        break;
                    }
                    value.push(c);
                    chars.next();
                }
            }
        }
        out.push((name.trim().to_string(), value.trim().to_string()));
        if chars.peek().is_none() {
            return out;
        }
    }
}
