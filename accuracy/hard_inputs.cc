#include "accuracy/hard_inputs.h"

#include "accuracy/ulp.h"

namespace actbench {

const std::vector<float>& HardInputs() {
  static const std::vector<float> inputs = [] {
    static constexpr uint32_t kBits[] = {
#include "accuracy/hard_inputs.inc"
    };
    std::vector<float> v;
    for (uint32_t b : kBits) v.push_back(FloatFromBits(b));
    return v;
  }();
  return inputs;
}

}  // namespace actbench
