#!/usr/bin/env bash
# Web UI benchmark on a generated 5000 x 300 site, in one run on this machine:
#  - the matrix page for 500 employees x 50 skills (its default page): HTML size and time to
#    first byte (median of 7 requests); targets 400 KB and 300 ms,
#  - public badge page requests/s with wrk, beside the same bytes from a static file server
#    (python3 -m http.server); the ratio is the figure;
#  - scan latency (p50/p99 of POST /api/v1/scans from one kiosk) alone, then while two users
#    print every badge and export the whole matrix over and over (target p99 <= 20 ms), and
#    the server's peak RSS through a tour of every page and API list (target <= 150 MiB).
# The machine's load average is printed at the start and beside each latency figure: figures
# from a busy box say so.
# Run from the repository root: bash bench/web/run.sh
# CALIBER_BIN=path/to/caliber measures that binary instead of building this tree's (to compare
# a build of another commit on the same site and machine).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
if [ -n "${CALIBER_BIN:-}" ]; then
  bin=$CALIBER_BIN
else
  cargo build --release -q --bin caliber
  bin=target/release/caliber
fi
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }
echo "machine: $(nproc) cores, load average at start: $(load_avg)"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null; rm -rf "$work"' EXIT
data="$work/data"
"$bin" generate --data-dir "$data" --employees 5000 --skills 300 --seed 1
echo "bench-password-123" | "$bin" user add --data-dir "$data" --email bench@caliber.local --role auditor
echo "bench-password-123" | "$bin" user add --data-dir "$data" --email printer@caliber.local --role admin
api=$("$bin" token create --data-dir "$data" --role auditor --name bench 2>/dev/null)
# Badge tokens are shown only to the roles that print badges.
admin_api=$("$bin" token create --data-dir "$data" --role admin --name bench-admin 2>/dev/null)
station_key=$("$bin" station add --data-dir "$data" --name "Bench kiosk" 2>/dev/null)
printf 'badge_per_minute = 100000000\npublic_url = "http://caliber.bench"\n' > "$work/caliber.toml"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --config "$work/caliber.toml" --data-dir "$data" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
# The login form's pre-session token comes with its cookie from GET /login.
login_csrf=$(curl -s -c "$work/cj" "http://127.0.0.1:$port/login" | sed -n 's/.*name="login_csrf" value="\([^"]*\)".*/\1/p')
curl -s -b "$work/cj" -c "$work/cj" -o /dev/null \
  -d "login_csrf=$login_csrf&email=bench@caliber.local&password=bench-password-123" "http://127.0.0.1:$port/login"

echo "== matrix page, 500 employees x 50 skills: HTML size (target <= 409600 bytes)"
curl -s -b "$work/cj" -o /dev/null -w "%{size_download} bytes\n" "http://127.0.0.1:$port/matrix?limit=500&columns=50"
echo "== matrix page, 500 employees x 50 skills: time to first byte (s, target <= 0.300)"
curl -s -b "$work/cj" -o /dev/null "http://127.0.0.1:$port/matrix?limit=500&columns=50"   # builds the cache
for _ in $(seq 7); do
  curl -s -b "$work/cj" -o /dev/null -w "%{time_starttransfer}\n" "http://127.0.0.1:$port/matrix?limit=500&columns=50"
done | sort -n | awk '{a[NR]=$1} END {print "median", a[int((NR+1)/2)], "min", a[1], "max", a[NR]}'

echo "== badge page vs the same bytes from a static file server (wrk -t2 -c16 -d10s)"
emp=$(curl -s -H "Authorization: Bearer $api" "http://127.0.0.1:$port/api/v1/employees" \
  | python3 -c 'import json,sys; print(next(e["id"] for e in json.load(sys.stdin)["items"] if e["status"]=="active"))')
