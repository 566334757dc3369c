// The double-precision reference with a decision test; see fast_reference.h
// and docs/exhaustive.md.
//
// What is relied on: glibc's double exp, expm1, log1p, tanh, erf and erfc are
// within a few ULP of double (glibc's published bounds: <= 2 ULP, erfc <= 5),
// i.e. relative errors below 2^-50. Every formula below adds at most a few
// roundings of 2^-53 each and no cancellation (the stable forms of
// impls/scalar/scalar_math.h, split as a + b where a is exact), so the value is
// declared accurate to 2^-48 relative (2^-46 for gelu, whose erfc carries the
// largest published error): a factor 4 to 16 of margin over the sum of the
// published bounds. The exhaustive tests check the bound against MPFR.
#include "accuracy/fast_reference.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "accuracy/ulp.h"

namespace actbench {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kRel = 0x1p-48;      // relative bound of most double paths
constexpr double kRelErfc = 0x1p-46;  // gelu (erfc)

struct DD {
  double hi, lo;
};

DD TwoSum(double a, double b) {
  const double s = a + b;
  const double bb = s - a;
  return {s, (a - (s - bb)) + (b - bb)};
}

DD TwoProd(double a, double b) {
  const double p = a * b;
  return {p, std::fma(a, b, -p)};
}

DD Mul(DD a, double b) {  // relative error ~2^-104
  const DD p = TwoProd(a.hi, b);
  return TwoSum(p.hi, p.lo + a.lo * b);
}

DD Mul(DD a, DD b) {
  const DD p = TwoProd(a.hi, b.hi);
  return TwoSum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}

DD Add(DD a, DD b) {  // same-sign operands only (no cancellation)
  const DD s = TwoSum(a.hi, b.hi);
  return TwoSum(s.hi, s.lo + a.lo + b.lo);
}

// 1/sqrt(2), 2 sqrt(2/pi), 0.044715 * 2 sqrt(2/pi) as double-doubles, and
// 2/sqrt(pi) (from MPFR at 300 bits).
constexpr DD kInvSqrt2 = {0x1.6a09e667f3bcdp-1, -0x1.bdd3413b26456p-55};
constexpr DD kA = {0x1.9884533d43651p+0, -0x1.cbc0d30ebfd15p-54};
constexpr DD kB = {0x1.2444f2a4d8b4bp-4, -0x1.6c843a29d1c7p-61};
constexpr double kTwoOverSqrtPi = 0x1.20dd750429b6dp+0;

// Bit-level stand-ins for nextafter, frexp, ilogb/ldexp and UlpOf in the
// decision test: the same values (finite, non-NaN arguments), without the
// libm calls that made up half of the reference's time.
uint64_t Bits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}
double FromBits(uint64_t b) {
  double d;
  std::memcpy(&d, &b, sizeof d);
  return d;
}
// nextafter(x, +inf) and nextafter(x, -inf), x not NaN.
double NextUp(double x) {
  if (x == kInf) return x;
  if (x == 0) return 0x1p-1074;
  const uint64_t b = Bits(x);
  return FromBits(x > 0 ? b + 1 : b - 1);
}
double NextDown(double x) { return -NextUp(-x); }
float NextUpF(float x) {
  if (x == std::numeric_limits<float>::infinity()) return x;
  if (x == 0) return 0x1p-149f;
  const uint32_t b = FloatBits(x);
  return FloatFromBits(x > 0 ? b + 1 : b - 1);
}
float NextDownF(float x) { return -NextUpF(-x); }
// a > 0 finite: a is a power of two (frexp(a) == 0.5).
bool IsPowerOfTwo(double a) {
  const uint64_t b = Bits(a), mant = b & ((uint64_t(1) << 52) - 1);
  return (b >> 52) != 0 ? mant == 0 : (mant & (mant - 1)) == 0;
}
// a > 0 finite: 2^floor(log2 a) (ldexp(1, ilogb(a))).
double PowerOfTwoBelow(double a) {
  const uint64_t b = Bits(a);
  if ((b >> 52) != 0) return FromBits(b & (uint64_t(0x7ff) << 52));
  return FromBits(uint64_t(1) << (63 - __builtin_clzll(b)));  // subnormal
}
// log2 UlpOf(a) (accuracy/ulp.h): the float binade's exponent, clamped to
// the subnormal spacing below and to the largest binade above.
int UlpKey(double a) {
  const int e = static_cast<int>((Bits(a) >> 52) & 0x7ff) - 1023;
  return e < -126 ? -126 : (e > 127 ? 127 : e);
}

