// The peer libraries (SLEEF, Eigen, oneDNN, XNNPACK): each is compiled in when
// CMake found its Debian package (ACTBENCH_HAVE_<LIB>), and registers nothing
// otherwise.
#include <string>
#include <vector>

#include "impls/peers/peer_kernels.h"
#include "impls/variant.h"

#if ACTBENCH_HAVE_SLEEF
#include <sleef.h>
#endif
#if ACTBENCH_HAVE_EIGEN
#include <Eigen/Core>
#endif

namespace actbench {

const std::vector<PeerLibrary>& PeerLibraries() {
  static const std::vector<PeerLibrary> libraries = [] {
    std::vector<PeerLibrary> v;
#if ACTBENCH_HAVE_SLEEF
    v.push_back({"sleef", std::to_string(SLEEF_VERSION_MAJOR) + "." + std::to_string(SLEEF_VERSION_MINOR) + "." +
                              std::to_string(SLEEF_VERSION_PATCHLEVEL)});
#endif
#if ACTBENCH_HAVE_EIGEN
    v.push_back({"eigen", std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
                              std::to_string(EIGEN_MINOR_VERSION)});
#endif
#if ACTBENCH_HAVE_ONEDNN
    v.push_back({"onednn", peers::OnednnVersion()});
#endif
#if ACTBENCH_HAVE_XNNPACK
    // XNNPACK has no version API: the Debian package version CMake read.
    v.push_back({"xnnpack", ACTBENCH_XNNPACK_VERSION});
#endif
    return v;
  }();
  return libraries;
}

std::string PeerVersion(std::string_view library) {
  for (const PeerLibrary& l : PeerLibraries())
    if (l.name == library) return l.version;
  return "";
}

namespace peers {

std::vector<TargetKernel> PerIsaKernels(const std::vector<IsaTable>& tables, size_t index, double max_ulp_no_fma) {
  std::vector<TargetKernel> kernels;
  for (const IsaTable& isa : tables) {
    TargetKernel k{isa.target, isa.hwy_target, isa.kernels[index]};
    if (!isa.fma) k.max_ulp = max_ulp_no_fma;
    kernels.push_back(k);
  }
  return kernels;
}

}  // namespace peers

void RegisterPeerVariants(std::vector<Variant>& out) {
  (void)out;
#if ACTBENCH_HAVE_SLEEF
  peers::RegisterSleef(out);
#endif
#if ACTBENCH_HAVE_EIGEN
  peers::RegisterEigen(out);
#endif
#if ACTBENCH_HAVE_ONEDNN
  peers::RegisterOnednn(out);
#endif
#if ACTBENCH_HAVE_XNNPACK
  peers::RegisterXnnpack(out);
#endif
}

}  // namespace actbench
