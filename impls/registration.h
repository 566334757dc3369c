// The registrations behind the public API (include/actbench/actbench.h):
// what a Registration holds, and how registrations become validated
// Variants. Built-in, users' and plugins' variants all pass through here.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <hwy/targets.h>

#include "actbench/actbench.h"
#include "impls/variant.h"

namespace actbench {

// A registration the registry refuses (unknown activation, duplicate id,
// promise not a number >= 0, empty domain...): one line naming it.
struct RegistryError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Registration::Spec {
  std::string id;  // activation/name
  std::string description;
  Promise promise;
  bool has_promise = true;
  double max_ulp_no_fma = -1;  // < 0: promise.max_ulp everywhere
  std::string computes;        // empty: the activation itself
  uint64_t requires_features = 0;
  std::string target = "baseline";
  PrepareCall prepare;
  KernelFn fn = nullptr;
  KernelCall call;
  GradKernelFn grad_fn = nullptr;  // backward kernels
  GradKernelCall grad_call;
  bool from_output = false;
  // Highway kernels: the TU's HWY_TARGETS and the chosen target's pointer.
  int64_t hwy_compiled = 0;
  KernelFn (*hwy_pointer)() = nullptr;
  GradKernelFn (*hwy_grad_pointer)() = nullptr;
  // Highway targets whose output bits depend on a vendor-defined estimate
  // (TargetKernel::estimate), and its name.
  int64_t estimate_targets = 0;
  std::string estimate;
  std::string family = "user";  // built-in registrations say scalar, simd or peer
  std::string plugin;           // the shared library it came from, if any
  std::string library;          // peers: the library they call ("sleef", "onednn"...)
  // Kernels compiled apart per ISA (a peer's translation units built with -m
  // flags of their own), one per target, named as Highway names targets; the
  // promise without FMA applies to targets without it.
  std::vector<TargetKernel> compiled_targets;
};

// What the built-in families set beyond the public chained calls.
Registration::Spec& BuiltinSpec(Registration* r);

// Registrations owned by one source (the program, or one plugin).
class RegistrationList {
 public:
  Registration* Add(Registration::Spec spec);
  const std::vector<std::unique_ptr<Registration>>& items() const { return items_; }

 private:
  std::vector<std::unique_ptr<Registration::Spec>> specs_;
  std::vector<std::unique_ptr<Registration>> items_;
};

// The registrations of this program (static initialisation and the built-in
// hooks add to it).
RegistrationList& ProgramRegistrations();

// Validates one registration and expands it into a Variant (one TargetKernel
// per target this CPU runs, for Highway kernels). Throws RegistryError.
Variant MakeVariant(const Registration::Spec& spec);

// Throws RegistryError when an id appears twice.
void CheckUniqueIds(const std::vector<Variant>& all);

// "sigmoid/mine (plugin ./libx.so)" or "sigmoid/mine": how errors name a registration.
std::string RegistrationName(const Registration::Spec& spec);

// The Highway kernel of every target this CPU runs that its translation unit
// compiled, best first, through Highway's own dispatch table.
// The chosen-target mock is process-wide: one lock for every kind of kernel.
inline std::mutex& HighwayTargetMockMutex() {
  static std::mutex mutex;
  return mutex;
}
template <typename Fn>
std::vector<std::pair<int64_t, Fn>> HighwayKernels(int64_t compiled, Fn (*pointer)()) {
  std::lock_guard<std::mutex> lock(HighwayTargetMockMutex());
  std::vector<std::pair<int64_t, Fn>> out;
  const int64_t targets = hwy::SupportedTargets() & compiled;
  for (int64_t rest = targets; rest != 0; rest &= rest - 1) {
    const int64_t t = rest & -rest;  // lowest bit first: best target first on x86
    hwy::SetSupportedTargetsForTest(t);
    // The mock leaves the choice uninitialised (the table's first entry, a
    // trampoline that would choose at call time): choose t now.
    hwy::GetChosenTarget().Update(hwy::SupportedTargets());
    const Fn fn = pointer();
    if (fn != nullptr) out.push_back({t, fn});
  }
  hwy::SetSupportedTargetsForTest(0);
  return out;
}

}  // namespace actbench
