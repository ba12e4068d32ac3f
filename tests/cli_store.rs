//! The real binary: config layering through clap's `env`, config errors,
//! `paths`, `check --save` and `snapshots [list|show|diff]` exit codes. Every
//! run gets a temporary HOME and XDG folders, so nothing touches the real home.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sipscope::input::parse_target;
use sipscope::model::{Status, SweepReport, TargetResult};
use sipscope::plan;
use sipscope::probe::ResolverSpec;
use sipscope::snapshot::{self, Session, SettingsSummary};
use sipscope::sweep::{SweepOptions, SweepSettings, initial_report};

struct Env {
    home: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, p: &str) -> PathBuf {
        self.home.path().join(p)
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_sipscope"));
        let h = self.home.path();
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", h)
            .env("XDG_CONFIG_HOME", h.join("config"))
            .env("XDG_DATA_HOME", h.join("data"))
            .env("XDG_STATE_HOME", h.join("state"));
        c
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut c = self.cmd();
        c.args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap()
    }

    /// The default config file's path.
    fn config_file(&self) -> PathBuf {
        self.path("config/sipscope/config.toml")
    }

    fn write_config(&self, text: &str) {
        let p = self.config_file();
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn settings() -> SweepSettings {
    SweepSettings::new(
        parse_target("contoso.com").unwrap(),
        SweepOptions::new(plan::profile("ocs2007").unwrap(), ResolverSpec::System),
    )
}

fn sweep(works: bool) -> SweepReport {
    let mut r = initial_report(&settings());
    for row in &mut r.records {
        row.status = Status::Missing;
    }
    if works {
        let mut t = TargetResult::new("sip.contoso.com", 5061);
        t.addresses = vec!["192.0.2.10".into()];
        t.status = Status::Found;
        let row = &mut r.records[0];
        row.targets = vec![t];
        row.used_target = Some(0);
        row.status = Status::Found;
    }
    r.decide();
    r
}

fn save(dir: &Path, reports: Vec<SweepReport>) -> PathBuf {
    let mut s = Session::new();
    for r in reports {
        s.push(r);
    }
    snapshot::save(
        dir,
        &s,
        &SettingsSummary::from_settings(&settings()),
        Default::default(),
    )
    .unwrap()
    .json
}

#[test]
fn snapshots_diff_exits_1_when_different_and_0_when_identical() {
    let env = Env::new();
    let dir = env.path("snaps");
    let broken = save(&dir, vec![sweep(false)]);
    let fixed = save(&dir, vec![sweep(false), sweep(true)]);
    let dir_s = dir.to_str().unwrap();

    let same = env.run(&["snapshots", "--dir", dir_s, "diff", "1", "1"], &[]);
    assert_eq!(code(&same), 0, "{}{}", out(&same), err(&same));
    assert!(out(&same).contains("no differences"));

    let a = broken.to_str().unwrap();
    let b = fixed.to_str().unwrap();
    let differ = env.run(&["snapshots", "--dir", dir_s, "diff", a, b], &[]);
    assert_eq!(code(&differ), 1, "{}{}", out(&differ), err(&differ));
    let text = out(&differ);
    assert!(text.contains("status: missing → found"), "{text}");
    assert!(text.contains("verdict: fail"), "{text}");

    // By number: 1 is the newest (fixed), 2 the older one.
    let by_index = env.run(&["snapshots", "--dir", dir_s, "diff", "2", "1"], &[]);
    assert_eq!(code(&by_index), 1);
    assert_eq!(
        out(&by_index).lines().skip(2).collect::<Vec<_>>(),
        text.lines().skip(2).collect::<Vec<_>>()
    );
}

#[test]
fn snapshots_lists_newest_first_skips_bad_files_and_shows_one() {
    let env = Env::new();
    let dir = env.path("snaps");
    save(&dir, vec![sweep(false)]);
    save(&dir, vec![sweep(true)]);
    // D18: sign-in works with something to fix.
    let mut degraded = sweep(true);
    degraded.verdict.state = sipscope::model::State::Degraded;
    save(&dir, vec![degraded]);
    std::fs::write(dir.join("junk.json"), "not json").unwrap();
    let dir_s = dir.to_str().unwrap();

    let list = env.run(&["snapshots", "--dir", dir_s], &[]);
    assert_eq!(code(&list), 0, "{}", err(&list));
    let text = out(&list);
    let rows: Vec<&str> = text.lines().skip(2).collect();
    assert_eq!(rows.len(), 3, "{text}");
    assert!(
        rows[0].trim_start().starts_with("1 ") && rows[0].contains(" degraded "),
        "{text}"
    );
    assert!(
        rows[1].trim_start().starts_with("2 ") && rows[1].contains(" ok "),
        "{text}"
    );
    assert!(
        rows[2].trim_start().starts_with("3 ") && rows[2].contains(" fails "),
        "{text}"
    );
    assert!(
        rows[0].contains("contoso.com") && rows[0].contains("ocs2007"),
        "{text}"
    );
    let e = err(&list);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(
        e.contains("junk.json") && e.contains("not a sipscope snapshot"),
        "{e}"
    );

    let show = env.run(&["snapshots", "show", "2", "--dir", dir_s], &[]);
    assert_eq!(code(&show), 0, "{}", err(&show));
    let text = out(&show);
    assert!(text.contains("sipscope check  contoso.com"), "{text}");
    assert!(text.contains("_sipinternaltls._tcp.contoso.com"), "{text}");
    // Issue 20: the header names the client generation whose row is marked.
    assert!(
        text.lines().any(|l| l.starts_with("sipscope check")
            && l.contains("(Office Communicator 2007: its row is marked ▶)")),
        "{text}"
    );

    let missing = env.run(&["snapshots", "show", "7", "--dir", dir_s], &[]);
    assert_eq!(code(&missing), 2);
    assert!(
        err(&missing).contains("no snapshot number 7"),
        "{}",
        err(&missing)
    );
}

#[test]
fn the_snapshot_folder_layers_cli_over_env_over_file_over_default() {
    let env = Env::new();
    let folder = |o: &Output| {
        out(o)
            .lines()
            .find(|l| l.starts_with("snapshot folder"))
            .unwrap()
            .to_string()
    };
    let default = env.run(&["paths"], &[]);
    assert_eq!(code(&default), 0, "{}", err(&default));
    assert!(folder(&default).contains(&*env.path("data/sipscope/snapshots").to_string_lossy()));
    assert!(
        out(&default).contains("built-in defaults"),
        "{}",
        out(&default)
    );

    env.write_config("snapshot_dir = \"/from/file\"\n");
    let file = env.run(&["paths"], &[]);
    assert!(folder(&file).contains("/from/file"), "{}", out(&file));
    let by_env = env.run(&["paths"], &[("SIPSCOPE_SNAPSHOT_DIR", "/from/env")]);
    assert!(folder(&by_env).contains("/from/env"), "{}", out(&by_env));
    let by_cli = env.run(
        &["paths", "--snapshot-dir", "/from/cli"],
        &[("SIPSCOPE_SNAPSHOT_DIR", "/from/env")],
    );
    assert!(folder(&by_cli).contains("/from/cli"), "{}", out(&by_cli));
}

/// A sweep that needs no network: the resolver is a closed local port.
fn offline_check(env: &Env, extra: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut args = vec![
        "check",
        "--json",
        "--resolver",
        "127.0.0.1:9",
        "--timeout-ms",
        "200",
    ];
    args.extend_from_slice(extra);
    args.push("contoso.test");
    env.run(&args, vars)
}

fn profile_of(o: &Output) -> String {
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", out(o), err(o)));
    v["profile"].as_str().unwrap().to_string()
}

#[test]
fn sweep_options_layer_cli_over_env_over_file_over_default() {
    let env = Env::new();
    assert_eq!(
        profile_of(&offline_check(&env, &[], &[])),
        plan::DEFAULT_PROFILE
    );
    env.write_config("profile = \"lync2010\"\n");
    assert_eq!(profile_of(&offline_check(&env, &[], &[])), "lync2010");
    let vars = [("SIPSCOPE_PROFILE", "ocs2007r2")];
    assert_eq!(profile_of(&offline_check(&env, &[], &vars)), "ocs2007r2");
    let cli = offline_check(&env, &["--profile", "phone-r2"], &vars);
    assert_eq!(profile_of(&cli), "phone-r2");
}

#[test]
fn check_save_writes_a_snapshot_and_says_where() {
    let env = Env::new();
    let dir = env.path("saved");
    let o = offline_check(&env, &["--save", "--dir", dir.to_str().unwrap()], &[]);
    assert_eq!(code(&o), 1, "the sweep fails: {}", err(&o));
    let e = err(&o);
    assert!(
        e.contains("snapshot saved to") && e.contains(&*dir.to_string_lossy()),
        "{e}"
    );
    let (entries, skipped) = snapshot::list(&dir).unwrap();
    assert_eq!(entries.len(), 1);
    assert!(skipped.is_empty());
    let s = snapshot::load(&entries[0].path).unwrap();
    assert_eq!(s.settings.resolvers, ["127.0.0.1:9"]);
    assert_eq!(s.settings.timeout_ms, 200);
    assert!(entries[0].path.with_extension("md").is_file());
}

#[test]
fn config_errors_exit_2_with_one_line_naming_file_line_and_key() {
    let env = Env::new();
    env.write_config("profile = \"lync2010\"\nwatch_interval = 10\ncolour = true\n");
    let o = env.run(&["paths"], &[]);
    assert_eq!(code(&o), 2);
    let e = err(&o);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(e.contains(&*env.config_file().to_string_lossy()), "{e}");
    assert!(e.contains("line 3") && e.contains("key `colour`"), "{e}");

    let bad = env.path("bad.toml");
    std::fs::write(&bad, "timeout_ms = -5\n").unwrap();
    let o = env.run(
        &["check", "contoso.com"],
        &[("SIPSCOPE_CONFIG", bad.to_str().unwrap())],
    );
    assert_eq!(code(&o), 2);
    let e = err(&o);
    assert!(
        e.contains("bad.toml") && e.contains("line 1") && e.contains("key `timeout_ms`"),
        "{e}"
    );

    let o = env.run(&["paths", "--config", "/no/such/config.toml"], &[]);
    assert_eq!(code(&o), 2);
    assert!(
        err(&o).contains("/no/such/config.toml does not exist"),
        "{}",
        err(&o)
    );
}

// Issue #13 item 16: the Markdown report says the verdict once and times to
// the second; a file that is no snapshot is not called damaged; two domains
// are not diffed row by row.
#[test]
fn reports_say_things_once_and_plainly() {
    let env = Env::new();
    let dir = env.path("snaps");
    let mut s = Session::new();
    s.push(sweep(true));
    let saved = snapshot::save(
        &dir,
        &s,
        &SettingsSummary::from_settings(&settings()),
        Default::default(),
    )
    .unwrap();
    let md = std::fs::read_to_string(&saved.markdown).unwrap();
    assert_eq!(
        md.to_lowercase().matches("sign-in works").count(),
        1,
        "{md}"
    );
    let nanos = md
        .split(['.', ','])
        .skip(1)
        .any(|part| part.len() >= 7 && part.chars().take(7).all(|c| c.is_ascii_digit()));
    assert!(!nanos, "sub-second timestamps: {md}");

    let passwd = env.path("passwd");
    std::fs::write(&passwd, "root:x:0:0:root:/root:/bin/bash\n").unwrap();
    let shown = env.run(&["snapshots", "show", passwd.to_str().unwrap()], &[]);
    assert_eq!(code(&shown), 2);
    assert!(
        err(&shown).contains("is not a sipscope snapshot"),
        "{}",
        err(&shown)
    );
    assert!(!err(&shown).contains("damaged"), "{}", err(&shown));

    let other_settings = SweepSettings::new(
        parse_target("fabrikam.com").unwrap(),
        SweepOptions::new(plan::profile("ocs2007").unwrap(), ResolverSpec::System),
    );
    let mut other = Session::new();
    other.push(initial_report(&other_settings));
    let b = snapshot::save(
        &dir,
        &other,
        &SettingsSummary::from_settings(&other_settings),
        Default::default(),
    )
    .unwrap()
    .json;
    let a = saved.json.to_str().unwrap();
    let d = env.run(&["snapshots", "diff", a, b.to_str().unwrap()], &[]);
    assert_eq!(code(&d), 1, "{}", err(&d));
    let text = out(&d);
    assert!(
        text.contains("different domains (contoso.com and fabrikam.com)"),
        "{text}"
    );
    assert!(!text.contains("absent"), "{text}");
    assert_eq!(text.lines().count(), 3, "{text}");
}
