// Tests of what reads a report and decides or writes: per-binade errors and
// their JSON, pick, compare, merge, CSV and the Markdown summary.
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "accuracy/exhaustive.h"
#include "accuracy/sweep.h"
#include "decide_fixtures.h"
#include "reports/compare.h"
#include "reports/csv.h"
#include "reports/markdown.h"
#include "reports/merge.h"
#include "reports/pick.h"
#include "reports/report.h"

namespace actbench {
namespace {

using nlohmann::json;
using testing::FixtureMachine;
using testing::FixtureReport;
using testing::FixtureRow;

constexpr double kInf = std::numeric_limits<double>::infinity();

Report RoundTrip(const Report& r) { return ReportFromJson(json::parse(ToJson(r).dump())); }

// ---------------------------------------------------------------------------
// Binades

TEST(Binades, IndexFollowsTheRealLine) {
  const float xs[] = {-std::numeric_limits<float>::infinity(), -1e30f, -0x1p40f, -3.0f, -2.0f, -1.5f, -1.0f,
                      -0.75f, -0x1p-39f, -0x1p-41f, -0.0f, 0.0f, 0x1p-41f, 0x1p-39f, 0.75f, 1.0f, 1.5f,
                      2.0f, 3.0f, 0x1p40f, 1e30f, std::numeric_limits<float>::infinity()};
  size_t prev = 0;
  for (size_t i = 0; i < sizeof xs / sizeof xs[0]; ++i) {
    const size_t b = BinadeIndex(xs[i]);
    ASSERT_LT(b, kBinadeCount) << xs[i];
    if (i > 0) {
      EXPECT_GE(b, prev) << xs[i];
    }
    prev = b;
  }
  EXPECT_EQ(BinadeIndex(-std::numeric_limits<float>::infinity()), 0u);
  EXPECT_EQ(BinadeIndex(std::numeric_limits<float>::infinity()), kBinadeCount - 1);
  EXPECT_EQ(BinadeIndex(std::nanf("")), kBinadeCount);
  // One binade per power of two, sign kept, zeros and tiny values together.
  EXPECT_EQ(BinadeIndex(1.0f), BinadeIndex(1.999f));
  EXPECT_EQ(BinadeIndex(2.0f), BinadeIndex(1.0f) + 1);
  EXPECT_NE(BinadeIndex(-1.0f), BinadeIndex(1.0f));
  EXPECT_EQ(BinadeIndex(0.0f), BinadeIndex(std::numeric_limits<float>::denorm_min()));
  EXPECT_EQ(BinadeIndex(-0.0f), BinadeIndex(-0x1p-100f));
  EXPECT_EQ(BinadeIndex(-0.0f) + 1, BinadeIndex(0.0f));
  for (size_t i = 0; i < kBinadeCount; ++i) {
    const int e = BinadeExponent(i);
    const float x = (BinadeNegative(i) ? -1.0f : 1.0f) * std::ldexp(1.0f, e);
    EXPECT_EQ(BinadeIndex(x), i) << i;
  }
}

TEST(Binades, ScoreOutputsKeepsTheMaxPerBinade) {
  // Reference: the inputs themselves; outputs off by a known number of ULP.
  const std::vector<float> in = {1.0f, 1.5f, -4.0f, 100.0f, std::nanf("")};
  std::vector<float> out = in;
  out[0] = std::nextafter(1.0f, 2.0f);                      // 1 ULP
  out[1] = std::nextafter(std::nextafter(1.5f, 2.0f), 2.0f);  // 2 ULP, same binade
  std::vector<RefValue> ref;
  for (float x : in) ref.push_back({static_cast<double>(x), x});
  const ErrorStats s = ScoreOutputs("id", in, out, ref);
  ASSERT_EQ(s.binade_max_ulp.size(), kBinadeCount);
  EXPECT_EQ(s.binade_max_ulp[BinadeIndex(1.0f)], 2.0);
  EXPECT_EQ(s.binade_max_ulp[BinadeIndex(-4.0f)], 0.0);
  EXPECT_EQ(s.binade_max_ulp[BinadeIndex(100.0f)], 0.0);
  size_t filled = 0;
  for (double b : s.binade_max_ulp) filled += !std::isnan(b);
  EXPECT_EQ(filled, 3u);  // the NaN input falls in none
}

TEST(Binades, RoundTripThroughJsonAndOldReportsStillRead) {
  Report r = FixtureReport();
  r.rows[1].accuracy->error.binade_max_ulp[3] = kInf;
  const Report back = RoundTrip(r);
  const std::vector<double>& a = r.rows[1].accuracy->error.binade_max_ulp;
  const std::vector<double>& b = back.rows[1].accuracy->error.binade_max_ulp;
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i])) {
      EXPECT_TRUE(std::isnan(b[i])) << i;
    } else {
      EXPECT_EQ(a[i], b[i]) << i;
    }
  }
  const json j = ToJson(r);
  const json& bins = j["rows"][1]["accuracy"]["error"]["binades"];
  EXPECT_EQ(bins["max_ulp"].size(), kBinadeCount);
  EXPECT_TRUE(bins["max_ulp"][0].is_null());
  EXPECT_EQ(bins["max_ulp"][3], "inf");
  // A report written before binades existed reads, with none.
  json old = j;
  for (json& row : old["rows"]) row["accuracy"]["error"].erase("binades");
  const Report o = ReportFromJson(old);
  EXPECT_TRUE(o.rows[1].accuracy->error.binade_max_ulp.empty());
  // A wrong length is an error naming the field.
  json bad = j;
  bad["rows"][1]["accuracy"]["error"]["binades"]["max_ulp"].erase(0);
  try {
    ReportFromJson(bad);
    ADD_FAILURE() << "did not throw";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("rows[1].accuracy.error.binades.max_ulp: ", 0), 0u) << e.what();
  }
}

