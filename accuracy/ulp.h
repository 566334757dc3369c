// ULP error, defined once (docs/ulp.md has the prose and the rules).
//
// ulp(y) for a real y is the spacing of the float32 binade that contains y:
// 2^(floor(log2|y|) - 23) for normal magnitudes, 2^-149 below 2^-126
// (subnormals and zero), and 2^104 at or above the largest float.
#pragma once

#include <cstdint>
#include <cstring>

namespace actbench {

// ulp of the float32 binade containing the real value y (given as a double).
double UlpOf(double y);

// Real-valued ULP error of a float result `out` against the exact value
// `exact` (rounded to double) whose correctly rounded float is `rounded`.
// Rules: NaN expected: 0 if out is NaN, +inf otherwise. NaN out otherwise:
// +inf. An infinite expected or out: 0 if out == rounded, +inf otherwise.
// Signed zeros are equal (the sign of zero is checked by the contract, not here).
double UlpError(float out, double exact, float rounded);

// Integer distance between two floats along the ordered float line (+0 and -0
// are the same point; adjacent floats are 1 apart). NaN against NaN is 0; NaN
// against a number is INT64_MAX.
int64_t UlpDistance(float a, float b);

// The IEEE binary32 bit pattern of a float, and the float of a bit pattern.
inline uint32_t FloatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}
inline float FloatFromBits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

// The float32 bit pattern as an ordered integer (-0 and +0 both map to 0).
int64_t OrderedBits(float f);

}  // namespace actbench
