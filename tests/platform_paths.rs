//! Where sipscope keeps its files on each platform — the README's table
//! (issue 22). Windows: config and snapshots in the roaming profile
//! (`%APPDATA%`), the log local (`%LOCALAPPDATA%`); Linux: the XDG folders.
//! Each test compiles on every platform's check (`.ci/run` checks Windows).

#[cfg(any(windows, target_os = "linux"))]
use std::path::PathBuf;

#[cfg(any(windows, target_os = "linux"))]
use sipscope::config::{default_config_path, default_log_file, default_snapshot_dir};

#[cfg(windows)]
#[test]
fn windows_keeps_config_and_snapshots_roaming_and_the_log_local() {
    let folder = |var: &str| PathBuf::from(std::env::var_os(var).expect(var));
    let (roaming, local) = (folder("APPDATA"), folder("LOCALAPPDATA"));
    assert_eq!(
        default_config_path(),
        Some(roaming.join(r"sipscope\config\config.toml"))
    );
    assert_eq!(
        default_snapshot_dir(),
        Some(roaming.join(r"sipscope\data\snapshots"))
    );
    assert_eq!(
        default_log_file(),
        Some(local.join(r"sipscope\data\sipscope.log"))
    );
}

#[cfg(target_os = "linux")]
#[test]
fn linux_follows_the_xdg_folders() {
    let home = PathBuf::from(std::env::var_os("HOME").expect("HOME"));
    let xdg = |var: &str, default: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .unwrap_or_else(|| home.join(default))
            .join("sipscope")
    };
    assert_eq!(
        default_config_path(),
        Some(xdg("XDG_CONFIG_HOME", ".config").join("config.toml"))
    );
    assert_eq!(
        default_snapshot_dir(),
        Some(xdg("XDG_DATA_HOME", ".local/share").join("snapshots"))
    );
    assert_eq!(
        default_log_file(),
        Some(xdg("XDG_STATE_HOME", ".local/state").join("sipscope.log"))
    );
}
