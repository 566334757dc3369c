// Kernel tables of the per-ISA peer translation units (compiled with -m flags
// of their own) as seen from the registration code (compiled without them).
// Only constant data crosses: the registry never runs code of an ISA the CPU
// lacks (TargetSupported).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "impls/registration.h"
#include "impls/variant.h"

namespace actbench {
namespace peers {

// SLEEF compositions, in the order of each ISA's kKernels table.
enum SleefKernel : size_t {
  kSleefTanhU10,
  kSleefTanhU35,
  kSleefSigmoidExp,
  kSleefSiluExp,
  kSleefGeluSigmoidExp,
  kSleefEluExpm1,
  kSleefGeluErfc,
  kSleefGeluErf,
  kSleefGeluTanh,
  kSleefMishLog1pExp,
  kSleefSoftplusLog1pExp,
  kSleefKernelCount,
};
namespace sleef_avx3 { extern const KernelFn kKernels[kSleefKernelCount]; }
namespace sleef_avx2 { extern const KernelFn kKernels[kSleefKernelCount]; }
namespace sleef_sse4 { extern const KernelFn kKernels[kSleefKernelCount]; }

// Eigen array expressions, in the order of each ISA's kKernels table.
enum EigenKernel : size_t {
  kEigenTanh,
  kEigenLogistic,
  kEigenGeluErf,
  kEigenKernelCount,
};
namespace eigen_avx3 { extern const KernelFn kKernels[kEigenKernelCount]; }
namespace eigen_avx2 { extern const KernelFn kKernels[kEigenKernelCount]; }
namespace eigen_sse4 { extern const KernelFn kKernels[kEigenKernelCount]; }

// One library's kernel table for one ISA.
struct IsaTable {
  const char* target;  // as Highway names it: "AVX3", "AVX2", "SSE4"
  int64_t hwy_target;
  const KernelFn* kernels;
};

// Kernel `index` of every table, one TargetKernel per ISA.
std::vector<TargetKernel> PerIsaKernels(const std::vector<IsaTable>& tables, size_t index);

// A peer variant "activation/name" calling `library`, registered through the
// same Registration as every variant (family "peer"); chain its promise (or
// NoPromise) after it. Per-ISA kernels compiled apart, or one kernel with
// context on the target the library's own dispatch picks.
Registration* RegisterPeer(RegistrationList& list, Act activation, const char* name, const char* library,
                           std::string description, std::vector<TargetKernel> per_isa);
Registration* RegisterPeer(RegistrationList& list, Act activation, const char* name, const char* library,
                           std::string description, KernelCall kernel, std::string target);
// A backward kernel (activation "<name>_grad") with context.
Registration* RegisterPeer(RegistrationList& list, Act activation, const char* name, const char* library,
                           std::string description, GradKernelCall kernel, std::string target);

// Registration of each library's variants (sleef_variants.cc, ...).
void RegisterSleef(RegistrationList& list);
void RegisterEigen(RegistrationList& list);
void RegisterOnednn(RegistrationList& list);
void RegisterXnnpack(RegistrationList& list);
std::string OnednnVersion();

}  // namespace peers
}  // namespace actbench
