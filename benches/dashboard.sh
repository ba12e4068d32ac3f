#!/usr/bin/env bash
# Idle CPU of the real dashboard over 30 s, and key-to-screen latency through
# tmux, against the built-in lab. Needs tmux and python3.
# Run: cargo build --release --locked && bash benches/dashboard.sh
set -u
BIN=${BIN:-target/release/sipscope}
$BIN lab --ca-out "${TMPDIR:-/tmp}"/sipscope-bench-ca.pem > "${TMPDIR:-/tmp}"/sipscope-bench-lab.out 2>&1 &
LAB=$!
sleep 1.5
DNS=$(grep "DNS server" "${TMPDIR:-/tmp}"/sipscope-bench-lab.out | awk '{print $3}')
DIAL=$(grep "export SIPSCOPE_DIAL" "${TMPDIR:-/tmp}"/sipscope-bench-lab.out | sed "s/.*='//; s/'$//")
S=benchsock
tmux -L $S kill-server 2>/dev/null
tmux -L $S new-session -d -x 120 -y 40 "SIPSCOPE_DIAL='$DIAL' $BIN --resolver $DNS --ca-file "${TMPDIR:-/tmp}"/sipscope-bench-ca.pem --no-system-roots sip:alice@healthy.test"
for i in $(seq 1 50); do tmux -L $S capture-pane -p | grep -q "Sign-in works" && break; sleep 0.1; done
PID=$(pgrep -f "$BIN --resolver" | head -1)
sleep 1
t0=$(awk '{print $14+$15}' /proc/$PID/stat)
sleep 30
t1=$(awk '{print $14+$15}' /proc/$PID/stat)
echo "idle: utime+stime grew by $((t1 - t0)) clock ticks over 30 s (CLK_TCK=$(getconf CLK_TCK))"
# Key to screen: press j/k alternately, poll the pane until the cursor row changes.
python3 - "$S" <<'PY'
import subprocess, sys, time, statistics
s = sys.argv[1]
def pane():
    return subprocess.run(["tmux","-L",s,"capture-pane","-p","-e"],capture_output=True,text=True).stdout
lat = []
for i in range(40):
    before = pane()
    key = "j" if i % 2 == 0 else "k"
    t = time.perf_counter()
    subprocess.run(["tmux","-L",s,"send-keys",key])
    while pane() == before:
        if time.perf_counter() - t > 2: break
    lat.append((time.perf_counter() - t) * 1000)
lat.sort()
print(f"key to screen through tmux (send-keys → capture-pane differs), {len(lat)} presses: median {statistics.median(lat):.1f} ms, p90 {lat[int(len(lat)*0.9)]:.1f} ms")
PY
tmux -L $S send-keys q; sleep 0.3
tmux -L $S kill-server 2>/dev/null
kill -INT $LAB; wait $LAB 2>/dev/null
