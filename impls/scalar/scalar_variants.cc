// Scalar C++ variants (family "scalar"): per-element loops over the formulas in
// scalar_math.h, in float (-f32, float libm) and in double (-f64, one final
// rounding), plus "textbook" variants that show what the naive formula costs.
#include <algorithm>
#include <cmath>

#include "impls/scalar/scalar_math.h"
#include "impls/registration.h"
#include "impls/variant.h"

namespace actbench {
namespace {

template <typename T, T (*F)(T, const Params&)>
void Elementwise(const float* in, float* out, size_t n, const Params& p) {
  // A local copy: stores to out[] cannot alias it, so the parameters stay in
  // registers and the loop can vectorise.
  const Params local = p;
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(F(static_cast<T>(in[i]), local));
}

// PReLU over an N x C layout, one row of C channels at a time: the inner loop
// has no index arithmetic and vectorises.
void PreluSelect(const float* in, float* out, size_t n, const Params& p) {
  const size_t channels = p.channels;
  if (channels == 0) return Elementwise<float, scalar::Relu<float>>(in, out, n, p);  // no slopes: 0 x for x < 0
  const float* slopes = p.slopes;
  for (size_t row = 0; row < n; row += channels) {
    const size_t m = std::min(channels, n - row);
    const float* x = in + row;
    float* y = out + row;
    for (size_t c = 0; c < m; ++c) y[c] = scalar::NegativeSlope(x[c], slopes[c]);
  }
}

// Backward: dx[i] = G(x[i], dy[i]) in precision T. Reads x[i] and dy[i]
// before it writes dx[i]: in place on dx == dy (or dx == x) is safe.
template <typename T, T (*G)(T, T, const Params&)>
void Elementwise2(const float* in, const float* dy, float* out, size_t n, const Params& p) {
  const Params local = p;
  for (size_t i = 0; i < n; ++i)
    out[i] = static_cast<float>(G(static_cast<T>(in[i]), static_cast<T>(dy[i]), local));
}

template <typename T>
void PreluGrad(const float* in, const float* dy, float* out, size_t n, const Params& p) {
  const size_t channels = p.channels;
  if (channels == 0) return Elementwise2<T, scalar::ReluGrad<T>>(in, dy, out, n, p);  // no slopes: slope 0
  const float* slopes = p.slopes;
  for (size_t row = 0; row < n; row += channels) {
    const size_t m = std::min(channels, n - row);
    for (size_t c = 0; c < m; ++c)
      out[row + c] = static_cast<float>(
          scalar::NegativeSlopeGrad<T>(in[row + c], dy[row + c], static_cast<T>(slopes[c])));
  }
}

// The backward forms frameworks compute from the forward output y (PyTorch
// 1.13.1 sigmoid_backward, tanh_backward, elu_backward with is_result), in
// float as they do.
float SigmoidGradFromOutput(float y, float dy, const Params&) { return dy * (1.0f - y) * y; }
float TanhGradFromOutput(float y, float dy, const Params&) { return dy * (1.0f - y * y); }
float EluGradFromOutput(float y, float dy, const Params& p) { return y <= 0.0f ? dy * (y + p.alpha) : dy; }

// The formulas as usually written, with their known failure points.
float SigmoidTextbook(float x, const Params&) { return 1.0f / (1.0f + std::exp(-x)); }
float GeluErfTextbook(float x, const Params&) {
  return 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752440f));
}
float EluExpMinus1(float x, const Params& p) { return x > 0.0f ? x : p.alpha * (std::exp(x) - 1.0f); }

constexpr double kInf = std::numeric_limits<double>::infinity();

// One registration through the public API (include/actbench/actbench.h), as
// users register theirs, in family "scalar".
void Make(Act act, const char* name, const char* description, Promise promise, KernelFn fn, Act computes) {
  Registration* r = RegisterPlainKernel(std::string(GetActivation(act).name) + "/" + name, fn);
  BuiltinSpec(r).family = "scalar";
  r->Describe(description)->Computes(GetActivation(computes).name);
  BuiltinSpec(r).promise = std::move(promise);
}
void Make(Act act, const char* name, const char* description, Promise promise, KernelFn fn) {
  Make(act, name, description, std::move(promise), fn, act);
}
// A backward kernel, without a promise until one is chained (MaxUlp).
Registration* MakeGrad(Act act, const char* name, const char* description, GradKernelFn fn) {
  Registration* r = RegisterPlainGradKernel(std::string(GetActivation(act).name) + "/" + name, fn);
  BuiltinSpec(r).family = "scalar";
  return r->Describe(description)->NoPromise();
}