// The decision test. The exact value f lies in [a + b - err, a + b + err].
// Decides the correctly rounded float of f and a double in f's float binade,
// or returns false.
bool Decide(double a, double b, double err, RefValue* out) {
  if (!std::isfinite(a) || !std::isfinite(b) || !std::isfinite(err)) return false;
  const DD s = b == 0 ? DD{a, 0.0} : TwoSum(a, b);  // a + b exactly (keeping a's zero sign)
  const double hi = s.hi, lo = s.lo;
  // Inflated so that the roundings of the two sums below stay inside it; the
  // absolute floor covers results that underflow in double (a subnormal
  // double has an absolute error up to 2^-1075 per operation).
  const double e = err * (1 + 0x1p-30) + 0x1p-1060;

  const double e2 = e + std::fabs(lo) * 0x1p-50;  // covers the rounding of lo -+ e

  // The common case first: f lies well inside the rounding cell of a normal
  // float r = (float)hi that is not a power of two. Then r is the rounding,
  // and the cell, so f's binade, lies inside r's binade: what the general
  // test below decides too (exact = hi, rounded = r).
  {
    const float r = static_cast<float>(hi);
    const uint32_t rb = FloatBits(r) & 0x7fffffffu;
    if (rb >= 0x00800000u && rb < 0x7f800000u && (rb & 0x007fffffu) != 0) {
      const double half = FromBits(uint64_t((rb >> 23) - 127 - 24 + 1023) << 52);  // ulp(r) / 2
      if (std::fabs(hi - static_cast<double>(r)) + std::fabs(lo) + e2 < half * (1 - 0x1p-20)) {
        out->exact = hi;
        out->rounded = r;
        return true;
      }
    }
  }

  // Rounding. The candidate is the rounding of hi nudged one double toward
  // lo (no midpoint lies strictly between hi and its neighbour, so this is
  // the rounding of hi + lo unless hi + lo is a midpoint). f must then lie
  // strictly between the midpoints (doubles) around the candidate, tested as
  // signs of (hi - edge) + (lo -+ e): hi - edge is exact when they are close.
  const double hn = lo > 0 ? NextUp(hi) : (lo < 0 ? NextDown(hi) : hi);
  const float rounded = static_cast<float>(hn);
  constexpr double kOverflow = static_cast<double>(std::numeric_limits<float>::max()) + 0x1p103;
  if (std::isinf(rounded)) {
    const double edge = rounded > 0 ? kOverflow : -kOverflow;
    if (!(rounded > 0 ? (hi - edge) + (lo - e2) > 0 : (hi - edge) + (lo + e2) < 0)) return false;
  } else {
    const float up = NextUpF(rounded);
    const float dn = NextDownF(rounded);
    const double up_edge = std::isinf(up) ? kOverflow : (static_cast<double>(rounded) + up) / 2;
    const double dn_edge = std::isinf(dn) ? -kOverflow : (static_cast<double>(rounded) + dn) / 2;
    if (!((hi - up_edge) + (lo + e2) < 0) || !((hi - dn_edge) + (lo - e2) > 0)) return false;
  }

  // Binade: |f| = |hi| + o + (error within e).
  const double ah = std::fabs(hi);
  const double o = hi < 0 ? -lo : lo;
  const bool power_of_two = ah != 0 && IsPowerOfTwo(ah);
  double rep;
  if (power_of_two) {
    const double below = NextDown(ah);
    // Reference() works at 201 bits: a value within 2^-200 (relative) of a
    // power of two is rounded to it there, and its exact double is then the
    // power of two itself. Match that; between 2^-206 and 2^-196 leave it to
    // the fallback. Signs of o -+ e are exact (a rounded sum is zero or of
    // the right sign).
    if (std::fabs(o) + e <= 0x1p-206 * ah)
      rep = ah;
    else if (o - e >= 0)
      rep = ah;
    else if (o + e < 0 && -(o + e) > 0x1p-196 * ah)
      rep = below;  // just below a power of two: the lower binade (as RNDZ gives)
    else if (UlpKey(below) == UlpKey(ah))
      rep = ah;
    else
      return false;
  } else {
    rep = ah;
    bool same = false;
    if (ah != 0) {
      // Inside [2^k, 2^(k+1)): the distances to both ends are exact doubles.
      const double p_dn = PowerOfTwoBelow(ah), p_up = 2 * p_dn;
      same = o + e2 < p_up - ah && o - e2 > p_dn - ah;
    }
    if (!same) {  // ulp is also constant below 2^-126 and above the largest float
      const double t = std::fabs(lo) + e2;
      const double m_lo = ah - t <= 0 ? 0.0 : NextDown(ah - t);
      const double m_hi = NextUp(ah + t);
      if (UlpKey(m_lo) != UlpKey(m_hi)) return false;
    }
  }
  out->exact = std::signbit(hi) ? -rep : rep;
  out->rounded = rounded;
  return true;
}

