// Highway kernels for every activation, compiled once per target. Each kernel
// has the variant ABI: void(const float* in, float* out, size_t n, const Params&).
// The promise of each (Max Error in ULP, per target) is in simd_variants.cc,
// where the variant is registered, and the tests hold every target to it.

#if defined(ACTBENCH_IMPLS_SIMD_ACTIVATIONS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTBENCH_IMPLS_SIMD_ACTIVATIONS_INL_H_
#undef ACTBENCH_IMPLS_SIMD_ACTIVATIONS_INL_H_
#else
#define ACTBENCH_IMPLS_SIMD_ACTIVATIONS_INL_H_
#endif

#include <algorithm>

#include "impls/params.h"
#include "impls/simd/math-inl.h"

HWY_BEFORE_NAMESPACE();
namespace actbench {
namespace HWY_NAMESPACE {

// ---------------------------------------------------------------- piecewise linear

// relu/select: x < 0 ? 0 : x. Exact; NaN and -0 pass through.
HWY_NOINLINE void ReluSelect(const float* in, float* out, size_t n, const Params&) {
  const DF d;
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP { return hn::IfThenZeroElse(hn::Lt(x, hn::Zero(d)), x); });
}

// slope x for x < 0, x otherwise. A zero slope gives 0, also at x = -inf
// (the limit of 0 x), where the product alone would be 0 * -inf = NaN; kernels
// that know no slope is zero skip that test (kMayBeZero = false).
template <bool kMayBeZero = true>
HWY_INLINE VF NegativeSlope(VF x, VF slope) {
  const DF d;
  VF scaled = hn::Mul(x, slope);
  if (kMayBeZero) scaled = hn::IfThenZeroElse(hn::Eq(slope, hn::Zero(d)), scaled);
  return hn::IfThenElse(hn::Lt(x, hn::Zero(d)), scaled, x);
}

// leaky_relu/select: x < 0 ? alpha x : x. Correctly rounded (one product).
// alpha = 0 is relu.
HWY_NOINLINE void LeakyReluSelect(const float* in, float* out, size_t n, const Params& p) {
  const DF d;
  if (p.alpha == 0.0f) return ReluSelect(in, out, n, p);
  const VF alpha = hn::Set(d, p.alpha);
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP { return NegativeSlope<false>(x, alpha); });
}

// prelu/select: element i uses slopes[i % channels] (N x C, C innermost).
// Up to ~4000 channels the slopes are copied, repeated, into a stack buffer
// whose period (a multiple of C, at least four vectors) lets a step of four
// vectors read contiguous slopes and wrap at most once; with more channels
// each row of C runs against the slopes in place, its last partial vector
// through a buffer. Zero slopes need the -inf test; most layers have none.
template <bool kMayBeZero>
HWY_INLINE void PreluRows(const float* in, float* out, size_t n, const float* slopes, size_t channels) {
  const DF d;
  const size_t N = hn::Lanes(d);
  constexpr size_t kMaxLanes = HWY_MAX_BYTES / sizeof(float);
  constexpr size_t kExtended = 4096;
  HWY_ALIGN float ext[kExtended];
  const size_t period = channels * ((4 * N + channels - 1) / channels);  // in [4N, 4N + C)
  auto apply = [&](const float* x, const float* slope, float* y) {
    hn::StoreU(NegativeSlope<kMayBeZero>(hn::LoadU(d, x), hn::LoadU(d, slope)), d, y);
  };
  // The last m < N elements from i, with the slopes from `slope`.
  auto tail = [&](size_t i, size_t m, const float* slope) {
    HWY_ALIGN float buf[kMaxLanes] = {};
    HWY_ALIGN float sb[kMaxLanes] = {};
    std::memcpy(buf, in + i, m * sizeof(float));
    std::memcpy(sb, slope, m * sizeof(float));
    apply(buf, sb, buf);
    std::memcpy(out + i, buf, m * sizeof(float));
  };
  if (period + 4 * N <= kExtended) {
    // c < min(period, n): every window [c, c + 4N) lies in the first fill entries.
    const size_t fill = std::min(period, n) + 4 * N - 1;
    const size_t first = std::min(channels, fill);
    std::memcpy(ext, slopes, first * sizeof(float));
    for (size_t k = first; k < fill; ++k) ext[k] = ext[k - channels];
    size_t i = 0, c = 0;
    for (; i + 4 * N <= n; i += 4 * N) {
      apply(in + i, ext + c, out + i);
      apply(in + i + N, ext + c + N, out + i + N);
      apply(in + i + 2 * N, ext + c + 2 * N, out + i + 2 * N);
      apply(in + i + 3 * N, ext + c + 3 * N, out + i + 3 * N);
      c += 4 * N;
      if (c >= period) c -= period;
    }
    for (; i + N <= n; i += N) {
      apply(in + i, ext + c, out + i);
      c += N;
      if (c >= period) c -= period;
    }
    if (i < n) tail(i, n - i, ext + c);
    return;
  }
  for (size_t row = 0; row < n; row += channels) {  // more than ~4000 channels: rows of C
    const size_t m = std::min(channels, n - row);
    size_t j = 0;
    for (; j + N <= m; j += N) apply(in + row + j, slopes + j, out + row + j);
    if (j < m) tail(row + j, m - j, slopes + j);
  }
}

