// Per-element formulas shared by the scalar variants, written once as
// templates on the working precision T: T = float gives the f32 variants (float
// libm, several roundings), T = double the f64 variants (double libm, one final
// rounding to float, so within about 0.5 ULP). Each formula is the numerically
// stable form of the table's exact math: no overflow for large |x|, no
// cancellation where a stable rewrite exists.
#pragma once

#include <cmath>

#include "impls/params.h"

namespace actbench::scalar {

template <typename T>
T Clamp06(T v) {  // relu6, with NaN passing through (comparisons are false)
  if (v < T(0)) return T(0);
  if (v > T(6)) return T(6);
  return v;
}

template <typename T>
T Relu(T x, const Params&) {
  return x < T(0) ? T(0) : x;  // NaN and -0 pass through unchanged
}

// slope x for x < 0 (one rounding of an exact product); a zero slope gives 0,
// also at x = -inf, where the product alone would be 0 * -inf = NaN.
template <typename T>
T NegativeSlope(T x, T slope) {
  const T scaled = slope == T(0) ? T(0) : slope * x;
  return x < T(0) ? scaled : x;
}

template <typename T>
T LeakyRelu(T x, const Params& p) {
  return NegativeSlope(x, T(p.alpha));
}

// exp(x) - 1 through expm1: no cancellation just below 0.
template <typename T>
T Elu(T x, const Params& p) {
  return x > T(0) ? x : T(p.alpha) * std::expm1(x);
}

// e = exp(-|x|) never overflows; the x < 0 branch e/(1+e) keeps the negative
// tail (down to subnormal outputs) instead of flushing 1/(1+inf) to 0.
template <typename T>
T Sigmoid(T x) {
  const T e = std::exp(-std::fabs(x));
  return x >= T(0) ? T(1) / (T(1) + e) : e / (T(1) + e);
}

template <typename T>
T Sigmoid(T x, const Params&) {
  return Sigmoid(x);
}

template <typename T>
T Tanh(T x, const Params&) {
  return std::tanh(x);
}

// x * e^x for x < -32 without a subnormal intermediate: h = e^(x/2) is normal
// for x >= -174, x * h is normal, and the last multiply by h rounds once, into
// the subnormal grid where the result lies. Below -128, |x e^x| < 2^-175
// rounds to -0.
template <typename T>
T XTimesExpNegativeTail(T x) {
  if (x < T(-128)) return T(-0.0);
  const T h = std::exp(x * T(0.5));
  return (x * h) * h;
}

// GELU through erfc: x/2 * erfc(-x/sqrt2) has no 1 + erf(x) cancellation for
// x < 0. Below -40 the exact value is far under half the smallest subnormal
// float (and double), so the result is -0 (this also avoids -inf * 0).
//
// In float, rounding t = -x/sqrt2 costs erfc a relative error of about
// 2 t^2 eps (189 ULP at x = -13), so the rounding residual d = t_exact - t is
// kept (from a double product) and corrected for to first order:
// erfc(t + d) = erfc(t) - d * 2/sqrt(pi) * exp(-t^2).
template <typename T>
T Gelu(T x, const Params&) {
  if (x < T(-40)) return T(-0.0);
  if (x > T(10)) return x;  // Phi(10) = 1 - 7.6e-24: x itself, also for x = inf
  const double t_exact = static_cast<double>(x) * -0.70710678118654752440;
  const T t = static_cast<T>(t_exact);
  T erfc_t = std::erfc(t);
  if constexpr (sizeof(T) < sizeof(double)) {
    const T d = static_cast<T>(t_exact - static_cast<double>(t));
    erfc_t -= d * T(1.1283791670955126) * std::exp(-t * t);
  }
  return T(0.5) * x * erfc_t;
}

// Sigmoid of z + lo for a small residual lo: s(z) + lo * s (1 - s).
template <typename T>
T SigmoidHiLo(T z, T lo) {
  const T s = Sigmoid(z);
  return s + lo * s * (T(1) - s);
}

// x/2 * (1 + tanh(u)) = x * sigmoid(2u): the sigmoid form has no cancellation
// for x < 0. 2u = x * (a + b x^2), a = 2 sqrt(2/pi), b = 0.044715 a. In the
// tail e^(2u) magnifies the absolute error of 2u (|2u| ~ 90 where outputs
// reach the subnormals), so 2u is formed in double and passed on as hi + lo.
template <typename T>
T GeluTanh(T x, const Params&) {
  if (x < T(-40)) return T(-0.0);  // exact value rounds to -0 (|f| < 1e-300)
  if (x > T(10)) return x;         // sigmoid(2u) = 1 - 1.7e-38: x itself
  constexpr double kA = 1.5957691216057307117597842397375;  // 2*sqrt(2/pi)
  constexpr double kB = 0.044715 * kA;
  const double xd = x;
  const double two_u = xd * (kA + kB * (xd * xd));
  const T hi = static_cast<T>(two_u);
  const T lo = static_cast<T>(two_u - static_cast<double>(hi));
  if (hi < T(-40)) {
    // sigmoid(2u) = e^(2u) to within e^-40 (1e-10 ULP); form x e^(hi) (1 + lo)
    // without a subnormal e^(hi), which would lose bits before the multiply.
    const T h = std::exp(hi * T(0.5));
    return (x * h * (T(1) + lo)) * h;
  }
  return x * SigmoidHiLo(hi, lo);
}

// QuickGELU: x sigmoid(c x), c = 1.702f. In double the product c x is exact.
// Below -100 the result is under half the smallest subnormal (and -inf * 0
// would be NaN).
template <typename T>
T GeluSigmoid(T x, const Params&) {
  if (x < T(-100)) return T(-0.0);
  return x * Sigmoid(T(1.702f) * x);
}

// x * sigmoid(x); below -32 sigmoid(x) = e^x to within 2^-46, and the
// product is formed without a subnormal e^x (see XTimesExpNegativeTail).
template <typename T>
T Silu(T x, const Params&) {
  if (x < T(-32)) return XTimesExpNegativeTail(x);
  return x * Sigmoid(x);
}

// tanh(log1p(e^x)) = n / (n + 2) with n = e^x (e^x + 2): no tanh, no log, and
// no cancellation. Above 20 the ratio is 1 to within 2^-57.
template <typename T>
T Mish(T x, const Params&) {
  if (x > T(20)) return x;
  if (x < T(-32)) return XTimesExpNegativeTail(x);  // n/(n+2) = e^x (1 - O(e^x))
  const T e = std::exp(x);
  const T n = e * (e + T(2));
  return x * (n / (n + T(2)));
}

// log(1 + exp(z)) = max(z, 0) + log1p(exp(-|z|)): never overflows, and the
// negative tail is log1p of a tiny number, i.e. that number.
template <typename T>
T Softplus(T x, const Params& p) {
  const T beta = T(p.beta);
  const T z = beta * x;
  if (z > T(p.threshold)) return x;
  const T pos = z > T(0) ? z : T(0);
  if (z != z) return z;  // NaN
  return (pos + std::log1p(std::exp(-std::fabs(z)))) / beta;
}

template <typename T>
T HardSigmoid(T x, const Params&) {
  return Clamp06(x + T(3)) / T(6);
}

template <typename T>
T HardSwish(T x, const Params&) {
  if (x <= T(-3)) return T(0);  // also keeps -inf * 0 from giving NaN
  if (x >= T(3)) return x;      // and x * 6 from overflowing
  return x * (x + T(3)) / T(6);
}

// Backward formulas: dy * f'(x) in precision T, stable forms (no 1 - s
// cancellation where f' is small; limits at +-inf without inf * 0). NaN x
// gives NaN, also where PyTorch's comparisons would pass dy or 0 on.

template <typename T>
T ReluGrad(T x, T dy, const Params&) {
  if (x != x) return x;
  return x > T(0) ? dy : T(0) * dy;
}

template <typename T>
T NegativeSlopeGrad(T x, T dy, T slope) {
  if (x != x) return x;
  return x > T(0) ? dy : slope * dy;  // PyTorch: the slope at 0
}

template <typename T>
T LeakyReluGrad(T x, T dy, const Params& p) {
  return NegativeSlopeGrad(x, dy, T(p.alpha));
}

template <typename T>
T EluGrad(T x, T dy, const Params& p) {
  return x > T(0) ? dy : dy * (T(p.alpha) * std::exp(x));  // alpha at 0, as PyTorch
}

// sigmoid'(x) = e/(1 + e)^2, e = e^-|x|: no 1 - s, exact symmetry.
template <typename T>
T SigmoidGrad(T x, T dy, const Params&) {
  const T e = std::exp(-std::fabs(x));
  const T d = T(1) + e;
  return dy * (e / (d * d));
}

// tanh'(x) = 4e/(1 + e)^2, e = e^-2|x|.
template <typename T>
T TanhGrad(T x, T dy, const Params&) {
  const T e = std::exp(T(-2) * std::fabs(x));
  const T d = T(1) + e;
  return dy * (T(4) * e / (d * d));
}

// f' computed as 0 for x < 0 is -0: in the far left tails of these
// derivatives f' is negative and below every float (a sum of zeros is +0).
template <typename T>
T NegativeZeroLeft(T f, T x) {
  return f == T(0) && x < T(0) ? T(-0.0) : f;
}

// Phi(x) + x phi(x); the limits directly (x phi(x) is -inf * 0 at -inf).
template <typename T>
T GeluGrad(T x, T dy, const Params&) {
  if (x > T(10)) return dy;               // 1 - 7.7e-22
  if (x < T(-40)) return T(-0.0) * dy;    // |f'| < 1e-340
  const T cdf = T(0.5) * std::erfc(x * T(-0.70710678118654752440));
  const T pdf = std::exp(T(-0.5) * x * x) * T(0.39894228040143267794);
  return dy * NegativeZeroLeft(cdf + x * pdf, x);
}

// s = sigmoid(z) and sm = 1 - s = sigmoid(-z) from e = e^-|z|, without
// cancellation.
template <typename T>
void Sigmoids(T z, T& s, T& sm) {
  const T e = std::exp(-std::fabs(z));
  const T d = T(1) + e;
  s = z >= T(0) ? T(1) / d : e / d;
  sm = z >= T(0) ? e / d : T(1) / d;
}

// s + k x s (1 - s) for s = sigmoid(k x): silu (k = 1) and gelu_sigmoid'
// (k = 1.702f); 1 - s = sigmoid(-k x) without cancellation.
template <typename T>
T XSigmoidGrad(T kx, T dy) {
  if (kx > T(120)) return dy;            // 1 - 1e-50
  if (kx < T(-120)) return T(-0.0) * dy;  // |f'| < 1e-50
  T s, sm;
  Sigmoids(kx, s, sm);
  return dy * NegativeZeroLeft(s + kx * (s * sm), kx);
}

template <typename T>
T SiluGrad(T x, T dy, const Params&) {
  return XSigmoidGrad(x, dy);
}

template <typename T>
T GeluSigmoidGrad(T x, T dy, const Params&) {
  return XSigmoidGrad(T(1.702f) * x, dy);
}

// (1 + t)/2 + x/2 (1 - t^2) c (1 + 3 k x^2) with (1 + t)/2 = s = sigmoid(2u)
// and 1 - t^2 = 4 s (1 - s): s + 2 x s (1 - s) c (1 + 3 k x^2).
template <typename T>
T GeluTanhGrad(T x, T dy, const Params&) {
  if (x > T(10)) return dy;              // 1 - 1e-35
  if (x < T(-30)) return T(-0.0) * dy;   // |f'| < 1e-800
  constexpr T kC = T(0.79788456080286535588);  // sqrt(2/pi)
  constexpr T kK = T(0.044715);
  const T two_u = T(2) * kC * (x + kK * x * x * x);
  T s, sm;
  Sigmoids(two_u, s, sm);
  return dy * NegativeZeroLeft(s + T(2) * x * (s * sm) * kC * (T(1) + T(3) * kK * x * x), x);
}

// t + x s (1 - t^2), t = tanh(softplus(x)) = n/(n + 2), n = e^x (e^x + 2),
// 1 - t^2 = 4 (n + 1)/(n + 2)^2; for x > 0 in e = e^-x:
// t = (1 + 2e)/q, x s (1 - t^2) = 4 x (1 + e) e^2 / q^2, q = 1 + 2e + 2e^2.
template <typename T>
T MishGrad(T x, T dy, const Params&) {
  if (x > T(60)) return dy;               // 1 - 1e-50
  if (x < T(-120)) return T(-0.0) * dy;   // |f'| < 1e-50
  if (x > T(0)) {
    const T e = std::exp(-x), q = T(1) + T(2) * e + T(2) * e * e;
    return dy * ((T(1) + T(2) * e) / q + T(4) * x * (T(1) + e) * (e * e) / (q * q));
  }
  const T ex = std::exp(x), n = ex * (ex + T(2)), m = n + T(2);
  const T s = ex / (T(1) + ex);
  return dy * NegativeZeroLeft(n / m + x * s * (T(4) * (n + T(1)) / (m * m)), x);
}

template <typename T>
T SoftplusGrad(T x, T dy, const Params& p) {
  const T z = T(p.beta) * x;
  if (z > T(p.threshold)) return dy;
  if (z != z) return z;
  return dy * Sigmoid(z);
}

template <typename T>
T HardSigmoidGrad(T x, T dy, const Params&) {
  if (x != x) return x;
  return x > T(-3) && x < T(3) ? dy / T(6) : T(0) * dy;
}

// PyTorch 1.13.1's vectorised kernel: 0 below -3, x/3 + 1/2 on [-3, 3), 1 from 3.
template <typename T>
T HardSwishGrad(T x, T dy, const Params&) {
  if (x != x) return x;
  if (x < T(-3)) return T(0) * dy;
  if (x >= T(3)) return dy;
  return dy * (x / T(3) + T(0.5));
}

}  // namespace actbench::scalar
