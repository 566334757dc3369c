// Building blocks for the Highway kernels: exp, expm1 and log1p pieces,
// division with a compensated denominator, and the loop that applies a
// per-vector function to any n. Compiled once per target (foreach_target).
//
// Polynomial coefficients are Taylor coefficients 1/k! (exp family) and
// 1/(2k+1) (atanh series), exact to float rounding; the truncation error of
// each is bounded in the comment beside it.

// Per-target include guard (the toggle idiom of Highway's own -inl.h files).
#if defined(ACTBENCH_IMPLS_SIMD_MATH_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTBENCH_IMPLS_SIMD_MATH_INL_H_
#undef ACTBENCH_IMPLS_SIMD_MATH_INL_H_
#else
#define ACTBENCH_IMPLS_SIMD_MATH_INL_H_
#endif

#include <cstddef>
#include <cstring>

#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace actbench {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using DF = hn::ScalableTag<float>;
using VF = hn::Vec<DF>;
using DI = hn::RebindToSigned<DF>;
using VI = hn::Vec<DI>;

// Applies op (a functor VF(VF v, size_t index_of_first_lane)) to n floats.
// Whole vectors are loaded and stored unaligned; the last partial vector goes
// through a stack buffer, so no lane past n is ever read or written. In place
// is fine (no restrict): each vector is loaded before its store.
template <class Op>
HWY_INLINE void ForEachVector(const float* in, float* out, size_t n, const Op& op) {
  const DF d;
  const size_t N = hn::Lanes(d);
  size_t i = 0;
  for (; i + 2 * N <= n; i += 2 * N) {  // two vectors per step: independent chains
    const VF a = hn::LoadU(d, in + i), b = hn::LoadU(d, in + i + N);
    hn::StoreU(op(a, i), d, out + i);
    hn::StoreU(op(b, i + N), d, out + i + N);
  }
  for (; i + N <= n; i += N) hn::StoreU(op(hn::LoadU(d, in + i), i), d, out + i);
  if (i < n) {
    HWY_ALIGN float buf[HWY_MAX_BYTES / sizeof(float)] = {};
    std::memcpy(buf, in + i, (n - i) * sizeof(float));
    hn::Store(op(hn::Load(d, buf), i), d, buf);
    std::memcpy(out + i, buf, (n - i) * sizeof(float));
  }
}

// 2^n for integer n in [-126, 127], built in the exponent field.
HWY_INLINE VF Pow2I(VI n) {
  const DF d;
  const DI di;
  return hn::BitCast(d, hn::ShiftLeft<23>(hn::Add(n, hn::Set(di, 127))));
}

// v * 2^n for n in [-254, 254], in two exact steps so that a result in the
// subnormal range is rounded once, by the last multiply, instead of flushed.
HWY_INLINE VF Scale(VF v, VI n) {
  const VI half = hn::ShiftRight<1>(n);  // floor(n / 2): arithmetic shift
  return hn::Mul(hn::Mul(v, Pow2I(half)), Pow2I(hn::Sub(n, half)));
}

// e^r - 1 for |r| <= ln2/2, as r + r^2 q(r) with q the Taylor series to r^5
// (degree 7 overall): truncation r^8/8! <= 5.2e-9 relative, 0.09 ULP.
HWY_INLINE VF Expm1Reduced7(VF r) {
  const DF d;
  const VF r2 = hn::Mul(r, r);
  // q = 1/2 + r/6 + r^2/24 + r^3/120 + r^4/720 + r^5/5040 (Estrin's scheme).
  const VF a = hn::MulAdd(hn::Set(d, 1.0f / 6), r, hn::Set(d, 0.5f));
  const VF b = hn::MulAdd(hn::Set(d, 1.0f / 120), r, hn::Set(d, 1.0f / 24));
  const VF c = hn::MulAdd(hn::Set(d, 1.0f / 5040), r, hn::Set(d, 1.0f / 720));
  const VF q = hn::MulAdd(hn::MulAdd(c, r2, b), r2, a);
  return hn::MulAdd(r2, q, r);
}

// The same to degree 6 (truncation r^7/7! <= 1.2e-7 relative, about 2 ULP).
HWY_INLINE VF Expm1Reduced6(VF r) {
  const DF d;
  const VF r2 = hn::Mul(r, r);
  const VF a = hn::MulAdd(hn::Set(d, 1.0f / 6), r, hn::Set(d, 0.5f));
  const VF b = hn::MulAdd(hn::Set(d, 1.0f / 720), r, hn::Set(d, 1.0f / 120));
  const VF q = hn::MulAdd(hn::MulAdd(b, r, hn::Set(d, 1.0f / 24)), r2, a);
  return hn::MulAdd(r2, q, r);
}

