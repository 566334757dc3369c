// The reference is checked against values whose correctly rounded bits can be
// justified without it: exact arithmetic, hand-derived ties, and an
// independent long double evaluation wherever that one is far from a rounding
// boundary.
#include "accuracy/reference.h"

#include <cmath>
#include <limits>
#include <random>

#include <gtest/gtest.h>

namespace actbench {
namespace {

using L = std::numeric_limits<float>;

float Ref(Act a, float x) { return Reference(a, x, DefaultParams(GetActivation(a))).rounded; }

TEST(Reference, ExactValues) {
  EXPECT_EQ(Ref(Act::kSigmoid, 0.0f), 0.5f);
  EXPECT_EQ(Ref(Act::kTanh, 0.0f), 0.0f);
  EXPECT_EQ(Ref(Act::kRelu, -2.0f), 0.0f);
  EXPECT_EQ(Ref(Act::kRelu, 3.5f), 3.5f);
  EXPECT_EQ(Ref(Act::kLeakyRelu, -1.0f), -0.01f);  // the float slope times -1, exactly
  EXPECT_EQ(Ref(Act::kHardSigmoid, -3.0f), 0.0f);
  EXPECT_EQ(Ref(Act::kHardSigmoid, 0.0f), 0.5f);
  EXPECT_EQ(Ref(Act::kHardSwish, -1.5f), -0.375f);
  EXPECT_EQ(Ref(Act::kHardSwish, 3.0f), 3.0f);
  EXPECT_EQ(Ref(Act::kElu, 2.0f), 2.0f);
  EXPECT_EQ(Ref(Act::kGelu, 0.0f), 0.0f);
  EXPECT_EQ(Ref(Act::kSoftplus, 25.0f), 25.0f);  // past the threshold: linear
}

TEST(Reference, TiesRoundToEven) {
  // hard_sigmoid(3 * 2^-24) = 1/2 + 2^-25: halfway between 0.5 and 0.5 + 2^-24.
  EXPECT_EQ(Ref(Act::kHardSigmoid, 3 * 0x1p-24f), 0.5f);
  // hard_sigmoid(9 * 2^-24) = 1/2 + 3 * 2^-25: halfway between 0.5 + 2^-24 (odd) and 0.5 + 2^-23.
  EXPECT_EQ(Ref(Act::kHardSigmoid, 9 * 0x1p-24f), 0.5f + 0x1p-23f);
}

TEST(Reference, SubnormalResultsAreRoundedNotFlushed) {
  // sigmoid(-100) = e^-100 / (1 + e^-100) = 26.547... * 2^-149 -> 27 * 2^-149.
  const long double v = expl(-100.0L) / (1.0L + expl(-100.0L)) / 0x1p-149L;
  ASSERT_GT(fabsl(v - floorl(v) - 0.5L), 0.01L);
  EXPECT_EQ(Ref(Act::kSigmoid, -100.0f), static_cast<float>(nearbyintl(v)) * L::denorm_min());
  EXPECT_EQ(Ref(Act::kSigmoid, -100.0f), 27 * L::denorm_min());
  // 0.01f * (-100 * 2^-149) = -0.99999997... * 2^-149 -> -2^-149.
  EXPECT_EQ(Ref(Act::kLeakyRelu, -100 * L::denorm_min()), -L::denorm_min());
  // Far below half the smallest subnormal: zero of the right sign.
  EXPECT_EQ(Ref(Act::kSigmoid, -200.0f), 0.0f);
  EXPECT_TRUE(std::signbit(Ref(Act::kGelu, -30.0f)));
}

TEST(Reference, SpecialInputs) {
  for (const Activation& a : Activations()) {
    SCOPED_TRACE(a.name);
    EXPECT_TRUE(std::isnan(Ref(a.id, L::quiet_NaN())));
    EXPECT_FALSE(std::isnan(Ref(a.id, L::infinity())));
    EXPECT_FALSE(std::isnan(Ref(a.id, -L::infinity())));
  }
  EXPECT_EQ(Ref(Act::kSigmoid, L::infinity()), 1.0f);
  EXPECT_EQ(Ref(Act::kSigmoid, -L::infinity()), 0.0f);
  EXPECT_EQ(Ref(Act::kTanh, -L::infinity()), -1.0f);
  EXPECT_EQ(Ref(Act::kElu, -L::infinity()), -1.0f);
  EXPECT_EQ(Ref(Act::kGelu, -L::infinity()), 0.0f);
  EXPECT_EQ(Ref(Act::kSilu, L::infinity()), L::infinity());
}

TEST(Reference, PreluUsesTheChannelOfTheIndex) {
  const Activation& a = GetActivation(Act::kPrelu);
  const Params p = DefaultParams(a);
  ASSERT_GT(p.channels, 1u);
  for (size_t i = 0; i < 3 * p.channels; ++i)
    EXPECT_EQ(Reference(Act::kPrelu, -2.0f, p, i).rounded, p.slopes[i % p.channels] * -2.0f);
}

// The stable closed forms in long double (64-bit significand); independent of
// the multiprecision code path.
long double LongDouble(Act a, long double x, const Params& p) {
  auto sigmoid = [](long double z) {
    const long double e = expl(-fabsl(z));
    return z >= 0 ? 1 / (1 + e) : e / (1 + e);
  };
  switch (a) {
    case Act::kElu: return x > 0 ? x : p.alpha * expm1l(x);
    case Act::kSigmoid: return sigmoid(x);
    case Act::kTanh: return tanhl(x);
    case Act::kGelu: return x / 2 * erfcl(-x / sqrtl(2.0L));
    case Act::kGeluTanh:
      return x * sigmoid(2 * sqrtl(2 / 3.14159265358979323846264338327950288L) *
                         (x + 0.044715L * x * x * x));
    case Act::kSilu: return x * sigmoid(x);
    case Act::kMish: return x * tanhl(log1pl(expl(x)));
    case Act::kSoftplus: return x > 20 ? x : fmaxl(x, 0) + log1pl(expl(-fabsl(x)));
    default: return NAN;
  }
}

TEST(Reference, AgreesWithLongDoubleAwayFromRoundingBoundaries) {
  std::mt19937 rng(12345);
  std::uniform_real_distribution<float> dist(-30.0f, 30.0f);
  for (Act a : {Act::kElu, Act::kSigmoid, Act::kTanh, Act::kGelu, Act::kGeluTanh, Act::kSilu,
                Act::kMish, Act::kSoftplus}) {
    SCOPED_TRACE(GetActivation(a).name);
    const Params p = DefaultParams(GetActivation(a));
    int compared = 0;
    for (int k = 0; k < 3000; ++k) {
      const float x = dist(rng);
      const long double y = LongDouble(a, x, p);
      const RefValue r = Reference(a, x, p);
      if (fabsl(y) < 0x1p-1000L) continue;  // below double's range: exact is 0 there
      EXPECT_NEAR(static_cast<double>(y / r.exact), 1.0, 1e-15) << x;
      // Where the long double value lies within 1e-3 ULP of a rounding
      // boundary its own error could decide the rounding: skip those.
      const float f = static_cast<float>(y);
      const long double up = std::nextafter(f, L::infinity()), down = std::nextafter(f, -L::infinity());
      const long double spacing = fminl(up - f, f - down);
      const long double to_boundary = fminl(fabsl(y - (f + up) / 2), fabsl(y - (f + down) / 2));
      if (to_boundary < 1e-3L * spacing) continue;
      EXPECT_EQ(r.rounded, f) << "x = " << x;
      ++compared;
    }
    EXPECT_GT(compared, 2000);
  }
}

}  // namespace
}  // namespace actbench

