// The peer libraries (SLEEF, Eigen, oneDNN, XNNPACK): each is compiled in when
// CMake found its Debian package (ACTBENCH_HAVE_<LIB>), and registers nothing
// otherwise.
#include <mutex>
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

namespace {

std::vector<PeerLibrary>& Libraries() {
  static std::vector<PeerLibrary> libraries = [] {
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

}  // namespace

const std::vector<PeerLibrary>& PeerLibraries() { return Libraries(); }

void AddPeerLibrary(PeerLibrary library) { Libraries().push_back(std::move(library)); }

std::string PeerVersion(std::string_view library) {
  for (const PeerLibrary& l : PeerLibraries())
    if (l.name == library) return l.version;
  return "";
}

namespace peers {

std::vector<TargetKernel> PerIsaKernels(const std::vector<IsaTable>& tables, size_t index) {
  std::vector<TargetKernel> kernels;
  for (const IsaTable& isa : tables) kernels.push_back(TargetKernel{isa.target, isa.hwy_target, isa.kernels[index]});
  return kernels;
}

namespace {

Registration* Peer(RegistrationList& list, Act activation, const char* name, const char* library,
                   std::string description) {
  Registration::Spec s;
  s.id = std::string(GetActivation(activation).name) + "/" + name;
  s.family = "peer";
  s.library = library;
  s.description = std::move(description);
  return list.Add(std::move(s));
}

}  // namespace

Registration* RegisterPeer(RegistrationList& list, Act activation, const char* name, const char* library,
                           std::string description, std::vector<TargetKernel> per_isa) {
  Registration* r = Peer(list, activation, name, library, std::move(description));
  BuiltinSpec(r).compiled_targets = std::move(per_isa);
  return r;
}

Registration* RegisterPeer(RegistrationList& list, Act activation, const char* name, const char* library,
                           std::string description, KernelCall kernel, std::string target) {
  Registration* r = Peer(list, activation, name, library, std::move(description));
  BuiltinSpec(r).call = std::move(kernel);
  return r->Target(std::move(target));
}

Registration* RegisterPeer(RegistrationList& list, Act activation, const char* name, const char* library,
                           std::string description, GradKernelCall kernel, std::string target) {
  Registration* r = Peer(list, activation, name, library, std::move(description));
  BuiltinSpec(r).grad_call = std::move(kernel);
  return r->Target(std::move(target));
}

}  // namespace peers

// The peers register through the same Registration as our variants and
// users'; built when the registry is (their libraries' initialisation, such
// as xnn_initialize, runs then, not at start-up).
void RegisterPeerVariants(std::vector<Variant>& out) {
  static RegistrationList list;
  static std::once_flag once;
  std::call_once(once, [] {
#if ACTBENCH_HAVE_SLEEF
    peers::RegisterSleef(list);
#endif
#if ACTBENCH_HAVE_EIGEN
    peers::RegisterEigen(list);
#endif
#if ACTBENCH_HAVE_ONEDNN
    peers::RegisterOnednn(list);
#endif
#if ACTBENCH_HAVE_XNNPACK
    peers::RegisterXnnpack(list);
#endif
  });
  for (const auto& r : list.items()) out.push_back(MakeVariant(r->spec()));
}

}  // namespace actbench