// f = A + dir * delta with 0 < delta < 2^-1000 |A|, A a float: rounds to A.
// Reference() works at 201 bits, where f rounds to A itself, so A is also the
// exact double it gives (and the binade, when A is a power of two).
RefValue Toward(double A, int dir) {
  if (A == 0) return {dir < 0 ? -0.0 : 0.0, dir < 0 ? -0.0f : 0.0f};
  return {A, static_cast<float>(A)};
}

RefValue ExactValue(double v) { return {v, static_cast<float>(v)}; }  // v exact in double

bool Relative(double y, double rel, RefValue* out) { return Decide(y, 0.0, std::fabs(y) * rel, out); }
bool Split(double a, double b, double rel, RefValue* out) {
  return Decide(a, b, std::fabs(b) * rel, out);
}

bool Elu(double x, const Params& p, RefValue* out) {
  const double alpha = p.alpha;
  if (!(alpha > 0) || !std::isfinite(alpha)) return false;
  if (x > 0) return *out = ExactValue(x), true;
  if (x == 0) return *out = ExactValue(alpha * x), true;  // -0 * alpha: -0
  if (x < -700) return *out = Toward(-alpha, +1), true;
  if (x < -1) return Split(-alpha, alpha * std::exp(x), kRel, out);  // alpha (e^x - 1)
  return Relative(alpha * std::expm1(x), kRel, out);
}

bool Sigmoid(double x, RefValue* out) {
  if (std::fabs(x) < 1) return Split(0.5, 0.5 * std::tanh(x / 2), kRel, out);  // 1/2 + tanh(x/2)/2
  if (x >= 0) {
    if (x > 700) return *out = Toward(1.0, -1), true;
    const double e = std::exp(-x);
    return Split(1.0, -e / (1 + e), kRel, out);  // 1 - e/(1+e)
  }
  const double e = std::exp(x);
  return Relative(e / (1 + e), kRel, out);
}

bool Tanh(double x, RefValue* out) {
  const double ax = std::fabs(x), s = x < 0 ? -1.0 : 1.0;
  if (ax < 0x1p-20) {
    // x - x^3/3 + 2x^5/15: the x^5 term is below 2^-38 of the cubic one.
    const double b = -(x * x * x) / 3;
    return Decide(x, b, std::fabs(b) * 0x1p-36, out);
  }
  if (ax < 0.55) return Relative(std::tanh(x), kRel, out);
  if (ax > 350) return *out = Toward(s, x < 0 ? +1 : -1), true;
  const double e = std::exp(-2 * ax);
  return Split(s, -s * (2 * e / (1 + e)), kRel, out);  // s (1 - 2e/(1+e))
}

// erfc(t) for t = hi + lo, lo tiny: erfc(hi) - lo * 2/sqrt(pi) * exp(-hi^2).
double ErfcDD(DD t) { return std::erfc(t.hi) - t.lo * kTwoOverSqrtPi * std::exp(-t.hi * t.hi); }

bool Gelu(double x, RefValue* out) {
  if (x >= 1) {
    if (x > 38) return *out = Toward(x, -1), true;  // x Phi(x), 1 - Phi(x) < 2^-1000
    const DD t = Mul(kInvSqrt2, x);
    return Split(x, -(x / 2) * ErfcDD(t), kRelErfc, out);  // x - x/2 erfc(x/sqrt2)
  }
  if (x > -1) {
    // x/2 + x/2 erf(x/sqrt2): the first term exact, the second relative.
    return Split(x / 2, (x / 2) * std::erf(x * kInvSqrt2.hi), kRelErfc, out);
  }
  const DD t = Mul(kInvSqrt2, -x);
  return Relative((x / 2) * ErfcDD(t), kRelErfc, out);
}

