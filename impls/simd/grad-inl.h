// Highway backward kernels (activations "<name>_grad"): dx = dy * f'(x), with
// the kernel signature void(const float* x, const float* dy, float* dx,
// size_t n, const Params&). Compiled once per target; registered in
// grad_variants.cc, where each promise is.
//
// The accurate kernels evaluate f' in double lanes (half a vector at a time)
// from e^-|z| by the float-coefficient polynomial of the forward kernels
// (ExpNegAbsD: 2.1e-9 relative, 0.035 ULP of float), multiply by dy and round
// once. Where f' crosses zero (silu', gelu_sigmoid', mish', gelu_tanh') its
// terms cancel and that exp error grows with 1/|f'|: within 0.1 of the root
// f'(r + u) is evaluated instead as u (c1 + c2 u + ... + c8 u^8), the Taylor
// expansion from tools/root_taylor.py (truncation below 2^-34 of the first
// term), with u = (x - r_hi) - r_lo exact to double rounding. At the window's
// edge the remaining cancellation (a factor of ~20 between the terms and f')
// costs at most 20 x 2.1e-9 relative, 0.7 ULP.

#if defined(ACTBENCH_IMPLS_SIMD_GRAD_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTBENCH_IMPLS_SIMD_GRAD_INL_H_
#undef ACTBENCH_IMPLS_SIMD_GRAD_INL_H_
#else
#define ACTBENCH_IMPLS_SIMD_GRAD_INL_H_
#endif

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "impls/params.h"
#include "impls/simd/math-inl.h"

