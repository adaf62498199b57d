#!/usr/bin/env bash
# Central archive benchmark: generated sites, real bundles from the backup export, ingested
# into a local archive folder and into a real S3-protocol server (s3s over a folder, in the
# benchmark's process on 127.0.0.1): MB/s and bundles/s for each. Then `caliber archive serve`
# (the real binary, its own process) on each archive: time to read the archive and listen,
# time to first byte of the company dashboard and other pages, peak and current RSS.
#
# Full size (the issue's): 200 sites x 26 bundles, ten of them 5,000-employee sites.
# Smaller: ARCHIVE_BENCH_SITES=20 ARCHIVE_BENCH_BUNDLES=26 ARCHIVE_BENCH_LARGE=1 bash bench/archive/run.sh
# Also ARCHIVE_BENCH_SMALL: employees of the small sites (25), ARCHIVE_BENCH_REQUESTS: requests
# per page for the time to first byte (50), and ARCHIVE_BENCH_PROFILE:
# the cargo profile (bench, i.e. release; "dev" reuses the test build when release is cold).
# Run from anywhere: bash bench/archive/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export CALIBER_CONFIG=/dev/null
cargo bench -q -p caliber --profile "${ARCHIVE_BENCH_PROFILE:-bench}" --bench archive_ingest