token=$(curl -s -H "Authorization: Bearer $admin_api" "http://127.0.0.1:$port/api/v1/employees/$emp/badge" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["badge_token"])')
mkdir -p "$work/static/b"
curl -s "http://127.0.0.1:$port/b/$token" > "$work/static/b/$token"
sport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$work/static" && python3 -m http.server "$sport" --bind 127.0.0.1 >/dev/null 2>&1) &
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$sport/b/$token" >/dev/null && break; sleep 0.2; done
ours=$(wrk -t2 -c16 -d10s "http://127.0.0.1:$port/b/$token" | awk '/Requests\/sec/ {print $2}')
static=$(wrk -t2 -c16 -d10s "http://127.0.0.1:$sport/b/$token" | awk '/Requests\/sec/ {print $2}')
echo "caliber badge page: $ours req/s; static file server: $static req/s"
python3 -c "print(f'ratio: {float(\"$ours\")/float(\"$static\"):.2f}x of static')"

echo "== scan latency from one kiosk, alone and while two users print badges and export the matrix"
(
  peak=0
  while kill -0 "$server" 2>/dev/null; do
    r=$(awk '/VmRSS/ {print $2}' "/proc/$server/status" 2>/dev/null || echo 0)
    [ "${r:-0}" -gt "$peak" ] && peak=$r && echo "$peak" > "$work/peak-rss"
    sleep 0.05
  done
) &
login() { # $1 email, $2 cookie jar
  local t
  t=$(curl -s -c "$2" "http://127.0.0.1:$port/login" | sed -n 's/.*name="login_csrf" value="\([^"]*\)".*/\1/p')
  curl -s -b "$2" -c "$2" -o /dev/null -d "login_csrf=$t&email=$1&password=bench-password-123" "http://127.0.0.1:$port/login"
}
login printer@caliber.local "$work/pj"
scans() { # $1 seconds; prints p50 and p99 in ms
  python3 - "$port" "$station_key" "$token" "$1" <<'PY'
import http.client, json, sys, time
port, key, token, secs = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
c = http.client.HTTPConnection("127.0.0.1", int(port))
body = json.dumps({"payload": f"http://caliber.bench/b/{token}"})
lat, end = [], time.monotonic() + secs
while time.monotonic() < end:
    t = time.monotonic()
    c.request("POST", "/api/v1/scans", body, {"X-Station-Key": key, "Content-Type": "application/json"})
    r = c.getresponse(); r.read()
    assert r.status == 200, r.status
    lat.append((time.monotonic() - t) * 1000)
    time.sleep(0.01)
lat.sort()
print(f"{len(lat)} scans: p50 {lat[len(lat) // 2]:.1f} ms, p99 {lat[int(len(lat) * 0.99)]:.1f} ms")
PY
}
echo "alone: $(scans 10) (load average $(load_avg))"
load() { # $1: a page to fetch over and over as the admin, until the flag file goes
  while [ -e "$work/loading" ]; do curl -s -b "$work/pj" -o /dev/null "http://127.0.0.1:$port$1"; done
}
touch "$work/loading"
load "/badges/print" &
printing=$!
load "/matrix.csv" &
exporting=$!
sleep 1
echo "while two users print badges and export the matrix: $(scans 15) (load average $(load_avg))"
rm -f "$work/loading"
wait "$printing" "$exporting" 2>/dev/null || true
echo "print sheet: $(curl -s -b "$work/pj" -o /dev/null -w '%{size_download} bytes in %{time_total} s' "http://127.0.0.1:$port/badges/print")"

echo "== peak RSS through a tour of every page and API list (target <= 153600 KiB)"
for path in / /matrix "/matrix?limit=500&columns=50" /matrix.csv /employees /skills /requirements \
  /stations /users /audit /audit.csv /backups /badges/print /due /due.csv /training /training.csv \
  /training/sheet /approvals /imports /me /account; do
  curl -s -b "$work/pj" -o /dev/null -w "%{http_code} $path\n" "http://127.0.0.1:$port$path"
done | awk '$1 != 200 {print "  not 200:", $0}'
# As the admin, so that the users and tokens lists answer too.
for path in employees certifications certifications/pending skills requirements stations scans audit \
  users tokens sites departments roles projects coverage matrix backups; do
  curl -s -H "Authorization: Bearer $admin_api" -o /dev/null -w "%{http_code} api $path\n" \
    "http://127.0.0.1:$port/api/v1/$path?limit=1000"
done | awk '$1 != 200 {print "  not 200:", $0}'
sleep 0.2
echo "peak RSS of the server: $(cat "$work/peak-rss") KiB (load average $(load_avg))"
