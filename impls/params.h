// Parameters shared by every kernel and by the reference: one struct, so the
// kernel ABI stays a single signature for all activations.
#pragma once

#include <cstddef>

namespace actbench {

struct Params {
  // leaky_relu: negative_slope. elu: alpha. Unused elsewhere.
  float alpha = 0.0f;
  // softplus: 1/beta * log(1 + exp(beta * x)), linear where beta * x > threshold.
  float beta = 1.0f;
  float threshold = 20.0f;
  // prelu: per-channel slopes over an N x C layout with C innermost, so
  // element i uses slopes[i % channels]. Not owned.
  const float* slopes = nullptr;
  size_t channels = 0;
};

}  // namespace actbench
