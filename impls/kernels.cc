// actbench::kernels (include/actbench/kernels.h): the built-in variants of
// the registrations, without the harness.
#include "actbench/kernels.h"

#include "impls/activation.h"
#include "impls/registration.h"
#include "impls/variant.h"

namespace actbench::kernels {
namespace {

bool BuiltIn(const Variant& v) { return v.family == "scalar" || v.family == "simd"; }

const Variant* FindBuiltIn(std::string_view id) {
  for (const Variant& v : RegisteredVariants())
    if (BuiltIn(v) && v.id() == id) return &v;
  return nullptr;
}

// The kernel of a built-in variant on a target this CPU runs: `target`, or
// the best one when it is empty; `which` picks the forward or backward kernel.
template <typename Fn>
Fn FindKernel(std::string_view id, std::string_view target, Fn TargetKernel::*which) {
  const Variant* v = FindBuiltIn(id);
  if (v == nullptr) return nullptr;
  for (const TargetKernel& k : v->kernels)  // best first
    if ((target.empty() || k.target == target) && TargetSupported(k)) return k.*which;
  return nullptr;
}

}  // namespace

KernelFn Find(std::string_view id) { return FindKernel(id, {}, &TargetKernel::fn); }

KernelFn Find(std::string_view id, std::string_view target) {
  return target.empty() ? nullptr : FindKernel(id, target, &TargetKernel::fn);
}

KernelFn FindPreferring(std::string_view id, std::string_view target) {
  const KernelFn pinned = Find(id, target);
  return pinned != nullptr ? pinned : Find(id);
}

GradKernelFn FindGrad(std::string_view id) { return FindKernel(id, {}, &TargetKernel::grad_fn); }

GradKernelFn FindGrad(std::string_view id, std::string_view target) {
  return target.empty() ? nullptr : FindKernel(id, target, &TargetKernel::grad_fn);
}

GradKernelFn FindGradPreferring(std::string_view id, std::string_view target) {
  const GradKernelFn pinned = FindGrad(id, target);
  return pinned != nullptr ? pinned : FindGrad(id);
}

bool FromOutput(std::string_view id) {
  const Variant* v = FindBuiltIn(id);
  return v != nullptr && v->from_output;
}

std::vector<std::string> Ids() {
  std::vector<std::string> ids;
  for (const Variant& v : RegisteredVariants())
    if (BuiltIn(v)) ids.push_back(v.id());
  return ids;
}

std::vector<std::string> Targets(std::string_view id) {
  std::vector<std::string> out;
  if (const Variant* v = FindBuiltIn(id))
    for (const TargetKernel& k : v->kernels)
      if (TargetSupported(k)) out.push_back(k.target);
  return out;
}

Params DefaultParams(std::string_view activation) {
  const Activation* a = FindActivation(activation);
  return a == nullptr ? Params{} : actbench::DefaultParams(*a);
}

}  // namespace actbench::kernels
