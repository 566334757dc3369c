// The exhaustive sweep's reference in SIMD lanes (accuracy/fast_reference_simd.cc):
// its decision test gives exactly what the scalar one gives on the same
// triples, and its references agree with the multiprecision Reference() (the
// same correctly rounded float always, exact values within 1e-6 ULP in the
// same binade), do not depend on an input's neighbours, and fall back where
// they must.
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "accuracy/fast_reference.h"
#include "accuracy/score.h"
#include "accuracy/ulp.h"

namespace actbench {
namespace {

uint64_t Bits64(double d) {
  uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

bool SameFloatBits(float a, float b) { return FloatBits(a) == FloatBits(b); }

// Triples that reach every branch of the decision test: values well inside a
// float's rounding cell, near midpoints, near and at powers of two (both
// sides, within 2^-206 and 2^-196), zeros of both signs, float subnormals,
// double subnormals, near the float overflow threshold, and non-finite ones.
std::vector<double> Triples(std::vector<double>* bs, std::vector<double>* errs) {
  std::vector<double> as;
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  auto add = [&](double a, double b, double e) {
    as.push_back(a);
    bs->push_back(b);
    errs->push_back(e);
  };
  for (int i = 0; i < 200000; ++i) {
    const int k = static_cast<int>(rng() % 300) - 160;  // float range and beyond
    const double a = std::ldexp(1 + std::fabs(unit(rng)), k) * (rng() & 1 ? -1 : 1);
    const double b = a * unit(rng) * std::ldexp(1.0, -static_cast<int>(rng() % 60));
    add(a, b, std::fabs(b) * std::ldexp(1.0, -40 - static_cast<int>(rng() % 20)));
    // Near a float midpoint.
    const float r = static_cast<float>(a);
    if (std::isfinite(r) && r != 0) {
      const double mid = (static_cast<double>(r) + std::nextafter(r, INFINITY)) / 2;
      const double off = mid * std::ldexp(unit(rng), -40 - static_cast<int>(rng() % 16));
      add(mid, off, std::fabs(mid) * 0x1p-56);
      add(mid, 0.0, 0.0);  // a tie
    }
  }
  for (int k = -160; k <= 140; ++k) {
    const double p = std::ldexp(1.0, k);
    for (double s : {1.0, -1.0})
      for (int j : {25, 30, 53, 60, 100, 197, 200, 205, 207, 210, 400, 1000})
        for (double frac : {1.0, -1.0, 0.5, -0.75}) {
          const double b = s * p * frac * std::ldexp(1.0, -j);
          add(s * p, b, 0.0);
          add(s * p, b, std::fabs(b) * 0x1p-48);
          add(s * p, b, std::fabs(b) * 2);
        }
  }
  for (double a : {0.0, -0.0, 0x1p-149, -0x1p-149, 0x1p-1074, 0x1p-1040, -0x1p-1030, 0x1p-1022, 3e-310,
                   static_cast<double>(std::numeric_limits<float>::max()),
                   static_cast<double>(std::numeric_limits<float>::max()) + 0x1p103,
                   -(static_cast<double>(std::numeric_limits<float>::max()) + 0x1p103), 0x1p128, 1e300,
                   std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()})
    for (double b : {0.0, -0.0, 0x1p-1074, -0x1p-1060, 0x1p80, -0x1p80, 1e-20})
      for (double e : {0.0, 0x1p-1070, 1e-30}) add(a, b, e);
  return as;
}

TEST(VectorReference, DecisionTestGivesTheScalarOnesResults) {
  std::vector<double> bs, errs;
  const std::vector<double> as = Triples(&bs, &errs);
  const size_t n = as.size();
  std::vector<double> exact(n);
  std::vector<float> rounded(n);
  std::vector<uint8_t> decided(n);
  if (!VectorDecideForTest(as.data(), bs.data(), errs.data(), n, exact.data(), rounded.data(), decided.data()))
    GTEST_SKIP() << "no vector reference on this CPU (it needs FMA)";
  uint64_t both = 0, scalar_only = 0, mismatches = 0;
  std::string first;
  for (size_t i = 0; i < n; ++i) {
    RefValue s;
    const bool sd = DecideValue(as[i], bs[i], errs[i], &s);
    const double hi = as[i] + bs[i];
    const bool excluded = !std::isfinite(hi) || (hi != 0 && std::fabs(hi) < 0x1p-1022);
    if (decided[i]) {
      if (!sd || Bits64(s.exact) != Bits64(exact[i]) || !SameFloatBits(s.rounded, rounded[i])) {
        if (mismatches++ == 0) {
          char buf[200];
          std::snprintf(buf, sizeof buf, "a %a b %a err %a: vector %a %a, scalar %s %a %a", as[i], bs[i], errs[i],
                        exact[i], static_cast<double>(rounded[i]), sd ? "decided" : "undecided", s.exact,
                        static_cast<double>(s.rounded));
          first = buf;
        }
      }
      ++both;
    } else if (sd) {
      ++scalar_only;
      if (!excluded && mismatches++ == 0) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "a %a b %a err %a: decided by the scalar test only", as[i], bs[i], errs[i]);
        first = buf;
      }
    }
  }
  EXPECT_EQ(mismatches, 0u) << first;
  EXPECT_GT(both, n / 2);
  RecordProperty("decided_by_both", std::to_string(both));
  RecordProperty("scalar_only", std::to_string(scalar_only));
}

struct Tally {
  uint64_t inputs = 0, fallbacks = 0, mismatches = 0;
  uint64_t scalar_fallbacks = 0;  // the inputs the scalar double path cannot decide either
  std::string first;
};

// The references of the inputs x (one call, as a chunk) against Reference(),
// and against the same inputs one at a time (no dependence on neighbours).
void CheckChunk(Act a, const std::vector<float>& x, Tally* t) {
  const Params p = DefaultParams(GetActivation(a));
  RefChunk all, one;
  all.Resize(x.size());
  one.Resize(1);
  t->fallbacks += ReferenceChunk(a, x.data(), x.size(), 0, p, all);
  t->inputs += x.size();
  for (size_t i = 0; i < x.size(); ++i) {
    const RefValue ref = Reference(a, x[i], p, i);  // element i: prelu's channel
    RefValue fast;
    t->scalar_fallbacks += !FastReference(a, x[i], p, i, &fast);
    ReferenceChunk(a, &x[i], 1, i, p, one);
    std::string why;
    if (!SameFloatBits(all.rounded[i], ref.rounded) && !(std::isnan(all.rounded[i]) && std::isnan(ref.rounded))) {
      why = "rounded " + std::to_string(all.rounded[i]) + " vs " + std::to_string(ref.rounded);
    } else if (std::isfinite(ref.exact) &&
               (UlpOf(all.exact[i]) != UlpOf(ref.exact) ||
                !(std::fabs(all.exact[i] - ref.exact) / UlpOf(ref.exact) < 1e-6))) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "exact %a vs %a", all.exact[i], ref.exact);
      why = buf;
    } else if (Bits64(one.exact[0]) != Bits64(all.exact[i]) || !SameFloatBits(one.rounded[0], all.rounded[i]) ||
               Bits64(one.inv_ulp[0]) != Bits64(all.inv_ulp[i]) || Bits64(one.inv_abs[0]) != Bits64(all.inv_abs[i])) {
      why = "alone it gets other bits";
    } else if (Bits64(all.inv_ulp[i]) != Bits64(InvUlpOf(all.exact[i]))) {
      why = "inv_ulp";
    } else if (!(all.inv_abs[i] == (all.exact[i] != 0 && std::isfinite(all.exact[i]) ? 1 / std::fabs(all.exact[i]) : 0.0))) {
      why = "inv_abs";
    }
    if (!why.empty() && t->mismatches++ == 0) {
      char buf[120];
      std::snprintf(buf, sizeof buf, "%s(%a = 0x%08x): ", GetActivation(a).name, static_cast<double>(x[i]),
                    FloatBits(x[i]));
      t->first = buf + why;
    }
  }
}

