// A fast reference for exhaustive sweeps: each activation in double (with
// double-double steps where a rounding would be amplified), with a stated
// error bound; when the bound cannot decide the correctly rounded float (the
// value is too close to a midpoint between two floats) or the float binade of
// the exact value (too close to a power of two), the input falls back to the
// multiprecision Reference() (Ziv's strategy). docs/exhaustive.md has the
// bounds per activation and what they rely on.
#pragma once

#include <cstddef>
#include <cstdint>

#include "accuracy/reference.h"
#include "impls/activation.h"

namespace actbench {

struct RefChunk;  // accuracy/score.h

// The double path. Returns true and fills *out when it decided the result:
// out->rounded is then the correctly rounded float (bit for bit what
// Reference() gives, sign of zero included) and out->exact a double in the
// same float binade as the exact value, within 2^-24 ULP of Reference()'s
// exact (it is not always the truncated double Reference() gives, but the
// real-valued ULP errors computed from the two differ by less than 1e-6).
// Returns false when it cannot decide, or when the parameters are outside
// what the double path handles (then every input falls back).
bool FastReference(Act act, float x, const Params& p, size_t index, RefValue* out);

// Ziv's strategy: FastReference(), else Reference(). *fell_back tells which.
RefValue ZivReference(Act act, float x, const Params& p, size_t index, bool* fell_back);

// The decision test itself: the exact value lies in [a + b - err, a + b + err]
// (a + b need not be exact in double). Decides the correctly rounded float and
// a double in the exact value's float binade, or returns false.
bool DecideValue(double a, double b, double err, RefValue* out);

// The references of n consecutive inputs x (element index0 + i of an array:
// PReLU's channel) into out's entries [0, n), Ziv's strategy per input;
// returns the fallbacks. The forward activations but prelu (elu, leaky_relu
// and softplus with their default parameters) run in SIMD lanes where the
// CPU has FMA (fast_reference_simd.cc: the same formulas with SLEEF's vector
// functions, the decision test in lanes); prelu's exact values are written
// directly; every backward activation runs in lanes too (elu', leaky_relu'
// and softplus' with their default parameters; prelu' written directly like
// prelu); every lane the vector code leaves takes FastReference and
// Reference().
uint64_t ReferenceChunk(Act act, const float* x, size_t n, size_t index0, const Params& p, RefChunk& out);

// The Highway target whose lanes ReferenceChunk uses for act (with its
// default parameters) on this CPU, or nullptr when act takes the scalar path
// here.
const char* ReferenceLanesTarget(Act act);

// Tests: the decision test in lanes on the triples (a[i], b[i], err[i]);
// false when this CPU has no vector path.
bool VectorDecideForTest(const double* a, const double* b, const double* err, size_t n, double* exact,
                         float* rounded, uint8_t* decided);

// The relative error bound the double path assumes for act's computed value
// (before the decision test): 2^-48 for most activations, 2^-46 for gelu.
double FastRelativeBound(Act act);

}  // namespace actbench
