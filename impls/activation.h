// The activation table: the single source of truth for what exists.
//
// Each row names an activation, its parameters with their PyTorch defaults,
// the exact math it stands for, and the facts the special-value contract
// checks (output range, limits at +-infinity). Kernels (impls/) and the
// reference (accuracy/reference.cc) implement the math written here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "impls/params.h"

namespace actbench {

enum class Act {
  kRelu,
  kLeakyRelu,
  kPrelu,
  kElu,
  kSigmoid,
  kTanh,
  kGelu,
  kGeluTanh,
  kGeluSigmoid,
  kSilu,
  kMish,
  kSoftplus,
  kHardSigmoid,
  kHardSwish,
  // Backward ("<name>_grad"): dx = dy * f'(x), two inputs (x or the forward
  // output y, and dy).
  kReluGrad,
  kLeakyReluGrad,
  kPreluGrad,
  kEluGrad,
  kSigmoidGrad,
  kTanhGrad,
  kGeluGrad,
  kGeluTanhGrad,
  kGeluSigmoidGrad,
  kSiluGrad,
  kMishGrad,
  kSoftplusGrad,
  kHardSigmoidGrad,
  kHardSwishGrad,
};

struct ParamSpec {
  const char* name;     // e.g. "alpha"
  float default_value;  // PyTorch default
  const char* meaning;
};

struct Activation {
  Act id;
  const char* name;     // as used on the command line and in reports
  const char* formula;  // the exact function, in plain math
  std::vector<ParamSpec> params;
  // The exact function this one approximates, when it is itself an
  // approximation (gelu_tanh approximates gelu); empty otherwise. Variants of
  // such an activation are also scored against this one.
  const char* approximates;
  // Whether the function is piecewise rational in x (relu, hard_sigmoid, ...).
  // Kernels of those can be exact or within 1 ULP; the others are transcendental.
  bool piecewise_rational;
  // Backward activations ("sigmoid_grad"): dx = dy * f'(x) for the forward
  // activation `forward`, with its parameters. Their kernels take two inputs
  // (x, or y = f(x) for a variant computed from the forward output, and dy);
  // accuracy is scored as a function of x (dy = 1 unless stated).
  bool backward = false;
  Act forward = Act::kRelu;  // backward only

  size_t arity() const { return backward ? 2 : 1; }
};

// All activations, in a stable order: the forward ones, then the backward ones.
const std::vector<Activation>& Activations();

// nullptr when unknown.
const Activation* FindActivation(std::string_view name);
// The backward activation of a forward one ("sigmoid" -> "sigmoid_grad").
const Activation& GradOf(Act forward);
const Activation& GetActivation(Act id);

// Parameters with the table's defaults. For prelu, 64 channels whose slopes
// cycle through positive, negative, zero, above-one and non-representable values.
Params DefaultParams(const Activation& a);

// The closed interval every output of the exact function lies in, for params p.
struct Range {
  double lo;
  double hi;
};
Range OutputRange(const Activation& a, const Params& p);

// Names of all activations, joined by ", " (for error messages and help).
std::string ActivationNames();

}  // namespace actbench
