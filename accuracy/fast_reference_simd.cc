// The fast reference in SIMD lanes (fast_reference.h, ReferenceChunk): the
// same double paths as fast_reference.cc, their libm calls replaced by
// SLEEF's double-precision vector functions (documented bounds: exp, expm1,
// log1p, erf 1.0 ULP, erfc 1.5 ULP, below glibc's that the scalar path's
// bounds assume), for tanh by the -cr kernels' expm1 (TanhHalfV) and for
// gelu's erf and erfc by the gelu -cr kernel's fits (ErfHalfV, ErfcHalfV),
// and the decision test in lanes. Every lane's result depends
// on its input only (the formula is chosen per lane), so a chunk's references
// do not depend on the range or the shard it was swept in. Lanes the vector
// code does not handle (zeros, NaN, infinities, exact ties, results too close
// to a midpoint) take the scalar path: the scalar decision test on the lane's
// own values, then the multiprecision Reference().
//
// Only targets with FMA and a SLEEF build have the vector path (AVX2 and the
// AVX-512 ones): the double-double products need a fused multiply-add.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "accuracy/fast_reference_simd.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "accuracy/fast_reference.h"
#include "accuracy/score.h"
#include "accuracy/ulp.h"
#include "impls/simd/math-inl.h"  // Expm1AccurateD: the -cr kernels' double expm1


#ifndef ACTBENCH_FAST_REF_SIMD_ONCE
#define ACTBENCH_FAST_REF_SIMD_ONCE
// SLEEF's double-precision functions for the AVX2 and AVX-512 targets
// (sleef.h declares them only where the file is compiled for that ISA), and
// their wrappers on Highway vectors.
#if ACTBENCH_REF_SLEEF
#include <immintrin.h>  // the vector types, declared whatever the compiler flags
#endif
// Declared once, with the ISA as their target (a vector argument needs it:
// clang refuses the call otherwise, and a redeclaration per Highway target
// would make them multiversioned).
#define ACTBENCH_SLEEF_DECLARATIONS(RAW, LANES, ISA, TARGET)                        \
  extern "C" __attribute__((target(TARGET))) RAW Sleef_expd##LANES##_u10##ISA(RAW);  \
  extern "C" __attribute__((target(TARGET))) RAW Sleef_erfd##LANES##_u10##ISA(RAW);  \
  extern "C" __attribute__((target(TARGET))) RAW Sleef_erfcd##LANES##_u15##ISA(RAW);  \
  extern "C" __attribute__((target(TARGET))) RAW Sleef_expm1d##LANES##_u10##ISA(RAW); \
  extern "C" __attribute__((target(TARGET))) RAW Sleef_log1pd##LANES##_u10##ISA(RAW);