HWY_NOINLINE void PreluSelect(const float* in, float* out, size_t n, const Params& p) {
  const size_t channels = p.channels;
  if (channels == 0) return ReluSelect(in, out, n, p);  // no slopes: 0 x for x < 0
  if (std::find(p.slopes, p.slopes + channels, 0.0f) != p.slopes + channels)
    PreluRows<true>(in, out, n, p.slopes, channels);
  else
    PreluRows<false>(in, out, n, p.slopes, channels);
}

// relu6(x + 3), NaN kept (by operand order on x86: no fix-up at the end).
HWY_INLINE VF Relu6Of3Plus(VF x) {
  const DF d;
  return AtMost(AtLeast(hn::Add(x, hn::Set(d, 3.0f)), hn::Zero(d)), hn::Set(d, 6.0f));
}

// hard_sigmoid/clamp-div: relu6(x + 3) / 6. Two roundings (x + 3, then a
// correctly rounded division): at most 1 ULP.
HWY_NOINLINE void HardSigmoidClampDiv(const float* in, float* out, size_t n, const Params&) {
  const DF d;
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP { return hn::Div(Relu6Of3Plus(x), hn::Set(d, 6.0f)); });
}

// hard_sigmoid/clamp-mul: relu6(x + 3) * (1/6): the rounded 1/6 adds up to
// half an ULP more.
HWY_NOINLINE void HardSigmoidClampMul(const float* in, float* out, size_t n, const Params&) {
  const DF d;
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP { return hn::Mul(Relu6Of3Plus(x), hn::Set(d, 1.0f / 6)); });
}

// hard_sigmoid/clamp-mul-residual: t = relu6(x + 3), q = t * (1/6), then
// one residual step q + (t - 6q) (1/6): with FMA t - 6q is exact, so only
// the rounding of x + 3 and the last one remain (the quotient of clamp-div
// without the divider). Without FMA the residual would round: a division.
HWY_NOINLINE void HardSigmoidClampMulResidual(const float* in, float* out, size_t n, const Params&) {
  const DF d;
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP {
    const VF t = Relu6Of3Plus(x);
#if HWY_NATIVE_FMA
    const VF c = hn::Set(d, 1.0f / 6);
    const VF q = hn::Mul(t, c);
    return hn::MulAdd(hn::NegMulAdd(q, hn::Set(d, 6.0f), t), c, q);
#else
    return hn::Div(t, hn::Set(d, 6.0f));
#endif
  });
}

// f(x) evaluated in double, returned rounded to float (hi) with the rounding
// residual (lo), so hi + lo carries about 48 bits of f.
template <class F>
HWY_INLINE void InDoubleHiLo(VF x, const F& f, VF& hi, VF& lo) {
  const DF d;
  const DD dd;
#if HWY_TARGET == HWY_SCALAR
  const auto z = f(hn::PromoteTo(dd, x));
  hi = hn::DemoteTo(d, z);
  lo = hn::DemoteTo(d, hn::Sub(z, hn::PromoteTo(dd, hi)));
#else
  const hn::Half<DF> dh;
  const auto zl = f(hn::PromoteTo(dd, hn::LowerHalf(dh, x)));
  const auto zu = f(hn::PromoteTo(dd, hn::UpperHalf(dh, x)));
  const auto hl = hn::DemoteTo(dh, zl), hu = hn::DemoteTo(dh, zu);
  hi = hn::Combine(d, hu, hl);
  lo = hn::Combine(d, hn::DemoteTo(dh, hn::Sub(zu, hn::PromoteTo(dd, hu))),
                   hn::DemoteTo(dh, hn::Sub(zl, hn::PromoteTo(dd, hl))));
#endif
}

// ---------------------------------------------------------------- exp family

// elu: x >= 0 ? x : alpha expm1(x) (-0 stays -0), alpha folded into the
// scaling (alpha 2^n). Lanes with x > 0 are computed on x itself and
// discarded. NaN passes through expm1.
template <bool kAccurate>
HWY_NOINLINE void Elu(const float* in, float* out, size_t n, const Params& p) {
  const DF d;
  const VF alpha = hn::Set(d, p.alpha);
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP {
    return hn::IfThenElse(hn::Ge(x, hn::Zero(d)), x, Expm1Scaled<kAccurate>(x, alpha));
  });
}

