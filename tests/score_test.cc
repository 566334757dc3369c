// The exhaustive sweep's SIMD chunk scorer against its scalar definition:
// bit-identical ErrorStats on every Highway target, on outputs built to hit
// every path (exact, off by a few ULP, huge errors, NaN, infinities, signed
// zeros, references that underflow in double), over several chunks so that
// the worst-ten cut moves between calls.
#include "accuracy/score.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include <gtest/gtest.h>
#include <hwy/targets.h>

#include "accuracy/exhaustive.h"
#include "accuracy/fast_reference.h"
#include "accuracy/ulp.h"

namespace actbench {
namespace {

ErrorStats Empty() {
  ErrorStats s;
  s.histogram.assign(ErrorStats::kHistogramBins, 0);
  s.binade_max_ulp.assign(kBinadeCount, std::numeric_limits<double>::quiet_NaN());
  return s;
}

bool SameDouble(double a, double b) {
  uint64_t x, y;
  std::memcpy(&x, &a, sizeof x);
  std::memcpy(&y, &b, sizeof y);
  return x == y;
}

void ExpectSame(const ErrorStats& a, const ErrorStats& b) {
  EXPECT_EQ(a.count, b.count);
  EXPECT_TRUE(SameDouble(a.max_ulp, b.max_ulp)) << a.max_ulp << " " << b.max_ulp;
  EXPECT_TRUE(SameDouble(a.max_abs_err, b.max_abs_err)) << a.max_abs_err << " " << b.max_abs_err;
  EXPECT_TRUE(SameDouble(a.max_rel_err, b.max_rel_err)) << a.max_rel_err << " " << b.max_rel_err;
  EXPECT_EQ(a.max_ulp_distance, b.max_ulp_distance);
  EXPECT_EQ(a.nan_mismatch, b.nan_mismatch);
  EXPECT_EQ(a.inf_mismatch, b.inf_mismatch);
  EXPECT_EQ(a.finite, b.finite);
  EXPECT_TRUE(a.sum_ulp_q24 == b.sum_ulp_q24) << U128ToString(a.sum_ulp_q24) << " " << U128ToString(b.sum_ulp_q24);
  EXPECT_EQ(a.histogram, b.histogram);
  ASSERT_EQ(a.binade_max_ulp.size(), b.binade_max_ulp.size());
  for (size_t i = 0; i < a.binade_max_ulp.size(); ++i)
    EXPECT_TRUE(SameDouble(a.binade_max_ulp[i], b.binade_max_ulp[i]) ||
                (std::isnan(a.binade_max_ulp[i]) && std::isnan(b.binade_max_ulp[i])))
        << i;
  ASSERT_EQ(a.worst.size(), b.worst.size());
  for (size_t i = 0; i < a.worst.size(); ++i) {
    EXPECT_EQ(FloatBits(a.worst[i].x), FloatBits(b.worst[i].x)) << i;
    EXPECT_EQ(FloatBits(a.worst[i].out), FloatBits(b.worst[i].out)) << i;
    EXPECT_EQ(FloatBits(a.worst[i].expected), FloatBits(b.worst[i].expected)) << i;
    EXPECT_TRUE(SameDouble(a.worst[i].ulp, b.worst[i].ulp)) << i;
  }
}

// Outputs around the correctly rounded value: mostly exact or a few ULP
// off (so many errors tie and the worst list orders by bit pattern), some
// wild, some non-finite.
float Perturb(float r, std::mt19937& rng) {
  const uint32_t k = rng() % 1000;
  if (std::isnan(r)) return k < 900 ? r : (k < 950 ? 1.0f : std::numeric_limits<float>::infinity());
  if (k < 400) return r;
  if (k < 800) {
    const int32_t step = static_cast<int32_t>(rng() % 7) - 3;
    const uint32_t b = FloatBits(r);
    return (b & 0x7fffffffu) >= 0x7f800000u ? r : FloatFromBits(b + static_cast<uint32_t>(step));
  }
  if (k < 850) return -r;                                           // sign error (and -0 for 0)
  if (k < 880) return r * 3.0f + 1e-30f;                            // large error
  if (k < 900) return FloatFromBits(static_cast<uint32_t>(rng()));  // anything, NaN included
  if (k < 920) return std::numeric_limits<float>::quiet_NaN();
  if (k < 940) return std::numeric_limits<float>::infinity();
  if (k < 960) return -std::numeric_limits<float>::infinity();
  if (k < 980) return 0.0f;
  return std::numeric_limits<float>::max();
}

TEST(ScoreChunk, SimdEqualsScalarOnEveryTarget) {
  struct Case {
    Act act;
    uint32_t base;  // a chunk of consecutive patterns (one binade)
    size_t n;
  };
  // Around zero and subnormals, 1, saturation, overflow, NaN/inf inputs;
  // gelu far left: references far below the float range (tiny doubles).
  const Case cases[] = {
      {Act::kSigmoid, 0x00000000u, 4096}, {Act::kSigmoid, 0x3f800000u, 4099}, {Act::kTanh, 0x41100000u, 3000},
      {Act::kGelu, 0xc2100000u, 4096},    {Act::kGelu, 0xc1200000u, 2048},    {Act::kSoftplus, 0x7f7ff000u, 4096},
      {Act::kElu, 0xff800000u, 4096},     {Act::kSilu, 0x80001000u, 4095},    {Act::kMish, 0x42b00000u, 1000},
      {Act::kHardSwish, 0xc0400000u, 4096},
  };
  const std::vector<int64_t> targets = hwy::SupportedAndGeneratedTargets();
  ASSERT_FALSE(targets.empty());
  for (int64_t t : targets) {
    hwy::SetSupportedTargetsForTest(t);
    SCOPED_TRACE(hwy::TargetName(t));
    for (int seed = 0; seed < 3; ++seed) {
      std::mt19937 rng(seed);
      ErrorStats simd = Empty(), scalar = Empty();
      const Range range{-1.0, 2.0};
      for (const Case& c : cases) {
        SCOPED_TRACE(GetActivation(c.act).name);
        const Params p = DefaultParams(GetActivation(c.act));
        std::vector<float> x(c.n), y(c.n);
        RefChunk ref;
        ref.Resize(c.n);
        for (size_t i = 0; i < c.n; ++i) {
          x[i] = FloatFromBits(c.base + static_cast<uint32_t>(i));
          bool fell;
          ref.Set(i, ZivReference(c.act, x[i], p, i, &fell));
          y[i] = Perturb(ref.rounded[i], rng);
        }
        // An underflowing double reference: 1/|exact| is infinite, so the
        // relative error of an exact output is 0 * inf.
        ref.exact[1] = 0x1p-1074;
        ref.rounded[1] = 0.0f;
        ref.inv_ulp[1] = InvUlpOf(ref.exact[1]);
        ref.inv_abs[1] = 1.0 / ref.exact[1];
        y[1] = 0.0f;
        const size_t binade = BinadeIndex(x[0]);
        bool oor_simd = false, oor_scalar = false;
        const double m1 = ScoreChunk(simd, x.data(), y.data(), ref, c.n, binade, range, &oor_simd);
        const double m2 = ScoreChunkScalar(scalar, x.data(), y.data(), ref, c.n, binade, range, &oor_scalar);
        EXPECT_TRUE(SameDouble(m1, m2)) << m1 << " " << m2;
        EXPECT_EQ(oor_simd, oor_scalar);
        ExpectSame(simd, scalar);
      }
      // The stats saw every kind of input.
      EXPECT_GT(scalar.nan_mismatch, 0u);
      EXPECT_GT(scalar.inf_mismatch, 0u);
      EXPECT_EQ(scalar.worst.size(), ErrorStats::kWorstKept);
      for (size_t b = 0; b < ErrorStats::kHistogramBins; ++b) EXPECT_GT(scalar.histogram[b], 0u) << b;
    }
  }
  hwy::SetSupportedTargetsForTest(0);
}

// Accurate outputs (errors <= 1 ULP, no worst-list churn): almost every lane
// takes the fast path, and the range check still sees one output outside.
TEST(ScoreChunk, FastPathAndRangeCheck) {
  const size_t n = 1 << 16;
  const Params p = DefaultParams(GetActivation(Act::kSigmoid));
  std::vector<float> x(n), y(n);
  RefChunk ref;
  ref.Resize(n);
  for (size_t i = 0; i < n; ++i) {
    x[i] = FloatFromBits(0x3f000000u + static_cast<uint32_t>(i));
    bool fell;
    ref.Set(i, ZivReference(Act::kSigmoid, x[i], p, i, &fell));
    y[i] = i % 3 ? ref.rounded[i] : std::nextafter(ref.rounded[i], 2.0f);
  }
  const Range range{0.0, 1.0};
  for (size_t bad : {size_t(0), size_t(12345), n - 1}) {
    ErrorStats a = Empty(), b = Empty();
    const float keep = y[bad];
    y[bad] = 1.5f;
    bool oa = false, ob = false;
    ScoreChunk(a, x.data(), y.data(), ref, n, BinadeIndex(x[0]), range, &oa);
    ScoreChunkScalar(b, x.data(), y.data(), ref, n, BinadeIndex(x[0]), range, &ob);
    EXPECT_TRUE(oa);
    EXPECT_TRUE(ob);
    ExpectSame(a, b);
    y[bad] = keep;
  }
  ErrorStats a = Empty();
  bool oa = false;
  ScoreChunk(a, x.data(), y.data(), ref, n, BinadeIndex(x[0]), range, &oa);
  EXPECT_FALSE(oa);
  EXPECT_EQ(a.count, n);
}

// Every error exactly 1 ULP (relu's reference is exact): the ten worst are
// decided by the bit-pattern tie-break, including when a later chunk holds
// smaller patterns than the list's entries.
TEST(ScoreChunk, TiesAtTheCutKeepTheSmallestPatterns) {
  const Params p = DefaultParams(GetActivation(Act::kRelu));
  ErrorStats a = Empty(), b = Empty();
  for (uint32_t base : {0x40000000u, 0x3f900000u, 0x3f800000u}) {
    const size_t n = 8192;
    std::vector<float> x(n), y(n);
    RefChunk ref;
    ref.Resize(n);
    for (size_t i = 0; i < n; ++i) {
      x[i] = FloatFromBits(base + static_cast<uint32_t>(i));
      bool fell;
      ref.Set(i, ZivReference(Act::kRelu, x[i], p, i, &fell));
      y[i] = std::nextafter(ref.rounded[i], 4.0f);
    }
    const Range range{0.0, 4.0};
    ScoreChunk(a, x.data(), y.data(), ref, n, BinadeIndex(x[0]), range, nullptr);
    ScoreChunkScalar(b, x.data(), y.data(), ref, n, BinadeIndex(x[0]), range, nullptr);
    ExpectSame(a, b);
  }
  ASSERT_EQ(a.worst.size(), ErrorStats::kWorstKept);
  for (size_t i = 0; i < a.worst.size(); ++i) {
    EXPECT_EQ(a.worst[i].ulp, 1.0);
    EXPECT_EQ(FloatBits(a.worst[i].x), 0x3f800000u + i);
  }
}

}  // namespace
}  // namespace actbench