// ---------------------------------------------------------------------------
// Pick

TEST(Pick, FastestWithinTheBudget) {
  const Report r = FixtureReport();
  PickRules rules;
  rules.max_ulp = 2;
  EXPECT_EQ(FastestWithin(r, "sigmoid", rules)->label(), "sigmoid/rr2-p7-div@AVX3");
  rules.max_ulp = 4;
  EXPECT_EQ(FastestWithin(r, "sigmoid", rules)->label(), "sigmoid/rr1-p6-nr1@AVX3");
  rules.max_ulp = 1;
  EXPECT_EQ(FastestWithin(r, "sigmoid", rules)->label(), "sigmoid/f64@baseline");
  rules.max_ulp = 0.25;
  EXPECT_EQ(FastestWithin(r, "sigmoid", rules), nullptr);
  // A target restricts the SIMD rows; baseline code runs anywhere.
  rules.max_ulp = 4;
  rules.target = "AVX2";
  EXPECT_EQ(FastestWithin(r, "sigmoid", rules)->label(), "sigmoid/rr1-p6-nr1@AVX2");
  rules.target = "SSE4";
  EXPECT_EQ(FastestWithin(r, "sigmoid", rules)->label(), "sigmoid/f64@baseline");
}

TEST(Pick, BrokenPromisesAndContractsNeverQualify) {
  Report r = FixtureReport();
  PickRules rules;
  rules.max_ulp = kInf;  // any error
  // The textbook sigmoid is fast-ish but fails its contract.
  for (ReportRow& row : r.rows)
    if (row.variant != "textbook") row.bench.clear();
  EXPECT_EQ(FastestWithin(r, "sigmoid", rules), nullptr);
  r = FixtureReport();
  r.rows[3].accuracy->promise_held = false;  // rr1-p6-nr1@AVX3, the fastest within 4 ULP
  rules.max_ulp = 4;
  EXPECT_EQ(FastestWithin(r, "sigmoid", rules)->label(), "sigmoid/rr2-p7-div@AVX3");
  rules.require_promise = false;
  EXPECT_EQ(FastestWithin(r, "sigmoid", rules)->label(), "sigmoid/rr1-p6-nr1@AVX3");
}

TEST(Pick, ApproximationsAreJudgedAgainstTheirActivation) {
  // tanh-form is 3 ULP from gelu_tanh but 900 from gelu: under gelu it does
  // not meet a 4 ULP budget.
  const Report r = FixtureReport();
  PickRules rules;
  rules.max_ulp = 4;
  EXPECT_EQ(FastestWithin(r, "gelu", rules)->label(), "gelu/erf-f64@baseline");
  rules.max_ulp = 1000;
  EXPECT_EQ(FastestWithin(r, "gelu", rules)->label(), "gelu/tanh-form@AVX3");
}

TEST(Pick, UnknownActivationOrTargetIsAnError) {
  const Report r = FixtureReport();
  PickRules rules;
  EXPECT_THROW(PickFastest(r, {"tanh"}, rules), std::runtime_error);
  rules.target = "NEON";
  EXPECT_THROW(PickFastest(r, {}, rules), std::runtime_error);
  rules.target = "";
  const std::vector<Pick> picks = PickFastest(r, {}, rules);
  ASSERT_EQ(picks.size(), 2u);
  EXPECT_EQ(picks[0].activation, "sigmoid");
  EXPECT_EQ(picks[1].activation, "gelu");
}

