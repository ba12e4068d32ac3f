//! The text after each command's options in `--help`: examples (every one a
//! command line that works as written) and, for the dashboard, its keys.

use crate::tui::keys::{EDIT_KEYS, KEYS};

/// `sipscope --help` and the man page's description: what sipscope asks
/// (autodiscover, SRV, A, in the client's order) and what each profile asks.
pub fn long_about() -> String {
    let mut s = String::from(
        "sipscope asks the DNS queries an Office Communicator, Lync or Skype for Business \
client makes to find its sign-in server, in that client's order: the autodiscover web service \
(lyncdiscoverinternal.DOMAIN, lyncdiscover.DOMAIN) for Lync 2013, Skype for Business and mobile \
clients, the SRV records (_sipinternaltls._tcp, _sipinternal._tcp, _sip._tls, _sip._tcp) and the \
A records (sipinternal, sip, sipexternal). It probes each answer (every address, TCP connect, TLS \
handshake, certificate names and trust, the autodiscover answer), shows which record each client \
generation would use and says whether sign-in works and what to fix.\n\n\
What each client generation (--profile NAME) asks:\n",
    );
    for p in crate::plan::profiles() {
        let default = if p.name == crate::plan::DEFAULT_PROFILE {
            " (default)"
        } else {
            ""
        };
        s.push_str(&format!("  {}{default}: {}\n", p.name, p.description));
    }
    s.push_str(
        "Whatever the profile, every sweep also says which record each other generation would use.\n\n\
With no command, sipscope opens the live dashboard on ADDRESS.",
    );
    s
}

pub const DASHBOARD_SHORT: &str = "\
Examples:
  sipscope contoso.com                          the dashboard on contoso.com's records
  sipscope --resolver 10.0.0.53 alice@contoso.com
  sipscope check sip:alice@contoso.com          one sweep, printed (see `sipscope help check`)
  sipscope demo                                 the dashboard on the built-in lab

Keys: r re-run · w watch · e edit · p profile · s save · ↑↓ move
      d details · l log · ? help · q quit  (`sipscope --help` lists every key)";

/// `sipscope --help`: the examples and every key of the dashboard.
pub fn dashboard_long() -> String {
    let mut s = String::from(
        "Examples:\n  \
         sipscope contoso.com\n  \
         sipscope --resolver 10.0.0.53 --profile lync2010 alice@contoso.com\n  \
         sipscope --ca-file corp-root.pem sip:alice@contoso.com\n  \
         sipscope check sip:alice@contoso.com\n  \
         sipscope demo cname-cert\n\nDashboard keys:\n",
    );
    for k in KEYS {
        s.push_str(&format!("  {:<8}  {}\n", k.keys, k.long));
    }
    s.push_str("In the address field (e):\n");
    for k in EDIT_KEYS {
        s.push_str(&format!("  {:<8}  {}\n", k.keys, k.long));
    }
    s.push_str("\nExit codes: 0 done · 2 bad input or configuration · 3 could not run");
    s
}

pub const CHECK: &str = "\
Examples:
  sipscope check contoso.com
  sipscope check --resolver 10.0.0.53 sip:alice@contoso.com
  sipscope check --profile lync2010 --json alice@contoso.com
  sipscope check --save alice@contoso.com       also save a snapshot (see `sipscope snapshots`)

Exit codes: 0 sign-in works (ok or degraded, D18) · 1 sign-in fails (or degraded with --strict) · 2 bad input or configuration · 3 could not run";

pub const SERVE: &str = "\
Examples:
  sipscope serve                                listens on 127.0.0.1:15061
  sipscope serve --listen 0.0.0.0:15061 --allow-domain contoso.com --allow-domain '*.contoso.com'
  curl 'http://127.0.0.1:15061/probe?target=contoso.com'
  curl 'http://127.0.0.1:15061/probe?target=contoso.com&debug=true'

Point Prometheus at it with examples/prometheus.yml (metrics_path /probe, target relabelling).";

pub const AUDIT: &str = "\
Examples:
  sipscope audit domains.txt                    progress, then the domains not ok and totals
  sipscope audit --json domains.txt | jq -c 'select(.verdict.state != \"ok\")'
  sipscope audit --csv --jobs 32 - < domains.txt
  sipscope audit --markdown audit.md domains.txt

Exit codes: 0 every address ok or degraded · 1 any fails or is invalid (or degraded with --strict) · 2 the file cannot be read or holds no address · 3 could not run · 130 interrupted";

pub const PROFILES: &str = "\
Example:
  sipscope profiles
  sipscope check --profile lync2010 contoso.com";

pub const PATHS: &str = "\
Examples:
  sipscope paths
  sipscope paths --config ./test.toml";

pub const SNAPSHOTS: &str = "\
Examples:
  sipscope snapshots                            list, newest first
  sipscope snapshots show 1                     the newest, as the `check` table
  sipscope snapshots diff 2 1                   what changed (exit 1 when anything did)";

pub const OPEN: &str = "\
Examples:
  sipscope open 1                               the newest snapshot
  sipscope open ./contoso.com-2024-05-01.json
  sipscope open 1 --resolver 10.0.0.53          `r` sweeps live through this resolver";

pub const DEMO: &str = "\
Examples:
  sipscope demo                                 the `healthy` scenario first
  sipscope demo --list                          every scenario and its lesson
  sipscope demo cname-cert
  sipscope demo --profile sfb autodiscover      as a Skype for Business client sees it

The demo's resolvers and vantages come from the scenario (`split-view` has two).
Keys: n/b next/previous scenario · f apply the fix · r re-run · ? help · q quit";

pub const LAB: &str = "\
Examples:
  sipscope lab                            prints the DNS server and ready `check` lines
  sipscope lab --ca-out lab-ca.pem        writes the lab's CA (and lab-dial.txt beside it)
  sipscope lab --scenario my-scenarios/   serves your own scenario files too";

pub const COMPLETIONS: &str = "\
Examples:
  sipscope completions bash > /etc/bash_completion.d/sipscope
  sipscope completions zsh > \"${fpath[1]}/_sipscope\"
  sipscope completions powershell >> $PROFILE";

pub const MAN: &str = "\
Example:
  sipscope man > sipscope.1 && man ./sipscope.1";

pub const CONFIG: &str = "\
Example:
  sipscope config init                          writes config.toml where sipscope reads it
  sipscope config init --config ./test.toml";
