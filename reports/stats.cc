// Mann-Whitney U. U counts the pairs (a_i, b_j) with a_i > b_j, ties counting
// one half. Under H0 every interleaving of the pooled ranks is equally likely;
// the exact tail P(U >= u) comes from the recurrence on the largest pooled
// value: it belongs to a (probability m/(m+n)), adding n to U, or to b.
#include "reports/stats.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace actbench {
namespace {

std::vector<double> WithoutNan(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
  return v;
}

// P(U = u) for u = 0..m*n under H0, samples of m and n values without ties.
// Row by row over the a-count i, keeping rows i-1 and i (for every b-count j).
std::vector<double> ExactDistribution(size_t m, size_t n) {
  std::vector<std::vector<double>> prev(n + 1), cur(n + 1);
  for (size_t i = 0; i <= m; ++i) {
    for (size_t j = 0; j <= n; ++j) {
      std::vector<double>& d = cur[j];
      d.assign(i * j + 1, 0.0);
      if (i == 0 || j == 0) {
        d[0] = 1;
        continue;
      }
      const double pa = static_cast<double>(i) / static_cast<double>(i + j);
      // The largest pooled value is in a: it beats all j values of b.
      for (size_t u = 0; u < prev[j].size(); ++u) d[u + j] += pa * prev[j][u];
      // It is in b: it beats nothing.
      for (size_t u = 0; u < cur[j - 1].size(); ++u) d[u] += (1 - pa) * cur[j - 1][u];
    }
    std::swap(prev, cur);
  }
  return prev[n];
}

}  // namespace

MannWhitneyResult MannWhitneyGreater(std::vector<double> a, std::vector<double> b, MannWhitneyMethod method) {
  a = WithoutNan(std::move(a));
  b = WithoutNan(std::move(b));
  MannWhitneyResult r;
  const size_t m = a.size(), n = b.size();
  if (m == 0 || n == 0) return r;

  bool ties = false;
  for (double x : a) {
    for (double y : b) {
      if (x > y) {
        r.u += 1;
      } else if (x == y) {
        r.u += 0.5;
        ties = true;
      }
    }
  }
  // Ties inside a sample matter too (they shrink the variance).
  std::vector<double> pooled(a);
  pooled.insert(pooled.end(), b.begin(), b.end());
  std::sort(pooled.begin(), pooled.end());
  double tie_term = 0;  // sum over tie groups of t^3 - t
  for (size_t i = 0; i < pooled.size();) {
    size_t j = i;
    while (j < pooled.size() && pooled[j] == pooled[i]) ++j;
    const double t = static_cast<double>(j - i);
    if (t > 1) ties = true;
    tie_term += t * t * t - t;
    i = j;
  }

  if (method != MannWhitneyMethod::kNormal && !ties && m <= kMannWhitneyExactMax && n <= kMannWhitneyExactMax) {
    const std::vector<double> d = ExactDistribution(m, n);
    double p = 0;
    for (size_t u = static_cast<size_t>(r.u); u < d.size(); ++u) p += d[u];
    r.p = std::min(1.0, p);
    r.exact = true;
    return r;
  }

  const double md = static_cast<double>(m), nd = static_cast<double>(n), total = md + nd;
  const double mean = md * nd / 2;
  const double var = md * nd / 12 * ((total + 1) - tie_term / (total * (total - 1)));
  if (!(var > 0)) {
    r.p = 1;
    return r;
  }
  const double z = (r.u - mean - 0.5) / std::sqrt(var);
  r.p = std::min(1.0, 0.5 * std::erfc(z / std::sqrt(2.0)));
  return r;
}

}  // namespace actbench
