#include "reports/combine.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "accuracy/chunks.h"
#include "accuracy/error_stats.h"

namespace actbench {

AccuracyResult CombineAccuracy(const AccuracyResult& a, const AccuracyResult& b) {
  for (const BitRange& x : a.coverage)
    for (const BitRange& y : b.coverage)
      if (x.lo <= y.hi && y.lo <= x.hi)
        throw std::invalid_argument("cannot combine accuracy results: their input ranges overlap");
  if (a.also.size() != b.also.size())
    throw std::invalid_argument("cannot combine accuracy results scored against different functions");
  // The lower range first, so that "the first examples" are the same as in
  // one run over both.
  const bool b_first = !b.coverage.empty() && (a.coverage.empty() || b.coverage[0].lo < a.coverage[0].lo);
  const AccuracyResult& lo = b_first ? b : a;
  const AccuracyResult& hi = b_first ? a : b;

  AccuracyResult r = lo;
  CombineErrorStatsInto(r.error, hi.error);
  for (const ErrorStats& e : hi.also) {
    auto it = std::find_if(r.also.begin(), r.also.end(),
                           [&](const ErrorStats& x) { return x.against == e.against; });
    if (it == r.also.end())
      throw std::invalid_argument("cannot combine accuracy results: one is also scored against " +
                                  e.against + ", the other not");
    CombineErrorStatsInto(*it, e);
  }
  r.max_ulp_in_domain = std::max(lo.max_ulp_in_domain, hi.max_ulp_in_domain);
  r.promise_held = lo.promise_held && hi.promise_held;
  r.contract.failures = lo.contract.failures + hi.contract.failures;
  r.contract.pass = r.contract.failures == 0;
  for (const std::string& s : hi.contract.examples)
    if (r.contract.examples.size() < 5) r.contract.examples.push_back(s);
  r.inputs = lo.inputs + hi.inputs;
  std::vector<BitRange> cov = lo.coverage;
  cov.insert(cov.end(), hi.coverage.begin(), hi.coverage.end());
  r.coverage = UnionRanges(cov);
  r.reference_fallbacks = lo.reference_fallbacks + hi.reference_fallbacks;
  // Agreement across targets adds up over ranges swept on the same targets;
  // otherwise nothing is known of the whole.
  r.agreement = TargetAgreement{};
  if (lo.agreement.compared() && lo.agreement.targets == hi.agreement.targets) {
    r.agreement = lo.agreement;
    r.agreement.inputs += hi.agreement.inputs;
    r.agreement.differing += hi.agreement.differing;
  }
  return r;
}

AccuracyResult CombineAccuracy(const AccuracyResult& a, const AccuracyResult& b, double promised_ulp) {
  AccuracyResult r = CombineAccuracy(a, b);
  r.promise_held = r.max_ulp_in_domain <= promised_ulp;
  return r;
}

}  // namespace actbench
