// Input sets for the sampled accuracy sweep.
#pragma once

#include <cstdint>
#include <vector>

namespace actbench {

struct SampleOptions {
  // Bit-pattern stride over all 2^32 float patterns (NaN payloads included).
  uint32_t stride_samples = 1u << 17;
  // Uniform grid over [-dense_limit, dense_limit], where the functions bend.
  uint32_t dense_samples = 1u << 16;
  float dense_limit = 16.0f;
  // The known-hard inputs of accuracy/hard_inputs.h. The quick set leaves
  // them out: it is the set the committed CI baseline was recorded with
  // (reports/baselines/), which holds rows of targets (AVX-512) that not
  // every machine can re-record; the default set, which `make test` holds
  // every promise to, scores them.
  bool hard_inputs = true;

  static SampleOptions Quick() { return {1u << 14, 1u << 13, 16.0f, false}; }
};

// Special values: NaNs (quiet, signalling pattern, negative), +-inf, +-0, the
// smallest and largest subnormals and normals, and the saturation, underflow
// and overflow thresholds of the activations with their float neighbours.
std::vector<float> SpecialValues();

// The whole sampled set: stride samples, then dense samples, then the special
// values, then the known-hard inputs (when o.hard_inputs). Deterministic: the same options always give the same values.
std::vector<float> SampledInputs(const SampleOptions& o);

}  // namespace actbench
