#include "accuracy/reference.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

#include <boost/multiprecision/mpfr.hpp>

namespace actbench {
namespace {

namespace mp = boost::multiprecision;
// 60 decimal digits: 201 bits. Expression templates off: every operation
// rounds to 201 bits, as written.
using Big = mp::number<mp::mpfr_float_backend<60>, mp::et_off>;

Big FromFloat(float f) { return Big(static_cast<double>(f)); }  // exact

RefValue Round(const Big& v) {
  // Straight from 201 bits to each format, never float via double. The double
  // is truncated (toward zero) so it stays in the binade of the exact value:
  // rounding to nearest could carry 2 - 2^-60 up to 2 and halve its ulp.
  return {mpfr_get_d(v.backend().data(), MPFR_RNDZ), mpfr_get_flt(v.backend().data(), MPFR_RNDN)};
}

RefValue Exact(double v) { return {v, static_cast<float>(v)}; }  // v is a float value or inf

// pi from MPFR itself: Boost's constant cache for multiprecision types is not
// safe to initialise from several threads at once (it crashed here).
Big Pi() {
  Big pi;
  mpfr_const_pi(pi.backend().data(), MPFR_RNDN);
  return pi;
}

Big SigmoidBig(const Big& x) { return Big(1) / (Big(1) + mp::exp(-x)); }

// Limits at +-infinity, where products like x * sigmoid(x) are inf * 0.
RefValue AtInfinity(Act act, bool positive, float slope, const Params& p) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  if (positive) {
    switch (act) {
      case Act::kSigmoid:
      case Act::kTanh:
      case Act::kHardSigmoid:
        return Exact(1.0);
      default:
        return Exact(inf);
    }
  }
  switch (act) {
    case Act::kRelu:
    case Act::kSigmoid:
    case Act::kSoftplus:
    case Act::kHardSigmoid:
    case Act::kHardSwish:
      return Exact(0.0);
    case Act::kLeakyRelu:
    case Act::kPrelu:
      return slope == 0 ? Exact(0.0) : Exact(slope > 0 ? -inf : inf);
    case Act::kElu:
      return Exact(-static_cast<double>(p.alpha));
    case Act::kTanh:
      return Exact(-1.0);
    case Act::kGelu:
    case Act::kGeluTanh:
    case Act::kGeluSigmoid:
    case Act::kSilu:
    case Act::kMish:
      return Exact(-0.0);  // x * (something tending to 0 faster than 1/x)
    default:
      break;  // backward activations: GradReference
  }
  return Exact(std::numeric_limits<double>::quiet_NaN());
}

Big Relu6(const Big& v) { return v < 0 ? Big(0) : (v > 6 ? Big(6) : v); }

// f'(x) at 201 bits for the forward activation `fwd`, in forms that do not
// cancel where f' is small (sigmoid'(x) ~ e^-|x| for large |x| from e^-|x|,
// never from 1 - sigmoid); x finite. Near the roots of silu', gelu', mish'...
// the sum cancels, losing only as many of the 201 bits as the distance of a
// float to the root allows (~30), far above float's 24.
Big Derivative(Act fwd, const Big& x, float slope, const Params& p) {
  static const Big kHalf("0.5");
  // Far left, these derivatives are negative and far below any float (|f'| <
  // e^-1000); MPFR's own exponent range would flush their e^(-x^2/2) or e^x
  // to +0 past |x| ~ 4e4 and lose the sign.
  if (x < -1000 && (fwd == Act::kGelu || fwd == Act::kGeluTanh || fwd == Act::kGeluSigmoid ||
                    fwd == Act::kSilu || fwd == Act::kMish))
    return Big(-0.0);
  switch (fwd) {
    case Act::kRelu:
      return x > 0 ? Big(1) : Big(0);
    case Act::kLeakyRelu:
    case Act::kPrelu:
      return x > 0 ? Big(1) : FromFloat(slope);
    case Act::kElu:
      return x > 0 ? Big(1) : FromFloat(p.alpha) * mp::exp(x);
    case Act::kSigmoid:
    case Act::kTanh: {
      // Tiny x: 1/4 - x^2/16 and 1 - x^2 (the next terms are below 2^-240),
      // each rounded once to 201 bits, so the fast reference can tell exactly
      // when the result is the power of two itself.
      if (mp::abs(x) < Big(0x1p-60))
        return fwd == Act::kSigmoid ? Big(0.25) - x * x / 16 : Big(1) - x * x;
      // sigmoid' = e/(1+e)^2, e = e^-|x|; tanh' = 4e/(1+e)^2, e = e^-2|x|.
      const Big e = mp::exp(fwd == Act::kSigmoid ? -mp::abs(x) : -2 * mp::abs(x));
      const Big d = e / ((1 + e) * (1 + e));
      return fwd == Act::kSigmoid ? d : 4 * d;
    }
    case Act::kGelu: {
      static const Big kSqrt2 = mp::sqrt(Big(2));
      static const Big kInvSqrt2Pi = 1 / mp::sqrt(2 * Pi());
      return mp::erfc(-x / kSqrt2) / 2 + x * mp::exp(-x * x / 2) * kInvSqrt2Pi;
    }
    case Act::kGeluTanh: {
      // (1 + t)/2 = sigmoid(2u), 1 - t^2 = 4 sigmoid(2u) sigmoid(-2u).
      static const Big kC = mp::sqrt(Big(2) / Pi());
      static const Big kCubic("0.044715");
      const Big u2 = 2 * kC * (x + kCubic * x * x * x);
      const Big s = SigmoidBig(u2), sm = SigmoidBig(-u2);
      return s + 2 * x * s * sm * kC * (1 + 3 * kCubic * x * x);
    }
    case Act::kGeluSigmoid:
    case Act::kSilu: {
      // s + k x s (1 - s), s = sigmoid(k x), 1 - s = sigmoid(-k x).
      const Big kx = fwd == Act::kSilu ? x : FromFloat(1.702f) * x;
      const Big s = SigmoidBig(kx), sm = SigmoidBig(-kx);
      return s + kx * s * sm;
    }
    case Act::kMish: {
      // t = tanh(log(1 + e^x)) = n/(n + 2), n = e^x (e^x + 2), and
      // 1 - t^2 = 4(n + 1)/(n + 2)^2; for x > 0 in e = e^-x (no overflow):
      // t = (1 + 2e)/(1 + 2e + 2e^2), x s (1 - t^2) = 4x (1 + e) e^2/(1 + 2e + 2e^2)^2.
      if (x > 0) {
        const Big e = mp::exp(-x), d = 1 + 2 * e + 2 * e * e;
        return (1 + 2 * e) / d + 4 * x * (1 + e) * e * e / (d * d);
      }
      const Big ex = mp::exp(x), n = ex * (ex + 2);
      return n / (n + 2) + x * SigmoidBig(x) * 4 * (n + 1) / ((n + 2) * (n + 2));
    }
    case Act::kSoftplus: {
      const Big z = FromFloat(p.beta) * x;
      return z > FromFloat(p.threshold) ? Big(1) : SigmoidBig(z);
    }
    case Act::kHardSigmoid:
      return x > -3 && x < 3 ? Big(1) / 6 : Big(0);
    case Act::kHardSwish:
      return x < -3 ? Big(0) : (x < 3 ? x / 3 + kHalf : Big(1));
    default:
      break;
  }
  return Big(std::numeric_limits<double>::quiet_NaN());
}

// f'(+-inf) (the limits; PyTorch's slopes where they are constant).
Big DerivativeAtInfinity(Act fwd, bool positive, float slope, const Params& p) {
  if (positive) {
    switch (fwd) {
      case Act::kSigmoid:
      case Act::kTanh:
      case Act::kHardSigmoid:
        return Big(0);
      default:
        return Big(1);
    }
  }
  switch (fwd) {
    case Act::kLeakyRelu:
    case Act::kPrelu:
      return FromFloat(slope);
    case Act::kGelu:
    case Act::kGeluTanh:
    case Act::kGeluSigmoid:
    case Act::kSilu:
    case Act::kMish:
      return Big(-0.0);  // x phi(x), x s(x)(1 - s(x)) ...: negative, tending to 0
    case Act::kElu:
      return p.alpha < 0 ? Big(-0.0) : Big(0);
    default:
      return Big(0);
  }
}

float SlopeOf(Act act, const Params& p, size_t index) {
  if (act == Act::kPrelu || act == Act::kPreluGrad)  // no channels: slope 0, as the kernels
    return p.channels == 0 ? 0.0f : p.slopes[index % p.channels];
  if (act == Act::kLeakyRelu || act == Act::kLeakyReluGrad) return p.alpha;
  return 0.0f;
}

// dy * f'(x), rounded once.
RefValue GradReference(const Activation& a, float xf, float dy, const Params& p, size_t index) {
  if (std::isnan(xf) || std::isnan(dy)) return Exact(std::numeric_limits<double>::quiet_NaN());
  const float slope = SlopeOf(a.id, p, index);
  const Big d = std::isinf(xf) ? DerivativeAtInfinity(a.forward, xf > 0, slope, p)
                               : Derivative(a.forward, FromFloat(xf), slope, p);
  if (dy == 1.0f) return Round(d);
  if (std::isinf(dy)) {  // inf * f': inf with f's sign, NaN where f' is 0
    if (d == 0) return Exact(std::numeric_limits<double>::quiet_NaN());
    return Exact((d > 0) == (dy > 0) ? std::numeric_limits<double>::infinity()
                                     : -std::numeric_limits<double>::infinity());
  }
  return Round(FromFloat(dy) * d);
}

}  // namespace