TEST(Pick, HeaderNamesEachChoice) {
  const Report r = FixtureReport();
  PickRules rules;
  rules.max_ulp = 2;
  const std::string h = RenderPickHeader(r, PickFastest(r, {}, rules), rules);
  EXPECT_NE(h.find("#pragma once"), std::string::npos);
  EXPECT_NE(h.find("constexpr const char* kActbenchSigmoid = \"sigmoid/rr2-p7-div@AVX3\";"), std::string::npos)
      << h;
  EXPECT_NE(h.find("constexpr const char* kActbenchGelu = \"gelu/erf-f64@baseline\";"), std::string::npos) << h;
  EXPECT_NE(h.find("Test CPU A"), std::string::npos);
  EXPECT_NE(h.find("0123456789abcdef"), std::string::npos);
  EXPECT_NE(h.find("2026-11-22T10:52:04Z"), std::string::npos);
  EXPECT_EQ(HeaderConstantName("gelu_tanh"), "kActbenchGeluTanh");
  EXPECT_EQ(HeaderConstantName("hard_swish"), "kActbenchHardSwish");
  // Nothing within budget: a comment, no constant.
  rules.max_ulp = 0.1;
  const std::string none = RenderPickHeader(r, PickFastest(r, {"sigmoid"}, rules), rules);
  EXPECT_EQ(none.find("kActbenchSigmoid"), std::string::npos);
  EXPECT_NE(none.find("sigmoid: no variant meets the budget"), std::string::npos);
  const json j = PickJson(r, PickFastest(r, {"sigmoid"}, rules), rules);
  EXPECT_TRUE(j["picks"][0]["choice"].is_null());
}

// ---------------------------------------------------------------------------
// Compare

TEST(Compare, IdenticalReportsAreClean) {
  const Report r = FixtureReport();
  const Comparison c = CompareReports(r, r, {});
  EXPECT_FALSE(c.regression());
  EXPECT_EQ(c.rows_compared, r.rows.size());
  EXPECT_EQ(c.accuracy.size(), r.rows.size());
  EXPECT_TRUE(c.speed_compared);
}

// A row whose bits depend on a vendor-defined estimate (rcpps) is held to its
// promise only when BASE comes from another CPU, and is named with the reason;
// every other row is compared with BASE as before. On the same CPU it is
// compared with BASE too.
TEST(Compare, EstimateRowsFromAnotherCpuAreHeldToTheirPromiseOnly) {
  const Report base = FixtureReport("host-a", "Intel Xeon");
  Report now = FixtureReport("host-b", "AMD EPYC");
  now.rows[4].estimate = "rcpps";                // sigmoid/rr1-p6-nr1@AVX2
  now.rows[4].accuracy->error.max_ulp = 4.5;     // rose from 3.5, promise 5 held
  now.rows[2].accuracy->error.max_ulp = 1.75;    // a portable row that rose: still a failure
  Comparison c = CompareReports(base, now, {});
  EXPECT_EQ(c.accuracy_failures(), 1u);
  ASSERT_EQ(c.not_against_base.size(), 1u);
  EXPECT_EQ(c.not_against_base[0].row, now.rows[4].label());
  EXPECT_NE(c.not_against_base[0].reason.find("rcpps"), std::string::npos);
  const std::string md = RenderComparisonMarkdown(c, base, now, "base.json", "new.json");
  EXPECT_NE(md.find("(1 rows"), std::string::npos) << md;
  EXPECT_NE(md.find(now.rows[4].label()), std::string::npos) << md;
  // Its promise still binds.
  now.rows[4].accuracy->promise_held = false;
  now.rows[4].accuracy->max_ulp_in_domain = 6;
  c = CompareReports(base, now, {});
  EXPECT_EQ(c.accuracy_failures(), 2u);
  // Same CPU: compared with BASE.
  Report same = base;
  same.rows[4].estimate = "rcpps";
  same.rows[4].accuracy->error.max_ulp = 4.5;
  c = CompareReports(base, same, {});
  EXPECT_TRUE(c.not_against_base.empty());
  EXPECT_EQ(c.accuracy_failures(), 1u);
}

