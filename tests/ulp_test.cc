#include "accuracy/ulp.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

namespace actbench {
namespace {

using L = std::numeric_limits<float>;

TEST(UlpOf, FollowsTheBinadeOfTheExactValue) {
  EXPECT_EQ(UlpOf(1.0), 0x1p-23);
  EXPECT_EQ(UlpOf(1.9999999), 0x1p-23);
  EXPECT_EQ(UlpOf(0.99999999), 0x1p-24);  // just below 1: the smaller binade
  EXPECT_EQ(UlpOf(-3.0), 0x1p-22);
  EXPECT_EQ(UlpOf(0x1p-126), 0x1p-149);   // smallest normal
  EXPECT_EQ(UlpOf(0x1p-127), 0x1p-149);   // subnormal range: fixed spacing
  EXPECT_EQ(UlpOf(0.0), 0x1p-149);
  EXPECT_EQ(UlpOf(L::max()), 0x1p104);
  EXPECT_EQ(UlpOf(1e300), 0x1p104);       // beyond float: the last binade's spacing
}

TEST(UlpError, IsRealValuedAgainstTheExactValue) {
  // Exact value halfway between 1 and the next float: either neighbour is 0.5 ULP off.
  EXPECT_DOUBLE_EQ(UlpError(1.0f, 1.0 + 0x1p-24, 1.0f), 0.5);
  EXPECT_DOUBLE_EQ(UlpError(std::nextafter(1.0f, 2.0f), 1.0 + 0x1p-24, 1.0f), 0.5);
  // Just below 2 the unit is that of the [1, 2) binade, 2^-23, not 2^-22.
  EXPECT_NEAR(UlpError(2.0f - 3 * 0x1p-23f, 2.0 - 0x1p-52, 2.0f), 3.0, 1e-6);
  // Subnormal results use 2^-149 as the unit.
  EXPECT_DOUBLE_EQ(UlpError(2 * L::denorm_min(), 2.5 * 0x1p-149, 2 * L::denorm_min()), 0.5);
  EXPECT_DOUBLE_EQ(UlpError(0.0f, 3 * 0x1p-149, 3 * L::denorm_min()), 3.0);
}

TEST(UlpError, RulesForNanInfinityAndZeros) {
  const float nan = L::quiet_NaN(), inf = L::infinity();
  EXPECT_EQ(UlpError(nan, std::nan(""), nan), 0.0);
  EXPECT_TRUE(std::isinf(UlpError(0.0f, std::nan(""), nan)));
  EXPECT_TRUE(std::isinf(UlpError(nan, 1.0, 1.0f)));
  EXPECT_EQ(UlpError(inf, HUGE_VAL, inf), 0.0);
  EXPECT_TRUE(std::isinf(UlpError(L::max(), HUGE_VAL, inf)));
  EXPECT_TRUE(std::isinf(UlpError(inf, 1.0, 1.0f)));
  EXPECT_TRUE(std::isinf(UlpError(-inf, HUGE_VAL, inf)));
  EXPECT_EQ(UlpError(-0.0f, 0.0, 0.0f), 0.0);
  EXPECT_EQ(UlpError(0.0f, -0.0, -0.0f), 0.0);
}

TEST(UlpDistance, CountsFloatsBetween) {
  EXPECT_EQ(UlpDistance(1.0f, 1.0f), 0);
  EXPECT_EQ(UlpDistance(1.0f, std::nextafter(1.0f, 2.0f)), 1);
  EXPECT_EQ(UlpDistance(std::nextafter(1.0f, 0.0f), std::nextafter(1.0f, 2.0f)), 2);
  EXPECT_EQ(UlpDistance(0.0f, -0.0f), 0);
  EXPECT_EQ(UlpDistance(L::denorm_min(), -L::denorm_min()), 2);
  EXPECT_EQ(UlpDistance(L::max(), L::infinity()), 1);
  EXPECT_EQ(UlpDistance(-1.0f, 1.0f), 2 * OrderedBits(1.0f));
  EXPECT_EQ(UlpDistance(L::quiet_NaN(), L::quiet_NaN()), 0);
  EXPECT_EQ(UlpDistance(L::quiet_NaN(), 1.0f), INT64_MAX);
}

}  // namespace
}  // namespace actbench