// Promise helpers. F64 variants round once from double: 0.5 ULP plus the
// double libm's error carried into float, far below 0.01 ULP.
Promise Everywhere(double ulp, const char* note = "") { return Promise{ulp, -kInf, kInf, note, true}; }
Promise On(double ulp, double lo, double hi, const char* note, bool keeps_contract = true) {
  return Promise{ulp, lo, hi, note, keeps_contract};
}
// One rounding of an exact product: correctly rounded, so at most 0.5 ULP.
const Promise kCorrectlyRounded = Everywhere(0.5, "correctly rounded");
const Promise kF64 = Everywhere(0.51, "double evaluation, rounded once to float");

}  // namespace

void RegisterScalarGradVariants();

void RegisterScalarVariants() {
  using namespace scalar;
  // Piecewise-linear activations: one exact product or none, 0 ULP.
  Make(Act::kRelu, "max", "x < 0 ? 0 : x", Everywhere(0),
                     Elementwise<float, Relu<float>>);
  Make(Act::kLeakyRelu, "select-f32", "x < 0 ? alpha * x : x", kCorrectlyRounded,
                     Elementwise<float, LeakyRelu<float>>);
  Make(Act::kPrelu, "select-f32", "x < 0 ? slope[i mod C] * x : x",
                     kCorrectlyRounded,
                     PreluSelect);
  Make(Act::kHardSigmoid, "clamp-div-f32", "relu6(x + 3) / 6 in float",
                     Everywhere(1.0, "two roundings: x + 3, then / 6"),
                     Elementwise<float, HardSigmoid<float>>);
  Make(Act::kHardSigmoid, "clamp-div-f64", "relu6(x + 3) / 6 in double", kF64,
                     Elementwise<double, HardSigmoid<double>>);
  Make(Act::kHardSwish, "clamp-div-f32", "x * relu6(x + 3) / 6 in float",
                     Everywhere(2.0, "three roundings: x + 3, x * r, / 6"),
                     Elementwise<float, HardSwish<float>>);
  Make(Act::kHardSwish, "clamp-div-f64", "x * relu6(x + 3) / 6 in double", kF64,
                     Elementwise<double, HardSwish<double>>);

  Make(Act::kElu, "expm1-f32", "alpha * expm1f(x) for x <= 0", Everywhere(2.0),
                     Elementwise<float, Elu<float>>);
  Make(Act::kElu, "expm1-f64", "alpha * expm1(x) in double", kF64,
                     Elementwise<double, Elu<double>>);
  Make(Act::kElu, "exp-minus-1-textbook", "alpha * (expf(x) - 1): cancels near 0",
                     On(2.0, -kInf, -1.0, "exp(x) - 1 cancels for -1 < x < 0"),
                     Elementwise<float, EluExpMinus1>);

  Make(Act::kSigmoid, "exp-div-f32", "e = expf(-|x|); 1/(1+e) or e/(1+e)",
                     Everywhere(2.5, "expf, 1 + e and the division round separately"), Elementwise<float, Sigmoid<float>>);
  Make(Act::kSigmoid, "exp-div-f64", "the same in double", kF64,
                     Elementwise<double, Sigmoid<double>>);
  Make(Act::kSigmoid, "exp-div-textbook", "1 / (1 + expf(-x))",
                     On(2.5, -88.0, kInf,
                        "1 + e and the division each round (2.48 ULP over every input of [-88, inf]); expf(-x) "
                        "overflows below -88.72: outputs flush to 0"),
                     Elementwise<float, SigmoidTextbook>);

  Make(Act::kTanh, "libm-f32", "tanhf", Everywhere(2.5, "glibc tanhf (2.05 ULP measured)"),
                     Elementwise<float, Tanh<float>>);
  Make(Act::kTanh, "libm-f64", "tanh in double", kF64,
                     Elementwise<double, Tanh<double>>);

  Make(Act::kGelu, "erfc-f32", "x/2 * erfcf(-x/sqrt2)",
                     Everywhere(9.0, "erfcf's own tail error near the subnormals (8.27 ULP at x = -13.099 over all "
                                     "2^32 inputs); the argument's rounding is corrected"),
                     Elementwise<float, Gelu<float>>);
  Make(Act::kGelu, "erfc-f64", "x/2 * erfc(-x/sqrt2) in double", kF64,
                     Elementwise<double, Gelu<double>>);
  Make(Act::kGelu, "erf-textbook", "x/2 * (1 + erff(x/sqrt2))",
                     On(4.0, -1.0, kInf, "1 + erf cancels for x < 0; -inf gives -inf * 0 = NaN", false),
                     Elementwise<float, GeluErfTextbook>);

  Make(Act::kGeluTanh, "sigmoid-form-f32", "x * sigmoid(2u) in float",
                     Everywhere(5.0, "the rounded argument 2u is magnified in e^2u: 4.18 ULP at x = -3.887 over all "
                                     "2^32 inputs"),
                     Elementwise<float, GeluTanh<float>>);
  Make(Act::kGeluTanh, "sigmoid-form-f64", "x * sigmoid(2u) in double", kF64,
                     Elementwise<double, GeluTanh<double>>);

  Make(Act::kGeluSigmoid, "exp-div-f32", "x * sigmoid(1.702f x) in float",
                     On(72.0, -50.0, kInf, "the rounded 1.702f x is magnified by |1.702 x| in e^(1.702 x): 64.86 ULP "
                                             "on this domain over all 2^32 inputs"),
                     Elementwise<float, GeluSigmoid<float>>);
  Make(Act::kGeluSigmoid, "exp-div-f64", "x * sigmoid(1.702f x) in double", kF64,
                     Elementwise<double, GeluSigmoid<double>>);

  Make(Act::kSilu, "exp-div-f32", "x * sigmoid(x), stable sigmoid",
                     Everywhere(3.5, "three roundings after expf: 3.22 ULP at x = -7.597 over all 2^32 inputs"),
                     Elementwise<float, Silu<float>>);
  Make(Act::kSilu, "exp-div-f64", "the same in double", kF64,
                     Elementwise<double, Silu<double>>);

  Make(Act::kMish, "exp-rational-f32", "x * n/(n+2), n = e^x (e^x + 2)",
                     Everywhere(5.0, "expf, then four roundings: 4.65 ULP at x = -6.766 over all 2^32 inputs"),
                     Elementwise<float, Mish<float>>);
  Make(Act::kMish, "exp-rational-f64", "the same in double", kF64,
                     Elementwise<double, Mish<double>>);

  Make(Act::kSoftplus, "log1p-exp-f32", "max(x,0) + log1pf(expf(-|x|))",
                     Everywhere(2.0), Elementwise<float, Softplus<float>>);
  Make(Act::kSoftplus, "log1p-exp-f64", "the same in double", kF64,
                     Elementwise<double, Softplus<double>>);

  RegisterScalarGradVariants();
}