// A row without a promise breaks none and shows "none".
TEST(Compare, RowsWithoutAPromiseShowNone) {
  const Report base = FixtureReport();
  Report now = base;
  now.rows[3].promise.promised = false;
  const Comparison c = CompareReports(base, now, {});
  EXPECT_FALSE(c.regression());
  now.rows[3].accuracy->error.max_ulp = 4.5;  // a rise above BASE is still a rise
  const Comparison rose = CompareReports(base, now, {});
  EXPECT_EQ(rose.accuracy_failures(), 1u);
  const std::string md = RenderComparisonMarkdown(rose, base, now, "b", "n");
  EXPECT_NE(md.find("| none |"), std::string::npos) << md;
}

TEST(Compare, AccuracyAboveBaselineOrPromiseFails) {
  const Report base = FixtureReport();
  Report now = base;
  now.rows[1].accuracy->error.max_ulp = 1.75;  // rose by 0.25, promise 2 still held
  Comparison c = CompareReports(base, now, {});
  EXPECT_TRUE(c.regression());
  EXPECT_EQ(c.accuracy_failures(), 1u);
  CompareOptions tolerant;
  tolerant.tolerance_ulp = 0.5;
  EXPECT_FALSE(CompareReports(base, now, tolerant).regression());
  // Above its promise fails whatever the tolerance.
  now.rows[1].accuracy->promise_held = false;
  now.rows[1].accuracy->max_ulp_in_domain = 2.5;
  c = CompareReports(base, now, tolerant);
  ASSERT_EQ(c.accuracy_failures(), 1u);
  for (const AccuracyChange& a : c.accuracy)
    if (a.failed) {
      EXPECT_NE(a.reason.find("promise"), std::string::npos) << a.reason;
    }
  // Finite to infinite is a rise.
  now = base;
  now.rows[2].accuracy->error.max_ulp = kInf;
  EXPECT_EQ(CompareReports(base, now, tolerant).accuracy_failures(), 1u);
  // A promise or contract BASE already broke is no new failure.
  Report broken = base;
  broken.rows[5].accuracy->promise_held = false;  // textbook, contract failed too
  now = broken;
  EXPECT_FALSE(CompareReports(broken, now, {}).regression());
  now.rows[1].accuracy->contract = {false, 1, {"x"}};
  EXPECT_EQ(CompareReports(broken, now, {}).accuracy_failures(), 1u);
  // Better accuracy is fine.
  now = base;
  now.rows[2].accuracy->error.max_ulp = 0.5;
  EXPECT_FALSE(CompareReports(base, now, {}).regression());
}

TEST(Compare, SlowdownNeedsEffectAndSignificance) {
  Report base = FixtureReport(), now = FixtureReport();
  base.rows = {FixtureRow("sigmoid", "rr2-p7-div", "AVX3", 1.5, 2, 4.0, 10)};
  now.rows = {FixtureRow("sigmoid", "rr2-p7-div", "AVX3", 1.5, 2, 3.0, 10)};  // 25% slower, 10 reps
  Comparison c = CompareReports(base, now, {});
  ASSERT_EQ(c.speed.size(), 1u);
  EXPECT_TRUE(c.speed[0].regressed);
  EXPECT_NEAR(c.speed[0].change, -0.25, 1e-3);
  EXPECT_LT(c.speed[0].p, 1e-4);
  // 5% slower: significant but below the minimum effect.
  now.rows = {FixtureRow("sigmoid", "rr2-p7-div", "AVX3", 1.5, 2, 3.8, 10)};
  c = CompareReports(base, now, {});
  EXPECT_FALSE(c.regression());
  // 25% slower on one repetition each: never significant.
  base.rows = {FixtureRow("sigmoid", "rr2-p7-div", "AVX3", 1.5, 2, 4.0, 1)};
  now.rows = {FixtureRow("sigmoid", "rr2-p7-div", "AVX3", 1.5, 2, 3.0, 1)};
  c = CompareReports(base, now, {});
  EXPECT_FALSE(c.regression());
  EXPECT_FALSE(c.notes.empty());
  // Faster is never a regression.
  base.rows = {FixtureRow("sigmoid", "rr2-p7-div", "AVX3", 1.5, 2, 3.0, 10)};
  now.rows = {FixtureRow("sigmoid", "rr2-p7-div", "AVX3", 1.5, 2, 4.0, 10)};
  EXPECT_FALSE(CompareReports(base, now, {}).regression());
}

