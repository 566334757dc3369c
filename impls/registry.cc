#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>

#include <hwy/targets.h>

#include "impls/variant.h"

namespace actbench {

std::string Variant::id() const { return std::string(GetActivation(activation).name) + "/" + name; }

std::string VariantTarget::label() const { return variant->id() + "@" + kernel->target; }

namespace {

std::vector<Variant> BuildRegistry() {
  std::vector<Variant> all;
  RegisterScalarVariants(all);
  RegisterSimdVariants(all);
  RegisterPeerVariants(all);
  // Table order first, registration order within an activation.
  auto rank = [](Act a) {
    const auto& t = Activations();
    for (size_t i = 0; i < t.size(); ++i)
      if (t[i].id == a) return i;
    return t.size();
  };
  std::stable_sort(all.begin(), all.end(), [&](const Variant& a, const Variant& b) {
    return rank(a.activation) < rank(b.activation);
  });
  // An id names one variant: a duplicate would make one of them unreachable.
  std::set<std::string> ids;
  for (const Variant& v : all) {
    if (!ids.insert(v.id()).second) {
      std::fprintf(stderr, "actbench: internal error: variant id %s registered twice\n", v.id().c_str());
      std::abort();
    }
  }
  return all;
}

}  // namespace

const std::vector<Variant>& Variants() {
  static const std::vector<Variant> registry = BuildRegistry();
  return registry;
}

const Variant* FindVariant(std::string_view id) {
  for (const Variant& v : Variants()) {
    if (v.id() == id) return &v;
  }
  return nullptr;
}

bool TargetSupported(const TargetKernel& k) {
  return k.hwy_target == 0 || (hwy::SupportedTargets() & k.hwy_target) != 0;
}

std::vector<VariantTarget> RunnableTargets(const std::vector<const Variant*>& variants) {
  std::vector<VariantTarget> out;
  for (const Variant* v : variants) {
    for (const TargetKernel& k : v->kernels) {
      if (TargetSupported(k)) out.push_back({v, &k});
    }
  }
  return out;
}

std::vector<std::string> SupportedTargetNames() {
  std::vector<std::string> names;
  for (int64_t t : hwy::SupportedAndGeneratedTargets()) names.push_back(hwy::TargetName(t));
  names.push_back("baseline");
  return names;
}

}  // namespace actbench
