#include "impls/plugin_loader.h"

#include <dlfcn.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "actbench/plugin.h"
#include "impls/registration.h"

namespace actbench {
namespace {

// Version 2's first_input took version 1's tail padding: the array stride of
// both versions is the same.
struct VariantV1Layout {
  const char *a, *b, *c, *d, *e;
  uint32_t arity;
  actbench_kernel_fn kernel;
  void* context;
  actbench_prepare_fn prepare;
  actbench_destroy_fn destroy;
  uint64_t cpu_features;
  int promise_kind;
  double max_ulp, lo, hi;
  const char* note;
  int keeps_contract;
};
static_assert(sizeof(void*) != 8 || sizeof(VariantV1Layout) == sizeof(actbench_plugin_variant),
              "on LP64, ABI 2 must keep ABI 1's variant size (first_input is in its tail padding)");

[[noreturn]] void Refuse(const std::string& path, const std::string& why) {
  throw RegistryError("plugin " + path + ": " + why);
}

actbench_params ToC(const Params& p) { return actbench_params{p.alpha, p.beta, p.threshold, p.slopes, p.channels}; }

// Contexts released at exit, in reverse order of loading.
class Destroyers {
 public:
  void Add(actbench_destroy_fn fn, void* context) {
    std::lock_guard<std::mutex> lock(mutex_);
    calls_.push_back({fn, context});
  }
  ~Destroyers() {
    for (auto it = calls_.rbegin(); it != calls_.rend(); ++it) it->first(it->second);
  }

