use super::*;
use std::path::{Path, PathBuf};

fn origin() -> PathBuf {
    PathBuf::from("/etc/sipscope/config.toml")
}

fn err(text: &str) -> String {
    parse(text, &origin()).unwrap_err().to_string()
}

#[test]
fn the_example_config_parses_to_the_defaults() {
    assert_eq!(
        parse(EXAMPLE, Path::new("config.example.toml")).unwrap(),
        Config::default()
    );
}

#[test]
fn every_example_value_is_valid_when_uncommented() {
    // "# key = value" lines are the examples; uncommented they must all parse
    // (deny_unknown_fields catches a documented key that does not exist).
    // The `[[vantage]]` tables come last and are checked on their own.
    let uncommented: String = EXAMPLE
        .lines()
        .take_while(|l| !l.starts_with("# [[vantage]]"))
        .filter_map(|l| l.strip_prefix("# "))
        .filter(|l| l.split_once(" = ").is_some_and(|(k, _)| !k.contains(' ')))
        .map(|l| format!("{l}\n"))
        .collect();
    let c = parse(&uncommented, Path::new("example")).unwrap();
    assert_eq!(c.address.as_deref(), Some("sip:alice@contoso.com"));
    assert_eq!(c.resolvers.len(), 2);
    assert_eq!(c.trusted_domains, ["contoso-hosting.net"]);
    assert!(c.snapshot_dir.is_some());
    assert_eq!(c.allow_ports, [8443]);
    // …and every key of Config is documented.
    for key in [
        "address",
        "profile",
        "resolvers",
        "timeout_ms",
        "ca_files",
        "system_roots",
        "trusted_domains",
        "strict_dns_naming",
        "watch_interval",
        "snapshot_dir",
        "log_level",
        "colours",
        "authoritative",
        "allow_ports",
        "sip",
        "dns_in_flight",
    ] {
        assert!(
            uncommented
                .lines()
                .any(|l| l.starts_with(&format!("{key} = "))),
            "{key} is not in config.example.toml"
        );
    }
}

// D12: the documented `[[vantage]]` tables parse, and bad ones are refused
// naming the key.
#[test]
fn d12_vantage_tables_parse_and_are_checked() {
    let block: String = EXAMPLE
        .lines()
        .skip_while(|l| !l.starts_with("# [[vantage]]"))
        .filter_map(|l| l.strip_prefix("# "))
        .map(|l| format!("{l}\n"))
        .collect();
    let c = parse(&block, Path::new("example")).unwrap();
    let labels: Vec<&str> = c.vantage.iter().map(|v| v.label.as_str()).collect();
    assert_eq!(labels, ["inside", "outside"]);
    let v = vantages(&SweepOverrides::default(), &c).unwrap();
    assert_eq!(v[1].resolvers.labels(), ["1.1.1.1:53", "8.8.8.8:53"]);

    let bad = err("[[vantage]]\nlabel = \"in side\"\nresolvers = [\"10.0.0.53\"]\n");
    assert!(bad.contains("vantage") && bad.contains("label"), "{bad}");
    // The command line replaces the file's vantages, and checks its own.
    let over = SweepOverrides {
        vantages: vec!["a=127.0.0.1:5353".into(), "b=10.0.0.53,10.0.1.53".into()],
        ..SweepOverrides::default()
    };
    let v = vantages(&over, &c).unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].label, "a");
    for (bad, why) in [
        ("nolabel", "LABEL=IP"),
        ("x=nope nope", "resolver"),
        ("=10.0.0.1", "label"),
    ] {
        let over = SweepOverrides {
            vantages: vec![bad.into()],
            ..SweepOverrides::default()
        };
        let e = vantages(&over, &c).unwrap_err().to_string();
        assert!(e.contains("--vantage") && e.contains(why), "{bad}: {e}");
    }
    let twice = SweepOverrides {
        vantages: vec!["a=10.0.0.1".into(), "a=10.0.0.2".into()],
        ..SweepOverrides::default()
    };
    assert!(
        vantages(&twice, &c)
            .unwrap_err()
            .to_string()
            .contains("twice")
    );
}

