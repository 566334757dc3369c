#include "accuracy/reference.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

#include <boost/multiprecision/mpfr.hpp>

namespace actbench {
namespace {

namespace mp = boost::multiprecision;
// 60 decimal digits = 200 bits. Expression templates off: every operation
// rounds to 200 bits, as written.
using Big = mp::number<mp::mpfr_float_backend<60>, mp::et_off>;

Big FromFloat(float f) { return Big(static_cast<double>(f)); }  // exact

RefValue Round(const Big& v) {
  // Straight from 200 bits to each format, never float via double. The double
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
  }
  return Exact(std::numeric_limits<double>::quiet_NaN());
}

Big Relu6(const Big& v) { return v < 0 ? Big(0) : (v > 6 ? Big(6) : v); }

}  // namespace

RefValue Reference(Act act, float xf, const Params& p, size_t index) {
  if (std::isnan(xf)) return Exact(std::numeric_limits<double>::quiet_NaN());
  const float slope =
      act == Act::kPrelu ? p.slopes[index % p.channels] : (act == Act::kLeakyRelu ? p.alpha : 0.0f);
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
  }
  return Exact(std::numeric_limits<double>::quiet_NaN());
}

void ReleaseThreadCaches() { mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE); }

std::vector<RefValue> ReferenceArray(Act act, const std::vector<float>& in, const Params& p,
                                     unsigned threads) {
  std::vector<RefValue> out(in.size());
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(1, in.size() / 256)));
  auto work = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) out[i] = Reference(act, in[i], p, i);
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