// hard_swish/clamp-f64: x relu6(x + 3) / 6 in double, rounded once: x is
// clamped below at -3 first (-inf then gives -3 * 0 = -0, not NaN), x + 3 and
// the product are exact or nearly so, and 1/6 is a double: within 0.5 ULP
// plus 2^-27 of float. x >= 3 gives x 6 (1/6), which rounds back to x.
HWY_NOINLINE void HardSwishClampF64(const float* in, float* out, size_t n, const Params&) {
  const DF d;
  const DD dd;
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP {
    const VF y = InDouble([&](auto xd) ACTBENCH_VECTOR_OP {
      const auto r = AtMost(hn::Add(xd, hn::Set(dd, 3.0)), hn::Set(dd, 6.0));
      return hn::Mul(hn::Mul(xd, r), hn::Set(dd, 1.0 / 6));
    }, AtLeast(x, hn::Set(d, -3.0f)));
#if HWY_TARGET == HWY_SCALAR || HWY_TARGET == HWY_EMU128
    return hn::IfThenElse(hn::Ge(x, hn::Set(d, 3.0f)), x, y);  // their DemoteTo saturates +inf
#else
    return y;
#endif
  });
}

// hard_swish/clamp-mul: x relu6(x + 3) * (1/6) in float: three roundings.
// x >= 3 gives x itself; x is clamped below at -3 (-inf gives -0).
HWY_NOINLINE void HardSwishClampMul(const float* in, float* out, size_t n, const Params&) {
  const DF d;
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP {
    const VF xc = AtLeast(x, hn::Set(d, -3.0f));
    const VF y = hn::Mul(hn::Mul(xc, AtMost(hn::Add(xc, hn::Set(d, 3.0f)), hn::Set(d, 6.0f))), hn::Set(d, 1.0f / 6));
    return hn::IfThenElse(hn::Ge(x, hn::Set(d, 3.0f)), x, y);
  });
}

// Double-precision pieces for the targets without FMA (SSE4, SSSE3, the
// scalar fallback), where the float forms round every multiply-add twice and
// miss the 2 ULP bound by a few tenths (exhaustive sweep: sigmoid 2.27, tanh
// 2.11, softplus 2.15 ULP on SSE4). There the accurate kernels evaluate the
// whole formula in double lanes and round once to float: each step rounds
// at 2^-53, so the float coefficients' own fit error (kExpP7: 2.1e-9) and the
// final rounding are what remains.

// expm1(y) for y in [0, 20] in double lanes: (2^n - 1) + 2^n t with
// t = expm1(r) = r + r^2 q(r), the Taylor series to r^7 (5e-9 relative), so
// small y keep their relative accuracy.
template <class VD>
HWY_INLINE VD Expm1NonNegD(VD y) {
  const DD dd;
  const VD magic = hn::Set(dd, 6755399441055744.0);
  const VD n = hn::Sub(hn::MulAdd(y, hn::Set(dd, 1.4426950408889634), magic), magic);
  const VD r = hn::Sub(hn::Sub(y, hn::Mul(n, hn::Set(dd, kLn2HiD))), hn::Mul(n, hn::Set(dd, kLn2LoD)));
  VD q = hn::Set(dd, 1.0 / 5040);
  for (double c : {1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5}) q = hn::MulAdd(q, r, hn::Set(dd, c));
  const VD t = hn::MulAdd(hn::Mul(r, r), q, r);
  const VD p2 = Pow2D(n);
  return hn::MulAdd(p2, t, hn::Sub(p2, hn::Set(dd, 1.0)));
}

// log1p(u) for u in [0, 1] in double lanes, as Log1pUnit: 1 + u = 2^k m,
// log m = f - s (f - R) with s = f / (2 + f), the atanh series to s^11
// (1.3e-10 relative), and c / (1 + u) for the bits of u lost forming 1 + u.
template <class VD>
HWY_INLINE VD Log1pUnitD(VD u) {
  const DD dd;
  const Log1pSplit<VD> q = Log1pSplitD(u);
  VD pl = hn::Set(dd, 2.0 / 11);
  for (double cf : {2.0 / 9, 2.0 / 7, 2.0 / 5, 2.0 / 3}) pl = hn::MulAdd(pl, q.s2, hn::Set(dd, cf));
  const VD logm = hn::Sub(q.f, hn::Mul(q.s, hn::Sub(q.f, hn::Mul(pl, q.s2))));
  return hn::Add(hn::MulAdd(q.k, hn::Set(dd, 0.6931471805599453), logm), hn::Div(q.c, q.y));
}

