#!/usr/bin/env bash
# The kernels' coefficient tables regenerate exactly: rerun tools/fit_poly and
# tools/fit_rational with the arguments named beside each table in
# impls/simd/activations-inl.h (GELU, tanh), impls/simd/math-inl.h (exp) and
# impls/simd/cr_variants.cc (the -cr kernels' double tables) and
# find every printed coefficient list there.
#
#   usage: fit_tables_test.sh FIT_POLY FIT_RATIONAL SOURCE_DIR
set -euo pipefail
fit_poly=$1
fit_rational=$2
src=$3/impls/simd
status=0
count=0
while read -r tool args; do
  case $tool in
    fit_poly) out=$("$fit_poly" $args) ;;
    fit_rational) out=$("$fit_rational" $args) ;;
  esac
  # Every coefficient list the tool printed (one for fit_poly, P and Q for
  # fit_rational); the tables in the source wrap lines: compare with all
  # whitespace removed.
  while read -r coeffs; do
    if ! cat "$src/activations-inl.h" "$src/math-inl.h" "$src/cr_variants.cc" | tr -d ' \n' | grep -qF "$(tr -d ' {}' <<< "$coeffs")"; then
      echo "$tool $args printed $coeffs, which is not in $src" >&2
      status=1
    fi
  done < <(grep '^{' <<< "$out")
  count=$((count + 1))
done <<'ARGS'
fit_poly erfcx 0.5 2 10
fit_poly erfcx 2 4 10
fit_poly erfcx 4 6.5 10
fit_poly erfcx 6.5 10.5 10
fit_poly erf_over_t 0 0.25 6
fit_poly exp -0.3466 0.3466 6
fit_poly exp -0.3466 0.3466 7
fit_poly log1p_over_t 0 1 9
fit_rational tanh 9.02 6 3
fit_poly expm1_q -0.34657359027997264 0.34657359027997264 9 double
fit_poly erfcx 0.5 2 18 double
fit_poly erfcx 2 4 18 double
fit_poly erfcx 4 6.5 18 double
fit_poly erfcx 6.5 10.5 18 double
fit_poly erf_over_t 0 0.25 8 double
ARGS
[[ $status -eq 0 ]] && echo "fit_tables: $count tables regenerate exactly"
exit $status
