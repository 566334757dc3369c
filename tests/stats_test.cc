// Tests of the one-sided Mann-Whitney U test against cases worked by hand,
// published values and brute-force enumeration of the null distribution.
#include "reports/stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace actbench {
namespace {

TEST(MannWhitney, CompletelySeparatedSamples) {
  // a above b in all 9 pairs: one arrangement of C(6,3) = 20 gives U = 9.
  MannWhitneyResult r = MannWhitneyGreater({4, 5, 6}, {1, 2, 3});
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.u, 9);
  EXPECT_NEAR(r.p, 1.0 / 20, 1e-15);
  // The other direction: every arrangement has U >= 0.
  r = MannWhitneyGreater({1, 2, 3}, {4, 5, 6});
  EXPECT_EQ(r.u, 0);
  EXPECT_NEAR(r.p, 1.0, 1e-15);
  // 5 against 5: 1 / C(10,5) = 1/252.
  r = MannWhitneyGreater({10, 11, 12, 13, 14}, {1, 2, 3, 4, 5});
  EXPECT_NEAR(r.p, 1.0 / 252, 1e-15);
  // Single values can never be significant: P(U >= 1) with m = n = 1 is 1/2.
  r = MannWhitneyGreater({2}, {1});
  EXPECT_NEAR(r.p, 0.5, 1e-15);
}

TEST(MannWhitney, SmallExactCaseByHand) {
  // m = 2, n = 1: b's rank among three is uniform, U = 0, 1, 2 each with
  // probability 1/3. {1, 3} vs {2}: U = 1, P(U >= 1) = 2/3.
  const MannWhitneyResult r = MannWhitneyGreater({1, 3}, {2});
  EXPECT_EQ(r.u, 1);
  EXPECT_NEAR(r.p, 2.0 / 3, 1e-15);
}

TEST(MannWhitney, ScipyDocumentationExample) {
  // scipy.stats.mannwhitneyu docs: males vs females, U1 = 17; exact two-sided
  // p = 0.1111 (14/126), so one-sided 7/126; asymptotic two-sided
  // p = 0.11134688653314041, so one-sided half of it.
  const std::vector<double> males = {19, 22, 16, 29, 24}, females = {20, 11, 17, 12};
  MannWhitneyResult r = MannWhitneyGreater(males, females);
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.u, 17);
  EXPECT_NEAR(r.p, 7.0 / 126, 1e-12);
  r = MannWhitneyGreater(males, females, MannWhitneyMethod::kNormal);
  EXPECT_FALSE(r.exact);
  EXPECT_NEAR(r.p, 0.11134688653314041 / 2, 1e-12);
}

TEST(MannWhitney, TiesUseTheCorrectedNormalApproximation) {
  // U = 3.5 + 2 * 4.5 + 5 + 2 * 5 = 27.5; tie groups 2 (x2), 3 (x2), 4 (x3),
  // 6 (x2): sum t^3 - t = 42; var = 30/12 (12 - 42/110) = 29.0454...;
  // z = (27.5 - 15 - 0.5) / sqrt(var) = 2.2266; p = 1 - Phi(z).
  const MannWhitneyResult r = MannWhitneyGreater({3, 4, 4, 5, 6, 6}, {1, 2, 2, 3, 4});
  EXPECT_FALSE(r.exact);
  EXPECT_EQ(r.u, 27.5);
  EXPECT_NEAR(r.p, 0.012987017603125246, 1e-12);
  // Every value tied: no evidence either way.
  EXPECT_EQ(MannWhitneyGreater({5, 5, 5}, {5, 5}).p, 1.0);
}

TEST(MannWhitney, EmptyOrNanSamplesGiveNoEvidence) {
  EXPECT_EQ(MannWhitneyGreater({}, {1, 2}).p, 1.0);
  EXPECT_EQ(MannWhitneyGreater({1, 2}, {}).p, 1.0);
  const double nan = std::nan("");
  const MannWhitneyResult r = MannWhitneyGreater({4, nan, 5, 6}, {1, 2, nan, 3});
  EXPECT_EQ(r.u, 9);
  EXPECT_NEAR(r.p, 1.0 / 20, 1e-15);
}

// The exact tail against enumerating every way to split the pooled ranks.
TEST(MannWhitney, ExactTailMatchesBruteForceEnumeration) {
  std::mt19937 rng(42);
  for (size_t m = 1; m <= 6; ++m) {
    for (size_t n = 1; n <= 6; ++n) {
      std::vector<double> pool(m + n);
      std::iota(pool.begin(), pool.end(), 0.0);
      std::shuffle(pool.begin(), pool.end(), rng);
      const std::vector<double> a(pool.begin(), pool.begin() + static_cast<long>(m));
      const std::vector<double> b(pool.begin() + static_cast<long>(m), pool.end());
      const MannWhitneyResult r = MannWhitneyGreater(a, b);
      ASSERT_TRUE(r.exact);
      // Every subset of m ranks out of m + n, equally likely.
      size_t total = 0, at_least = 0;
      std::vector<bool> pick(m + n, false);
      std::fill(pick.begin(), pick.begin() + static_cast<long>(m), true);
      std::sort(pick.begin(), pick.end());
      do {
        double u = 0;
        for (size_t i = 0; i < m + n; ++i)
          for (size_t j = 0; j < m + n; ++j) u += pick[i] && !pick[j] && i > j;
        ++total;
        at_least += u >= r.u;
      } while (std::next_permutation(pick.begin(), pick.end()));
      EXPECT_NEAR(r.p, static_cast<double>(at_least) / static_cast<double>(total), 1e-12)
          << "m=" << m << " n=" << n << " U=" << r.u;
    }
  }
}

TEST(MannWhitney, LargeSamplesStayFastAndAgreeWithTheApproximation) {
  std::vector<double> a, b;
  for (int i = 0; i < 50; ++i) {
    a.push_back(100 + i * 1.01);
    b.push_back(90 + i * 1.003);
  }
  const MannWhitneyResult exact = MannWhitneyGreater(a, b);
  const MannWhitneyResult normal = MannWhitneyGreater(a, b, MannWhitneyMethod::kNormal);
  ASSERT_TRUE(exact.exact);
  EXPECT_LT(exact.p, 0.05);
  EXPECT_NEAR(exact.p, normal.p, 0.01);
}

}  // namespace
}  // namespace actbench
