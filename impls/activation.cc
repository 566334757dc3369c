#include "impls/activation.h"

#include <algorithm>
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

std::vector<Activation> BuildForwardTable() {
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

// A backward row: the forward's parameters (from its row in `forwards`), the
// same piecewise-rational kind.
Activation Grad(const std::vector<Activation>& forwards, Act id, Act forward, const char* name, const char* formula,
                const char* approximates) {
  for (const Activation& f : forwards) {
    if (f.id != forward) continue;
    Activation a{id, name, formula, f.params, approximates, f.piecewise_rational};
    a.backward = true;
    a.forward = forward;
    return a;
  }
  std::abort();
}

std::vector<Activation> BuildTable() {
  std::vector<Activation> t = BuildForwardTable();
  const Activation grads[] = {
      // The derivatives, with PyTorch 1.13.1's values where f is not
      // differentiable (relu at 0, leaky_relu, prelu and elu at 0, the hard_*
      // knees; README.md, "What is inside").
      Grad(t, Act::kReluGrad, Act::kRelu, "relu_grad", "dy * (x > 0 ? 1 : 0)", ""),
      Grad(t, Act::kLeakyReluGrad, Act::kLeakyRelu, "leaky_relu_grad", "dy * (x > 0 ? 1 : alpha)", ""),
      Grad(t, Act::kPreluGrad, Act::kPrelu, "prelu_grad", "dy * (x > 0 ? 1 : slope[c]), c = i mod C", ""),
      Grad(t, Act::kEluGrad, Act::kElu, "elu_grad", "dy * (x > 0 ? 1 : alpha * exp(x))", ""),
      Grad(t, Act::kSigmoidGrad, Act::kSigmoid, "sigmoid_grad",
           "dy * sigmoid(x) (1 - sigmoid(x)) = dy * e^-x / (1 + e^-x)^2", ""),
      Grad(t, Act::kTanhGrad, Act::kTanh, "tanh_grad", "dy * (1 - tanh(x)^2) = dy / cosh(x)^2", ""),
      Grad(t, Act::kGeluGrad, Act::kGelu, "gelu_grad",
           "dy * (Phi(x) + x phi(x)), Phi(x) = erfc(-x/sqrt(2))/2, phi(x) = exp(-x^2/2)/sqrt(2 pi)", ""),
      Grad(t, Act::kGeluTanhGrad, Act::kGeluTanh, "gelu_tanh_grad",
           "dy * ((1 + t)/2 + x/2 (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2)), t = tanh(sqrt(2/pi) (x + 0.044715 x^3))",
           "gelu_grad"),
      Grad(t, Act::kGeluSigmoidGrad, Act::kGeluSigmoid, "gelu_sigmoid_grad",
           "dy * s (1 + c x (1 - s)), s = sigmoid(c x), c = 1.702f", "gelu_grad"),
      Grad(t, Act::kSiluGrad, Act::kSilu, "silu_grad", "dy * s (1 + x (1 - s)), s = sigmoid(x)", ""),
      Grad(t, Act::kMishGrad, Act::kMish, "mish_grad",
           "dy * (t + x sigmoid(x) (1 - t^2)), t = tanh(softplus(x))", ""),
      Grad(t, Act::kSoftplusGrad, Act::kSoftplus, "softplus_grad",
           "dy * (beta*x > threshold ? 1 : sigmoid(beta * x))", ""),
      Grad(t, Act::kHardSigmoidGrad, Act::kHardSigmoid, "hard_sigmoid_grad",
           "dy * (-3 < x < 3 ? 1/6 : 0)", ""),
      Grad(t, Act::kHardSwishGrad, Act::kHardSwish, "hard_swish_grad",
           "dy * (x < -3 ? 0 : x < 3 ? x/3 + 1/2 : 1)", ""),
  };
  t.insert(t.end(), std::begin(grads), std::end(grads));
  return t;
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

const Activation& GradOf(Act forward) {
  for (const Activation& a : Activations()) {
    if (a.backward && a.forward == forward) return a;
  }
  std::abort();  // every forward activation has a backward row
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
  if (a.id == Act::kPrelu || a.id == Act::kPreluGrad) {
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
    // Backward activations: the range of f' (dy = 1, as every sweep scores
    // them). Extrema found numerically (mpmath, 30 digits), rounded outwards
    // in the 7th digit, less 2e-7 more, as above.
    case Act::kReluGrad:
    case Act::kSigmoidGrad:
    case Act::kTanhGrad:
    case Act::kSoftplusGrad:
      return {0, a.id == Act::kSigmoidGrad ? 0.25 : 1.0};
    case Act::kLeakyReluGrad:
      return {std::min(double(p.alpha), 1.0), std::max(double(p.alpha), 1.0)};
    case Act::kPreluGrad:
      return {-inf, inf};
    case Act::kEluGrad:
      return {std::min(double(p.alpha), 0.0), std::max(double(p.alpha), 1.0)};
    case Act::kGeluGrad:
      return {-0.1289044, 1.1289044};  // -+0.1289041 + (0, 1), at x = -+sqrt(2)
    case Act::kGeluTanhGrad:
      return {-0.1289933, 1.1289933};  // -+0.1289931 + (0, 1), at x = -+1.418504
    case Act::kGeluSigmoidGrad:
    case Act::kSiluGrad:
      return {-0.0998396, 1.0998396};  // -+0.0998393 + (0, 1), at c x = -+2.399357
    case Act::kMishGrad:
      return {-0.1125264, 1.0884984};  // -0.1125261 at x = -2.256376, 1.0884982 at 1.490571
    case Act::kHardSigmoidGrad:
      return {0, 0.1666667};  // 1/6 rounds up to the float 0.16666667163
    case Act::kHardSwishGrad:
      return {-0.5, 1.5};
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