namespace actbench {
namespace {

// A constant chunk (every reference value one, every output one, consecutive
// inputs: saturation) is scored from its first ten inputs: the same stats as
// scoring each input, over several chunks (the worst list filling, then
// cut), with errors of 0, a fraction of an ULP, several ULP, infinite and NaN.
TEST(ScoreChunk, ConstantChunksScoreAsEveryInput) {
  struct Case {
    double exact;
    float rounded, out;
  };
  const Case cases[] = {{1.0, 1.0f, 1.0f},
                        {1 - 0x1p-53, 1.0f, 1.0f},
                        {0.5 - 0x1p-54, 0.5f, 0.5f},
                        {1.0, 1.0f, 0.99999f},
                        {-0.0, -0.0f, 0.0f},
                        {0.0, 0.0f, 1e-30f},
                        {1.0, 1.0f, std::numeric_limits<float>::infinity()},
                        {1.0, 1.0f, std::numeric_limits<float>::quiet_NaN()}};
  const Range range{0.0, 1.0};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.exact);
    ErrorStats fast = Empty(), scalar = Empty();
    bool fast_out = false, scalar_out = false;
    for (uint32_t chunk = 0; chunk < 3; ++chunk) {
      const size_t n = 4000 + 7 * chunk;
      std::vector<float> x(n), y(n, c.out);
      for (size_t i = 0; i < n; ++i) x[i] = FloatFromBits(0x43000000u + chunk * 8192 + static_cast<uint32_t>(i));
      RefChunk ref;
      ref.Resize(n);
      for (size_t i = 0; i < n; ++i) ref.Set(i, {c.exact, c.rounded});
      ref.constant = true;
      const size_t binade = BinadeIndex(x[0]);
      const double mf = ScoreChunk(fast, x.data(), y.data(), ref, n, binade, range, &fast_out);
      ref.constant = false;
      const double ms = ScoreChunkScalar(scalar, x.data(), y.data(), ref, n, binade, range, &scalar_out);
      EXPECT_TRUE(SameDouble(mf, ms)) << mf << " " << ms;
    }
    ExpectSame(fast, scalar);
    EXPECT_EQ(fast_out, scalar_out);
    EXPECT_EQ(fast.count, 3 * 4000u + 21);
  }
}

}  // namespace
}  // namespace actbench
