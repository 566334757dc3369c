// Highway backward variants (family "simd", activations "<name>_grad"): the
// kernels of grad-inl.h, compiled for every attainable x86 target and
// registered once per target this CPU supports, like simd_variants.cc.
#include <limits>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "impls/simd/grad_variants.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "actbench/highway.h"
#include "impls/registration.h"
#include "impls/simd/grad-inl.h"
#include "impls/variant.h"

#if HWY_ONCE
namespace actbench {

HWY_EXPORT(ReluGradSelect);
HWY_EXPORT(LeakyReluGradSelect);
HWY_EXPORT(PreluGradSelect);
HWY_EXPORT(HardSigmoidGradSelectDiv);
HWY_EXPORT(HardSwishGradSelectF64);
HWY_EXPORT(EluGradExpF64);
HWY_EXPORT(SigmoidGradExpF64);
HWY_EXPORT(TanhGradExpF64);
HWY_EXPORT(SoftplusGradExpF64);
HWY_EXPORT(SiluGradExpF64);
HWY_EXPORT(GeluSigmoidGradExpF64);
HWY_EXPORT(MishGradExpF64);
HWY_EXPORT(GeluTanhGradExpF64);
HWY_EXPORT(GeluGradChebF64);
HWY_EXPORT(SigmoidGradComp);
HWY_EXPORT(TanhGradComp);
HWY_EXPORT(EluGradComp);
HWY_EXPORT(SoftplusGradComp);
HWY_EXPORT(SigmoidGradCoshDiv);
HWY_EXPORT(TanhGradCoshDiv);
HWY_EXPORT(SoftplusGradDiv);
HWY_EXPORT(EluGradFma);
HWY_EXPORT(HardSwishGradFma);

namespace {

// rcpps: see simd_variants.cc (RcppsOnFmaTargets); these kernels reach it
// through DivCompensated2 on AVX2 only (AVX-512's estimate is exact, the
// targets without FMA run the double kernels).
Registration* RcppsOnAvx2(Registration* r) {
  BuiltinSpec(r).estimate = "rcpps";
  BuiltinSpec(r).estimate_targets = HWY_AVX2;
  BuiltinSpec(r).description += "; on AVX2 its bits depend on rcpps, a vendor-defined estimate";
  return r;
}

// One registration through the public API, in family "simd", with its
// promise (the same on every target: the arithmetic that matters is in
// double, where FMA changes nothing that reaches float).
Registration* SimdGrad(const char* id, GradKernelFn (*pointer)(), const char* description, double max_ulp,
                       const char* note = "") {
  Registration* r = RegisterHighwayKernel(id, HWY_TARGETS, pointer);
  BuiltinSpec(r).family = "simd";
  return r->Describe(description)->MaxUlp(max_ulp)->Note(note);
}

}  // namespace

void RegisterSimdGradVariants() {
  SimdGrad("gelu_grad/cheb-f64", ACTBENCH_HWY_POINTER(GeluGradChebF64),
           "dy (Phi(x) + x phi(x)) in double: (x - r) g(x) on [-3, 0] and f' on [0, 3] (degree-19 fits), "
           "e^(-x^2/2) (x/sqrt(2 pi) -+ erfcx/2) beyond", 1);
  SimdGrad("relu_grad/select", ACTBENCH_HWY_POINTER(ReluGradSelect), "x > 0 ? dy : 0", 0);
  SimdGrad("leaky_relu_grad/select", ACTBENCH_HWY_POINTER(LeakyReluGradSelect), "x > 0 ? dy : alpha dy (one rounding)",
           0.5);
  SimdGrad("prelu_grad/select", ACTBENCH_HWY_POINTER(PreluGradSelect),
           "x > 0 ? dy : slope dy, row by row over N x C", 0.5);
  SimdGrad("hard_sigmoid_grad/select-div", ACTBENCH_HWY_POINTER(HardSigmoidGradSelectDiv), "-3 < x < 3 ? dy / 6 : 0",
           0.5);
  SimdGrad("hard_swish_grad/div-f64", ACTBENCH_HWY_POINTER(HardSwishGradSelectF64),
           "dy (x + 1.5)/3 in double on [-3, 3), 0 below, dy above", 0.51);
  SimdGrad("hard_swish_grad/fma", ACTBENCH_HWY_POINTER(HardSwishGradFma),
           "dy (2x + 3)/6 in float on [-3, 3): 2x + 3 and dy (2x + 3) as hi + lo, divided by 6 with an FMA residual "
           "(div-f64 without FMA)",
           0.51);
  SimdGrad("elu_grad/rr2-p7-f64", ACTBENCH_HWY_POINTER(EluGradExpF64),
           "dy alpha e^x in double (e^x: rr2, degree-7 polynomial)", 1);
  SimdGrad("sigmoid_grad/rr2-p7-f64", ACTBENCH_HWY_POINTER(SigmoidGradExpF64), "dy e/(1 + e)^2 in double, e = e^-|x|",
           1);
  SimdGrad("tanh_grad/rr2-p7-f64", ACTBENCH_HWY_POINTER(TanhGradExpF64), "dy 4e/(1 + e)^2 in double, e = e^-2|x|", 1);
  SimdGrad("softplus_grad/rr2-p7-f64", ACTBENCH_HWY_POINTER(SoftplusGradExpF64),
           "dy sigmoid(beta x) in double, beta x exact", 1);
  // The same functions in float lanes with compensated steps on FMA targets
  // (the double kernels, the same bits, without FMA). The reduced argument r
  // of e^r is a float (0.35 ULP of e^r): 1.14 ULP in all over every input on
  // AVX2 (elu; sigmoid, tanh, softplus 1.12), against 0.52.
  // Their division starts from the reciprocal estimate: on AVX2 that is rcpps,
  // whose bits are vendor-defined (the residual step makes the result the
  // same to within the promise on any CPU, not bit for bit).
  SimdGrad("elu_grad/rr2-p7-comp", ACTBENCH_HWY_POINTER(EluGradComp),
           "(dy alpha) e^x with e^x and dy alpha as hi + lo, FMA (rr2-p7-f64 without FMA)", 1.5);
  RcppsOnAvx2(SimdGrad("sigmoid_grad/rr2-p7-comp", ACTBENCH_HWY_POINTER(SigmoidGradComp),
           "dy e/(1 + e)^2 in float: e and (1 + e)^2 as hi + lo, compensated division, FMA (rr2-p7-f64 without "
           "FMA)",
           1.5));
  RcppsOnAvx2(SimdGrad("tanh_grad/rr2-p7-comp", ACTBENCH_HWY_POINTER(TanhGradComp),
           "dy 4e/(1 + e)^2 in float, e = e^-2|x|: compensated as sigmoid_grad/rr2-p7-comp", 1.5));
  RcppsOnAvx2(SimdGrad("softplus_grad/rr2-p7-comp", ACTBENCH_HWY_POINTER(SoftplusGradComp),
           "dy sigmoid(beta x) in float: beta x and e as hi + lo, compensated division, FMA (rr2-p7-f64 without "
           "FMA)",
           1.5));
  // The same on FMA targets with a short core for vectors whose every lane is
  // in the usual range (|x| <= 87 or 43.5, |dy| <= 2^120), the compensated
  // kernel for any other vector; the double kernels without FMA. Over all
  // 2^32 x (dy = 1) on AVX2: sigmoid and tanh 1.147 ULP, softplus 0.951, elu
  // 0.940 (without FMA 0.525); the promise is the compensated kernels' 1.5,
  // which they fall back on.
  // Their rare vectors beyond the core reach rcpps on AVX2 through the
  // compensated kernel (elu's does not divide).
  RcppsOnAvx2(SimdGrad("sigmoid_grad/rr2-p7-cosh-div", ACTBENCH_HWY_POINTER(SigmoidGradCoshDiv),
           "dy / (e^|x| + 2 + e^-|x|), e^|x| as hi + lo, one corrected division (rr2-p7-comp beyond |x| = 87; "
           "rr2-p7-f64 without FMA)",
           1.5));
  RcppsOnAvx2(SimdGrad("tanh_grad/rr2-p7-cosh-div", ACTBENCH_HWY_POINTER(TanhGradCoshDiv),
           "4 dy / (e^2|x| + 2 + e^-2|x|), as sigmoid_grad/rr2-p7-cosh-div", 1.5));
  RcppsOnAvx2(SimdGrad("softplus_grad/rr2-p7-div", ACTBENCH_HWY_POINTER(SoftplusGradDiv),
           "dy / (1 + e^-x), e^-x as hi + lo (beta 1, threshold 20; rr2-p7-comp otherwise and below x = -87; "
           "rr2-p7-f64 without FMA)",
           1.5));
  SimdGrad("elu_grad/rr2-p7-fma", ACTBENCH_HWY_POINTER(EluGradFma),
           "(dy alpha) e^x with both as hi + lo, one rounding (rr2-p7-comp below x = -87; rr2-p7-f64 without FMA)", 1.5);
  SimdGrad("silu_grad/rr2-p7-f64-taylor", ACTBENCH_HWY_POINTER(SiluGradExpF64),
           "dy s (1 + x (1 - s)) in double; within 0.1 of the root x = -1.278, its Taylor expansion", 1);
  SimdGrad("gelu_sigmoid_grad/rr2-p7-f64-taylor", ACTBENCH_HWY_POINTER(GeluSigmoidGradExpF64),
           "dy silu'(1.702f x) in double (1.702f x exact); near the root, its Taylor expansion", 1);
  SimdGrad("mish_grad/rr2-p7-f64-taylor", ACTBENCH_HWY_POINTER(MishGradExpF64),
           "dy (t + x s (1 - t^2)) in double, t = n/(n + 2); within 0.1 of the root x = -1.192, its Taylor expansion",
           1);
  SimdGrad("gelu_tanh_grad/rr2-p7-f64-taylor", ACTBENCH_HWY_POINTER(GeluTanhGradExpF64),
           "dy (s + x s (1 - s)(a + 3b x^2)) in double, s = sigmoid(2u); within 0.1 of the root x = -0.752, its "
           "Taylor expansion",
           1);
}

}  // namespace actbench
#endif  // HWY_ONCE