#if ACTBENCH_REF_SLEEF
ACTBENCH_SLEEF_DECLARATIONS(__m256d, 4, avx2, "avx2,fma")
ACTBENCH_SLEEF_DECLARATIONS(__m512d, 8, avx512f, "avx512f")
#endif
#define ACTBENCH_SLEEF_WRAPPERS(LANES, ISA)                                                   \
  HWY_INLINE VD_ SleefExp(VD_ v) { return VD_{Sleef_expd##LANES##_u10##ISA(v.raw)}; }   \
  HWY_INLINE VD_ SleefErf(VD_ v) { return VD_{Sleef_erfd##LANES##_u10##ISA(v.raw)}; }   \
  HWY_INLINE VD_ SleefErfc(VD_ v) { return VD_{Sleef_erfcd##LANES##_u15##ISA(v.raw)}; } \
  HWY_INLINE VD_ SleefExpm1(VD_ v) { return VD_{Sleef_expm1d##LANES##_u10##ISA(v.raw)}; } \
  HWY_INLINE VD_ SleefLog1p(VD_ v) { return VD_{Sleef_log1pd##LANES##_u10##ISA(v.raw)}; }

namespace actbench {
// How a lane left the vector code.
enum class LaneFate : uint8_t {
  kScalar,    // no vector formula (zero, NaN, infinities): FastReference, then Reference()
  kUndecided  // a, b, err computed; the vector test did not decide: Decide, then Reference()
};
// ReferenceLanes' answers for a run it filled with one value, and with
// values that are floats (x or x/2).
inline constexpr size_t kConstantChunk = SIZE_MAX - 1;
inline constexpr size_t kExactChunk = SIZE_MAX - 2;
struct SlowLane {
  uint32_t i;
  LaneFate fate;
  double a, b, err;
};
}  // namespace actbench
#endif

HWY_BEFORE_NAMESPACE();
namespace actbench {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

#undef ACTBENCH_REF_VECTOR  // this file is compiled once per target
#if ACTBENCH_REF_SLEEF && (HWY_TARGET == HWY_AVX2 || HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL)
#define ACTBENCH_REF_VECTOR 1
using DD_ = hn::ScalableTag<double>;
using VD_ = hn::Vec<DD_>;
#if HWY_TARGET == HWY_AVX2
ACTBENCH_SLEEF_WRAPPERS(4, avx2)
#else
ACTBENCH_SLEEF_WRAPPERS(8, avx512f)
#endif
#endif

#if ACTBENCH_REF_VECTOR

// nextafter(x, +inf) for double or float lanes, x not NaN (fast_reference.cc's
// NextUp and NextUpF).
template <class D>
HWY_INLINE hn::Vec<D> NextUpV(D d, hn::Vec<D> x) {
  using T = hn::TFromD<D>;
  const hn::RebindToUnsigned<D> du;
  const auto bits = hn::BitCast(du, x);
  const auto stepped = hn::IfThenElse(hn::RebindMask(du, hn::Gt(x, hn::Zero(d))), hn::Add(bits, hn::Set(du, 1)),
                                      hn::Sub(bits, hn::Set(du, 1)));
  auto r = hn::BitCast(d, stepped);
  r = hn::IfThenElse(hn::Eq(x, hn::Zero(d)), hn::Set(d, std::numeric_limits<T>::denorm_min()), r);
  return hn::IfThenElse(hn::Eq(x, hn::Set(d, std::numeric_limits<T>::infinity())), x, r);
}
template <class D>
HWY_INLINE hn::Vec<D> NextDownV(D d, hn::Vec<D> x) {
  return hn::Neg(NextUpV(d, hn::Neg(x)));
}

// UlpKey of fast_reference.cc: the unbiased exponent of a >= 0, clamped to
// [-126, 127].
template <class D>
HWY_INLINE hn::Vec<hn::RebindToSigned<D>> UlpKeyV(D d, hn::Vec<D> a) {
  const hn::RebindToSigned<D> di;
  auto e = hn::Sub(hn::ShiftRight<52>(hn::BitCast(di, a)), hn::Set(di, 1023));
  e = hn::Max(e, hn::Set(di, -126));
  return hn::Min(e, hn::Set(di, 127));
}

// The decision test of fast_reference.cc (Decide) in lanes: the exact value
// lies in [a + b - err, a + b + err]. Returns the lanes it decided, with the
// exact double and the correctly rounded float (as a double) that Decide
// gives for them. Lanes with a double-subnormal |a + b| are left undecided
// (Decide's binade test handles them in scalar code).
//
// Only the lanes in `need` matter: when the quick cases below decide all of
// them, the general test is skipped.
template <class D>
HWY_INLINE hn::Mask<D> DecideV(D d, hn::Vec<D> a, hn::Vec<D> b, hn::Vec<D> err, hn::Mask<D> need,
                               hn::Vec<D>* exact, hn::Vec<D>* rounded) {
  using V = hn::Vec<D>;
  const hn::RebindToUnsigned<D> du;
  const hn::Rebind<float, D> df;
  const V zero = hn::Zero(d);
  const V inf = hn::Set(d, std::numeric_limits<double>::infinity());
  auto ok = hn::And(hn::And(hn::IsFinite(a), hn::IsFinite(b)), hn::IsFinite(err));
  // a + b exactly as hi + lo (TwoSum), keeping a's zero sign when b is 0.
  const auto bz = hn::Eq(b, zero);
  const V s = hn::Add(a, b), bb = hn::Sub(s, a);
  const V t = hn::Add(hn::Sub(a, hn::Sub(s, bb)), hn::Sub(b, bb));
  const V hi = hn::IfThenElse(bz, a, s), lo = hn::IfThenZeroElse(bz, t);
  ok = hn::And(ok, hn::IsFinite(hi));  // a + b overflowing: the scalar test
  const V e = hn::Add(hn::Mul(err, hn::Set(d, 1 + 0x1p-30)), hn::Set(d, 0x1p-1060));
  const V e2 = hn::Add(e, hn::Mul(hn::Abs(lo), hn::Set(d, 0x1p-50)));

  // The common case: well inside the rounding cell of r = (float)hi, a
  // normal float that is not a power of two.
  const V r = hn::PromoteTo(d, hn::DemoteTo(df, hi));
  const V ar = hn::Abs(r);
  const auto r_bits = hn::BitCast(du, r);
  const auto exp_mask = hn::Set(du, uint64_t(0x7ff) << 52);
  const auto mant_mask = hn::Set(du, (uint64_t(1) << 52) - 1);
  const auto r_normal = hn::And(hn::Ge(ar, hn::Set(d, 0x1p-126)), hn::Lt(ar, inf));
  const auto r_not_p2 = hn::RebindMask(d, hn::Ne(hn::And(r_bits, mant_mask), hn::Zero(du)));
  // ulp(r)/2 = 2^(exponent(r) - 24).
  const V half = hn::BitCast(d, hn::Sub(hn::And(r_bits, exp_mask), hn::Set(du, uint64_t(24) << 52)));
  const V dist = hn::Add(hn::Add(hn::Abs(hn::Sub(hi, r)), hn::Abs(lo)), e2);
  const auto common = hn::And(hn::And(r_normal, r_not_p2), hn::Lt(dist, hn::Mul(half, hn::Set(d, 1 - 0x1p-20))));
  if (hn::AllTrue(d, hn::Or(hn::Not(need), hn::And(ok, common)))) {  // most vectors
    *exact = hi;
    *rounded = r;
    return hn::And(ok, common);
  }
  // A power of two r, the value well inside its (narrower, lower) half
  // cells: r is the rounding; the binade is r's or the one below, as hi
  // lies, or at hi = r as the general test's power-of-two branch decides
  // (saturation at 1, sigmoid near 1/2 ...: millions of inputs).
  const V ah = hn::Abs(hi);
  const V o = hn::IfThenElse(hn::Lt(hi, zero), hn::Neg(lo), lo);
  const V abs_o = hn::Abs(o);
  const V o_plus = hn::Add(o, e);
  const auto c_near = hn::Le(hn::Add(abs_o, e), hn::Mul(hn::Set(d, 0x1p-206), ah));
  const auto c_above = hn::Ge(hn::Sub(o, e), zero);
  const auto c_below = hn::And(hn::Lt(o_plus, zero), hn::Gt(hn::Neg(o_plus), hn::Mul(hn::Set(d, 0x1p-196), ah)));
  const V below = NextDownV(d, ah);
  const V margin = hn::Add(hn::Abs(lo), e2);
  const auto p2_cell = hn::And(hn::AndNot(r_not_p2, r_normal),
                               hn::Lt(dist, hn::Mul(half, hn::Set(d, 0.5 * (1 - 0x1p-20)))));
  const auto off_p2 = hn::Or(hn::And(hn::Gt(ah, ar), hn::Gt(hn::Sub(ah, ar), margin)),
                             hn::And(hn::Lt(ah, ar), hn::Gt(hn::Sub(ar, ah), margin)));
  const auto at_p2 = hn::And(hn::Eq(ah, ar), hn::Or(hn::Or(c_near, c_above), c_below));
  const auto p2_quick = hn::And(p2_cell, hn::Or(off_p2, at_p2));
  const V p2_exact = hn::IfThenElse(at_p2, hn::CopySign(hn::IfThenElse(c_below, below, ah), hi), hi);
  const auto quick = hn::Or(common, p2_quick);
  *exact = hn::IfThenElse(common, hi, p2_exact);
  *rounded = r;
  if (hn::AllTrue(d, hn::Or(hn::Not(need), hn::And(ok, quick)))) return hn::And(ok, quick);

  // Rounding: the rounding of hi nudged toward lo, strictly inside the
  // midpoints around it.
  const V hn_ = hn::IfThenElse(hn::Gt(lo, zero), NextUpV(d, hi), hn::IfThenElse(hn::Lt(lo, zero), NextDownV(d, hi), hi));
  const auto rf = hn::DemoteTo(df, hn_);
  const V rd = hn::PromoteTo(d, rf);
  const V k_overflow = hn::Set(d, static_cast<double>(std::numeric_limits<float>::max()) + 0x1p103);
  const V up = hn::PromoteTo(d, NextUpV(df, rf)), dn = hn::PromoteTo(d, NextDownV(df, rf));
  const V up_edge = hn::IfThenElse(hn::IsInf(up), k_overflow, hn::Mul(hn::Add(rd, up), hn::Set(d, 0.5)));
  const V dn_edge = hn::IfThenElse(hn::IsInf(dn), hn::Neg(k_overflow), hn::Mul(hn::Add(rd, dn), hn::Set(d, 0.5)));
  const auto in_cell = hn::And(hn::Lt(hn::Add(hn::Sub(hi, up_edge), hn::Add(lo, e2)), zero),
                               hn::Gt(hn::Add(hn::Sub(hi, dn_edge), hn::Sub(lo, e2)), zero));
  const auto pos = hn::Gt(rd, zero);
  const V edge = hn::IfThenElse(pos, k_overflow, hn::Neg(k_overflow));
  const auto beyond = hn::IfThenElse(pos, hn::VecFromMask(d, hn::Gt(hn::Add(hn::Sub(hi, edge), hn::Sub(lo, e2)), zero)),
                                     hn::VecFromMask(d, hn::Lt(hn::Add(hn::Sub(hi, edge), hn::Add(lo, e2)), zero)));
  const auto round_ok = hn::MaskFromVec(hn::IfThenElse(hn::IsInf(rd), beyond, hn::VecFromMask(d, in_cell)));

  // Binade of |f| = |hi| + o.
  const auto ah_bits = hn::BitCast(du, ah);
  const auto ah_zero = hn::Eq(ah, zero);
  // Double subnormals: to the scalar test.
  ok = hn::AndNot(hn::And(hn::Gt(ah, zero), hn::Lt(ah, hn::Set(d, 0x1p-1022))), ok);
  const auto p2 = hn::AndNot(ah_zero, hn::RebindMask(d, hn::Eq(hn::And(ah_bits, mant_mask), hn::Zero(du))));
  // A power of two: Reference()'s 201 bits round within 2^-206 to it.
  const auto c_same_key = hn::RebindMask(d, hn::Eq(UlpKeyV(d, below), UlpKeyV(d, ah)));
  const auto p2_ok = hn::Or(hn::Or(c_near, c_above), hn::Or(c_below, c_same_key));
  const V rep_p2 = hn::IfThenElse(hn::AndNot(hn::Or(c_near, c_above), c_below), below, ah);
  // Not a power of two: inside [2^k, 2^(k+1)), or the float ulp constant
  // across the interval.
  const V p_dn = hn::BitCast(d, hn::And(ah_bits, exp_mask)), p_up = hn::Add(p_dn, p_dn);
  const auto same = hn::AndNot(ah_zero, hn::And(hn::Lt(hn::Add(o, e2), hn::Sub(p_up, ah)),
                                                hn::Gt(hn::Sub(o, e2), hn::Sub(p_dn, ah))));
  const V t2 = hn::Add(hn::Abs(lo), e2);
  const V ah_minus = hn::Sub(ah, t2);
  const V m_lo = hn::IfThenZeroElse(hn::Le(ah_minus, zero), NextDownV(d, ah_minus));
  const V m_hi = NextUpV(d, hn::Add(ah, t2));
  const auto key_ok = hn::RebindMask(d, hn::Eq(UlpKeyV(d, m_lo), UlpKeyV(d, m_hi)));
  const auto np2_ok = hn::Or(same, key_ok);
  const auto binade_ok = hn::MaskFromVec(hn::IfThenElse(p2, hn::VecFromMask(d, p2_ok), hn::VecFromMask(d, np2_ok)));
  const V rep = hn::IfThenElse(p2, rep_p2, ah);

  const auto general = hn::And(round_ok, binade_ok);
  *exact = hn::IfThenElse(quick, *exact, hn::CopySign(rep, hi));
  *rounded = hn::IfThenElse(quick, r, rd);
  return hn::And(ok, hn::Or(quick, general));
}

// x/sqrt(2) as a double-double, x >= 0 (fast_reference.cc's Mul(kInvSqrt2, x)).
template <class D>
HWY_INLINE void TimesInvSqrt2(D d, hn::Vec<D> x, hn::Vec<D>* hi, hn::Vec<D>* lo) {
  const auto c_hi = hn::Set(d, 0x1.6a09e667f3bcdp-1), c_lo = hn::Set(d, -0x1.bdd3413b26456p-55);
  const auto p = hn::Mul(c_hi, x);
  const auto p_lo = hn::MulSub(c_hi, x, p);  // exact with FMA
  const auto q = hn::Add(p_lo, hn::Mul(c_lo, x));
  const auto s = hn::Add(p, q), bb = hn::Sub(s, p);
  *hi = s;
  *lo = hn::Add(hn::Sub(p, hn::Sub(s, bb)), hn::Sub(q, bb));
}

// erfc(hi + lo) = erfc(hi) - lo 2/sqrt(pi) e^(-hi^2), lo tiny.
HWY_INLINE VD_ ErfcDDV(DD_ d, VD_ hi, VD_ lo) {
  const VD_ g = hn::Mul(hn::Mul(lo, hn::Set(d, 0x1.20dd750429b6dp+0)), SleefExp(hn::Neg(hn::Mul(hi, hi))));
  return hn::Sub(SleefErfc(hi), g);
}

// erfc(|x|/sqrt2) for 1/sqrt2 <= |x| <= 14.8 (erfcx's t in [0.5, 10.5]) and
// erf(x/sqrt2) for |x| < 1, s2 = x^2/2
// (exact for a float x), from the gelu -cr kernel's fits (impls/simd/math-inl.h:
// erf(t)/t to 2^-53.1 on t^2 <= 1/4, erfcx(t) = e^(t^2) erfc(t) to 2^-53.3 on
// [0.5, 10.5]) and ExpD's e^-s2 (about 2^-52, its argument exact; the
// rounding of t reaches only erfcx, whose relative slope is below 1): about
// 2^-50 with the roundings, erf from 1 - erfc above t = 1/2 at most one bit
// more (erfc < 1/2 there), under the 2^-46 gelu's decision test is given.
// SLEEF's erf and erfc, which these replace there, took half of gelu's
// sweep on the inputs that reach them.
HWY_INLINE VD_ ErfcHalfV(DD_ d, VD_ ax, VD_ s2) {
  const VD_ t = hn::Min(hn::Mul(ax, hn::Set(d, 0x1.6a09e667f3bcdp-1)), hn::Set(d, 10.5));
  return hn::Mul(ExpD(hn::Neg(hn::Min(s2, hn::Set(d, 110.0)))), ErfcxD(t));
}
HWY_INLINE VD_ ErfHalfV(DD_ d, VD_ x, VD_ s2) {
  const auto small = hn::Lt(s2, hn::Set(d, 0.25));
  VD_ r = hn::Zero(d);
  if (!hn::AllFalse(d, small)) {
    r = hn::Mul(hn::Mul(x, hn::Set(d, 0x1.6a09e667f3bcdp-1)), ErfOverTD(s2));
  }
  if (!hn::AllTrue(d, small)) {
    const VD_ e = hn::Sub(hn::Set(d, 1.0), ErfcHalfV(d, hn::Abs(x), s2));
    r = hn::IfThenElse(small, r, hn::CopySignToAbs(e, x));
  }
  return r;
}
// erfc(|x|/sqrt2) for 1 <= |x| <= 39: the fits to 14.8, SLEEF's erfc beyond
// (lanes in m matter).
HWY_INLINE VD_ ErfcTailV(DD_ d, hn::Mask<DD_> m, VD_ ax, VD_ s2) {
  VD_ c = ErfcHalfV(d, ax, s2);
  const auto far = hn::And(m, hn::Gt(ax, hn::Set(d, 14.8)));
  if (!hn::AllFalse(d, far)) {
    VD_ th, tl;
    TimesInvSqrt2(d, ax, &th, &tl);
    c = hn::IfThenElse(far, ErfcDDV(d, th, tl), c);
  }
  return c;
}

// tanh(z/2) = E/(E + 2), E = e^z - 1, for |z| < 2: Expm1AccurateD
// (impls/simd/math-inl.h, the -cr kernels' expm1: degree-9 fit of 2^-51.9
// shrunk to 2^-54, about 2^-52 with its roundings), the sum and the quotient
// add 2^-53 each: within 2^-49.9, under the 2^-48 the decision test is
// given. Odd, as SLEEF's tanh it replaces: evaluated at |z|, so that x and
// -x (tanh, sigmoid around 1/2) get errors of exactly one size and rank in
// the worst lists by bit pattern, as before. A third of SLEEF's tanh's
// time (which made up 60% of a sigmoid sweep's reference between 2^-20 and
// 1).
HWY_INLINE VD_ TanhHalfV(DD_ d, VD_ z) {
  const VD_ e = Expm1AccurateD(hn::Abs(z));
  return hn::CopySignToAbs(hn::Div(e, hn::Add(e, hn::Set(d, 2.0))), z);
}

// Per lane: either a direct value (exact, rounded), or a + b within err for
// the decision test, or the scalar path.
struct LaneValues {
  VD_ a, b, err;    // for the decision test
  VD_ exact, rnd;   // direct values
  hn::Mask<DD_> direct, scalar;
};

constexpr double kRelV = 0x1p-48, kRelErfcV = 0x1p-46;

HWY_INLINE void Blend(hn::Mask<DD_> m, VD_ a, VD_ b, VD_ rel_of, double rel, LaneValues* lv) {
  const DD_ d;
  lv->a = hn::IfThenElse(m, a, lv->a);
  lv->b = hn::IfThenElse(m, b, lv->b);
  lv->err = hn::IfThenElse(m, hn::Mul(hn::Abs(rel_of), hn::Set(d, rel)), lv->err);
}
HWY_INLINE void Direct(hn::Mask<DD_> m, VD_ exact, VD_ rnd, LaneValues* lv) {
  lv->exact = hn::IfThenElse(m, exact, lv->exact);
  lv->rnd = hn::IfThenElse(m, rnd, lv->rnd);
  lv->direct = hn::Or(lv->direct, m);
}
HWY_INLINE void Direct(hn::Mask<DD_> m, VD_ value, LaneValues* lv) { Direct(m, value, value, lv); }

// Saturation at s = +-1 (sigmoid, tanh): the value is s - s delta, delta > 0
// known to 2^-48. Reference() rounds it to 201 bits, where it is s itself
// when delta is below `threshold` (half the spacing of 201-bit numbers below
// 1, as its arithmetic reaches it), and otherwise lies below 1 in magnitude,
// where its truncated double is s (1 - 2^-53) as long as delta < 2^-54 (the
// lanes with `small` set). The float is s either way. Within 2^-40 of the
// threshold the lane is left to the decision test and the fallback.
HWY_INLINE void Saturate(DD_ d, hn::Mask<DD_> m, hn::Mask<DD_> small, VD_ s, VD_ delta, double threshold,
                         LaneValues* lv) {
  const auto at = hn::And(m, hn::Lt(delta, hn::Set(d, threshold * (1 - 0x1p-40))));
  const auto below = hn::And(hn::And(m, small), hn::Gt(delta, hn::Set(d, threshold * (1 + 0x1p-40))));
  Direct(at, s, lv);
  Direct(below, hn::Mul(s, hn::Set(d, 1 - 0x1p-53)), s, lv);
}

// |v| is a power of two (v a nonzero normal double).
HWY_INLINE hn::Mask<DD_> IsPowerOfTwoV(DD_ d, VD_ v) {
  const hn::RebindToUnsigned<DD_> du;
  return hn::RebindMask(d, hn::Eq(hn::And(hn::BitCast(du, v), hn::Set(du, (uint64_t(1) << 52) - 1)), hn::Zero(du)));
}

// a + b whose value stays well inside the rounding cell of the float a (a
// normal float, 2^-196 |a| < |b| < 2^-26 |a|): what the decision test gives
// those lanes, without it. The float is a; the exact double is hi, a + b
// rounded, but where hi is a itself, a power of two, and b points toward
// zero, the value lies in the binade below: the double below |a| (the
// test's power-of-two branch). Lanes in m become direct values.
HWY_INLINE void NearFloat(DD_ d, hn::Mask<DD_> m, VD_ a, VD_ b, LaneValues* lv) {
  if (hn::AllFalse(d, m)) return;
  const VD_ hi = hn::Add(a, b);
  const auto inward = hn::Lt(hn::Mul(a, b), hn::Zero(d));
  const auto lower = hn::And(hn::And(IsPowerOfTwoV(d, a), hn::Eq(hi, a)), inward);
  Direct(m, hn::IfThenElse(lower, hn::Mul(a, hn::Set(d, 1 - 0x1p-53)), hi), a, lv);
}

// sigmoid: the scalar Sigmoid's branches, and x/4 - x^3/48 below 2^-20
// (tanh(x/2)/2 to within (x/2)^4 2/15 < 2^-80 relative).
HWY_INLINE void SigmoidV(DD_ d, VD_ x, LaneValues* lv) {
  const VD_ ax = hn::Abs(x), one = hn::Set(d, 1.0), half = hn::Set(d, 0.5);
  const auto fin = hn::IsFinite(x);
  const auto nz = hn::Ne(x, hn::Zero(d));
  // Below 2^-56, x/4 is under a quarter of the double spacing around 1/2:
  // a + b rounds to 1/2 and the decision test's power-of-two case gives
  // 1/2 (x > 0) or the double below it (x < 0; Reference()'s 201 bits hold
  // 1/2 - |x|/4, truncated there too), the float 1/2 either way.
  const auto tiny0 = hn::And(nz, hn::Lt(ax, hn::Set(d, 0x1p-56)));
  const auto tiny = hn::And(hn::Ge(ax, hn::Set(d, 0x1p-56)), hn::Lt(ax, hn::Set(d, 0x1p-20)));
  const auto mid = hn::And(hn::Ge(ax, hn::Set(d, 0x1p-20)), hn::Lt(ax, one));
  const auto pos = hn::And(hn::Ge(x, one), hn::Le(x, hn::Set(d, 700.0)));
  const auto big = hn::And(fin, hn::Gt(x, hn::Set(d, 700.0)));
  // e^x/(1 + e^x) < 2^-1076 below -746: +0, as Decide(0, 0, 0) gives it
  // (and Reference()'s truncated double).
  const auto zero = hn::And(fin, hn::Lt(x, hn::Set(d, -746.0)));
  const auto neg = hn::And(hn::Ge(x, hn::Set(d, -746.0)), hn::Le(x, hn::Neg(one)));
  lv->scalar = hn::Not(hn::Or(hn::Or(hn::Or(tiny, mid), hn::Or(pos, big)), hn::Or(hn::Or(neg, zero), tiny0)));
  if (!hn::AllFalse(d, tiny0))
    Direct(tiny0, hn::IfThenElse(hn::Gt(x, hn::Zero(d)), half, hn::Set(d, 0.5 - 0x1p-54)), half, lv);
  if (!hn::AllFalse(d, tiny)) {
    const VD_ b = hn::Sub(hn::Mul(x, hn::Set(d, 0.25)), hn::Mul(hn::Mul(hn::Mul(x, x), x), hn::Set(d, 1.0 / 48)));
    Blend(tiny, half, b, b, kRelV, lv);
    // Below 2^-25, |b| < 2^-27: inside the float 1/2's cell (half of its
    // spacing below is 2^-26).
    NearFloat(d, hn::And(tiny, hn::Lt(ax, hn::Set(d, 0x1p-25))), half, b, lv);
  }
  if (!hn::AllFalse(d, mid)) {
    const VD_ b = hn::Mul(half, TanhHalfV(d, x));
    Blend(mid, half, b, b, kRelV, lv);
  }
  if (!hn::AllFalse(d, pos)) {
    const VD_ e = SleefExp(hn::Neg(x));
    const VD_ b = hn::Neg(hn::Div(e, hn::Add(one, e)));
    Blend(pos, one, b, b, kRelV, lv);
    // Reference(): 1/(1 + E), E = e^-x at 201 bits, is 1 when 1 + E rounds
    // to 1 (E < 2^-201, x > 139.32), else at most 1 - 2^-200.
    Saturate(d, pos, hn::Ge(x, hn::Set(d, 40.0)), one, e, 0x1p-201, lv);
  }
  if (!hn::AllFalse(d, big)) Direct(big, one, lv);
  if (!hn::AllFalse(d, zero)) Direct(zero, hn::Zero(d), lv);
  if (!hn::AllFalse(d, neg)) {
    const VD_ e = SleefExp(x);
    const VD_ y = hn::Div(e, hn::Add(one, e));
    Blend(neg, y, hn::Zero(d), y, kRelV, lv);
  }
}

// tanh: the scalar Tanh's branches.
HWY_INLINE void TanhV(DD_ d, VD_ x, LaneValues* lv) {
  const VD_ ax = hn::Abs(x), one = hn::Set(d, 1.0);
  const auto fin = hn::IsFinite(x);
  const auto nz = hn::Ne(x, hn::Zero(d));
  // For 2^-126 <= |x| < 2^-27, x^3/3 is below a quarter of x's double
  // spacing: a + b rounds to x, and the decision test gives x (the double
  // below |x| in magnitude when x is a power of two: the value lies in the
  // binade below; within 2^-206 of it, below 2^-103, x), the float x.
  // Powers of two from 2^-102 to 2^-98 are within 2^-196 .. 2^-206 of the
  // value, where the decision test leaves them to the fallback: they take
  // the formula below.
  const auto p2 = IsPowerOfTwoV(d, x);
  const auto p2_unsure = hn::And(p2, hn::And(hn::Ge(ax, hn::Set(d, 0x1p-102)), hn::Le(ax, hn::Set(d, 0x1p-98))));
  const auto tiny0 =
      hn::AndNot(p2_unsure, hn::And(hn::Ge(ax, hn::Set(d, 0x1p-126)), hn::Lt(ax, hn::Set(d, 0x1p-27))));
  const auto tiny = hn::And(hn::And(nz, hn::Not(tiny0)), hn::Lt(ax, hn::Set(d, 0x1p-20)));
  const auto mid = hn::And(hn::Ge(ax, hn::Set(d, 0x1p-20)), hn::Lt(ax, hn::Set(d, 0.55)));
  const auto core = hn::And(hn::Ge(ax, hn::Set(d, 0.55)), hn::Le(ax, hn::Set(d, 350.0)));
  const auto big = hn::And(fin, hn::Gt(ax, hn::Set(d, 350.0)));
  lv->scalar = hn::Not(hn::Or(hn::Or(hn::Or(tiny, mid), hn::Or(core, big)), tiny0));
  const VD_ s = hn::CopySign(one, x);
  if (!hn::AllFalse(d, tiny0)) {
    // At a power of two |x| <= 2^-103, x^3/3 is within 2^-206 of x, where
    // Reference()'s 201 bits hold x itself (the test's power-of-two branch);
    // from 2^-97 on it is more than 2^-196 below.
    const auto lower = hn::And(p2, hn::Ge(ax, hn::Set(d, 0x1p-97)));
    Direct(tiny0, hn::IfThenElse(lower, hn::Mul(x, hn::Set(d, 1 - 0x1p-53)), x), x, lv);
  }
  if (!hn::AllFalse(d, tiny)) {
    // x - x^3/3, the x^5 term below 2^-38 of the cubic one.
    const VD_ b = hn::Neg(hn::Mul(hn::Mul(hn::Mul(x, x), x), hn::Set(d, 1.0 / 3)));
    Blend(tiny, x, b, b, 0x1p-36, lv);
    // From 2^-27 (below, subnormal x and the powers of two left to the
    // fallback): |b| < 2^-41 |x|.
    NearFloat(d, hn::And(tiny, hn::Ge(ax, hn::Set(d, 0x1p-27))), x, b, lv);
  }
  if (!hn::AllFalse(d, mid)) {
    const VD_ y = TanhHalfV(d, hn::Add(x, x));
    Blend(mid, y, hn::Zero(d), y, kRelV, lv);
  }
  if (!hn::AllFalse(d, core)) {
    const VD_ e = SleefExp(hn::Mul(hn::Set(d, -2.0), ax));
    const VD_ delta = hn::Div(hn::Add(e, e), hn::Add(one, e));
    const VD_ b = hn::Neg(hn::Mul(s, delta));
    Blend(core, s, b, b, kRelV, lv);
    // Reference(): MPFR's tanh rounded to 201 bits is s when 1 - |tanh x| is
    // below half the spacing under 1, 2^-202 (|x| > 70.35).
    Saturate(d, core, hn::Ge(ax, hn::Set(d, 20.0)), s, delta, 0x1p-202, lv);
  }
  if (!hn::AllFalse(d, big)) Direct(big, s, lv);
}

// a + b rounding to x/2 (a = x/2, 0 < b below a quarter of its double
// spacing): the decision test's values, x/2 (for a negative power of two x,
// the double below |x|/2 in magnitude: the value lies in the binade below)
// and the float x/2 (a normal float here).
HWY_INLINE void HalfX(DD_ d, hn::Mask<DD_> m, VD_ x, VD_ x2, LaneValues* lv) {
  const auto lower = hn::And(hn::Lt(x, hn::Zero(d)), IsPowerOfTwoV(d, x));
  Direct(m, hn::IfThenElse(lower, hn::Mul(x2, hn::Set(d, 1 - 0x1p-53)), x2), x2, lv);
}

// gelu: the scalar Gelu's branches, and x/2 + x^2/sqrt(2 pi) below 2^-30
// (x/2 erf(x/sqrt2) to within x^2/6 < 2^-62 relative).
HWY_INLINE void GeluV(DD_ d, VD_ x, LaneValues* lv) {
  const VD_ ax = hn::Abs(x), one = hn::Set(d, 1.0), half = hn::Set(d, 0.5);
  const auto fin = hn::IsFinite(x);
  const auto nz = hn::Ne(x, hn::Zero(d));
  // For 2^-125 <= |x| < 2^-56, x^2/sqrt(2 pi) is below a quarter of x/2's
  // double spacing: a + b rounds to x/2, and the decision test gives x/2
  // (for a negative power of two x, the double below |x|/2 in magnitude: the
  // value lies in the binade below), the float x/2.
  const auto tiny0 = hn::And(hn::Ge(ax, hn::Set(d, 0x1p-125)), hn::Lt(ax, hn::Set(d, 0x1p-56)));
  const auto tiny = hn::And(hn::And(nz, hn::Not(tiny0)), hn::Lt(ax, hn::Set(d, 0x1p-30)));
  const auto mid = hn::And(hn::Ge(ax, hn::Set(d, 0x1p-30)), hn::Lt(ax, one));
  const auto pos = hn::And(hn::Ge(x, one), hn::Le(x, hn::Set(d, 38.0)));
  const auto big = hn::And(fin, hn::Gt(x, hn::Set(d, 38.0)));
  // x/2 erfc(-x/sqrt2) above -2^-1075 below -39 (erfc(27.5) < 1e-330): -0,
  // as Decide(-0, 0, 0) gives it.
  const auto zero = hn::And(fin, hn::Lt(x, hn::Set(d, -39.0)));
  const auto neg = hn::And(hn::Ge(x, hn::Set(d, -39.0)), hn::Le(x, hn::Neg(one)));
  lv->scalar = hn::Not(hn::Or(hn::Or(hn::Or(tiny, mid), hn::Or(pos, big)), hn::Or(hn::Or(neg, zero), tiny0)));
  const VD_ x2 = hn::Mul(x, half);
  if (!hn::AllFalse(d, tiny0)) HalfX(d, tiny0, x, x2, lv);
  if (!hn::AllFalse(d, tiny)) {
    const VD_ b = hn::Mul(hn::Mul(x, x), hn::Set(d, 0x1.9884533d43651p-2));  // 1/sqrt(2 pi)
    Blend(tiny, x2, b, b, kRelErfcV, lv);
    // From 2^-56 (x/2 a normal float): 2^-58 |x/2| < |b| < 2^-30 |x/2|.
    NearFloat(d, hn::And(tiny, hn::Ge(ax, hn::Set(d, 0x1p-56))), x2, b, lv);
  }
  const VD_ s2 = hn::Mul(hn::Mul(x, x), half);  // exact
  if (!hn::AllFalse(d, mid)) {
    const VD_ b = hn::Mul(x2, ErfHalfV(d, x, s2));
    Blend(mid, x2, b, b, kRelErfcV, lv);
  }
  const auto tail = hn::Or(pos, neg);
  if (!hn::AllFalse(d, tail)) {
    const VD_ c = ErfcTailV(d, tail, ax, s2);  // erfc(|x|/sqrt2)
    const VD_ b = hn::Neg(hn::Mul(x2, c));
    Blend(pos, x, b, b, kRelErfcV, lv);
    const VD_ y = hn::Mul(x2, c);
    Blend(neg, y, hn::Zero(d), y, kRelErfcV, lv);
  }
  if (!hn::AllFalse(d, big)) Direct(big, x, lv);
  if (!hn::AllFalse(d, zero)) Direct(zero, hn::Set(d, -0.0), lv);
}

// x sigmoid(k x) (silu: k = 1; gelu_sigmoid: k = 1.702f, k x exact in
// double): the scalar XSigmoid's branches, and closed forms for small x:
// (x/2) tanh(k x/2) = k x^2/4 (1 - k^2 x^2/12) to within (k x/2)^4 2/15
// below 2^-20, and below 2^-56 (from 2^-125, where x/2 is a normal float)
// a + b rounds to x/2, where the decision test gives x/2 (for a negative
// power of two, the double below |x|/2 in magnitude) and the float x/2.
HWY_INLINE void XSigmoidV(DD_ d, VD_ x, double k, LaneValues* lv) {
  const VD_ ax = hn::Abs(x), one = hn::Set(d, 1.0), half = hn::Set(d, 0.5), vk = hn::Set(d, k);
  const VD_ z = hn::Mul(vk, x);
  const auto fin = hn::IsFinite(x);
  const auto nz = hn::Ne(x, hn::Zero(d));
  const auto tiny0 = hn::And(hn::Ge(ax, hn::Set(d, 0x1p-125)), hn::Lt(ax, hn::Set(d, 0x1p-56)));
  const auto tiny = hn::And(hn::And(nz, hn::Not(tiny0)), hn::Lt(ax, hn::Set(d, 0x1p-20)));
  const auto mid = hn::And(hn::Ge(ax, hn::Set(d, 0x1p-20)), hn::Lt(ax, one));
  const auto pos = hn::And(hn::Ge(x, one), hn::Le(z, hn::Set(d, 700.0)));
  const auto big = hn::And(fin, hn::And(hn::Ge(x, one), hn::Gt(z, hn::Set(d, 700.0))));
  // x e^z/(1 + e^z) with e^z = 0 below z = -746: -0, as Decide(-0, 0, 0) gives it.
  const auto zero = hn::And(fin, hn::Lt(z, hn::Set(d, -746.0)));
  const auto neg = hn::And(hn::Ge(z, hn::Set(d, -746.0)), hn::Le(x, hn::Neg(one)));
  lv->scalar = hn::Not(hn::Or(hn::Or(hn::Or(tiny, mid), hn::Or(pos, big)), hn::Or(hn::Or(neg, zero), tiny0)));
  const VD_ x2 = hn::Mul(x, half);
  if (!hn::AllFalse(d, tiny0)) HalfX(d, tiny0, x, x2, lv);
  if (!hn::AllFalse(d, tiny)) {
    const VD_ x_sq = hn::Mul(x, x);
    const VD_ lead = hn::Mul(hn::Mul(x_sq, vk), hn::Set(d, 0.25));
    const VD_ b = hn::Mul(lead, hn::Sub(one, hn::Mul(x_sq, hn::Set(d, k * k / 12))));
    Blend(tiny, x2, b, b, kRelV, lv);
    // From 2^-56 to 2^-26 (x/2 a normal float), |b| < k |x|/2 |x/2| < 2^-26 |x/2|.
    NearFloat(d, hn::And(tiny, hn::And(hn::Ge(ax, hn::Set(d, 0x1p-56)), hn::Lt(ax, hn::Set(d, 0x1p-26)))), x2, b,
              lv);
  }
  if (!hn::AllFalse(d, mid)) {
    const VD_ b = hn::Mul(x2, TanhHalfV(d, z));
    Blend(mid, x2, b, b, kRelV, lv);
  }
  if (!hn::AllFalse(d, pos)) {
    const VD_ e = SleefExp(hn::Neg(z));
    const VD_ b = hn::Neg(hn::Mul(x, hn::Div(e, hn::Add(one, e))));
    Blend(pos, x, b, b, kRelV, lv);
  }
  if (!hn::AllFalse(d, big)) Direct(big, x, lv);
  if (!hn::AllFalse(d, zero)) Direct(zero, hn::Set(d, -0.0), lv);
  if (!hn::AllFalse(d, neg)) {
    const VD_ e = SleefExp(z);
    const VD_ y = hn::Mul(x, hn::Div(e, hn::Add(one, e)));
    Blend(neg, y, hn::Zero(d), y, kRelV, lv);
  }
}
HWY_INLINE void SiluV(DD_ d, VD_ x, LaneValues* lv) { XSigmoidV(d, x, 1.0, lv); }
HWY_INLINE void GeluSigmoidV(DD_ d, VD_ x, LaneValues* lv) { XSigmoidV(d, x, static_cast<double>(1.702f), lv); }

// elu with alpha = 1 (the vector path takes the default only): the scalar
// Elu's branches. Below -1 the value is -1 + e^x; Reference() computes
// expm1 at 201 bits, which is -1 itself when e^x is below half the 201-bit
// spacing above -1 (2^-202, x < -140.0), and otherwise above -1, where its
// truncated double is -(1 - 2^-53) while e^x < 2^-54: Saturate's two cases
// (the scalar test refuses 2^-206 .. 2^-196 around -1: 454,354 inputs).
//
// Above -2^-30, x + (x^2/2 + x^3/6) (the next term below 2^-62 of the
// second): the decision test then gives the double nearest expm1(x), as
// glibc's expm1 does there, where SLEEF's may be one double off (1 ULP is
// its bound): from -2^-52 to -1.414 2^-53 that double is x itself, a float,
// and the input's error would change bins (0 or above 0) with the library.
HWY_INLINE void EluV(DD_ d, VD_ x, LaneValues* lv) {
  const VD_ one = hn::Set(d, 1.0);
  const auto fin = hn::IsFinite(x);
  const auto pos = hn::And(fin, hn::Gt(x, hn::Zero(d)));
  const auto tiny = hn::And(hn::Lt(x, hn::Zero(d)), hn::Gt(x, hn::Set(d, -0x1p-30)));
  const auto mid = hn::And(hn::Le(x, hn::Set(d, -0x1p-30)), hn::Ge(x, hn::Neg(one)));
  const auto neg = hn::And(fin, hn::Lt(x, hn::Neg(one)));
  lv->scalar = hn::Not(hn::Or(hn::Or(pos, tiny), hn::Or(mid, neg)));
  if (!hn::AllFalse(d, pos)) Direct(pos, x, lv);
  if (!hn::AllFalse(d, tiny)) {
    const VD_ x_sq = hn::Mul(x, x);
    const VD_ b = hn::MulAdd(x_sq, hn::Mul(x, hn::Set(d, 1.0 / 6)), hn::Mul(x_sq, hn::Set(d, 0.5)));
    Blend(tiny, x, b, b, kRelV, lv);
  }
  if (!hn::AllFalse(d, mid)) {
    const VD_ y = SleefExpm1(x);
    Blend(mid, y, hn::Zero(d), y, kRelV, lv);
  }
  if (!hn::AllFalse(d, neg)) {
    const VD_ e = SleefExp(x);
    Blend(neg, hn::Neg(one), e, e, kRelV, lv);
    Saturate(d, neg, hn::Le(x, hn::Set(d, -40.0)), hn::Neg(one), e, 0x1p-202, lv);
  }
}

// Where e^x is a double subnormal (-746 <= x < -708) the lanes leave the
// input to the scalar path: SLEEF and glibc round such tiny values
// differently (softplus: 18,000 inputs near -745 get e^x = 0 from one and
// 2^-1074 from the other), and the exact double, 0 or not, decides whether a
// kernel's 0 scores an error of exactly 0.
constexpr double kExpSubnormal = -708.0;

// mish: the scalar Mish's branches; below -746 e^x is 0 in double and the
// scalar path's value x n/(n + 2) is -0, as Decide(-0, 0, 0) gives it.
HWY_INLINE void MishV(DD_ d, VD_ x, LaneValues* lv) {
  const VD_ one = hn::Set(d, 1.0), two = hn::Set(d, 2.0);
  const auto fin = hn::IsFinite(x);
  const auto nz = hn::Ne(x, hn::Zero(d));
  const auto pos = hn::And(hn::Ge(x, one), hn::Le(x, hn::Set(d, 350.0)));
  const auto big = hn::And(fin, hn::Gt(x, hn::Set(d, 350.0)));
  const auto zero = hn::And(fin, hn::Lt(x, hn::Set(d, -746.0)));
  const auto low = hn::And(nz, hn::And(hn::Lt(x, one), hn::Ge(x, hn::Set(d, kExpSubnormal))));
  lv->scalar = hn::Not(hn::Or(hn::Or(pos, big), hn::Or(zero, low)));
  if (!hn::AllFalse(d, pos)) {
    // x - x 2e^2/(1 + 2e + 2e^2), e = e^-x.
    const VD_ e = SleefExp(hn::Neg(x)), e2 = hn::Mul(e, e);
    const VD_ q = hn::Add(hn::Add(one, hn::Mul(two, e)), hn::Mul(two, e2));
    const VD_ b = hn::Neg(hn::Mul(x, hn::Div(hn::Mul(two, e2), q)));
    Blend(pos, x, b, b, kRelV, lv);
  }
  if (!hn::AllFalse(d, big)) Direct(big, x, lv);
  if (!hn::AllFalse(d, zero)) Direct(zero, hn::Set(d, -0.0), lv);
  if (!hn::AllFalse(d, low)) {
    // x n/(n + 2), n = e^x (e^x + 2).
    const VD_ e = SleefExp(x), n = hn::Mul(e, hn::Add(e, two));
    const VD_ y = hn::Mul(x, hn::Div(n, hn::Add(n, two)));
    Blend(low, y, hn::Zero(d), y, kRelV, lv);
  }
}

// softplus with beta = 1 and threshold = 20 (the vector path takes the
// defaults only): the scalar Softplus's branches; below -746 e^x is 0 in
// double and the scalar path's log1p(0) is +0, as Decide(0, 0, 0) gives it.
HWY_INLINE void SoftplusV(DD_ d, VD_ x, LaneValues* lv) {
  const auto fin = hn::IsFinite(x);
  const auto nz = hn::Ne(x, hn::Zero(d));
  const auto near0 = hn::And(nz, hn::Lt(hn::Abs(x), hn::Set(d, 0x1p-30)));  // below
  const auto lin = hn::And(fin, hn::Gt(x, hn::Set(d, 20.0)));
  const auto pos = hn::AndNot(near0, hn::And(hn::Gt(x, hn::Zero(d)), hn::Le(x, hn::Set(d, 20.0))));
  const auto zero = hn::And(fin, hn::Lt(x, hn::Set(d, -746.0)));
  const auto neg =
      hn::AndNot(near0, hn::And(nz, hn::And(hn::Le(x, hn::Zero(d)), hn::Ge(x, hn::Set(d, kExpSubnormal)))));
  lv->scalar = hn::Not(hn::Or(hn::Or(hn::Or(lin, pos), near0), hn::Or(zero, neg)));
  if (!hn::AllFalse(d, lin)) Direct(lin, x, lv);
  if (!hn::AllFalse(d, pos)) {
    const VD_ b = SleefLog1p(SleefExp(hn::Neg(x)));  // x + log1p(e^-x)
    Blend(pos, x, b, b, kRelV, lv);
  }
  // Below 2^-30: ln2 + x/2 + x^2/8 (the next term, x^4/192, below 2^-120 of
  // it), within 2.4e-9 of the float nearest ln2, 0x1.62e43p-1, whose
  // rounding cell reaches 3e-8 either side: that float, and the double
  // ln2hi + (ln2lo + x/2 + x^2/8) (ln2 to 2^-107). Half the float patterns
  // are this close to 0; SLEEF's exp and log1p took 15 ns on each.
  if (!hn::AllFalse(d, near0)) {
    const VD_ b = hn::Add(hn::Set(d, 0x1.abc9e3b39803fp-56),
                          hn::MulAdd(hn::Mul(x, x), hn::Set(d, 0.125), hn::Mul(x, hn::Set(d, 0.5))));
    Direct(near0, hn::Add(hn::Set(d, 0x1.62e42fefa39efp-1), b), hn::Set(d, 0x1.62e43p-1), lv);
  }
  if (!hn::AllFalse(d, zero)) Direct(zero, hn::Zero(d), lv);
  if (!hn::AllFalse(d, neg)) {
    const VD_ y = SleefLog1p(SleefExp(x));
    Blend(neg, y, hn::Zero(d), y, kRelV, lv);
  }
}

// Double-double steps of gelu_tanh's argument (fast_reference.cc's TwoSum,
// TwoProd, Mul and Add; FMA gives the exact product's low part).
struct DDV {
  VD_ hi, lo;
};
HWY_INLINE DDV TwoSumV(VD_ a, VD_ b) {
  const VD_ s = hn::Add(a, b), bb = hn::Sub(s, a);
  return {s, hn::Add(hn::Sub(a, hn::Sub(s, bb)), hn::Sub(b, bb))};
}
HWY_INLINE DDV TwoProdV(VD_ a, VD_ b) {
  const VD_ p = hn::Mul(a, b);
  return {p, hn::MulSub(a, b, p)};
}
HWY_INLINE DDV MulV(DD_ d, double a_hi, double a_lo, VD_ b) {  // (a_hi + a_lo) b
  const DDV p = TwoProdV(hn::Set(d, a_hi), b);
  return TwoSumV(p.hi, hn::Add(p.lo, hn::Mul(hn::Set(d, a_lo), b)));  // two roundings, as the scalar Mul
}
HWY_INLINE DDV MulV(DD_ d, double a_hi, double a_lo, DDV b) {
  const DDV p = TwoProdV(hn::Set(d, a_hi), b.hi);
  return TwoSumV(p.hi, hn::Add(p.lo, hn::Add(hn::Mul(hn::Set(d, a_hi), b.lo), hn::Mul(hn::Set(d, a_lo), b.hi))));
}
HWY_INLINE DDV AddV(DDV a, DDV b) {
  const DDV s = TwoSumV(a.hi, b.hi);
  return TwoSumV(s.hi, hn::Add(hn::Add(s.lo, a.lo), b.lo));
}

// gelu_tanh: the scalar GeluTanh's branches (z = 2u = x (a + b x^2) as a
// double-double; x sigmoid(z)).
HWY_INLINE void GeluTanhV(DD_ d, VD_ x, LaneValues* lv) {
  const VD_ ax = hn::Abs(x), one = hn::Set(d, 1.0), half = hn::Set(d, 0.5);
  const auto fin = hn::IsFinite(x);
  const auto nz = hn::Ne(x, hn::Zero(d));
  // 2 sqrt(2/pi) and 0.044715 * 2 sqrt(2/pi) (fast_reference.cc's kA, kB).
  const DDV z = AddV(MulV(d, 0x1.9884533d43651p+0, -0x1.cbc0d30ebfd15p-54, x),
                     MulV(d, 0x1.2444f2a4d8b4bp-4, -0x1.6c843a29d1c7p-61, TwoProdV(hn::Mul(x, x), x)));
  // Near 0 the value is x/2 + c x^2 (c = 0.3989...), as gelu's: from 2^-125
  // to 2^-56 a + b rounds to x/2 (HalfX).
  const auto tiny0 = hn::And(hn::Ge(ax, hn::Set(d, 0x1p-125)), hn::Lt(ax, hn::Set(d, 0x1p-56)));
  const auto mid = hn::And(hn::And(nz, hn::Not(tiny0)), hn::Lt(ax, one));
  const auto pos = hn::And(hn::Ge(x, one), hn::Le(z.hi, hn::Set(d, 700.0)));
  const auto big = hn::And(fin, hn::And(hn::Ge(x, one), hn::Gt(z.hi, hn::Set(d, 700.0))));
  // Below z = -746 e^z is 0 in double, and the scalar path's value x s is
  // -0 (z's low part may be huge there), as Decide(-0, 0, 0) gives it.
  const auto zero = hn::And(fin, hn::Lt(z.hi, hn::Set(d, -746.0)));
  const auto neg = hn::And(hn::Le(x, hn::Neg(one)), hn::Ge(z.hi, hn::Set(d, kExpSubnormal)));
  lv->scalar = hn::Not(hn::Or(hn::Or(hn::Or(mid, pos), zero), hn::Or(hn::Or(big, neg), tiny0)));
  const VD_ x2 = hn::Mul(x, half);
  if (!hn::AllFalse(d, tiny0)) HalfX(d, tiny0, x, x2, lv);
  if (!hn::AllFalse(d, mid)) {
    const VD_ b = hn::Mul(x2, TanhHalfV(d, z.hi));
    Blend(mid, x2, b, b, kRelV, lv);
  }
  if (!hn::AllFalse(d, pos)) {
    // x - x sigmoid(-z), sigmoid(-hi - lo) = s (1 - lo (1 - s)).
    const VD_ e = SleefExp(hn::Neg(z.hi)), s = hn::Div(e, hn::Add(one, e));
    const VD_ b = hn::Neg(hn::Mul(x, hn::Mul(s, hn::Sub(one, hn::Mul(z.lo, hn::Sub(one, s))))));
    Blend(pos, x, b, b, kRelV, lv);
  }
  if (!hn::AllFalse(d, big)) Direct(big, x, lv);
  if (!hn::AllFalse(d, zero)) Direct(zero, hn::Set(d, -0.0), lv);
  if (!hn::AllFalse(d, neg)) {
    // x s (1 + lo (1 - s)).
    const VD_ e = SleefExp(z.hi), s = hn::Div(e, hn::Add(one, e));
    const VD_ y = hn::Mul(x, hn::Mul(s, hn::Add(one, hn::Mul(z.lo, hn::Sub(one, s)))));
    Blend(neg, y, hn::Zero(d), y, kRelV, lv);
  }
}

// relu and leaky_relu (negative_slope 0.01f, the default: the vector path
// takes it only): exact in double (24 x 24 bit products), values direct.
// Zeros keep their sign (x < 0 is false for -0), as Reference() gives them.
HWY_INLINE void SlopeV(DD_ d, VD_ x, double slope, LaneValues* lv) {
  const auto fin = hn::IsFinite(x);
  const auto neg = hn::And(fin, hn::Lt(x, hn::Zero(d)));
  const auto rest = hn::AndNot(neg, fin);
  lv->scalar = hn::Not(fin);
  Direct(neg, slope == 0 ? hn::Zero(d) : hn::Mul(x, hn::Set(d, slope)), lv);  // relu: +0
  Direct(rest, x, lv);
}
HWY_INLINE void ReluV(DD_ d, VD_ x, LaneValues* lv) { SlopeV(d, x, 0.0, lv); }
HWY_INLINE void LeakyReluV(DD_ d, VD_ x, LaneValues* lv) { SlopeV(d, x, static_cast<double>(0.01f), lv); }

// a + b within err (err given, not relative to one of them).
HWY_INLINE void BlendErr(hn::Mask<DD_> m, VD_ a, VD_ b, VD_ err, LaneValues* lv) {
  lv->a = hn::IfThenElse(m, a, lv->a);
  lv->b = hn::IfThenElse(m, b, lv->b);
  lv->err = hn::IfThenElse(m, err, lv->err);
}

// hard_sigmoid: the scalar HardSigmoid's branches; (x + 3)/6 exact in
// double (millions of float midpoints) is a direct value.
HWY_INLINE void HardSigmoidV(DD_ d, VD_ x, LaneValues* lv) {
  const VD_ three = hn::Set(d, 3.0), six = hn::Set(d, 6.0);
  const auto fin = hn::IsFinite(x);
  const auto low = hn::And(fin, hn::Le(x, hn::Neg(three)));
  const auto high = hn::And(fin, hn::Ge(x, three));
  const auto mid = hn::And(hn::Ne(x, hn::Zero(d)), hn::And(hn::Gt(x, hn::Neg(three)), hn::Lt(x, three)));
  lv->scalar = hn::Not(hn::Or(hn::Or(low, high), mid));
  Direct(low, hn::Zero(d), lv);
  Direct(high, hn::Set(d, 1.0), lv);
  if (hn::AllFalse(d, mid)) return;
  const DDV s = TwoSumV(x, three);
  const VD_ q = hn::Div(s.hi, six);
  const VD_ rem = hn::NegMulAdd(q, six, s.hi);  // exact
  const auto exact = hn::And(mid, hn::And(hn::Eq(s.lo, hn::Zero(d)), hn::Eq(rem, hn::Zero(d))));
  Direct(exact, q, lv);
  const auto rest = hn::AndNot(exact, mid);
  const auto upper = hn::And(rest, hn::Ge(x, hn::Set(d, -1.0)));
  const VD_ b = hn::Div(x, six);  // 1/2 + x/6, one rounding
  BlendErr(upper, hn::Set(d, 0.5), b, hn::Mul(hn::Abs(b), hn::Set(d, 0x1p-52)), lv);
  const auto lower = hn::AndNot(upper, rest);
  const VD_ q_lo = hn::Div(hn::Add(rem, s.lo), six);  // near -3: (x + 3)/6 as a double-double
  BlendErr(lower, q, q_lo,
           hn::Add(hn::Mul(hn::Abs(q_lo), hn::Set(d, 0x1p-50)), hn::Mul(hn::Abs(q), hn::Set(d, 0x1p-100))), lv);
}

// hard_swish: the scalar HardSwish's branches.
HWY_INLINE void HardSwishV(DD_ d, VD_ x, LaneValues* lv) {
  const VD_ three = hn::Set(d, 3.0), six = hn::Set(d, 6.0);
  const auto fin = hn::IsFinite(x);
  const auto low = hn::And(fin, hn::Le(x, hn::Neg(three)));
  const auto high = hn::And(fin, hn::Ge(x, three));
  const auto small = hn::And(hn::Ne(x, hn::Zero(d)), hn::Lt(hn::Abs(x), hn::Set(d, 1.0)));
  const auto mid = hn::And(hn::And(hn::Gt(x, hn::Neg(three)), hn::Lt(x, three)), hn::Ge(hn::Abs(x), hn::Set(d, 1.0)));
  lv->scalar = hn::Not(hn::Or(hn::Or(low, high), hn::Or(small, mid)));
  Direct(low, hn::Set(d, -0.0), lv);
  Direct(high, x, lv);
  if (!hn::AllFalse(d, small)) {
    const VD_ b = hn::Div(hn::Mul(x, x), six);  // x/2 + x^2/6, x^2 exact
    BlendErr(small, hn::Mul(x, hn::Set(d, 0.5)), b, hn::Mul(b, hn::Set(d, 0x1p-52)), lv);
  }
  if (!hn::AllFalse(d, mid)) {
    // x (x + 3) as a double-double (it cancels near -3), then / 6.
    const DDV s = TwoSumV(x, three);
    const DDV pr = TwoProdV(x, s.hi);
    const VD_ p_lo = hn::MulAdd(x, s.lo, pr.lo);
    const VD_ q = hn::Div(pr.hi, six);
    const VD_ rem = hn::NegMulAdd(q, six, pr.hi);
    const VD_ q_lo = hn::Div(hn::Add(rem, p_lo), six);
    BlendErr(mid, q, q_lo,
             hn::Add(hn::Mul(hn::Abs(q_lo), hn::Set(d, 0x1p-50)), hn::Mul(hn::Abs(q), hn::Set(d, 0x1p-100))), lv);
  }
}

// Backward activations whose derivative is piecewise exact (fast_reference.cc's
// Grad, dy = 1): relu' and leaky_relu' (1 above 0, the slope at and below),
// hard_sigmoid' (1/6 inside (-3, 3), as Decide(1/6, 0, 2^-55) gives it: the
// double 1/6 and its float; 0 outside), hard_swish' (0 below -3, 1 from 3,
// x/3 + 1/2 between: the scalar path's forms, decided in lanes).
HWY_INLINE void StepGradV(DD_ d, VD_ x, double slope, LaneValues* lv) {
  const auto fin = hn::IsFinite(x);
  const auto up = hn::And(fin, hn::Gt(x, hn::Zero(d)));
  lv->scalar = hn::Not(fin);
  Direct(up, hn::Set(d, 1.0), lv);
  Direct(hn::AndNot(up, fin), hn::Set(d, slope), lv);
}
HWY_INLINE void ReluGradV(DD_ d, VD_ x, LaneValues* lv) { StepGradV(d, x, 0.0, lv); }
HWY_INLINE void LeakyReluGradV(DD_ d, VD_ x, LaneValues* lv) { StepGradV(d, x, static_cast<double>(0.01f), lv); }
HWY_INLINE void HardSigmoidGradV(DD_ d, VD_ x, LaneValues* lv) {
  const auto fin = hn::IsFinite(x);
  const auto in = hn::And(hn::Gt(x, hn::Set(d, -3.0)), hn::Lt(x, hn::Set(d, 3.0)));
  lv->scalar = hn::Not(fin);
  Direct(in, hn::Set(d, 1.0 / 6), hn::Set(d, static_cast<double>(static_cast<float>(1.0 / 6))), lv);
  Direct(hn::AndNot(in, fin), hn::Zero(d), lv);
}
HWY_INLINE void HardSwishGradV(DD_ d, VD_ x, LaneValues* lv) {
  const VD_ three = hn::Set(d, 3.0);
  const auto fin = hn::IsFinite(x);
  const auto low = hn::And(fin, hn::Lt(x, hn::Neg(three)));
  const auto high = hn::And(fin, hn::Ge(x, three));
  const auto small = hn::Lt(hn::Abs(x), hn::Set(d, 1.0));
  const auto mid = hn::AndNot(small, hn::And(hn::Ge(x, hn::Neg(three)), hn::Lt(x, three)));
  lv->scalar = hn::Not(fin);
  Direct(low, hn::Zero(d), lv);
  Direct(high, hn::Set(d, 1.0), lv);
  if (!hn::AllFalse(d, small)) {  // 1/2 + x/3, one rounding in b; exact sums (the ties) direct
    const VD_ b = hn::Div(x, three);
    BlendErr(small, hn::Set(d, 0.5), b, hn::Mul(hn::Abs(b), hn::Set(d, 0x1p-52)), lv);
    const DDV s = TwoSumV(hn::Set(d, 0.5), b);
    const auto exact =
        hn::And(small, hn::And(hn::Eq(hn::NegMulAdd(b, three, x), hn::Zero(d)), hn::Eq(s.lo, hn::Zero(d))));
    Direct(exact, s.hi, lv);
  }
  if (!hn::AllFalse(d, mid)) {
    // (x + 1.5)/3, x + 1.5 exact here; an exact quotient is its own value.
    const VD_ sum = hn::Add(x, hn::Set(d, 1.5));
    const VD_ q = hn::Div(sum, three);
    const VD_ rem = hn::NegMulAdd(q, three, sum);
    const auto exact = hn::And(mid, hn::Eq(rem, hn::Zero(d)));
    Direct(exact, q, lv);
    const VD_ q_lo = hn::Div(rem, three);
    BlendErr(hn::AndNot(exact, mid), q, q_lo,
             hn::Add(hn::Mul(hn::Abs(q_lo), hn::Set(d, 0x1p-50)), hn::Mul(hn::Abs(q), hn::Set(d, 0x1p-100))), lv);
  }
}

// Backward activations with transcendental derivatives: fast_reference.cc's
// Grad (dy = 1), its branches and bounds, with SLEEF's exp, expm1, erf and
// erfc and the -cr kernels' tanh (TanhHalfV) in place of libm (and x87 long
// double for gelu' below -1, as the scalar path), plus direct values where
// the value stays inside one float's rounding cell (NearFloat) or is a
// constant. Sums of two terms that may cancel carry their bound on the terms'
// magnitudes, as the scalar Sum does: lanes where that bound exceeds 2^-44 of
// the sum (near a root) take the scalar path, which falls back to MPFR.
constexpr double kRelGradV = 0x1p-47;  // fast_reference.cc's kRelGrad

HWY_INLINE void SumErr(DD_ d, hn::Mask<DD_> m, VD_ a, VD_ b, VD_ err, LaneValues* lv) {
  BlendErr(m, a, b, err, lv);
  const auto loose = hn::And(m, hn::Not(hn::Le(err, hn::Mul(hn::Abs(hn::Add(a, b)), hn::Set(d, 0x1p-44)))));
  lv->scalar = hn::Or(lv->scalar, loose);
}

// sigmoid' (c = 1/4, z = |x|/2) and tanh' (c = 1, z = |x|): c (1 - tanh^2 z)
// = c - c th^2 below |x| = 1, c e/(1 + e)^2 (times 4 for tanh) from 1, e =
// e^-2z. Below |x| = 2^-60 Reference() holds c when c z^2 is at most half of
// its 201-bit spacing under c (2^-204, 2^-202), else the double below c (the
// scalar path's direct values); up to z = 2^-13, c z^2 < 2^-26 c keeps the
// value in c's rounding cell (NearFloat, th^2 = z^2 (1 - 2z^2/3) to within
// 0.4 z^4). Beyond 708 (sigmoid) or 354 (tanh) e nears the double
// subnormals (from 708.4), where SLEEF and glibc may round differently: the
// scalar path; beyond 746 (373) e^-2z is 0 in double and so is the value, +0.
template <bool kTanh>
HWY_INLINE void SigmoidTanhGradV(DD_ d, VD_ x, LaneValues* lv) {
  const double c = kTanh ? 1.0 : 0.25;
  const VD_ ax = hn::Abs(x), vc = hn::Set(d, c), one = hn::Set(d, 1.0);
  const VD_ z = kTanh ? ax : hn::Mul(ax, hn::Set(d, 0.5));
  const auto fin = hn::IsFinite(x);
  const auto tiny0 = hn::Lt(ax, hn::Set(d, 0x1p-60));
  const auto tiny = hn::And(hn::Ge(ax, hn::Set(d, 0x1p-60)), hn::Lt(z, hn::Set(d, 0x1p-13)));
  const auto mid = hn::And(hn::Ge(z, hn::Set(d, 0x1p-13)), hn::Lt(ax, one));
  const auto core = hn::And(hn::Ge(ax, one), hn::Le(ax, hn::Set(d, kTanh ? 354.0 : 708.0)));
  const auto zero = hn::And(fin, hn::Gt(ax, hn::Set(d, kTanh ? 373.0 : 746.0)));
  lv->scalar = hn::Not(hn::Or(hn::Or(tiny0, tiny), hn::Or(hn::Or(mid, core), zero)));
  const VD_ z_sq = hn::Mul(z, z);
  if (!hn::AllFalse(d, tiny0)) {
    const auto at_c = hn::Le(hn::Mul(vc, z_sq), hn::Set(d, kTanh ? 0x1p-202 : 0x1p-204));
    Direct(tiny0, hn::IfThenElse(at_c, vc, hn::Set(d, c * (1 - 0x1p-53))), vc, lv);
  }
  if (!hn::AllFalse(d, tiny)) {
    const VD_ b = hn::Neg(hn::Mul(hn::Mul(vc, z_sq), hn::NegMulAdd(z_sq, hn::Set(d, 2.0 / 3), one)));
    NearFloat(d, tiny, vc, b, lv);
  }
  if (!hn::AllFalse(d, mid)) {
    // th^2 from TanhHalfV (2^-49.9) is within 2^-48.8: 2^-47 keeps the
    // factor of margin the scalar path has (glibc's tanh, 2^-48).
    const VD_ th = TanhHalfV(d, hn::Add(z, z));
    const VD_ b = hn::Neg(hn::Mul(vc, hn::Mul(th, th)));
    Blend(mid, vc, b, b, kRelGradV, lv);
  }
  if (!hn::AllFalse(d, core)) {
    const VD_ e = SleefExp(hn::Neg(hn::Add(z, z)));
    const VD_ ope = hn::Add(one, e);
    VD_ y = hn::Div(e, hn::Mul(ope, ope));
    if (kTanh) y = hn::Mul(y, hn::Set(d, 4.0));
    Blend(core, y, hn::Zero(d), y, kRelV, lv);
  }
  if (!hn::AllFalse(d, zero)) Direct(zero, hn::Zero(d), lv);
}
HWY_INLINE void SigmoidGradV(DD_ d, VD_ x, LaneValues* lv) { SigmoidTanhGradV<false>(d, x, lv); }
HWY_INLINE void TanhGradV(DD_ d, VD_ x, LaneValues* lv) { SigmoidTanhGradV<true>(d, x, lv); }

// softplus' with beta = 1 and threshold = 20 (the vector path takes the
// defaults only): sigmoid(x), 1 exactly above the threshold.
HWY_INLINE void SoftplusGradV(DD_ d, VD_ x, LaneValues* lv) {
  SigmoidV(d, x, lv);
  Direct(hn::And(hn::IsFinite(x), hn::Gt(x, hn::Set(d, 20.0))), hn::Set(d, 1.0), lv);
  // e^x a double subnormal: the scalar path, as for the other backward ones.
  const auto sub = hn::And(hn::Ge(x, hn::Set(d, -746.0)), hn::Lt(x, hn::Set(d, kExpSubnormal)));
  lv->scalar = hn::Or(lv->scalar, sub);
}

// elu' with alpha = 1 (the default only): 1 above 0, 1 + expm1(x) down to -1
// (above -2^-26 inside 1's rounding cell: NearFloat, expm1 x = x + x^2/2 +
// x^3/6 to within x^4/24), e^x below; e^x subnormal (-746 <= x < -708): the
// scalar path; below -746, +0.
HWY_INLINE void EluGradV(DD_ d, VD_ x, LaneValues* lv) {
  const VD_ one = hn::Set(d, 1.0);
  const auto fin = hn::IsFinite(x);
  const auto pos = hn::And(fin, hn::Gt(x, hn::Zero(d)));
  const auto tiny = hn::And(hn::Lt(x, hn::Zero(d)), hn::Gt(x, hn::Set(d, -0x1p-26)));
  const auto mid = hn::And(hn::Le(x, hn::Set(d, -0x1p-26)), hn::Gt(x, hn::Neg(one)));
  const auto neg = hn::And(hn::Le(x, hn::Neg(one)), hn::Ge(x, hn::Set(d, kExpSubnormal)));
  const auto zero = hn::And(fin, hn::Lt(x, hn::Set(d, -746.0)));
  lv->scalar = hn::Not(hn::Or(hn::Or(pos, tiny), hn::Or(hn::Or(mid, neg), zero)));
  if (!hn::AllFalse(d, pos)) Direct(pos, one, lv);
  if (!hn::AllFalse(d, tiny)) {
    const VD_ x_sq = hn::Mul(x, x);
    const VD_ b = hn::Add(x, hn::MulAdd(x_sq, hn::Mul(x, hn::Set(d, 1.0 / 6)), hn::Mul(x_sq, hn::Set(d, 0.5))));
    NearFloat(d, tiny, one, b, lv);
  }
  if (!hn::AllFalse(d, mid)) {
    const VD_ b = SleefExpm1(x);
    Blend(mid, one, b, b, kRelV, lv);
  }
  if (!hn::AllFalse(d, neg)) {
    const VD_ e = SleefExp(x);
    Blend(neg, e, hn::Zero(d), e, kRelV, lv);
  }
  if (!hn::AllFalse(d, zero)) Direct(zero, hn::Zero(d), lv);
}

// silu' (k = 1) and gelu_sigmoid' (k = 1.702f): silu'(z), z = k x exact:
// 1/2 + z/2 - z^3/12 below 2^-26 (inside 1/2's rounding cell: NearFloat; the
// next term is below z^5/80), 1/2 + th/2 + z (1 - th^2)/4 below 1 (th =
// tanh(z/2)), 1 - sm + z s sm from 1 (s = sigmoid(z), sm = 1 - s), which
// from z = 41 is 1 + d with 0 < d < 2^-53.8: the scalar test's value, 1;
// s + z s sm below -1, which cancels at the root z = -1.278 (the scalar
// path there); e^z subnormal (-746 <= z < -708): the scalar path; below
// -746, -0.
HWY_INLINE void XSigmoidGradV(DD_ d, VD_ x, double k, LaneValues* lv) {
  const VD_ one = hn::Set(d, 1.0), half = hn::Set(d, 0.5), quarter = hn::Set(d, 0.25);
  const VD_ z = hn::Mul(hn::Set(d, k), x), az = hn::Abs(z);
  const auto fin = hn::IsFinite(x);
  const auto tiny = hn::And(hn::Ne(z, hn::Zero(d)), hn::Lt(az, hn::Set(d, 0x1p-26)));
  const auto mid = hn::And(hn::Ge(az, hn::Set(d, 0x1p-26)), hn::Lt(az, one));
  const auto pos = hn::And(hn::Ge(z, one), hn::Lt(z, hn::Set(d, 41.0)));
  const auto big = hn::And(fin, hn::Ge(z, hn::Set(d, 41.0)));
  const auto neg = hn::And(hn::Le(z, hn::Neg(one)), hn::Ge(z, hn::Set(d, kExpSubnormal)));
  const auto zero = hn::And(fin, hn::Lt(z, hn::Set(d, -746.0)));
  lv->scalar = hn::Not(hn::Or(hn::Or(hn::Or(tiny, mid), hn::Or(pos, big)), hn::Or(neg, zero)));
  if (!hn::AllFalse(d, tiny)) {
    const VD_ b = hn::NegMulAdd(hn::Mul(hn::Mul(z, z), z), hn::Set(d, 1.0 / 12), hn::Mul(z, half));
    NearFloat(d, tiny, half, b, lv);
  }
  if (!hn::AllFalse(d, mid)) {
    const VD_ th = TanhHalfV(d, z);
    const VD_ h = hn::Mul(th, half);
    const VD_ b = hn::MulAdd(hn::Mul(z, hn::NegMulAdd(th, th, one)), quarter, h);
    SumErr(d, mid, half, b, hn::Mul(hn::MulAdd(az, quarter, hn::Abs(h)), hn::Set(d, kRelGradV)), lv);
  }
  if (!hn::AllFalse(d, pos)) {
    const VD_ e = SleefExp(hn::Neg(z)), den = hn::Add(one, e);
    const VD_ s = hn::Div(one, den), sm = hn::Div(e, den), t = hn::Mul(z, hn::Mul(s, sm));
    SumErr(d, pos, one, hn::Sub(t, sm), hn::Mul(hn::Add(sm, t), hn::Set(d, kRelGradV)), lv);
  }
  if (!hn::AllFalse(d, big)) Direct(big, one, lv);
  if (!hn::AllFalse(d, neg)) {
    const VD_ e = SleefExp(z), den = hn::Add(one, e);
    const VD_ s = hn::Div(e, den), sm = hn::Div(one, den), t = hn::Mul(z, hn::Mul(s, sm));
    SumErr(d, neg, s, t, hn::Mul(hn::Add(hn::Abs(s), hn::Abs(t)), hn::Set(d, kRelGradV)), lv);
  }
  if (!hn::AllFalse(d, zero)) Direct(zero, hn::Set(d, -0.0), lv);
}
HWY_INLINE void SiluGradV(DD_ d, VD_ x, LaneValues* lv) { XSigmoidGradV(d, x, 1.0, lv); }
HWY_INLINE void GeluSigmoidGradV(DD_ d, VD_ x, LaneValues* lv) {
  XSigmoidGradV(d, x, static_cast<double>(1.702f), lv);
}

// mish' (fast_reference.cc's MishGrad): above 0, 1 + t - a (t = 4x (1 + e)
// e^2/q^2, a = 2e^2/q, e = e^-x, q = 1 + 2e + 2e^2), which from x = 21 is
// 1 + d, 0 < d < 2^-53.7: the scalar test's value, 1; below 0, n/m + x s
// 4(n + 1)/m^2 (n = e^x (e^x + 2), m = n + 2, s = sigmoid(x)), which cancels
// at the root x = -1.192 (the scalar path there). Below 2^-30 in magnitude,
// 3/5 + 16x/25 - 6x^2/125 (mish'(0) = tanh(ln 2) = 3/5; the double 0.6 is
// within 2^-55 of it, the next term below 2^-90), inside the float 0.6f's
// rounding cell: a direct value. e^x subnormal: the scalar path; below
// -746, -0.
HWY_INLINE void MishGradV(DD_ d, VD_ x, LaneValues* lv) {
  const VD_ one = hn::Set(d, 1.0), two = hn::Set(d, 2.0), ax = hn::Abs(x);
  const auto fin = hn::IsFinite(x);
  const auto tiny = hn::And(hn::Ne(x, hn::Zero(d)), hn::Lt(ax, hn::Set(d, 0x1p-30)));
  const auto pos = hn::And(hn::Ge(x, hn::Set(d, 0x1p-30)), hn::Lt(x, hn::Set(d, 21.0)));
  const auto big = hn::And(fin, hn::Ge(x, hn::Set(d, 21.0)));
  const auto neg = hn::And(hn::Le(x, hn::Set(d, -0x1p-30)), hn::Ge(x, hn::Set(d, kExpSubnormal)));
  const auto zero = hn::And(fin, hn::Lt(x, hn::Set(d, -746.0)));
  lv->scalar = hn::Not(hn::Or(hn::Or(tiny, pos), hn::Or(hn::Or(big, neg), zero)));
  if (!hn::AllFalse(d, tiny)) {
    // Within 2^-53 of 0.6 + b, and within 2.44e-8 of the float 0.6f, whose
    // rounding cell reaches 2.98e-8 either side: the decision test's common
    // case, which gives 0.6 + b rounded and that float. Direct.
    const VD_ b = hn::MulAdd(x, hn::Set(d, 16.0 / 25), hn::Mul(hn::Mul(x, x), hn::Set(d, -6.0 / 125)));
    Direct(tiny, hn::Add(hn::Set(d, 0.6), b), hn::Set(d, static_cast<double>(0.6f)), lv);
  }
  if (!hn::AllFalse(d, pos)) {
    const VD_ e = SleefExp(hn::Neg(x)), e2 = hn::Mul(e, e);
    const VD_ q = hn::Add(hn::Add(one, hn::Mul(two, e)), hn::Mul(two, e2));
    const VD_ a = hn::Div(hn::Mul(two, e2), q);
    const VD_ t = hn::Div(hn::Mul(hn::Mul(hn::Mul(hn::Set(d, 4.0), x), hn::Add(one, e)), e2), hn::Mul(q, q));
    SumErr(d, pos, one, hn::Sub(t, a), hn::Mul(hn::Add(t, a), hn::Set(d, kRelGradV)), lv);
  }
  if (!hn::AllFalse(d, big)) Direct(big, one, lv);
  if (!hn::AllFalse(d, neg)) {
    const VD_ ex = SleefExp(x), n = hn::Mul(ex, hn::Add(ex, two)), m = hn::Add(n, two);
    const VD_ sg = hn::Div(ex, hn::Add(one, ex));
    const VD_ a = hn::Div(n, m);
    const VD_ b = hn::Mul(hn::Mul(x, sg), hn::Div(hn::Mul(hn::Set(d, 4.0), hn::Add(n, one)), hn::Mul(m, m)));
    SumErr(d, neg, a, b, hn::Mul(hn::Add(hn::Abs(a), hn::Abs(b)), hn::Set(d, kRelV)), lv);
  }
  if (!hn::AllFalse(d, zero)) Direct(zero, hn::Set(d, -0.0), lv);
}

// gelu' (fast_reference.cc's GeluGrad): Phi(x) + x phi(x), phi(x) =
// e^(-x^2/2)/sqrt(2 pi). Below 1 in magnitude 1/2 + erf(x/sqrt2)/2 + x phi(x)
// (below 2^-28, 1/2 + 2 phi(0) x - 2/3 phi(0) x^3, inside 1/2's rounding
// cell: NearFloat), which cancels at the root x = -0.752 (the scalar path
// there); from 1, 1 - erfc(x/sqrt2)/2 + x phi(x), which from 9 is 1 + d, 0 <
// d < 2^-56: the scalar test's value, 1; below -1, x phi(x) + erfc(-x/sqrt2)/2
// with SLEEF's erfc and the 2^-46 of erfc's other uses (the scalar path
// takes the x87's erfcl, to 2^-48, and decides the lanes this bound leaves
// near -1); phi subnormal (x < -37.6): the scalar path; below -39 both terms
// are 0 in double: -0.
HWY_INLINE void GeluGradV(DD_ d, VD_ x, LaneValues* lv) {
  const VD_ one = hn::Set(d, 1.0), half = hn::Set(d, 0.5), ax = hn::Abs(x);
  const auto fin = hn::IsFinite(x);
  const auto tiny = hn::And(hn::Ne(x, hn::Zero(d)), hn::Lt(ax, hn::Set(d, 0x1p-28)));
  const auto mid = hn::And(hn::Ge(ax, hn::Set(d, 0x1p-28)), hn::Lt(ax, one));
  const auto pos = hn::And(hn::Ge(x, one), hn::Lt(x, hn::Set(d, 9.0)));
  const auto big = hn::And(fin, hn::Ge(x, hn::Set(d, 9.0)));
  const auto neg = hn::And(hn::Le(x, hn::Neg(one)), hn::Ge(x, hn::Set(d, -37.5)));
  const auto zero = hn::And(fin, hn::Lt(x, hn::Set(d, -39.0)));
  lv->scalar = hn::Not(hn::Or(hn::Or(tiny, mid), hn::Or(hn::Or(pos, big), hn::Or(neg, zero))));
  if (!hn::AllFalse(d, tiny)) {
    const VD_ b = hn::NegMulAdd(hn::Mul(hn::Mul(x, x), x), hn::Set(d, 0.2659615202676218),
                                hn::Mul(x, hn::Set(d, 0.7978845608028654)));
    NearFloat(d, tiny, half, b, lv);
  }
  if (!hn::AllFalse(d, hn::Or(hn::Or(mid, pos), neg))) {
    // SLEEF's exp, erf and erfc: the gelu -cr kernel's fits (GeluV's) moved
    // one input of gelu_grad/cheb-f64's sweep between the error-0 bin and (0,
    // 0.5] (its exact double landed on the float the kernel returns).
    const VD_ phi = hn::Mul(SleefExp(hn::Mul(hn::Set(d, -0.5), hn::Mul(x, x))), hn::Set(d, 0x1.9884533d43651p-2));
    const VD_ t = hn::Mul(x, phi);
    if (!hn::AllFalse(d, mid)) {
      const VD_ h = hn::Mul(half, SleefErf(hn::Mul(x, hn::Set(d, 0x1.6a09e667f3bcdp-1))));
      SumErr(d, mid, half, hn::Add(h, t), hn::Mul(hn::Add(hn::Abs(h), hn::Abs(t)), hn::Set(d, kRelV)), lv);
    }
    const auto tails = hn::Or(pos, neg);
    if (!hn::AllFalse(d, tails)) {  // erfc(|x|/sqrt2)/2: 1 - it above 1, Phi(x) below -1
      VD_ th, tl;
      TimesInvSqrt2(d, ax, &th, &tl);
      const VD_ c = hn::Mul(half, ErfcDDV(d, th, tl));
      SumErr(d, pos, one, hn::Sub(t, c), hn::Mul(hn::Add(t, c), hn::Set(d, kRelErfcV)), lv);
      SumErr(d, neg, t, c, hn::Mul(hn::Add(hn::Abs(t), c), hn::Set(d, kRelErfcV)), lv);
    }
  }
  if (!hn::AllFalse(d, big)) Direct(big, one, lv);
  if (!hn::AllFalse(d, zero)) Direct(zero, hn::Set(d, -0.0), lv);
}

// gelu_tanh' (fast_reference.cc's GeluTanhGrad): s + x s (1 - s) k, s =
// sigmoid(z), z = x (a + b x^2) as a double-double (GeluTanhV's), k = a +
// 3b x^2. Below 1 in magnitude 1/2 + th/2 + x (1 - th^2) k/4 (th =
// tanh(z/2)), which cancels at the root x = -0.752 (the scalar path there);
// below 2^-28, 1/2 + (a/2) x + (b - a^3/12) x^3 inside 1/2's rounding cell
// (NearFloat); from 1, 1 - sm + x s sm k, which from 8 is 1 + d, 0 < d <
// 2^-63: the scalar test's value, 1; below -1, s + x s sm k; e^z subnormal:
// the scalar path; below z = -746, -0.
HWY_INLINE void GeluTanhGradV(DD_ d, VD_ x, LaneValues* lv) {
  const VD_ one = hn::Set(d, 1.0), half = hn::Set(d, 0.5), ax = hn::Abs(x);
  const auto fin = hn::IsFinite(x);
  const VD_ x_sq = hn::Mul(x, x);
  const DDV z = AddV(MulV(d, 0x1.9884533d43651p+0, -0x1.cbc0d30ebfd15p-54, x),
                     MulV(d, 0x1.2444f2a4d8b4bp-4, -0x1.6c843a29d1c7p-61, TwoProdV(x_sq, x)));
  const VD_ k = hn::Add(hn::Set(d, 0x1.9884533d43651p+0), hn::Mul(hn::Set(d, 3 * 0x1.2444f2a4d8b4bp-4), x_sq));
  const auto tiny = hn::And(hn::Ne(x, hn::Zero(d)), hn::Lt(ax, hn::Set(d, 0x1p-28)));
  const auto mid = hn::And(hn::Ge(ax, hn::Set(d, 0x1p-28)), hn::Lt(ax, one));
  const auto pos = hn::And(hn::Ge(x, one), hn::Lt(x, hn::Set(d, 8.0)));
  const auto big = hn::And(fin, hn::Ge(x, hn::Set(d, 8.0)));
  const auto neg = hn::And(hn::Le(x, hn::Neg(one)), hn::Ge(z.hi, hn::Set(d, kExpSubnormal)));
  const auto zero = hn::And(fin, hn::Lt(z.hi, hn::Set(d, -746.0)));
  lv->scalar = hn::Not(hn::Or(hn::Or(tiny, mid), hn::Or(hn::Or(pos, big), hn::Or(neg, zero))));
  if (!hn::AllFalse(d, tiny)) {
    const VD_ b = hn::MulAdd(hn::Mul(x_sq, x), hn::Set(d, -0.26727790871001833),
                             hn::Mul(x, hn::Set(d, 0.7978845608028654)));
    NearFloat(d, tiny, half, b, lv);
  }
  if (!hn::AllFalse(d, mid)) {
    const VD_ th = TanhHalfV(d, z.hi);
    const VD_ h = hn::Mul(th, half);
    const VD_ t = hn::Mul(hn::Mul(hn::Mul(x, hn::NegMulAdd(th, th, one)), k), hn::Set(d, 0.25));
    SumErr(d, mid, half, hn::Add(h, t), hn::Mul(hn::Add(hn::Abs(h), hn::Abs(t)), hn::Set(d, kRelGradV)), lv);
  }
  if (!hn::AllFalse(d, pos)) {
    // e^-(hi + lo) = e^-hi (1 - lo) to second order (fast_reference.cc's Sigmoids).
    const VD_ e = hn::Mul(SleefExp(hn::Neg(z.hi)), hn::Sub(one, z.lo)), den = hn::Add(one, e);
    const VD_ s = hn::Div(one, den), sm = hn::Div(e, den);
    const VD_ t = hn::Mul(hn::Mul(x, hn::Mul(s, sm)), k);
    SumErr(d, pos, one, hn::Sub(t, sm), hn::Mul(hn::Add(sm, t), hn::Set(d, kRelGradV)), lv);
  }
  if (!hn::AllFalse(d, big)) Direct(big, one, lv);
  if (!hn::AllFalse(d, neg)) {
    const VD_ e = hn::Mul(SleefExp(z.hi), hn::Add(one, z.lo)), den = hn::Add(one, e);
    const VD_ s = hn::Div(e, den), sm = hn::Div(one, den);
    const VD_ t = hn::Mul(hn::Mul(x, hn::Mul(s, sm)), k);
    SumErr(d, neg, s, t, hn::Mul(hn::Add(s, hn::Abs(t)), hn::Set(d, kRelGradV)), lv);
  }
  if (!hn::AllFalse(d, zero)) Direct(zero, hn::Set(d, -0.0), lv);
}

// 1/UlpOf(y) (score.cc's InvUlpOf) and 1/|y| (0 where y is 0 or not finite).
HWY_INLINE void ScoreFactors(DD_ d, VD_ y, VD_* inv_ulp, VD_* inv_abs) {
  const hn::RebindToSigned<DD_> di;
  const VD_ a = hn::Abs(y);
  const auto e = hn::Sub(hn::ShiftRight<52>(hn::BitCast(di, a)), hn::Set(di, 1023));
  VD_ r = hn::BitCast(d, hn::ShiftLeft<52>(hn::Sub(hn::Set(di, 1023 + 23), e)));
  r = hn::IfThenElse(hn::Lt(a, hn::Set(d, 0x1p-126)), hn::Set(d, 0x1p149), r);
  r = hn::IfThenElse(hn::Ge(a, hn::Set(d, static_cast<double>(std::numeric_limits<float>::max()))), hn::Set(d, 0x1p-104), r);
  *inv_ulp = r;
  const auto usable = hn::And(hn::Ne(a, hn::Zero(d)), hn::IsFinite(a));
  *inv_abs = hn::IfThenElseZero(usable, hn::Div(hn::Set(d, 1.0), hn::IfThenElse(usable, a, hn::Set(d, 1.0))));
}

template <void (*Formula)(DD_, VD_, LaneValues*)>
HWY_INLINE size_t RunLanes(const float* x, size_t n, size_t head, double* exact, float* rounded, double* inv_ulp,
                           double* inv_abs, SlowLane* slow) {
  const DD_ d;
  const hn::Rebind<float, DD_> df;
  const size_t N = hn::Lanes(d);
  size_t ns = 0;
  HWY_ALIGN double ex[hn::MaxLanes(d)], iu[hn::MaxLanes(d)], ia[hn::MaxLanes(d)], av[hn::MaxLanes(d)],
      bv[hn::MaxLanes(d)], ev[hn::MaxLanes(d)];
  HWY_ALIGN float rd[hn::MaxLanes(d)], pad[hn::MaxLanes(d)];
  // The inputs [i, i + m), m <= N, as doubles; a tail (m < N) padded with its
  // first input, the padding discarded by store().
  auto load = [&](size_t i, size_t m) {
    const float* xi = x + i;
    if (m < N) {
      for (size_t j = 0; j < N; ++j) pad[j] = x[i + (j < m ? j : 0)];
      xi = pad;
    }
    return hn::PromoteTo(d, hn::LoadU(df, xi));
  };
  // Entries [i, i + m) from the exact values e and the rounded ones r.
  auto store = [&](size_t i, size_t m, VD_ e, VD_ r) {
    VD_ inv_u, inv_a;
    ScoreFactors(d, e, &inv_u, &inv_a);
    if (m == N) {  // a whole vector: straight to the arrays
      hn::StoreU(e, d, exact + i);
      hn::StoreU(inv_u, d, inv_ulp + i);
      hn::StoreU(inv_a, d, inv_abs + i);
      hn::StoreU(hn::DemoteTo(df, r), df, rounded + i);
      return;
    }
    hn::Store(e, d, ex);
    hn::Store(inv_u, d, iu);
    hn::Store(inv_a, d, ia);
    hn::Store(hn::DemoteTo(df, r), df, rd);
    std::memcpy(exact + i, ex, m * sizeof(double));
    std::memcpy(inv_ulp + i, iu, m * sizeof(double));
    std::memcpy(inv_abs + i, ia, m * sizeof(double));
    std::memcpy(rounded + i, rd, m * sizeof(float));
  };
  // A run of consecutive bit patterns of one sign (a chunk of the sweep) whose
  // ends are both direct values that are constant (saturation) or x itself:
  // so is every input between them (those regimes are intervals of x), and
  // the lanes' own values are filled in directly.
  // Consecutive bit patterns (so monotone in x)?
  auto run = [&] {
    uint32_t b0;
    std::memcpy(&b0, x, sizeof b0);
    for (size_t i = 1; i < n; ++i) {
      uint32_t bi;
      std::memcpy(&bi, x + i, sizeof bi);
      if (bi != b0 + static_cast<uint32_t>(i)) return false;
    }
    return true;
  };
  if (n >= 2 && std::signbit(x[0]) == std::signbit(x[n - 1])) {
    for (size_t j = 0; j < N; ++j) pad[j] = x[j % 2 == 0 ? 0 : n - 1];
    LaneValues ends;
    ends.a = ends.b = ends.err = ends.exact = ends.rnd = hn::Zero(d);
    ends.direct = hn::FirstN(d, 0);
    const VD_ xe = hn::PromoteTo(d, hn::LoadU(df, pad));
    Formula(d, xe, &ends);
    if (hn::AllTrue(d, hn::AndNot(ends.scalar, ends.direct))) {
      hn::Store(ends.exact, d, ex);
      hn::Store(hn::DemoteTo(df, ends.rnd), df, rd);
      // Within one binade (the sweep's chunks always are): no power of two
      // other than x[0] (whose value the ends show) lies inside, and no
      // piecewise formula's other piece between two ends of one value
      // (hard_swish' is 1 at 1.5 and from 3).
      uint32_t b0, b1;
      std::memcpy(&b0, x, sizeof b0);
      std::memcpy(&b1, x + n - 1, sizeof b1);
      const bool one_binade = (b0 >> 23) == (b1 >> 23);
      const bool constant = one_binade && ex[0] == ex[1] && std::signbit(ex[0]) == std::signbit(ex[1]);
      // x itself (gelu above 38, tanh near 0) or x/2 (gelu near 0), exactly.
      const double k = ex[0] == static_cast<double>(x[0]) ? 1.0 : 0.5;
      const bool identity = one_binade && ex[0] == k * x[0] && ex[1] == k * x[n - 1] &&
                            rd[0] == k * x[0] && rd[1] == k * x[n - 1];
      if (constant && run()) {
        // The first `head` entries of exact, inv_ulp and inv_abs (the
        // caller may write the others later, RefChunk::Complete).
        VD_ inv_u, inv_a;
        ScoreFactors(d, hn::Set(d, ex[0]), &inv_u, &inv_a);
        hn::Store(inv_u, d, iu);
        hn::Store(inv_a, d, ia);
        const size_t m = std::min(n, head);
        std::fill_n(exact, m, ex[0]);
        std::fill_n(rounded, n, rd[0]);
        std::fill_n(inv_ulp, m, iu[0]);
        std::fill_n(inv_abs, m, ia[0]);
        return kConstantChunk;
      }
      if (identity && run()) {
        // The rounded floats (k x, exact), and the other arrays up to `head`.
        for (size_t i = 0; i < n; i += N) {
          const size_t m = n - i < N ? n - i : N;
          const VD_ e = hn::Mul(load(i, m), hn::Set(d, k));
          if (i < head) {
            store(i, m, e, e);
          } else if (m == N) {
            hn::StoreU(hn::DemoteTo(df, e), df, rounded + i);
          } else {
            hn::Store(hn::DemoteTo(df, e), df, rd);
            std::memcpy(rounded + i, rd, m * sizeof(float));
          }
        }
        return kExactChunk;
      }
    }
  }
  for (size_t i = 0; i < n; i += N) {
    const size_t m = n - i < N ? n - i : N;
    const VD_ xv = load(i, m);
    LaneValues lv;
    lv.a = lv.b = lv.err = lv.exact = lv.rnd = hn::Zero(d);
    lv.direct = hn::FirstN(d, 0);
    Formula(d, xv, &lv);
    VD_ e = lv.exact, r = lv.rnd;
    const auto need = hn::Not(hn::Or(lv.direct, lv.scalar));
    auto decided = hn::FirstN(d, 0);
    if (!hn::AllFalse(d, need)) {
      decided = DecideV(d, lv.a, lv.b, lv.err, need, &e, &r);
      e = hn::IfThenElse(lv.direct, lv.exact, e);
      r = hn::IfThenElse(lv.direct, lv.rnd, r);
    }
    const auto done = hn::AndNot(lv.scalar, hn::Or(lv.direct, decided));
    store(i, m, e, r);  // the lanes not done are overwritten by the caller
    if (hn::AllTrue(d, done)) continue;
    hn::Store(lv.a, d, av);
    hn::Store(lv.b, d, bv);
    hn::Store(lv.err, d, ev);
    HWY_ALIGN uint64_t done_bits[hn::MaxLanes(d)], scalar_bits[hn::MaxLanes(d)];
    const hn::RebindToUnsigned<DD_> du;
    hn::Store(hn::BitCast(du, hn::VecFromMask(d, done)), du, done_bits);
    hn::Store(hn::BitCast(du, hn::VecFromMask(d, lv.scalar)), du, scalar_bits);
    for (size_t j = 0; j < m; ++j) {
      if (!done_bits[j])
        slow[ns++] = {static_cast<uint32_t>(i + j), scalar_bits[j] ? LaneFate::kScalar : LaneFate::kUndecided, av[j],
                      bv[j], ev[j]};
    }
  }
  return ns;
}

// The activations with a formula in lanes: ReferenceLanes runs them and
// VectorTargetFor names the target for them, from this one list.
#define ACTBENCH_LANE_FORMULAS(X)                                                                              \
  X(kSigmoid, SigmoidV) X(kTanh, TanhV) X(kGelu, GeluV) X(kSilu, SiluV) X(kGeluSigmoid, GeluSigmoidV)          \
  X(kGeluTanh, GeluTanhV) X(kElu, EluV) X(kMish, MishV) X(kSoftplus, SoftplusV) X(kRelu, ReluV)                \
  X(kLeakyRelu, LeakyReluV) X(kHardSigmoid, HardSigmoidV) X(kHardSwish, HardSwishV) X(kReluGrad, ReluGradV)  \
  X(kLeakyReluGrad, LeakyReluGradV) X(kHardSigmoidGrad, HardSigmoidGradV) X(kHardSwishGrad, HardSwishGradV)    \
  X(kSigmoidGrad, SigmoidGradV) X(kTanhGrad, TanhGradV) X(kSoftplusGrad, SoftplusGradV) X(kEluGrad, EluGradV)  \
  X(kSiluGrad, SiluGradV) X(kGeluSigmoidGrad, GeluSigmoidGradV) X(kMishGrad, MishGradV) X(kGeluGrad, GeluGradV)   \
  X(kGeluTanhGrad, GeluTanhGradV)

#endif  // ACTBENCH_REF_VECTOR

// Fills entries [0, n) of the arrays for act from x, but for the lanes listed
// in slow (returned count); SIZE_MAX when this target has no vector path for
// act. For a run of one value (kConstantChunk) or of floats (kExactChunk),
// exact, inv_ulp and inv_abs only up to `head`.
size_t ReferenceLanes(int act, const float* x, size_t n, size_t head, double* exact, float* rounded,
                      double* inv_ulp, double* inv_abs, SlowLane* slow) {
#if ACTBENCH_REF_VECTOR
  switch (static_cast<Act>(act)) {
#define ACTBENCH_RUN_LANES(ACT, FORMULA) \
  case Act::ACT:                          \
    return RunLanes<FORMULA>(x, n, head, exact, rounded, inv_ulp, inv_abs, slow);
    ACTBENCH_LANE_FORMULAS(ACTBENCH_RUN_LANES)
#undef ACTBENCH_RUN_LANES
    default:
      break;
  }
#else
  (void)act, (void)x, (void)n, (void)head, (void)exact, (void)rounded, (void)inv_ulp, (void)inv_abs, (void)slow;
#endif
  return SIZE_MAX;
}

// The rounded floats and score factors of n exact doubles (prelu's values,
// exact in double); false when this target has no vector path.
bool FactorLanes(const double* exact, size_t n, float* rounded, double* inv_ulp, double* inv_abs) {
#if ACTBENCH_REF_VECTOR
  const DD_ d;
  const hn::Rebind<float, DD_> df;
  const size_t N = hn::Lanes(d);
  size_t i = 0;
  for (; i + N <= n; i += N) {
    const VD_ e = hn::LoadU(d, exact + i);
    VD_ inv_u, inv_a;
    ScoreFactors(d, e, &inv_u, &inv_a);
    hn::StoreU(hn::DemoteTo(df, e), df, rounded + i);
    hn::StoreU(inv_u, d, inv_ulp + i);
    hn::StoreU(inv_a, d, inv_abs + i);
  }
  for (; i < n; ++i) {
    rounded[i] = static_cast<float>(exact[i]);
    inv_ulp[i] = InvUlpOf(exact[i]);
    inv_abs[i] = exact[i] != 0 && std::isfinite(exact[i]) ? 1.0 / std::fabs(exact[i]) : 0.0;
  }
  return true;
#else
  (void)exact, (void)n, (void)rounded, (void)inv_ulp, (void)inv_abs;
  return false;
#endif
}

// This target's HWY_TARGET when it has a vector path for act (a formula,
// or prelu's FactorLanes), else 0.
int64_t VectorTargetFor(int act) {
#if ACTBENCH_REF_VECTOR
  switch (static_cast<Act>(act)) {
#define ACTBENCH_HAS_LANES(ACT, FORMULA) case Act::ACT:
    ACTBENCH_LANE_FORMULAS(ACTBENCH_HAS_LANES)
#undef ACTBENCH_HAS_LANES
    case Act::kPrelu:      // exact values written directly, their floats and
    case Act::kPreluGrad:  // score factors in FactorLanes
    return HWY_TARGET;
    default:
      break;
  }
#else
  (void)act;
#endif
  return 0;
}

// Tests: the vector decision test on given triples (exact, rounded, decided).
void DecideLanes(const double* a, const double* b, const double* err, size_t n, double* exact, float* rounded,
                 uint8_t* decided) {
#if ACTBENCH_REF_VECTOR
  const DD_ d;
  const hn::Rebind<float, DD_> df;
  const size_t N = hn::Lanes(d);
  HWY_ALIGN double pa[hn::MaxLanes(d)], pb[hn::MaxLanes(d)], pe[hn::MaxLanes(d)], ex[hn::MaxLanes(d)];
  HWY_ALIGN float rd[hn::MaxLanes(d)];
  HWY_ALIGN uint64_t ok[hn::MaxLanes(d)];
  const hn::RebindToUnsigned<DD_> du;
  for (size_t i = 0; i < n; i += N) {
    for (size_t j = 0; j < N; ++j) {
      const size_t k = i + j < n ? i + j : i;
      pa[j] = a[k], pb[j] = b[k], pe[j] = err[k];
    }
    VD_ e, r;
    const auto m = DecideV(d, hn::Load(d, pa), hn::Load(d, pb), hn::Load(d, pe), hn::Not(hn::FirstN(d, 0)), &e, &r);
    hn::Store(e, d, ex);
    hn::Store(hn::DemoteTo(df, r), df, rd);
    hn::Store(hn::BitCast(du, hn::VecFromMask(d, m)), du, ok);
    for (size_t j = 0; j < N && i + j < n; ++j) {
      exact[i + j] = ex[j];
      rounded[i + j] = rd[j];
      decided[i + j] = ok[j] != 0;
    }
  }
#else
  for (size_t i = 0; i < n; ++i) decided[i] = 2;  // no vector path on this target
  (void)a, (void)b, (void)err, (void)exact, (void)rounded;
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace actbench
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace actbench {

HWY_EXPORT(ReferenceLanes);
HWY_EXPORT(FactorLanes);
HWY_EXPORT(DecideLanes);
HWY_EXPORT(VectorTargetFor);

const char* ReferenceLanesTarget(Act act) {
  const int64_t t = HWY_DYNAMIC_DISPATCH(VectorTargetFor)(static_cast<int>(act));
  return t == 0 ? nullptr : hwy::TargetName(t);
}

uint64_t ReferenceChunk(Act act, const float* x, size_t n, size_t index0, const Params& p, RefChunk& out) {
  uint64_t fallbacks = 0;
  auto scalar = [&](size_t i) {
    bool fell;
    out.Set(i, ZivReference(act, x[i], p, index0 + i, &fell));
    fallbacks += fell;
  };
  // The vector paths take the default parameters only (elu's alpha = 1,
  // leaky_relu's 0.01, softplus's beta = 1 and threshold = 20); others take
  // the scalar path.
  static thread_local std::vector<SlowLane> slow;
  if (slow.size() < n) slow.resize(n);
  const bool defaults = act == Act::kElu || act == Act::kEluGrad                 ? p.alpha == 1.0f
                        : act == Act::kLeakyRelu || act == Act::kLeakyReluGrad ? p.alpha == 0.01f
                        : act == Act::kSoftplus || act == Act::kSoftplusGrad   ? p.beta == 1.0f && p.threshold == 20.0f
                                                                               : true;
  const size_t ns = !defaults ? SIZE_MAX
                              : HWY_DYNAMIC_DISPATCH(ReferenceLanes)(
                                    static_cast<int>(act), x, n, out.may_defer ? RefChunk::kHead : n, out.exact.data(),
                                    out.rounded.data(), out.inv_ulp.data(), out.inv_abs.data(), slow.data());
  out.constant = ns == kConstantChunk;
  out.exact_floats = ns == kExactChunk;
  out.deferred_to = (out.constant || out.exact_floats) && out.may_defer ? n : 0;
  if (out.constant || out.exact_floats) return 0;
  if (ns == SIZE_MAX && (act == Act::kPrelu || act == Act::kPreluGrad)) {
    // Exact (24 x 24 bit products), each input's channel slope: no decision;
    // the floats and score factors in lanes where there are some.
    size_t c = p.channels == 0 ? 0 : index0 % p.channels;
    for (size_t i = 0; i < n; ++i) {
      const double slope = p.channels == 0 ? 0.0 : p.slopes[c];
      if (p.channels != 0 && ++c == p.channels) c = 0;
      const double xi = x[i];
      if (act == Act::kPrelu)
        out.exact[i] = x[i] < 0 ? slope * xi : xi;
      else
        out.exact[i] = x[i] > 0 ? 1.0 : slope;  // prelu': 1 above 0, the slope at and below
    }
    const bool lanes = HWY_DYNAMIC_DISPATCH(FactorLanes)(out.exact.data(), n, out.rounded.data(), out.inv_ulp.data(),
                                                          out.inv_abs.data());
    for (size_t i = 0; i < n; ++i) {
      if (!std::isfinite(x[i]))
        scalar(i);  // NaN, the infinities: Reference()'s limits
      else if (!lanes)
        out.Set(i, {out.exact[i], static_cast<float>(out.exact[i])});
    }
    return fallbacks;
  }
  if (ns == SIZE_MAX) {
    for (size_t i = 0; i < n; ++i) scalar(i);
    return fallbacks;
  }
  for (size_t k = 0; k < ns; ++k) {
    const SlowLane& s = slow[k];
    RefValue v;
    if (s.fate == LaneFate::kScalar) {
      scalar(s.i);
    } else if (DecideValue(s.a, s.b, s.err, &v)) {
      out.Set(s.i, v);
    } else {
      out.Set(s.i, Reference(act, x[s.i], p, index0 + s.i));  // Ziv's fallback
      ++fallbacks;
    }
  }
  return fallbacks;
}

bool VectorDecideForTest(const double* a, const double* b, const double* err, size_t n, double* exact,
                         float* rounded, uint8_t* decided) {
  HWY_DYNAMIC_DISPATCH(DecideLanes)(a, b, err, n, exact, rounded, decided);
  return n == 0 || decided[0] != 2;
}

}  // namespace actbench
#endif  // HWY_ONCE
