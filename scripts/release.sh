#!/usr/bin/env bash
# A release of sipscope in one command (issue 22): release binaries for
# Linux and Windows, one versioned archive each, and their SHA-256 checksums.
#
#   scripts/release.sh VERSION [--dry-run]
#
# VERSION must be the version in Cargo.toml (the binary's --version says it
# too). Output in dist/VERSION/:
#   sipscope-VERSION-x86_64-unknown-linux-gnu.tar.gz   (sipscope, README, licences, example config)
#   sipscope-VERSION-x86_64-pc-windows-gnu.zip         (sipscope.exe, the same files)
#   SHA256SUMS                                          (`sha256sum -c SHA256SUMS` checks them)
#
# Needs: rustup and cargo; the Windows target and MinGW C compiler (ring's
# build script compiles C):
#   rustup target add x86_64-pc-windows-gnu
#   apt-get install gcc-mingw-w64-x86-64        (Debian/Ubuntu)
# plus tar, sha256sum, and `zip` (or python3, whose zipfile module stands in).
# --dry-run checks the arguments and prints the plan without building.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { # CRATE_VERSION [WHAT IS WRONG]
  echo "release.sh: ${2:-}usage: scripts/release.sh VERSION [--dry-run] (VERSION as in Cargo.toml, $1)" >&2
  exit 2
}

crate_version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
version="" dry_run=0
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=1 ;;
    -*) usage "$crate_version" "unknown option $arg; " ;;
    *) [ -z "$version" ] || usage "$crate_version"; version="${arg#v}" ;;
  esac
done
[ -n "$version" ] || usage "$crate_version"
if [ "$version" != "$crate_version" ]; then
  echo "release.sh: version $version is not Cargo.toml's $crate_version; set version = \"$version\" in Cargo.toml first" >&2
  exit 2
fi

linux=x86_64-unknown-linux-gnu
windows=x86_64-pc-windows-gnu
out="dist/$version"
extras=(README.md LICENSE-MIT LICENSE-APACHE config.example.toml)

run() {
  echo "+ $*"
  [ "$dry_run" = 1 ] || "$@"
}

# run, inside folder $1.
run_in() {
  local dir=$1
  shift
  echo "+ (cd $dir && $*)"
  [ "$dry_run" = 1 ] || (cd "$dir" && "$@")
}

# zip, or python3's zipfile where zip is not installed.
zip_dir() { # FOLDER ARCHIVE DIR: DIR inside FOLDER into FOLDER/ARCHIVE
  if command -v zip >/dev/null 2>&1; then
    run_in "$1" zip -q -r "$2" "$3"
  else
    run_in "$1" python3 -m zipfile -c "$2" "$3"
  fi
}

checksums() { # the archives in the current folder into SHA256SUMS
  sha256sum -- *.tar.gz *.zip >SHA256SUMS
  cat SHA256SUMS
}

if [ "$dry_run" = 0 ]; then
  for tool in cargo tar sha256sum x86_64-w64-mingw32-gcc; do
    command -v "$tool" >/dev/null 2>&1 || { echo "release.sh: $tool is missing (see the top of this script)" >&2; exit 3; }
  done
  command -v zip >/dev/null 2>&1 || command -v python3 >/dev/null 2>&1 ||
    { echo "release.sh: neither zip nor python3 is installed (one makes the Windows archive)" >&2; exit 3; }
fi

echo "sipscope $version: $linux and $windows release builds into $out"
for target in "$linux" "$windows"; do
  run cargo build --release --locked --target "$target"
done

run rm -rf "$out"
run mkdir -p "$out"
for target in "$linux" "$windows"; do
  name="sipscope-$version-$target"
  exe=sipscope
  [ "$target" = "$windows" ] && exe=sipscope.exe
  run mkdir -p "$out/$name"
  run cp "target/$target/release/$exe" "${extras[@]}" "$out/$name/"
  if [ "$target" = "$windows" ]; then
    zip_dir "$out" "$name.zip" "$name"
  else
    run tar -C "$out" -czf "$out/$name.tar.gz" "$name"
  fi
  run rm -rf "$out/$name"
done
run_in "$out" checksums
echo "done: $out"
