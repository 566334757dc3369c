#include "impls/registration.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <cctype>
#include <set>

#include <cpuid.h>

#include <hwy/targets.h>

namespace actbench {

std::string Variant::id() const { return std::string(GetActivation(activation).name) + "/" + name; }

std::string VariantTarget::label() const { return variant->id() + "@" + kernel->target; }

bool TargetSupported(const TargetKernel& k) {
  return (k.hwy_target == 0 || (hwy::SupportedTargets() & k.hwy_target) != 0) && CpuHas(k.requires_features);
}

namespace {

// F16C from CPUID (clang's __builtin_cpu_supports does not know "f16c"); its
// instructions use the AVX state, so the OS must enable that too.
bool HasF16c() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) return false;
  return (ecx & bit_F16C) != 0 && __builtin_cpu_supports("avx") != 0;
}

}  // namespace

bool CpuHas(uint64_t features) {
  __builtin_cpu_init();
  const std::pair<uint64_t, bool> has[] = {
      {kCpuSse41, __builtin_cpu_supports("sse4.1") != 0},
      {kCpuSse42, __builtin_cpu_supports("sse4.2") != 0},
      {kCpuAvx, __builtin_cpu_supports("avx") != 0},
      {kCpuAvx2, __builtin_cpu_supports("avx2") != 0},
      {kCpuFma, __builtin_cpu_supports("fma") != 0},
      {kCpuF16c, HasF16c()},
      {kCpuBmi2, __builtin_cpu_supports("bmi2") != 0},
      {kCpuAvx512f, __builtin_cpu_supports("avx512f") != 0},
      {kCpuAvx512vl, __builtin_cpu_supports("avx512vl") != 0},
      {kCpuAvx512dq, __builtin_cpu_supports("avx512dq") != 0},
      {kCpuAvx512bw, __builtin_cpu_supports("avx512bw") != 0},
  };
  uint64_t known = 0;
  for (const auto& [bit, present] : has) {
    known |= bit;
    if ((features & bit) != 0 && !present) return false;
  }
  return (features & ~known) == 0;  // an unknown bit is a feature nobody has
}

Registration* Registration::Describe(std::string text) {
  spec_->description = std::move(text);
  return this;
}
Registration* Registration::MaxUlp(double max_ulp) {
  spec_->promise.max_ulp = max_ulp;
  spec_->has_promise = true;
  return this;
}
Registration* Registration::MaxUlpWithoutFma(double max_ulp) {
  spec_->max_ulp_no_fma = max_ulp;
  return this;
}
Registration* Registration::NoPromise() {
  spec_->has_promise = false;
  return this;
}
Registration* Registration::Domain(double lo, double hi) {
  spec_->promise.domain_lo = lo;
  spec_->promise.domain_hi = hi;
  return this;
}
Registration* Registration::Note(std::string text) {
  spec_->promise.note = std::move(text);
  return this;
}
Registration* Registration::BreaksContract() {
  spec_->promise.keeps_contract = false;
  return this;
}
Registration* Registration::Computes(std::string activation) {
  spec_->computes = std::move(activation);
  return this;
}
Registration* Registration::Requires(uint64_t features) {
  spec_->requires_features |= features;
  return this;
}
Registration* Registration::Target(std::string name) {
  spec_->target = std::move(name);
  return this;
}
Registration* Registration::Prepare(PrepareCall prepare) {
  spec_->prepare = std::move(prepare);
  return this;
}
Registration* Registration::FromOutput() {
  spec_->from_output = true;
  return this;
}

Registration::Spec& BuiltinSpec(Registration* r) { return *r->spec_; }

Registration* RegistrationList::Add(Registration::Spec spec) {
  specs_.push_back(std::make_unique<Registration::Spec>(std::move(spec)));
  items_.push_back(std::make_unique<Registration>(specs_.back().get()));
  return items_.back().get();
}

RegistrationList& ProgramRegistrations() {
  static RegistrationList list;
  return list;
}

Registration* RegisterPlainKernel(std::string id, KernelFn kernel) {
  Registration::Spec s;
  s.id = std::move(id);
  s.fn = kernel;
  return ProgramRegistrations().Add(std::move(s));
}