// Random patterns, and runs of consecutive patterns across every branch
// boundary of the paths (0, 2^-30, 2^-20, 0.55, 1, 38, 350, 700,
// 201 ln2 and 203 ln2/2 where the saturation's exact double changes,
// where exp underflows in double, near the float overflow) and NaN/inf: the
// references of each activation in acts agree with Reference(), alone and in
// a chunk, and fall back no more often than the scalar double path does.
const float kStarts[] = {0.0f,      -0.0f,      0x1p-30f, -0x1p-30f, 0x1p-20f, -0x1p-20f, 0.55f,  -0.55f,
                         1.0f,      -1.0f,      0.75f,    -2.5f,     6.0f,     17.0f,     38.0f,  -38.5f,
                         350.0f,    -350.0f,    700.0f,   -708.0f,   -745.0f,  1e-40f,    -1e-40f, 3e38f,
                         std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                         // Where Reference()'s 201 bits round sigmoid and tanh to 1.
                         139.3225860595703f, 70.35443878173828f, -70.35443878173828f,
                         // The closed forms' ends (tanh, gelu) and the subnormal edge.
                         0x1p-27f, -0x1p-27f, 0x1p-56f, -0x1p-56f, 0x1p-125f, -0x1p-125f, 0x1p-126f, -0x1p-126f,
                         0x1p-102f, -0x1p-103f, 0x1p-98f, -0x1p-97f,
                         // silu's and gelu_sigmoid's k x = 700 and -746.
                         411.28f, -438.31f, -746.0f,
                         // gelu_tanh's z = 700 and where e^z underflows; elu's
                         // saturation (e^x = 2^-202), mish's and softplus's
                         // thresholds, whole chunks of one direct value.
                         21.0589f, -21.5173f, -140.01573f, -40.0f, 20.0f, -1000.0f, -150.0f, 500.0f,
                         // hard_sigmoid's and hard_swish's ends.
                         3.0f, -3.0f,
                         // The backward activations' closed forms and direct values
                         // (sigmoid' and tanh' near 0, elu', silu' and gelu_sigmoid'
                         // near 0, to 1 from z = 41), roots (silu' z = -1.278) and
                         // where e^-2|x| leaves the normal doubles (tanh').
                         0x1p-60f, -0x1p-60f, 0x1p-12f, -0x1p-13f, 0x1p-26f, -0x1p-26f, 41.0f, 24.09f, -1.2784645f,
                         -0.7511542f, 354.0f, -373.0f, 746.0f,
                         // mish', gelu' and gelu_tanh': their roots, closed forms' ends,
                         // where the value stays 1, where phi leaves the normal doubles.
                         -1.1924312f, -0.7517915f, -0.7524614f, 0x1p-28f, -0x1p-28f, 8.0f, 9.0f, 21.0f, -37.5f, -39.0f,
                         -21.6f};

