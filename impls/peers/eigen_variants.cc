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

struct Meta {
  EigenKernel kernel;
  Act activation;
  const char* name;
  const char* description;
  const char* note;  // what was measured (Eigen documents no bound)
};

std::vector<Meta> Metas() {
  return {
      {kEigenTanh, Act::kTanh, "eigen-tanh", "ArrayXf::tanh() (Eigen's fast rational approximation)",
       "measured (Eigen documents no bound): 4.72 ULP, 5.19 on SSE4"},
      {kEigenLogistic, Act::kSigmoid, "eigen-logistic", "ArrayXf::logistic()",
       "measured (Eigen documents no bound); 6760 ULP (9576 on SSE4) near x = -87 where outputs near the subnormals lose bits; below -87.3 they flush to 0 on AVX3 and are "
       "wrong on AVX2 and SSE4 (2.9e-39 at -inf)"},
      {kEigenGeluErf, Act::kGelu, "eigen-erf", "x/2 * (1 + ArrayXf::erf(x/sqrt2)) (SpecialFunctions)",
       "measured (Eigen documents no bound); 1 + erf cancels for x < -1 (2e8 ULP at x = -5.6)"},
  };
}

}  // namespace

void RegisterEigen(RegistrationList& list) {
  const std::vector<IsaTable> isas = {{"AVX3", HWY_AVX3, eigen_avx3::kKernels},
                                      {"AVX2", HWY_AVX2, eigen_avx2::kKernels},
                                      {"SSE4", HWY_SSE4, eigen_sse4::kKernels}};
  // Eigen documents no error bound: no promise; the note's numbers are measurements.
  for (const Meta& m : Metas())
    RegisterPeer(list, m.activation, m.name, "eigen", std::string("Eigen: ") + m.description,
                 PerIsaKernels(isas, m.kernel))
        ->NoPromise()
        ->Note(std::string("no promise (Eigen documents no bound); ") + m.note);
}

}  // namespace peers
}  // namespace actbench
