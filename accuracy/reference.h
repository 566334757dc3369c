// Reference values: every activation computed with Boost.Multiprecision (MPFR
// backend, 201 bits: 60 decimal digits) and rounded correctly to float, subnormals included.
//
// 201 bits hold every intermediate of the piecewise-rational activations
// exactly (e.g. x * (x + 3) for any float x), and leave the transcendental ones
// about 170 bits of margin over float's 24, so the single rounding to float
// (mpfr_get_flt, round to nearest even) is the correct rounding.
#pragma once

#include <cstddef>
#include <vector>

#include "impls/activation.h"

namespace actbench {

struct RefValue {
  double exact;   // the exact value truncated to double (for real-valued ULP error)
  float rounded;  // the exact value rounded correctly to float
};

// f(x) for element `index` of an array (index picks the PReLU channel). For a
// backward activation, f'(x) of its forward one (dy = 1).
RefValue Reference(Act act, float x, const Params& p, size_t index = 0);

// A backward activation's dy * f'(x), rounded once (the derivative at 200
// bits times dy, which a float holds exactly).
RefValue GradientReference(Act act, float x, float dy, const Params& p, size_t index = 0);

// MPFR keeps per-thread caches (constants such as log 2 for exp) that outlive
// a thread unless freed in it (LeakSanitizer reports them). Every thread that
// calls Reference, other than the main one, calls this before it ends.
void ReleaseThreadCaches();

// Reference values for a whole array, split over `threads` threads
// (0 = all hardware threads); with dy (a backward activation), dy[i] * f'(in[i]).
std::vector<RefValue> ReferenceArray(Act act, const std::vector<float>& in, const Params& p,
                                     unsigned threads = 0, const std::vector<float>* dy = nullptr);

}  // namespace actbench
