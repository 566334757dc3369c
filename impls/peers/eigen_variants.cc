// Eigen array expressions as variants (family "peer", library "eigen"). Eigen
// is header-only: eigen_avx3.cc, eigen_avx2.cc and eigen_sse4.cc compile the
// same expressions with AVX-512, AVX2+FMA and SSE4 packet math, registered
// under Highway's target names so TargetSupported() gates them.
#include <limits>

#include <hwy/targets.h>

#include "impls/peers/peer_kernels.h"

namespace actbench {
namespace peers {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Meta {
  EigenKernel kernel;
  Act activation;
  const char* name;
  const char* description;
  double max_ulp;       // AVX3, AVX2
  double max_ulp_sse4;  // SSE4 (no FMA)
  double domain_lo;
  const char* note;
  bool keeps_contract;
};

std::vector<Meta> Metas() {
  return {
      {kEigenTanh, Act::kTanh, "eigen-tanh", "ArrayXf::tanh() (Eigen's fast rational approximation)", 5, 6,
       -kInf, "measured (Eigen documents no bound): 4.72 ULP, 5.19 on SSE4", true},
      {kEigenLogistic, Act::kSigmoid, "eigen-logistic", "ArrayXf::logistic()", 8192, 10000, -87.0,
       "measured (Eigen documents no bound); 6760 ULP (9576 on SSE4) near x = -87 where outputs near the subnormals lose bits; below -87.3 they flush to 0 on AVX3 and are "
       "wrong on AVX2 and SSE4 (2.9e-39 at -inf)", true},
      {kEigenGeluErf, Act::kGelu, "eigen-erf", "x/2 * (1 + ArrayXf::erf(x/sqrt2)) (SpecialFunctions)", 8, 8,
       -1.0, "measured (Eigen documents no bound); 1 + erf cancels for x < -1 (2e8 ULP at x = -5.6)", true},
  };
}

}  // namespace

void RegisterEigen(std::vector<Variant>& out) {
  const std::vector<IsaTable> isas = {{"AVX3", HWY_AVX3, eigen_avx3::kKernels, true},
                                      {"AVX2", HWY_AVX2, eigen_avx2::kKernels, true},
                                      {"SSE4", HWY_SSE4, eigen_sse4::kKernels, false}};
  for (const Meta& m : Metas()) {
    // Eigen documents no error bound: no promise; the note's numbers are
    // measurements (max_ulp, max_ulp_sse4 and domain_lo the measured ones).
    Promise none;
    none.promised = false;
    none.note = std::string("no promise (Eigen documents no bound); ") + m.note;
    out.push_back(Variant{m.activation, m.activation, m.name, "peer", std::string("Eigen: ") + m.description,
                          std::move(none), PerIsaKernels(isas, m.kernel, m.max_ulp_sse4), "eigen"});
  }
}

}  // namespace peers
}  // namespace actbench
