#include "accuracy/error_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "accuracy/ulp.h"

namespace actbench {

size_t HistogramBin(double ulp) {
  return size_t(ulp > 0) + size_t(ulp > 0.5) + size_t(ulp > 1) + size_t(ulp > 2) + size_t(ulp > 4) +
         size_t(ulp > 16) + size_t(ulp > 256);
}

unsigned __int128 QuantizeUlp(double ulp) {
  if (ulp < 0x1p39) return static_cast<uint64_t>(ulp * 0x1p24 + 0.5);
  if (ulp >= 0x1p64) return static_cast<unsigned __int128>(1) << 88;
  return static_cast<unsigned __int128>(static_cast<uint64_t>(ulp)) << 24;
}

double MeanFromSums(const ErrorStats& s) {
  if (s.finite == 0) return 0.0;
  return static_cast<double>(static_cast<long double>(s.sum_ulp_q24) / 0x1p24L /
                             static_cast<long double>(s.finite));
}

std::string U128ToString(unsigned __int128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v) {
    s.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return {s.rbegin(), s.rend()};
}

bool U128FromString(const std::string& s, unsigned __int128* v) {
  if (s.empty() || s.size() > 39) return false;
  unsigned __int128 r = 0;
  const unsigned __int128 max = ~static_cast<unsigned __int128>(0);
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    const unsigned d = static_cast<unsigned>(c - '0');
    if (r > (max - d) / 10) return false;
    r = r * 10 + d;
  }
  *v = r;
  return true;
}

bool RanksWorse(const WorstInput& a, const WorstInput& b) {
  if (a.ulp != b.ulp) return a.ulp > b.ulp;
  return FloatBits(a.x) < FloatBits(b.x);
}

void KeepWorst(std::vector<WorstInput>& worst, const WorstInput& w) {
  if (worst.size() == ErrorStats::kWorstKept && !RanksWorse(w, worst.back())) return;
  worst.insert(std::upper_bound(worst.begin(), worst.end(), w, RanksWorse), w);
  if (worst.size() > ErrorStats::kWorstKept) worst.pop_back();
}

ErrorStats EmptyErrorStats(const std::string& against) {
  ErrorStats s;
  s.against = against;
  s.histogram.assign(ErrorStats::kHistogramBins, 0);
  s.binade_max_ulp.assign(kBinadeCount, std::numeric_limits<double>::quiet_NaN());
  return s;
}

void CombineErrorStatsInto(ErrorStats& into, const ErrorStats& from) {
  into.count += from.count;
  into.max_ulp = std::max(into.max_ulp, from.max_ulp);
  into.max_ulp_distance = std::max(into.max_ulp_distance, from.max_ulp_distance);
  into.max_abs_err = std::max(into.max_abs_err, from.max_abs_err);
  into.max_rel_err = std::max(into.max_rel_err, from.max_rel_err);
  into.above_0_5 += from.above_0_5;
  into.above_1 += from.above_1;
  into.above_2 += from.above_2;
  into.above_4 += from.above_4;
  into.nan_mismatch += from.nan_mismatch;
  into.inf_mismatch += from.inf_mismatch;
  for (const WorstInput& w : from.worst) KeepWorst(into.worst, w);
  if (into.binade_max_ulp.empty()) {
    into.binade_max_ulp = from.binade_max_ulp;
  } else if (from.binade_max_ulp.size() == into.binade_max_ulp.size()) {
    for (size_t b = 0; b < into.binade_max_ulp.size(); ++b) {
      const double f = from.binade_max_ulp[b];
      double& m = into.binade_max_ulp[b];
      if (!std::isnan(f) && (std::isnan(m) || f > m)) m = f;
    }
  }
  if (into.histogram.size() == from.histogram.size()) {
    for (size_t b = 0; b < into.histogram.size(); ++b) into.histogram[b] += from.histogram[b];
  } else {
    into.histogram.clear();  // one side lacks it: unknown
  }
  into.finite += from.finite;
  into.sum_ulp_q24 += from.sum_ulp_q24;
  into.mean_ulp = MeanFromSums(into);
}

void FinishErrorStats(ErrorStats& s) {
  s.mean_ulp = MeanFromSums(s);
  s.above_0_5 = s.above_1 = s.above_2 = s.above_4 = 0;
  for (size_t b = 2; b < s.histogram.size(); ++b) s.above_0_5 += s.histogram[b];
  for (size_t b = 3; b < s.histogram.size(); ++b) s.above_1 += s.histogram[b];
  for (size_t b = 4; b < s.histogram.size(); ++b) s.above_2 += s.histogram[b];
  for (size_t b = 5; b < s.histogram.size(); ++b) s.above_4 += s.histogram[b];
}

}  // namespace actbench