void RegisterScalarGradVariants() {
  using namespace scalar;
  // Backward, dy * f'(x): the stable forms of scalar_math.h in float and in
  // double (one rounding at the end), and the from-output forms frameworks use.
  // Promises from the exhaustive sweep (all 2^32 x, dy = 1; AMD EPYC, 2026-12-04,
  // docs/results.md, session 8). The float forms of functions whose derivative
  // crosses zero lose every bit near the root (the terms cancel): measured,
  // no promise.
  constexpr const char* kNearRoot = "no promise: in float the terms of f' cancel near its root";
  MakeGrad(Act::kReluGrad, "select-f32", "x > 0 ? dy : 0", Elementwise2<float, ReluGrad<float>>)->MaxUlp(0);
  MakeGrad(Act::kLeakyReluGrad, "select-f32", "x > 0 ? dy : alpha * dy", Elementwise2<float, LeakyReluGrad<float>>)
      ->MaxUlp(0.5)
      ->Note("one rounding (alpha dy)");
  MakeGrad(Act::kPreluGrad, "select-f32", "x > 0 ? dy : slope[i mod C] * dy", PreluGrad<float>)
      ->MaxUlp(0.5)
      ->Note("one rounding (slope dy)");
  MakeGrad(Act::kEluGrad, "exp-f32", "x > 0 ? dy : dy * (alpha * expf(x))", Elementwise2<float, EluGrad<float>>)
      ->MaxUlp(1)
      ->Note("expf and the products round (0.502 ULP over all 2^32 inputs)");
  MakeGrad(Act::kEluGrad, "exp-f64", "the same in double", Elementwise2<double, EluGrad<double>>)->MaxUlp(0.51);
  MakeGrad(Act::kEluGrad, "from-output-f32", "y <= 0 ? dy * (y + alpha) : dy, from y = elu(x) (PyTorch)",
           Elementwise2<float, EluGradFromOutput>)
      ->FromOutput()
      ->Note("measured: y + alpha cancels where y is near -alpha (2^24 ULP), and NaN gives dy (as PyTorch)");
  MakeGrad(Act::kSigmoidGrad, "exp-f32", "dy * e/(1 + e)^2, e = expf(-|x|)", Elementwise2<float, SigmoidGrad<float>>)
      ->MaxUlp(4.5)
      ->BreaksContract()
      ->Note("expf and four roundings: 4.22 ULP over all 2^32 inputs; near 0 the result rounds above 1/4");
  MakeGrad(Act::kSigmoidGrad, "exp-f64", "the same in double", Elementwise2<double, SigmoidGrad<double>>)
      ->MaxUlp(0.51);
  MakeGrad(Act::kSigmoidGrad, "from-output-f32", "dy * (1 - y) * y, from y = sigmoid(x) (PyTorch)",
           Elementwise2<float, SigmoidGradFromOutput>)
      ->FromOutput()
      ->Note("measured: 1 - y is 0 once y rounds to 1 (x > 16.6), where sigmoid' is still e^-x: 2^24 ULP");
  MakeGrad(Act::kTanhGrad, "exp-f32", "dy * 4e/(1 + e)^2, e = expf(-2|x|)", Elementwise2<float, TanhGrad<float>>)
      ->MaxUlp(4.5)
      ->BreaksContract()
      ->Note("expf and four roundings: 4.22 ULP over all 2^32 inputs; near 0 the result rounds above 1");
  MakeGrad(Act::kTanhGrad, "exp-f64", "the same in double", Elementwise2<double, TanhGrad<double>>)->MaxUlp(0.51);
  MakeGrad(Act::kTanhGrad, "from-output-f32", "dy * (1 - y * y), from y = tanh(x) (PyTorch)",
           Elementwise2<float, TanhGradFromOutput>)
      ->FromOutput()
      ->Note("measured: 1 - y^2 is 0 once y rounds to 1 (|x| > 9.01), where tanh' is still 4e^-2|x|: 2^24 ULP");
  MakeGrad(Act::kGeluGrad, "erfc-f32", "dy * (erfcf(-x/sqrt2)/2 + x expf(-x^2/2)/sqrt(2 pi))",
           Elementwise2<float, GeluGrad<float>>)
      ->Note(kNearRoot);
  MakeGrad(Act::kGeluGrad, "erfc-f64", "the same in double", Elementwise2<double, GeluGrad<double>>)
      ->MaxUlp(0.6)
      ->Note("in double the terms still cancel at the root x = -0.7518 (0.577 ULP over all 2^32 inputs)");
  MakeGrad(Act::kGeluTanhGrad, "sigmoid-form-f32", "dy * (s + 2x s (1 - s) c (1 + 3k x^2)), s = sigmoid(2u)",
           Elementwise2<float, GeluTanhGrad<float>>)
      ->Note(kNearRoot);
  MakeGrad(Act::kGeluTanhGrad, "sigmoid-form-f64", "the same in double", Elementwise2<double, GeluTanhGrad<double>>)
      ->MaxUlp(0.51);
  MakeGrad(Act::kGeluSigmoidGrad, "exp-div-f32", "dy * (s + c x s (1 - s)), s = sigmoid(c x)",
           Elementwise2<float, GeluSigmoidGrad<float>>)
      ->Note(kNearRoot);
  MakeGrad(Act::kGeluSigmoidGrad, "exp-div-f64", "the same in double", Elementwise2<double, GeluSigmoidGrad<double>>)
      ->MaxUlp(0.51);
  MakeGrad(Act::kSiluGrad, "exp-div-f32", "dy * (s + x s (1 - s)), s = sigmoid(x)", Elementwise2<float, SiluGrad<float>>)
      ->Note(kNearRoot);
  MakeGrad(Act::kSiluGrad, "exp-div-f64", "the same in double", Elementwise2<double, SiluGrad<double>>)->MaxUlp(0.51);
  MakeGrad(Act::kMishGrad, "exp-rational-f32", "dy * (t + x s (1 - t^2)), t = n/(n + 2), n = e^x (e^x + 2)",
           Elementwise2<float, MishGrad<float>>)
      ->Note(kNearRoot);
  MakeGrad(Act::kMishGrad, "exp-rational-f64", "the same in double", Elementwise2<double, MishGrad<double>>)
      ->MaxUlp(1)
      ->Note("in double the terms still cancel at the root x = -1.1924 (0.88 ULP over all 2^32 inputs)");
  MakeGrad(Act::kSoftplusGrad, "sigmoid-f32", "beta x > threshold ? dy : dy * sigmoid(beta x)",
           Elementwise2<float, SoftplusGrad<float>>)
      ->MaxUlp(2.5)
      ->Note("expf, 1 + e and the division round (2.40 ULP over all 2^32 inputs)");
  MakeGrad(Act::kSoftplusGrad, "sigmoid-f64", "the same in double", Elementwise2<double, SoftplusGrad<double>>)
      ->MaxUlp(0.51);
  MakeGrad(Act::kHardSigmoidGrad, "select-div-f32", "-3 < x < 3 ? dy / 6 : 0",
           Elementwise2<float, HardSigmoidGrad<float>>)
      ->MaxUlp(0.5);
  MakeGrad(Act::kHardSwishGrad, "select-f32", "x < -3 ? 0 : x < 3 ? dy (x/3 + 1/2) : dy",
           Elementwise2<float, HardSwishGrad<float>>)
      ->Note("no promise: x/3 + 1/2 cancels near its zero at x = -1.5 (5.6e6 ULP), as PyTorch's float kernel");
  MakeGrad(Act::kHardSwishGrad, "select-f64", "the same in double", Elementwise2<double, HardSwishGrad<double>>)
      ->MaxUlp(0.51);
}

}  // namespace actbench
