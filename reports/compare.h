// Comparing two reports: the CI gate. Accuracy is judged row by row against
// the promise and the baseline; speed over benchmark repetitions with a
// one-sided Mann-Whitney U test and a minimum effect size, and only when both
// rows were measured on the same CPU.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/report.h"

namespace actbench {

struct CompareOptions {
  double tolerance_ulp = 0;  // NEW max ULP may exceed BASE's by this much
  double min_effect = 0.10;  // a slowdown smaller than this fraction is never a regression
  double alpha = 0.05;       // significance level of the Mann-Whitney test
  // Compare accuracy alone: a report without benchmark data is then not a
  // failure of the speed gate.
  bool accuracy_only = false;
};

// The smallest one-sided p-value the exact Mann-Whitney test can give with m
// and n samples and no ties: 1 / C(m + n, m). At or above alpha, no slowdown
// can be significant, whatever the timings.
double SmallestPossibleP(size_t m, size_t n);

struct AccuracyChange {
  std::string row;  // label (with " on <machine>" in merged reports)
  double base_max_ulp = 0, new_max_ulp = 0, promise = 0;
  bool promised = true;  // false: NEW's row has no promise (promise unused)
  bool failed = false;
  std::string reason;  // why it failed; empty when it did not
};

struct SpeedChange {
  std::string row;
  std::string size;  // "L1", "L2", "DRAM"
  double base_median = 0, new_median = 0;  // elements/s over repetitions
  size_t base_samples = 0, new_samples = 0;
  double change = 0;  // new_median / base_median - 1 (negative: slower)
  double p = 1;       // one-sided p-value of "NEW is slower"
  bool regressed = false;
};

struct Comparison {
  std::vector<AccuracyChange> accuracy;  // rows with accuracy in both
  std::vector<SpeedChange> speed;        // (row, size) pairs timed in both on the same CPU
  std::vector<std::string> only_base, only_new;
  // Rows held to their promise only, not to BASE: their bits depend on an
  // implementation-defined estimate (ReportRow::estimate) and the two reports
  // come from different CPUs, so BASE's max ULP is not NEW's to match.
  struct Skipped {
    std::string row;
    std::string reason;
  };
  std::vector<Skipped> not_against_base;
  size_t rows_compared = 0;
  bool speed_compared = false;
  std::string speed_note;  // why speed was not (fully) compared; empty otherwise
  std::vector<std::string> notes;
  // Why the comparison compared nothing a gate can rely on (no row in both,
  // NEW without the benchmark data BASE has...); empty when it compared.
  std::string nothing_compared;
  CompareOptions options;

  size_t accuracy_failures() const;
  size_t speed_regressions() const;
  bool regression() const { return accuracy_failures() + speed_regressions() > 0; }
  // "regression", "nothing compared" or "clean".
  std::string verdict() const;
};

Comparison CompareReports(const Report& base, const Report& now, const CompareOptions& o);

// Markdown for a CI job summary; `base_name`/`new_name` label the inputs.
std::string RenderComparisonMarkdown(const Comparison& c, const Report& base, const Report& now,
                                     const std::string& base_name, const std::string& new_name);
nlohmann::json ComparisonJson(const Comparison& c, const std::string& base_name, const std::string& new_name);

}  // namespace actbench