namespace actbench {
namespace {

float GradRef(Act a, float x) { return Reference(a, x, DefaultParams(GetActivation(a))).rounded; }

// PyTorch 1.13.1's values where f is not differentiable, and exact points.
TEST(GradientReference, ValuesAtTheKinksAndExactPoints) {
  EXPECT_EQ(GradRef(Act::kReluGrad, 0.0f), 0.0f);
  EXPECT_EQ(GradRef(Act::kReluGrad, 1e-30f), 1.0f);
  EXPECT_EQ(GradRef(Act::kLeakyReluGrad, 0.0f), 0.01f);
  EXPECT_EQ(GradRef(Act::kEluGrad, 0.0f), 1.0f);  // alpha e^0, alpha = 1
  EXPECT_EQ(GradRef(Act::kHardSigmoidGrad, -3.0f), 0.0f);
  EXPECT_EQ(GradRef(Act::kHardSigmoidGrad, 3.0f), 0.0f);
  EXPECT_EQ(GradRef(Act::kHardSigmoidGrad, 0.0f), 1.0f / 6);
  EXPECT_EQ(GradRef(Act::kHardSwishGrad, -3.0f), -0.5f);
  EXPECT_EQ(GradRef(Act::kHardSwishGrad, 3.0f), 1.0f);
  EXPECT_EQ(GradRef(Act::kHardSwishGrad, -1.5f), 0.0f);
  EXPECT_EQ(GradRef(Act::kSigmoidGrad, 0.0f), 0.25f);
  EXPECT_EQ(GradRef(Act::kTanhGrad, 0.0f), 1.0f);
  EXPECT_EQ(GradRef(Act::kGeluGrad, 0.0f), 0.5f);
  EXPECT_EQ(GradRef(Act::kSiluGrad, 0.0f), 0.5f);
  EXPECT_EQ(GradRef(Act::kGeluTanhGrad, 0.0f), 0.5f);
  EXPECT_EQ(GradRef(Act::kGeluSigmoidGrad, 0.0f), 0.5f);
  EXPECT_EQ(GradRef(Act::kMishGrad, 0.0f), static_cast<float>(std::tanh(std::log(2.0))));
  EXPECT_EQ(GradRef(Act::kSoftplusGrad, 0.0f), 0.5f);
  EXPECT_EQ(GradRef(Act::kSoftplusGrad, 25.0f), 1.0f);  // past the threshold: linear
  // dy * f'(x), rounded once: 3 * 1/6 = 1/2 exactly, not 3 * RN(1/6).
  EXPECT_EQ(GradientReference(Act::kHardSigmoidGrad, 1.0f, 3.0f, Params{}).rounded, 0.5f);
  EXPECT_EQ(GradientReference(Act::kSigmoidGrad, 0.0f, -2.0f, Params{}).rounded, -0.5f);
}

// f' against the forward reference: a central difference of f at 200 bits
// (its exact values truncated to double) agrees with f' to the difference's
// own error, at points spread over every activation's range.
TEST(GradientReference, IsTheDerivativeOfTheForwardReference) {
  for (const Activation& g : Activations()) {
    if (!g.backward) continue;
    SCOPED_TRACE(g.name);
    const Params p = DefaultParams(g);
    int checked = 0;
    for (float x = -9.75f; x < 9.8f; x += 0.37f) {
      // Away from kinks (where f' jumps) and from the softplus threshold.
      if (std::fabs(x) < 0.05f || std::fabs(std::fabs(x) - 3.0f) < 0.05f) continue;
      const double h = 1.0 / 1024;  // x +- h are floats: the forward reference takes floats
      const double f1 = Reference(g.forward, static_cast<float>(x + h), p, 0).exact;
      const double f0 = Reference(g.forward, static_cast<float>(x - h), p, 0).exact;
      const double diff = (f1 - f0) / (2 * h);
      const double d = Reference(g.id, x, p, 0).exact;
      // Central differences err by h^2 f'''/6; |f'''| < 2 for all of these here.
      EXPECT_NEAR(d, diff, 1e-6 + 1e-6 * std::fabs(d)) << "x = " << x;
      ++checked;
    }
    EXPECT_GE(checked, 40);
  }
}

// The roots of the derivatives that cross zero: f' changes sign between the
// two floats around each (mpmath: tools/root_taylor.py), and is tiny there.
TEST(GradientReference, RootsAreWhereTheySitAndSignsChangeThere) {
  const std::pair<Act, double> roots[] = {{Act::kSiluGrad, -1.2784645427610737},
                                          {Act::kMishGrad, -1.1924312145154952},
                                          {Act::kGeluTanhGrad, -0.7524614220710163},
                                          {Act::kGeluSigmoidGrad, -1.2784645427610737 / double(1.702f)},
                                          {Act::kGeluGrad, -0.75179152469356446}};
  for (const auto& [act, root] : roots) {
    SCOPED_TRACE(GetActivation(act).name);
    const float near = static_cast<float>(root);
    const float below = near < root ? near : std::nextafter(near, -L::infinity());
    const float above = std::nextafter(below, L::infinity());
    ASSERT_LT(below, root);
    ASSERT_GT(above, root);
    const RefValue lo = Reference(act, below, Params{}), hi = Reference(act, above, Params{});
    EXPECT_LT(lo.exact * hi.exact, 0.0) << "no sign change at " << root;
    EXPECT_LT(std::fabs(lo.exact), 1e-7);
    EXPECT_LT(std::fabs(hi.exact), 1e-7);
  }
}

}  // namespace
}  // namespace actbench