bool GeluTanh(double x, RefValue* out) {
  // z = 2u = x (a + b x^2) as a double-double (x^2 is exact).
  const DD z = Add(Mul(kA, x), Mul(kB, TwoProd(x * x, x)));
  if (std::fabs(x) < 1) {
    // x sigmoid(z) = x/2 + x/2 tanh(z/2); z's rounding costs 2^-53 relative.
    return Split(x / 2, (x / 2) * std::tanh(z.hi / 2), kRel, out);
  }
  if (x >= 1) {
    if (z.hi > 700) return *out = Toward(x, -1), true;
    // x - x sigmoid(-z); sigmoid(-hi - lo) = s (1 - lo sigmoid(hi)).
    const double e = std::exp(-z.hi), s = e / (1 + e);
    return Split(x, -x * (s * (1 - z.lo * (1 - s))), kRel, out);
  }
  const double e = std::exp(z.hi), s = e / (1 + e);
  if (s == 0) return Relative(x * s, kRel, out);  // -0 (z.lo may be huge here)
  return Relative(x * (s * (1 + z.lo * (1 - s))), kRel, out);
}

// x sigmoid(k x) for k > 0 (silu: k = 1; gelu_sigmoid: k = 1.702f; k x is
// exact in double).
bool XSigmoid(double x, double k, RefValue* out) {
  const double z = k * x;
  if (std::fabs(x) < 1) return Split(x / 2, (x / 2) * std::tanh(z / 2), kRel, out);
  if (x >= 1) {
    if (z > 700) return *out = Toward(x, -1), true;
    const double e = std::exp(-z);
    return Split(x, -x * (e / (1 + e)), kRel, out);
  }
  const double e = std::exp(z);
  return Relative(x * (e / (1 + e)), kRel, out);
}

bool Mish(double x, RefValue* out) {
  if (x >= 1) {
    if (x > 350) return *out = Toward(x, -1), true;
    // x n/(n+2) = x - x 2/(n+2), 2/(n+2) = 2e^2/(1 + 2e + 2e^2) with e = e^-x.
    const double e = std::exp(-x);
    return Split(x, -x * (2 * e * e / (1 + 2 * e + 2 * e * e)), kRel, out);
  }
  const double e = std::exp(x), n = e * (e + 2);
  return Relative(x * (n / (n + 2)), kRel, out);
}

bool Softplus(double x, const Params& p, RefValue* out) {
  const double beta = p.beta, thr = p.threshold;
  if (!(beta > 0) || !std::isfinite(beta) || std::isnan(thr)) return false;
  const double z = beta * x;  // exact: a product of two floats
  if (z > thr) return *out = ExactValue(x), true;
  if (z > 0) {
    if (z > 700) return *out = Toward(x, +1), true;
    return Split(x, std::log1p(std::exp(-z)) / beta, kRel, out);  // x + log1p(e^-z)/beta
  }
  return Relative(std::log1p(std::exp(z)) / beta, kRel, out);
}

bool HardSigmoid(double x, RefValue* out) {
  if (x <= -3) return *out = ExactValue(0.0), true;
  if (x >= 3) return *out = ExactValue(1.0), true;
  {
    // (x + 3)/6 exactly a double (x + 3 exact and a multiple of 3 at this
    // precision): millions of these are float midpoints, which no error
    // bound can decide. RN to float then rounds the exact value.
    const DD s = TwoSum(x, 3.0);
    const double q = s.hi / 6;
    if (s.lo == 0 && std::fma(q, 6.0, -s.hi) == 0) return *out = ExactValue(q), true;
  }
  if (x >= -1) {
    const double b = x / 6;  // (x + 3)/6 = 1/2 + x/6; one rounding, f >= 1/3
    return Decide(0.5, b, std::fabs(b) * 0x1p-52, out);
  }
  // Near -3, 1/2 + x/6 cancels: (x + 3)/6 as a double-double instead.
  const DD s = TwoSum(x, 3.0);
  const double q = s.hi / 6, rem = std::fma(-q, 6.0, s.hi);  // exact remainder
  const double q_lo = (rem + s.lo) / 6;
  return Decide(q, q_lo, std::fabs(q_lo) * 0x1p-50 + std::fabs(q) * 0x1p-100, out);
}

bool HardSwish(double x, RefValue* out) {
  if (x <= -3) return *out = ExactValue(-0.0), true;  // x * 0: -0
  if (x >= 3) return *out = ExactValue(x), true;
  if (x == 0) return *out = ExactValue(x), true;
  if (std::fabs(x) < 1) {
    const double b = (x * x) / 6;  // x (x + 3)/6 = x/2 + x^2/6; x^2 exact
    return Decide(x / 2, b, b * 0x1p-52, out);
  }
  // x (x + 3) as a double-double (it cancels near -3), then / 6.
  const DD s = TwoSum(x, 3.0);
  const DD pr = TwoProd(x, s.hi);
  const double p_lo = pr.lo + x * s.lo;
  const double q = pr.hi / 6, rem = std::fma(-q, 6.0, pr.hi);
  const double q_lo = (rem + p_lo) / 6;
  return Decide(q, q_lo, std::fabs(q_lo) * 0x1p-50 + std::fabs(q) * 0x1p-100, out);
}

