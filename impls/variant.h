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

using KernelFn = void (*)(const float* in, float* out, size_t n, const Params& p);

// The documented error bound of a variant: the real-valued ULP error against
// the exact value of the function it computes (see docs/ulp.md), for inputs in
// [domain_lo, domain_hi]. Outside the domain only the special-value contract
// is promised. The tests hold every variant to its promise.
struct Promise {
  double max_ulp = 0.0;
  double domain_lo = -std::numeric_limits<double>::infinity();
  double domain_hi = std::numeric_limits<double>::infinity();
  std::string note;  // where and why it loses accuracy, in one sentence
  // Whether the variant keeps the special-value contract (NaN in gives NaN
  // out, the limits at +-inf, outputs in range). Only teaching variants that
  // show a known failure say false, and the tests hold them to that too.
  bool keeps_contract = true;
};

// One compiled form of a variant. Scalar C++ variants have one, named
// "baseline" (the build's baseline ISA); Highway variants have one per
// compiled target, named as Highway names them (AVX3, AVX2, SSE4, EMU128...).
struct TargetKernel {
  std::string target;
  int64_t hwy_target = 0;  // Highway target bit; 0 for non-Highway code
  KernelFn fn = nullptr;
  // Targets round differently (SSE4 and EMU128 have no FMA, so MulAdd rounds
  // twice): a target may promise a looser bound than the variant's. < 0: the
  // variant's promise.max_ulp holds.
  double max_ulp = -1;
};

struct Variant {
  Act activation;      // the activation it is listed under
  Act computes;        // the function its promise is measured against
  std::string name;    // the algorithm, e.g. "exp-div"; id() is "sigmoid/exp-div"
  std::string family;  // "scalar", "simd" or "peer"
  std::string description;
  Promise promise;
  std::vector<TargetKernel> kernels;

  std::string id() const;
};

// A variant compiled for one target: the unit every row of a report is about,
// addressed as activation/variant@target.
struct VariantTarget {
  const Variant* variant;
  const TargetKernel* kernel;
  std::string label() const;  // "sigmoid/exp-div@baseline"
  // The ULP bound promised on this target (see TargetKernel::max_ulp).
  double promised_ulp() const { return kernel->max_ulp >= 0 ? kernel->max_ulp : variant->promise.max_ulp; }
};

// Every registered variant, in a stable order (table order, then registration).
const std::vector<Variant>& Variants();

// nullptr when unknown. Accepts "activation/name".
const Variant* FindVariant(std::string_view id);

// Whether this CPU can run a compiled target (always true for "baseline").
bool TargetSupported(const TargetKernel& k);

// The (variant, target) pairs this CPU can run, for the given variants.
std::vector<VariantTarget> RunnableTargets(const std::vector<const Variant*>& variants);

// All target names compiled into this binary that this CPU supports, best first.
std::vector<std::string> SupportedTargetNames();

// Registration hooks, one per family source file; the registry calls them in order.
void RegisterScalarVariants(std::vector<Variant>& out);
void RegisterSimdVariants(std::vector<Variant>& out);

}  // namespace actbench
