#!/usr/bin/env bash
# Issue 18 item 5: `sipscope audit` and `sipscope serve` over the built-in
# lab, on loopback. Usage (from the repository, after
# `cargo build --release --locked`):
#
#   bash benches/fleet.sh [DNS_DELAY_MS [OPTION...]]
#
# OPTIONs go to every `audit`, `check` and `serve` (e.g. --dns-in-flight 256).
#
# DNS_DELAY_MS (default 0) makes the lab's DNS server answer every query that
# many milliseconds late, like a distant resolver (`sipscope lab
# --dns-delay-ms`). With 0 every step is CPU-bound on this machine (the lab's
# servers and the checks share its cores); with a delay the checks wait on
# the network as they do in the field.
set -euo pipefail
delay=${1:-0}
shift || true
extra="$*"
bin=${SIPSCOPE:-$PWD/target/release/sipscope}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"

"$bin" lab --ca-out ca.pem --dns-delay-ms "$delay" > lab.out 2>&1 &
for _ in $(seq 1 100); do grep -q '^DNS server' lab.out 2>/dev/null && break; sleep 0.1; done
dns=$(awk '/^DNS server/ {print $3}' lab.out)
F="--resolver $dns --ca-file ca.pem --no-system-roots --lab-dial lab-dial.txt $extra"

# 10,000 lines cycling through a healthy domain, one with nothing published
# and one with a certificate mismatch; every line is checked afresh (D19).
for i in $(seq 1 3334); do echo healthy.test; echo empty.test; echo cname.test; done | head -10000 > d10k.txt
head -1000 d10k.txt > d1k.txt
head -200 d10k.txt > d200.txt

secs() { python3 -c 'import sys,time; print(f"{time.time():.3f}")'; }
echo "DNS delay: ${delay} ms; binary: $bin; options: ${extra:-none}"
for n in 1k 10k; do
  /usr/bin/time -f "%e %M" -o t.txt "$bin" audit $F --json "d$n.txt" > out.jsonl || true
  read -r wall rss < <(tail -n 1 t.txt)
  lines=$(wc -l < out.jsonl)
  echo "audit of $lines: ${wall} s, $(python3 -c "print(f'{$wall/$lines*1000:.2f}')") ms per domain, peak RSS ${rss} KB"
done
t0=$(secs)
while read -r d; do "$bin" check $F --json "$d" > /dev/null 2>&1 || true; done < d200.txt
t1=$(secs)
echo "sequential loop of check, 200: $(python3 -c "print(f'{$t1-$t0:.2f} s, {($t1-$t0)/200*1000:.2f} ms per domain')")"
t0=$(secs)
xargs -P 16 -n 1 "$bin" check $F --json < d1k.txt > /dev/null 2>&1 || true
t1=$(secs)
echo "xargs -P 16 check, 1,000: $(python3 -c "print(f'{$t1-$t0:.2f} s, {($t1-$t0)/1000*1000:.2f} ms per domain')")"

# The exporter: probe_duration_seconds of single probes, then of 100 at once.
"$bin" serve --listen 127.0.0.1:0 --max-in-flight 200 $F > serve.out 2>&1 &
for _ in $(seq 1 100); do grep -q 'listening on' serve.out 2>/dev/null && break; sleep 0.1; done
addr=$(sed -n 's|.*listening on http://\([^/]*\)/.*|\1|p' serve.out)
url="http://$addr/probe?target=healthy.test"
durations() { awk '/^probe_duration_seconds /{print $2}'; }
median() { sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f ms (n=%d, min %.1f, max %.1f)\n", m*1000, NR, a[1]*1000, a[NR]*1000}'; }
curl -s "$url" > /dev/null
for _ in $(seq 1 20); do curl -s "$url" | durations; done > single.txt
echo "exporter, single probes: median $(median < single.txt)"
# 100 at once from one curl process (--parallel): 100 shells and curls would
# take as much CPU as the probes, on the same two cores.
urls=$(for _ in $(seq 1 100); do echo "$url"; done)
for round in 1 2 3 4 5; do
  # shellcheck disable=SC2086
  curl -s --no-progress-meter --parallel --parallel-immediate --parallel-max 100 $urls 2>/dev/null | durations > many.txt
  echo "exporter, 100 at once (round $round): median $(median < many.txt)"
done
