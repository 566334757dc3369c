// Synthetic reports for the tests of the deciders and writers (pick, compare,
// merge, CSV, HTML, Markdown summary): small, every number chosen by hand.
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/report.h"

namespace actbench::testing {

inline nlohmann::json FixtureMachine(const std::string& host, const std::string& model) {
  return {{"cpu", {{"model", model}, {"flags", {"avx2", "fma"}}}},
          {"hostname", host},
          {"compiler", "gcc 12"},
          {"build_type", "Release"},
          {"targets", {{"supported", {"AVX3", "AVX2", "SSE4"}}}},
          {"git", {{"commit", "0123456789abcdef0123456789abcdef01234567"}, {"dirty", false}}},
          {"date", "2026-11-22T10:52:04Z"}};
}

// A row with accuracy (max ULP `ulp` against what it computes, promise
// `promise`) and an L1 result of `gps` G elem/s repeated `reps` times.
inline ReportRow FixtureRow(const std::string& act, const std::string& variant, const std::string& target,
                            double ulp, double promise, double gps, size_t reps = 1) {
  ReportRow r;
  r.activation = act;
  r.variant = variant;
  r.target = target;
  r.family = target == "baseline" ? "scalar" : "simd";
  r.computes = act;
  r.description = variant + " on " + target;
  r.promise = {promise, -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(), ""};
  AccuracyResult a;
  a.inputs = 1000;
  a.error.against = act;
  a.error.count = 1000;
  a.error.max_ulp = ulp;
  a.error.mean_ulp = std::isfinite(ulp) ? ulp / 4 : 0;
  a.error.binade_max_ulp.assign(kBinadeCount, std::numeric_limits<double>::quiet_NaN());
  for (size_t i = 60; i < 100; ++i) a.error.binade_max_ulp[i] = ulp * static_cast<double>(i - 59) / 40;
  a.max_ulp_in_domain = ulp;
  a.promise_held = ulp <= promise;
  r.accuracy = a;
  if (gps > 0) {
    BenchResult b;
    b.label = r.label();
    b.size_label = "L1";
    b.n = 3072;
    b.bytes = 3072 * 8;
    b.iterations = 1000;
    b.elements_per_second = gps * 1e9;
    b.real_time_ns = 3072 / gps;
    b.bytes_per_second = b.elements_per_second * 8;
    for (size_t i = 0; i < reps; ++i) b.samples.push_back(gps * 1e9 * (1 + 0.001 * static_cast<double>(i)));
    r.bench.push_back(b);
  }
  return r;
}

// sigmoid: four variants over three targets; gelu: an exact one and a
// tanh-form one that computes gelu_tanh and is far from exact gelu.
inline Report FixtureReport(const std::string& host = "host-a", const std::string& model = "Test CPU A") {
  Report r;
  r.machine = FixtureMachine(host, model);
  r.config = {{"command", "run"}, {"accuracy", {{"inputs", 1000}}}};
  r.rows = {
      FixtureRow("sigmoid", "f64", "baseline", 0.5, 0.5, 0.2),
      FixtureRow("sigmoid", "rr2-p7-div", "AVX3", 1.5, 2, 4.0),
      FixtureRow("sigmoid", "rr2-p7-div", "AVX2", 1.5, 2, 2.5),
      FixtureRow("sigmoid", "rr1-p6-nr1", "AVX3", 3.5, 5, 6.0),
      FixtureRow("sigmoid", "rr1-p6-nr1", "AVX2", 3.5, 5, 3.0),
      FixtureRow("sigmoid", "textbook", "baseline", std::numeric_limits<double>::infinity(), 1e9, 0.9),
      FixtureRow("gelu", "erf-f64", "baseline", 0.5, 0.5, 0.1),
      FixtureRow("gelu", "tanh-form", "AVX3", 3, 4, 5.0),
  };
  // The tanh-form row: 3 ULP from gelu_tanh, 900 from exact gelu.
  ReportRow& t = r.rows.back();
  t.computes = "gelu_tanh";
  t.accuracy->error.against = "gelu_tanh";
  ErrorStats vs_gelu = t.accuracy->error;
  vs_gelu.against = "gelu";
  vs_gelu.max_ulp = 900;
  for (double& b : vs_gelu.binade_max_ulp)
    if (!std::isnan(b)) b *= 300;
  t.accuracy->also.push_back(vs_gelu);
  // The textbook sigmoid also fails its contract.
  r.rows[5].accuracy->contract = {false, 3, {"NaN in, 0 out"}};
  return r;
}

}  // namespace actbench::testing
