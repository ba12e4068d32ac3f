//! `sipscope lab --scenario PATH`: scenario files of the user's own, served
//! beside the built-in ones (the format: `assets/scenarios/README.md`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use hickory_proto::rr::Name;

use super::{Scenario, builtin_scenarios};
use crate::fsread::shown;
use crate::text::echo;

/// The most scenarios one lab holds: each gets its own 127.0.X.0/24.
pub const MAX_SCENARIOS: usize = 254;

/// The built-in scenarios followed by those of `paths`: files, or folders
/// whose `*.toml` files are read in name order. Every error is one line that
/// names the file and what to change.
pub fn with_user_scenarios(paths: &[PathBuf]) -> Result<Vec<Scenario>, String> {
    let mut all = builtin_scenarios().map_err(|e| e.to_string())?;
    let builtin = all.len();
    let room = MAX_SCENARIOS.saturating_sub(builtin);
    let files = files(paths, room)?;
    let mut names: HashSet<String> = all.iter().map(|s| s.name().to_string()).collect();
    let mut zones: HashSet<Name> = all.iter().flat_map(|s| s.zones.clone()).collect();
    let mut hosts: HashSet<Name> = all
        .iter()
        .flat_map(|s| s.hosts.iter().map(|h| h.name.clone()))
        .collect();
    for file in files {
        let text =
            crate::fsread::read_text_limited(&file, crate::fsread::CONFIG_MAX, "scenario file")
                .map_err(|e| e.to_string())?;
        let s = Scenario::from_toml(&shown(&file), &text).map_err(|e| e.to_string())?;
        if !names.insert(s.name().to_string()) {
            return Err(format!(
                "scenario {}: the name `{}` is taken by a built-in scenario or an earlier file; give it another `name`",
                shown(&file),
                echo(s.name())
            ));
        }
        // Lab::start would refuse these too, as a failure to start (exit 3).
        if let Some(zone) = s.zones.iter().find(|z| !zones.insert((*z).clone())) {
            return Err(format!(
                "scenario {}: the zone {} is taken by a built-in scenario or an earlier file; give it another `sip_address` or `extra_zones`",
                shown(&file),
                echo(zone.to_ascii().trim_end_matches('.'))
            ));
        }
        if let Some(host) = s.hosts.iter().find(|h| !hosts.insert(h.name.clone())) {
            return Err(format!(
                "scenario {}: the host {} is taken by a built-in scenario or an earlier file; give it another name",
                shown(&file),
                echo(host.name.to_ascii().trim_end_matches('.'))
            ));
        }
        all.push(s);
    }
    Ok(all)
}

/// The files `paths` name, folders expanded; more than `room` is an error.
fn files(paths: &[PathBuf], room: usize) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("cannot read scenario path {}: {e}", shown(path)))?;
        if meta.is_dir() {
            let mut found = toml_files(path)?;
            if found.is_empty() {
                return Err(format!(
                    "scenario folder {} holds no .toml file; give a folder of scenario files or a file",
                    shown(path)
                ));
            }
            found.sort();
            out.extend(found);
        } else {
            out.push(path.clone());
        }
        if out.len() > room {
            return Err(format!(
                "too many scenario files: the lab holds {MAX_SCENARIOS} scenarios, {} of them built in, so {room} files at most",
                MAX_SCENARIOS - room
            ));
        }
    }
    Ok(out)
}

fn toml_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read scenario folder {}: {e}", shown(dir)))?;
    let mut found = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|e| format!("cannot read scenario folder {}: {e}", shown(dir)))?;
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "toml") {
            found.push(path);
        }
        if found.len() > MAX_SCENARIOS {
            break; // the caller says there are too many
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in healthy scenario under another name and domain.
    fn mine() -> String {
        include_str!("../../assets/scenarios/01-healthy.toml")
            .replace("name = \"healthy\"", "name = \"mine\"")
            .replace("healthy.test", "mine.test")
    }

    #[test]
    fn a_folder_of_files_joins_the_built_in_scenarios() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("mine.toml"), mine()).unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not a scenario").unwrap();
        let all = with_user_scenarios(&[dir.path().to_path_buf()]).unwrap();
        let builtin = builtin_scenarios().unwrap().len();
        assert_eq!(all.len(), builtin + 1);
        assert_eq!(all.last().unwrap().domain(), "mine.test");
    }

    #[test]
    fn taken_names_and_domains_bad_files_and_empty_folders_are_one_line_errors() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            vec![p]
        };
        let mut errors = Vec::new();
        let mut err = |paths: Vec<PathBuf>, wanted: &[&str]| {
            let e = with_user_scenarios(&paths).unwrap_err();
            assert!(wanted.iter().all(|w| e.contains(w)), "{e}");
            errors.push(e);
        };
        let taken_name = mine().replace("\"mine\"", "\"healthy\"");
        err(
            file("a.toml", &taken_name),
            &["a.toml", "`healthy` is taken"],
        );
        let taken_domain = mine().replace("mine.test", "healthy.test");
        err(
            file("b.toml", &taken_domain),
            &["b.toml", "zone healthy.test is taken"],
        );
        let taken_zone = mine().replace("rules = [", "extra_zones = [\"split.local\"]\nrules = [");
        err(
            file("z.toml", &taken_zone),
            &["z.toml", "zone split.local is taken"],
        );
        err(file("c.toml", "name = 3"), &["scenario ", "c.toml"]);
        let empty = tempfile::tempdir().unwrap();
        err(vec![empty.path().to_path_buf()], &["holds no .toml file"]);
        err(
            vec![dir.path().join("gone.toml")],
            &["cannot read scenario path"],
        );
        let escaped = dir.path().join("bell\u{7}.toml");
        err(vec![escaped], &["bell\\u{7}.toml"]);
        assert!(
            errors
                .iter()
                .all(|e| !e.contains('\n') && !e.contains('\u{7}'))
        );
    }

    #[test]
    fn more_files_than_the_lab_holds_is_an_error_before_any_is_read() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..MAX_SCENARIOS {
            // Not even valid: the count is checked first.
            std::fs::write(dir.path().join(format!("s{i}.toml")), "").unwrap();
        }
        let e = with_user_scenarios(&[dir.path().to_path_buf()]).unwrap_err();
        assert!(e.contains("too many scenario files"), "{e}");
    }
}