TEST(Compare, SpeedOnlyOnTheSameCpu) {
  Report base = FixtureReport(), now = FixtureReport("host-b", "Other CPU");
  base.rows = {FixtureRow("sigmoid", "rr2-p7-div", "AVX3", 1.5, 2, 4.0, 10)};
  now.rows = {FixtureRow("sigmoid", "rr2-p7-div", "AVX3", 1.5, 2, 2.0, 10)};
  Comparison c = CompareReports(base, now, {});
  EXPECT_FALSE(c.regression());
  EXPECT_FALSE(c.speed_compared);
  EXPECT_EQ(c.speed_note, "speed not compared: different machines");
  const std::string md = RenderComparisonMarkdown(c, base, now, "a.json", "b.json");
  EXPECT_NE(md.find("speed not compared: different machines"), std::string::npos);
  // Same model, other flags: still different machines.
  now = FixtureReport();
  now.machine["cpu"]["flags"] = {"sse4"};
  now.rows = {FixtureRow("sigmoid", "rr2-p7-div", "AVX3", 1.5, 2, 2.0, 10)};
  EXPECT_FALSE(CompareReports(base, now, {}).speed_compared);
  // Same CPU on another host: compared.
  now = FixtureReport("host-b", "Test CPU A");
  now.rows = {FixtureRow("sigmoid", "rr2-p7-div", "AVX3", 1.5, 2, 2.0, 10)};
  EXPECT_TRUE(CompareReports(base, now, {}).regression());
}

TEST(Compare, AccuracyOnlyReportsIgnoreSpeed) {
  Report base = FixtureReport(), now = FixtureReport();
  for (ReportRow& row : base.rows) row.bench.clear();
  for (ReportRow& row : now.rows) row.bench.clear();
  const Comparison c = CompareReports(base, now, {});
  EXPECT_FALSE(c.regression());
  EXPECT_FALSE(c.speed_compared);
  EXPECT_EQ(c.speed_note, "speed not compared: no benchmark data in either report");
  const json j = ComparisonJson(c, "a", "b");
  EXPECT_EQ(j["verdict"], "clean");
  EXPECT_EQ(j["accuracy"].size(), base.rows.size());
}

TEST(Compare, RowsInOneReportOnlyAreListedNotFailed) {
  const Report base = FixtureReport();
  Report now = base;
  now.rows.pop_back();
  now.rows.push_back(FixtureRow("tanh", "expm1", "AVX3", 1, 2, 3));
  const Comparison c = CompareReports(base, now, {});
  EXPECT_FALSE(c.regression());
  EXPECT_EQ(c.only_base, std::vector<std::string>{"gelu/tanh-form@AVX3"});
  EXPECT_EQ(c.only_new, std::vector<std::string>{"tanh/expm1@AVX3"});
  const std::string md = RenderComparisonMarkdown(c, base, now, "a.json", "b.json");
  EXPECT_NE(md.find("Only in BASE: `gelu/tanh-form@AVX3`"), std::string::npos) << md;
  EXPECT_NE(md.find("**Verdict: clean**"), std::string::npos);
}

// A gate that compared nothing never says clean (it did, exit 0, on f5c377f).
TEST(Compare, NothingComparedIsItsOwnVerdict) {
  const Report base = FixtureReport();
  // No row in both.
  Report other = base;
  for (ReportRow& row : other.rows) row.variant += "-renamed";
  Comparison c = CompareReports(base, other, {});
  EXPECT_FALSE(c.regression());
  EXPECT_EQ(c.verdict(), "nothing compared");
  EXPECT_NE(c.nothing_compared.find("no row is in both"), std::string::npos) << c.nothing_compared;
  EXPECT_NE(RenderComparisonMarkdown(c, base, other, "a", "b").find("**Verdict: nothing compared**"),
            std::string::npos);
  EXPECT_EQ(ComparisonJson(c, "a", "b")["verdict"], "nothing compared");

  // NEW without benchmark data (a --benchmark_filter that matched nothing).
  Report no_bench = base;
  for (ReportRow& row : no_bench.rows) row.bench.clear();
  c = CompareReports(base, no_bench, {});
  EXPECT_EQ(c.verdict(), "nothing compared");
  EXPECT_NE(c.nothing_compared.find("NEW has none"), std::string::npos) << c.nothing_compared;
  // ... unless only accuracy was asked for.
  CompareOptions accuracy_only;
  accuracy_only.accuracy_only = true;
  c = CompareReports(base, no_bench, accuracy_only);
  EXPECT_EQ(c.verdict(), "clean") << c.nothing_compared;
  // Benchmark data on both sides but for other sizes: speed compared nothing.
  Report other_size = base;
  for (ReportRow& row : other_size.rows)
    for (BenchResult& b : row.bench) b.size_label = "L2";
  EXPECT_EQ(CompareReports(base, other_size, {}).verdict(), "nothing compared");
  // --accuracy-only with no accuracy in both compared nothing either.
  Report no_accuracy = base;
  for (ReportRow& row : no_accuracy.rows) row.accuracy.reset();
  EXPECT_EQ(CompareReports(base, no_accuracy, accuracy_only).verdict(), "nothing compared");
  // A regression is still a regression when speed is missing.
  Report worse = no_bench;
  worse.rows[1].accuracy->error.max_ulp = 1.9;
  EXPECT_EQ(CompareReports(base, worse, {}).verdict(), "regression");
}