// x * sigmoid(z + z_lo) accurately for every z (z_lo = 0 unless kHasLo):
// e = e^-|z| = (1 + t) 2^n; 1/(1 + e) for z >= 0 and e/(1 + e) for z < 0,
// where the z < 0 quotient is formed as (x (1 + t)) / (1 + e) and scaled by
// 2^n last, so outputs down to the subnormals round once. The denominator's
// rounding error is carried (DivCompensated). Below z = -128 the product
// x e^z is under half the smallest subnormal: +-0.
template <bool kHasLo>
HWY_INLINE VF XSigmoidAccurate(VF x, VF z, VF z_lo) {
  const DF d;
  const VF one = hn::Set(d, 1.0f);
  const auto neg = hn::Lt(z, hn::Zero(d));
  const VF a = NegAbsAtLeast(z, -150.0f);
  // e^(a + a_lo) = (1 + t2) 2^n: a_lo joins rr2's second, rounding step,
  // r = (a - n ln2_hi) + (a_lo - n ln2_lo), so it costs no extra rounding.
  // t2 is kept apart from the 1 so that x (1 + t2) rounds once (x + x t2).
  ExpParts e;
  e.n = RoundLog2e(a);
  const VF r1 = hn::NegMulAdd(e.n, hn::Set(d, kLn2Hi), a);  // exact
  if (kHasLo) {
    const VF a_lo = hn::IfThenElse(neg, z_lo, hn::Neg(z_lo));  // a = -|z|
    e.t = Expm1Reduced7(hn::Add(r1, hn::NegMulAdd(e.n, hn::Set(d, kLn2Lo), a_lo)));
  } else {
    e.t = Expm1Reduced7(hn::NegMulAdd(e.n, hn::Set(d, kLn2Lo), r1));
  }
  const VF t2 = e.t;
  // Where z <= -128 the result is below 2^-150 in magnitude; x clamped at
  // -150 keeps it so (x e^-150 would not be, for x near -2^127).
  const VF xc = AtLeast(x, hn::Set(d, -150.0f));
#if HWY_NATIVE_FMA
  const VF ev = Ldexp(hn::Add(one, t2), e.n);
  const VF den = hn::Add(one, ev);
  const VF den_lo = hn::Sub(ev, hn::Sub(den, one));  // exact: 1 >= ev
  VF q;
  if (kHasLo) {
    // x (1 + t2) as hi + lo: the product exactly (FMA), then Fast2Sum
    // (|x| > |x t2|); its rounding (half an ULP) joins the residual. Without
    // it gelu_sigmoid reached 2.005 ULP (exhaustive, AVX3).
    const VF p = hn::Mul(xc, t2);
    const VF p_lo = hn::MulSub(xc, t2, p);
    const VF s = hn::Add(xc, p);
    const VF s_lo = hn::Add(hn::Add(hn::Sub(xc, s), p), p_lo);
    q = DivCompensated2(hn::IfThenElse(neg, s, x), hn::IfThenElseZero(neg, s_lo), den, den_lo);
  } else {
    q = DivCompensated(hn::IfThenElse(neg, hn::MulAdd(xc, t2, xc), x), den, den_lo);
  }
  const VF y = hn::IfThenElse(neg, Ldexp(q, e.n), q);
#else
  // Without FMA x (1 + t2), its compensated quotient and the scaling round
  // three or four times in float (2.59 ULP measured for gelu_sigmoid on
  // SSE4): there the rest is done in double, where 1 + t2, 2^n and e are
  // exact and the quotient rounds at 2^-53, then rounded once to float.
  using VD = hn::Vec<DD>;
  const DD dd;
  const VF num_x = hn::IfThenElse(neg, xc, x);
  const VF is_neg = hn::IfThenElseZero(neg, one);
  const VF y = InDouble([&](VD xd, VD td, VD nd, VD negd) ACTBENCH_VECTOR_OP {
    const VD e = hn::Mul(hn::Add(hn::Set(dd, 1.0), td), Pow2D(nd));
    const VD num = hn::IfThenElse(hn::Gt(negd, hn::Zero(dd)), hn::Mul(xd, e), xd);
    return hn::Div(num, hn::Add(hn::Set(dd, 1.0), e));
  }, num_x, t2, e.n, is_neg);
#endif
  if (!kHasLo) return y;
  // z's low part is inf or NaN where z itself overflowed: the limit, -0.
  return hn::IfThenElse(hn::Lt(z, hn::Set(d, -128.0f)), hn::CopySign(hn::Zero(d), x), y);
}

// sigmoid/rr2-p7-div: e = e^-|x| = p 2^n (rr2, degree-7 polynomial, one
// rounding by Ldexp, subnormals included), f = e/(1 + e) = sigmoid(-|x|)
// with 1 + e's rounding error carried into the quotient (DivCompensated);
// x > 0: 1 - f (f <= 1/2: its error shrinks, one more rounding). Below
// x = -150 e is 0, as is the result; NaN kept.
HWY_INLINE VF SigmoidRr2P6(VF x) {
#if HWY_NATIVE_FMA
  const DF d;
  const VF one = hn::Set(d, 1.0f);
  const VF e = ExpNegAbs<true>(x);
  const VF den = hn::Add(one, e);
  const VF f = DivCompensated(e, den, hn::Sub(e, hn::Sub(den, one)));  // exact: 1 >= e
  return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), hn::Sub(one, f), f);
#else
  // Without FMA: e and the quotient in double (see ExpNegAbsD), rounded once.
  using VD = hn::Vec<DD>;
  const DD dd;
  return InDouble([&](VD xd) ACTBENCH_VECTOR_OP {
    const VD e = ExpNegAbsD(xd);
    return hn::Div(hn::IfThenElse(hn::Gt(xd, hn::Zero(dd)), hn::Set(dd, 1.0), e), hn::Add(hn::Set(dd, 1.0), e));
  }, x);
