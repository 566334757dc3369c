// Highway SIMD variants (family "simd"): every kernel of activations-inl.h,
// compiled for every attainable x86 target (HWY_COMPILE_ALL_ATTAINABLE) and
// registered once per target this CPU supports, so one machine measures the
// same algorithm on AVX3_DL, AVX3, AVX2, SSE4, SSSE3 and EMU128.
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <vector>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "impls/simd/simd_variants.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "impls/simd/activations-inl.h"
#include "impls/variant.h"

// One type for every target (HWY_EXPORT needs one signature), defined once
// although this file is compiled once per target.
#ifndef ACTBENCH_SIMD_COMPILED_DEFINED
#define ACTBENCH_SIMD_COMPILED_DEFINED
namespace actbench {
struct CompiledKernel {
  const char* id;  // activation/variant
  KernelFn fn;
};
}  // namespace actbench
#endif

HWY_BEFORE_NAMESPACE();
namespace actbench {
namespace HWY_NAMESPACE {

// This target's kernels, by variant id.
void AppendCompiled(std::vector<CompiledKernel>& out, int64_t& target) {
  target = HWY_TARGET;
  out = {
      {"relu/select", &ReluSelect},
      {"leaky_relu/select", &LeakyReluSelect},
      {"prelu/select", &PreluSelect},
      {"hard_sigmoid/clamp-div", &HardSigmoidClampDiv},
      {"hard_sigmoid/clamp-mul", &HardSigmoidClampMul},
      {"hard_sigmoid/clamp-mul-residual", &HardSigmoidClampMulResidual},
      {"hard_swish/clamp-f64", &HardSwishClampF64},
      {"hard_swish/clamp-mul", &HardSwishClampMul},
      {"elu/expm1-rr2-p7", &Elu<true>},
      {"elu/expm1-rr2-p6", &Elu<false>},
      {"sigmoid/rr2-p7-div", &SigmoidAccurate},
      {"sigmoid/rr1-p6-nr1", &SigmoidFastKernel},
      {"tanh/expm1-rr2-p7-div", &TanhExpm1<true>},
      {"tanh/expm1-rr2-p6-nr1", &TanhExpm1<false>},
      {"tanh/rational-p6q3-nr1", &TanhRational},
      {"sigmoid/tanh-rational-p6q3-nr1", &SigmoidTanhRational},
      {"gelu_tanh/sigmoid-form-f64arg", &GeluTanhAccurate},
      {"gelu_tanh/sigmoid-form-rr1-p6-nr1", &GeluTanhFast},
      {"gelu/tanh-form-rr1-p6-nr1", &GeluTanhFast},
      {"gelu/erfc-piecewise-p10", &GeluErfcAccurate},
      {"gelu/sigmoid-form-rr1-p6-nr1", &GeluSigmoidFast},
      {"gelu_sigmoid/rr2-p7-div", &GeluSigmoidAccurate},
      {"gelu_sigmoid/rr1-p6-nr1", &GeluSigmoidFast},
      {"silu/rr2-p7-div", &SiluAccurate},
      {"silu/rr1-p6-nr1", &SiluFast},
      {"mish/exp-f64-rational", &MishAccurate},
      {"mish/exp-rational-rr1-p6-nr1", &MishFast},
      {"softplus/log1p-exp-rr2-p7", &SoftplusLog1pExp<true>},
      {"softplus/log1p-p9-exp-rr1-p6", &SoftplusLog1pExp<false>},
  };
}

}  // namespace HWY_NAMESPACE
}  // namespace actbench
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace actbench {

HWY_EXPORT(AppendCompiled);

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Targets without FMA (SSE4, SSSE3, EMU128) round every MulAdd twice.
bool HasFma(int64_t target) { return (target & (HWY_AVX2 | HWY_AVX3 | HWY_AVX3_DL)) != 0; }

// Where a kernel calls hn::ApproximateReciprocal (math-inl.h): through
// ReciprocalNR1 on every target (the -nr1 kernels), or through
// ResidualReciprocal (DivCompensated) on FMA targets only (without FMA those
// kernels divide in double).
enum class Rcp { kNone, kEveryTarget, kFmaTargets };

// Targets whose ApproximateReciprocal is rcpps (vendor-defined bits).
bool RcpIsVendorDefined(int64_t target) { return (target & (HWY_AVX2 | HWY_SSE4 | HWY_SSSE3)) != 0; }

struct Meta {
  Act activation;
  const char* name;
  const char* description;
  double max_ulp;          // on FMA targets
  double max_ulp_no_fma;   // on SSE4, SSSE3, EMU128
  double domain_lo = -kInf;
  const char* note = "";
  Act computes;
};

// The kernels of AppendCompiled that reach ApproximateReciprocal (see Rcp).
Rcp RcpUse(const std::string& id) {
  static const std::map<std::string, Rcp> uses = {
      {"sigmoid/rr1-p6-nr1", Rcp::kEveryTarget},                  // SigmoidFast
      {"silu/rr1-p6-nr1", Rcp::kEveryTarget},                     // SigmoidFast
      {"gelu_tanh/sigmoid-form-rr1-p6-nr1", Rcp::kEveryTarget},   // SigmoidFast
      {"gelu/tanh-form-rr1-p6-nr1", Rcp::kEveryTarget},           // SigmoidFast
      {"gelu/sigmoid-form-rr1-p6-nr1", Rcp::kEveryTarget},        // SigmoidFast
      {"gelu_sigmoid/rr1-p6-nr1", Rcp::kEveryTarget},             // SigmoidFast
      {"tanh/expm1-rr2-p6-nr1", Rcp::kEveryTarget},               // ReciprocalNR1
      {"tanh/rational-p6q3-nr1", Rcp::kEveryTarget},              // TanhRationalAbs
      {"sigmoid/tanh-rational-p6q3-nr1", Rcp::kEveryTarget},      // TanhRationalAbs
      {"mish/exp-rational-rr1-p6-nr1", Rcp::kEveryTarget},        // ReciprocalNR1
      {"sigmoid/rr2-p7-div", Rcp::kFmaTargets},                   // SigmoidRr2P6
      {"silu/rr2-p7-div", Rcp::kFmaTargets},                      // XSigmoidAccurate
      {"gelu_tanh/sigmoid-form-f64arg", Rcp::kFmaTargets},        // XSigmoidAccurate
      {"gelu_sigmoid/rr2-p7-div", Rcp::kFmaTargets},              // XSigmoidAccurate
      {"tanh/expm1-rr2-p7-div", Rcp::kFmaTargets},                // TanhExpm1<true>
  };
  const auto it = uses.find(id);
  return it == uses.end() ? Rcp::kNone : it->second;
}

std::vector<Meta> Metas() {
  // computes == activation unless given.
  auto m = [](Act a, const char* name, const char* desc, double fma, double no_fma,
              double lo = -kInf, const char* note = "") {
    return Meta{a, name, desc, fma, no_fma, lo, note, a};
  };
  std::vector<Meta> v = {
      m(Act::kRelu, "select", "x < 0 ? 0 : x", 0, 0),
      m(Act::kLeakyRelu, "select", "x < 0 ? alpha x : x (one rounding)", 0.5, 0.5),
      m(Act::kPrelu, "select", "row by row over N x C, slopes per vector", 0.5, 0.5),
      m(Act::kHardSigmoid, "clamp-div", "relu6(x + 3) / 6", 1, 1),
      m(Act::kHardSigmoid, "clamp-mul", "relu6(x + 3) * (1/6)", 1.5, 1.5),
      m(Act::kHardSigmoid, "clamp-mul-residual", "relu6(x + 3) * (1/6) + one exact residual step (a division without FMA)",
        1, 1),
      m(Act::kHardSwish, "clamp-f64", "x relu6(x + 3) / 6 in double", 0.51, 0.51),
      m(Act::kHardSwish, "clamp-mul", "x relu6(x + 3) * (1/6) in float", 2.5, 2.5),
      m(Act::kElu, "expm1-rr2-p7", "alpha expm1(x): rr2, degree-7 polynomial", 2, 2),
      m(Act::kElu, "expm1-rr2-p6", "alpha expm1(x): degree-6 polynomial", 5, 5),
      m(Act::kSigmoid, "rr2-p7-div", "e^-|x| (rr2, p7, scaled once) / compensated 1 + e (in double without FMA)", 2, 2),
      m(Act::kSigmoid, "rr1-p6-nr1", "e^-|x| (rr1, p6, scaled once), reciprocal + 1 Newton step", 5, 80, -kInf,
        "rr1 needs FMA: without it n ln2 rounds (64 ULP measured on SSE4)"),
      m(Act::kTanh, "expm1-rr2-p7-div", "E/(E+2), E = expm1(2|x|), compensated denominator (in double without FMA)", 2, 2),
      m(Act::kTanh, "expm1-rr2-p6-nr1", "E/(E+2) with degree-6 expm1 and reciprocal + 1 Newton step", 8, 9, -kInf,
        "measured exhaustively: 7.23 ULP on AVX3, 7.77 on SSE4 (near |x| = 0.1735)"),
      m(Act::kTanh, "rational-p6q3-nr1", "x P(x^2)/Q(x^2) (fit_rational: 0.46 ULP exact), reciprocal + 1 Newton step",
        6, 9, -kInf,
        "the float evaluation of P and Q, not the fit, sets the error: 4.7 ULP measured near |x| = 6 (7.07 without "
        "FMA, exhaustively on SSE4)"),
      m(Act::kSigmoid, "tanh-rational-p6q3-nr1", "1/2 + tanh(x/2)/2 with the rational tanh (the 'polynomial sigmoid')",
        8, 8, -1.0, "for x < 0, 1 - tanh(|x|/2) magnifies tanh's error by ~e^|x| and the result stops at 0 near x = -18"),
      m(Act::kGeluTanh, "sigmoid-form-f64arg", "x sigmoid(2u), 2u formed in double, accurate sigmoid", 4, 4),
      m(Act::kGeluTanh, "sigmoid-form-rr1-p6-nr1", "x sigmoid(2u) in float, fast sigmoid", 256, 256, -5.0,
        "2u carries |2u| eps absolute error into e^2u; outputs flush below x = -9"),
      Meta{Act::kGelu, "tanh-form-rr1-p6-nr1", "the tanh-form approximation (gelu_tanh), fast", 256, 256,
           -5.0, "scored against gelu_tanh; its distance from exact gelu is the second score",
           Act::kGeluTanh},
      m(Act::kGelu, "erfc-piecewise-p10",
        "x/2 erfc(-x/sqrt2): erfc = e^-t^2 erfcx(t), t^2 exact, erfcx in 4 degree-10 pieces", 4, 4),
      Meta{Act::kGelu, "sigmoid-form-rr1-p6-nr1", "the sigmoid-form approximation (gelu_sigmoid), fast",
           72, 136, -50.0,
           "scored against gelu_sigmoid (its distance from exact gelu is the second score); the rounded "
           "1.702f x is magnified by |1.702 x| in e^(1.702 x)",
           Act::kGeluSigmoid},
      m(Act::kGeluSigmoid, "rr2-p7-div", "x sigmoid(1.702f x), 1.702f x exact, accurate sigmoid (quotient in double without FMA)", 2, 2),
      m(Act::kGeluSigmoid, "rr1-p6-nr1", "x sigmoid(1.702f x) with the fast sigmoid", 72, 136, -50.0,
        "the rounded 1.702f x is magnified by |1.702 x| in e^(1.702 x) (measured exhaustively: 68.3 ULP on AVX3, "
        "130.4 on SSE4, 131.9 on SCALAR); outputs flush to 0 below x = -51"),
      m(Act::kSilu, "rr2-p7-div", "x e/(1+e) scaled last, compensated denominator (quotient in double without FMA)", 2, 2),
      m(Act::kSilu, "rr1-p6-nr1", "x sigmoid(x) with the fast sigmoid", 6, 80, -87.0,
        "outputs flush to 0 for x < -87.3; rr1 needs FMA"),
      m(Act::kMish, "exp-f64-rational", "e^x = (1+t) 2^n in float (rr2, p7), x N/(N+2) in double, rounded once", 1.5, 1.5),
      m(Act::kMish, "exp-rational-rr1-p6-nr1", "x N/(N+2) with fast exp and reciprocal", 6, 80, -80.0,
        "outputs flush to 0 for x < -87.3; rr1 needs FMA (without it 68.4 ULP measured exhaustively on SCALAR)"),
      m(Act::kSoftplus, "log1p-exp-rr2-p7",
        "max(z,0) + log1p(e^-|z|): rr2 exp scaled once, log1p with a small-u series (in double without FMA)", 2, 2),
      m(Act::kSoftplus, "log1p-p9-exp-rr1-p6",
        "max(z,0) + e q(2e-1), e = e^-|z| (rr1, p6, scaled once), log1p(e)/e a degree-9 polynomial on [0,1]", 5, 80,
        -kInf, "rr1 needs FMA: without it n ln2 rounds (65 ULP measured on SSE4)"),
  };
  return v;
}

}  // namespace

