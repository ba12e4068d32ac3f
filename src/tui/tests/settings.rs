//! Issue 17: the reducer does no blocking work. The layered settings are
//! resolved once before the event loop (`App::resolve_settings`); sweeps
//! and a profile switch (`p`, D3) reuse them instead of layering again.

use super::fixtures::*;

#[test]
fn sweeps_reuse_the_settings_resolved_before_the_loop() {
    let mut app = app_with(args(), Default::default());
    app.resolve_settings().expect("the settings resolve");
    // Layering again would now fail (and a resolver host name would be
    // looked up again): the sweeps must not do it.
    app.config.file.trusted_domains = vec!["not a domain!".into()];
    let (_, first) = started(&app.start(Some(ADDRESS))).expect("a sweep starts");
    assert_eq!(first.options.profile.name, app.profile);
    let before = first.options.profile.clone();
    let (_, next) = started(&app.update(key('p'))).expect("p sweeps again");
    assert_ne!(next.options.profile.name, before.name);
    assert_eq!(next.options.profile.name, app.profile);
    // D3: the new profile's own TCP habit, as layering would give it.
    assert_eq!(next.options.allow_tcp, next.options.profile.tcp_by_default);
    assert_eq!(next.options.resolvers, first.options.resolvers);

    // Without resolving first, the reducer layers (and names the error).
    let mut app = app_with(args(), Default::default());
    app.config.file.trusted_domains = vec!["not a domain!".into()];
    assert!(started(&app.start(Some(ADDRESS))).is_none());
}
