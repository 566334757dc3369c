// Correctly rounded Highway variants (family "simd", names ending in -cr):
// the activation evaluated in double lanes to about 2^-51 relative, rounded
// once to float. The rounding is wrong only where the double value and the
// exact one lie on either side of a midpoint between two floats; a lane whose
// value is within kCrTolerance of a midpoint (about 2^-22 of inputs) is looked
// up in the exceptions table (cr_exceptions.h), which holds every input where
// that happens on a target tools/cr_exceptions ran. The exhaustive sweep of
// each row on each target is the proof: 0 inputs above 0.5 ULP.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

// The activations with a -cr kernel: each has a functor NameCrF, a table
// kCrNameExceptions, and gets NameCr and NameCrScan, compiled per target and
// exported. (Defined again, identically, on each pass of foreach_target.)
#define ACTBENCH_CR_ACTIVATIONS(X) X(Sigmoid) X(Tanh) X(Gelu) X(Silu) X(Elu) X(Mish) X(Softplus)

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "impls/simd/cr_variants.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "actbench/highway.h"
#include "impls/registration.h"
#include "impls/simd/cr.h"
#include "impls/simd/cr_exceptions.h"
#include "impls/simd/math-inl.h"
#include "impls/variant.h"

HWY_BEFORE_NAMESPACE();
namespace actbench {
namespace HWY_NAMESPACE {

// Lanes of v (double) within kCrTolerance (times v's binade 2^e) of a
// midpoint between two floats, where v is a normal float. Float keeps the top
// 23 of v's 52 fraction bits: the low 29 measure v's distance above the float
// below in double ULPs (2^(e-52)), a midpoint is 2^28, and kCrTolerance is
// kUnits = 2^6 of those units. (low + kUnits - 2^28) mod 2^29 <= 2 kUnits is
// the test: an add, an and and a compare.
template <class VD>
HWY_INLINE auto NearMidpointNormal(VD v) {
  const DD dd;
  const hn::RebindToSigned<DD> di;
  constexpr int64_t kUnits = int64_t(kCrTolerance * 0x1p52);
  static_assert(kUnits * 0x1p-52 == kCrTolerance, "a whole number of double ULPs");
  constexpr int64_t kMask = (int64_t{1} << 29) - 1;
  const auto t = hn::And(hn::Add(hn::BitCast(di, v), hn::Set(di, kUnits - (int64_t{1} << 28))), hn::Set(di, kMask));
  return hn::RebindMask(dd, hn::Lt(t, hn::Set(di, 2 * kUnits + 1)));
}

// The same for results below 2^-126 (float subnormals and 0), where float's
// half ULP is 2^-150: the distance of v from its float rounding y (exact,
// Sterbenz) is compared with it.
template <class VD, class VY>
HWY_INLINE auto NearMidpointTiny(VD v, VY y) {
  const DD dd;
  const hn::RebindToUnsigned<DD> du;
  const VD binade = hn::BitCast(dd, hn::And(hn::BitCast(du, v), hn::Set(du, 0x7FF0000000000000ull)));
  const VD off = hn::Sub(hn::Abs(hn::Sub(v, hn::PromoteTo(dd, y))), hn::Set(dd, 0x1p-150));
  return hn::Le(hn::Abs(off), hn::Mul(binade, hn::Set(dd, kCrTolerance)));
}

// The rare path: lanes near a midpoint are looked up in the table (or, when
// scanning, marked in flagged[0, valid)).
template <class MD>
HWY_NOINLINE VF CrSlowLanes(VF x, VF y, MD lower, MD upper, const CrTable& table, uint8_t* flagged, size_t valid) {
  const DF d;
  const DD dd;
  const hn::RebindToUnsigned<DD> du;
  constexpr size_t kMax = HWY_MAX_BYTES / sizeof(float);
  HWY_ALIGN float xs[kMax], ys[kMax];
  HWY_ALIGN uint64_t ml[kMax], mu[kMax];
  hn::Store(x, d, xs);
  hn::Store(y, d, ys);
  hn::Store(hn::BitCast(du, hn::VecFromMask(dd, lower)), du, ml);
  hn::Store(hn::BitCast(du, hn::VecFromMask(dd, upper)), du, mu);
  const size_t n = hn::Lanes(d), half = hn::Lanes(dd);
  for (size_t j = 0; j < n; ++j) {
    if ((j < half ? ml[j] : mu[j - half]) == 0) continue;
    if (flagged != nullptr) {
      if (j < valid) flagged[j] = 1;
    } else {
      ys[j] = CrPatch(table, xs[j], ys[j]);
    }
  }
  return hn::Load(d, ys);
}

// f (double lanes -> double lanes) rounded once to float per lane, patched
// from the table near midpoints; NaN inputs returned as they are.
template <class F>
HWY_INLINE VF CrVector(VF x, const F& f, const CrTable& table, uint8_t* flagged = nullptr, size_t valid = 0) {
  const DF d;
  const DD dd;
  // Results below 2^-126 take the subnormal test, only for vectors with a
  // float result at most 2^-126 (a value just below rounds up to it; zeros
  // count too, so zero inputs of tanh and outputs that underflow take it).
  const auto tiny_in = [&](const auto& y) { return !hn::AllFalse(d, hn::Le(hn::Abs(y), hn::Set(d, 0x1p-126f))); };
  const auto retest = [&](auto z, auto y, auto m) {
    const auto t = hn::Lt(hn::Abs(z), hn::Set(dd, 0x1p-126));
    return hn::Or(hn::And(t, NearMidpointTiny(z, y)), hn::AndNot(t, m));
  };
#if HWY_TARGET == HWY_SCALAR
  const auto z = f(hn::PromoteTo(dd, x));
  const VF y = hn::DemoteTo(d, z);
  auto m = NearMidpointNormal(z);
  if (HWY_UNLIKELY(tiny_in(y))) m = retest(z, y, m);
  const VF out = HWY_UNLIKELY(!hn::AllFalse(dd, m)) ? CrSlowLanes(x, y, m, m, table, flagged, valid) : y;
#else
  const hn::Half<DF> dh;
  const auto zl = f(hn::PromoteTo(dd, hn::LowerHalf(dh, x)));
  const auto zu = f(hn::PromoteTo(dd, hn::UpperHalf(dh, x)));
  const auto yl = hn::DemoteTo(dh, zl), yu = hn::DemoteTo(dh, zu);
  auto ml = NearMidpointNormal(zl), mu = NearMidpointNormal(zu);
  const VF y = hn::Combine(d, yu, yl);
  if (HWY_UNLIKELY(tiny_in(y))) {
    ml = retest(zl, yl, ml);
    mu = retest(zu, yu, mu);
  }
  const VF out = HWY_UNLIKELY(!hn::AllFalse(dd, hn::Or(ml, mu))) ? CrSlowLanes(x, y, ml, mu, table, flagged, valid)
                                                                 : y;
#endif
  return KeepNaN(x, out);
}

// Each activation's double evaluation: operator() on double lanes, Finish
// on the float result (inputs whose result is x itself), and whether the
// exceptions table, made with the default parameters, holds for p.
struct CrF {
  explicit CrF(const Params&) {}
  HWY_INLINE VF Finish(VF, VF y) const { return y; }
  static bool TableHolds(const Params&) { return true; }
};

// sigmoid: e = e^-|x| (|x| clamped at 120, where sigmoid rounds to 0 or 1
// long before), 1/(1 + e) for x >= 0, e/(1 + e) for x < 0. Three roundings
// of 2^-53 on e's 2^-52: within 2^-50.5.
struct SigmoidCrF : CrF {
  using CrF::CrF;
  template <class VD>
  HWY_INLINE VD operator()(VD x) const {
    const DD dd;
    const VD one = hn::Set(dd, 1.0);
    const VD e = ExpD(hn::Neg(AtMost(hn::Abs(x), hn::Set(dd, 120.0))));
    return hn::Div(hn::IfThenElse(hn::Lt(x, hn::Zero(dd)), e, one), hn::Add(one, e));
  }
};

// tanh: E/(E + 2) with E = e^(2|x|) - 1 (|x| clamped at 10, where tanh
// rounds to 1 from 9.01 on), the sign copied back (-0 stays -0).
struct TanhCrF : CrF {
  using CrF::CrF;
  template <class VD>
  HWY_INLINE VD operator()(VD x) const {
    const DD dd;
    const VD a = AtMost(hn::Abs(x), hn::Set(dd, 10.0));
    const VD e = Expm1AccurateD(hn::Add(a, a));
    return hn::CopySign(hn::Div(e, hn::Add(e, hn::Set(dd, 2.0))), x);
  }
};

// gelu: x Phi(x), Phi(x) = erfc(-x/sqrt2)/2, with s2 = x^2/2 exact in double.
//   |x| < 1/sqrt2 (s2 < 1/4): Phi = 1/2 + (x/sqrt2) p(s2) / 2, p = erf(s)/s;
//   else: c = erfc(|x|/sqrt2) = e^-s2 erfcx(|x|/sqrt2), Phi = c/2 (x < 0) or
//   1 - c/2 (x > 0). e^-s2 from the exact s2 (the rounding of x/sqrt2, which
//   e^-s2 would magnify by 2 s2, only reaches erfcx, whose relative slope is
//   below 1). x is clamped at -14.8 (gelu rounds to -0 from about -14.36 down; -inf
//   gives -0); x >= 8 returns x itself (gelu(x) = x (1 - 2^-50.5) or closer, +inf kept).
// Coefficients and ErfcxD: impls/simd/math-inl.h (the exhaustive sweep's
// reference takes them too).

// |x| < 2^-100, where f(x) = x/2 + c x^2 (1 + O(x)) with c > 0 (gelu, silu):
// double cannot hold the second term beside the first; it only matters where
// x/2 is a midpoint (x below 2^-125 with its last bit set), and there only
// its sign does: the value lies above x/2. So does x/2 + 2^-170: more than
// kCrTolerance and a double ULP (2^-179 up there) above x/2, far below
// float's half ULP (2^-150); it rounds as f(x) does. Zeros return themselves
// (-0 stays -0).
template <class VD>
HWY_INLINE VD HalfXPlusSquare(VD x, VD v) {
  const DD dd;
  const VD tiny = hn::IfThenElse(hn::Eq(x, hn::Zero(dd)), x, hn::MulAdd(x, hn::Set(dd, 0.5), hn::Set(dd, 0x1p-170)));
  return hn::IfThenElse(hn::Lt(hn::Abs(x), hn::Set(dd, 0x1p-100)), tiny, v);
}

struct GeluCrF : CrF {
  using CrF::CrF;
  template <class VD>
  HWY_INLINE VD operator()(VD x) const {
    const DD dd;
    const VD xc = hn::Max(x, hn::Set(dd, -14.8));  // NaN lanes are put back by KeepNaN
    const VD s2 = hn::Mul(hn::Mul(xc, xc), hn::Set(dd, 0.5));
    const auto small = hn::Lt(s2, hn::Set(dd, 0.25));
    VD phi_small = hn::Zero(dd), phi_big = hn::Zero(dd);
    if (!hn::AllFalse(dd, small)) {
      phi_small = hn::MulAdd(hn::Mul(xc, hn::Set(dd, 0.35355339059327376)), ErfOverTD(s2),
                             hn::Set(dd, 0.5));  // 1/(2 sqrt2)
    }
    if (!hn::AllTrue(dd, small)) {
      const VD s = hn::Mul(hn::Abs(xc), hn::Set(dd, 0.70710678118654752));
      const VD half_c = hn::Mul(hn::Mul(ExpD(hn::Neg(s2)), ErfcxD(s)), hn::Set(dd, 0.5));
      phi_big = hn::IfThenElse(hn::Lt(xc, hn::Zero(dd)), half_c, hn::Sub(hn::Set(dd, 1.0), half_c));
    }
    return HalfXPlusSquare(x, hn::Mul(xc, hn::IfThenElse(small, phi_small, phi_big)));
  }
  HWY_INLINE VF Finish(VF x, VF y) const { return hn::IfThenElse(hn::Ge(x, hn::Set(DF(), 8.0f)), x, y); }
};

// silu: x e/(1 + e) (x < 0) or x/(1 + e), e = e^-|x|; x clamped at -120
// (silu rounds to -0 from -110 down); x >= 20 returns x; tiny x as gelu.
struct SiluCrF : CrF {
  using CrF::CrF;
  template <class VD>
  HWY_INLINE VD operator()(VD x) const {
    const DD dd;
    const VD one = hn::Set(dd, 1.0);
    const VD xc = hn::Max(x, hn::Set(dd, -120.0));
    const VD e = ExpD(hn::Neg(AtMost(hn::Abs(xc), hn::Set(dd, 120.0))));
    const VD num = hn::Mul(xc, hn::IfThenElse(hn::Lt(xc, hn::Zero(dd)), e, one));
    return HalfXPlusSquare(x, hn::Div(num, hn::Add(one, e)));
  }
  HWY_INLINE VF Finish(VF x, VF y) const { return hn::IfThenElse(hn::Ge(x, hn::Set(DF(), 20.0f)), x, y); }
};

// elu: x >= 0: x; x < 0: alpha (e^x - 1), e^x - 1 = (2^n - 1) + 2^n (e^r - 1)
// (one rounding; x clamped at -120, where it is -1 to 2^-173). The table is
// made with alpha = 1 (the default): for another alpha, lanes near a midpoint
// keep the double's rounding (within 0.5 + 2^-26 ULP, not promised).
struct EluCrF : CrF {
  explicit EluCrF(const Params& p) : CrF(p), alpha(p.alpha) {}
  template <class VD>
  HWY_INLINE VD operator()(VD x) const {
    const DD dd;
    const VD e = Expm1AccurateD(hn::Max(hn::Min(x, hn::Zero(dd)), hn::Set(dd, -120.0)));
    return hn::IfThenElse(hn::Ge(x, hn::Zero(dd)), x, hn::Mul(hn::Set(dd, double(alpha)), e));
  }
  // x >= 0 is x itself (+inf too: HWY_SCALAR's and EMU128's DemoteTo saturate it).
  HWY_INLINE VF Finish(VF x, VF y) const { return hn::IfThenElse(hn::Ge(x, hn::Zero(DF())), x, y); }
  static bool TableHolds(const Params& p) { return p.alpha == 1.0f; }
  float alpha;
};

// mish: x N/(N + 2), N = t (t + 2), t = e^x (x clamped to [-120, 20]:
// below, mish rounds to -0 from -110 down; x >= 20 returns x).
struct MishCrF : CrF {
  using CrF::CrF;
  template <class VD>
  HWY_INLINE VD operator()(VD x) const {
    const DD dd;
    const VD two = hn::Set(dd, 2.0);
    const VD xc = hn::Min(hn::Max(x, hn::Set(dd, -120.0)), hn::Set(dd, 20.0));
    const VD t = ExpD(xc);
    const VD n = hn::Mul(t, hn::Add(t, two));
    return hn::Div(hn::Mul(xc, n), hn::Add(n, two));
  }
  HWY_INLINE VF Finish(VF x, VF y) const { return hn::IfThenElse(hn::Ge(x, hn::Set(DF(), 20.0f)), x, y); }
};

// softplus: z = beta x (exact in double); z > threshold: x; else
// (max(z, 0) + log1p(e^-|z|)) / beta (|z| clamped at 200 in the exponential,
// where the term is below every float), about 2^-51. The table is made with
// beta = 1 and threshold = 20 (the defaults).
struct SoftplusCrF : CrF {
  explicit SoftplusCrF(const Params& p) : CrF(p), beta(p.beta), threshold(p.threshold) {}
  template <class VD>
  HWY_INLINE VD operator()(VD x) const {
    const DD dd;
    const VD b = hn::Set(dd, double(beta));
    const VD z = hn::Mul(b, x);
    const VD e = ExpD(hn::Neg(AtMost(hn::Abs(z), hn::Set(dd, 200.0))));
    const VD sp = hn::Div(hn::Add(hn::Max(z, hn::Zero(dd)), Log1pUnitAccurateD(e)), b);
    return hn::IfThenElse(hn::Gt(z, hn::Set(dd, double(threshold))), x, sp);
  }
  // +inf is x itself (HWY_SCALAR's and EMU128's DemoteTo saturate it).
  HWY_INLINE VF Finish(VF x, VF y) const {
    const DF d;
    return hn::IfThenElse(hn::And(hn::Eq(x, hn::Set(d, HUGE_VALF)), hn::Gt(hn::Set(d, beta), hn::Zero(d))), x, y);
  }
  static bool TableHolds(const Params& p) { return p.beta == 1.0f && p.threshold == 20.0f; }
  float beta, threshold;
};

template <class F>
HWY_INLINE void CrKernel(const float* in, float* out, size_t n, const CrTable& table, const Params& p) {
  const F f(p);
  const CrTable t = F::TableHolds(p) ? table : CrTable{nullptr, nullptr};
  ForEachVector(in, out, n, [&](VF x, size_t) ACTBENCH_VECTOR_OP { return f.Finish(x, CrVector(x, f, t)); });
}

// For tools/cr_exceptions: no table, flagged lanes marked.
template <class F>
HWY_INLINE void CrScan(const float* in, float* y, uint8_t* flagged, size_t n, const Params& p) {
  const F f(p);
  std::memset(flagged, 0, n);
  ForEachVector(in, y, n, [&](VF x, size_t i) ACTBENCH_VECTOR_OP {
    return f.Finish(x, CrVector(x, f, CrTable{nullptr, nullptr}, flagged + i, n - i));
  });
}

#define ACTBENCH_CR_KERNEL(Name)                                                                   \
  HWY_NOINLINE void Name##Cr(const float* in, float* out, size_t n, const Params& p) {             \
    CrKernel<Name##CrF>(in, out, n, MakeCrTable(kCr##Name##Exceptions), p);                         \
  }                                                                                                \
  HWY_NOINLINE void Name##CrScan(const float* in, float* y, uint8_t* flagged, size_t n, const Params& p) { \
    CrScan<Name##CrF>(in, y, flagged, n, p);                                                       \
  }