void CheckAgreement(std::initializer_list<Act> acts) {
  for (Act a : acts) {
    SCOPED_TRACE(GetActivation(a).name);
    Tally t;
    std::mt19937 rng(11 + static_cast<unsigned>(a));
    std::vector<float> x;
    for (int i = 0; i < 100000; ++i) x.push_back(FloatFromBits(static_cast<uint32_t>(rng())));
    CheckChunk(a, x, &t);
    for (float s : kStarts) {
      x.clear();
      // Below the start too (prev patterns), 2003 lanes: not a multiple of a vector.
      for (uint32_t j = 0; j < 2003; ++j) x.push_back(FloatFromBits(FloatBits(s) - 1000 + j));
      CheckChunk(a, x, &t);
    }
    EXPECT_EQ(t.mismatches, 0u) << t.first;
    // As few as the scalar path's (near the roots of silu' and gelu_sigmoid'
    // both fall back on whole runs), give or take 0.1%.
    EXPECT_LT(t.fallbacks, t.scalar_fallbacks + t.inputs / 1000)
        << t.fallbacks << " fallbacks of " << t.inputs << ", the scalar path " << t.scalar_fallbacks;
  }
}

TEST(VectorReference, AgreesWithMultiprecisionAndNeverLooksAtNeighbours) {
  if (!ReferenceLanesTarget(Act::kSigmoid)) GTEST_SKIP() << "no vector reference on this CPU (it needs FMA)";
  CheckAgreement({Act::kSigmoid, Act::kTanh, Act::kGelu, Act::kSilu, Act::kGeluSigmoid, Act::kGeluTanh, Act::kElu,
                  Act::kMish, Act::kSoftplus, Act::kRelu, Act::kLeakyRelu, Act::kPrelu, Act::kHardSigmoid,
                  Act::kHardSwish, Act::kReluGrad, Act::kLeakyReluGrad, Act::kPreluGrad, Act::kHardSigmoidGrad,
                  Act::kHardSwishGrad});
}

// The same for the backward activations with transcendental derivatives (a
// test of its own: ctest runs the two side by side).
TEST(VectorReference, BackwardAgreesWithMultiprecisionAndNeverLooksAtNeighbours) {
  if (!ReferenceLanesTarget(Act::kSigmoidGrad)) GTEST_SKIP() << "no vector reference on this CPU (it needs FMA)";
  CheckAgreement({Act::kSigmoidGrad, Act::kTanhGrad, Act::kSoftplusGrad, Act::kEluGrad, Act::kSiluGrad,
                  Act::kGeluSigmoidGrad, Act::kMishGrad, Act::kGeluGrad, Act::kGeluTanhGrad});
}

