//! The built-in scenarios, compiled in from `assets/scenarios/*.toml`.

use super::LabError;
use super::scenario::Scenario;

/// File name and text of every built-in scenario, in demo order.
const FILES: &[(&str, &str)] = &[
    (
        "01-healthy.toml",
        include_str!("../../assets/scenarios/01-healthy.toml"),
    ),
    (
        "02-cname-cert.toml",
        include_str!("../../assets/scenarios/02-cname-cert.toml"),
    ),
    (
        "03-split-brain.toml",
        include_str!("../../assets/scenarios/03-split-brain.toml"),
    ),
    (
        "04-pool-other-domain.toml",
        include_str!("../../assets/scenarios/04-pool-other-domain.toml"),
    ),
    (
        "05-tls-wins.toml",
        include_str!("../../assets/scenarios/05-tls-wins.toml"),
    ),
    (
        "06-dangling-srv.toml",
        include_str!("../../assets/scenarios/06-dangling-srv.toml"),
    ),
    (
        "07-untrusted-ca.toml",
        include_str!("../../assets/scenarios/07-untrusted-ca.toml"),
    ),
    (
        "08-expired-cert.toml",
        include_str!("../../assets/scenarios/08-expired-cert.toml"),
    ),
    (
        "09-pool-down.toml",
        include_str!("../../assets/scenarios/09-pool-down.toml"),
    ),
    (
        "10-dns-failures.toml",
        include_str!("../../assets/scenarios/10-dns-failures.toml"),
    ),
    (
        "11-no-records.toml",
        include_str!("../../assets/scenarios/11-no-records.toml"),
    ),
    (
        "12-srv-priority.toml",
        include_str!("../../assets/scenarios/12-srv-priority.toml"),
    ),
    (
        "13-wildcard-cert.toml",
        include_str!("../../assets/scenarios/13-wildcard-cert.toml"),
    ),
    (
        "14-hostile.toml",
        include_str!("../../assets/scenarios/14-hostile.toml"),
    ),
    (
        "15-hostile-text.toml",
        include_str!("../../assets/scenarios/15-hostile-text.toml"),
    ),
    (
        "16-autodiscover.toml",
        include_str!("../../assets/scenarios/16-autodiscover.toml"),
    ),
    (
        "17-autodiscover-cert.toml",
        include_str!("../../assets/scenarios/17-autodiscover-cert.toml"),
    ),
    (
        "18-autodiscover-proxy-404.toml",
        include_str!("../../assets/scenarios/18-autodiscover-proxy-404.toml"),
    ),
    (
        "19-autodiscover-500.toml",
        include_str!("../../assets/scenarios/19-autodiscover-500.toml"),
    ),
    (
        "20-autodiscover-http-only.toml",
        include_str!("../../assets/scenarios/20-autodiscover-http-only.toml"),
    ),
    (
        "21-autodiscover-redirect.toml",
        include_str!("../../assets/scenarios/21-autodiscover-redirect.toml"),
    ),
    (
        "22-autodiscover-hybrid.toml",
        include_str!("../../assets/scenarios/22-autodiscover-hybrid.toml"),
    ),
    (
        "23-autodiscover-loop.toml",
        include_str!("../../assets/scenarios/23-autodiscover-loop.toml"),
    ),
    (
        "24-autodiscover-unpublished.toml",
        include_str!("../../assets/scenarios/24-autodiscover-unpublished.toml"),
    ),
    (
        "25-mixed-estate.toml",
        include_str!("../../assets/scenarios/25-mixed-estate.toml"),
    ),
    (
        "26-autodiscover-hostile-redirect.toml",
        include_str!("../../assets/scenarios/26-autodiscover-hostile-redirect.toml"),
    ),
    (
        "27-autodiscover-hostile-link.toml",
        include_str!("../../assets/scenarios/27-autodiscover-hostile-link.toml"),
    ),
    (
        "26-web-server-on-sip.toml",
        include_str!("../../assets/scenarios/26-web-server-on-sip.toml"),
    ),
    (
        "27-third-party-registrar.toml",
        include_str!("../../assets/scenarios/27-third-party-registrar.toml"),
    ),
    (
        "30-pool-member-down.toml",
        include_str!("../../assets/scenarios/30-pool-member-down.toml"),
    ),
    (
        "31-tls10-server.toml",
        include_str!("../../assets/scenarios/31-tls10-server.toml"),
    ),
    (
        "32-tls12-cbc-only.toml",
        include_str!("../../assets/scenarios/32-tls12-cbc-only.toml"),
    ),
    (
        "33-missing-intermediate.toml",
        include_str!("../../assets/scenarios/33-missing-intermediate.toml"),
    ),
    (
        "34-client-auth-cert.toml",
        include_str!("../../assets/scenarios/34-client-auth-cert.toml"),
    ),
    (
        "35-split-view.toml",
        include_str!("../../assets/scenarios/35-split-view.toml"),
    ),
    (
        "36-stale-resolver.toml",
        include_str!("../../assets/scenarios/36-stale-resolver.toml"),
    ),
    (
        "37-lagging-secondary.toml",
        include_str!("../../assets/scenarios/37-lagging-secondary.toml"),
    ),
    (
        "38-hostile-registrars.toml",
        include_str!("../../assets/scenarios/38-hostile-registrars.toml"),
    ),
];

/// Every built-in scenario, parsed; a broken asset is an error naming the file.
pub fn builtin_scenarios() -> Result<Vec<Scenario>, LabError> {
    FILES
        .iter()
        .map(|(file, text)| Scenario::from_toml(file, text))
        .collect()
}

/// The built-in scenarios `sipscope demo` lists (hostile ones left out).
pub fn demo_scenarios() -> Result<Vec<Scenario>, LabError> {
    Ok(builtin_scenarios()?
        .into_iter()
        .filter(Scenario::in_demo)
        .collect())
}

/// One built-in scenario by name (`None` if unknown or if the assets are broken).
pub fn scenario(name: &str) -> Option<Scenario> {
    builtin_scenarios()
        .ok()?
        .into_iter()
        .find(|s| s.name() == name)
}
