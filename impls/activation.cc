#include "impls/activation.h"

#include <array>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <limits>

namespace actbench {
namespace {

// Per-channel PReLU slopes used when the user gives none: 64 channels (a
// realistic layer width, so kernels are timed on rows as long as real ones),
// cycling through PyTorch's default init (0.25), a slope that is not a power
// of two, zero, a negative slope and one above 1, so every branch is exercised.
constexpr size_t kDefaultPreluChannels = 64;
const float* DefaultPreluSlopes() {
  static const auto slopes = [] {
    constexpr float kCycle[] = {0.25f, 0.1f, 0.0f, -0.5f, 1.5f};
    std::array<float, kDefaultPreluChannels> s{};
    for (size_t c = 0; c < s.size(); ++c) s[c] = kCycle[c % std::size(kCycle)];
    return s;
  }();
  return slopes.data();
}

std::vector<Activation> BuildTable() {
  return {
      {Act::kRelu, "relu", "max(x, 0)", {}, "", true},
      {Act::kLeakyRelu, "leaky_relu", "x >= 0 ? x : alpha * x",
       {{"alpha", 0.01f, "negative_slope"}}, "", true},
      {Act::kPrelu, "prelu", "x >= 0 ? x : slope[c] * x, c = i mod C (N x C layout)",
       {}, "", true},
      {Act::kElu, "elu", "x > 0 ? x : alpha * (exp(x) - 1)",
       {{"alpha", 1.0f, "alpha"}}, "", false},
      {Act::kSigmoid, "sigmoid", "1 / (1 + exp(-x))", {}, "", false},
      {Act::kTanh, "tanh", "tanh(x)", {}, "", false},
      {Act::kGelu, "gelu", "x/2 * (1 + erf(x/sqrt(2))) = x/2 * erfc(-x/sqrt(2))", {},
       "", false},
      {Act::kGeluTanh, "gelu_tanh",
       "x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))", {}, "gelu", false},
      {Act::kGeluSigmoid, "gelu_sigmoid",
       "x * sigmoid(c x), c = 1.702f (the float nearest 1.702): QuickGELU", {}, "gelu", false},
      {Act::kSilu, "silu", "x / (1 + exp(-x))", {}, "", false},
      {Act::kMish, "mish", "x * tanh(softplus(x))", {}, "", false},
      {Act::kSoftplus, "softplus",
       "beta*x > threshold ? x : log(1 + exp(beta * x)) / beta",
       {{"beta", 1.0f, "beta"}, {"threshold", 20.0f, "threshold"}}, "", false},
      {Act::kHardSigmoid, "hard_sigmoid", "relu6(x + 3) / 6", {}, "", true},
      {Act::kHardSwish, "hard_swish", "x * relu6(x + 3) / 6", {}, "", true},
  };
}

}  // namespace

const std::vector<Activation>& Activations() {
  static const std::vector<Activation> table = BuildTable();
  return table;
}

const Activation* FindActivation(std::string_view name) {
  for (const Activation& a : Activations()) {
    if (name == a.name) return &a;
  }
  return nullptr;
}

const Activation& GetActivation(Act id) {
  for (const Activation& a : Activations()) {
    if (a.id == id) return a;
  }
  std::abort();  // every Act has a row; reaching this is a programming error
}

Params DefaultParams(const Activation& a) {
  Params p;
  for (const ParamSpec& s : a.params) {
    std::string_view n = s.name;
    if (n == "alpha") p.alpha = s.default_value;
    if (n == "beta") p.beta = s.default_value;
    if (n == "threshold") p.threshold = s.default_value;
  }
  if (a.id == Act::kPrelu) {
    p.slopes = DefaultPreluSlopes();
    p.channels = kDefaultPreluChannels;
  }
  return p;
}

Range OutputRange(const Activation& a, const Params& p) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  switch (a.id) {
    case Act::kRelu:
      return {0, inf};
    case Act::kLeakyRelu:
      return {p.alpha > 0 ? -inf : 0.0, inf};
    case Act::kPrelu:
      return {-inf, inf};
    case Act::kElu:
      return {p.alpha > 0 ? -double(p.alpha) : 0.0, inf};
    case Act::kSigmoid:
    case Act::kHardSigmoid:
      return {0, 1};
    case Act::kTanh:
      return {-1, 1};
    // Minima found numerically (golden-section search in long double),
    // rounded outwards in the 7th digit, less 2e-7 more: 7 to 13 float ULP
    // of room below the exact minimum. The range check is for outputs that
    // leave the function's range; an output a few ULP under the minimum
    // (within a 2 ULP or a fast variant's promise) is the promise's business
    // (the exhaustive sweep found fast gelu_sigmoid 1 ULP under it).
    case Act::kGelu:
      return {-0.1699715, inf};  // -0.1699713, at x = -0.7517915
    case Act::kGeluTanh:
      return {-0.1700410, inf};  // -0.1700408, at x = -0.7524614
    case Act::kGeluSigmoid:
      return {-0.1636104, inf};  // -0.1636102, silu's minimum / c, at x = -0.7511543
    case Act::kSilu:
      return {-0.2784648, inf};  // -0.2784646, at x = -1.2784645 (-W(1/e))
    case Act::kMish:
      return {-0.3088437, inf};  // -0.3088435, at x = -1.1924312
    case Act::kSoftplus:
      return {0, inf};
    case Act::kHardSwish:
      return {-0.375, inf};  // at x = -1.5
  }
  return {-inf, inf};
}

std::string ActivationNames() {
  std::string s;
  for (const Activation& a : Activations()) {
    if (!s.empty()) s += ", ";
    s += a.name;
  }
  return s;
}

}  // namespace actbench