#[test]
fn an_unknown_key_names_file_line_and_key() {
    let e = err("profile = \"ocs2007\"\n\ncolour = false\n");
    assert!(e.contains("/etc/sipscope/config.toml"), "{e}");
    assert!(e.contains("line 3"), "{e}");
    assert!(e.contains("key `colour`"), "{e}");
    assert!(e.contains("unknown field"), "{e}");
    assert!(!e.contains('\n'), "one line: {e}");
}

#[test]
fn a_bad_value_names_file_line_and_key() {
    let cases = [
        ("timeout_ms = \"fast\"\n", 1, "timeout_ms", "invalid type"),
        ("# c\ntimeout_ms = 0\n", 2, "timeout_ms", "out of range"),
        (
            "\n\nprofile = \"lync2099\"\n",
            3,
            "profile",
            "unknown profile",
        ),
        (
            "resolvers = [\"10.0.0.1\", \"dns example\"]\n",
            1,
            "resolvers",
            "not an IP",
        ),
        ("watch_interval = 0\n", 1, "watch_interval", "out of range"),
        ("log_level = \"loud\"\n", 1, "log_level", "unknown variant"),
        ("colours = \"yes\"\n", 1, "colours", "invalid type"),
        ("address = \"a@@b\"\n", 1, "address", "more than one '@'"),
        (
            "trusted_domains = [\"bad domain\"]\n",
            1,
            "trusted_domains",
            "not allowed",
        ),
    ];
    for (text, line, key, what) in cases {
        let e = err(text);
        assert!(
            e.starts_with("config file /etc/sipscope/config.toml"),
            "{e}"
        );
        assert!(e.contains(&format!("line {line},")), "{text:?}: {e}");
        assert!(e.contains(&format!("key `{key}`")), "{text:?}: {e}");
        assert!(e.contains(what), "{text:?}: {e}");
        assert!(!e.contains('\n'), "one line: {e}");
    }
}

#[test]
fn a_syntax_error_names_the_line() {
    let e = err("profile = \"ocs2007\"\ntimeout_ms = \n");
    assert!(e.contains("line 2"), "{e}");
}

#[test]
fn relative_paths_are_relative_to_the_config_file() {
    let c = parse(
        "ca_files = [\"ca.pem\", \"/abs/root.pem\"]\nsnapshot_dir = \"snaps\"\n",
        &origin(),
    )
    .unwrap();
    assert_eq!(
        c.ca_files,
        [
            PathBuf::from("/etc/sipscope/ca.pem"),
            PathBuf::from("/abs/root.pem")
        ]
    );
    assert_eq!(c.snapshot_dir, Some(PathBuf::from("/etc/sipscope/snaps")));
}

#[test]
fn a_missing_default_file_is_fine_but_a_named_one_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.toml");
    let e = load(Some(&missing)).unwrap_err().to_string();
    assert!(
        e.contains("nope.toml") && e.contains("does not exist"),
        "{e}"
    );

    let present = dir.path().join("c.toml");
    std::fs::write(&present, "profile = \"lync2010\"\n").unwrap();
    let (c, f) = load(Some(&present)).unwrap();
    assert_eq!(c.profile, "lync2010");
    assert!(f.loaded && f.explicit);
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    fn one_clean_line(e: &str) {
        assert!(!e.contains('\n'), "{e:?}");
        assert!(!e.chars().any(crate::text::is_unsafe), "{e:?}");
    }

    proptest! {
        // Config files are user input: any text parses or gives one clean line.
        #[test]
        fn config_text_never_panics(text in "\\PC{0,200}") {
            if let Err(e) = parse(&text, &origin()) {
                one_clean_line(&e.to_string());
            }
        }

        #[test]
        fn tomlish_text_never_panics(
            key in "[a-z_]{1,12}",
            value in prop_oneof![
                "\"[^\"]{0,40}\"".boxed(),
                "[0-9-]{1,12}".boxed(),
                "\\[(\"[^\"]{0,10}\", ){0,3}\\]".boxed(),
                any::<String>().boxed(),
            ],
        ) {
            let text = format!("{key} = {value}\n");
            if let Err(e) = parse(&text, &origin()) {
                one_clean_line(&e.to_string());
            }
        }
    }
}

