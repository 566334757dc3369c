// Highway SIMD variants (family "simd"): every kernel of activations-inl.h,
// compiled for every attainable x86 target (HWY_COMPILE_ALL_ATTAINABLE) and
// registered once per target this CPU supports, so one machine measures the
// same algorithm on AVX3_DL, AVX3, AVX2, SSE4, SSSE3 and EMU128.
#include <limits>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "impls/simd/simd_variants.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "actbench/highway.h"
#include "impls/registration.h"
#include "impls/simd/activations-inl.h"
#include "impls/variant.h"

// Templates get a name of their own: HWY_EXPORT takes a plain identifier.
HWY_BEFORE_NAMESPACE();
namespace actbench {
namespace HWY_NAMESPACE {

void EluExpm1Rr2P7(const float* in, float* out, size_t n, const Params& p) { Elu<true>(in, out, n, p); }
void EluExpm1Rr2P6(const float* in, float* out, size_t n, const Params& p) { Elu<false>(in, out, n, p); }
void TanhExpm1Rr2P7Div(const float* in, float* out, size_t n, const Params& p) { TanhExpm1<true>(in, out, n, p); }
void TanhExpm1Rr2P6Nr1(const float* in, float* out, size_t n, const Params& p) { TanhExpm1<false>(in, out, n, p); }
void SoftplusLog1pExpRr2P7(const float* in, float* out, size_t n, const Params& p) {
  SoftplusLog1pExp<true>(in, out, n, p);
}
void SoftplusLog1pP9ExpRr1P6(const float* in, float* out, size_t n, const Params& p) {
  SoftplusLog1pExp<false>(in, out, n, p);
}

}  // namespace HWY_NAMESPACE
}  // namespace actbench
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace actbench {

HWY_EXPORT(ReluSelect);
HWY_EXPORT(LeakyReluSelect);
HWY_EXPORT(PreluSelect);
HWY_EXPORT(HardSigmoidClampDiv);
HWY_EXPORT(HardSigmoidClampMul);
HWY_EXPORT(HardSigmoidClampMulResidual);
HWY_EXPORT(HardSwishClampF64);
HWY_EXPORT(HardSwishClampMul);
HWY_EXPORT(EluExpm1Rr2P7);
HWY_EXPORT(EluExpm1Rr2P6);
HWY_EXPORT(SigmoidAccurate);
HWY_EXPORT(SigmoidFastKernel);
HWY_EXPORT(TanhExpm1Rr2P7Div);
HWY_EXPORT(TanhExpm1Rr2P6Nr1);
HWY_EXPORT(TanhRational);
HWY_EXPORT(SigmoidTanhRational);
HWY_EXPORT(GeluTanhAccurate);
HWY_EXPORT(GeluTanhFast);
HWY_EXPORT(GeluErfcAccurate);
HWY_EXPORT(GeluSigmoidFast);
HWY_EXPORT(GeluSigmoidAccurate);
HWY_EXPORT(SiluAccurate);
HWY_EXPORT(SiluFast);
HWY_EXPORT(MishAccurate);
HWY_EXPORT(MishFast);
HWY_EXPORT(SoftplusLog1pExpRr2P7);
HWY_EXPORT(SoftplusLog1pP9ExpRr1P6);

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// One registration through the public API (include/actbench/highway.h), as
// users register theirs, in family "simd": the promise on FMA targets, the
// one on targets without FMA (SSE4, SSSE3, EMU128), then the domain's lower
// end and a note where the kernel loses accuracy.
Registration* Simd(const char* id, KernelFn (*pointer)(), const char* description, double fma, double no_fma,
                   double domain_lo = -kInf, const char* note = "") {
  Registration* r = RegisterHighwayKernel(id, HWY_TARGETS, pointer);
  BuiltinSpec(r).family = "simd";
  return r->Describe(description)->MaxUlp(fma)->MaxUlpWithoutFma(no_fma)->Domain(domain_lo, kInf)->Note(note);
}

// Where a kernel calls hn::ApproximateReciprocal (math-inl.h): through
// ReciprocalNR1 on every target (the -nr1 kernels), or through
// ResidualReciprocal (DivCompensated) on FMA targets only (without FMA those
// kernels divide in double). On SSSE3, SSE4 and AVX2 that is rcpps, whose
// bits are vendor-defined; AVX-512's vrcp14ps is exact, EMU128/SCALAR divide.
constexpr int64_t kRcppsTargets = HWY_AVX2 | HWY_SSE4 | HWY_SSSE3;
void RcppsOnEveryTarget(Registration* r) {
  BuiltinSpec(r).estimate = "rcpps";
  BuiltinSpec(r).estimate_targets = kRcppsTargets;
  BuiltinSpec(r).description += "; on SSSE3, SSE4 and AVX2 its bits depend on rcpps, a vendor-defined estimate";
}
void RcppsOnFmaTargets(Registration* r) {
  BuiltinSpec(r).estimate = "rcpps";
  BuiltinSpec(r).estimate_targets = kRcppsTargets & HWY_AVX2;
  BuiltinSpec(r).description += "; on AVX2 its bits depend on rcpps, a vendor-defined estimate";
}

}  // namespace