// Backward activations: f'(x) (dy = 1), finite x. Where two terms of
// opposite signs meet (the roots of gelu', silu', mish' ...), the error bound
// is on the terms' magnitudes, so the decision test fails near the root and
// those inputs fall back to MPFR. Where f' underflows the double range with
// a known sign, the result is that signed zero, as Reference() rounds it.

// 1/(1 + e) and e/(1 + e) for e = e^-|z|: sigmoid(z) and sigmoid(-z).
struct SigmoidPair {
  double s, sm, e;
};
SigmoidPair Sigmoids(double z, double lo = 0) {
  // exp(-|z + lo|) = e^-|z| (1 - sign(z) lo) to second order (|lo| < 2^-40).
  double e = std::exp(-std::fabs(z));
  if (lo != 0) e *= 1 - (z < 0 ? -lo : lo);
  const double d = 1 + e;
  return z >= 0 ? SigmoidPair{1 / d, e / d, e} : SigmoidPair{e / d, 1 / d, e};
}

// a + b within err, where a and b may cancel: decided only while err stays
// below 2^-44 of |a + b|, so that the exact value is within 2^-20 ULP (as
// every decided value is; near a root of f' the inputs fall back).
bool Sum(double a, double b, double err, RefValue* out) {
  if (!(err <= std::fabs(a + b) * 0x1p-44)) return false;
  return Decide(a, b, err, out);
}
// x >= 0: 1 + b, b small: decided around 1.
bool NearOne(double b, double magnitude, double rel, RefValue* out) { return Sum(1.0, b, magnitude * rel, out); }
// Two terms that may cancel: a + b, error on |a| + |b|.
bool Terms(double a, double b, double rel, RefValue* out) {
  return Sum(a, b, (std::fabs(a) + std::fabs(b)) * rel, out);
}

constexpr double kRelGrad = 0x1p-47;  // a dozen roundings and the libm calls, 4x margin

// Near the roots of silu', gelu_sigmoid', mish', gelu' and gelu_tanh' the
// terms cancel and the double paths' bounds (on the terms' magnitudes) stop
// deciding within 0.07 to 0.25 of the root: millions of inputs, which took
// MPFR. The same forms in long double (the x87's 64-bit significand) then
// decide all but those within about 2^-11 of it: glibc's expl, erfl and
// tanhl are within a few ULP of that significand (its published maxima for
// x86-64 long double: at most 4, 2^-61), the forms add about a dozen
// roundings of 2^-64, and the bound on the terms' magnitudes is 2^-56 (a
// factor 8 of margin); the sum a + b is rounded once more (2^-64 of it).
// Returns what Sum does.
using LD = long double;
static_assert(std::numeric_limits<LD>::digits >= 64, "the bound below assumes the x87's 64-bit significand");
constexpr LD kRelLong = 0x1p-56L;
bool SumLong(LD a, LD b, LD magnitude, RefValue* out) {
  const LD s = a + b;
  const double hi = static_cast<double>(s), lo = static_cast<double>(s - hi);  // hi + lo = s exactly
  const LD err = magnitude * kRelLong + std::fabs(s) * 0x1p-64L;
  return Sum(hi, lo, static_cast<double>(err) * (1 + 0x1p-50), out);
}

// s + k x s (1 - s) for silu' (k = 1) and gelu_sigmoid' (k = 1.702f); kx exact.
bool XSigmoidGrad(double kx, RefValue* out) {
  if (std::fabs(kx) < 1) {
    // 1/2 + th/2 + kx (1 - th^2)/4, th = tanh(kx/2): around 1/2, whose
    // binade the terms (of one sign) decide.
    const double th = std::tanh(kx / 2), b = th / 2 + kx * (1 - th * th) / 4;
    return Sum(0.5, b, (std::fabs(th / 2) + std::fabs(kx) / 4) * kRelGrad, out);
  }
  const SigmoidPair p = Sigmoids(kx);
  if (kx >= 0) {
    const double t = kx * (p.s * p.sm);
    return NearOne(-p.sm + t, p.sm + t, kRelGrad, out);  // 1 - sm + kx s sm
  }
  if (p.e == 0) return *out = ExactValue(-0.0), true;  // s (1 + kx sm) < 0, below 2^-1074
  if (Terms(p.s, kx * (p.s * p.sm), kRelGrad, out)) return true;
  const LD e = expl(static_cast<LD>(kx)), d = 1 + e, s = e / d, t = kx * (s / d);  // the root z = -1.278
  return SumLong(s, t, s + std::fabs(t), out);
}

