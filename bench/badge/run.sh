#!/usr/bin/env bash
# Badge reader benchmark beside the reference decoders, in one run on this machine:
# Caliber's decoder (cargo bench) and zxing-cpp + zbar over the same synthetic frames and the
# QR corpus. Run from the repository root: bash bench/badge/run.sh [FRAMES_PER_CATEGORY]
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-40}"
corpus="${CALIBER_QR_CORPUS:-../shared/qr-corpus}"
# A git worktree sits one level deeper than a clone: look beside its parent too.
[ -d "$corpus" ] || corpus="../../shared/qr-corpus"
corpus="$(cd "$corpus" && pwd)"
frames="$(mktemp -d)"
trap 'rm -rf "$frames"' EXIT

if ! python3 -c 'import zxingcpp, pyzbar.pyzbar, PIL' 2>/dev/null; then
  apt-get install -y -qq libzbar0 >/dev/null
  python3 -m pip install --quiet zxing-cpp pyzbar pillow
fi

cargo run --release -q -p caliber-badge-reader --example gen-frames -- "$frames" "$n"
echo "== Caliber badge reader"
BADGE_BENCH_FRAMES="$n" CALIBER_QR_CORPUS="$corpus" cargo bench -q -p caliber-badge-reader
echo "== reference decoders"
args=("$corpus")
for d in "$frames"; do args+=("$d"); done
python3 bench/badge/reference.py "${args[@]}"
python3 - "$frames" <<'PY'
import pathlib, subprocess, sys
# Per-category reference rates over the synthetic frames.
root = pathlib.Path(sys.argv[1])
cats = sorted({p.stem.rsplit("_", 1)[0] for p in root.glob("*.png")})
for c in cats:
    d = root / c
    d.mkdir(exist_ok=True)
    for p in root.glob(f"{c}_[0-9][0-9][0-9].*"):
        p.rename(d / p.name)
subprocess.run([sys.executable, "bench/badge/reference.py", *[str(root / c) for c in cats]], check=True)
PY
