#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <stdexcept>

#include <hwy/targets.h>

#include "impls/registration.h"
#include "impls/variant.h"

namespace actbench {


namespace {

bool g_registry_built = false;

std::vector<Variant>& LoadedVariants() {
  static std::vector<Variant> loaded;
  return loaded;
}

std::vector<Variant> BuildRegistry() {
  std::vector<Variant> all = RegisteredVariants();
  RegisterPeerVariants(all);
  for (const Variant& v : LoadedVariants()) all.push_back(v);
  // Table order first, then family (ours, peers, users'), registration order
  // within those.
  auto rank = [](Act a) {
    const auto& t = Activations();
    for (size_t i = 0; i < t.size(); ++i)
      if (t[i].id == a) return i;
    return t.size();
  };
  auto family_rank = [](const std::string& f) {
    static const char* const kOrder[] = {"scalar", "simd", "peer", "user"};
    for (size_t i = 0; i < 4; ++i)
      if (f == kOrder[i]) return i;
    return size_t{4};
  };
  std::stable_sort(all.begin(), all.end(), [&](const Variant& a, const Variant& b) {
    const size_t ra = rank(a.activation), rb = rank(b.activation);
    if (ra != rb) return ra < rb;
    return family_rank(a.family) < family_rank(b.family);
  });
  // An id names one variant: a duplicate would make one of them unreachable.
  CheckUniqueIds(all);
  g_registry_built = true;
  return all;
}

}  // namespace

const std::vector<Variant>& Variants() {
  static const std::vector<Variant> registry = BuildRegistry();
  return registry;
}

void AddLoadedVariants(std::vector<Variant> variants) {
  if (g_registry_built) throw std::logic_error("plugins must be loaded before the registry is read");
  for (Variant& v : variants) LoadedVariants().push_back(std::move(v));
}

const Variant* FindVariant(std::string_view id) {
  for (const Variant& v : Variants()) {
    if (v.id() == id) return &v;
  }
  return nullptr;
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
