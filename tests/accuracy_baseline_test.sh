#!/usr/bin/env bash
# The CI accuracy gate, run by CTest (`make test`): the quick accuracy sweep of
# this build, compared with the baseline committed under reports/baselines/.
# Fails when a row's max ULP rises above its promise or above the baseline
# (plus ACTBENCH_TOLERANCE_ULP, default 0), or its special-value contract
# fails. Speed is not judged: the sweep has no benchmark data.
#
#   usage: accuracy_baseline_test.sh ACTBENCH_BINARY BASELINE_JSON
#
# After an intended accuracy change, refresh the baseline (and commit it):
#   build/release/actbench accuracy --quick --json reports/baselines/accuracy-quick.json
set -euo pipefail
bin=$1
baseline=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! "$bin" accuracy --quick --json "$tmp/new.json" > /dev/null 2> "$tmp/accuracy.log"; then
  tail -n 20 "$tmp/accuracy.log" >&2
  exit 1
fi
status=0
"$bin" compare "$baseline" "$tmp/new.json" --tolerance-ulp "${ACTBENCH_TOLERANCE_ULP:-0}" || status=$?
if [[ $status -ne 0 ]]; then
  echo "accuracy_baseline: compare exited $status against $baseline" >&2
  echo "accuracy_baseline: if the change is intended, refresh the baseline:" >&2
  echo "  $bin accuracy --quick --json $baseline" >&2
fi
exit $status
