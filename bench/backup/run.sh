#!/usr/bin/env bash
# Backup bundle benchmark, in one run on this machine, on a generated 5000 x 300 site plus
# 200 MB of evidence attachments (150 x 1 MiB random "photos" as image/jpeg, stored as they
# are; 50 x 1 MiB text as text/plain, deflated):
#  - export throughput of `caliber backup export` through the running server, beside `zip -r`
#    (Info-ZIP, default level 6) of the same files (the bundle's data files and attachments,
#    unpacked), in MB/s of input bytes; the ratio is the figure (target >= 80% of zip's);
#  - the server's peak RSS growth during the export (VmRSS sampled every 20 ms; target < 32 MB);
#  - `caliber backup verify` and `caliber backup restore` wall times.
# Run from the repository root: bash bench/backup/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v zip >/dev/null || apt-get install -y -qq zip >/dev/null
command -v unzip >/dev/null || apt-get install -y -qq unzip >/dev/null
cargo build --release -q --bin caliber
bin="$PWD/target/release/caliber"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
data="$work/data"
export CALIBER_CONFIG=/dev/null
"$bin" generate --data-dir "$data" --employees 5000 --skills 300 --seed 1
api=$("$bin" token create --data-dir "$data" --role admin --name bench 2>/dev/null)
printf 'backup_every_hours = 0\n' > "$work/caliber.toml"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --config "$work/caliber.toml" --data-dir "$data" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

echo "== uploading 200 MB of attachments"
python3 - "$work/files" <<'EOF'
import os, random, sys
d = sys.argv[1]; os.makedirs(d)
rnd = random.Random(1)
for i in range(150):
    open(f"{d}/photo-{i:03}.jpg", "wb").write(os.urandom(1 << 20))
words = [b"torque", b"press", b"weld", b"audit", b"passed", b"operator", b"line", b"4711", b"calibrated"]
for i in range(50):
    out = bytearray()
    while len(out) < (1 << 20):
        out += b" ".join(rnd.choice(words) for _ in range(12)) + b"\n"
    open(f"{d}/log-{i:03}.txt", "wb").write(bytes(out[: 1 << 20]))
EOF
for f in "$work"/files/*; do
  case "$f" in *.jpg) mime=image/jpeg ;; *) mime=text/plain ;; esac
  curl -sf -o /dev/null -H "Authorization: Bearer $api" -H "Content-Type: $mime" \
    --data-binary @"$f" "http://127.0.0.1:$port/api/v1/attachments?name=$(basename "$f")"
done
du -sh "$data"

rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
base=$(rss)
echo "== export through the running server (caliber backup export, control socket)"
mkdir -p "$work/out"
peak_file="$work/peak"
( peak=0; while :; do r=$(rss); [ "$r" -gt "$peak" ] && peak=$r && echo "$peak" > "$peak_file"; sleep 0.02; done ) &
sampler=$!
t0=$(date +%s.%N)
"$bin" backup export --data-dir "$data" --out "$work/out"
t1=$(date +%s.%N)
kill "$sampler" 2>/dev/null || true
bundle=$(ls "$work"/out/caliber-*.zip)
peak=$(cat "$peak_file")
mkdir "$work/unpacked"
(cd "$work/unpacked" && unzip -q "$bundle" 'data/*' 'attachments/*')
input=$(du -sb "$work/unpacked" | cut -f1)
t2=$(date +%s.%N)
(cd "$work/unpacked" && zip -r -q "$work/zip-r.zip" data attachments)
t3=$(date +%s.%N)
fp=$("$bin" device show --data-dir "$data" | awk '/fingerprint/ {print $NF}')
t4=$(date +%s.%N)
"$bin" backup verify "$bundle" --expect-key "$fp" >/dev/null
t5=$(date +%s.%N)
"$bin" backup restore "$bundle" --data-dir "$work/restored" --expect-key "$fp" >/dev/null
t6=$(date +%s.%N)
python3 - <<EOF
inp = $input / 1e6
exp, zr = $t1 - $t0, $t3 - $t2
print(f"input (data files + attachments): {inp:.1f} MB; bundle {$(stat -c %s "$bundle") / 1e6:.1f} MB; zip -r {$(stat -c %s "$work/zip-r.zip") / 1e6:.1f} MB")
print(f"export: {exp:.2f} s = {inp / exp:.1f} MB/s; zip -r: {zr:.2f} s = {inp / zr:.1f} MB/s; ratio {zr / exp * 100:.0f}% of zip's throughput")
print(f"server RSS: {$base / 1024:.1f} MB before, peak {$peak / 1024:.1f} MB during export: growth {($peak - $base) / 1024:.1f} MB")
print(f"verify: {$t5 - $t4:.2f} s; restore: {$t6 - $t5:.2f} s")
EOF
