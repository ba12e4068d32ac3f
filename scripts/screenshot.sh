#!/bin/sh
# Captures the dashboard as a newcomer first sees it, so that the README's
# screen stays true: `sipscope demo SCENARIO` (default cname-cert) in a
# 120×40 tmux pane, after its first sweep, written to docs/screen.txt.
# The README includes that file; re-run this after changing the screen:
#
#   scripts/screenshot.sh            # then paste docs/screen.txt into README.md
#
# Uses $SIPSCOPE, else target/release/sipscope, else target/debug/sipscope
# (building it when neither exists). Needs tmux. Unix only.
set -eu
cd "$(dirname "$0")/.."
scenario=${1:-cname-cert}
bin=${SIPSCOPE:-}
if [ -z "$bin" ]; then
    for b in target/release/sipscope target/debug/sipscope; do
        if [ -x "$b" ]; then bin=$b; break; fi
    done
fi
if [ -z "$bin" ]; then
    cargo build --locked
    bin=target/debug/sipscope
fi
command -v tmux >/dev/null || { echo "screenshot.sh: tmux is needed" >&2; exit 3; }

# A tmux server of its own, and a home without a config file: the defaults.
home=$(mktemp -d)
session="sipscope-screen-$$"
t() { tmux -L "$session" "$@"; }
trap 't kill-server 2>/dev/null || true; rm -rf "$home"' EXIT
t new-session -d -s "$session" -x 120 -y 40 \
    "env HOME=$home XDG_CONFIG_HOME=$home XDG_STATE_HOME=$home XDG_DATA_HOME=$home TERM=xterm-256color NO_COLOR=1 $bin demo $scenario; sleep 5"
tries=0
until t capture-pane -p -t "$session" 2>/dev/null | grep -q "took [0-9]* ms"; do
    tries=$((tries + 1))
    if [ "$tries" -gt 150 ]; then
        echo "screenshot.sh: the first sweep did not finish in 30 s" >&2
        exit 3
    fi
    sleep 0.2
done
# Trailing blanks off; the lab's ports change every run.
t capture-pane -p -t "$session" | sed -e 's/[[:space:]]*$//' >docs/screen.txt
t send-keys -t "$session" q
echo "wrote docs/screen.txt ($(wc -l <docs/screen.txt) lines)"
