//! `sipscope completions SHELL`, `sipscope man` and `sipscope config init`:
//! files generated from the command line's own definitions, and the
//! documented example configuration written where sipscope reads it.

use std::io::Write;
use std::path::Path;

use clap_complete::Shell;

use crate::config::EXAMPLE;
use crate::error::{Failure, exit};
use crate::out;

/// Shell completions for `shell`, generated from the same definitions as `--help`.
pub fn completions(shell: Shell) -> Result<u8, Failure> {
    let mut buf = Vec::new();
    // Values come from the parsers: profile names after --profile, scenario
    // names after `demo`, colour choices, shells (see `values`).
    clap_complete::generate(shell, &mut super::usage::command(), "sipscope", &mut buf);
    out::print(&String::from_utf8_lossy(&buf))?;
    Ok(exit::OK)
}

/// The man page (roff), generated from the same definitions as `--help`.
pub fn man() -> Result<u8, Failure> {
    let buf = super::man::render(super::usage::command())
        .map_err(|e| Failure::runtime(format!("cannot render the man page: {e}")))?;
    out::print(&String::from_utf8_lossy(&buf))?;
    Ok(exit::OK)
}

/// Writes the documented example configuration to `path`, never over an
/// existing file (its folder is created); the file appears whole or not at all.
pub fn write_example(path: &Path) -> Result<(), Failure> {
    let shown = crate::text::echo(&path.display().to_string());
    if path.exists() {
        return Err(Failure::usage(format!(
            "{shown} exists already; edit it, or name another file with --config PATH"
        )));
    }
    let dir = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(d) => d.to_path_buf(),
        None => std::path::PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::runtime(format!("cannot create the folder of {shown}: {e}")))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".sipscope-config-")
        .tempfile_in(&dir)
        .map_err(|e| Failure::runtime(format!("cannot write in the folder of {shown}: {e}")))?;
    tmp.write_all(EXAMPLE.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Failure::runtime(format!("cannot write {shown}: {e}")))?;
    tmp.persist_noclobber(path).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            Failure::usage(format!("{shown} exists already; edit it"))
        } else {
            Failure::runtime(format!("cannot write {shown}: {}", e.error))
        }
    })?;
    Ok(())
}

/// `sipscope config init`: the example configuration at `named` (from
/// `--config` / `SIPSCOPE_CONFIG`) or the default location.
pub fn config_init(named: Option<std::path::PathBuf>) -> Result<u8, Failure> {
    let path = named
        .or_else(crate::config::default_config_path)
        .ok_or_else(|| {
            Failure::usage(
                "there is no config folder (no home folder); name a file with --config PATH",
            )
        })?;
    let path = path.as_path();
    write_example(path)?;
    out::print(&format!(
        "wrote the example configuration to {}; every key is commented out, so the defaults apply until you edit it\n",
        crate::text::echo(&path.display().to_string())
    ))?;
    Ok(exit::OK)
}
