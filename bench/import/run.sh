#!/usr/bin/env bash
# Import benchmark: preview (--dry-run) and commit wall times of `caliber import` for
# 10,000 employees and then 100,000 certifications (10 per employee, five skills, ten years
# of history) into the demo store, and the re-import of the same certifications file (every
# row unchanged, nothing written). `caliber import` prints its own time (the service call,
# file read and parse included); the script prints the process wall time beside it.
# Run from the repository root: bash bench/import/run.sh
# PROFILE=dev uses the debug build (quicker to build, slower to run); EMPLOYEES=N scales the
# files (N employees, 10 N certifications) for a quick look while changing the import.
# The machine's load average is printed before and after: figures from a busy box say so.
set -euo pipefail
cd "$(dirname "$0")/../.."
profile="${PROFILE:-release}"
if [ "$profile" = release ]; then
  cargo build --release -q --bin caliber
  bin="${CARGO_TARGET_DIR:-$PWD/target}/release/caliber"
else
  cargo build -q --bin caliber
  bin="${CARGO_TARGET_DIR:-$PWD/target}/debug/caliber"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
data="$work/data"
export CALIBER_CONFIG=/dev/null
"$bin" seed --data-dir "$data" >/dev/null
python3 - "$work" "${EMPLOYEES:-10000}" <<'PY'
import datetime, sys
d = sys.argv[1]
n = int(sys.argv[2])
sites = ["ATX-01", "DTR-01"]
lines = {"ATX-01": ["ATX-L1", "ATX-L2"], "DTR-01": ["DTR-L1", "DTR-WH"]}
depts = ["Molding", "Assembly", "Quality", "Logistics"]
roles = ["Machine Operator", "Technician", "Forklift Driver", "Quality Inspector", "Team Lead"]
with open(f"{d}/employees.csv", "w") as f:
    f.write("employee_number,name,site,department,role,projects,status,start_date,supervisor,email\n")
    for i in range(n):
        site = sites[i % 2]
        boss = f"B{(i // 25) * 25:05}" if i % 25 else ""
        f.write(f"B{i:05},Person {i},{site},{depts[i % 4]},{roles[i % 5]},{lines[site][i % 2]},active,"
                f"2015-01-{1 + i % 28:02},{boss},person.{i}@plant.example\n")
skills = ["SAFE", "FORK", "MOLD", "QINS", "FAID"]
levels = {"MOLD": 3, "QINS": 2}
base = datetime.date(2016, 1, 4)
with open(f"{d}/certifications.csv", "w") as f:
    f.write("employee_number,skill,revision,level,achieved_on,expires_on,trainer,notes\n")
    for i in range(n):
        for j in range(10):
            skill = skills[j % 5]
            day = base + datetime.timedelta(days=j * 330 + i % 200)
            level = 1 + (i + j) % levels.get(skill, 1)
            f.write(f"B{i:05},{skill},,{level},{day},,trainer {i % 40},imported\n")
PY
wc -l "$work"/*.csv
run() {
  local t0 t1
  t0=$(date +%s.%N)
  "$bin" import "$@" --data-dir "$data" | tail -1
  t1=$(date +%s.%N)
  printf '   wall %.2f s\n' "$(echo "$t1 - $t0" | bc)"
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "== ${EMPLOYEES:-10000} employees ($profile build)"
echo "-- preview";  run employees "$work/employees.csv" --dry-run
echo "-- commit";   run employees "$work/employees.csv"
echo "== $(( ${EMPLOYEES:-10000} * 10 )) certifications"
echo "-- preview";  run certifications "$work/certifications.csv" --dry-run
echo "-- commit";   run certifications "$work/certifications.csv"
echo "-- re-import (all unchanged)"; run certifications "$work/certifications.csv"
du -sh "$data"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