// The exact one-sided U test cannot go below 1 / C(m + n, m): 3 against 3
// gives 0.05 at best, never below the default alpha. The note says so
// whenever that is the case, not only below 3 repetitions.
TEST(Compare, TooFewRepetitionsToReachAlphaAreNamed) {
  EXPECT_DOUBLE_EQ(SmallestPossibleP(3, 3), 1.0 / 20);
  EXPECT_DOUBLE_EQ(SmallestPossibleP(5, 5), 1.0 / 252);
  EXPECT_DOUBLE_EQ(SmallestPossibleP(1, 1), 0.5);
  EXPECT_DOUBLE_EQ(SmallestPossibleP(2, 7), 1.0 / 36);
  for (size_t reps : {1, 2, 3, 4, 5, 10}) {
    SCOPED_TRACE(reps);
    Report base = FixtureReport(), slow = base;
    base.rows = {FixtureRow("sigmoid", "rr2-p7-div", "AVX3", 1.5, 2, 4.0, reps)};
    slow.rows = {FixtureRow("sigmoid", "rr2-p7-div", "AVX3", 1.5, 2, 2.0, reps)};
    const Comparison c = CompareReports(base, slow, {});
    bool noted = false;
    for (const std::string& n : c.notes) noted = noted || n.find("too few repetitions") != std::string::npos;
    const bool can_fire = SmallestPossibleP(reps, reps) < 0.05;
    EXPECT_EQ(noted, !can_fire);
    // Half the speed on every repetition: a regression exactly when the test can reach alpha.
    EXPECT_EQ(c.regression(), can_fire);
  }
}

// ---------------------------------------------------------------------------
// Merge

TEST(Merge, RowsKeepTheirMachine) {
  const Report a = FixtureReport("host-a", "CPU A"), b = FixtureReport("host-b", "CPU B");
  const Report m = MergeReports({a, b}, {"a.json", "b.json"});
  ASSERT_EQ(m.machines.size(), 2u);
  EXPECT_EQ(m.MachineCount(), 2u);
  ASSERT_EQ(m.rows.size(), a.rows.size() + b.rows.size());
  for (size_t i = 0; i < m.rows.size(); ++i) {
    const std::string host = MachineString(m.MachineOf(m.rows[i]), {"hostname"});
    EXPECT_EQ(host, i < a.rows.size() ? "host-a" : "host-b") << i;
  }
  // Through JSON: machines[] and a per-row index; machine is machines[0].
  const json j = ToJson(m);
  EXPECT_EQ(j["machines"].size(), 2u);
  EXPECT_EQ(j["machine"], j["machines"][0]);
  EXPECT_EQ(j["rows"][a.rows.size()]["machine"], 1);
  const Report back = ReportFromJson(j);
  ASSERT_EQ(back.machines.size(), 2u);
  for (size_t i = 0; i < m.rows.size(); ++i) EXPECT_EQ(back.rows[i].machine, m.rows[i].machine);
  EXPECT_EQ(ToJson(back), j);
  // Merging a merged report with a third machine keeps the indices right.
  const Report c = FixtureReport("host-c", "CPU C");
  const Report mm = MergeReports({back, c}, {"m.json", "c.json"});
  ASSERT_EQ(mm.machines.size(), 3u);
  EXPECT_EQ(MachineString(mm.MachineOf(mm.rows.back()), {"hostname"}), "host-c");
  EXPECT_EQ(MachineString(mm.MachineOf(mm.rows[a.rows.size()]), {"hostname"}), "host-b");
}

TEST(Merge, DisjointRowsFromOneMachineGiveAPlainReport) {
  Report acc = FixtureReport(), more = FixtureReport();
  acc.rows.resize(3);
  more.rows.erase(more.rows.begin(), more.rows.begin() + 3);
  const Report m = MergeReports({acc, more}, {"a", "b"});
  EXPECT_TRUE(m.machines.empty());
  EXPECT_EQ(m.rows.size(), FixtureReport().rows.size());
  EXPECT_FALSE(ToJson(m).contains("machines"));
}