bool GeluGrad(double x, RefValue* out) {
  // Phi(x) + x phi(x), phi(x) = e^(-x^2/2)/sqrt(2 pi) (x^2 exact).
  const double phi = std::exp(-0.5 * (x * x)) * 0x1.9884533d43651p-2;  // 1/sqrt(2 pi)
  if (std::fabs(x) < 1) {
    // 1/2 + erf(x/sqrt2)/2 + x phi(x), around 1/2. erf (glibc: <= 1 ULP,
    // and |x erf'| <= 1 here, so the argument's rounding costs 2^-53)
    // carries less error than erfc: the 2^-48 of the other double paths.
    const double h = 0.5 * std::erf(x * kInvSqrt2.hi), t = x * phi;
    if (Sum(0.5, h + t, (std::fabs(h) + std::fabs(t)) * kRel, out)) return true;
    const LD xl = x, hl = 0.5L * erfl(xl * 0.707106781186547524400844362104849039L);  // the root x = -0.752
    const LD tl = xl * expl(-0.5L * (xl * xl)) * 0.398942280401432677939946059934381868L;
    return SumLong(0.5L, hl + tl, std::fabs(hl) + std::fabs(tl), out);
  }
  if (x >= 0) {
    // 1 - erfc(x/sqrt2)/2 + x phi(x).
    const double tail = 0.5 * ErfcDD(Mul(kInvSqrt2, x)), t = x * phi;
    return NearOne(t - tail, t + tail, kRelErfc, out);
  }
  // Phi(x) from the x87's erfcl (64-bit significand, its argument's rounding
  // 2^-64): the rounding to double dominates, and the sum, which cancels as
  // x nears -1 from below (the root -0.75 is in the branch above), gets the
  // 2^-48 bound, not erfc's 2^-46.
  const double cdf = static_cast<double>(0.5L * erfcl(-x * 0.707106781186547524400844362104849039L));
  const double t = x * phi;
  if (cdf == 0 && t == 0) return *out = ExactValue(-0.0), true;  // x phi(x) < 0 dominates
  return Terms(t, cdf, kRel, out);
}

bool GeluTanhGrad(double x, RefValue* out) {
  // z = 2u as a double-double; f' = s + x s (1 - s) (a + 3 b x^2) with
  // s = sigmoid(z), a = 2 sqrt(2/pi), b = 0.044715 a.
  const DD z = Add(Mul(kA, x), Mul(kB, TwoProd(x * x, x)));
  const double k = kA.hi + 3 * kB.hi * (x * x);
  if (std::fabs(x) < 1) {  // 1/2 + th/2 + x (1 - th^2) k/4, th = tanh(z/2): around 1/2
    const double th = std::tanh(z.hi / 2), h = th / 2, t = x * (1 - th * th) * k / 4;
    if (Sum(0.5, h + t, (std::fabs(h) + std::fabs(t)) * kRelGrad, out)) return true;
    // The root x = -0.752: in long double, z and k from their double-doubles.
    const LD xl = x, thl = tanhl((static_cast<LD>(z.hi) + z.lo) / 2);
    const LD kl = (static_cast<LD>(kA.hi) + kA.lo) + 3 * (static_cast<LD>(kB.hi) + kB.lo) * (xl * xl);
    const LD hl = thl / 2, tl = xl * (1 - thl * thl) * kl / 4;
    return SumLong(0.5L, hl + tl, std::fabs(hl) + std::fabs(tl), out);
  }
  const SigmoidPair p = Sigmoids(z.hi, z.lo);
  const double t = x * (p.s * p.sm) * k;
  if (x >= 0) return NearOne(-p.sm + t, p.sm + t, kRelGrad, out);
  if (p.e == 0) return *out = ExactValue(-0.0), true;
  return Terms(p.s, t, kRelGrad, out);
}

