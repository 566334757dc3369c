#include "accuracy/inputs.h"

#include <cmath>
#include <limits>

#include "accuracy/hard_inputs.h"
#include "accuracy/ulp.h"

namespace actbench {

std::vector<float> SpecialValues() {
  using L = std::numeric_limits<float>;
  std::vector<float> v = {
      FloatFromBits(0x7fc00000u),  // quiet NaN
      FloatFromBits(0x7fa00001u),  // signalling-NaN pattern with a payload
      FloatFromBits(0xffc00000u),  // negative quiet NaN
      L::infinity(), -L::infinity(), 0.0f, -0.0f,
      L::denorm_min(), -L::denorm_min(),
      FloatFromBits(0x007fffffu), FloatFromBits(0x807fffffu),  // largest subnormals
      L::min(), -L::min(), L::max(), -L::max(), L::epsilon(), -L::epsilon(),
      1.0f, -1.0f, 0.5f, -0.5f,
  };
  // Thresholds where the activations saturate, underflow or change formula,
  // each with its two float neighbours on either side.
  const float thresholds[] = {
      88.7228394f,   // expf overflows above
      87.3365479f,   // expf(-x) leaves the normal range below -x
      103.972084f,   // expf(-x) rounds to 0 below -x
      9.01091290f,   // tanh rounds to +-1 above
      16.6355324f,   // sigmoid rounds to 1 above
      20.0f,         // softplus threshold (default)
      3.0f, 6.0f,    // hard_sigmoid / hard_swish knees
      1.5f,          // hard_swish minimum
      14.0f, 40.0f,  // gelu underflows to -0 around -14; scalar cut-offs at -40
      1.27846454f,   // silu minimum
      0.751791524f,  // gelu minimum
      1.19243121f,   // mish minimum
      0.0625f, 1e-4f, 1e-8f, 1e-20f, 1e-38f,  // small arguments: leading terms must be exact
      1e4f, 1e10f, 1e20f, 1e30f,              // large arguments: no overflow inside formulas
  };
  for (float t : thresholds) {
    for (float s : {t, -t}) {
      float lo = s, hi = s;
      v.push_back(s);
      for (int k = 0; k < 2; ++k) {
        lo = std::nextafter(lo, -L::infinity());
        hi = std::nextafter(hi, L::infinity());
        v.push_back(lo);
        v.push_back(hi);
      }
    }
  }
  return v;
}

std::vector<float> SampledInputs(const SampleOptions& o) {
  std::vector<float> v;
  v.reserve(size_t{o.stride_samples} + o.dense_samples + 256 + HardInputs().size());
  // An odd stride near 2^32 / N walks every exponent and sign with varying low
  // mantissa bits; patterns wrap modulo 2^32.
  if (o.stride_samples > 0) {
    const uint64_t stride = ((uint64_t{1} << 32) / o.stride_samples) | 1u;
    for (uint64_t k = 0; k < o.stride_samples; ++k)
      v.push_back(FloatFromBits(static_cast<uint32_t>(k * stride + 0x9e3779b9u)));
  }
  if (o.dense_samples > 1) {
    const double step = 2.0 * o.dense_limit / (o.dense_samples - 1);
    for (uint32_t k = 0; k < o.dense_samples; ++k)
      v.push_back(static_cast<float>(-static_cast<double>(o.dense_limit) + k * step));
  }
  const std::vector<float> s = SpecialValues();
  v.insert(v.end(), s.begin(), s.end());
  if (o.hard_inputs) v.insert(v.end(), HardInputs().begin(), HardInputs().end());
  return v;
}

}  // namespace actbench
