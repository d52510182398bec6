#!/usr/bin/env bash
# `make test`: run make targets one after another, stop at the first that fails, and print how long
# each took and the total:  bash scripts/phases.sh TARGET...  (a target NAME=LABEL prints LABEL).
set -uo pipefail
MAKE=${MAKE:-make}
start=$(date +%s)
summary=()
rc=0
for phase in "$@"; do
  target=${phase%%=*} label=${phase#*=}
  t=$(date +%s)
  "$MAKE" --no-print-directory "$target" || rc=$?
  seconds=$(( $(date +%s) - t ))
  summary+=("$(printf '%-10s %6d s%s' "$label" "$seconds" "$([ $rc = 0 ] || echo '  FAILED')")")
  echo "[test] $label took $seconds s"
  [ $rc = 0 ] || break
done
echo "[test] time per phase:"
printf '[test]   %s\n' "${summary[@]}"
printf '[test]   %-10s %6d s\n' total $(( $(date +%s) - start ))
exit $rc
