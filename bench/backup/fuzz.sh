#!/usr/bin/env bash
# Fuzz run of the hostile bundle reader: mutated valid bundles (byte flips, truncations,
# splices, inserted and deleted ranges, central-directory damage, re-signed bundles with a
# damaged data file) and random bytes, CALIBER_FUZZ_CASES cases (default 1,000,000), in
# release. Prints the count, the cases per second, how the cases ended, and fails on any
# panic. Run from the repository root: bash bench/backup/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
CALIBER_FUZZ_CASES="${CALIBER_FUZZ_CASES:-1000000}" \
  cargo test --release -q -p caliber --test backup_fuzz -- --ignored --nocapture