#endif
}

// The fast form: e = e^-|z| with rr1 (one rounded n ln2) and the same polynomial, then one
// Newton step after the hardware reciprocal instead of a division.
// Above 17, 1/(1 + e) rounds to 1, which a 12-bit reciprocal estimate misses
// by an ULP (AVX-512's 14-bit estimate and its Newton step do not).
HWY_INLINE VF SigmoidFast(VF z) {
  const DF d;
  const VF one = hn::Set(d, 1.0f);
  const VF e = ExpNegAbs<false>(z);
  const VF r = ReciprocalNR1(hn::Add(one, e));
  const VF s = hn::IfThenElse(hn::Lt(z, hn::Zero(d)), hn::Mul(e, r), r);
#if ACTBENCH_HAVE_SCALEF
  return s;
#else
  return hn::IfThenElse(hn::Gt(z, hn::Set(d, 17.0f)), one, s);
#endif
}

HWY_NOINLINE void SigmoidAccurate(const float* in, float* out, size_t n, const Params&) {
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP { return SigmoidRr2P6(x); });
}

HWY_NOINLINE void SigmoidFastKernel(const float* in, float* out, size_t n, const Params&) {
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP { return SigmoidFast(x); });
}

// Above 20, x sigmoid(x) rounds to x (also for +inf, where the compensated
// division would form inf - inf).
HWY_NOINLINE void SiluAccurate(const float* in, float* out, size_t n, const Params&) {
  const DF d;
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP {
    const VF y = XSigmoidAccurate<false>(x, x, hn::Zero(d));
    return KeepNaN(x, hn::IfThenElse(hn::Gt(x, hn::Set(d, 20.0f)), x, y));
  });
}

// Flushes where the fast sigmoid does (x < -87.3), which also maps -inf to -0.
HWY_NOINLINE void SiluFast(const float* in, float* out, size_t n, const Params&) {
  const DF d;
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP {
    const VF y = hn::Mul(x, SigmoidFast(x));
    return KeepNaN(x, hn::IfThenElse(hn::Lt(x, hn::Set(d, -87.3f)), hn::CopySign(hn::Zero(d), x), y));
  });
}

// tanh(|x|) = E / (E + 2), E = expm1(2|x|): no 1 - 2/(e^2x + 1) cancellation
// for small x, E is relative-accurate down to the subnormals, and its error
// reaches the quotient damped by 2/(E + 2). E + 2 is formed exactly as
// hi + lo (Fast2Sum, the larger of E and 2 first). Past |x| = 10 the
// argument is clamped, where the quotient rounds to 1.
template <bool kAccurate>
HWY_NOINLINE void TanhExpm1(const float* in, float* out, size_t n, const Params&) {
  const DF d;
  const VF two = hn::Set(d, 2.0f);
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP {
    const VF a = hn::Abs(x);
    if constexpr (kAccurate && !HWY_NATIVE_FMA) {
      // Without FMA: E and the quotient in double, rounded once.
      using VD = hn::Vec<DD>;
      const DD dd;
      const VF q = InDouble([&](VD ad) ACTBENCH_VECTOR_OP {
        const VD E = Expm1NonNegD(hn::Min(hn::Add(ad, ad), hn::Set(dd, 20.0)));
        return hn::Div(E, hn::Add(E, hn::Set(dd, 2.0)));
      }, a);
      return hn::CopySign(KeepNaN(x, q), x);
    } else {
      // 2|x| > 20: E = expm1(20) = 4.9e8 and E/(E + 2) = 1 - 4e-9 rounds to 1.
      const VF E = Expm1<kAccurate>(AtMost(hn::Add(a, a), hn::Set(d, 20.0f)));
      const VF den = hn::Add(E, two);
      VF q;
      if constexpr (kAccurate) {
        const VF lo = hn::Sub(hn::Min(E, two), hn::Sub(den, hn::Max(E, two)));
        q = DivCompensated(E, den, lo);
      } else {
        // The reciprocal estimate can land a hair above 1/(E + 2): keep |tanh| <= 1.
        q = AtMost(hn::Mul(E, ReciprocalNR1(den)), hn::Set(d, 1.0f));
      }
      return hn::CopySign(q, x);
    }
  });
}

// tanh(x) = x P(x^2) / Q(x^2) on |x| <= 9.02, clamped beyond (where tanh
// rounds to +-1). Near-minimax fit from tools/fit_rational, float coefficients:
//   fit_rational tanh 9.02 6 3: max relative error 2.72e-08 (0.46 ULP of 2^-24)
constexpr float kTanhP[7] = {1.0f, 0.130831584f, 0.00310300197f, 1.11442478e-05f, -2.0183851e-08f,
                             5.25768352e-11f, -8.43571293e-14f};
constexpr float kTanhQ[4] = {1.0f, 0.464164853f, 0.0244913846f, 0.000254475133f};

