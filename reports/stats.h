// Significance tests for comparing timings: the one-sided Mann-Whitney U test.
#pragma once

#include <cstddef>
#include <vector>

namespace actbench {

struct MannWhitneyResult {
  double u = 0;        // U of the first sample: pairs (a_i > b_j) + half the ties
  double p = 1;        // one-sided p-value for "a tends to be greater than b"
  bool exact = false;  // exact distribution (no ties, small samples) or normal approximation
};

// One-sided Mann-Whitney U test of H1 "values in a tend to be greater than
// values in b" against H0 "same distribution". Exact null distribution when
// there are no ties and both samples have at most kMannWhitneyExactMax values;
// otherwise the normal approximation with tie correction and continuity
// correction (as scipy.stats.mannwhitneyu, method "asymptotic"). p = 1 when a
// sample is empty or every value is tied. NaN values are dropped.
enum class MannWhitneyMethod { kAuto, kExact, kNormal };
// kExact with ties or more than kMannWhitneyExactMax values falls back to kNormal.
MannWhitneyResult MannWhitneyGreater(std::vector<double> a, std::vector<double> b,
                                     MannWhitneyMethod method = MannWhitneyMethod::kAuto);

inline constexpr size_t kMannWhitneyExactMax = 50;

}  // namespace actbench
