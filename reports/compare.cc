// BASE against NEW, row by row.
#include "reports/compare.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "reports/stats.h"

namespace actbench {

using nlohmann::json;

namespace {

// Rows are matched by label; in a report merged across machines a label can
// recur, so there the machine is part of the key.
std::string RowKey(const Report& r, const ReportRow& row) {
  if (r.MachineCount() == 1) return row.label();
  return row.label() + " on " + MachineName(r.MachineOf(row));
}

double Median(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::vector<double> Samples(const BenchResult& b) {
  if (!b.samples.empty()) return b.samples;
  return {b.elements_per_second};
}

std::string Ulp(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{:.3g}", v);
}

json Num(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

// against_base false: only NEW's promise is checked (see Comparison::not_against_base).
AccuracyChange CompareAccuracy(const std::string& key, const ReportRow& b, const ReportRow& n,
                               const CompareOptions& o, bool against_base) {
  AccuracyChange c;
  c.row = key;
  c.base_max_ulp = b.accuracy->error.max_ulp;
  c.new_max_ulp = n.accuracy->error.max_ulp;
  c.promise = n.promise.max_ulp;
  c.promised = n.promise.promised;
  // A promise or contract that BASE already broke was accepted with it (the
  // "textbook" variants exist to show such failures); breaking one is what
  // fails. Getting worse while broken still shows as a max ULP rise.
  std::vector<std::string> why;
  if (!against_base) {
    if (n.promise_broken() && !b.promise_broken())
      why.push_back(fmt::format("promise {} ULP broken (max ULP in its domain {})", Ulp(n.promise.max_ulp),
                                Ulp(n.accuracy->max_ulp_in_domain)));
    c.failed = !why.empty();
    if (c.failed) c.reason = why.front();
    return c;
  }
  if (n.promise_broken() && !b.promise_broken())
    why.push_back(fmt::format("promise {} ULP broken (max ULP in its domain {})", Ulp(n.promise.max_ulp),
                              Ulp(n.accuracy->max_ulp_in_domain)));
  if (c.new_max_ulp > c.base_max_ulp + o.tolerance_ulp)
    why.push_back(fmt::format("max ULP rose from {} to {}", Ulp(c.base_max_ulp), Ulp(c.new_max_ulp)));
  if (!n.accuracy->contract.pass && b.accuracy->contract.pass)
    why.push_back(fmt::format("special-value contract failed ({} inputs)", n.accuracy->contract.failures));
  c.failed = !why.empty();
  for (const std::string& w : why) c.reason += (c.reason.empty() ? "" : "; ") + w;
  return c;
}

}  // namespace

size_t Comparison::accuracy_failures() const {
  return static_cast<size_t>(
      std::count_if(accuracy.begin(), accuracy.end(), [](const AccuracyChange& c) { return c.failed; }));
}

size_t Comparison::speed_regressions() const {
  return static_cast<size_t>(
      std::count_if(speed.begin(), speed.end(), [](const SpeedChange& c) { return c.regressed; }));
}

double SmallestPossibleP(size_t m, size_t n) {
  // 1 / C(m + n, m), as a product so that it neither overflows nor rounds to 0 early.
  double p = 1;
  const size_t k = std::min(m, n);
  for (size_t i = 1; i <= k; ++i) p *= static_cast<double>(i) / static_cast<double>(std::max(m, n) + i);
  return p;
}

std::string Comparison::verdict() const {
  if (regression()) return "regression";
  if (!nothing_compared.empty()) return "nothing compared";
  return "clean";
}

Comparison CompareReports(const Report& base, const Report& now, const CompareOptions& o) {
  Comparison c;
  c.options = o;
  std::map<std::string, const ReportRow*> base_rows;
  for (const ReportRow& row : base.rows) base_rows.emplace(RowKey(base, row), &row);
  std::map<std::string, bool> seen;

  bool any_bench_base = false, any_bench_new = false, machines_differ = false;
  for (const ReportRow& row : base.rows) any_bench_base = any_bench_base || !row.bench.empty();
  for (const ReportRow& row : now.rows) any_bench_new = any_bench_new || !row.bench.empty();

  for (const ReportRow& n : now.rows) {
    const std::string key = RowKey(now, n);
    auto it = base_rows.find(key);
    if (it == base_rows.end()) {
      c.only_new.push_back(key);
      continue;
    }
    seen[key] = true;
    const ReportRow& b = *it->second;
    ++c.rows_compared;
    if (b.accuracy && n.accuracy) {
      const std::string& estimate = !n.estimate.empty() ? n.estimate : b.estimate;
      const bool portable = estimate.empty() || SameCpu(base.MachineOf(b), now.MachineOf(n));
      if (!portable)
        c.not_against_base.push_back(
            {key, fmt::format("its bits depend on {}, an implementation-defined estimate, and the CPUs differ", estimate)});
      c.accuracy.push_back(CompareAccuracy(key, b, n, o, portable));
    }

    if (b.bench.empty() || n.bench.empty()) continue;
    if (!SameCpu(base.MachineOf(b), now.MachineOf(n))) {
      machines_differ = true;
      continue;
    }
    for (const BenchResult& nb : n.bench) {
      for (const BenchResult& bb : b.bench) {
        if (bb.size_label != nb.size_label) continue;
        SpeedChange s;
        s.row = key;
        s.size = nb.size_label;
        const std::vector<double> bs = Samples(bb), ns = Samples(nb);
        s.base_samples = bs.size();
        s.new_samples = ns.size();
        s.base_median = Median(bs);
        s.new_median = Median(ns);
        s.change = s.new_median / s.base_median - 1;
        // H1: BASE's rates tend to be greater, i.e. NEW is slower.
        s.p = MannWhitneyGreater(bs, ns).p;
        s.regressed = -s.change > o.min_effect && s.p < o.alpha;
        c.speed.push_back(s);
      }
    }
  }
  for (const ReportRow& row : base.rows) {
    const std::string key = RowKey(base, row);
    if (!seen.count(key)) c.only_base.push_back(key);
  }

  c.speed_compared = !c.speed.empty();
  // A gate that compared nothing must not pass.
  if (c.rows_compared == 0) {
    c.nothing_compared = fmt::format("no row is in both reports (BASE has {}, NEW has {})", base.rows.size(),
                                     now.rows.size());
  } else if (o.accuracy_only && c.accuracy.empty()) {
    c.nothing_compared = "--accuracy-only, but no row has accuracy results in both reports";
  } else if (!o.accuracy_only && any_bench_base != any_bench_new) {
    c.nothing_compared = fmt::format("{} has benchmark data and {} has none, so speed compared nothing "
                                     "(--accuracy-only compares accuracy alone)",
                                     any_bench_base ? "BASE" : "NEW", any_bench_base ? "NEW" : "BASE");
  } else if (!o.accuracy_only && any_bench_base && c.speed.empty() && !machines_differ) {
    c.nothing_compared = "no (row, size) pair has benchmark data in both reports, so speed compared nothing "
                         "(--accuracy-only compares accuracy alone)";
  } else if (c.accuracy.empty() && c.speed.empty()) {
    c.nothing_compared = machines_differ ? "the rows in both have no accuracy results in both, and their speed "
                                           "comes from different machines"
                                         : "the rows in both have neither accuracy nor benchmark data in both";
  }
  if (!any_bench_base || !any_bench_new) {
    c.speed_note = fmt::format("speed not compared: no benchmark data in {}",
                               !any_bench_base && !any_bench_new ? "either report"
                               : !any_bench_base                 ? "BASE"
                                                                 : "NEW");
  } else if (machines_differ) {
    c.speed_note = c.speed.empty() ? "speed not compared: different machines"
                                   : "speed not compared for some rows: different machines";
  }
  if (c.speed_compared) {
    // Whenever the repetitions are too few for the test to reach alpha (3
    // against 3 gives p >= 1/20 = 0.05 at best), say so: the gate cannot fire.
    size_t blind = 0;
    const SpeedChange* example = nullptr;
    for (const SpeedChange& s : c.speed) {
      if (SmallestPossibleP(s.base_samples, s.new_samples) >= o.alpha) {
        ++blind;
        if (example == nullptr) example = &s;
      }
    }
    if (example != nullptr)
      c.notes.push_back(fmt::format(
          "{} of {} speed pairs have too few repetitions for a slowdown to be significant ({} against {}: the "
          "smallest possible p is {:.3g}, not below alpha {}); measure at least 5 repetitions a side "
          "(--benchmark_repetitions)",
          blind, c.speed.size(), example->base_samples, example->new_samples,
          SmallestPossibleP(example->base_samples, example->new_samples), o.alpha));
  }
  const auto inputs = [](const Report& r) -> json {
    if (r.config.is_object() && r.config.contains("accuracy") && r.config["accuracy"].is_object() &&
        r.config["accuracy"].contains("inputs"))
      return r.config["accuracy"]["inputs"];
    return nullptr;
  };
  if (!c.accuracy.empty() && inputs(base) != inputs(now))
    c.notes.push_back(fmt::format("the accuracy sweeps differ ({} vs {} inputs): max ULP compared anyway",
                                  inputs(base).dump(), inputs(now).dump()));
  return c;
}

std::string RenderComparisonMarkdown(const Comparison& c, const Report& base, const Report& now,
                                     const std::string& base_name, const std::string& new_name) {
  auto describe = [](const Report& r) {
    std::string commit = MachineString(r.machine, {"git", "commit"});
    if (commit.size() > 12) commit = commit.substr(0, 12);
    return fmt::format("{}, commit {}, {}", MachineName(r.machine), commit, MachineString(r.machine, {"date"}));
  };
  std::string out = "# actbench compare\n\n";
  out += fmt::format("- BASE: `{}`: {}\n", base_name, describe(base));
  out += fmt::format("- NEW: `{}`: {}\n", new_name, describe(now));
  out += fmt::format("- Rows in both: {}; only in BASE: {}; only in NEW: {}\n", c.rows_compared,
                     c.only_base.size(), c.only_new.size());
  out += fmt::format("- Rules: accuracy fails above the promise or above BASE + {} ULP; speed regresses when "
                     "slower by more than {:.0f}% with one-sided Mann-Whitney p < {}\n",
                     Ulp(c.options.tolerance_ulp), c.options.min_effect * 100, c.options.alpha);
  for (const std::string& n : c.notes) out += "- Note: " + n + "\n";
  out += "\n";

  const size_t acc_fail = c.accuracy_failures(), speed_reg = c.speed_regressions();
  out += "## Accuracy\n\n";
  if (c.accuracy.empty()) {
    out += "No row has accuracy results in both reports.\n\n";
  } else {
    size_t unchanged = 0;
    std::string table = "| row | BASE max ULP | NEW max ULP | promise | verdict |\n|---|--:|--:|--:|---|\n";
    for (const AccuracyChange& a : c.accuracy) {
      const bool same = a.base_max_ulp == a.new_max_ulp || (std::isnan(a.base_max_ulp) && std::isnan(a.new_max_ulp));
      if (!a.failed && same) {
        ++unchanged;
        continue;
      }
      table += fmt::format("| {} | {} | {} | {} | {} |\n", a.row, Ulp(a.base_max_ulp), Ulp(a.new_max_ulp),
                           a.promised ? Ulp(a.promise) : "none", a.failed ? "**FAIL**: " + a.reason : "ok");
    }
    if (unchanged < c.accuracy.size()) out += table + "\n";
    out += fmt::format("{} rows compared, {} unchanged, {} failed.\n\n", c.accuracy.size(), unchanged, acc_fail);
    if (!c.not_against_base.empty()) {
      out += fmt::format("Held to their promise only, not to BASE ({} rows: their bits depend on an "
                         "implementation-defined estimate and BASE is from another CPU):\n\n",
                         c.not_against_base.size());
      for (const Comparison::Skipped& k : c.not_against_base) out += fmt::format("- `{}`: {}\n", k.row, k.reason);
      out += "\n";
    }
  }

  out += "## Speed\n\n";
  if (!c.speed_note.empty()) out += c.speed_note + ".\n\n";
  if (c.speed_compared) {
    size_t shown = 0;
    std::string table =
        "| row | size | BASE G elem/s | NEW G elem/s | change | p | verdict |\n|---|---|--:|--:|--:|--:|---|\n";
    for (const SpeedChange& s : c.speed) {
      if (!s.regressed && std::fabs(s.change) <= c.options.min_effect) continue;
      ++shown;
      table += fmt::format("| {} | {} | {:.3f} | {:.3f} | {:+.1f}% | {:.3g} | {} |\n", s.row, s.size,
                           s.base_median / 1e9, s.new_median / 1e9, s.change * 100, s.p,
                           s.regressed ? "**REGRESSION**" : (s.change < 0 ? "slower, not significant" : "faster"));
    }
    if (shown) out += table + "\n";
    out += fmt::format("{} (row, size) pairs compared, {} changed by more than {:.0f}%, {} regressed.\n\n",
                       c.speed.size(), shown, c.options.min_effect * 100, speed_reg);
  }

  if (!c.only_base.empty()) {
    out += "Only in BASE: ";
    for (size_t i = 0; i < c.only_base.size(); ++i) out += (i ? ", " : "") + ("`" + c.only_base[i] + "`");
    out += "\n\n";
  }
  if (!c.only_new.empty()) {
    out += "Only in NEW: ";
    for (size_t i = 0; i < c.only_new.size(); ++i) out += (i ? ", " : "") + ("`" + c.only_new[i] + "`");
    out += "\n\n";
  }
  if (c.regression())
    out += fmt::format("**Verdict: regression** ({} accuracy failures, {} speed regressions)\n", acc_fail, speed_reg);
  else if (!c.nothing_compared.empty())
    out += fmt::format("**Verdict: nothing compared**: {}\n", c.nothing_compared);
  else
    out += "**Verdict: clean**\n";
  return out;
}

json ComparisonJson(const Comparison& c, const std::string& base_name, const std::string& new_name) {
  json acc = json::array();
  for (const AccuracyChange& a : c.accuracy) {
    acc.push_back({{"row", a.row}, {"base_max_ulp", Num(a.base_max_ulp)}, {"new_max_ulp", Num(a.new_max_ulp)},
                   {"promised", a.promised}, {"promise_max_ulp", a.promised ? Num(a.promise) : json("none")},
                   {"failed", a.failed}, {"reason", a.reason}});
  }
  json skipped = json::array();
  for (const Comparison::Skipped& k : c.not_against_base) skipped.push_back({{"row", k.row}, {"reason", k.reason}});
  json speed = json::array();
  for (const SpeedChange& s : c.speed) {
    speed.push_back({{"row", s.row}, {"size_label", s.size}, {"base_median_elements_per_second", Num(s.base_median)},
                     {"new_median_elements_per_second", Num(s.new_median)}, {"base_samples", s.base_samples},
                     {"new_samples", s.new_samples}, {"change", Num(s.change)}, {"p", Num(s.p)},
                     {"regressed", s.regressed}});
  }
  return {{"base", base_name},
          {"new", new_name},
          {"verdict", c.verdict()},
          {"nothing_compared", c.nothing_compared},
          {"options",
           {{"tolerance_ulp", c.options.tolerance_ulp}, {"min_effect", c.options.min_effect}, {"alpha", c.options.alpha},
            {"accuracy_only", c.options.accuracy_only}}},
          {"rows_compared", c.rows_compared},
          {"accuracy_failures", c.accuracy_failures()},
          {"speed_regressions", c.speed_regressions()},
          {"speed_compared", c.speed_compared},
          {"speed_note", c.speed_note},
          {"notes", c.notes},
          {"only_in_base", c.only_base},
          {"only_in_new", c.only_new},
          {"accuracy", std::move(acc)},
          {"not_against_base", std::move(skipped)},
          {"speed", std::move(speed)}};
}

}  // namespace actbench
