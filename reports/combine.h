// Combining accuracy results of disjoint inputs of one row: the shards of an
// exhaustive sweep (accuracy/exhaustive.h, `actbench accuracy --exhaustive
// --shard I/N`). Combining the shards of a range gives exactly what one run
// over the whole range gives (tests/exhaustive_test.cc checks it).
#pragma once

#include "accuracy/sweep.h"

namespace actbench {

// a and b: results of one row (same label, same machine) over disjoint inputs.
// Maxima are maxima (max ULP, distance, abs/rel error, max in the promise
// domain, per-binade maxima); counts, the histogram and the exact ULP sums
// add; the mean is recomputed from the sums; the ten worst inputs are the ten
// worst of both (largest first, equal errors by the smaller bit pattern);
// coverage is the union; promise_held and contract.pass are recomputed; the
// contract examples are those of the lower range first (at most 5).
// `also` entries are paired by `against`. Throws std::invalid_argument (one
// line) when the coverages overlap or the `also` lists do not match.
AccuracyResult CombineAccuracy(const AccuracyResult& a, const AccuracyResult& b);

// The same for the promise bound a row is held to (promise_held needs it):
// promise_held = max_ulp_in_domain <= promised_ulp.
AccuracyResult CombineAccuracy(const AccuracyResult& a, const AccuracyResult& b, double promised_ulp);

}  // namespace actbench