// Cody-Waite split of ln2 ("rr2"): kLn2Hi has 16 significant bits, so n*kLn2Hi
// is exact for |n| < 2^8 and x - n*kLn2Hi is exact without FMA too.
constexpr float kLog2e = 1.44269504088896341f;
constexpr float kLn2Hi = 0.693145751953125f;
constexpr float kLn2Lo = 1.42860682030941723212e-6f;

// e^x as t and n with e^x = (1 + t) 2^n, |t| <= 0.415, for x in [-150, 89]
// (callers clamp). Range reduction rr2, degree-7 polynomial.
struct ExpParts {
  VF t;  // e^r - 1
  VI n;
};
HWY_INLINE ExpParts ExpReduce7(VF x) {
  const DF d;
  const DI di;
  const VF n = hn::Round(hn::Mul(x, hn::Set(d, kLog2e)));
  VF r = hn::NegMulAdd(n, hn::Set(d, kLn2Hi), x);
  r = hn::NegMulAdd(n, hn::Set(d, kLn2Lo), r);
  return {Expm1Reduced7(r), hn::ConvertTo(di, n)};
}

// e^x within about 0.6 ULP for every float x, subnormal results included
// (rounded once, not flushed), 0 below -104, +inf above 88.73, NaN kept.
HWY_INLINE VF ExpAccurate(VF x) {
  const DF d;
  const VF xc = hn::Min(hn::Max(x, hn::Set(d, -150.0f)), hn::Set(d, 89.0f));
  const ExpParts e = ExpReduce7(xc);
  const VF p = hn::Add(hn::Set(d, 1.0f), e.t);
  return hn::IfThenElse(hn::IsNaN(x), x, Scale(p, e.n));
}

// e^x with one-constant reduction ("rr1") and a degree-6 polynomial: about
// 2 ULP, and 0 for x < -87.33 where the result would be subnormal (flushed).
HWY_INLINE VF ExpFast(VF x) {
  const DF d;
  const DI di;
  const VF xc = hn::Min(hn::Max(x, hn::Set(d, -87.3f)), hn::Set(d, 88.73f));
  const VF n = hn::Round(hn::Mul(xc, hn::Set(d, kLog2e)));
  const VF r = hn::NegMulAdd(n, hn::Set(d, 0.693147180559945309f), xc);
  const VF s = Pow2I(hn::ConvertTo(di, n));  // n = 128 gives the +inf pattern
  const VF y = hn::MulAdd(Expm1Reduced6(r), s, s);
  const VF flushed = hn::IfThenZeroElse(hn::Lt(x, hn::Set(d, -87.3f)), y);
  return hn::IfThenElse(hn::IsNaN(x), x, flushed);
}

// expm1(x) for x <= 88 (callers clamp): the polynomial itself for
// |x| <= ln2/2 (exact leading term, no cancellation near 0), else
// 2^n t + (2^n - 1), where 2^n - 1 is exact for -24 <= n <= 24.
template <bool kAccurate>
HWY_INLINE VF Expm1(VF x) {
  const DF d;
  const DI di;
  const VF xc = hn::Max(x, hn::Set(d, -88.0f));  // expm1(-88) rounds to -1
  const VF n = hn::Round(hn::Mul(xc, hn::Set(d, kLog2e)));
  VF r = hn::NegMulAdd(n, hn::Set(d, kLn2Hi), xc);
  r = hn::NegMulAdd(n, hn::Set(d, kLn2Lo), r);
  const VF t = kAccurate ? Expm1Reduced7(r) : Expm1Reduced6(r);
  const VF s = Pow2I(hn::ConvertTo(di, n));
  const VF big = hn::MulAdd(s, t, hn::Sub(s, hn::Set(d, 1.0f)));
  const VF small = kAccurate ? Expm1Reduced7(xc) : Expm1Reduced6(xc);
  const VF y = hn::IfThenElse(hn::Eq(n, hn::Zero(d)), small, big);
  return hn::IfThenElse(hn::IsNaN(x), x, y);
}

// num / den with den = hi + lo known to more than float precision (lo is the
// rounding error of hi). With FMA: a reciprocal refined by two Newton steps,
// q = num r, then one residual step q + r (num - q hi - q lo), whose residual
// is exact; no division instruction (slow on AVX-512), and 0.1-0.2 ULP more
// accurate than a division. Without FMA the residual would round: there,
// q = num / hi corrected by q lo / hi.
HWY_INLINE VF DivCompensated(VF num, VF hi, VF lo) {
#if HWY_NATIVE_FMA
  const DF d;
  const VF one = hn::Set(d, 1.0f);
  VF r = hn::ApproximateReciprocal(hi);
  r = hn::MulAdd(r, hn::NegMulAdd(hi, r, one), r);
  r = hn::MulAdd(r, hn::NegMulAdd(hi, r, one), r);
  const VF q = hn::Mul(num, r);
  const VF res = hn::NegMulAdd(q, lo, hn::NegMulAdd(q, hi, num));
  return hn::MulAdd(r, res, q);
#else
  const VF q = hn::Div(num, hi);
  return hn::NegMulAdd(q, hn::Mul(lo, hn::ApproximateReciprocal(hi)), q);
#endif
}

