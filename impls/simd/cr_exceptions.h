// The -cr kernels' exceptions: the inputs where a kernel's double value lies
// so close to a midpoint between two floats that rounding it to float goes
// the wrong way, on some target, with the correctly rounded result. Found by
// tools/cr_exceptions over all 2^32 inputs (docs/kernels.md, "Correctly
// rounded kernels"); the kernels look an input up only when its double value
// is within kCrTolerance of a midpoint, which is rare (about 2^-22 of inputs).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>

namespace actbench {

// A double value within kCrTolerance times its binade's power of two of a
// midpoint is checked against the table: 8 to 16 times the kernels' error
// bound (about 2^-50 of the value, which is 1 to 2 times its binade's power of
// two), so a value outside it rounds as the exact one does.
constexpr double kCrTolerance = 0x1p-46;

struct CrException {
  uint32_t x;  // the input's bits
  uint32_t y;  // the correctly rounded result's bits
};

#include "impls/simd/cr_exceptions.inc"

struct CrTable {
  const CrException* begin;
  const CrException* end;
};

template <size_t kN>
constexpr CrTable MakeCrTable(const CrException (&t)[kN]) {
  return {t, t + kN};
}

// y, or the table's value for x when x is in it.
inline float CrPatch(const CrTable& table, float x, float y) {
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  const CrException* it =
      std::lower_bound(table.begin, table.end, bits, [](const CrException& e, uint32_t b) { return e.x < b; });
  if (it == table.end || it->x != bits) return y;
  float out;
  std::memcpy(&out, &it->y, sizeof out);
  return out;
}

}  // namespace actbench
