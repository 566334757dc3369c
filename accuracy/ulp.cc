#include "accuracy/ulp.h"

#include <cmath>
#include <limits>

namespace actbench {

double UlpOf(double y) {
  const double a = std::fabs(y);
  if (a < 0x1p-126) return 0x1p-149;
  if (a >= static_cast<double>(std::numeric_limits<float>::max())) return 0x1p104;
  return std::ldexp(1.0, std::ilogb(a) - 23);
}

double UlpError(float out, double exact, float rounded) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (std::isnan(rounded)) return std::isnan(out) ? 0.0 : kInf;
  if (std::isnan(out)) return kInf;
  if (std::isinf(rounded) || std::isinf(out)) return out == rounded ? 0.0 : kInf;
  // Both finite: the difference of two doubles holding a float and a 53-bit
  // rounding of the exact value is exact to 2^-29 ULP, far below what we report.
  return std::fabs(static_cast<double>(out) - exact) / UlpOf(exact);
}

int64_t OrderedBits(float f) {
  const uint32_t u = FloatBits(f);
  const int64_t mag = u & 0x7fffffffu;
  return (u >> 31) ? -mag : mag;
}

int64_t UlpDistance(float a, float b) {
  const bool na = std::isnan(a), nb = std::isnan(b);
  if (na || nb) return (na && nb) ? 0 : std::numeric_limits<int64_t>::max();
  const int64_t d = OrderedBits(a) - OrderedBits(b);
  return d < 0 ? -d : d;
}

}  // namespace actbench
