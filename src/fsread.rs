//! Reading a file the user named (snapshot, configuration, CA file) without
//! trusting it: only regular files, and only up to a size limit. `/dev/zero`
//! would otherwise grow memory without end and a FIFO would block forever.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::text::clean;

/// Largest snapshot read (a session keeps at most 100 sweeps).
pub const SNAPSHOT_MAX: u64 = 16 * 1024 * 1024;
/// Largest configuration file read.
pub const CONFIG_MAX: u64 = 1024 * 1024;
/// Largest CA file read.
pub const CA_FILE_MAX: u64 = 4 * 1024 * 1024;

/// Why a file was not read. One line; names the file and what it was for.
#[derive(Debug, Error)]
pub enum ReadError {
    #[error("cannot read {what} {}: {source}", shown(path))]
    Io {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{what} {} is not a regular file ({kind})", shown(path))]
    NotAFile {
        what: &'static str,
        path: PathBuf,
        kind: &'static str,
    },
    #[error("{what} {} is too large (over {} bytes)", shown(path), max)]
    TooLarge {
        what: &'static str,
        path: PathBuf,
        max: u64,
    },
    #[error("{what} {} is not UTF-8 text", shown(path))]
    NotText { what: &'static str, path: PathBuf },
}

impl ReadError {
    /// The reason alone, as an [`std::io::Error`] (kind kept: `NotFound`
    /// stays `NotFound`), for callers whose own message names the file.
    pub fn into_io(self) -> std::io::Error {
        use std::io::{Error, ErrorKind};
        match self {
            ReadError::Io { source, .. } => source,
            ReadError::NotAFile { kind, .. } => Error::new(
                ErrorKind::InvalidInput,
                format!("not a regular file ({kind})"),
            ),
            ReadError::TooLarge { max, .. } => Error::new(
                ErrorKind::InvalidData,
                format!("too large (over {max} bytes)"),
            ),
            ReadError::NotText { .. } => Error::new(ErrorKind::InvalidData, "not UTF-8 text"),
        }
    }
}

/// [`read_limited`] with the error as an [`std::io::Error`] (see [`ReadError::into_io`]).
pub fn read(path: &Path, max_bytes: u64) -> std::io::Result<Vec<u8>> {
    read_limited(path, max_bytes, "file").map_err(ReadError::into_io)
}

/// [`read_text_limited`] with the error as an [`std::io::Error`]; a drop-in
/// for `std::fs::read_to_string` with a size limit.
pub fn read_to_string(path: &Path, max_bytes: u64) -> std::io::Result<String> {
    read_text_limited(path, max_bytes, "file").map_err(ReadError::into_io)
}

/// A path for a message: escaped (see [`crate::text::clean`]) and clipped.
pub fn shown(path: &Path) -> String {
    crate::text::clip(&clean(&path.display().to_string()), crate::text::ECHO_MAX)
}

fn kind_of(ft: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO";
        }
        if ft.is_char_device() {
            return "a character device";
        }
        if ft.is_block_device() {
            return "a block device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_dir() {
        "a folder"
    } else {
        "not a file"
    }
}

/// Opens `path` for reading without blocking: on Unix with `O_NONBLOCK`, so
/// a FIFO (which blocks an ordinary open until a writer comes) opens at once
/// and is then refused by its handle's type. Nothing is checked by name
/// before the open, so nothing can be swapped in between (issue 21.3).
fn open(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// The bytes of `path` (`what` names it in errors: "snapshot", "CA file"):
/// refused unless it is a regular file (symbolic links followed) of at most
/// `max_bytes`. The file is opened first (without blocking, see [`open`])
/// and the open handle's type and size are checked, never the name's; the
/// read is bounded even if the file grows meanwhile.
pub fn read_limited(path: &Path, max_bytes: u64, what: &'static str) -> Result<Vec<u8>, ReadError> {
    let io = |source| ReadError::Io {
        what,
        path: path.to_path_buf(),
        source,
    };
    let not_a_file = |ft: &fs::FileType| ReadError::NotAFile {
        what,
        path: path.to_path_buf(),
        kind: kind_of(ft),
    };
    let file = match open(path) {
        Ok(f) => f,
        // Some systems cannot open a folder at all: still say what it is.
        Err(e) => {
            return Err(match fs::metadata(path) {
                Ok(m) if !m.is_file() => not_a_file(&m.file_type()),
                _ => io(e),
            });
        }
    };
    let meta = file.metadata().map_err(io)?;
    let ft = meta.file_type();
    if !ft.is_file() {
        return Err(not_a_file(&ft));
    }
    let too_large = || ReadError::TooLarge {
        what,
        path: path.to_path_buf(),
        max: max_bytes,
    };
    if meta.len() > max_bytes {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large());
    }
    Ok(bytes)
}

/// [`read_limited`] as UTF-8 text.
pub fn read_text_limited(
    path: &Path,
    max_bytes: u64,
    what: &'static str,
) -> Result<String, ReadError> {
    let bytes = read_limited(path, max_bytes, what)?;
    String::from_utf8(bytes).map_err(|_| ReadError::NotText {
        what,
        path: path.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_small_file_and_refuses_a_large_one() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        fs::write(&p, b"0123456789").unwrap();
        assert_eq!(read_limited(&p, 10, "test file").unwrap(), b"0123456789");
        let err = read_limited(&p, 9, "test file").unwrap_err().to_string();
        assert!(err.contains("too large"), "{err}");
        let err = read_limited(dir.path(), 9, "test file")
            .unwrap_err()
            .to_string();
        assert!(err.contains("a folder"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn refuses_devices_and_fifos_without_blocking() {
        let err = read_limited(Path::new("/dev/zero"), 100, "snapshot").unwrap_err();
        assert!(err.to_string().contains("character device"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let err = read_limited(&fifo, 100, "snapshot").unwrap_err();
        assert!(err.to_string().contains("FIFO"), "{err}");
    }
}