bool MishGrad(double x, RefValue* out) {
  if (x > 0) {
    // t = 1 - 2e^2/q, x s (1 - t^2) = 4x (1 + e) e^2/q^2, q = 1 + 2e + 2e^2.
    const double e = std::exp(-x), e2 = e * e, q = 1 + 2 * e + 2 * e2;
    const double a = 2 * e2 / q, t = 4 * x * (1 + e) * e2 / (q * q);
    return NearOne(t - a, t + a, kRelGrad, out);
  }
  // t = n/m, x s 4(n + 1)/m^2, n = e^x (e^x + 2), m = n + 2, s = e^x/(1 + e^x).
  const double ex = std::exp(x);
  if (ex == 0) return *out = ExactValue(-0.0), true;
  // About 12 roundings and one exp: under 2^-49 relative on each term.
  const double n = ex * (ex + 2), m = n + 2, s = ex / (1 + ex);
  if (Terms(n / m, x * s * (4 * (n + 1) / (m * m)), kRel, out)) return true;
  const LD el = expl(static_cast<LD>(x)), nl = el * (el + 2), ml = nl + 2;  // the root x = -1.192
  const LD a = nl / ml, b = x * (el / (1 + el)) * (4 * (nl + 1) / (ml * ml));
  return SumLong(a, b, a + std::fabs(b), out);
}

bool Grad(Act fwd, double x, const Params& p, size_t index, RefValue* out) {
  switch (fwd) {
    case Act::kRelu:
      return *out = ExactValue(x > 0 ? 1.0 : 0.0), true;
    case Act::kLeakyRelu:
    case Act::kPrelu: {
      const double slope =
          fwd == Act::kPrelu ? (p.channels == 0 ? 0.0 : p.slopes[index % p.channels]) : p.alpha;  // no channels: 0
      return *out = ExactValue(x > 0 ? 1.0 : slope), true;
    }
    case Act::kElu: {
      if (x > 0) return *out = ExactValue(1.0), true;
      if (!std::isfinite(p.alpha)) return false;
      const double alpha = p.alpha;
      if (x > -1) return Split(alpha, alpha * std::expm1(x), kRel, out);  // alpha (1 + expm1 x), near alpha
      return Relative(alpha * std::exp(x), kRel, out);
    }
    case Act::kSigmoid:
    case Act::kTanh: {
      if (std::fabs(x) < 0x1p-60) {
        // Reference(): c - d rounded once to its 201 bits (c = 1/4, d = x^2/16;
        // c = 1, d = x^2; d exact here). Just below c the 201-bit spacing is
        // 2^-203 (2^-201): c - d rounds to c when d is at most half of it
        // (ties to c, the even one), else lands below c, where its truncated
        // double is the double below c. The float is c either way.
        const double c = fwd == Act::kSigmoid ? 0.25 : 1.0;
        const double d = fwd == Act::kSigmoid ? x * x / 16 : x * x;
        const double half_spacing = fwd == Act::kSigmoid ? 0x1p-204 : 0x1p-202;
        *out = {d <= half_spacing ? c : NextDown(c), static_cast<float>(c)};
        return true;
      }
      if (std::fabs(x) < 1) {
        // sigmoid' = (1 - tanh^2(x/2))/4, tanh' = 1 - tanh^2(x): just below a power of two.
        const double th = std::tanh(fwd == Act::kSigmoid ? x / 2 : x);
        const double scale = fwd == Act::kSigmoid ? 0.25 : 1.0;
        return Split(scale, -scale * (th * th), kRel, out);
      }
      // e/(1 + e)^2, e = e^-|x| (sigmoid) or 4e/(1 + e)^2, e = e^-2|x| (tanh).
      const double e = std::exp(fwd == Act::kSigmoid ? -std::fabs(x) : -2 * std::fabs(x));
      const double d = e / ((1 + e) * (1 + e));
      return Relative(fwd == Act::kSigmoid ? d : 4 * d, kRel, out);
    }
    case Act::kGelu:
      return GeluGrad(x, out);
    case Act::kGeluTanh:
      return GeluTanhGrad(x, out);
    case Act::kSilu:
      return XSigmoidGrad(x, out);
    case Act::kGeluSigmoid:
      return XSigmoidGrad(static_cast<double>(1.702f) * x, out);
    case Act::kMish:
      return MishGrad(x, out);
    case Act::kSoftplus: {
      const double beta = p.beta, thr = p.threshold;
      if (!(beta > 0) || !std::isfinite(beta) || std::isnan(thr)) return false;
      const double z = beta * x;  // exact
      if (z > thr) return *out = ExactValue(1.0), true;
      // 1/2 + tanh(z/2)/2 near 0, whose side of 1/2 it keeps.
      if (std::fabs(z) < 1) return Split(0.5, 0.5 * std::tanh(z / 2), kRel, out);
      const SigmoidPair s = Sigmoids(z);
      if (z >= 0) return NearOne(-s.sm, s.sm, kRel, out);
      return Relative(s.s, kRel, out);
    }
    case Act::kHardSigmoid:
      if (x > -3 && x < 3) return Decide(1.0 / 6, 0.0, 0x1p-55, out);
      return *out = ExactValue(0.0), true;
    case Act::kHardSwish: {
      if (x < -3) return *out = ExactValue(0.0), true;
      if (x >= 3) return *out = ExactValue(1.0), true;
      // Small x: 1/2 + x/3, one rounding in b. Else x/3 + 1/2 = (x + 1.5)/3
      // with x + 1.5 exact (|x| >= 1: ulp(x) >= 2^-23); an exact quotient
      // decides itself (a float midpoint is no problem then).
      // 1/2 + x/3 is a float midpoint only where x/3 and 1/2 + x/3 are
      // exact doubles (x = 3 odd 2^-25 ...: millions of inputs), so an exact
      // sum is its own value and the rest is decided around it.
      if (std::fabs(x) < 1) {
        const double q = x / 3;
        if (std::fma(-q, 3.0, x) == 0) {
          const DD s = TwoSum(0.5, q);
          if (s.lo == 0) return *out = ExactValue(s.hi), true;
        }
        return Decide(0.5, q, std::fabs(q) * 0x1p-52, out);
      }
      const double sum = x + 1.5, q = sum / 3, rem = std::fma(-q, 3.0, sum);
      if (rem == 0) return *out = ExactValue(q), true;
      const double q_lo = rem / 3;
      return Decide(q, q_lo, std::fabs(q_lo) * 0x1p-50 + std::fabs(q) * 0x1p-100, out);
    }
    default:
      return false;
  }
}

}  // namespace

