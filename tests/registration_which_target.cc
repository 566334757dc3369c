// A Highway kernel registered as users register theirs (ACTBENCH_HWY_KERNEL):
// it writes its own HWY_TARGET into every output, so registration_test can
// tell that each row runs the code compiled for its target.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "tests/registration_which_target.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "actbench/highway.h"

HWY_BEFORE_NAMESPACE();
namespace which {
namespace HWY_NAMESPACE {

void WhichTarget(const float*, float* out, size_t n, const actbench::Params&) {
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(__builtin_ctzll(static_cast<uint64_t>(HWY_TARGET)));
}

}  // namespace HWY_NAMESPACE
}  // namespace which
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace which {
ACTBENCH_HWY_KERNEL("relu/which-target", WhichTarget)->Describe("writes log2(HWY_TARGET)")->NoPromise();
}  // namespace which
#endif
