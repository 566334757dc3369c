// Deterministic accuracy: the same build on the same machine gives
// byte-identical accuracy results from run to run and whatever the number of
// threads computing the references (ReferenceCache threads: 1 and 2).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "accuracy/inputs.h"
#include "accuracy/sweep.h"
#include "impls/variant.h"
#include "reports/report.h"

namespace actbench {
namespace {

// The rows part of a report (no machine, no timings) for every runnable
// variant x target, references computed on `threads` threads.
std::string AccuracyJson(unsigned threads) {
  std::vector<const Variant*> vs;
  for (const Variant& v : Variants()) vs.push_back(&v);
  ReferenceCache refs(SampledInputs(SampleOptions::Quick()), threads);
  Report r;
  for (const VariantTarget& vt : RunnableTargets(vs)) {
    ReportRow row = MakeRow(vt);
    row.accuracy = EvaluateAccuracy(vt, DefaultParams(GetActivation(vt.variant->activation)), refs);
    r.rows.push_back(std::move(row));
  }
  return ToJson(r)["rows"].dump(1);
}

TEST(Deterministic, SameAccuracyJsonAcrossRunsAndThreadCounts) {
  const std::string one = AccuracyJson(1), two = AccuracyJson(2), two_again = AccuracyJson(2);
  EXPECT_GT(one.size(), 10000u);
  // EXPECT_TRUE, not EXPECT_EQ: the documents are megabytes.
  EXPECT_TRUE(one == two) << "1 thread and 2 threads give different accuracy results";
  EXPECT_TRUE(two == two_again) << "two runs give different accuracy results";
}

}  // namespace
}  // namespace actbench