void RegisterSimdVariants(std::vector<Variant>& out) {
  // Collect each supported target's kernel table through Highway's dispatch.
  std::map<std::string, std::vector<std::pair<int64_t, KernelFn>>> by_id;
  for (int64_t t : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(t);
    std::vector<CompiledKernel> compiled;
    int64_t reached = 0;
    HWY_DYNAMIC_DISPATCH(AppendCompiled)(compiled, reached);
    for (const auto& c : compiled) by_id[c.id].push_back({reached, c.fn});
  }
  hwy::SetSupportedTargetsForTest(0);

  for (const Meta& m : Metas()) {
    Variant v{m.activation, m.computes, m.name, "simd", m.description,
              Promise{m.max_ulp, m.domain_lo, kInf, m.note, true}, {}};
    const Rcp rcp = RcpUse(v.id());
    for (const auto& [target, fn] : by_id[v.id()]) {
      TargetKernel k{hwy::TargetName(target), target, fn};
      if (!HasFma(target)) k.max_ulp = m.max_ulp_no_fma;
      if (RcpIsVendorDefined(target) && (rcp == Rcp::kEveryTarget || (rcp == Rcp::kFmaTargets && HasFma(target)))) {
        k.estimate = "rcpps";
      }
      v.kernels.push_back(std::move(k));
    }
    if (rcp != Rcp::kNone) {
      v.description += rcp == Rcp::kEveryTarget
                           ? "; on SSSE3, SSE4 and AVX2 its bits depend on rcpps, a vendor-defined estimate"
                           : "; on AVX2 its bits depend on rcpps, a vendor-defined estimate";
    }
    out.push_back(std::move(v));
  }
}

}  // namespace actbench
#endif  // HWY_ONCE
