// SLEEF compositions, one translation unit per ISA (sleef_avx3.cc,
// sleef_avx2.cc, sleef_sse4.cc), each compiled with that ISA's -m flags and
// included here after defining:
//   ACTBENCH_SLEEF_NS    namespace of this ISA's kernels (sleef_avx3, ...)
//   ACTBENCH_SLEEF_W     floats per vector (16, 8, 4)
//   ACTBENCH_SLEEF_V     the vector type (__m512, __m256, __m128)
//   ACTBENCH_SLEEF(f, u) SLEEF's name of function f at accuracy u for this ISA
//
// Nothing here may run on a CPU without the ISA: the file defines kernels only,
// all with internal linkage except the table at the bottom (constant data), so
// no code compiled with these flags is shared with (or chosen by the linker
// for) other translation units. The registry runs them only where
// TargetSupported() says the CPU can.
//
// The compositions are the careful ones a user would write around SLEEF's
// functions (exp of -|x| so nothing overflows, erfc rather than 1 + erf):
// SLEEF's own bounds are 1.0 ULP (u10), 1.5 ULP (u15) and 3.5 ULP (u35) for
// the function alone; the roundings around it add the rest (promises in
// sleef_variants.cc, measured).
#include <sleef.h>

#include <cstddef>
#include <cstring>

#include "impls/params.h"
#include "impls/peers/peer_kernels.h"

namespace actbench {
namespace peers {
namespace ACTBENCH_SLEEF_NS {
namespace {

using V = ACTBENCH_SLEEF_V;
constexpr size_t W = ACTBENCH_SLEEF_W;

// GCC vector extensions: arithmetic, comparisons and ?: work lane-wise on the
// intrinsic types, and a scalar operand is broadcast.
inline V Splat(float f) { return V{} + f; }
inline V Select(decltype(V{} < V{}) m, V a, V b) { return m ? a : b; }

inline V Exp(V x) { return ACTBENCH_SLEEF(exp, u10)(x); }
inline V Expm1(V x) { return ACTBENCH_SLEEF(expm1, u10)(x); }
inline V Log1p(V x) { return ACTBENCH_SLEEF(log1p, u10)(x); }

// sigmoid(x) without overflow: e = exp(-|x|), then 1/(1+e) or e/(1+e).
inline V Sigmoid(V x) {
  const V neg_abs = Select(x < 0.0f, x, -x);
  const V e = Exp(neg_abs);
  const V d = e + 1.0f;
  return Select(x < 0.0f, e / d, 1.0f / d);
}
// x * g(x) is NaN at x = -inf (-inf * 0); the limit is 0.
inline V ZeroAtMinusInf(V x, V y) { return Select(x == -__builtin_inff(), Splat(0.0f), y); }

V TanhU10(V x, const Params&) { return ACTBENCH_SLEEF(tanh, u10)(x); }
V TanhU35(V x, const Params&) { return ACTBENCH_SLEEF(tanh, u35)(x); }
V SigmoidExp(V x, const Params&) { return Sigmoid(x); }
V SiluExp(V x, const Params&) { return ZeroAtMinusInf(x, x * Sigmoid(x)); }
V GeluSigmoidExp(V x, const Params&) { return ZeroAtMinusInf(x, x * Sigmoid(x * 1.702f)); }
V EluExpm1(V x, const Params& p) { return Select(x > 0.0f, x, Expm1(x) * p.alpha); }
// x/2 erfc(-x/sqrt2): no cancellation for x < 0.
V GeluErfc(V x, const Params&) {
  const V c = ACTBENCH_SLEEF(erfc, u15)(x * -0.70710678118654752440f);
  return ZeroAtMinusInf(x, x * 0.5f * c);
}
// x/2 (1 + erf(x/sqrt2)): the textbook form, 1 + erf cancels for x < 0.
V GeluErf(V x, const Params&) {
  const V e = ACTBENCH_SLEEF(erf, u10)(x * 0.70710678118654752440f);
  return ZeroAtMinusInf(x, x * 0.5f * (e + 1.0f));
}
// x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))): 1 + tanh cancels for x < 0.
V GeluTanh(V x, const Params&) {
  const V u = (x + x * x * x * 0.044715f) * 0.79788456080286535588f;
  const V t = ACTBENCH_SLEEF(tanh, u10)(u);
  return ZeroAtMinusInf(x, x * 0.5f * (t + 1.0f));
}
// x tanh(softplus(x)), softplus = log1p(exp(x)).
V MishLog1pExp(V x, const Params&) {
  const V sp = Log1p(Exp(x));
  return ZeroAtMinusInf(x, x * ACTBENCH_SLEEF(tanh, u10)(sp));
}
// softplus with beta and threshold: max(z, 0) + log1p(exp(-|z|)), z = beta x,
// divided by beta; x itself where z > threshold.
V SoftplusLog1pExp(V x, const Params& p) {
  const V z = x * p.beta;
  const V neg_abs = Select(z < 0.0f, z, -z);
  const V r = (Select(z > 0.0f, z, Splat(0.0f)) + Log1p(Exp(neg_abs))) / p.beta;
  return Select(z > p.threshold, x, r);
}

// Whole vectors straight from memory; the last n % W elements through a
// zero-padded vector on the stack, so nothing past n is read or written.
template <V (*F)(V, const Params&)>
void Run(const float* in, float* out, size_t n, const Params& p) {
  size_t i = 0;
  for (; i + W <= n; i += W) {
    V x;
    std::memcpy(&x, in + i, sizeof x);
    const V y = F(x, p);
    std::memcpy(out + i, &y, sizeof y);
  }
  if (i < n) {
    float buf[W] = {};
    std::memcpy(buf, in + i, (n - i) * sizeof(float));
    V x;
    std::memcpy(&x, buf, sizeof x);
    const V y = F(x, p);
    std::memcpy(buf, &y, sizeof y);
    std::memcpy(out + i, buf, (n - i) * sizeof(float));
  }
}

}  // namespace

// In the order of SleefKernel (peer_kernels.h). Constant data: no code runs.
extern const KernelFn kKernels[kSleefKernelCount] = {
    &Run<TanhU10>,        &Run<TanhU35>,   &Run<SigmoidExp>, &Run<SiluExp>,
    &Run<GeluSigmoidExp>, &Run<EluExpm1>,  &Run<GeluErfc>,   &Run<GeluErf>,
    &Run<GeluTanh>,       &Run<MishLog1pExp>, &Run<SoftplusLog1pExp>,
};

}  // namespace ACTBENCH_SLEEF_NS
}  // namespace peers
}  // namespace actbench