// Where the lanes give a value directly because it lies well inside a
// float's rounding cell (NearFloat: sigmoid near 1/2, tanh x - x^3/3, gelu
// and silu near x/2, the backward activations near 1/4, 1/2 and 1), the
// exact double and the float are bit for bit what the decision test gives for
// the same a + b (the scalar DecideValue, with the lanes' own arithmetic for
// b), powers of two included.
TEST(VectorReference, DirectValuesAreTheDecisionTestsOwn) {
  if (!ReferenceLanesTarget(Act::kSigmoid)) GTEST_SKIP() << "no vector reference on this CPU (it needs FMA)";
  struct Case {
    Act act;
    uint32_t lo, hi;  // |x| patterns: both signs are checked
    double (*a)(double);
    double (*b)(double);
    bool negative_only = false;  // elu': positive x are 1
  };
  const Case cases[] = {
      {Act::kSigmoid, 0x23800000u, 0x33000000u, [](double) { return 0.5; },
       [](double x) { return x * 0.25 - x * x * x * (1.0 / 48); }},
      {Act::kTanh, 0x32000000u, 0x35800000u, [](double x) { return x; },
       [](double x) { return -(x * x * x * (1.0 / 3)); }},
      {Act::kGelu, 0x23800000u, 0x30800000u, [](double x) { return x * 0.5; },
       [](double x) { return x * x * 0x1.9884533d43651p-2; }},
      {Act::kSilu, 0x23800000u, 0x32800000u, [](double x) { return x * 0.5; },
       [](double x) { return x * x * 1.0 * 0.25 * (1 - x * x * (1.0 / 12)); }},
      // Backward: c - c th^2 around c = 1/4 (sigmoid', th = tanh(x/2)) and
      // 1 (tanh'), 1 + expm1 x (elu'), 3/5 + 16x/25 - 6x^2/125 (mish', its
      // float 0.6f), 1/2 + c x + d x^3 (gelu', gelu_tanh'),
      // 1/2 + z/2 - z^3/12 (silu', gelu_sigmoid': z = k x), subnormal x included.
      {Act::kSigmoidGrad, 0x21800000u, 0x39800000u, [](double) { return 0.25; },
       [](double x) {
         const double z = std::fabs(x) * 0.5, z2 = z * z;
         return -((0.25 * z2) * std::fma(-z2, 2.0 / 3, 1.0));
       }},
      {Act::kTanhGrad, 0x21800000u, 0x39000000u, [](double) { return 1.0; },
       [](double x) {
         const double z2 = x * x;
         return -((1.0 * z2) * std::fma(-z2, 2.0 / 3, 1.0));
       }},
      {Act::kEluGrad, 0x00000000u, 0x32800000u, [](double) { return 1.0; },
       [](double x) { return x + std::fma(x * x, x * (1.0 / 6), (x * x) * 0.5); }, true},
      {Act::kSiluGrad, 0x00000000u, 0x32800000u, [](double) { return 0.5; },
       [](double x) { return std::fma(-(x * x * x), 1.0 / 12, x * 0.5); }},
      {Act::kMishGrad, 0x00000000u, 0x30800000u, [](double) { return 0.6; },
       [](double x) { return std::fma(x, 16.0 / 25, (x * x) * (-6.0 / 125)); }},
      {Act::kGeluGrad, 0x00000000u, 0x31800000u, [](double) { return 0.5; },
       [](double x) { return std::fma(-(x * x * x), 0.2659615202676218, x * 0.7978845608028654); }},
      {Act::kGeluTanhGrad, 0x00000000u, 0x31800000u, [](double) { return 0.5; },
       [](double x) { return std::fma(x * x * x, -0.26727790871001833, x * 0.7978845608028654); }},
      {Act::kGeluSigmoidGrad, 0x00000000u, 0x32000000u, [](double) { return 0.5; },
       [](double x) {
         const double z = static_cast<double>(1.702f) * x;
         return std::fma(-(z * z * z), 1.0 / 12, z * 0.5);
       }},
  };
  std::mt19937 rng(5);
  for (const Case& c : cases) {
    SCOPED_TRACE(GetActivation(c.act).name);
    std::vector<float> x;
    for (uint32_t e = c.lo; e < c.hi; e += 0x00800000u) {  // each binade: its power of two, its ends, a sample
      for (uint32_t m : {0u, 1u, 2u, 0x7fffffu, 0x7ffffeu}) x.push_back(FloatFromBits(e + m));
      for (int i = 0; i < 200; ++i) x.push_back(FloatFromBits(e + (static_cast<uint32_t>(rng()) & 0x7fffffu)));
    }
    const size_t n = x.size();
    for (size_t i = 0; i < n; ++i) x.push_back(-x[i]);
    if (c.negative_only) x.erase(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(n));
    const Params p = DefaultParams(GetActivation(c.act));
    RefChunk rc;
    rc.Resize(1);
    size_t checked = 0;
    for (float xi : x) {
      ReferenceChunk(c.act, &xi, 1, 0, p, rc);
      RefValue v;
      const double a = c.a(xi), b = c.b(xi);
      ASSERT_TRUE(DecideValue(a, b, std::fabs(b) * 0x1p-46, &v)) << xi;
      EXPECT_EQ(Bits64(rc.exact[0]), Bits64(v.exact)) << xi << " " << rc.exact[0] << " " << v.exact;
      EXPECT_TRUE(SameFloatBits(rc.rounded[0], v.rounded)) << xi;
      ++checked;
    }
    RecordProperty(std::string(GetActivation(c.act).name) + "_checked", std::to_string(checked));
  }
}

