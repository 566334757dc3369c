// A plain C++ kernel: sigmoid in float, the stable form (e = exp(-|x|)).
#include <cmath>

#include <actbench/actbench.h>

namespace {

void StableSigmoid(const float* in, float* out, size_t n, const actbench::Params&) {
  for (size_t i = 0; i < n; ++i) {
    const float x = in[i];
    const float e = std::exp(-std::fabs(x));
    out[i] = x >= 0 ? 1.0f / (1.0f + e) : e / (1.0f + e);
  }
}

}  // namespace

ACTBENCH_KERNEL("sigmoid/example-stable-f32", StableSigmoid)
    ->Describe("e = expf(-|x|); 1/(1+e) or e/(1+e) (examples/own-kernel)")
    ->MaxUlp(3)
    ->Note("expf, 1 + e and the division each round");