// D13 (issue 21.1): the ports an autodiscover redirect may use besides 80 and
// 443: the command line (or environment) replaces the file's list; port 0 is
// refused in either, naming the key or option.
#[test]
fn d13_allow_ports_layer_and_refuse_port_zero() {
    let file = parse("allow_ports = [8443, 4443]\n", &origin()).unwrap();
    let none = SweepOverrides::default();
    let from_file = sweep_options(&none, None, &file).unwrap();
    assert_eq!(from_file.allow_ports, [8443, 4443]);
    let given = SweepOverrides {
        allow_ports: vec![9],
        ..SweepOverrides::default()
    };
    assert_eq!(sweep_options(&given, None, &file).unwrap().allow_ports, [9]);
    assert!(
        sweep_options(&none, None, &Config::default())
            .unwrap()
            .allow_ports
            .is_empty()
    );
    let zero = SweepOverrides {
        allow_ports: vec![0],
        ..SweepOverrides::default()
    };
    let e = sweep_options(&zero, None, &file).unwrap_err().to_string();
    assert!(e.contains("--allow-port") && e.contains("port 0"), "{e}");
    let e = err("allow_ports = [0]\n");
    assert!(e.contains("allow_ports") && e.contains("port 0"), "{e}");
    let e = err("allow_ports = [70000]\n");
    assert!(e.contains("allow_ports"), "{e}");
}

// D17, D18: `open` re-sweeps with the settings the snapshot ran with: a
// session taken with --no-sip stays without the REGISTER stage, and its
// expiry window stays; the command line still wins; a snapshot from before
// these were recorded ran the stage with the default window.
#[test]
fn a_snapshot_keeps_its_sip_stage_and_expiry_window() {
    let file = Config::default();
    let none = SweepOverrides::default();
    let mut ran = sweep_options(&none, None, &file).unwrap();
    ran.sip = false;
    ran.expiry_warning_days = 7;
    let settings =
        crate::sweep::SweepSettings::new(crate::input::parse_target("contoso.com").unwrap(), ran);
    let recorded = crate::snapshot::SettingsSummary::from_settings(&settings);
    let reopened = sweep_options(&none, Some(&recorded), &file).unwrap();
    assert!(!reopened.sip);
    assert_eq!(reopened.expiry_warning_days, 7);
    let given = SweepOverrides {
        sip: Some(true),
        expiry_warning_days: Some(14),
        ..SweepOverrides::default()
    };
    let overridden = sweep_options(&given, Some(&recorded), &file).unwrap();
    assert!(overridden.sip);
    assert_eq!(overridden.expiry_warning_days, 14);
    let mut old = serde_json::to_value(&recorded).unwrap();
    let fields = old.as_object_mut().unwrap();
    fields.remove("sip");
    fields.remove("expiry_warning_days");
    let old: crate::snapshot::SettingsSummary = serde_json::from_value(old).unwrap();
    assert!(old.sip);
    assert_eq!(
        old.expiry_warning_days,
        crate::model::state::DEFAULT_EXPIRY_WARNING_DAYS
    );
}

// D19: the bound on queries in flight per resolver layers like the rest and
// is refused out of range, naming the option or key.
#[test]
fn d19_dns_in_flight_layers_and_is_checked() {
    let none = SweepOverrides::default();
    let defaults = sweep_options(&none, None, &Config::default()).unwrap();
    assert_eq!(defaults.dns_in_flight, crate::probe::dns::MAX_IN_FLIGHT);
    let file = parse("dns_in_flight = 100\n", &origin()).unwrap();
    assert_eq!(
        sweep_options(&none, None, &file).unwrap().dns_in_flight,
        100
    );
    let given = SweepOverrides {
        dns_in_flight: Some(1024),
        ..SweepOverrides::default()
    };
    assert_eq!(
        sweep_options(&given, None, &file).unwrap().dns_in_flight,
        1024
    );
    let zero = SweepOverrides {
        dns_in_flight: Some(0),
        ..SweepOverrides::default()
    };
    let e = sweep_options(&zero, None, &file).unwrap_err().to_string();
    assert!(
        e.contains("--dns-in-flight") && e.contains("1 to 4096"),
        "{e}"
    );
    let e = err("dns_in_flight = 5000\n");
    assert!(
        e.contains("dns_in_flight") && e.contains("out of range"),
        "{e}"
    );
}