// tanh(|x|) by the rational, the reciprocal of Q refined by one Newton step.
// The fit is within 0.46 ULP; the roundings of P and Q (whose terms partly
// cancel for large x) cost more, about 4 ULP near tanh = 1.
// s = a^2 is formed from a >= 2^-13: below, a^2 and the Horner steps after it
// would be subnormal for |x| < 2^-42 (a microcode assist per operation:
// measured 30-200 times slower per element there), while P(s) and Q(s)
// round to 1 for every s <= 2^-26 either way, so the results are the same.
HWY_INLINE VF TanhRationalAbs(VF x) {
  const DF d;
  const VF a = AtMost(hn::Abs(x), hn::Set(d, 9.02f));
  const VF am = AtLeast(a, hn::Set(d, 0x1p-13f));
  const VF s = hn::Mul(am, am);
  const VF num = hn::Mul(a, Horner(s, kTanhP));
  const VF den = Horner(s, kTanhQ);
  // The rational and its rounding may pass 1 near 9.
  return AtMost(hn::Mul(num, ReciprocalNR1(den)), hn::Set(d, 1.0f));
}

HWY_NOINLINE void TanhRational(const float* in, float* out, size_t n, const Params&) {
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP { return hn::CopySign(TanhRationalAbs(x), x); });
}

// The "polynomial sigmoid" of ML code: 1/2 + tanh(x/2)/2 with the rational
// tanh. Accurate for x >= 0; below 0 the result is 1/2 (1 - tanh(|x|/2)), a
// difference that magnifies tanh's error by tanh/(1 - tanh) ~ e^|x|, and it
// reaches 0 near x = -18 instead of following e^x: a bounded absolute error,
// not a relative one (see its promise's domain).
HWY_NOINLINE void SigmoidTanhRational(const float* in, float* out, size_t n, const Params&) {
  const DF d;
  const VF half = hn::Set(d, 0.5f);
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP {
    const VF t = hn::CopySign(TanhRationalAbs(hn::Mul(x, half)), x);
    return hn::MulAdd(t, half, half);
  });
}

// softplus: z = beta x; z > threshold: x; else (max(z, 0) + log1p(e^-|z|)) / beta,
// e^-|z| rounded once by Ldexp (subnormals included). beta = 1 (the default)
// skips the division. The accurate kernel takes log1p through a reduction to
// [sqrt(1/2), sqrt(2)) and carries e's rounding; the fast one evaluates
// log1p(e) = e q(2e - 1) on all of [0, 1] with one degree-9 polynomial.
template <bool kAccurate>
HWY_NOINLINE void SoftplusLog1pExp(const float* in, float* out, size_t n, const Params& p) {
  const DF d;
  const VF beta = hn::Set(d, p.beta), threshold = hn::Set(d, p.threshold);
  const bool unit_beta = p.beta == 1.0f;
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP {
    const VF z = unit_beta ? x : hn::Mul(beta, x);
    if constexpr (kAccurate && !HWY_NATIVE_FMA) {
      // Without FMA: the whole formula in double, rounded once.
      using VD = hn::Vec<DD>;
      const DD dd;
      const VF sp = InDouble([&](VD zd) ACTBENCH_VECTOR_OP {
        const VD v = hn::Add(hn::Max(zd, hn::Zero(dd)), Log1pUnitD(ExpNegAbsD(zd)));
        return unit_beta ? v : hn::Div(v, hn::Set(dd, double(p.beta)));
      }, z);
      return hn::IfThenElse(hn::Gt(z, threshold), x, KeepNaN(z, sp));
    } else {
      VF sp;
      if constexpr (kAccurate) {
        // e^-|z| as hi + lo: its rounding (0.45 ULP of the result here) is
        // carried into log1p (2.05 ULP measured exhaustively without it).
        VF e, e_lo;
        ExpNegAbsHiLo(z, e, e_lo);
        sp = hn::Add(hn::Max(z, hn::Zero(d)), Log1pUnit<true, true>(e, e_lo));
      } else {
        const VF e = ExpNegAbs<false>(z);
        sp = hn::MulAdd(e, Horner(hn::Sub(hn::Add(e, e), hn::Set(d, 1.0f)), kLog1pOverT9), hn::Max(z, hn::Zero(d)));
      }
      if (!unit_beta) sp = hn::Div(sp, beta);
      return hn::IfThenElse(hn::Gt(z, threshold), x, sp);
    }
  });
}