 private:
  std::mutex mutex_;
  std::vector<std::pair<actbench_destroy_fn, void*>> calls_;
};

Destroyers& AtExit() {
  static Destroyers d;
  return d;
}

std::string Text(const char* s) { return s == nullptr ? "" : s; }

Registration::Spec SpecOf(const std::string& path, const actbench_plugin_variant& pv, uint32_t abi,
                          const std::string& peer_library) {
  Registration::Spec s;
  s.id = Text(pv.activation) + "/" + Text(pv.name);
  s.plugin = path;
  s.family = peer_library.empty() ? "user" : "peer";
  s.library = peer_library;
  const Activation* act = FindActivation(Text(pv.activation));
  const uint32_t arity = act != nullptr ? static_cast<uint32_t>(act->arity()) : 1;
  if (act != nullptr && pv.arity != arity)
    throw RegistryError(RegistrationName(s) + ": arity " + std::to_string(pv.arity) + ", but " + act->name +
                        " takes " + std::to_string(arity) + (arity == 1 ? " input" : " inputs (x or y, dy)"));
  if (pv.kernel == nullptr) throw RegistryError(RegistrationName(s) + ": no kernel");
  const int first_input = abi >= 2 ? pv.first_input : ACTBENCH_INPUT_X;  // version 1: padding
  if (first_input != ACTBENCH_INPUT_X && first_input != ACTBENCH_INPUT_Y)
    throw RegistryError(RegistrationName(s) + ": first_input " + std::to_string(first_input) +
                        " is neither ACTBENCH_INPUT_X nor ACTBENCH_INPUT_Y");
  s.from_output = first_input == ACTBENCH_INPUT_Y;
  s.description = Text(pv.description);
  s.computes = Text(pv.computes);
  if (pv.target != nullptr) s.target = pv.target;
  s.requires_features = pv.cpu_features;
  if (pv.promise_kind == ACTBENCH_PROMISE_BOUND) {
    s.promise.max_ulp = pv.max_ulp;
  } else if (pv.promise_kind == ACTBENCH_PROMISE_NONE) {
    s.has_promise = false;
  } else {
    throw RegistryError(RegistrationName(s) + ": promise_kind " + std::to_string(pv.promise_kind) +
                        " is neither ACTBENCH_PROMISE_NONE nor ACTBENCH_PROMISE_BOUND");
  }
  s.promise.domain_lo = pv.domain_lo;
  s.promise.domain_hi = pv.domain_hi;
  s.promise.note = Text(pv.note);
  s.promise.keeps_contract = pv.keeps_contract != 0;
  const actbench_kernel_fn kernel = pv.kernel;
  void* const context = pv.context;
  if (arity == 2) {
    s.grad_call = [kernel, context](const float* in, const float* dy, float* out, size_t n, const Params& p) {
      const actbench_params c = ToC(p);
      const float* inputs[2] = {in, dy};
      kernel(context, inputs, out, n, &c);
    };
  } else {
    s.call = [kernel, context](const float* in, float* out, size_t n, const Params& p) {
      const actbench_params c = ToC(p);
      const float* inputs[1] = {in};
      kernel(context, inputs, out, n, &c);
    };
  }
  if (pv.prepare != nullptr) {
    const actbench_prepare_fn prepare = pv.prepare;
    const std::string id = s.id;
    s.prepare = [prepare, context, id, path](size_t n, const Params& p) {
      const actbench_params c = ToC(p);
      if (prepare(context, n, &c) != 0)
        throw std::runtime_error("plugin " + path + ": prepare of " + id + " failed for n = " + std::to_string(n));
    };
  }
  return s;
}

// The rows of one variant (same id, one per target) joined into one Variant:
// they must agree in everything but their kernels and their bound.
void Join(const std::string& path, Variant& into, Variant&& row) {
  const Promise &a = into.promise, &b = row.promise;
  const char* differs = into.computes != row.computes               ? "what it computes"
                        : into.description != row.description       ? "description"
                        : into.from_output != row.from_output       ? "first_input"
                        : a.promised != b.promised                  ? "promise_kind"
                        : a.domain_lo != b.domain_lo || a.domain_hi != b.domain_hi ? "domain"
                        : a.note != b.note                          ? "note"
                        : a.keeps_contract != b.keeps_contract      ? "keeps_contract"
                                                                    : nullptr;
  if (differs != nullptr)
    Refuse(path, into.id() + " is described once per target, and its targets differ in " + differs);
  for (TargetKernel& k : row.kernels) {
    for (const TargetKernel& have : into.kernels)
      if (have.target == k.target) Refuse(path, into.id() + "@" + k.target + " is described twice");
    if (b.promised && b.max_ulp != a.max_ulp) k.max_ulp = b.max_ulp;  // this target's own bound
    into.kernels.push_back(std::move(k));
  }
}

struct Loaded {
  const actbench_plugin* plugin;
  std::vector<Variant> variants;
};

Loaded Load(const std::string& path, const std::string& peer_library) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) Refuse(path, std::strerror(errno));
  if (!S_ISREG(st.st_mode)) Refuse(path, "not a regular file");
  // A bare file name would be searched for in the library path: load the file named.
  const std::string file = path.find('/') == std::string::npos ? "./" + path : path;
  void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) Refuse(path, std::string("cannot load: ") + ::dlerror());
  ::dlerror();
  void* entry = ::dlsym(handle, ACTBENCH_PLUGIN_ENTRY);
  if (entry == nullptr) Refuse(path, "no entry point '" ACTBENCH_PLUGIN_ENTRY "' (include/actbench/plugin.h)");
  const actbench_plugin* plugin = reinterpret_cast<actbench_plugin_entry_fn>(entry)();
  if (plugin == nullptr) Refuse(path, ACTBENCH_PLUGIN_ENTRY "() returned NULL");
  if (plugin->abi_version < 1 || plugin->abi_version > ACTBENCH_PLUGIN_ABI_VERSION)
    Refuse(path, "ABI version " + std::to_string(plugin->abi_version) + ", this actbench reads versions 1 to " +
                     std::to_string(ACTBENCH_PLUGIN_ABI_VERSION));
  if (plugin->variant_count > 0 && plugin->variants == nullptr) Refuse(path, "variant_count > 0 but no variants");
  if (plugin->variant_count == 0) Refuse(path, "describes no variant");
  if (!peer_library.empty()) {
    if (Text(plugin->name) != peer_library)
      Refuse(path, "a peer plugin names itself as its file does ('" + peer_library + "'), not '" +
                       Text(plugin->name) + "'");
    if (plugin->abi_version < 3 || Text(plugin->version).empty())
      Refuse(path, "a peer plugin gives its library's version (ABI 3)");
  }
  Loaded loaded{plugin, {}};
  std::map<std::string, size_t> index;  // id -> position in loaded.variants
  for (size_t i = 0; i < plugin->variant_count; ++i) {
    const actbench_plugin_variant& pv = plugin->variants[i];
    Variant v = MakeVariant(SpecOf(path, pv, plugin->abi_version, peer_library));
    if (!peer_library.empty()) {
      if (v.name.rfind(peer_library + "-", 0) != 0)
        Refuse(path, v.id() + ": a peer plugin's variant names start with '" + peer_library + "-'");
      v.plugin.clear();  // a peer row is known by its library and version, as the compiled-in ones
    }
    auto [it, added] = index.emplace(v.id(), loaded.variants.size());
    if (added)
      loaded.variants.push_back(std::move(v));
    else
      Join(path, loaded.variants[it->second], std::move(v));
  }
  for (size_t i = 0; i < plugin->variant_count; ++i)
    if (plugin->variants[i].destroy != nullptr) AtExit().Add(plugin->variants[i].destroy, plugin->variants[i].context);
  return loaded;
}

}  // namespace

