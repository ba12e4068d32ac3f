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
assets=$PWD/assets/scenarios
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"

# Generated lab domains (`sipscope lab --scenario`), each its own zone, pool
# and certificate: 100 healthy (h001.test …), 58 with nothing published
# (e001.test …) and 58 whose certificate lacks the name the client asks
# (c001.test …): with the 38 built-in ones, the 254 the lab holds. Distinct
# names, so that no two checks in flight share a DNS question.
mkdir scenarios
gen() { # template, old name, old domain, prefix, count
  for i in $(seq -f %03g 1 "$5"); do
    sed -e "s/^name = \"$2\"/name = \"$4$i\"/" -e "s/$3/$4$i.test/g" \
      "$assets/$1" > "scenarios/$4$i.toml"
  done
}
gen 01-healthy.toml healthy healthy.test h 100
gen 11-no-records.toml no-records empty.test e 58
gen 02-cname-cert.toml cname-cert cname.test c 58

"$bin" lab --scenario scenarios --ca-out ca.pem --dns-delay-ms "$delay" > lab.out 2>&1 &
for _ in $(seq 1 100); do grep -q '^DNS server' lab.out 2>/dev/null && break; sleep 0.1; done
dns=$(awk '/^DNS server/ {print $3}' lab.out)
[ -n "$dns" ] || { cat lab.out >&2; exit 1; }
F="--resolver $dns --ca-file ca.pem --no-system-roots --lab-dial lab-dial.txt $extra"

# 10,000 lines: healthy, nothing published, certificate mismatch, in turn,
# each kind cycling through its generated domains; every line is checked
# afresh (D19).
python3 - > d10k.txt <<'PY'
for i in range(3334):
    print(f"h{i % 100 + 1:03}.test")
    print(f"e{i % 58 + 1:03}.test")
    print(f"c{i % 58 + 1:03}.test")
PY
sed -i '10001,$d' d10k.txt
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
url="http://$addr/probe?target=h001.test"
durations() { awk '/^probe_duration_seconds /{print $2}'; }
median() { sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f ms (n=%d, min %.1f, max %.1f)\n", m*1000, NR, a[1]*1000, a[NR]*1000}'; }
curl -s "$url" > /dev/null
for _ in $(seq 1 20); do curl -s "$url" | durations; done > single.txt
echo "exporter, single probes: median $(median < single.txt)"
# 100 at once, one per generated healthy domain, from one curl process
# (--parallel): 100 shells and curls would take as much CPU as the probes,
# on the same two cores.
urls=$(for i in $(seq -f %03g 1 100); do echo "http://$addr/probe?target=h$i.test"; done)
for round in 1 2 3 4 5; do
  # shellcheck disable=SC2086
  curl -s --no-progress-meter --parallel --parallel-immediate --parallel-max 100 $urls 2>/dev/null | durations > many.txt
  echo "exporter, 100 at once (round $round): median $(median < many.txt)"
done