ACTBENCH_CR_ACTIVATIONS(ACTBENCH_CR_KERNEL)
#undef ACTBENCH_CR_KERNEL

}  // namespace HWY_NAMESPACE
}  // namespace actbench
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace actbench {

#define ACTBENCH_CR_EXPORT(Name) \
  HWY_EXPORT(Name##Cr);            \
  HWY_EXPORT(Name##CrScan);
ACTBENCH_CR_ACTIVATIONS(ACTBENCH_CR_EXPORT)
#undef ACTBENCH_CR_EXPORT

namespace {

struct CrRow {
  const char* activation;
  const char* variant;
  KernelFn (*kernel)();
  CrScanFn (*scan)();
  const char* description;
};

const std::vector<CrRow>& CrRows() {
  static const std::vector<CrRow> rows = {
      {"sigmoid", "exp-f64-cr", ACTBENCH_HWY_POINTER(SigmoidCr), ACTBENCH_HWY_POINTER(SigmoidCrScan),
       "1/(1 + e) or e/(1 + e), e = e^-|x| in double (degree-11 expm1, 2^-50.5), rounded once; "
       "exceptions table near midpoints"},
      {"tanh", "expm1-f64-cr", ACTBENCH_HWY_POINTER(TanhCr), ACTBENCH_HWY_POINTER(TanhCrScan),
       "E/(E + 2), E = e^(2|x|) - 1 in double (degree-11 expm1, 2^-50.5), rounded once; "
       "exceptions table near midpoints"},
      {"gelu", "erfc-f64-cr", ACTBENCH_HWY_POINTER(GeluCr), ACTBENCH_HWY_POINTER(GeluCrScan),
       "x erfc(-x/sqrt2)/2 in double: e^(-x^2/2) erfcx in 4 degree-18 pieces, erf(s)/s near 0 (2^-50), "
       "rounded once; exceptions table near midpoints"},
      {"silu", "exp-f64-cr", ACTBENCH_HWY_POINTER(SiluCr), ACTBENCH_HWY_POINTER(SiluCrScan),
       "x e/(1 + e) or x/(1 + e), e = e^-|x| in double (degree-11 expm1, 2^-50), rounded once; "
       "exceptions table near midpoints"},
      {"elu", "expm1-f64-cr", ACTBENCH_HWY_POINTER(EluCr), ACTBENCH_HWY_POINTER(EluCrScan),
       "alpha (e^x - 1) in double (degree-11 expm1, one rounding), rounded once; exceptions table near "
       "midpoints, made for alpha = 1"},
      {"mish", "exp-f64-cr", ACTBENCH_HWY_POINTER(MishCr), ACTBENCH_HWY_POINTER(MishCrScan),
       "x N/(N + 2), N = e^x (e^x + 2) in double (degree-11 expm1, 2^-50), rounded once; "
       "exceptions table near midpoints"},
      {"softplus", "log1p-exp-f64-cr", ACTBENCH_HWY_POINTER(SoftplusCr), ACTBENCH_HWY_POINTER(SoftplusCrScan),
       "(max(z, 0) + log1p(e^-|z|)) / beta, z = beta x, in double (atanh series to s^21, 2^-51), rounded once; "
       "exceptions table near midpoints, made for beta = 1, threshold = 20"},
  };
  return rows;
}

}  // namespace

std::vector<CrScanKernel> CrScanKernels() {
  std::vector<CrScanKernel> out;
  for (const CrRow& row : CrRows())
    for (const auto& [target, fn] : HighwayKernels(HWY_TARGETS, row.scan))
      out.push_back({row.activation, row.variant, target, fn});
  return out;
}

void RegisterSimdCrVariants() {
  for (const CrRow& row : CrRows()) {
    Registration* r = RegisterHighwayKernel(std::string(row.activation) + "/" + row.variant, HWY_TARGETS, row.kernel);
    BuiltinSpec(r).family = "simd";
    r->Describe(row.description)->MaxUlp(0.5)->MaxUlpWithoutFma(0.5);
  }
}

}  // namespace actbench
#endif  // HWY_ONCE