TEST(Merge, RefusesTheSameRowTwiceFromOneMachine) {
  const Report a = FixtureReport();
  Report again = FixtureReport();
  again.machine["date"] = "2026-11-23T00:00:00Z";  // another run, same machine
  try {
    MergeReports({a, again}, {"a.json", "again.json"});
    ADD_FAILURE() << "did not throw";
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("sigmoid/f64@baseline"), std::string::npos) << msg;
    EXPECT_NE(msg.find("a.json"), std::string::npos) << msg;
    EXPECT_NE(msg.find("again.json"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos);
  }
}

// Shards of an exhaustive sweep merge into exactly the one-piece result, and
// overlapping shards are refused.
TEST(Merge, CombinesExhaustiveShardsIntoTheOnePieceResult) {
  const Variant* v = FindVariant("sigmoid/rr2-p7-div");
  ASSERT_NE(v, nullptr);
  const std::vector<VariantTarget> rows = RunnableTargets({v});
  ASSERT_FALSE(rows.empty());
  const std::vector<VariantTarget> one_row = {rows.front()};
  auto run = [&](uint32_t lo, uint32_t hi, const std::string& host = "h", const std::string& name = "") {
    ExhaustiveOptions o;
    o.lo = lo;
    o.hi = hi;
    o.threads = 2;
    const ExhaustiveResult x = RunExhaustive(one_row, o);
    Report r;
    r.machine = {{"hostname", host}, {"cpu", {{"model", "m"}, {"flags", json::array()}}}};
    if (!name.empty()) r.machine["name"] = name;
    ReportRow row = MakeRow(one_row.front());
    row.accuracy = x.rows.front();
    r.rows.push_back(row);
    return r;
  };
  // x in [-2, -1.5) and [-1.5, -1): a range where sigmoid has non-zero errors.
  const Report whole = run(0xbf800000u, 0xc0000000u - 1);
  const Report lower = run(0xbf800000u, 0xbfc00000u - 1), upper = run(0xbfc00000u, 0xc0000000u - 1);
  const Report merged = MergeReports({upper, lower}, {"upper.json", "lower.json"});
  ASSERT_EQ(merged.rows.size(), 1u);
  EXPECT_EQ(ToJson(merged)["rows"][0]["accuracy"].dump(), ToJson(whole)["rows"][0]["accuracy"].dump());
  EXPECT_GT(whole.rows[0].accuracy->error.max_ulp, 0.0);
  EXPECT_THROW(MergeReports({whole, lower}, {"whole.json", "lower.json"}), std::runtime_error);

  // Shards from two cluster nodes: kept apart as two machines' rows, unless
  // the nodes were given one --machine-name.
  const Report node1 = run(0xbf800000u, 0xbfc00000u - 1, "node1"), node2 = run(0xbfc00000u, 0xc0000000u - 1, "node2");
  EXPECT_EQ(MergeReports({node1, node2}, {"1", "2"}).rows.size(), 2u);
  const Report named1 = run(0xbf800000u, 0xbfc00000u - 1, "node1", "part-a");
  const Report named2 = run(0xbfc00000u, 0xc0000000u - 1, "node2", "part-a");
  const Report both = MergeReports({named2, named1}, {"2", "1"});
  ASSERT_EQ(both.rows.size(), 1u);
  EXPECT_EQ(ToJson(both)["rows"][0]["accuracy"].dump(), ToJson(whole)["rows"][0]["accuracy"].dump());
}

TEST(Merge, RefusesDifferentSchemaVersions) {
  Report a = FixtureReport("h1", "A"), b = FixtureReport("h2", "B");
  b.schema_version = 7;
  EXPECT_THROW(MergeReports({a, b}, {"a", "b"}), std::runtime_error);
}

TEST(Merge, ReaderRejectsABadMachineIndex) {
  const Report m = MergeReports({FixtureReport("h1", "A"), FixtureReport("h2", "B")}, {"a", "b"});
  json j = ToJson(m);
  j["rows"][0]["machine"] = 2;
  EXPECT_THROW(ReportFromJson(j), std::runtime_error);
  j = ToJson(m);
  j["machines"] = json::array();
  EXPECT_THROW(ReportFromJson(j), std::runtime_error);
  j = ToJson(FixtureReport());
  j["rows"][0]["machine"] = 1;  // a single-machine report has machine 0 only
  EXPECT_THROW(ReportFromJson(j), std::runtime_error);
}