Registration* RegisterContextKernel(std::string id, KernelCall kernel) {
  Registration::Spec s;
  s.id = std::move(id);
  s.call = std::move(kernel);
  return ProgramRegistrations().Add(std::move(s));
}

Registration* RegisterPlainGradKernel(std::string id, GradKernelFn kernel) {
  Registration::Spec s;
  s.id = std::move(id);
  s.grad_fn = kernel;
  return ProgramRegistrations().Add(std::move(s));
}

Registration* RegisterContextGradKernel(std::string id, GradKernelCall kernel) {
  Registration::Spec s;
  s.id = std::move(id);
  s.grad_call = std::move(kernel);
  return ProgramRegistrations().Add(std::move(s));
}

Registration* RegisterHighwayKernel(std::string id, int64_t compiled, KernelFn (*pointer)()) {
  Registration::Spec s;
  s.id = std::move(id);
  s.hwy_compiled = compiled;
  s.hwy_pointer = pointer;
  return ProgramRegistrations().Add(std::move(s));
}

Registration* RegisterHighwayKernel(std::string id, int64_t compiled, GradKernelFn (*pointer)()) {
  Registration::Spec s;
  s.id = std::move(id);
  s.hwy_compiled = compiled;
  s.hwy_grad_pointer = pointer;
  return ProgramRegistrations().Add(std::move(s));
}

std::string RegistrationName(const Registration::Spec& spec) {
  std::string name = "registration '" + spec.id + "'";
  if (!spec.plugin.empty()) name += " (plugin " + spec.plugin + ")";
  return name;
}