// a + b as hi + lo exactly (Fast2Sum on the larger magnitude first).
struct Sum2 {
  VF hi, lo;
};
HWY_INLINE Sum2 TwoSum(VF a, VF b) {
  const VF hi = hn::Add(a, b);
  const VF bv = hn::Sub(hi, a);
  const VF av = hn::Sub(hi, bv);
  return {hi, hn::Add(hn::Sub(a, av), hn::Sub(b, bv))};
}

// 1 / d with one Newton-Raphson step after the hardware estimate (rcp14 on
// AVX-512: 2^-28 relative after the step; rcpps elsewhere: about 2^-22).
HWY_INLINE VF ReciprocalNR1(VF den) {
  const DF d;
  const VF r = hn::ApproximateReciprocal(den);
  return hn::MulAdd(r, hn::NegMulAdd(den, r, hn::Set(d, 1.0f)), r);
}

// log1p(u) for u in [0, 1] within about 1 ULP. Small u (< 1/16): the series
// u (1 - u/2 + u^2/3 - ... + u^6/7), truncation u^7/8 < 4.4e-10 relative.
// Otherwise log(1+u) = k ln2 + 2 atanh(s), s = f/(2+f), f = m - 1 with
// 1 + u = 2^k m, m in [0.70, 1.42], |s| <= 0.1716; series to s^11
// (truncation s^12/13 < 1.3e-10 relative), arranged as f - s (f - R) as in
// fdlibm's log; c = u - ((1+u) - 1) restores the bits lost forming 1 + u.
HWY_INLINE VF Log1pUnit(VF u) {
  const DF d;
  const VF one = hn::Set(d, 1.0f);
  // Small branch.
  VF ps = hn::MulAdd(hn::Set(d, 1.0f / 7), u, hn::Set(d, -1.0f / 6));
  ps = hn::MulAdd(ps, u, hn::Set(d, 1.0f / 5));
  ps = hn::MulAdd(ps, u, hn::Set(d, -1.0f / 4));
  ps = hn::MulAdd(ps, u, hn::Set(d, 1.0f / 3));
  ps = hn::MulAdd(ps, u, hn::Set(d, -0.5f));
  const VF small = hn::MulAdd(hn::Mul(ps, u), u, u);
  // Large branch.
  const VF y = hn::Add(one, u);
  const VF c = hn::Sub(u, hn::Sub(y, one));
  const auto gt = hn::Gt(y, hn::Set(d, 1.41421356f));
  const VF m = hn::IfThenElse(gt, hn::Mul(y, hn::Set(d, 0.5f)), y);
  const VF k = hn::IfThenElseZero(gt, one);
  const VF f = hn::Sub(m, one);  // exact: m in [0.70, 1.42]
  const VF s = hn::Div(f, hn::Add(hn::Set(d, 2.0f), f));
  const VF s2 = hn::Mul(s, s);
  // log(1+f) = 2s + 2s^3/3 + ... = f - s (f - R), R = 2s^2/3 + 2s^4/5 + ...:
  // the leading f is exact and only the small correction s (f - R) rounds.
  VF pl = hn::MulAdd(hn::Set(d, 2.0f / 11), s2, hn::Set(d, 2.0f / 9));
  pl = hn::MulAdd(pl, s2, hn::Set(d, 2.0f / 7));
  pl = hn::MulAdd(pl, s2, hn::Set(d, 2.0f / 5));
  pl = hn::MulAdd(pl, s2, hn::Set(d, 2.0f / 3));
  const VF R = hn::Mul(pl, s2);
  const VF logm = hn::NegMulAdd(s, hn::Sub(f, R), f);
  // k ln2 (hi part exact) + (log m + k ln2_lo + c/y).
  const VF tail = hn::MulAdd(k, hn::Set(d, kLn2Lo), hn::Div(c, y));
  const VF large = hn::MulAdd(k, hn::Set(d, kLn2Hi), hn::Add(logm, tail));
  return hn::IfThenElse(hn::Lt(u, hn::Set(d, 0.0625f)), small, large);
}

}  // namespace HWY_NAMESPACE
}  // namespace actbench
HWY_AFTER_NAMESPACE();

#endif  // ACTBENCH_IMPLS_SIMD_MATH_INL_H_