// ---------------------------------------------------------------------------
// CSV

// RFC 4180 parser for the test: fields, quoted fields with doubled quotes,
// CRLF records.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      EXPECT_TRUE(field.empty()) << "quote inside an unquoted field at " << i;
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
    } else if (c == '\r') {
      EXPECT_TRUE(i + 1 < text.size() && text[i + 1] == '\n') << "bare CR at " << i;
    } else if (c == '\n') {
      rows.back().push_back(field);
      field.clear();
      rows.emplace_back();
    } else {
      field += c;
    }
  }
  EXPECT_FALSE(quoted) << "unterminated quote";
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

TEST(Csv, OneRowPerRowAndSizeWithAHeader) {
  Report r = FixtureReport();
  BenchResult dram = r.rows[1].bench[0];
  dram.size_label = "DRAM";
  r.rows[1].bench.push_back(dram);
  r.rows[0].bench.clear();  // no bench: one line, empty size
  r.rows[2].description = "with, a comma and \"quotes\"\nand a newline";
  r.rows[2].variant = "odd,name";
  const std::vector<std::vector<std::string>> t = ParseCsv(RenderCsv(r));
  ASSERT_FALSE(t.empty());
  const std::vector<std::string>& head = t[0];
  EXPECT_EQ(head[0], "machine");
  size_t lines = 0;
  for (const ReportRow& row : r.rows) lines += std::max<size_t>(1, row.bench.size());
  ASSERT_EQ(t.size(), lines + 1);
  for (const auto& row : t) EXPECT_EQ(row.size(), head.size());
  auto col = [&](const std::string& name) {
    for (size_t i = 0; i < head.size(); ++i)
      if (head[i] == name) return i;
    ADD_FAILURE() << "no column " << name;
    return size_t{0};
  };
  EXPECT_EQ(t[1][col("size")], "");
  EXPECT_EQ(t[1][col("max_ulp")], "0.5");
  EXPECT_EQ(t[2][col("size")], "L1");
  EXPECT_EQ(t[3][col("size")], "DRAM");
  EXPECT_EQ(std::stod(t[2][col("elements_per_second")]), 4e9);
  EXPECT_EQ(t[4][col("variant")], "odd,name");  // quoted, read back whole
  EXPECT_EQ(t[7][col("max_ulp")], "inf");       // textbook
  EXPECT_EQ(t[7][col("contract_pass")], "false");
  EXPECT_EQ(t.back()[col("also_against")], "gelu");
  EXPECT_EQ(t.back()[col("also_max_ulp")], "900");
  EXPECT_EQ(CsvField("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(CsvField("plain"), "plain");
}

// ---------------------------------------------------------------------------
// Markdown summary

TEST(MarkdownSummary, FastestWithinOneTwoAndFourUlp) {
  const std::string md = RenderMarkdown(FixtureReport());
  const size_t at = md.find("## Fastest within 1, 2 and 4 ULP");
  ASSERT_NE(at, std::string::npos) << md;
  std::istringstream in(md.substr(at));
  std::string line, sigmoid, gelu;
  while (std::getline(in, line)) {
    if (line.rfind("| sigmoid |", 0) == 0) sigmoid = line;
    if (line.rfind("| gelu |", 0) == 0) gelu = line;
  }
  // <= 1: f64; <= 2: rr2-p7-div@AVX3; <= 4: rr1-p6-nr1@AVX3.
  EXPECT_EQ(sigmoid,
            "| sigmoid | f64@baseline (0.20 G/s) | rr2-p7-div@AVX3 (4.00 G/s) | rr1-p6-nr1@AVX3 (6.00 G/s) |");
  // tanh-form is 900 ULP from gelu: never chosen for gelu.
  EXPECT_EQ(gelu, "| gelu | erf-f64@baseline (0.10 G/s) | erf-f64@baseline (0.10 G/s) | erf-f64@baseline (0.10 G/s) |");
  // Broken promises still listed.
  EXPECT_NE(md.find("## Broken promises and contract failures"), std::string::npos);
  EXPECT_NE(md.find("`sigmoid/textbook@baseline`: special-value contract failed"), std::string::npos);
}

TEST(MarkdownSummary, NoBenchDataSaysSo) {
  Report r = FixtureReport();
  for (ReportRow& row : r.rows) row.bench.clear();
  EXPECT_NE(RenderMarkdown(r).find("No L1 throughput in this report"), std::string::npos);
}

}  // namespace
}  // namespace actbench