// mish = x tanh(softplus(x)) = x N / (N + 2), N = e^x (e^x + 2).
// mish/exp-f64-rational: e^x = (1 + t) 2^n with t from the rr2 reduction and
// the degree-7 expm1 polynomial in float (relative error ~2^-28: t itself is
// small), then e, N and the quotient in double, where 1 + t and the scaling
// are exact and each step rounds at 2^-53; the result is rounded once to
// float, subnormals included. The quotient uses a 14-bit reciprocal and one
// Newton step on AVX-512 (2^-28 relative) and a division elsewhere.
// x > 20: x. x < -128: -0 (|mish| < 2^-150). NaN kept.
HWY_NOINLINE void MishAccurate(const float* in, float* out, size_t n, const Params&) {
  const DF d;
  const DD dd;
  using VD = hn::Vec<DD>;
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP {
    const VF xc = AtMost(AtLeast(x, hn::Set(d, -150.0f)), hn::Set(d, 20.0f));
    const VF nf = RoundLog2e(xc);
    const VF t = Expm1Reduced7(ReduceLn2(xc, nf));
    VF y = InDouble([&](VD xd, VD td, VD nd) ACTBENCH_VECTOR_OP {
      const VD e = hn::Mul(hn::Add(hn::Set(dd, 1.0), td), Pow2D(nd));
      const VD N = hn::Mul(e, hn::Add(e, hn::Set(dd, 2.0)));
      const VD den = hn::Add(N, hn::Set(dd, 2.0));
#if ACTBENCH_HAVE_SCALEF
      VD r = VD{_mm512_rcp14_pd(den.raw)};
      r = hn::MulAdd(r, hn::NegMulAdd(den, r, hn::Set(dd, 1.0)), r);
      return hn::Mul(hn::Mul(xd, N), r);
#else
      return hn::Div(hn::Mul(xd, N), den);
#endif
    }, x, t, nf);
    y = hn::IfThenElse(hn::Gt(x, hn::Set(d, 20.0f)), x, y);
    return hn::IfThenElse(hn::Lt(x, hn::Set(d, -128.0f)), hn::CopySign(hn::Zero(d), x), y);
  });
}

HWY_NOINLINE void MishFast(const float* in, float* out, size_t n, const Params&) {
  const DF d;
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP {
    const VF e = ExpFast(hn::Min(x, hn::Set(d, 20.0f)));
    const VF N = hn::Mul(e, hn::Add(e, hn::Set(d, 2.0f)));
    const VF y = hn::Mul(hn::Mul(x, N), ReciprocalNR1(hn::Add(N, hn::Set(d, 2.0f))));
    const VF flushed = hn::IfThenElse(hn::Lt(x, hn::Set(d, -87.3f)), hn::CopySign(hn::Zero(d), x), y);
    return KeepNaN(x, hn::IfThenElse(hn::Gt(x, hn::Set(d, 20.0f)), x, flushed));
  });
}

// ---------------------------------------------------------------- GELU, tanh form

constexpr double kGeluA = 1.5957691216057307117597842397375;  // 2 sqrt(2/pi)
constexpr double kGeluB = 0.044715 * kGeluA;

// x/2 (1 + tanh(u)) = x sigmoid(2u). In the tail e^(2u) magnifies the
// absolute error of 2u (|2u| ~ 90 where outputs reach the subnormals), so 2u
// is formed in double and handed on as hi + lo. x > 10: x.
HWY_NOINLINE void GeluTanhAccurate(const float* in, float* out, size_t n, const Params&) {
  const DF d;
  const DD dd;
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP {
    VF hi, lo;
    InDoubleHiLo(x, [&](auto xd) ACTBENCH_VECTOR_OP {
      return hn::Mul(xd, hn::MulAdd(hn::Set(dd, kGeluB), hn::Mul(xd, xd), hn::Set(dd, kGeluA)));
    }, hi, lo);
    const VF y = XSigmoidAccurate<true>(x, hi, lo);
    return KeepNaN(x, hn::IfThenElse(hn::Gt(x, hn::Set(d, 10.0f)), x, y));
  });
}

HWY_NOINLINE void GeluTanhFast(const float* in, float* out, size_t n, const Params&) {
  const DF d;
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP {
    const VF z = hn::Mul(x, hn::MulAdd(hn::Set(d, float(kGeluB)), hn::Mul(x, x), hn::Set(d, float(kGeluA))));
    const VF y = hn::Mul(x, SigmoidFast(z));
    // Large |x|: z overflows to +-inf; the limits are x and -0.
    const VF big = hn::IfThenElse(hn::Gt(x, hn::Set(d, 10.0f)), x, y);
    return KeepNaN(x, hn::IfThenElse(hn::Lt(x, hn::Set(d, -10.0f)), hn::CopySign(hn::Zero(d), x), big));
  });
}

// ---------------------------------------------------------------- GELU, sigmoid form

constexpr float kQuickGeluC = 1.702f;

// x sigmoid(c x): c x formed exactly (by FMA, or in double) and passed on as hi + lo.
HWY_NOINLINE void GeluSigmoidAccurate(const float* in, float* out, size_t n, const Params&) {
  const DF d;
  const DD dd;
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP {
    VF hi, lo;
#if HWY_NATIVE_FMA
    (void)dd;
    hi = hn::Mul(x, hn::Set(d, kQuickGeluC));
    lo = hn::MulSub(x, hn::Set(d, kQuickGeluC), hi);  // the product's rounding error, exactly
#else
    InDoubleHiLo(x, [&](auto xd) ACTBENCH_VECTOR_OP { return hn::Mul(xd, hn::Set(dd, double(kQuickGeluC))); }, hi, lo);
#endif
    const VF y = XSigmoidAccurate<true>(x, hi, lo);
    return KeepNaN(x, hn::IfThenElse(hn::Gt(x, hn::Set(d, 20.0f)), x, y));
  });
}

