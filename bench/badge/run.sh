#!/usr/bin/env bash
# Badge reader benchmark beside the reference decoders, in one run on this machine: Caliber's
# decoder (cargo bench) renders the synthetic frames and writes each one out, then zxing-cpp and
# zbar read exactly those files and the QR corpus, and one table puts the three side by side.
# Run from the repository root: bash bench/badge/run.sh [FRAMES_PER_CATEGORY]
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-40}"
corpus="${CALIBER_QR_CORPUS:-../shared/qr-corpus}"
# A git worktree sits one level deeper than a clone: look beside its parent too.
[ -d "$corpus" ] || corpus="../../shared/qr-corpus"
corpus="$(cd "$corpus" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
frames="$work/frames"

if ! python3 -c 'import zxingcpp, pyzbar.pyzbar, PIL' 2>/dev/null; then
  apt-get install -y -qq libzbar0 >/dev/null
  python3 -m pip install --quiet zxing-cpp pyzbar pillow
fi

echo "machine: $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== Caliber badge reader ($n frames per row)"
BADGE_BENCH_DUMP="$frames" BADGE_BENCH_FRAMES="$n" CALIBER_QR_CORPUS="$corpus" \
  cargo bench -q -p caliber-badge-reader | tee "$work/caliber.txt"
# One folder per set, named as the benchmark's rows are (clean_640x480, ...).
python3 - "$frames" <<'PY'
import pathlib, sys
root = pathlib.Path(sys.argv[1])
for p in list(root.glob("*_[0-9][0-9][0-9].*")):
    d = root / p.stem.rsplit("_", 1)[0]
    d.mkdir(exist_ok=True)
    p.rename(d / p.name)
PY
echo "== reference decoders on the same files"
python3 bench/badge/reference.py "$corpus" "$frames"/*/ | tee "$work/reference.txt"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== side by side"
python3 bench/badge/table.py "$work/caliber.txt" "$work/reference.txt"