// Inputs whose exact value lies within 2^-47 of its size from a float
// midpoint (found by scanning with the scalar double path, which falls back on
// them, and measured with the multiprecision reference): no double path with
// these bounds can decide them, so the vector path must fall back on every
// one, and its result is then MPFR's.
TEST(VectorReference, FallsBackNearMidpoints) {
  if (!ReferenceLanesTarget(Act::kSigmoid)) GTEST_SKIP() << "no vector reference on this CPU (it needs FMA)";
  uint64_t hard = 0;
  for (Act a : {Act::kSigmoid, Act::kTanh, Act::kGelu, Act::kSilu, Act::kGeluSigmoid, Act::kGeluTanh, Act::kElu,
                Act::kMish, Act::kSoftplus, Act::kRelu, Act::kLeakyRelu, Act::kPrelu, Act::kHardSigmoid,
                Act::kHardSwish, Act::kReluGrad, Act::kLeakyReluGrad, Act::kPreluGrad, Act::kHardSigmoidGrad,
                Act::kHardSwishGrad, Act::kSigmoidGrad, Act::kTanhGrad, Act::kSoftplusGrad, Act::kEluGrad,
                Act::kSiluGrad, Act::kGeluSigmoidGrad, Act::kMishGrad, Act::kGeluGrad, Act::kGeluTanhGrad}) {
    SCOPED_TRACE(GetActivation(a).name);
    const Params p = DefaultParams(GetActivation(a));
    std::vector<float> x;
    for (uint32_t start : {0x3f800000u, 0xc0800000u, 0xc1000000u})
      for (uint32_t j = 0; j < (1u << 20); ++j) {
        const float xi = FloatFromBits(start + j);
        RefValue v;
        if (FastReference(a, xi, p, 0, &v)) continue;
        const RefValue r = Reference(a, xi, p, 0);
        const double f = r.exact, m = r.rounded;
        const double up = std::nextafter(r.rounded, INFINITY), dn = std::nextafter(r.rounded, -INFINITY);
        if (std::min(std::fabs(f - (m + up) / 2), std::fabs(f - (m + dn) / 2)) <= 0x1p-47 * std::fabs(f))
          x.push_back(xi);
      }
    hard += x.size();
    if (x.empty()) continue;
    RefChunk rc;
    rc.Resize(x.size());
    EXPECT_EQ(ReferenceChunk(a, x.data(), x.size(), 0, p, rc), x.size());
    for (size_t i = 0; i < x.size(); ++i) {
      EXPECT_TRUE(SameFloatBits(rc.rounded[i], Reference(a, x[i], p, 0).rounded)) << x[i];
      EXPECT_EQ(Bits64(rc.exact[i]), Bits64(Reference(a, x[i], p, 0).exact)) << x[i];
    }
    RecordProperty(std::string(GetActivation(a).name) + "_hard", std::to_string(x.size()));
  }
  EXPECT_GT(hard, 0u);
}

}  // namespace
}  // namespace actbench