HWY_BEFORE_NAMESPACE();
namespace actbench {
namespace HWY_NAMESPACE {

// Applies op (VF(VF x, VF dy)) to n pairs, as ForEachVector: whole vectors
// unaligned, the last partial one through stack buffers; both inputs of a
// vector are loaded before its store, so dx may be dy (or x).
template <class Op>
HWY_INLINE void ForEachVector2(const float* x, const float* dy, float* out, size_t n, const Op& op) {
  constexpr bool kUnroll = HWY_TARGET != HWY_SCALAR;
  const DF d;
  const size_t N = hn::Lanes(d);
  size_t i = 0;
  if constexpr (kUnroll) {
    for (; i + 2 * N <= n; i += 2 * N) {
      const VF a = hn::LoadU(d, x + i), b = hn::LoadU(d, x + i + N);
      const VF ga = hn::LoadU(d, dy + i), gb = hn::LoadU(d, dy + i + N);
      hn::StoreU(op(a, ga), d, out + i);
      hn::StoreU(op(b, gb), d, out + i + N);
    }
  }
  for (; i + N <= n; i += N) hn::StoreU(op(hn::LoadU(d, x + i), hn::LoadU(d, dy + i)), d, out + i);
  if (i < n) {
    HWY_ALIGN float bx[HWY_MAX_BYTES / sizeof(float)] = {};
    HWY_ALIGN float bg[HWY_MAX_BYTES / sizeof(float)] = {};
    std::memcpy(bx, x + i, (n - i) * sizeof(float));
    std::memcpy(bg, dy + i, (n - i) * sizeof(float));
    hn::Store(op(hn::Load(d, bx), hn::Load(d, bg)), d, bx);
    std::memcpy(out + i, bx, (n - i) * sizeof(float));
  }
}

// ---------------------------------------------------------------- piecewise

// relu_grad/select: x > 0 ? dy : 0 dy (PyTorch: 0 at x = 0); NaN x gives NaN.
HWY_NOINLINE void ReluGradSelect(const float* x, const float* dy, float* dx, size_t n, const Params&) {
  const DF d;
  ForEachVector2(x, dy, dx, n, [&](VF v, VF g) ACTBENCH_VECTOR_OP {
    return KeepNaN(v, hn::IfThenElse(hn::Gt(v, hn::Zero(d)), g, hn::Mul(hn::Zero(d), g)));
  });
}

// leaky_relu_grad/select: x > 0 ? dy : alpha dy, one rounding (PyTorch: alpha at 0).
HWY_NOINLINE void LeakyReluGradSelect(const float* x, const float* dy, float* dx, size_t n, const Params& p) {
  const DF d;
  const VF alpha = hn::Set(d, p.alpha);
  ForEachVector2(x, dy, dx, n, [&](VF v, VF g) ACTBENCH_VECTOR_OP {
    return KeepNaN(v, hn::IfThenElse(hn::Gt(v, hn::Zero(d)), g, hn::Mul(alpha, g)));
  });
}

// prelu_grad/select: x > 0 ? dy : slopes[i % C] dy, row by row over N x C
// (each row's slopes in place; a row's last partial vector through buffers).
HWY_NOINLINE void PreluGradSelect(const float* x, const float* dy, float* dx, size_t n, const Params& p) {
  const DF d;
  const size_t N = hn::Lanes(d), channels = p.channels;
  if (channels == 0) return ReluGradSelect(x, dy, dx, n, p);  // no slopes: slope 0, as the forward kernel
  auto one = [&](VF v, VF g, VF s) { return KeepNaN(v, hn::IfThenElse(hn::Gt(v, hn::Zero(d)), g, hn::Mul(s, g))); };
  for (size_t row = 0; row < n; row += channels) {
    const size_t m = std::min(channels, n - row);
    size_t c = 0;
    for (; c + N <= m; c += N)
      hn::StoreU(one(hn::LoadU(d, x + row + c), hn::LoadU(d, dy + row + c), hn::LoadU(d, p.slopes + c)), d,
                 dx + row + c);
    if (c < m) {
      HWY_ALIGN float bx[HWY_MAX_BYTES / sizeof(float)] = {};
      HWY_ALIGN float bg[HWY_MAX_BYTES / sizeof(float)] = {};
      HWY_ALIGN float bs[HWY_MAX_BYTES / sizeof(float)] = {};
      std::memcpy(bx, x + row + c, (m - c) * sizeof(float));
      std::memcpy(bg, dy + row + c, (m - c) * sizeof(float));
      std::memcpy(bs, p.slopes + c, (m - c) * sizeof(float));
      hn::Store(one(hn::Load(d, bx), hn::Load(d, bg), hn::Load(d, bs)), d, bx);
      std::memcpy(dx + row + c, bx, (m - c) * sizeof(float));
    }
  }
}

// hard_sigmoid_grad/select-div: -3 < x < 3 ? dy / 6 : 0 dy, correctly rounded.
HWY_NOINLINE void HardSigmoidGradSelectDiv(const float* x, const float* dy, float* dx, size_t n, const Params&) {
  const DF d;
  const VF three = hn::Set(d, 3.0f);
  ForEachVector2(x, dy, dx, n, [&](VF v, VF g) ACTBENCH_VECTOR_OP {
    const auto inside = hn::And(hn::Gt(v, hn::Neg(three)), hn::Lt(v, three));
    return KeepNaN(v, hn::IfThenElse(inside, hn::Div(g, hn::Set(d, 6.0f)), hn::Mul(hn::Zero(d), g)));
  });
}

// hard_swish_grad/div-f64: 0 below -3, dy (x + 1.5)/3 in double up to 3
// (x + 1.5 exact, then two roundings in double, so within 0.5 ULP plus 2^-28
// of float, also near the zero at x = -1.5), dy from 3 (PyTorch's vectorised
// kernel).
HWY_NOINLINE void HardSwishGradSelectF64(const float* x, const float* dy, float* dx, size_t n, const Params&) {
  const DF d;
  const DD dd;
  const VF three = hn::Set(d, 3.0f);
  ForEachVector2(x, dy, dx, n, [&](VF v, VF g) ACTBENCH_VECTOR_OP {
    const VF mid = InDouble([&](auto xd, auto gd) ACTBENCH_VECTOR_OP {
      return hn::Mul(gd, hn::Div(hn::Add(xd, hn::Set(dd, 1.5)), hn::Set(dd, 3.0)));
    }, hn::Min(hn::Max(v, hn::Neg(three)), three), g);
    const VF r = hn::IfThenElse(hn::Lt(v, hn::Neg(three)), hn::Mul(hn::Zero(d), g),
                                hn::IfThenElse(hn::Ge(v, three), g, mid));
    return KeepNaN(v, r);
  });
}

// hard_swish_grad/fma: 0 below -3, dy (2x + 3)/6 on [-3, 3), dy from 3, in
// float (FMA targets; the double kernel without FMA). t = 2x + 3 rounds only
// where |t| >= 1.5 (near the zero at x = -1.5 it is exact, Sterbenz) and its
// error is kept (TwoSum); p = dy t as hi + lo (FMA), divided by 6 without a
// divider: q0 = p c with c the float nearest 1/6, the residual p - 6 q0 (exact
// by FMA, the low parts joining it), q0 + r c: one rounding in all, to about
// 2^-46 before it. |dy| >= 2^125 is scaled by 1/8 and back (dy t must
// not overflow where dy t / 6 does not).
HWY_NOINLINE void HardSwishGradFma(const float* x, const float* dy, float* dx, size_t n, const Params& p) {
#if HWY_NATIVE_FMA
  (void)p;
  const DF d;
  const VF three = hn::Set(d, 3.0f), c = hn::Set(d, 1.0f / 6.0f), six = hn::Set(d, 6.0f);
  ForEachVector2(x, dy, dx, n, [&](VF v, VF g) ACTBENCH_VECTOR_OP {
    const VF xc = hn::Min(hn::Max(v, hn::Neg(three)), three);
    const VF x2 = hn::Add(xc, xc);
    const VF t = hn::Add(x2, three);
    const VF t_lo = TwoSumError(x2, three, t);
    const auto big = hn::Ge(hn::Abs(g), hn::Set(d, 0x1p125f));
    const VF gs = hn::IfThenElse(big, hn::Mul(g, hn::Set(d, 0.125f)), g);
    const VF ph = hn::Mul(gs, t);
    const VF pl = hn::MulAdd(gs, t_lo, hn::MulSub(gs, t, ph));
    const VF q0 = hn::Mul(ph, c);
    const VF q = hn::MulAdd(hn::Add(hn::NegMulAdd(q0, six, ph), pl), c, q0);
    // A zero (x = -1.5, dy = 0, or an underflow) takes the sign dy t has.
    const VF m = hn::IfThenElse(big, hn::Mul(q, hn::Set(d, 8.0f)), q);
    const VF mid = hn::IfThenElse(hn::Eq(m, hn::Zero(d)), hn::CopySign(hn::Zero(d), hn::Mul(gs, t)), m);
    const VF r = hn::IfThenElse(hn::Lt(v, hn::Neg(three)), hn::Mul(hn::Zero(d), g),
                                hn::IfThenElse(hn::Ge(v, three), g, mid));
    return KeepNaN(v, r);
  });
#else
  HardSwishGradSelectF64(x, dy, dx, n, p);
#endif
}

// ---------------------------------------------------------------- exp family, in double

// e^-|z| in double lanes down to e^-210, 0 beyond: dy f'(x) matters as long
// as |dy| e^-|z| reaches 2^-150, so with |dy| up to the largest float (2^128)
// down to e^-193.
constexpr double kGradExpLimit = 210.0;
template <class VD>
HWY_INLINE VD ExpNegAbsDZero(VD z) {
  const DD dd;
  return hn::IfThenZeroElse(hn::Gt(hn::Abs(z), hn::Set(dd, kGradExpLimit)), ExpNegAbsD(z, kGradExpLimit));
}

// s = sigmoid(z) and sm = 1 - s = sigmoid(-z) in double lanes, from
// e = e^-|z| (0 past |z| = 210), without cancellation.
template <class VD>
HWY_INLINE void SigmoidsD(VD z, VD& s, VD& sm) {
  const DD dd;
  const VD one = hn::Set(dd, 1.0);
  const VD e = ExpNegAbsDZero(z);
  const VD den = hn::Add(one, e);
  const auto pos = hn::Ge(z, hn::Zero(dd));
  s = hn::Div(hn::IfThenElse(pos, one, e), den);
  sm = hn::Div(hn::IfThenElse(pos, e, one), den);
}

// elu_grad/rr2-p7-f64: x > 0 ? dy : dy alpha e^x (alpha at 0, as PyTorch).
HWY_NOINLINE void EluGradExpF64(const float* x, const float* dy, float* dx, size_t n, const Params& p) {
  const DF d;
  const DD dd;
  const double alpha = p.alpha;
  ForEachVector2(x, dy, dx, n, [&](VF v, VF g) ACTBENCH_VECTOR_OP {
    const VF neg = InDouble([&](auto xd, auto gd) ACTBENCH_VECTOR_OP {
      return hn::Mul(gd, hn::Mul(hn::Set(dd, alpha), ExpNegAbsDZero(xd)));
    }, hn::Min(v, hn::Zero(d)), g);
    return KeepNaN(v, hn::IfThenElse(hn::Gt(v, hn::Zero(d)), g, neg));
  });
}

// sigmoid_grad/rr2-p7-f64: dy e/(1 + e)^2, e = e^-|x| (no 1 - s anywhere).
HWY_NOINLINE void SigmoidGradExpF64(const float* x, const float* dy, float* dx, size_t n, const Params&) {
  const DD dd;
  ForEachVector2(x, dy, dx, n, [&](VF v, VF g) ACTBENCH_VECTOR_OP {
    return InDouble([&](auto xd, auto gd) ACTBENCH_VECTOR_OP {
      const auto e = ExpNegAbsDZero(xd);
      const auto den = hn::Add(hn::Set(dd, 1.0), e);
      return hn::Mul(gd, hn::Div(e, hn::Mul(den, den)));
    }, v, g);
  });
}

// tanh_grad/rr2-p7-f64: dy 4e/(1 + e)^2, e = e^-2|x|.
HWY_NOINLINE void TanhGradExpF64(const float* x, const float* dy, float* dx, size_t n, const Params&) {
  const DD dd;
  ForEachVector2(x, dy, dx, n, [&](VF v, VF g) ACTBENCH_VECTOR_OP {
    return InDouble([&](auto xd, auto gd) ACTBENCH_VECTOR_OP {
      const auto e = ExpNegAbsDZero(hn::Add(xd, xd));
      const auto den = hn::Add(hn::Set(dd, 1.0), e);
      return hn::Mul(gd, hn::Div(hn::Mul(hn::Set(dd, 4.0), e), hn::Mul(den, den)));
    }, v, g);
  });
}

// softplus_grad/rr2-p7-f64: beta x > threshold ? dy : dy sigmoid(beta x), beta x
// exact in double (and compared exactly, as the reference does).
HWY_NOINLINE void SoftplusGradExpF64(const float* x, const float* dy, float* dx, size_t n, const Params& p) {
  const DD dd;
  const double beta = p.beta, threshold = p.threshold;
  ForEachVector2(x, dy, dx, n, [&](VF v, VF g) ACTBENCH_VECTOR_OP {
    return InDouble([&](auto xd, auto gd) ACTBENCH_VECTOR_OP {
      const auto z = hn::Mul(hn::Set(dd, beta), xd);
      std::remove_const_t<decltype(z)> s, sm;
      SigmoidsD(z, s, sm);
      return hn::IfThenElse(hn::Gt(z, hn::Set(dd, threshold)), gd, hn::Mul(gd, s));
    }, v, g);
  });
}

// ---------------------------------------------------------------- exp family, compensated float
//
// The same functions in float lanes on FMA targets (twice the lanes of
// double, no double division): e = e^-|z| as hi + lo (ExpNegAbsHiLo: the
// polynomial's 2.1e-9 and 2^-48 beyond), the products and sums that matter
// carried as hi + lo with FMA (TwoProd), dy folded into the numerator, and
// one compensated division (DivCompensated2: a reciprocal estimate and a
// residual step, no divider). Without FMA those steps would round: the
// targets without it run the double kernels above (the same bits).

#if HWY_NATIVE_FMA
// e^-|z| = (m + m_lo) 2^n unscaled (ExpNegAbsUnscaled): callers scale their
// result once, so results down to the subnormals round once. |z| clamped at
// 200, 0 beyond (with the largest float dy, dy e^-|z| rounds to 0 past |z| =
// 193).
HWY_INLINE ExpHiLoParts ExpNegAbsParts(VF z) {
  const DF d;
  const ExpHiLoParts e = ExpNegAbsUnscaled(z, 200.0f);
  const auto beyond = hn::Gt(hn::Abs(z), hn::Set(d, 200.0f));
  return {hn::IfThenZeroElse(beyond, e.m), hn::IfThenZeroElse(beyond, e.m_lo), e.n};
}

// dy scaled into range: |dy| > 2^64 is multiplied by 2^-64 (exactly) and the
// 64 returned for the final scaling, so that dy c m (c <= 4, m < 1.5) cannot
// overflow before the division, nor 2^n underflow past what Ldexp takes.
struct ScaledDy {
  VF g, shift;
};
HWY_INLINE ScaledDy ScaleDy(VF dy) {
  const DF d;
  const auto big = hn::Gt(hn::Abs(dy), hn::Set(d, 0x1p64f));
  return {hn::IfThenElse(big, hn::Mul(dy, hn::Set(d, 0x1p-64f)), dy), hn::IfThenElseZero(big, hn::Set(d, 64.0f))};
}
// v 2^(n + shift), the exponent kept in Ldexp's range: below -254 the result
// is 0 whatever v is here (|v| < 2^70).
HWY_INLINE VF ScaleBack(VF v, VF n, VF shift) {
  const DF d;
  return Ldexp(v, hn::Max(hn::Add(n, shift), hn::Set(d, -254.0f)));
}

// (n_hi + n_lo) / (1 + e)^k for e = e_hi + e_lo (e_hi <= 1), k = 1 or 2.
template <int kPower>
HWY_INLINE VF OverOnePlusE(VF n_hi, VF n_lo, VF e_hi, VF e_lo) {
  const DF d;
  const VF one = hn::Set(d, 1.0f);
  const VF s = hn::Add(one, e_hi);
  const VF s_lo = hn::Add(hn::Sub(e_hi, hn::Sub(s, one)), e_lo);  // exact: 1 >= e_hi
  if (kPower == 1) return DivCompensated2(n_hi, n_lo, s, s_lo);
  const VF p = hn::Mul(s, s);
  const VF p_lo = hn::MulAdd(hn::Add(s, s), s_lo, hn::MulSub(s, s, p));
  return DivCompensated2(n_hi, n_lo, p, p_lo);
}

// g c (m + m_lo) as hi + lo (c = 1 or 4: exact).
HWY_INLINE void ScaledProduct(VF g, const ExpHiLoParts& e, float c, VF& hi, VF& lo) {
  const DF d;
  const VF gc = hn::Mul(g, hn::Set(d, c));
  hi = hn::Mul(gc, e.m);
  lo = hn::MulAdd(gc, e.m_lo, hn::MulSub(gc, e.m, hi));
}

// r, or where it is 0 the zero with the sign of s (the sign dy f' has: a sum
// of zeros from the hi + lo steps would give +0).
HWY_INLINE VF ZeroSignedAs(VF r, VF s) {
  const DF d;
  return hn::IfThenElse(hn::Eq(r, hn::Zero(d)), hn::CopySign(hn::Zero(d), s), r);
}

// dy c e/(1 + e)^2 for e = e^-|z|: sigmoid' (c = 1, z = x) and tanh' (c = 4,
// z = 2x), the quotient formed unscaled and scaled by 2^n last.
HWY_INLINE VF LogisticDerivative(VF z, VF dy, float c) {
  const DF d;
  const ExpHiLoParts e = ExpNegAbsParts(z);
  const ScaledDy g = ScaleDy(dy);
  VF num, num_lo;
  ScaledProduct(g.g, e, c, num, num_lo);
  // The denominator's e: 2^n below 2^-150 only where 1 + e rounds to 1.
  const VF en = hn::Max(e.n, hn::Set(d, -254.0f));
  return ZeroSignedAs(ScaleBack(OverOnePlusE<2>(num, num_lo, Ldexp(e.m, en), Ldexp(e.m_lo, en)), e.n, g.shift),
                      dy);
}
#endif

// sigmoid_grad/rr2-p7-comp: dy e/(1 + e)^2, e = e^-|x|.
HWY_NOINLINE void SigmoidGradComp(const float* x, const float* dy, float* dx, size_t n, const Params& p) {
#if HWY_NATIVE_FMA
  (void)p;
  ForEachVector2(x, dy, dx, n, [&](VF v, VF g) ACTBENCH_VECTOR_OP { return LogisticDerivative(v, g, 1.0f); });
#else
  SigmoidGradExpF64(x, dy, dx, n, p);
#endif
}

// tanh_grad/rr2-p7-comp: dy 4e/(1 + e)^2, e = e^-2|x|.
HWY_NOINLINE void TanhGradComp(const float* x, const float* dy, float* dx, size_t n, const Params& p) {
#if HWY_NATIVE_FMA
  (void)p;
  ForEachVector2(x, dy, dx, n, [&](VF v, VF g) ACTBENCH_VECTOR_OP { return LogisticDerivative(hn::Add(v, v), g, 4.0f); });
#else
  TanhGradExpF64(x, dy, dx, n, p);
#endif
}

// elu_grad/rr2-p7-comp: x > 0 ? dy : (dy alpha) e^x, dy alpha as hi + lo,
// scaled by 2^n last.
HWY_NOINLINE void EluGradComp(const float* x, const float* dy, float* dx, size_t n, const Params& p) {
#if HWY_NATIVE_FMA
  const DF d;
  const VF alpha = hn::Set(d, p.alpha);
  ForEachVector2(x, dy, dx, n, [&](VF v, VF dyv) ACTBENCH_VECTOR_OP {
    const ExpHiLoParts e = ExpNegAbsParts(hn::Min(v, hn::Zero(d)));  // e^x for x <= 0
    const ScaledDy g = ScaleDy(dyv);
    const VF a = hn::Mul(g.g, alpha), a_lo = hn::MulSub(g.g, alpha, a);
    const VF neg =
        ZeroSignedAs(ScaleBack(hn::MulAdd(a, e.m, hn::MulAdd(a, e.m_lo, hn::Mul(a_lo, e.m))), e.n, g.shift), a);
    return KeepNaN(v, hn::IfThenElse(hn::Gt(v, hn::Zero(d)), dyv, neg));
  });
#else
  EluGradExpF64(x, dy, dx, n, p);
#endif
}

// softplus_grad/rr2-p7-comp: beta x > threshold ? dy : dy sigmoid(z), z =
// beta x as hi + lo (e^-|z| corrected by z_lo to first order): dy/(1 + e)
// for z >= 0, dy e/(1 + e) (scaled last) for z < 0.
HWY_NOINLINE void SoftplusGradComp(const float* x, const float* dy, float* dx, size_t n, const Params& p) {
#if HWY_NATIVE_FMA
  const DF d;
  const VF beta = hn::Set(d, p.beta), threshold = hn::Set(d, p.threshold);
  ForEachVector2(x, dy, dx, n, [&](VF v, VF dyv) ACTBENCH_VECTOR_OP {
    const VF z = hn::Mul(beta, v);
    const VF z_lo = hn::IfThenElseZero(hn::IsFinite(z), hn::MulSub(beta, v, z));
    ExpHiLoParts e = ExpNegAbsParts(z);
    const auto pos = hn::Ge(z, hn::Zero(d));
    // e^-|z + z_lo| = e (1 - sign(z) z_lo): the correction joins m_lo.
    e.m_lo = hn::NegMulAdd(e.m, hn::IfThenElse(pos, z_lo, hn::Neg(z_lo)), e.m_lo);
    const ScaledDy g = ScaleDy(dyv);
    VF num, num_lo;
    ScaledProduct(g.g, e, 1.0f, num, num_lo);
    const VF en = hn::Max(e.n, hn::Set(d, -254.0f));
    const VF q = OverOnePlusE<1>(hn::IfThenElse(pos, g.g, num), hn::IfThenElseZero(hn::Not(pos), num_lo),
                                 Ldexp(e.m, en), Ldexp(e.m_lo, en));
    const VF s = ZeroSignedAs(ScaleBack(q, hn::IfThenElseZero(hn::Not(pos), e.n), g.shift), dyv);
    // beta x > threshold compared exactly: z > t, or z == t with a positive z_lo.
    const auto linear = hn::Or(hn::Gt(z, threshold), hn::And(hn::Eq(z, threshold), hn::Gt(z_lo, hn::Zero(d))));
    return hn::IfThenElse(linear, dyv, s);
  });
#else
  SoftplusGradExpF64(x, dy, dx, n, p);
#endif
}

// ---------------------------------------------------------------- exp family, one division (FMA targets)
//
// The compensated kernels above handle every input (e^-200, dy up to the
// largest float) in every lane, and pay for it in every lane. These run a
// short core on vectors whose every lane is in the range that matters
// (|x| <= 87 or so: e^|x| a normal float; |dy| <= 2^120) and hand any other
// vector (a far tail, an infinity, a NaN, a huge dy) to the compensated
// kernel: typical data never takes that path. Without FMA they are the
// double kernels (the same bits).
//
// sigmoid'(x) = 1/(e^a + 2 + e^-a), tanh'(x) = 4/(e^2a + 2 + e^-2a) with
// a = |x|: dx = c dy / (E + 2 + 1/E), one division whose numerator c dy is
// exact, E = e^z >= 1 as hi + lo (ExpCore); 1/E <= 1 enters a denominator >= 4
// and needs no more than a division's accuracy.
// softplus'(x) = sigmoid(x) = 1/(1 + e^-x): dx = dy / (1 + E), E = e^-x as
// hi + lo, for the default beta 1 and threshold 20 (other parameters: the
// compensated kernel).
// elu'(x) = alpha e^x (x <= 0): dx = (dy alpha) e^x, dy alpha and e^x as
// hi + lo, one rounding at the end.

#if HWY_NATIVE_FMA
constexpr size_t kLanesMax = HWY_MAX_BYTES / sizeof(float);

// e^z for z in [-87, 87] as hi + lo, hi = m 2^n exact (2^n normal: n in
// [-126, 126], and m >= 1.4 where n = -126), lo the rounding error of m = 1 + q
// and of q = r p(r), scaled alike: hi + lo is e^z to the polynomial's 2.1e-9
// and r's rounding (0.35 ULP of e^z at most).
struct ExpCoreParts {
  VF hi, lo;
};
HWY_INLINE ExpCoreParts ExpCore(VF z) {
  const DF d;
  const VF n = RoundLog2e(z);
  const VF r = ReduceLn2(z, n);
  const VF p = ExpP7Tail(r);
  const VF q = hn::Mul(r, p);
  const VF q_lo = hn::MulSub(r, p, q);
  const VF one = hn::Set(d, 1.0f);
  const VF m = hn::Add(one, q);
  const VF m_lo = hn::Add(hn::Sub(q, hn::Sub(m, one)), q_lo);
  const VF s = Pow2I(ToInt(n));
  return {hn::Mul(m, s), hn::Mul(m_lo, s)};
}

// num / (hi + lo), lo much smaller than hi: the division by hi corrected by
// its residual, num - q (hi + lo) exact to first order (FMA), times the
// reciprocal estimate of hi (enough for a correction of 2^-24 of q).
HWY_INLINE VF DivHiLo(VF num, VF hi, VF lo) {
  const VF q0 = hn::Div(num, hi);
  const VF res = hn::NegMulAdd(q0, lo, hn::NegMulAdd(q0, hi, num));
  return hn::MulAdd(res, hn::ApproximateReciprocal(hi), q0);
}

// A lane in a core's range: `z_in` (false for a NaN) and |dy| <= 2^120.
template <class M>
HWY_INLINE M InCore(M z_in, VF dy) {
  const DF d;
  return hn::And(z_in, hn::Le(hn::Abs(dy), hn::Set(d, 0x1p120f)));
}

// core() where `in` holds, else comp(): the path is chosen per lane, so a
// lane's bits never depend on its neighbours (an input gives the same output
// at any position), and comp() runs only for a vector with a lane outside
// the core. core() must be harmless (any values, no traps) on those lanes.
template <class M, class Core, class Comp>
HWY_INLINE VF CoreElseComp(M in, const Core& core, const Comp& comp) {
  const DF d;
  const VF c = core();
  if (HWY_LIKELY(hn::AllTrue(d, in))) return c;
  return hn::IfThenElse(in, c, comp());
}

// A whole-array kernel applied to one vector.
template <class Kernel>
HWY_INLINE VF OnOneVector(const Kernel& kernel, VF v, VF g, const Params& p) {
  const DF d;
  HWY_ALIGN float bx[kLanesMax], bg[kLanesMax], bo[kLanesMax];
  hn::Store(v, d, bx);
  hn::Store(g, d, bg);
  kernel(bx, bg, bo, hn::Lanes(d), p);
  return hn::Load(d, bo);
}

// c dy / (E + 2 + 1/E), E = e^z, z = a or 2a in [0, 87]. E = m 2^n and
// 1/E = m' 2^-n from the same reduced r (m' = e^-r, the polynomial at -r),
// each by Estrin's scheme: no division and no long chain before the one
// division that counts (a chain too long for the out-of-order window to
// overlap two vectors bounded the first version). The denominator as hi + lo
// (2 + 1/E and its sum with E each round by up to 2^-24 of it, and just above
// 4 that is a whole ULP of the result), then the quotient corrected by its
// residual: q + (P - q (hi + lo)) / hi, the last division needing only the
// reciprocal estimate's accuracy.
HWY_INLINE VF CoshDerivativeCore(VF z, VF dy, float c) {
  const DF d;
  const VF one = hn::Set(d, 1.0f), two = hn::Set(d, 2.0f);
  const VF n = RoundLog2e(z);
  const VF r = ReduceLn2(z, n);
  const VF r2 = hn::Mul(r, r), r4 = hn::Mul(r2, r2);
  auto k = [&](int i) { return hn::Set(d, kExpP7[i]); };
  // e^r = 1 + r (c1 + c2 r + ... + c7 r^6); e^-r the same at -r.
  const VF p01 = hn::MulAdd(k(2), r, k(1)), m01 = hn::NegMulAdd(k(2), r, k(1));
  const VF p23 = hn::MulAdd(k(4), r, k(3)), m23 = hn::NegMulAdd(k(4), r, k(3));
  const VF p45 = hn::MulAdd(k(6), r, k(5)), m45 = hn::NegMulAdd(k(6), r, k(5));
  const VF p = hn::MulAdd(hn::MulAdd(k(7), r2, p45), r4, hn::MulAdd(p23, r2, p01));
  const VF pm = hn::MulAdd(hn::MulAdd(k(7), r2, m45), r4, hn::MulAdd(m23, r2, m01));
  const VF q = hn::Mul(r, p);
  const VF q_lo = hn::MulSub(r, p, q);
  const VF m = hn::Add(one, q);
  const VF m_lo = hn::Add(hn::Sub(q, hn::Sub(m, one)), q_lo);
  const VF mi = hn::NegMulAdd(r, pm, one);  // e^-r
  const VI ni = ToInt(n);
  const VF s = Pow2I(ni), si = Pow2I(hn::Neg(ni));
  const VF e_hi = hn::Mul(m, s), e_lo = hn::Mul(m_lo, s), inv = hn::Mul(mi, si);
  const VF c2 = hn::Add(two, inv);                          // inv <= 1: exact error below
  const VF c2_lo = hn::Sub(inv, hn::Sub(c2, two));
  const VF hi = hn::Add(e_hi, c2);
  const VF lo = hn::Add(TwoSumError(e_hi, c2, hi), hn::Add(c2_lo, e_lo));
  const VF num = hn::Mul(dy, hn::Set(d, c));                // exact: c = 1 or 4, |dy| <= 2^120
  // A zero takes dy's sign (dy = -0: the correction's +0 would win).
  return ZeroSignedAs(DivHiLo(num, hi, lo), dy);
}
#endif

// sigmoid_grad/rr2-p7-cosh-div: dy / (e^|x| + 2 + e^-|x|).
HWY_NOINLINE void SigmoidGradCoshDiv(const float* x, const float* dy, float* dx, size_t n, const Params& p) {
#if HWY_NATIVE_FMA
  (void)p;
  const DF d;
  ForEachVector2(x, dy, dx, n, [&](VF v, VF g) ACTBENCH_VECTOR_OP {
    const VF a = hn::Abs(v);
    const VF lim = hn::Set(d, 87.0f);
    return CoreElseComp(
        InCore(hn::Le(a, lim), g),
        [&]() ACTBENCH_VECTOR_OP { return CoshDerivativeCore(hn::Min(a, lim), g, 1.0f); },
        [&]() ACTBENCH_VECTOR_OP { return LogisticDerivative(v, g, 1.0f); });
  });
#else
  SigmoidGradExpF64(x, dy, dx, n, p);
#endif
}

// tanh_grad/rr2-p7-cosh-div: 4 dy / (e^2|x| + 2 + e^-2|x|).
HWY_NOINLINE void TanhGradCoshDiv(const float* x, const float* dy, float* dx, size_t n, const Params& p) {
#if HWY_NATIVE_FMA
  (void)p;
  const DF d;
  ForEachVector2(x, dy, dx, n, [&](VF v, VF g) ACTBENCH_VECTOR_OP {
    const VF a2 = hn::Add(hn::Abs(v), hn::Abs(v));
    const VF lim = hn::Set(d, 87.0f);
    return CoreElseComp(
        InCore(hn::Le(a2, lim), g),
        [&]() ACTBENCH_VECTOR_OP { return CoshDerivativeCore(hn::Min(a2, lim), g, 4.0f); },
        [&]() ACTBENCH_VECTOR_OP { return LogisticDerivative(hn::Add(v, v), g, 4.0f); });
  });
#else
  TanhGradExpF64(x, dy, dx, n, p);
#endif
}

// softplus_grad/rr2-p7-div: x > 20 ? dy : dy / (1 + e^-x) (beta 1, threshold
// 20; the compensated kernel for other parameters).
HWY_NOINLINE void SoftplusGradDiv(const float* x, const float* dy, float* dx, size_t n, const Params& p) {
#if HWY_NATIVE_FMA
  if (p.beta != 1.0f || p.threshold != 20.0f) return SoftplusGradComp(x, dy, dx, n, p);
  const DF d;
  const VF one = hn::Set(d, 1.0f), threshold = hn::Set(d, 20.0f);
  ForEachVector2(x, dy, dx, n, [&](VF v, VF g) ACTBENCH_VECTOR_OP {
    // x NaN, below -87 or dy huge: the compensated kernel; x > 20 (+inf
    // included) gives dy, e^-20 computed and not used.
    const auto core = [&]() ACTBENCH_VECTOR_OP {
      const VF z = hn::Min(hn::Max(v, hn::Set(d, -87.0f)), threshold);
      const ExpCoreParts e = ExpCore(hn::Neg(z));
      // 1 + E as hi + lo (TwoSum), the quotient corrected by its residual.
      const VF hi = hn::Add(one, e.hi);
      const VF q = DivHiLo(g, hi, hn::Add(TwoSumError(one, e.hi, hi), e.lo));
      return hn::IfThenElse(hn::Gt(v, threshold), g, ZeroSignedAs(q, g));
    };
    return CoreElseComp(InCore(hn::Ge(v, hn::Set(d, -87.0f)), g), core,
                        [&]() ACTBENCH_VECTOR_OP { return OnOneVector(SoftplusGradComp, v, g, p); });
  });
#else
  SoftplusGradExpF64(x, dy, dx, n, p);
#endif
}

// elu_grad/rr2-p7-fma: x > 0 ? dy : (dy alpha) e^x, dy alpha and e^x as
// hi + lo, one rounding; x < -87 through the compensated kernel.
HWY_NOINLINE void EluGradFma(const float* x, const float* dy, float* dx, size_t n, const Params& p) {
#if HWY_NATIVE_FMA
  const DF d;
  const VF alpha = hn::Set(d, p.alpha);
  ForEachVector2(x, dy, dx, n, [&](VF v, VF g) ACTBENCH_VECTOR_OP {
    const auto core = [&]() ACTBENCH_VECTOR_OP {
      const VF z = hn::Min(hn::Max(v, hn::Set(d, -87.0f)), hn::Zero(d));
      const ExpCoreParts e = ExpCore(z);
      const VF a = hn::Mul(g, alpha), a_lo = hn::MulSub(g, alpha, a);
      const VF neg = ZeroSignedAs(hn::MulAdd(a, e.hi, hn::MulAdd(a, e.lo, hn::Mul(a_lo, e.hi))), a);
      return hn::IfThenElse(hn::Gt(v, hn::Zero(d)), g, neg);
    };
    // NaN x, x < -87, huge dy: the compensated kernel.
    return CoreElseComp(InCore(hn::Ge(v, hn::Set(d, -87.0f)), g), core,
                        [&]() ACTBENCH_VECTOR_OP { return OnOneVector(EluGradComp, v, g, p); });
  });
#else
  EluGradExpF64(x, dy, dx, n, p);
#endif
}

// ---------------------------------------------------------------- derivatives with a root, in double

// From tools/root_taylor.py (mpmath at 80 digits):
// silu': root -1.278464542761073795109359, |u| <= 0.1, degree 8 (next term 1.88e-12 of c1 u)
constexpr double kSiluRoot[2] = {-1.2784645427610737, -1.0946994183093437e-16};
constexpr double kSiluTaylor[8] = {0.2178117057198001, 0.1466487969969469, 0.018874814223782312, -0.015222655223188032, -0.006606589138356696, 0.000126627410081122, 0.0007985218818397998, 0.00018570724361186496};
// mish': root -1.192431214515495212137588, |u| <= 0.1, degree 8 (next term 9.52e-12 of c1 u)
constexpr double kMishRoot[2] = {-1.1924312145154952, -4.8484829848031044e-17};
constexpr double kMishTaylor[8] = {0.2669479140495345, 0.20473126408010586, 0.04190782104360987, -0.020271822716684245, -0.01582112656173338, -0.0033606849270232685, 0.0010924055409445854, 0.0009898181021289196};
// gelu_tanh': root -0.7524614220710162584879544, |u| <= 0.1, degree 8 (next term 2.15e-11 of c1 u)
constexpr double kGeluTanhRoot[2] = {-0.7524614220710163, 3.635560509207687e-17};
constexpr double kGeluTanhTaylor[8] = {0.4304000910248585, 0.38751844613578895, -0.01578285352184803, -0.11394448308095899, -0.01661932834305256, 0.019682309459833118, 0.005261059254921912, -0.0024227318458750974};

// f' of x, where it came out 0 for x < 0: -0. There (the far left tails of
// silu', gelu_sigmoid', mish', gelu_tanh', gelu') f' is negative and below
// every float; a sum like s + k s (1 - s) of zeros would give +0.
template <class VD>
HWY_INLINE VD NegativeZeroLeft(VD f, VD x) {
  const DD dd;
  return hn::IfThenElse(hn::And(hn::Eq(f, hn::Zero(dd)), hn::Lt(x, hn::Zero(dd))), hn::Set(dd, -0.0), f);
}

// f'(r + u) by its Taylor expansion, u = (v - r_hi) - r_lo (v - r_hi exact
// where the window applies: Sterbenz).
template <class VD>
HWY_INLINE VD NearRoot(VD v, const double (&root)[2], const double (&c)[8], VD& u) {
  const DD dd;
  u = hn::Sub(hn::Sub(v, hn::Set(dd, root[0])), hn::Set(dd, root[1]));
  VD p = hn::Set(dd, c[7]);
  for (int k = 6; k >= 0; --k) p = hn::MulAdd(p, u, hn::Set(dd, c[k]));
  return hn::Mul(p, u);
}
constexpr double kRootWindow = 0.1;

// s + k s (1 - s) for s = sigmoid(k) in double: silu'(k), and gelu_sigmoid'
// at k = 1.702f x (exact in double). k is clamped to [-250, 250] (beyond, dy
// f' rounds to dy or -0 for every float dy; inf * 0 avoided); within 0.1 of
// the root, the Taylor form.
template <class VD>
HWY_INLINE VD XSigmoidGradD(VD k) {
  const DD dd;
  const VD kc = hn::Min(hn::Max(k, hn::Set(dd, -250.0)), hn::Set(dd, 250.0));
  VD s, sm;
  SigmoidsD(kc, s, sm);
  const VD general = hn::MulAdd(kc, hn::Mul(s, sm), s);
  VD u;
  const VD near = NearRoot(kc, kSiluRoot, kSiluTaylor, u);
  return KeepNaN(k, NegativeZeroLeft(hn::IfThenElse(hn::Lt(hn::Abs(u), hn::Set(dd, kRootWindow)), near, general), k));
}

// silu_grad/rr2-p7-f64-taylor: dy (s + x s (1 - s)).
HWY_NOINLINE void SiluGradExpF64(const float* x, const float* dy, float* dx, size_t n, const Params&) {
  ForEachVector2(x, dy, dx, n, [&](VF v, VF g) ACTBENCH_VECTOR_OP {
    return InDouble([&](auto xd, auto gd) ACTBENCH_VECTOR_OP { return hn::Mul(gd, XSigmoidGradD(xd)); }, v, g);
  });
}

// gelu_sigmoid_grad/rr2-p7-f64-taylor: dy silu'(1.702f x).
HWY_NOINLINE void GeluSigmoidGradExpF64(const float* x, const float* dy, float* dx, size_t n, const Params&) {
  const DD dd;
  ForEachVector2(x, dy, dx, n, [&](VF v, VF g) ACTBENCH_VECTOR_OP {
    return InDouble([&](auto xd, auto gd) ACTBENCH_VECTOR_OP {
      return hn::Mul(gd, XSigmoidGradD(hn::Mul(hn::Set(dd, double(1.702f)), xd)));
    }, v, g);
  });
}

// mish_grad/rr2-p7-f64-taylor: dy (t + x s (1 - t^2)), t = tanh(softplus(x)):
// x > 0 in e = e^-x, t = (1 + 2e)/q, x s (1 - t^2) = 4x (1 + e) e^2/q^2,
// q = 1 + 2e + 2e^2; x <= 0 in e = e^x, n = e (e + 2), m = n + 2, t = n/m,
// x s (1 - t^2) = x e/(1 + e) 4(n + 1)/m^2. x clamped to [-250, 250].
HWY_NOINLINE void MishGradExpF64(const float* x, const float* dy, float* dx, size_t n, const Params&) {
  const DD dd;
  ForEachVector2(x, dy, dx, n, [&](VF v, VF g) ACTBENCH_VECTOR_OP {
    return InDouble([&](auto xd, auto gd) ACTBENCH_VECTOR_OP {
      using VD = decltype(xd);
      const VD one = hn::Set(dd, 1.0), two = hn::Set(dd, 2.0), four = hn::Set(dd, 4.0);
      const VD xc = hn::Min(hn::Max(xd, hn::Set(dd, -250.0)), hn::Set(dd, 250.0));
      const VD e = ExpNegAbsDZero(xc);
      const VD e2 = hn::Mul(e, e);
      const VD q = hn::MulAdd(two, e2, hn::MulAdd(two, e, one));
      const VD pos = hn::Add(hn::Div(hn::MulAdd(two, e, one), q),
                             hn::Div(hn::Mul(hn::Mul(four, xc), hn::Mul(hn::Add(one, e), e2)), hn::Mul(q, q)));
      const VD nn = hn::Mul(e, hn::Add(e, two)), m = hn::Add(nn, two);
      const VD s = hn::Div(e, hn::Add(one, e));
      const VD neg = hn::Add(hn::Div(nn, m),
                             hn::Mul(hn::Mul(xc, s), hn::Div(hn::Mul(four, hn::Add(nn, one)), hn::Mul(m, m))));
      VD u;
      const VD near = NearRoot(xc, kMishRoot, kMishTaylor, u);
      const VD f = hn::IfThenElse(hn::Lt(hn::Abs(u), hn::Set(dd, kRootWindow)), near,
                                  hn::IfThenElse(hn::Gt(xc, hn::Zero(dd)), pos, neg));
      return hn::Mul(gd, KeepNaN(xd, NegativeZeroLeft(f, xc)));
    }, v, g);
  });
}

// gelu_tanh_grad/rr2-p7-f64-taylor: dy (s + x s (1 - s) (a + 3b x^2)), s =
// sigmoid(z), z = 2u = x (a + b x^2), a = 2 sqrt(2/pi), b = 0.044715 a; x
// clamped to [-20, 10] (beyond, dy f' rounds to -0 or dy: z < -600).
HWY_NOINLINE void GeluTanhGradExpF64(const float* x, const float* dy, float* dx, size_t n, const Params&) {
  const DD dd;
  constexpr double kA = 1.5957691216057307117597842397375;  // 2 sqrt(2/pi)
  constexpr double kB = 0.044715 * kA;
  ForEachVector2(x, dy, dx, n, [&](VF v, VF g) ACTBENCH_VECTOR_OP {
    return InDouble([&](auto xd, auto gd) ACTBENCH_VECTOR_OP {
      using VD = decltype(xd);
      const VD xc = hn::Min(hn::Max(xd, hn::Set(dd, -20.0)), hn::Set(dd, 10.0));
      const VD x2 = hn::Mul(xc, xc);
      const VD z = hn::Mul(xc, hn::MulAdd(hn::Set(dd, kB), x2, hn::Set(dd, kA)));
      VD s, sm;
      SigmoidsD(z, s, sm);
      const VD k = hn::MulAdd(hn::Set(dd, 3 * kB), x2, hn::Set(dd, kA));
      const VD general = hn::MulAdd(hn::Mul(xc, k), hn::Mul(s, sm), s);
      VD u;
      const VD near = NearRoot(xc, kGeluTanhRoot, kGeluTanhTaylor, u);
      const VD f = hn::IfThenElse(hn::Lt(hn::Abs(u), hn::Set(dd, kRootWindow)), near, general);
      return hn::Mul(gd, KeepNaN(xd, NegativeZeroLeft(f, xc)));
    }, v, g);
  });
}

// ---------------------------------------------------------------- gelu'

// From tools/root_taylor.py (mpmath chebyfit, evaluated in double):
constexpr double kGeluRoot[2] = {-0.7517915246935645, 1.4956759177009883e-17};
// on [-3.0, 0.0], w = (x - -1.5) / 1.5: relative error 2.98e-11 in double
constexpr double kGeluGradNeg[20] = {0.1703658758711628, 0.40646146390844484, 0.30367277796891096, -0.042367337747825896, -0.17736374342461086, -0.058272650755681325, 0.042418259507965725, 0.031117472167439608, -0.0031622970634249837, -0.008356444455507492, -0.0011194413567019793, 0.00145900918183704, 0.0004713123668672386, -0.00017017089384968083, -0.0001000975409178661, 1.0745040064946201e-05, 1.4200035893401772e-05, 3.228127278380921e-07, -1.1451764225040037e-06, -1.1531519316599421e-07};
// on [0.0, 3.0], w = (x - 1.5) / 1.5: relative error 6.96e-13 in double
constexpr double kGeluGradPos[20] = {1.1274691922294782, -0.048569098375015066, -0.38248164960049474, 0.48720876813246006, -0.06915405159809922, -0.22244552396294356, 0.11914670527672183, 0.040345032856158154, -0.04904244688079928, 0.0015089169699007026, 0.0116977675232032, -0.0027708050704533505, -0.0018374110258826582, 0.0008342918553296609, 0.0001825246721743035, -0.0001581858414208991, -7.330808783403537e-06, 2.1058522621197408e-05, -4.761858480507806e-07, -1.63148482889761e-06};

template <class VD, size_t kN>
HWY_INLINE VD PolyD(VD w, const double (&c)[kN]) {
  const DD dd;
  VD p = hn::Set(dd, c[kN - 1]);
  for (size_t k = kN - 1; k-- > 0;) p = hn::MulAdd(p, w, hn::Set(dd, c[k]));
  return p;
}

// gelu_grad/cheb-f64: dy (Phi(x) + x phi(x)) in double:
// - [-3, 0]: (x - r) g(x), g a degree-19 fit (3e-11 relative): the root
//   r = -0.7518 is a factor, so no cancellation anywhere;
// - [0, 3]: a degree-19 fit of f' itself (7e-13);
// - beyond: e^(-x^2/2) (x/sqrt(2 pi) -+ erfcx(t)/2), t = |x|/sqrt2, with the
//   float erfcx of the forward kernel (2e-8 relative), whose share of f' is
//   below 1/x^2 there; e^(-x^2/2) from ExpNegAbsD on the exact x^2/2.
// x clamped to [-22, 22]: beyond, dy f' rounds to -0 or dy (e^-242 x).
HWY_NOINLINE void GeluGradChebF64(const float* x, const float* dy, float* dx, size_t n, const Params&) {
  const DF d;
  const DD dd;
  const ErfcxTables tb = LoadErfcxTables();
  ForEachVector2(x, dy, dx, n, [&](VF v, VF g) ACTBENCH_VECTOR_OP {
    const VF t = hn::Min(hn::Max(hn::Mul(hn::Abs(v), hn::Set(d, 0.707106781f)), hn::Set(d, 0.5f)), hn::Set(d, 10.5f));
    const VF ecx = Erfcx(t, tb);
    return InDouble([&](auto xd, auto gd, auto ed) ACTBENCH_VECTOR_OP {
      using VD = decltype(xd);
      const VD xc = hn::Min(hn::Max(xd, hn::Set(dd, -22.0)), hn::Set(dd, 22.0));
      const VD neg_w = hn::Mul(hn::Add(xc, hn::Set(dd, 1.5)), hn::Set(dd, 1.0 / 1.5));
      const VD pos_w = hn::Mul(hn::Sub(xc, hn::Set(dd, 1.5)), hn::Set(dd, 1.0 / 1.5));
      const VD u = hn::Sub(hn::Sub(xc, hn::Set(dd, kGeluRoot[0])), hn::Set(dd, kGeluRoot[1]));
      const VD neg = hn::Mul(u, PolyD(neg_w, kGeluGradNeg));
      const VD pos = PolyD(pos_w, kGeluGradPos);
      const VD gauss = ExpNegAbsDZero(hn::Mul(hn::Mul(xc, xc), hn::Set(dd, 0.5)));  // e^(-x^2/2)
      const VD xphi = hn::Mul(xc, hn::Set(dd, 0.39894228040143267794));        // x/sqrt(2 pi)
      const VD half_ecx = hn::Mul(ed, hn::Set(dd, 0.5));
      // Past x = -14 (t > 9.9) the asymptotic series of the Mills ratio
      // instead: erfcx(t)/2 = S/(|x| sqrt(2 pi)), S = 1 - w + 3w^2 - 15w^3 +
      // 105w^4 - 945w^5 + 10395w^6, w = 1/x^2 <= 1/196 (next term 2e-10):
      // the float erfcx stops at t = 10.5.
      const VD w = hn::Div(hn::Set(dd, 1.0), hn::Mul(xc, xc));
      VD series = hn::Set(dd, 10395.0);
      for (double c : {-945.0, 105.0, -15.0, 3.0, -1.0, 1.0}) series = hn::MulAdd(series, w, hn::Set(dd, c));
      const VD half_ecx_far = hn::Div(hn::Mul(series, hn::Set(dd, 0.39894228040143267794)), hn::Abs(xc));
      const VD left =
          hn::Mul(gauss, hn::Add(xphi, hn::IfThenElse(hn::Lt(xc, hn::Set(dd, -14.0)), half_ecx_far, half_ecx)));
      const VD right = hn::MulAdd(gauss, hn::Sub(xphi, half_ecx), hn::Set(dd, 1.0));
      const VD f = hn::IfThenElse(hn::Lt(xc, hn::Set(dd, -3.0)), left,
                   hn::IfThenElse(hn::Lt(xc, hn::Zero(dd)), neg,
                   hn::IfThenElse(hn::Le(xc, hn::Set(dd, 3.0)), pos, right)));
      return hn::Mul(gd, KeepNaN(xd, NegativeZeroLeft(f, xc)));
    }, v, g, ecx);
  });
}

}  // namespace HWY_NAMESPACE
}  // namespace actbench
HWY_AFTER_NAMESPACE();

#endif  // ACTBENCH_IMPLS_SIMD_GRAD_INL_H_