HWY_NOINLINE void GeluSigmoidFast(const float* in, float* out, size_t n, const Params&) {
  const DF d;
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP {
    const VF y = hn::Mul(x, SigmoidFast(hn::Mul(x, hn::Set(d, kQuickGeluC))));
    return KeepNaN(x, hn::IfThenElse(hn::Lt(x, hn::Set(d, -51.0f)), hn::CopySign(hn::Zero(d), x), y));
  });
}

// ---------------------------------------------------------------- GELU, exact (erf)

// erfcx and erf/t: math-inl.h (shared with the backward kernels).

// gelu(x) = x Phi(x), Phi(x) = erfc(-x/sqrt2)/2, with t = |x|/sqrt2:
// - t < 0.5: x/2 (1 + erf(x/sqrt2)), erf(t) = t P(t^2) (no cancellation: erf < 0.53);
// - x < 0: x/2 erfc(t), erfc(t) = e^-t^2 erfcx(t). t^2 = x^2/2 is formed
//   exactly in double (hi + lo): e^-t^2 magnifies its absolute error, which
//   would otherwise cost ~2 t^2 eps (the 10^9 ULP of the usual kernels). The
//   product is scaled by 2^n last, so outputs down to the subnormals round once;
// - x > 0: x - x/2 erfc(t), where erfc(t)/2 < 0.24 damps its error.
// x > 10: x. x < -14.9: -0 (|gelu| < 2^-150).
HWY_NOINLINE void GeluErfcAccurate(const float* in, float* out, size_t n, const Params&) {
  const DF d;
  const DD dd;
  const ErfcxTables tables = LoadErfcxTables();
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP {
    const VF half_x = hn::Mul(x, hn::Set(d, 0.5f));
    const VF t = hn::Mul(hn::Abs(x), hn::Set(d, 0.70710678118654752f));
    // Small |x|.
    const VF s = hn::Mul(t, t);
    const VF ws = hn::Mul(hn::Sub(s, hn::Set(d, 0.125f)), hn::Set(d, 8.0f));
    VF pe = hn::Set(d, kErfOverT[6]);
    for (int k = 5; k >= 0; --k) pe = hn::MulAdd(pe, ws, hn::Set(d, kErfOverT[k]));
    const VF erf_signed = hn::CopySign(hn::Mul(t, pe), x);
    const VF small = hn::MulAdd(half_x, erf_signed, half_x);
    // Tails.
    VF t2, t2_lo;
#if HWY_NATIVE_FMA
    // x^2 / 2 exactly as hi + lo: the FMA gives the square's rounding error,
    // and halving is exact (outputs where x^2 underflows take the small branch).
    (void)dd;
    const VF sq = hn::Mul(x, x);
    t2 = hn::Mul(sq, hn::Set(d, 0.5f));
    t2_lo = hn::Mul(hn::MulSub(x, x, sq), hn::Set(d, 0.5f));
#else
    InDoubleHiLo(x, [&](auto xd) ACTBENCH_VECTOR_OP { return hn::Mul(hn::Mul(xd, xd), hn::Set(dd, 0.5)); }, t2, t2_lo);
#endif
    const ExpParts e = ExpReduce7(hn::Neg(hn::Min(t2, hn::Set(d, 110.25f))));
    // e^-(t2 + t2_lo) = (1 + et)(1 - t2_lo) = 1 + u.
    const VF u = hn::NegMulAdd(t2_lo, hn::Add(hn::Set(d, 1.0f), e.t), e.t);
    const VF r = Erfcx(hn::Min(hn::Max(t, hn::Set(d, 0.5f)), hn::Set(d, 10.5f)), tables);
    const VF q = hn::Mul(hn::MulAdd(half_x, u, half_x), r);  // x/2 e^-t^2 erfcx * 2^-n
    const VF tail = Ldexp(q, e.n);
    const VF neg = tail;                 // x < 0: x/2 erfc(t)
    const VF pos = hn::Sub(x, tail);     // x > 0: x - x/2 erfc(t)
    VF y = hn::IfThenElse(hn::Lt(x, hn::Zero(d)), neg, pos);
    y = hn::IfThenElse(hn::Lt(t, hn::Set(d, 0.5f)), small, y);
    y = hn::IfThenElse(hn::Gt(x, hn::Set(d, 10.0f)), x, y);
    y = hn::IfThenElse(hn::Lt(x, hn::Set(d, -14.9f)), hn::CopySign(hn::Zero(d), x), y);
    return KeepNaN(x, y);
  });
}

}  // namespace HWY_NAMESPACE
}  // namespace actbench
HWY_AFTER_NAMESPACE();

#endif  // ACTBENCH_IMPLS_SIMD_ACTIVATIONS_INL_H_