RefValue GradientReference(Act act, float x, float dy, const Params& p, size_t index) {
  return GradReference(GetActivation(act), x, dy, p, index);
}

RefValue Reference(Act act, float xf, const Params& p, size_t index) {
  if (const Activation& a = GetActivation(act); a.backward) return GradReference(a, xf, 1.0f, p, index);
  if (std::isnan(xf)) return Exact(std::numeric_limits<double>::quiet_NaN());
  const float slope = SlopeOf(act, p, index);
  if (std::isinf(xf)) return AtInfinity(act, xf > 0, slope, p);

  const Big x = FromFloat(xf);
  switch (act) {
    case Act::kRelu:
      return Round(x < 0 ? Big(0) : x);
    case Act::kLeakyRelu:
    case Act::kPrelu:
      return Round(x < 0 ? FromFloat(slope) * x : x);
    case Act::kElu:
      return Round(x > 0 ? x : FromFloat(p.alpha) * mp::expm1(x));
    case Act::kSigmoid:
      return Round(SigmoidBig(x));
    case Act::kTanh:
      return Round(mp::tanh(x));
    case Act::kGelu: {
      static const Big kSqrt2 = mp::sqrt(Big(2));
      return Round(x / 2 * mp::erfc(-x / kSqrt2));
    }
    case Act::kGeluTanh: {
      // x/2 (1 + tanh(u)) = x * sigmoid(2u): the same real number, and the
      // sigmoid form does not cancel when tanh(u) is close to -1.
      static const Big kC = mp::sqrt(Big(2) / Pi());
      static const Big kCubic("0.044715");
      const Big u = kC * (x + kCubic * x * x * x);
      return Round(x * SigmoidBig(2 * u));
    }
    case Act::kGeluSigmoid:
      // The constant is the float 1.702f, as float32 code (PyTorch's
      // QuickGELU included) actually multiplies by.
      return Round(x * SigmoidBig(FromFloat(1.702f) * x));
    case Act::kSilu:
      return Round(x * SigmoidBig(x));
    case Act::kMish:
      return Round(x * mp::tanh(mp::log1p(mp::exp(x))));
    case Act::kSoftplus: {
      const Big beta = FromFloat(p.beta);
      const Big z = beta * x;
      if (z > FromFloat(p.threshold)) return Round(x);
      return Round(mp::log1p(mp::exp(z)) / beta);
    }
    case Act::kHardSigmoid:
      return Round(Relu6(x + 3) / 6);
    case Act::kHardSwish:
      return Round(x * Relu6(x + 3) / 6);
    default:
      break;
  }
  return Exact(std::numeric_limits<double>::quiet_NaN());
}

void ReleaseThreadCaches() { mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE); }

std::vector<RefValue> ReferenceArray(Act act, const std::vector<float>& in, const Params& p,
                                     unsigned threads, const std::vector<float>* dy) {
  std::vector<RefValue> out(in.size());
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(1, in.size() / 256)));
  auto work = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i)
      out[i] = dy != nullptr ? GradientReference(act, in[i], (*dy)[i], p, i) : Reference(act, in[i], p, i);
  };
  if (threads <= 1) {
    work(0, in.size());
    return out;
  }
  std::vector<std::thread> pool;
  const size_t chunk = (in.size() + threads - 1) / threads;
  for (unsigned t = 0; t < threads; ++t) {
    const size_t b = std::min(in.size(), t * chunk), e = std::min(in.size(), b + chunk);
    pool.emplace_back([&work, b, e] {
      work(b, e);
      ReleaseThreadCaches();
    });
  }
  for (auto& th : pool) th.join();
  return out;
}

}  // namespace actbench
