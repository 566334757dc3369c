#!/usr/bin/env bash
# The kernels' coefficient tables regenerate exactly: rerun tools/fit_poly
# with the arguments named beside each table in impls/simd/activations-inl.h
# (GELU) and impls/simd/math-inl.h (exp) and find every printed coefficient
# list there.
set -euo pipefail
fit=$1
src=$2/impls/simd
status=0
while read -r args; do
  coeffs=$("$fit" $args | tail -n 1 | tr -d '{}')
  # The table in the source wraps lines: compare with all whitespace removed.
  if ! cat "$src/activations-inl.h" "$src/math-inl.h" | tr -d ' \n' | grep -qF "$(tr -d ' ' <<< "$coeffs")"; then
    echo "fit_poly $args printed {$coeffs}, which is not in $src" >&2
    status=1
  fi
done <<'ARGS'
erfcx 0.5 2 10
erfcx 2 4 10
erfcx 4 6.5 10
erfcx 6.5 10.5 10
erf_over_t 0 0.25 6
exp -0.3466 0.3466 6
ARGS
[[ $status -eq 0 ]] && echo "fit_tables: 6 tables regenerate exactly"
exit $status