namespace {

// Targets without FMA (SSE4, SSSE3, EMU128, SCALAR) round every MulAdd twice.
bool HighwayTargetHasFma(int64_t target) { return (target & (HWY_AVX2 | HWY_AVX3 | HWY_AVX3_DL)) != 0; }

[[noreturn]] void Refuse(const Registration::Spec& spec, const std::string& why) {
  throw RegistryError(RegistrationName(spec) + ": " + why);
}

bool ValidName(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

void CheckBound(const Registration::Spec& spec, const char* what, double ulp) {
  if (!(ulp >= 0))  // NaN fails too
    Refuse(spec, std::string(what) + " " + std::to_string(ulp) + " is not a number >= 0");
}

}  // namespace

Variant MakeVariant(const Registration::Spec& spec) {
  const size_t slash = spec.id.find('/');
  if (slash == std::string::npos)
    Refuse(spec, "the id must be activation/name (known activations: " + ActivationNames() + ")");
  const std::string act_name = spec.id.substr(0, slash), name = spec.id.substr(slash + 1);
  const Activation* act = FindActivation(act_name);
  if (act == nullptr) Refuse(spec, "unknown activation '" + act_name + "' (known: " + ActivationNames() + ")");
  if (!ValidName(name))
    Refuse(spec, "the variant name '" + name + "' must be letters, digits, '-', '_' or '.'");
  const Activation* computes = spec.computes.empty() ? act : FindActivation(spec.computes);
  if (computes == nullptr)
    Refuse(spec, "computes unknown activation '" + spec.computes + "' (known: " + ActivationNames() + ")");
  Promise promise = spec.promise;
  if (spec.has_promise) {
    CheckBound(spec, "promise", promise.max_ulp);
    if (spec.max_ulp_no_fma != -1) CheckBound(spec, "promise without FMA", spec.max_ulp_no_fma);
  } else {
    promise.promised = false;
  }
  if (!(promise.domain_lo <= promise.domain_hi))
    Refuse(spec, "empty domain [" + std::to_string(promise.domain_lo) + ", " + std::to_string(promise.domain_hi) + "]");
  const int kinds = (spec.fn != nullptr) + static_cast<bool>(spec.call) + (spec.hwy_pointer != nullptr) +
                    (spec.grad_fn != nullptr) + static_cast<bool>(spec.grad_call) +
                    (spec.hwy_grad_pointer != nullptr) + !spec.compiled_targets.empty();
  if (kinds != 1) Refuse(spec, "needs exactly one kernel");
  const bool backward_kernel = spec.grad_fn != nullptr || spec.grad_call || spec.hwy_grad_pointer != nullptr ||
                               (!spec.compiled_targets.empty() && spec.compiled_targets.front().backward());
  if (backward_kernel != act->backward)
    Refuse(spec, act->backward ? std::string(act->name) +
                                     " is a backward activation: its kernel takes (x or y, dy, dx, n, params)"
                               : std::string(act->name) +
                                     " is a forward activation: its kernel takes (in, out, n, params); "
                                     "backward kernels go under " + GradOf(act->id).name);
  if (backward_kernel != computes->backward)
    Refuse(spec, "computes '" + std::string(computes->name) + "', which is not a " +
                     (backward_kernel ? "backward" : "forward") + " activation");
  if (spec.from_output && !act->backward) Refuse(spec, "FromOutput() is for backward kernels only");
  if (!ValidName(spec.target)) Refuse(spec, "the target name '" + spec.target + "' is not valid");

  Variant v{act->id, computes->id, name, spec.family, spec.description, promise, {}};
  v.plugin = spec.plugin;
  v.from_output = spec.from_output;
  v.library = spec.library;
  if (!spec.compiled_targets.empty()) {
    for (TargetKernel k : spec.compiled_targets) {
      if (!ValidName(k.target) || !k.runnable()) Refuse(spec, "a compiled target needs a valid name and a kernel");
      if (k.backward() != act->backward) Refuse(spec, "its compiled targets mix forward and backward kernels");
      if (!HighwayTargetHasFma(k.hwy_target) && spec.max_ulp_no_fma >= 0) k.max_ulp = spec.max_ulp_no_fma;
      if (!k.prepare) k.prepare = spec.prepare;
      v.kernels.push_back(std::move(k));
    }
  } else if (spec.hwy_pointer != nullptr || spec.hwy_grad_pointer != nullptr) {
    std::vector<std::pair<int64_t, TargetKernel>> compiled;
    if (spec.hwy_pointer != nullptr) {
      for (const auto& [target, fn] : HighwayKernels(spec.hwy_compiled, spec.hwy_pointer))
        compiled.push_back({target, TargetKernel{hwy::TargetName(target), target, fn}});
    } else {
      for (const auto& [target, fn] : HighwayKernels(spec.hwy_compiled, spec.hwy_grad_pointer)) {
        TargetKernel k{hwy::TargetName(target), target};
        k.grad_fn = fn;
        compiled.push_back({target, std::move(k)});
      }
    }
    for (auto& [target, k] : compiled) {
      if (!HighwayTargetHasFma(target) && spec.max_ulp_no_fma >= 0) k.max_ulp = spec.max_ulp_no_fma;
      k.prepare = spec.prepare;
      if ((target & spec.estimate_targets) != 0) k.estimate = spec.estimate;
      v.kernels.push_back(std::move(k));
    }
  } else {
    TargetKernel k{spec.target, 0, spec.fn};
    k.call = spec.call;
    k.grad_fn = spec.grad_fn;
    k.grad_call = spec.grad_call;
    k.prepare = spec.prepare;
    k.requires_features = spec.requires_features;
    if ((spec.requires_features & kCpuFma) == 0 && spec.max_ulp_no_fma >= 0) k.max_ulp = spec.max_ulp_no_fma;
    v.kernels.push_back(std::move(k));
  }
  return v;
}

void CheckUniqueIds(const std::vector<Variant>& all) {
  std::set<std::string> ids;
  for (const Variant& v : all) {
    if (!ids.insert(v.id()).second) {
      std::string where = v.plugin.empty() ? "" : " (plugin " + v.plugin + ")";
      throw RegistryError("registration '" + v.id() + "'" + where + ": the id is already registered");
    }
  }
}

const std::vector<Variant>& RegisteredVariants() {
  static const std::vector<Variant> registered = [] {
    static std::once_flag builtins;
    std::call_once(builtins, [] {
      RegisterScalarVariants();
      RegisterSimdVariants();
    });
    std::vector<Variant> all;
    for (const auto& r : ProgramRegistrations().items()) all.push_back(MakeVariant(r->spec()));
    CheckUniqueIds(all);
    return all;
  }();
  return registered;
}

}  // namespace actbench
