// SLEEF compositions as variants (family "peer", library "sleef"): one kernel
// per ISA SLEEF has for x86 and this build compiled (sleef_avx3.cc with
// Sleef_*f16_*avx512f, sleef_avx2.cc with *f8_*avx2, sleef_sse4.cc with
// *f4_*sse4), registered under Highway's target names so TargetSupported()
// gates them on the same CPU features as our own AVX3/AVX2/SSE4 code.
#include <limits>
#include <string>

#include <hwy/targets.h>

#include "impls/peers/peer_kernels.h"

namespace actbench {
namespace peers {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Meta {
  SleefKernel kernel;
  Act activation;
  Act computes;
  const char* name;
  const char* description;
  double max_ulp;      // AVX3 and AVX2 (SLEEF's avx2 and avx512f code use FMA)
  double max_ulp_sse4; // SSE4 (no FMA)
  double domain_lo;
  const char* note;
  bool keeps_contract;
  // The bound is SLEEF's documented one for the one function called (u10:
  // 1.0 ULP, u35: 3.5; elu's alpha product is exact at the default alpha 1).
  // false: a composition of several calls and roundings, which has no
  // promise (no bound derived in docs/peers.md); max_ulp is then a measurement.
  bool documented = false;
};

std::vector<Meta> Metas() {
  return {
      // SLEEF documents 1.0 ULP, and the sweep breaks it: a promise of ours
      // would be invented, SLEEF's is false, so none (see docs/peers.md).
      {kSleefTanhU10, Act::kTanh, Act::kTanh, "sleef-tanh-u10", "Sleef_tanhf_u10", 1.0, 1.0, -kInf,
       "no promise: SLEEF documents 1.0 ULP, broken by tiny inputs where tanh(x) rounds to x and "
       "Sleef_tanhf_u10 returns the next float (1.00000002 ULP at x = -7.387376e-08)",
       true, false},
      {kSleefTanhU35, Act::kTanh, Act::kTanh, "sleef-tanh-u35", "Sleef_tanhf_u35", 3.5, 3.5, -kInf, "SLEEF documents 3.5 ULP (2.86 over every input on AVX2, 2.77 on SSE4)", true, true},
      {kSleefSigmoidExp, Act::kSigmoid, Act::kSigmoid, "sleef-exp-u10-div",
       "e = Sleef_expf_u10(-|x|); 1/(1+e) or e/(1+e)", 2.5, 2.5, -kInf,
       "exp 1 ULP, then 1 + e and the division round (2.09 measured)", true},
      {kSleefSiluExp, Act::kSilu, Act::kSilu, "sleef-exp-u10-div", "x * sigmoid(x), sigmoid as sleef-exp-u10-div",
       64, 64, -kInf, "subnormal outputs (x < -87) lose their low bits (52 ULP measured at x = -104)", true},
      {kSleefGeluSigmoidExp, Act::kGeluSigmoid, Act::kGeluSigmoid, "sleef-exp-u10-div",
       "x * sigmoid(1.702f x), sigmoid as sleef-exp-u10-div", 80, 80, -kInf,
       "the rounded 1.702f x is magnified by |1.702 x| in e^(1.702 x) (71.6 ULP measured)", true},
      {kSleefEluExpm1, Act::kElu, Act::kElu, "sleef-expm1-u10", "alpha * Sleef_expm1f_u10(x) for x <= 0", 1.0,
       1.0, -kInf, "SLEEF documents 1.0 ULP for expm1 (0.99999805 over every input)", true, true},
      {kSleefGeluErfc, Act::kGelu, Act::kGelu, "sleef-erfc-u15", "x/2 * Sleef_erfcf_u15(-x/sqrt2)", 256, 256,
       -kInf, "erfc near the subnormals for x < -12: 194.5 ULP measured at x = -13 (4 above -10)", true},
      {kSleefGeluErf, Act::kGelu, Act::kGelu, "sleef-erf-u10", "x/2 * (1 + Sleef_erff_u10(x/sqrt2))", 4, 4,
       -1.0, "1 + erf cancels for x < -1 (1.7e7 ULP measured at x = -8.9)", true},
      {kSleefGeluTanh, Act::kGeluTanh, Act::kGeluTanh, "sleef-tanh-u10",
       "x/2 * (1 + Sleef_tanhf_u10(sqrt(2/pi) (x + 0.044715 x^3)))", 4, 4, -1.0,
       "1 + tanh cancels for x < -1 (1.7e7 ULP measured at x = -8.8)", true},
      {kSleefMishLog1pExp, Act::kMish, Act::kMish, "sleef-log1p-exp-tanh-u10",
       "x * Sleef_tanhf_u10(Sleef_log1pf_u10(Sleef_expf_u10(x)))", 192, 192, -kInf,
       "subnormal outputs (x < -87) lose their low bits (153 ULP measured at x = -103)", true},
      {kSleefSoftplusLog1pExp, Act::kSoftplus, Act::kSoftplus, "sleef-log1p-exp-u10",
       "max(z,0) + Sleef_log1pf_u10(Sleef_expf_u10(-|z|)), z = beta x", 2, 2, -kInf,
       "exp and log1p 1 ULP each, one addition (1.49 measured)", true},
  };
}

}  // namespace

void RegisterSleef(RegistrationList& list) {
  const std::vector<IsaTable> isas = {{"AVX3", HWY_AVX3, sleef_avx3::kKernels},
                                      {"AVX2", HWY_AVX2, sleef_avx2::kKernels},
                                      {"SSE4", HWY_SSE4, sleef_sse4::kKernels}};
  for (const Meta& m : Metas()) {
    Registration* r = RegisterPeer(list, m.activation, m.name, "sleef", std::string("SLEEF: ") + m.description,
                                   PerIsaKernels(isas, m.kernel))
                          ->Computes(GetActivation(m.computes).name);
    if (m.documented) {
      r->MaxUlp(m.max_ulp)->MaxUlpWithoutFma(m.max_ulp_sse4)->Domain(m.domain_lo, kInf)->Note(m.note);
      if (!m.keeps_contract) r->BreaksContract();
    } else if (std::string(m.note).rfind("no promise", 0) == 0) {
      r->NoPromise()->Note(m.note);
    } else {
      r->NoPromise()->Note(std::string("no promise (a composition of SLEEF calls; no bound derived); measured: ") +
                           m.note);
    }
  }
}

}  // namespace peers
}  // namespace actbench
