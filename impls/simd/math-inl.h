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

// On the per-vector lambdas handed to ForEachVector, ForEachVector2 and
// InDouble: GCC otherwise keeps the larger ones out of line, and then every
// vector pays a call and reloads each constant of the kernel (measured on
// sigmoid_grad/rr2-p7-cosh-div, AVX2: 0.66 G/s out of line).
#ifndef ACTBENCH_VECTOR_OP
#define ACTBENCH_VECTOR_OP __attribute__((always_inline))
#endif

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
// is fine (no restrict): each vector is loaded before its store. Four vectors
// per step give the core independent chains (one and two measured slower for
// the accurate sigmoid); one lane at a time (HWY_SCALAR) gains nothing from
// that, and fewer copies of op let the compiler inline it there.
template <class Op>
HWY_INLINE void ForEachVector(const float* in, float* out, size_t n, const Op& op) {
  constexpr bool kUnroll = HWY_TARGET != HWY_SCALAR;
  const DF d;
  const size_t N = hn::Lanes(d);
  size_t i = 0;
  if constexpr (kUnroll) {
    for (; i + 4 * N <= n; i += 4 * N) {
      const VF a = hn::LoadU(d, in + i), b = hn::LoadU(d, in + i + N);
      const VF c = hn::LoadU(d, in + i + 2 * N), e = hn::LoadU(d, in + i + 3 * N);
      hn::StoreU(op(a, i), d, out + i);
      hn::StoreU(op(b, i + N), d, out + i + N);
      hn::StoreU(op(c, i + 2 * N), d, out + i + 2 * N);
      hn::StoreU(op(e, i + 3 * N), d, out + i + 3 * N);
    }
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
//
// Estrin's scheme on FMA targets (shortest chain). Its r^2 is subnormal for
// |r| < 2^-63 (wherever x itself is that small), and every operation with a
// subnormal operand or result costs a microcode assist. Without FMA the
// assists are dearer (one per lane on SCALAR) and throughput, not latency,
// bounds the loop: there q goes by Horner's scheme and r^2 q as r (r q),
// with q r >= 2^-13 |r| normal down to |r| = 2^-113. Measured per element,
// 2^-77 < |x| < 2^-63, silu/rr2-p7-div: SCALAR 213 -> 78 ns, SSE4 54 -> 20
// ns; on AVX3 Horner's longer chain cost 10-20% of throughput everywhere, for
// 14 binades of 15x slower inputs.
template <size_t kDegree>
HWY_INLINE VF Expm1Reduced(VF r) {
  static_assert(kDegree == 6 || kDegree == 7, "degree 6 or 7");
  const DF d;
#if HWY_NATIVE_FMA
  const VF r2 = hn::Mul(r, r);
  const VF a = hn::MulAdd(hn::Set(d, 1.0f / 6), r, hn::Set(d, 0.5f));
  VF q;
  if constexpr (kDegree == 7) {
    // q = 1/2 + r/6 + r^2/24 + r^3/120 + r^4/720 + r^5/5040.
    const VF b = hn::MulAdd(hn::Set(d, 1.0f / 120), r, hn::Set(d, 1.0f / 24));
    const VF c = hn::MulAdd(hn::Set(d, 1.0f / 5040), r, hn::Set(d, 1.0f / 720));
    q = hn::MulAdd(hn::MulAdd(c, r2, b), r2, a);
  } else {
    const VF b = hn::MulAdd(hn::Set(d, 1.0f / 720), r, hn::Set(d, 1.0f / 120));
    q = hn::MulAdd(hn::MulAdd(b, r, hn::Set(d, 1.0f / 24)), r2, a);
  }
  return hn::MulAdd(r2, q, r);
#else
  VF q = hn::Set(d, kDegree == 7 ? 1.0f / 5040 : 1.0f / 720);
  if constexpr (kDegree == 7) q = hn::MulAdd(q, r, hn::Set(d, 1.0f / 720));
  for (float c : {1.0f / 120, 1.0f / 24, 1.0f / 6, 0.5f}) q = hn::MulAdd(q, r, hn::Set(d, c));
  return hn::MulAdd(r, hn::Mul(r, q), r);
#endif
}

HWY_INLINE VF Expm1Reduced7(VF r) { return Expm1Reduced<7>(r); }

// The same to degree 6 (truncation r^7/7! <= 1.2e-7 relative, about 2 ULP).
HWY_INLINE VF Expm1Reduced6(VF r) { return Expm1Reduced<6>(r); }

// Cody-Waite split of ln2 ("rr2"): kLn2Hi has 16 significant bits, so n*kLn2Hi
// is exact for |n| < 2^8 and x - n*kLn2Hi is exact without FMA too.
constexpr float kLog2e = 1.44269504088896341f;
constexpr float kLn2Hi = 0.693145751953125f;
constexpr float kLn2Lo = 1.42860682030941723212e-6f;

// 1.5 * 2^23: v + kRoundMagic rounds v to an integer (for |v| < 2^22), whose
// two's-complement value sits in the low mantissa bits.
constexpr float kRoundMagic = 12582912.0f;

// AVX-512 has vscalefps (v 2^floor(n) with one rounding, subnormal results
// included) and a 14-bit reciprocal estimate; elsewhere 2^n is built in the
// exponent field and the estimate has 12 bits.
#undef ACTBENCH_HAVE_SCALEF
#if HWY_TARGET <= HWY_AVX3 && HWY_ARCH_X86
#define ACTBENCH_HAVE_SCALEF 1
#else
#define ACTBENCH_HAVE_SCALEF 0
#endif

// round(x log2e) as a float, by the magic-number trick: one fused
// multiply-add and a subtraction instead of a multiply, a round-to-integer
// (two uops on x86) and a conversion. Without FMA the product rounds first,
// which can move n by one at a tie: |x - n ln2| stays within ln2/2 + 2^-20.
HWY_INLINE VF RoundLog2e(VF x) {
  const DF d;
  const VF magic = hn::Set(d, kRoundMagic);
  return hn::Sub(hn::MulAdd(x, hn::Set(d, kLog2e), magic), magic);
}

// x - n ln2 in two exact-ish steps (rr2); |n| < 2^8.
HWY_INLINE VF ReduceLn2(VF x, VF n) {
  const DF d;
  const VF r = hn::NegMulAdd(n, hn::Set(d, kLn2Hi), x);
  return hn::NegMulAdd(n, hn::Set(d, kLn2Lo), r);
}

// An integral float n (|n| < 2^22) as an integer, without the range checks
// of a general conversion: the bits of n + kRoundMagic less those of the magic.
HWY_INLINE VI ToInt(VF n) {
  const DF d;
  const DI di;
  const VF magic = hn::Set(d, kRoundMagic);
  return hn::Sub(hn::BitCast(di, hn::Add(n, magic)), hn::BitCast(di, magic));
}

// v 2^n for integral n in [-254, 254] (n = +-inf and larger |n| too with
// scalef), rounded once: results in the subnormal range are rounded, not
// flushed, and overflow gives inf.
HWY_INLINE VF Ldexp(VF v, VF n) {
#if ACTBENCH_HAVE_SCALEF
  return VF{_mm512_scalef_ps(v.raw, n.raw)};
#else
  return Scale(v, ToInt(n));
#endif
}

// e^x as t and n with e^x = (1 + t) 2^n, |t| <= 0.415, for x in [-150, 89]
// (callers clamp). Range reduction rr2, degree-7 polynomial.
struct ExpParts {
  VF t;  // e^r - 1
  VF n;  // integral
};
HWY_INLINE ExpParts ExpReduce7(VF x) {
  const VF n = RoundLog2e(x);
  return {Expm1Reduced7(ReduceLn2(x, n)), n};
}

// e^r for |r| <= 0.3466 (r = x - n ln2, ties included), Horner's scheme.
// Near-minimax (Chebyshev) fit from tools/fit_poly, float coefficients:
//   fit_poly exp -0.3466 0.3466 6: max relative error 2.03e-08 (0.34 ULP of 2^-24)
// (degree 5 would leave 1.63e-07, 2.74 ULP of 2^-24: too much even for the
// fast variants' budget.)
constexpr float kExpP6[7] = {1.0f, 1.0f, 0.5f, 0.166664153f, 0.0416663513f, 0.00837513246f, 0.00139411166f};
// The accurate variants' degree 7 (one FMA more, 0.3 ULP less: the exhaustive
// sweep found softplus at 2.05 ULP with p6):
//   fit_poly exp -0.3466 0.3466 7: max relative error 2.07e-09 (0.03 ULP of 2^-24)
constexpr float kExpP7[8] = {1.0f, 1.0f, 0.5f, 0.166666672f, 0.0416662171f, 0.00833328348f, 0.0013948587f,
                             0.000199075788f};

template <size_t kN>
HWY_INLINE VF Horner(VF r, const float (&c)[kN]) {
  const DF d;
  VF p = hn::Set(d, c[kN - 1]);
  for (size_t k = kN - 1; k-- > 0;) p = hn::MulAdd(p, r, hn::Set(d, c[k]));
  return p;
}

// NaN in gives NaN out: Min/Max on x86 drop a NaN, so kernels that clamp put
// the input's NaN back at the end (float or double lanes).
template <class V>
HWY_INLINE V KeepNaN(V x, V y) {
#if HWY_TARGET == HWY_SCALAR
  return V(x.raw != x.raw ? x.raw : y.raw);  // one compare, no trip through an integer
#else
  return hn::IfThenElse(hn::IsNaN(x), x, y);
#endif
}

// max(x, lo) and min(x, hi) that keep a NaN x: x86's max and min return
// their second operand when either is NaN, so x goes second; elsewhere the
// NaN is put back. On HWY_SCALAR a plain comparison does both (Highway's
// scalar Max/Min test each operand for NaN, and IsNaN goes through an
// integer: the rational tanh ran 1.5 times slower there); the results are
// the same, a tie of signed zeros included (the bound is returned).
#undef ACTBENCH_X86_MINMAX
#if HWY_ARCH_X86 && HWY_TARGET != HWY_SCALAR && HWY_TARGET != HWY_EMU128
#define ACTBENCH_X86_MINMAX 1
#else
#define ACTBENCH_X86_MINMAX 0
#endif
template <class V>
HWY_INLINE V AtLeast(V x, V lo) {
#if HWY_TARGET == HWY_SCALAR
  return V(!(x.raw <= lo.raw) ? x.raw : lo.raw);  // NaN x: x; a tie: lo, as Highway's Max
#elif ACTBENCH_X86_MINMAX
  return hn::Max(lo, x);
#else
  return KeepNaN(x, hn::Max(x, lo));
#endif
}
template <class V>
HWY_INLINE V AtMost(V x, V hi) {
#if HWY_TARGET == HWY_SCALAR
  return V(x.raw < hi.raw || x.raw != x.raw ? x.raw : hi.raw);  // NaN x: x; a tie: hi, as Highway's Min
#elif ACTBENCH_X86_MINMAX
  return hn::Min(hi, x);
#else
  return KeepNaN(x, hn::Min(x, hi));
#endif
}

// -|x| clamped below at lo, NaN kept. (AVX-512's vrangeps would do both in
// one instruction, but returns lo for a quiet NaN x.)
HWY_INLINE VF NegAbsAtLeast(VF x, float lo) {
  const DF d;
  return AtLeast(hn::Or(x, hn::Set(d, -0.0f)), hn::Set(d, lo));
}

// e^x with one-constant reduction ("rr1") and the degree-6 polynomial, for
// x <= 88.7 (callers clamp above): about 2 ULP where n ln2's rounding (|n| 2e-9
// absolute in r) stays small, i.e. for x >= -87; further down the outputs are
// subnormal and rounded once by Ldexp. 0 below -150; NaN kept.
HWY_INLINE VF ExpFast(VF x) {
  const DF d;
  const VF xc = hn::Max(x, hn::Set(d, -150.0f));
  const VF n = RoundLog2e(xc);
  const VF r = hn::NegMulAdd(n, hn::Set(d, 0.693147180559945309f), xc);
  return KeepNaN(x, Ldexp(Horner(r, kExpP6), n));
}

// e^-|z|: accurate (kAccurate) with rr2 and the degree-7 polynomial, fast
// with rr1 (one rounded n ln2: needs FMA, and loses bits for large |z|) and
// degree 6; rounded once by Ldexp (subnormal results kept), 0 below
// z = -150, NaN kept. The exp of sigmoid and softplus.
template <bool kAccurate>
HWY_INLINE VF ExpNegAbs(VF z) {
  const DF d;
  const VF a = NegAbsAtLeast(z, -150.0f);
  const VF n = RoundLog2e(a);
  if (kAccurate) return Ldexp(Horner(ReduceLn2(a, n), kExpP7), n);
  return Ldexp(Horner(hn::NegMulAdd(n, hn::Set(d, 0.693147180559945309f), a), kExpP6), n);
}

// e^-|z| = (m + m_lo) 2^n, |z| clamped at `limit` (<= 200, so n >= -289):
// accurate reduction and degree 7, e^r = 1 + q, q = r (1 + r/2 + ...) from
// kExpP7; m = 1 + q rounds, and m_lo = q - (m - 1) is exactly what that
// rounding lost. Unscaled, for callers that scale their own result once.
struct ExpHiLoParts {
  VF m, m_lo, n;
};
// (e^r - 1) / r from kExpP7 by Horner's scheme: e^r = 1 + r ExpP7Tail(r).
HWY_INLINE VF ExpP7Tail(VF r) {
  const DF d;
  VF p = hn::Set(d, kExpP7[7]);
  for (size_t k = 6; k >= 1; --k) p = hn::MulAdd(p, r, hn::Set(d, kExpP7[k]));
  return p;
}
HWY_INLINE ExpHiLoParts ExpNegAbsUnscaled(VF z, float limit) {
  const DF d;
  const VF a = NegAbsAtLeast(z, -limit);
  const VF n = RoundLog2e(a);
  const VF r = ReduceLn2(a, n);
  const VF p = ExpP7Tail(r);
  const VF q = hn::Mul(r, p);
  const VF one = hn::Set(d, 1.0f);
  const VF m = hn::Add(one, q);
  return {m, hn::Sub(q, hn::Sub(m, one)), n};
}

// e^-|z| as hi + lo (lo: hi's rounding error, to about 2^-48 relative), for
// callers that carry it (softplus): ExpNegAbsUnscaled, both parts scaled by
// 2^n (|z| clamped at 150: e^-150 is below every float).
HWY_INLINE void ExpNegAbsHiLo(VF z, VF& hi, VF& lo) {
  const ExpHiLoParts e = ExpNegAbsUnscaled(z, 150.0f);
  hi = Ldexp(e.m, e.n);
  lo = Ldexp(e.m_lo, e.n);
}

// alpha expm1(x) for x <= 88 (callers clamp above; larger x give inf or NaN
// lanes, for callers that discard them): s t + (s - alpha) with s = alpha 2^n,
// where for alpha = 1 2^n - 1 is exact for -24 <= n <= 24 and 0 for n = 0,
// so that near 0 the result is the polynomial itself (exact leading term, no
// cancellation); another alpha adds one rounding to the small term.
// alpha expm1(-0) gives +0. NaN kept.
template <bool kAccurate>
HWY_INLINE VF Expm1Scaled(VF x, VF alpha) {
  const DF d;
  const VF xc = AtLeast(x, hn::Set(d, -88.0f));  // expm1(-88) rounds to -1
  const VF n = RoundLog2e(xc);
  const VF r = ReduceLn2(xc, n);
  const VF t = kAccurate ? Expm1Reduced7(r) : Expm1Reduced6(r);
  const VF s = Ldexp(alpha, n);
  return hn::MulAdd(s, t, hn::Sub(s, alpha));
}

template <bool kAccurate>
HWY_INLINE VF Expm1(VF x) {
  const DF d;
  return Expm1Scaled<kAccurate>(x, hn::Set(d, 1.0f));
}

// The rounding error of s = a + b (TwoSum: any order of magnitude; exact
// unless it overflows).
HWY_INLINE VF TwoSumError(VF a, VF b, VF s) {
  const VF bb = hn::Sub(s, a);
  return hn::Add(hn::Sub(a, hn::Sub(s, bb)), hn::Sub(b, bb));
}

// FMA targets: the reciprocal estimate of hi for the residual step below,
// with one Newton step where it has 12 bits. The residual step squares the
// relative error of q, so 14 bits (AVX-512) need none: 2^-28.
HWY_INLINE VF ResidualReciprocal(VF hi) {
  VF r = hn::ApproximateReciprocal(hi);
#if !ACTBENCH_HAVE_SCALEF
  const DF d;
  r = hn::MulAdd(r, hn::NegMulAdd(hi, r, hn::Set(d, 1.0f)), r);
#endif
  return r;
}

// num / den with den = hi + lo known to more than float precision (lo is the
// rounding error of hi), FMA targets only: a reciprocal estimate
// (ResidualReciprocal), q = num r, then one residual step
// q + r (num - q hi - q lo), whose residual is exact; no division instruction
// (slow on AVX-512), and 0.1-0.2 ULP more accurate than a division. Without
// FMA the residual would round: the accurate kernels work in double there.
HWY_INLINE VF DivCompensated(VF num, VF hi, VF lo) {
  const VF r = ResidualReciprocal(hi);
  const VF q = hn::Mul(num, r);
  const VF res = hn::NegMulAdd(q, lo, hn::NegMulAdd(q, hi, num));
  return hn::MulAdd(r, res, q);
}

// (num + num_lo) / (hi + lo), FMA targets only: num_lo joins the residual.
HWY_INLINE VF DivCompensated2(VF num, VF num_lo, VF hi, VF lo) {
  const VF r = ResidualReciprocal(hi);
  const VF q = hn::Mul(num, r);
  const VF res = hn::Add(hn::NegMulAdd(q, lo, hn::NegMulAdd(q, hi, num)), num_lo);
  return hn::MulAdd(r, res, q);
}

// 1 / d with one Newton-Raphson step after the hardware estimate (rcp14 on
// AVX-512: 2^-28 relative after the step; rcpps elsewhere: about 2^-22).
HWY_INLINE VF ReciprocalNR1(VF den) {
  const DF d;
  const VF r = hn::ApproximateReciprocal(den);
  return hn::MulAdd(r, hn::NegMulAdd(den, r, hn::Set(d, 1.0f)), r);
}

// log1p(u) for u in [0, 1] within about 1 ULP: log(1+u) = k ln2 + log m,
// 1 + u = 2^k m, m in [0.70, 1.42], log m = 2 atanh(s), s = f/(2+f),
// f = m - 1 exact, |s| <= 0.1716; series to s^11 (truncation
// s^12/13 < 1.3e-10 relative), arranged as f - s (f - R) as in fdlibm's log:
// the leading f is exact and only the correction s (f - R) rounds, so s needs
// no more than a reciprocal with a Newton step. c = u - ((1+u) - 1) restores
// the bits lost forming 1 + u (for u < 2^-24 it is all of u).
// kSmallSeries: for u < 1/16 use the series u (1 - u/2 + u^2/3 - ... + u^6/7)
// instead (truncation u^7/8 < 4.4e-10 relative), which does not round u into
// 1 + u: 0.3 ULP better at the cost of a second polynomial.
// u_lo (kHasLo): the rounding error of u, known to the caller; it joins c.
// log(1 + u)/u on [0, 1] in w = 2u - 1, near-minimax (Chebyshev) from
// tools/fit_poly, float coefficients:
//   fit_poly log1p_over_t 0 1 9: max relative error 4.57e-08 (0.77 ULP of 2^-24)
// (degree 10 reaches 0.53 ULP, where the float coefficients' rounding stops
// further degrees from helping.) log1p(u) = u q(2u - 1): one polynomial, no
// reduction and no reciprocal; 2u - 1 is exact for u >= 1/4 and within 2^-25
// below, where q changes by less than 2^-26 of itself.
constexpr float kLog1pOverT9[10] = {0.810930192f, -0.144263551f, 0.0331522524f, -0.00846102368f,
                                    0.00228970218f, -0.00064259948f, 0.000180901334f, -5.3031381e-05f,
                                    2.05088691e-05f, -6.20323635e-06f};

template <bool kSmallSeries, bool kHasLo = false>
HWY_INLINE VF Log1pUnit(VF u, VF u_lo = VF()) {
  const DF d;
  const VF one = hn::Set(d, 1.0f);
  const VF y = hn::Add(one, u);
  VF c = hn::Sub(u, hn::Sub(y, one));  // exact: 1 >= u
  if (kHasLo) c = hn::Add(c, u_lo);
  const auto gt = hn::Gt(y, hn::Set(d, 1.41421356f));
  const VF m = hn::IfThenElse(gt, hn::Mul(y, hn::Set(d, 0.5f)), y);
  const VF k = hn::IfThenElseZero(gt, one);
  const VF f = hn::Sub(m, one);
  const VF s = hn::Mul(f, ReciprocalNR1(hn::Add(hn::Set(d, 2.0f), f)));
  const VF s2 = hn::Mul(s, s);
  // log(1+f) = 2s + 2s^3/3 + ... = f - s (f - R), R = 2s^2/3 + 2s^4/5 + ...
  VF pl = hn::MulAdd(hn::Set(d, 2.0f / 11), s2, hn::Set(d, 2.0f / 9));
  pl = hn::MulAdd(pl, s2, hn::Set(d, 2.0f / 7));
  pl = hn::MulAdd(pl, s2, hn::Set(d, 2.0f / 5));
  pl = hn::MulAdd(pl, s2, hn::Set(d, 2.0f / 3));
  const VF R = hn::Mul(pl, s2);
  const VF logm = hn::NegMulAdd(s, hn::Sub(f, R), f);
  // k ln2 (hi part exact) + (log m + k ln2_lo + c/y).
  const VF tail = hn::MulAdd(k, hn::Set(d, kLn2Lo), hn::Mul(c, ReciprocalNR1(y)));
  const VF large = hn::MulAdd(k, hn::Set(d, kLn2Hi), hn::Add(logm, tail));
  if (!kSmallSeries) return large;
  VF ps = hn::MulAdd(hn::Set(d, 1.0f / 7), u, hn::Set(d, -1.0f / 6));
  ps = hn::MulAdd(ps, u, hn::Set(d, 1.0f / 5));
  ps = hn::MulAdd(ps, u, hn::Set(d, -1.0f / 4));
  ps = hn::MulAdd(ps, u, hn::Set(d, 1.0f / 3));
  ps = hn::MulAdd(ps, u, hn::Set(d, -0.5f));
  VF small = hn::MulAdd(hn::Mul(ps, u), u, u);
  if (kHasLo) small = hn::Add(small, u_lo);  // log1p'(u) = 1/(1+u): u_lo u is below 2^-28 of it
  return hn::IfThenElse(hn::Lt(u, hn::Set(d, 0.0625f)), small, large);
}


// ---------------------------------------------------------------- double lanes

// Lanes of double that f works on: half a vector of floats at a time (one
// lane on HWY_SCALAR, the fallback GCC < 12.3 compiles instead of EMU128).
#if HWY_TARGET == HWY_SCALAR
using DD = hn::Rebind<double, DF>;
#else
using DD = hn::Repartition<double, DF>;
#endif

// f(v...) evaluated lane-wise in double (each argument promoted), the result
// rounded once to float.
template <class F, class... V>
HWY_INLINE VF InDouble(const F& f, V... v) {
  const DF d;
  const DD dd;
#if HWY_TARGET == HWY_SCALAR
  return hn::DemoteTo(d, f(hn::PromoteTo(dd, v)...));
#else
  const hn::Half<DF> dh;
  const auto lo = f(hn::PromoteTo(dd, hn::LowerHalf(dh, v))...);
  const auto hi = f(hn::PromoteTo(dd, hn::UpperHalf(dh, v))...);
  return hn::Combine(d, hn::DemoteTo(dh, hi), hn::DemoteTo(dh, lo));
#endif
}

// 2^n in double for integral n in [-1022, 1023]: n + 1.5 * 2^52 + 1023 holds
// 1023 + n in its low mantissa bits, which the shift moves into the exponent.
template <class VD>
HWY_INLINE VD Pow2D(VD n) {
  const DD dd;
  const hn::RebindToSigned<DD> di64;
  return hn::BitCast(dd, hn::ShiftLeft<52>(hn::BitCast(di64, hn::Add(n, hn::Set(dd, 6755399441055744.0 + 1023.0)))));
}

constexpr double kLn2HiD = 6.93147180369123816490e-01;  // 32 significant bits
constexpr double kLn2LoD = 1.90821492927058770002e-10;

// e^-|z| for z in double lanes: |z| clamped at `limit` (e^-150 is below
// every float; backward kernels, whose result is dy times it, go further),
// rr2 reduction, kExpP7, 2^n from the exponent field. NaN kept.
template <class VD>
HWY_INLINE VD ExpNegAbsD(VD z, double limit = 150.0) {
  const DD dd;
  const VD a = hn::Neg(hn::Min(hn::Abs(z), hn::Set(dd, limit)));
  const VD magic = hn::Set(dd, 6755399441055744.0);  // 1.5 * 2^52
  const VD n = hn::Sub(hn::MulAdd(a, hn::Set(dd, 1.4426950408889634), magic), magic);
  const VD r = hn::Sub(hn::Sub(a, hn::Mul(n, hn::Set(dd, kLn2HiD))), hn::Mul(n, hn::Set(dd, kLn2LoD)));
  VD p = hn::Set(dd, double(kExpP7[7]));
  for (int k = 6; k >= 0; --k) p = hn::MulAdd(p, r, hn::Set(dd, double(kExpP7[k])));
  return KeepNaN(z, hn::Mul(p, Pow2D(n)));
}

// The head of the log1p(u) forms for u in [0, 1] in double lanes: y = 1 + u,
// c = u - (y - 1) (the bits of u that 1 + u lost, exact), y = 2^k m with m in
// [sqrt2/2, sqrt2], f = m - 1 (exact), s = f / (2 + f) and s^2.
template <class VD>
struct Log1pSplit {
  VD y, c, k, f, s, s2;
};
template <class VD>
HWY_INLINE Log1pSplit<VD> Log1pSplitD(VD u) {
  const DD dd;
  const VD one = hn::Set(dd, 1.0);
  Log1pSplit<VD> q;
  q.y = hn::Add(one, u);
  q.c = hn::Sub(u, hn::Sub(q.y, one));
  const auto gt = hn::Gt(q.y, hn::Set(dd, 1.4142135623730951));
  const VD m = hn::IfThenElse(gt, hn::Mul(q.y, hn::Set(dd, 0.5)), q.y);
  q.k = hn::IfThenElseZero(gt, one);
  q.f = hn::Sub(m, one);
  q.s = hn::Div(q.f, hn::Add(hn::Set(dd, 2.0), q.f));
  q.s2 = hn::Mul(q.s, q.s);
  return q;
}

// ---------------------------------------------------------------- double lanes to 2^-52 (the -cr kernels)

// q(r) = (e^r - 1 - r) / r^2 on |r| <= ln2/2: fit_poly expm1_q -0.34657359027997264
// 0.34657359027997264 9 double, max relative error 2.34e-16 (2^-51.9), which
// e^r - 1 = r + r^2 q(r) shrinks by |r q / (1 + r q)| < 1/5 to 2^-54.
constexpr double kExpm1QD[10] = {0.50000000000000011,   0.16666666666666669,    0.041666666666624164,
                                 0.008333333333330065,  0.0013888888917196719,  0.00019841269863040545,
                                 2.4801521322368692e-05, 2.7557268480310024e-06, 2.7620075879983367e-07,
                                 2.5100375832561234e-08};

// n = round(a log2 e) and r = a - n ln2 (ln2 as hi + lo, n ln2hi exact for
// |n| < 2^21, a - n ln2hi exact by Sterbenz), |r| <= ln2/2 plus a rounding.
template <class VD>
HWY_INLINE void ReduceLn2D(VD a, VD& n, VD& r) {
  const DD dd;
  const VD magic = hn::Set(dd, 6755399441055744.0);  // 1.5 * 2^52: adding it rounds to an integer
  n = hn::Sub(hn::MulAdd(a, hn::Set(dd, 1.4426950408889634), magic), magic);
  r = hn::NegMulAdd(n, hn::Set(dd, kLn2LoD), hn::NegMulAdd(n, hn::Set(dd, kLn2HiD), a));
}

// e^r - 1 for |r| <= ln2/2 as r + r^2 q(r), q by Estrin's scheme (Horner
// without FMA). Relative error about 2^-52 with or without FMA.
template <class VD>
HWY_INLINE VD Expm1ReducedD(VD r) {
  const DD dd;
  const auto c = [&](int k) { return hn::Set(dd, kExpm1QD[k]); };
  const VD r2 = hn::Mul(r, r);
#if HWY_NATIVE_FMA
  const VD r4 = hn::Mul(r2, r2), r8 = hn::Mul(r4, r4);
  const VD p01 = hn::MulAdd(c(1), r, c(0)), p23 = hn::MulAdd(c(3), r, c(2));
  const VD p45 = hn::MulAdd(c(5), r, c(4)), p67 = hn::MulAdd(c(7), r, c(6));
  const VD p89 = hn::MulAdd(c(9), r, c(8));
  const VD p03 = hn::MulAdd(p23, r2, p01), p47 = hn::MulAdd(p67, r2, p45);
  const VD q = hn::MulAdd(p89, r8, hn::MulAdd(p47, r4, p03));
#else
  VD q = c(9);
  for (int k = 8; k >= 0; --k) q = hn::MulAdd(q, r, c(k));
#endif
  return hn::MulAdd(r2, q, r);
}

// e^a in double lanes for a in [-708, 700] (2^n stays a normal double):
// 2^n (1 + (e^r - 1)), relative error about 2^-52.
template <class VD>
HWY_INLINE VD ExpD(VD a) {
  const DD dd;
  VD n, r;
  ReduceLn2D(a, n, r);
  return hn::Mul(hn::Add(hn::Set(dd, 1.0), Expm1ReducedD(r)), Pow2D(n));
}

// e^y - 1 in double lanes for y in [-700, 700]: (2^n - 1) + 2^n (e^r - 1),
// where 2^n (e^r - 1) and 2^n - 1 (n >= -53; below, -1 to 2^-53) are exact, so
// one rounding with or without FMA; relative error about 2^-52 down to the
// smallest |y| (n = 0 there: e^r - 1 itself).
template <class VD>
HWY_INLINE VD Expm1AccurateD(VD y) {
  const DD dd;
  VD n, r;
  ReduceLn2D(y, n, r);
  const VD p2 = Pow2D(n);
  return hn::MulAdd(p2, Expm1ReducedD(r), hn::Sub(p2, hn::Set(dd, 1.0)));
}

// log1p(u) for u in [0, 1] in double lanes to about 2^-52, as Log1pUnitD:
// 1 + u = 2^k m (m in [sqrt2/2, sqrt2]), log m = f - s (f - R), s = f/(2 + f),
// R = s^2 (2/3 + 2/5 s^2 + ... + 2/21 s^18) (the atanh series; the first term
// left out, 2 s^22/23 < 2^-60 relative for s <= 0.1716), plus k ln2 (hi + lo)
// and c/(1 + u) for the bits of u lost forming 1 + u.
template <class VD>
HWY_INLINE VD Log1pUnitAccurateD(VD u) {
  const DD dd;
  const Log1pSplit<VD> q = Log1pSplitD(u);
  VD r = hn::Set(dd, 2.0 / 21);
  for (double cf : {2.0 / 19, 2.0 / 17, 2.0 / 15, 2.0 / 13, 2.0 / 11, 2.0 / 9, 2.0 / 7, 2.0 / 5, 2.0 / 3})
    r = hn::MulAdd(r, q.s2, hn::Set(dd, cf));
  const VD logm = hn::Sub(q.f, hn::Mul(q.s, hn::Sub(q.f, hn::Mul(r, q.s2))));
  const VD tail = hn::MulAdd(q.k, hn::Set(dd, kLn2LoD), hn::Div(q.c, q.y));
  return hn::MulAdd(q.k, hn::Set(dd, kLn2HiD), hn::Add(logm, tail));
}

// erfcx(t) = e^(t^2) erfc(t) on [0.5, 10.5] and erf(t)/t on t^2 in [0, 1/4]
// in double lanes (the gelu -cr kernel, cr_variants.cc, and the exhaustive
// sweep's reference for gelu, accuracy/fast_reference_simd.cc).
// Coefficients: fit_poly erfcx 0.5 2 18 double, ... 2 4, 4 6.5, 6.5 10.5
// (max relative error 2^-53.3, 2^-54.0, 2^-54.9, 2^-57.0 with double
// coefficients) and fit_poly erf_over_t 0 0.25 8 double (2^-53.1).
constexpr double kErfcxD[4][19] = {
    {0.36782291645236109, -0.15661640697345766, 0.060072508966836871, -0.021185834510757388, 0.006964533219994691,
     -0.0021551128077081077, 0.00063237722648350702, -0.00017697065613938884, 4.7450548971634306e-05,
     -1.2235810931716658e-05, 3.043975955376314e-06, -7.3250484334410742e-07, 1.7091010340496692e-07,
     -3.8778443352413633e-08, 8.5529355123637262e-09, -1.8034716565905817e-09, 3.7906745627069759e-10,
     -9.5457445365783459e-11, 1.900625986343999e-11},
    {0.17900115118138996, -0.054372260007172893, 0.01588437115987134, -0.0044794310183711439, 0.0012230390523765237,
     -0.00032412554452200884, 8.3554139633692975e-05, -2.0989464259545496e-05, 5.1464365225113306e-06,
     -1.2333685934914701e-06, 2.8926684651166363e-07, -6.6464663978676493e-08, 1.4977253627698686e-08,
     -3.3162292371773572e-09, 7.2051636333506601e-10, -1.5077563830210874e-10, 3.1724792006762475e-11,
     -8.1342363732354935e-12, 1.6482525468969957e-12},
    {0.1056127354688918, -0.024306805840185811, 0.0055064858439240576, -0.0012287138496924227, 0.0002702247462622535,
     -5.8606197120138572e-05, 1.2540999146482437e-05, -2.6491074512174886e-06, 5.5263586797726055e-07,
     -1.1390169614579309e-07, 2.3202773309570111e-08, -4.6732390544224566e-09, 9.3094504810886603e-10,
     -1.83586343056513e-10, 3.5807754161262098e-11, -6.8164889481852073e-12, 1.303988480115095e-12,
     -2.9577141354927085e-13, 5.5322117359159972e-14},
    {0.065925122499980351, -0.01530416919169319, 0.0035296137411372011, -0.00080882877829344818,
     0.00018418286677910172, -4.1682551173644647e-05, 9.376032399920242e-06, -2.0964725254929036e-06,
     4.6602409510041652e-07, -1.0299573378232831e-07, 2.2634031955937726e-08, -4.9460735029202192e-09,
     1.0749415605742113e-09, -2.3262869763603599e-10, 5.001487534138595e-11, -1.0448115928844594e-11,
     2.2241569747389974e-12, -5.953674110785254e-13, 1.2513521351229234e-13},
};
constexpr double kErfcxMidD[4] = {1.25, 3.0, 5.25, 8.5};
constexpr double kErfcxInvHalfD[4] = {1.0 / 0.75, 1.0, 1.0 / 1.25, 0.5};
constexpr double kErfOverTD[9] = {1.0830752376761712,     -0.043642058886697886,  0.0016130716680617082,
                                  -4.7623369345195522e-05, 1.151603779519474e-06,  -2.3472289797042594e-08,
                                  4.1270252134730293e-10,  -6.3768685873280503e-12, 8.777299809787717e-14};

// erf(t)/t for t^2 = s2 in [0, 1/4]: the fit above in w = 8 s2 - 1, Horner's
// scheme.
template <class VD>
HWY_INLINE VD ErfOverTD(VD s2) {
  const hn::DFromV<VD> dd;
  const VD w = hn::MulAdd(s2, hn::Set(dd, 8.0), hn::Set(dd, -1.0));
  VD p = hn::Set(dd, kErfOverTD[8]);
  for (int k = 7; k >= 0; --k) p = hn::MulAdd(p, w, hn::Set(dd, kErfOverTD[k]));
  return p;
}

// erfcx(s) for s in [0.5, 10.5] from its four pieces: each lane's piece
// indexes a vector of the four pieces' values (one permute per coefficient)
// where a vector holds four doubles, else comparisons select it.
template <class VD>
HWY_INLINE VD ErfcxD(VD s) {
  const DD dd;
  const auto p1 = hn::Ge(s, hn::Set(dd, 2.0)), p2 = hn::Ge(s, hn::Set(dd, 4.0)), p3 = hn::Ge(s, hn::Set(dd, 6.5));
#if HWY_CAP_GE256
  const hn::RebindToSigned<DD> di;
  const auto piece = hn::Neg(hn::Add(hn::Add(hn::VecFromMask(di, hn::RebindMask(di, p1)),
                                             hn::VecFromMask(di, hn::RebindMask(di, p2))),
                                     hn::VecFromMask(di, hn::RebindMask(di, p3))));
  const auto ix = hn::IndicesFromVec(dd, piece);
  // Row k: the four pieces' values of coefficient k (19, 20: mid, 1/half),
  // padded to a vector of AVX-512's eight doubles.
  struct Rows {
    HWY_ALIGN double v[21][8];
    constexpr Rows() : v() {
      for (int p = 0; p < 4; ++p) {
        for (int k = 0; k < 19; ++k) v[k][p] = kErfcxD[p][k];
        v[19][p] = kErfcxMidD[p];
        v[20][p] = kErfcxInvHalfD[p];
      }
    }
  };
  static constexpr Rows kRows;
  const auto row = [&](int k) { return hn::TableLookupLanes(hn::Load(dd, kRows.v[k]), ix); };
  const auto coef = row;
  const VD w = hn::Mul(hn::Sub(s, row(19)), row(20));
#else
  const auto pick = [&](double v0, double v1, double v2, double v3) {
    return hn::IfThenElse(p3, hn::Set(dd, v3),
                          hn::IfThenElse(p2, hn::Set(dd, v2), hn::IfThenElse(p1, hn::Set(dd, v1), hn::Set(dd, v0))));
  };
  const auto coef = [&](int k) { return pick(kErfcxD[0][k], kErfcxD[1][k], kErfcxD[2][k], kErfcxD[3][k]); };
  const VD w = hn::Mul(hn::Sub(s, pick(kErfcxMidD[0], kErfcxMidD[1], kErfcxMidD[2], kErfcxMidD[3])),
                       pick(kErfcxInvHalfD[0], kErfcxInvHalfD[1], kErfcxInvHalfD[2], kErfcxInvHalfD[3]));
#endif
#if HWY_NATIVE_FMA
  // Estrin's scheme: a chain of 6 instead of 18 (the loop's four vectors then
  // overlap less than they would need to hide Horner's).
  const VD w2 = hn::Mul(w, w), w4 = hn::Mul(w2, w2), w8 = hn::Mul(w4, w4), w16 = hn::Mul(w8, w8);
  VD a[9];
  for (int i = 0; i < 9; ++i) a[i] = hn::MulAdd(coef(2 * i + 1), w, coef(2 * i));
  const VD b0 = hn::MulAdd(a[1], w2, a[0]), b1 = hn::MulAdd(a[3], w2, a[2]);
  const VD b2 = hn::MulAdd(a[5], w2, a[4]), b3 = hn::MulAdd(a[7], w2, a[6]);
  const VD b4 = hn::MulAdd(coef(18), w2, a[8]);
  const VD d0 = hn::MulAdd(b1, w4, b0), d1 = hn::MulAdd(b3, w4, b2);
  return hn::MulAdd(b4, w16, hn::MulAdd(d1, w8, d0));
#else
  VD r = coef(18);
  for (int k = 17; k >= 0; --k) r = hn::MulAdd(r, w, coef(k));
  return r;
#endif
}

// ---------------------------------------------------------------- erfc pieces (GELU)

// Coefficient tables from tools/fit_poly (Chebyshev interpolation, 200-bit
// arithmetic, float-rounded coefficients re-checked):
//   erfcx(t) = e^(t^2) erfc(t) on [0.5, 2], [2, 4], [4, 6.5], [6.5, 10.5],
//     degree 10 in w = (t - mid) / half; max relative error 2.1e-8, 1.2e-8,
//     3.6e-8, 2.8e-8.
//   erf(t) / t in s = t^2 on [0, 0.25], degree 6 in w = (s - 0.125) / 0.125;
//     max relative error 4.5e-8.
// Regenerate: fit_poly erfcx 0.5 2 10 (and so on); fit_poly erf_over_t 0 0.25 6.
constexpr float kErfcx[4][11] = {
    {0.367822915f, -0.15661642f, 0.0600725114f, -0.0211856533f, 0.00696449121f, -0.00215612422f,
     0.000632611453f, -0.000174690067f, 4.69220504e-05f, -1.44500564e-05f, 3.55791235e-06f},
    {0.179001153f, -0.0543722622f, 0.0158843715f, -0.00447941478f, 0.00122303539f, -0.000324216613f,
     8.35745668e-05f, -2.07839566e-05f, 5.1003226e-06f, -1.4332137e-06f, 3.34154322e-07f},
    {0.105612732f, -0.0243068058f, 0.0055064857f, -0.00122871273f, 0.000270224526f, -5.86124261e-05f,
     1.25422375e-05f, -2.63501533e-06f, 5.49834056e-07f, -1.27686064e-07f, 2.59446473e-08f},
    {0.0659251213f, -0.0153041696f, 0.00352961384f, -0.000808827579f, 0.000184182602f, -4.16892799e-05f,
     9.37749337e-06f, -2.08127744e-06f, 4.62725666e-07f, -1.17794009e-07f, 2.58472053e-08f},
};
constexpr float kErfcxMid[4] = {1.25f, 3.0f, 5.25f, 8.5f};
constexpr float kErfcxInvHalf[4] = {1.0f / 0.75f, 1.0f, 1.0f / 1.25f, 0.5f};
constexpr float kErfOverT[7] = {1.08307528f, -0.043642059f, 0.00161307165f, -4.76233654e-05f,
                                1.15160367e-06f, -2.34834499e-08f, 4.1285611e-10f};

// erfcx(t) for t in [0.5, 10.5]: each lane's piece (0..3) indexes a table of
// the four pieces' values for every coefficient (one permute each), or on
// HWY_SCALAR is selected by comparisons.
struct ErfcxTables {
  VF c[11], mid, inv;
};
HWY_INLINE ErfcxTables LoadErfcxTables() {
  const DF d;
  ErfcxTables tb;
  auto load = [&](float v0, float v1, float v2, float v3) {
#if HWY_TARGET == HWY_SCALAR
    (void)v1, (void)v2, (void)v3;
    return hn::Set(d, v0);  // unused on HWY_SCALAR
#else
    HWY_ALIGN float lanes[HWY_MAX_BYTES / sizeof(float)] = {v0, v1, v2, v3};
    return hn::Load(d, lanes);
#endif
  };
  for (int k = 0; k < 11; ++k) tb.c[k] = load(kErfcx[0][k], kErfcx[1][k], kErfcx[2][k], kErfcx[3][k]);
  tb.mid = load(kErfcxMid[0], kErfcxMid[1], kErfcxMid[2], kErfcxMid[3]);
  tb.inv = load(kErfcxInvHalf[0], kErfcxInvHalf[1], kErfcxInvHalf[2], kErfcxInvHalf[3]);
  return tb;
}

HWY_INLINE VF Erfcx(VF t, const ErfcxTables& tb) {
  const DF d;
  const auto p1 = hn::Ge(t, hn::Set(d, 2.0f)), p2 = hn::Ge(t, hn::Set(d, 4.0f)),
             p3 = hn::Ge(t, hn::Set(d, 6.5f));
#if HWY_TARGET == HWY_SCALAR
  (void)tb;
  auto pick = [&](const float* v) {
    return hn::IfThenElse(p3, hn::Set(d, v[3]),
                          hn::IfThenElse(p2, hn::Set(d, v[2]), hn::IfThenElse(p1, hn::Set(d, v[1]), hn::Set(d, v[0]))));
  };
  const VF w = hn::Mul(hn::Sub(t, pick(kErfcxMid)), pick(kErfcxInvHalf));
  VF r = hn::Zero(d);
  for (int k = 10; k >= 0; --k) {
    const float c[4] = {kErfcx[0][k], kErfcx[1][k], kErfcx[2][k], kErfcx[3][k]};
    r = hn::MulAdd(r, w, pick(c));
  }
  return r;
#else
  const DI di;
  // A true mask as a vector is -1: piece = -(p1 + p2 + p3).
  const VI piece = hn::Neg(hn::Add(hn::Add(hn::VecFromMask(di, hn::RebindMask(di, p1)),
                                           hn::VecFromMask(di, hn::RebindMask(di, p2))),
                                   hn::VecFromMask(di, hn::RebindMask(di, p3))));
  const auto ix = hn::IndicesFromVec(d, piece);
  const VF w = hn::Mul(hn::Sub(t, hn::TableLookupLanes(tb.mid, ix)), hn::TableLookupLanes(tb.inv, ix));
  VF r = hn::TableLookupLanes(tb.c[10], ix);
  for (int k = 9; k >= 0; --k) r = hn::MulAdd(r, w, hn::TableLookupLanes(tb.c[k], ix));
  return r;
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace actbench
HWY_AFTER_NAMESPACE();

#endif  // ACTBENCH_IMPLS_SIMD_MATH_INL_H_
