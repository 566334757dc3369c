// Variants: one implementation of one activation, and the registry of them all.
//
// The kernel ABI is one signature for every variant:
//   void(const float* in, float* out, size_t n, const Params& p)
// Any n (0 included), unaligned pointers, in-place use (out == in) allowed; a
// kernel never reads or writes past n.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "impls/activation.h"
#include "impls/params.h"

namespace actbench {

// KernelFn, KernelCall, PrepareCall and Promise are the public API's
// (include/actbench/actbench.h): built-in, users' and plugins' variants are
// described alike.

// One compiled form of a variant. Scalar C++ variants have one, named
// "baseline" (the build's baseline ISA); Highway variants have one per
// compiled target, named as Highway names them (AVX3, AVX2, SSE4, EMU128...).
struct TargetKernel {
  std::string target;
  int64_t hwy_target = 0;  // Highway target bit; 0 for non-Highway code
  KernelFn fn = nullptr;  // a plain kernel; when null, `call` (a kernel with context)
  // Targets round differently (SSE4 and EMU128 have no FMA, so MulAdd rounds
  // twice): a target may promise a looser bound than the variant's. < 0: the
  // variant's promise.max_ulp holds.
  double max_ulp = -1;
  // Set-up to run before timing (see PrepareCall); empty when there is none.
  PrepareCall prepare{};
  // This target breaks the special-value contract although the variant's
  // other targets keep it (a peer whose packet math differs per ISA).
  bool breaks_contract = false;
  KernelCall call{};
  // CPU features (CpuFeature bits) a plain kernel needs besides hwy_target's.
  uint64_t requires_features = 0;
  // Backward kernels (a "_grad" activation): these instead of fn and call.
  GradKernelFn grad_fn = nullptr;
  GradKernelCall grad_call{};

  void Run(const float* in, float* out, size_t n, const Params& p) const {
    if (fn != nullptr)
      fn(in, out, n, p);
    else
      call(in, out, n, p);
  }
  // A backward kernel: in is x (or y for a from-output variant).
  void Run(const float* in, const float* dy, float* out, size_t n, const Params& p) const {
    if (grad_fn != nullptr)
      grad_fn(in, dy, out, n, p);
    else
      grad_call(in, dy, out, n, p);
  }
  bool backward() const { return grad_fn != nullptr || static_cast<bool>(grad_call); }
  bool runnable() const { return fn != nullptr || static_cast<bool>(call) || backward(); }
  // Non-empty when this target's output bits depend on an implementation-
  // defined hardware estimate, named here ("rcpps": the reciprocal estimate of
  // SSE and AVX2, whose bits differ between AMD and Intel CPUs; AVX-512's
  // vrcp14ps is specified exactly and EMU128/SCALAR compute 1/x). Such a row
  // gives other results on another vendor's CPU, within its promise: a
  // baseline from one CPU cannot gate its bits on another.
  std::string estimate{};
};

struct Variant {
  Act activation;      // the activation it is listed under
  Act computes;        // the function its promise is measured against
  std::string name;    // the algorithm, e.g. "exp-div"; id() is "sigmoid/exp-div"
  std::string family;  // "scalar", "simd", "peer" or "user" (registered by a program or a plugin)
  std::string description;
  Promise promise;
  std::vector<TargetKernel> kernels;
  // Peers only: the library it calls ("sleef", "eigen", "onednn", "xnnpack");
  // its version is PeerVersion(library). Empty for our own variants.
  std::string library{};
  // User variants: the plugin they came from (the path given to --load);
  // empty for variants compiled into the program.
  std::string plugin{};
  // Backward variants: the kernel's first input is the forward output
  // y = f(x) (the harness passes the correctly rounded f(x)), not x.
  bool from_output = false;

  std::string id() const;
};

// A variant compiled for one target: the unit every row of a report is about,
// addressed as activation/variant@target.
struct VariantTarget {
  const Variant* variant;
  const TargetKernel* kernel;
  std::string label() const;  // "sigmoid/exp-div@baseline"
  // The ULP bound promised on this target (see TargetKernel::max_ulp).
  // +inf when nothing is promised (see Promise::promised).
  double promised_ulp() const {
    if (!variant->promise.promised) return std::numeric_limits<double>::infinity();
    return kernel->max_ulp >= 0 ? kernel->max_ulp : variant->promise.max_ulp;
  }
  bool promised() const { return variant->promise.promised; }
  // Whether this target keeps the special-value contract (see Promise);
  // meaningful only when promised().
  bool keeps_contract() const { return variant->promise.keeps_contract && !kernel->breaks_contract; }
};

// Every registered variant, in a stable order (table order, then registration).
const std::vector<Variant>& Variants();

// Variants of plugins (impls/plugin_loader.h), added before Variants() is
// first read; throws std::logic_error after.
void AddLoadedVariants(std::vector<Variant> variants);

// nullptr when unknown. Accepts "activation/name".
const Variant* FindVariant(std::string_view id);

// Whether this CPU can run a compiled target (always true for "baseline").
bool TargetSupported(const TargetKernel& k);

// The (variant, target) pairs this CPU can run, for the given variants.
std::vector<VariantTarget> RunnableTargets(const std::vector<const Variant*>& variants);

// All target names compiled into this binary that this CPU supports, best first.
std::vector<std::string> SupportedTargetNames();

// Every variant registered through the public API (include/actbench/
// actbench.h): the built-in scalar and simd ones, then the program's own
// (family "user"), validated and expanded per target. Throws RegistryError
// naming the first bad registration.
const std::vector<Variant>& RegisteredVariants();

// Built-in registration, one hook per family source file; RegisteredVariants()
// calls them once, before it reads the registrations.
void RegisterScalarVariants();
void RegisterSimdVariants();
// Peer libraries found at configure time (impls/peers/); each adds nothing
// when its library was not found.
void RegisterPeerVariants(std::vector<Variant>& out);

// The version of every peer library compiled in, by library name
// ("sleef" -> "3.5.1"); empty when none was found.
struct PeerLibrary {
  std::string name;     // "sleef", "eigen", "onednn", "xnnpack"
  std::string version;  // as the library reports it, else its Debian package version
};
const std::vector<PeerLibrary>& PeerLibraries();
// A peer loaded as a plugin (impls/plugin_loader.h) joins PeerLibraries().
void AddPeerLibrary(PeerLibrary library);
std::string PeerVersion(std::string_view library);  // "" when not compiled in

}  // namespace actbench