std::vector<Variant> LoadPlugin(const std::string& path) { return Load(path, "").variants; }

namespace {

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

std::vector<PeerPlugin> FindPeerPlugins() {
  std::string dir;
  if (const char* env = std::getenv("ACTBENCH_PEER_PLUGIN_DIR")) {
    dir = env;
    if (!dir.empty() && !IsDirectory(dir))
      throw RegistryError("ACTBENCH_PEER_PLUGIN_DIR=" + dir + " is not a directory (empty for no peer plugins)");
  } else {
    // The build tree's; the installed one beside the program (an install moved
    // with --prefix), else where it was configured to go.
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    const std::string beside = ec ? "" : (exe.parent_path() / ACTBENCH_PEER_PLUGIN_FROM_BINDIR).string();
    for (const std::string& candidate : {std::string(ACTBENCH_PEER_PLUGIN_BUILD_DIR), beside,
                                         std::string(ACTBENCH_PEER_PLUGIN_INSTALL_DIR)}) {
      if (!candidate.empty() && IsDirectory(candidate)) {
        dir = candidate;
        break;
      }
    }
  }
  std::vector<PeerPlugin> found;
  if (dir.empty()) return found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const std::string prefix = "actbench-peer-", suffix = ".so";
    if (name.size() <= prefix.size() + suffix.size() || name.rfind(prefix, 0) != 0 ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    found.push_back({name.substr(prefix.size(), name.size() - prefix.size() - suffix.size()), entry.path().string()});
  }
  std::sort(found.begin(), found.end(), [](const PeerPlugin& a, const PeerPlugin& b) { return a.path < b.path; });
  return found;
}

void LoadPeerPlugin(const PeerPlugin& peer) {
  Loaded loaded = Load(peer.path, peer.library);
  for (const PeerLibrary& l : PeerLibraries())
    if (l.name == peer.library) Refuse(peer.path, "the peer library '" + peer.library + "' is already loaded");
  AddLoadedVariants(std::move(loaded.variants));
  AddPeerLibrary({peer.library, loaded.plugin->version});
}

void LoadPlugins(const std::vector<std::string>& paths) {
  std::vector<Variant> all;
  for (const std::string& path : paths)
    for (Variant& v : LoadPlugin(path)) all.push_back(std::move(v));
  AddLoadedVariants(std::move(all));
}

}  // namespace actbench