void RegisterSimdGradVariants();
void RegisterSimdCrVariants();

void RegisterSimdVariants() {
  RegisterSimdGradVariants();
  RegisterSimdCrVariants();
  Simd("relu/select", ACTBENCH_HWY_POINTER(ReluSelect), "x < 0 ? 0 : x", 0, 0);
  Simd("leaky_relu/select", ACTBENCH_HWY_POINTER(LeakyReluSelect), "x < 0 ? alpha x : x (one rounding)", 0.5, 0.5);
  Simd("prelu/select", ACTBENCH_HWY_POINTER(PreluSelect), "row by row over N x C, slopes per vector", 0.5, 0.5);
  Simd("hard_sigmoid/clamp-div", ACTBENCH_HWY_POINTER(HardSigmoidClampDiv), "relu6(x + 3) / 6", 1, 1);
  Simd("hard_sigmoid/clamp-mul", ACTBENCH_HWY_POINTER(HardSigmoidClampMul), "relu6(x + 3) * (1/6)", 1.5, 1.5);
  Simd("hard_sigmoid/clamp-mul-residual", ACTBENCH_HWY_POINTER(HardSigmoidClampMulResidual),
       "relu6(x + 3) * (1/6) + one exact residual step (a division without FMA)", 1, 1);
  Simd("hard_swish/clamp-f64", ACTBENCH_HWY_POINTER(HardSwishClampF64), "x relu6(x + 3) / 6 in double", 0.51, 0.51);
  Simd("hard_swish/clamp-mul", ACTBENCH_HWY_POINTER(HardSwishClampMul), "x relu6(x + 3) * (1/6) in float", 2.5, 2.5);
  Simd("elu/expm1-rr2-p7", ACTBENCH_HWY_POINTER(EluExpm1Rr2P7), "alpha expm1(x): rr2, degree-7 polynomial", 2, 2);
  Simd("elu/expm1-rr2-p6", ACTBENCH_HWY_POINTER(EluExpm1Rr2P6), "alpha expm1(x): degree-6 polynomial", 5, 5);
  RcppsOnFmaTargets(Simd("sigmoid/rr2-p7-div", ACTBENCH_HWY_POINTER(SigmoidAccurate),
       "e^-|x| (rr2, p7, scaled once) / compensated 1 + e (in double without FMA)", 2, 2));
  RcppsOnEveryTarget(Simd("sigmoid/rr1-p6-nr1", ACTBENCH_HWY_POINTER(SigmoidFastKernel),
       "e^-|x| (rr1, p6, scaled once), reciprocal + 1 Newton step", 5, 80, -kInf,
       "rr1 needs FMA: without it n ln2 rounds (64 ULP measured on SSE4)"));
  RcppsOnFmaTargets(Simd("tanh/expm1-rr2-p7-div", ACTBENCH_HWY_POINTER(TanhExpm1Rr2P7Div),
       "E/(E+2), E = expm1(2|x|), compensated denominator (in double without FMA)", 2, 2));
  RcppsOnEveryTarget(Simd("tanh/expm1-rr2-p6-nr1", ACTBENCH_HWY_POINTER(TanhExpm1Rr2P6Nr1),
       "E/(E+2) with degree-6 expm1 and reciprocal + 1 Newton step", 8, 9, -kInf,
       "measured exhaustively: 7.23 ULP on AVX3, 7.77 on SSE4 (near |x| = 0.1735)"));
  RcppsOnEveryTarget(Simd("tanh/rational-p6q3-nr1", ACTBENCH_HWY_POINTER(TanhRational),
       "x P(x^2)/Q(x^2) (fit_rational: 0.46 ULP exact), reciprocal + 1 Newton step", 6, 9, -kInf,
       "the float evaluation of P and Q, not the fit, sets the error: 4.7 ULP measured near |x| = 6 (7.07 without "
       "FMA, exhaustively on SSE4)"));
  RcppsOnEveryTarget(Simd("sigmoid/tanh-rational-p6q3-nr1", ACTBENCH_HWY_POINTER(SigmoidTanhRational),
       "1/2 + tanh(x/2)/2 with the rational tanh (the 'polynomial sigmoid')", 8, 8, -1.0,
       "for x < 0, 1 - tanh(|x|/2) magnifies tanh's error by ~e^|x| and the result stops at 0 near x = -18"));
  RcppsOnFmaTargets(Simd("gelu_tanh/sigmoid-form-f64arg", ACTBENCH_HWY_POINTER(GeluTanhAccurate),
       "x sigmoid(2u), 2u formed in double, accurate sigmoid", 4, 4));
  RcppsOnEveryTarget(Simd("gelu_tanh/sigmoid-form-rr1-p6-nr1", ACTBENCH_HWY_POINTER(GeluTanhFast), "x sigmoid(2u) in float, fast sigmoid",
       256, 256, -5.0, "2u carries |2u| eps absolute error into e^2u; outputs flush below x = -9"));
  RcppsOnEveryTarget(Simd("gelu/tanh-form-rr1-p6-nr1", ACTBENCH_HWY_POINTER(GeluTanhFast), "the tanh-form approximation (gelu_tanh), fast",
       256, 256, -5.0, "scored against gelu_tanh; its distance from exact gelu is the second score")
      ->Computes("gelu_tanh"));
  Simd("gelu/erfc-piecewise-p10", ACTBENCH_HWY_POINTER(GeluErfcAccurate),
       "x/2 erfc(-x/sqrt2): erfc = e^-t^2 erfcx(t), t^2 exact, erfcx in 4 degree-10 pieces", 4, 4);
  RcppsOnEveryTarget(Simd("gelu/sigmoid-form-rr1-p6-nr1", ACTBENCH_HWY_POINTER(GeluSigmoidFast),
       "the sigmoid-form approximation (gelu_sigmoid), fast", 72, 136, -50.0,
       "scored against gelu_sigmoid (its distance from exact gelu is the second score); the rounded "
       "1.702f x is magnified by |1.702 x| in e^(1.702 x)")
      ->Computes("gelu_sigmoid"));
  RcppsOnFmaTargets(Simd("gelu_sigmoid/rr2-p7-div", ACTBENCH_HWY_POINTER(GeluSigmoidAccurate),
       "x sigmoid(1.702f x), 1.702f x exact, accurate sigmoid (quotient in double without FMA)", 2, 2));
  RcppsOnEveryTarget(Simd("gelu_sigmoid/rr1-p6-nr1", ACTBENCH_HWY_POINTER(GeluSigmoidFast), "x sigmoid(1.702f x) with the fast sigmoid",
       72, 136, -50.0,
       "the rounded 1.702f x is magnified by |1.702 x| in e^(1.702 x) (measured exhaustively: 68.3 ULP on AVX3, "
       "130.4 on SSE4, 131.9 on SCALAR); outputs flush to 0 below x = -51"));
  RcppsOnFmaTargets(Simd("silu/rr2-p7-div", ACTBENCH_HWY_POINTER(SiluAccurate),
       "x e/(1+e) scaled last, compensated denominator (quotient in double without FMA)", 2, 2));
  RcppsOnEveryTarget(Simd("silu/rr1-p6-nr1", ACTBENCH_HWY_POINTER(SiluFast), "x sigmoid(x) with the fast sigmoid", 6, 80, -87.0,
       "outputs flush to 0 for x < -87.3; rr1 needs FMA"));
  Simd("mish/exp-f64-rational", ACTBENCH_HWY_POINTER(MishAccurate),
       "e^x = (1+t) 2^n in float (rr2, p7), x N/(N+2) in double, rounded once", 1.5, 1.5);
  RcppsOnEveryTarget(Simd("mish/exp-rational-rr1-p6-nr1", ACTBENCH_HWY_POINTER(MishFast), "x N/(N+2) with fast exp and reciprocal", 6,
       80, -80.0, "outputs flush to 0 for x < -87.3; rr1 needs FMA (without it 68.4 ULP measured exhaustively on SCALAR)"));
  Simd("softplus/log1p-exp-rr2-p7", ACTBENCH_HWY_POINTER(SoftplusLog1pExpRr2P7),
       "max(z,0) + log1p(e^-|z|): rr2 exp scaled once, log1p with a small-u series (in double without FMA)", 2, 2);
  Simd("softplus/log1p-p9-exp-rr1-p6", ACTBENCH_HWY_POINTER(SoftplusLog1pP9ExpRr1P6),
       "max(z,0) + e q(2e-1), e = e^-|z| (rr1, p6, scaled once), log1p(e)/e a degree-9 polynomial on [0,1]", 5, 80,
       -kInf, "rr1 needs FMA: without it n ln2 rounds (65 ULP measured on SSE4)");
}

}  // namespace actbench
#endif  // HWY_ONCE