bool DecideValue(double a, double b, double err, RefValue* out) { return Decide(a, b, err, out); }

double FastRelativeBound(Act act) {
  if (GetActivation(act).backward) return GetActivation(act).forward == Act::kGelu ? kRelErfc : kRelGrad;
  return act == Act::kGelu ? kRelErfc : kRel;
}

bool FastReference(Act act, float xf, const Params& p, size_t index, RefValue* out) {
  if (!std::isfinite(xf)) {
    *out = Reference(act, xf, p, index);  // NaN and the limits: no multiprecision
    return true;
  }
  const double x = xf;
  if (const Activation& a = GetActivation(act); a.backward) return Grad(a.forward, x, p, index, out);
  if (xf == 0) {  // exact values, signs of zero as Reference() gives them
    switch (act) {
      case Act::kSigmoid:
      case Act::kHardSigmoid:
        *out = ExactValue(0.5);
        return true;
      case Act::kTanh:
      case Act::kGelu:
      case Act::kGeluTanh:
      case Act::kSilu:
      case Act::kGeluSigmoid:
      case Act::kHardSwish:
        *out = ExactValue(x);
        return true;
      default:
        break;
    }
  }
  switch (act) {
    case Act::kRelu:
      *out = ExactValue(xf < 0 ? 0.0 : x);
      return true;
    case Act::kLeakyRelu:
    case Act::kPrelu: {
      const double slope =
          act == Act::kPrelu ? (p.channels == 0 ? 0.0 : p.slopes[index % p.channels]) : p.alpha;  // no channels: 0
      *out = ExactValue(xf < 0 ? slope * x : x);  // 24 x 24 bits: exact in double
      return true;
    }
    case Act::kElu:
      return Elu(x, p, out);
    case Act::kSigmoid:
      return Sigmoid(x, out);
    case Act::kTanh:
      return Tanh(x, out);
    case Act::kGelu:
      return Gelu(x, out);
    case Act::kGeluTanh:
      return GeluTanh(x, out);
    case Act::kSilu:
      return XSigmoid(x, 1.0, out);
    case Act::kGeluSigmoid:
      return XSigmoid(x, static_cast<double>(1.702f), out);
    case Act::kMish:
      return Mish(x, out);
    case Act::kSoftplus:
      return Softplus(x, p, out);
    case Act::kHardSigmoid:
      return HardSigmoid(x, out);
    case Act::kHardSwish:
      return HardSwish(x, out);
    default:
      return false;  // an activation without a double path: always the fallback
  }
}

RefValue ZivReference(Act act, float x, const Params& p, size_t index, bool* fell_back) {
  RefValue r;
  *fell_back = !FastReference(act, x, p, index, &r);
  if (*fell_back) r = Reference(act, x, p, index);
  return r;
}

}  // namespace actbench
