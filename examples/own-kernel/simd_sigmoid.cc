// A Highway kernel compiled for every target actbench itself is compiled for
// (the package passes its target settings on): sigmoid through Highway's own
// Exp, one row per target this CPU supports.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "simd_sigmoid.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include <actbench/highway.h>

HWY_BEFORE_NAMESPACE();
namespace example {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void HighwaySigmoid(const float* in, float* out, size_t n, const actbench::Params&) {
  const hn::ScalableTag<float> d;
  const size_t lanes = hn::Lanes(d);
  const auto one = hn::Set(d, 1.0f);
  auto sigmoid = [&](auto x) {
    const auto e = hn::Exp(d, hn::Neg(hn::Abs(x)));  // in (0, 1]: never overflows
    const auto q = hn::Div(one, hn::Add(one, e));
    return hn::IfThenElse(hn::Lt(x, hn::Zero(d)), hn::Mul(e, q), q);
  };
  size_t i = 0;
  for (; i + lanes <= n; i += lanes) hn::StoreU(sigmoid(hn::LoadU(d, in + i)), d, out + i);
  if (i < n) {  // the tail through a stack buffer: nothing past n is touched
    HWY_ALIGN float buf[hn::MaxLanes(d)] = {};
    for (size_t j = 0; i + j < n; ++j) buf[j] = in[i + j];
    hn::Store(sigmoid(hn::Load(d, buf)), d, buf);
    for (size_t j = 0; i + j < n; ++j) out[i + j] = buf[j];
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace example
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace example {
ACTBENCH_HWY_KERNEL("sigmoid/example-hwy-exp", HighwaySigmoid)
    ->Describe("Highway Exp(-|x|), then 1/(1+e) or e/(1+e) (examples/own-kernel)")
    ->NoPromise();
}  // namespace example
#endif
