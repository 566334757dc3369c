#include "cli/report_commands.h"
#include "cli/validators.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <stdexcept>

#include <fmt/format.h>

#include "reports/compare.h"
#include "reports/csv.h"
#include "reports/html.h"
#include "reports/markdown.h"
#include "reports/merge.h"
#include "reports/pick.h"
#include "reports/output.h"
#include "reports/report.h"

namespace actbench::cli {
namespace {

// Outputs are checked before anything is read or written (reports/output.h).
void CheckOutput(const std::string& flag, const std::string& path) { CheckOutputFile(flag, path); }

void CheckFinite(const std::string& flag, double v) {
  if (!std::isfinite(v)) throw std::runtime_error(fmt::format("{}: expected a finite number", flag));
}

}  // namespace

ReportCommands::ReportCommands(CLI::App& app) {
  pick_ = app.add_subcommand("pick", "Fastest variant per activation within an error budget, from a report");
  pick_->add_option("--max-ulp", pick_args_.max_ulp, "Error budget: max ULP over the whole sweep")
      ->required()
      ->check(NonNegative());
  pick_->add_option("--activation,-a", pick_args_.activations,
                    "Activations to pick for (repeat or comma-separate); default: all in the report")
      ->delimiter(',');
  pick_->add_option("--target,-t", pick_args_.target,
                    "Only this target (and baseline scalar code, which runs anywhere)");
  pick_->add_option("--family", pick_args_.families,
                    "Only these families (scalar, simd, peer, user); --family scalar,simd picks among what "
                    "actbench::kernels can bind in --emit-header")
      ->delimiter(',')
      ->check(CLI::IsMember({"scalar", "simd", "peer", "user"}));
  pick_->add_option("--report", pick_args_.report, "Report to read (default out/report.json)");
  pick_->add_flag("--json", pick_args_.json, "Print JSON instead of a table");
  pick_->add_option("--emit-header", pick_args_.header,
                    "Also write a C++ header with actbench::picked::<activation>() bound to each choice "
                    "(needs actbench::kernels)");
  pick_->add_option("--machine", pick_args_.machine,
                    "In a report merged across machines: which one (1-based, as in its HTML)")
      ->check(Positive());

  compare_ = app.add_subcommand(
      "compare",
      "Compare two reports: exit 0 when clean, 1 on an accuracy or speed regression, 2 on bad input, 3 when "
      "nothing was compared (no row in both, or speed data on one side only)");
  compare_->add_option("base", compare_args_.base, "Baseline report (JSON)")->required();
  compare_->add_option("new", compare_args_.now, "New report (JSON)")->required();
  compare_->add_option("--tolerance-ulp", compare_args_.tolerance_ulp,
                       "Max ULP may rise this much above the baseline (default 0)")
      ->check(NonNegative());
  compare_->add_option("--min-effect", compare_args_.min_effect,
                       "Smallest slowdown that counts, as a fraction (default 0.10)")
      ->check(NumberIn(0, 1));
  compare_->add_option("--alpha", compare_args_.alpha, "Significance level of the Mann-Whitney test (default 0.05)")
      ->check(NumberIn(0, 1));
  compare_->add_flag("--accuracy-only", compare_args_.accuracy_only,
                     "Compare accuracy alone (reports without benchmark data are then not a failure)");
  compare_->add_option("--markdown", compare_args_.markdown, "Also write the Markdown to this file");
  compare_->add_option("--json", compare_args_.json, "Also write the comparison as JSON to this file");

  merge_ = app.add_subcommand("merge", "Merge reports from several machines or runs into one");
  merge_->add_option("inputs", merge_args_.inputs, "Reports to merge (JSON)")->required();
  merge_->add_option("--out,-o", merge_args_.out, "Merged report (JSON)")->required();
  merge_->add_option("--html", merge_args_.html, "Also write the merged report as HTML");
  merge_->add_option("--markdown", merge_args_.markdown, "Also write the merged report as Markdown");
  merge_->add_option("--csv", merge_args_.csv, "Also write the merged report as CSV");
}

bool ReportCommands::Parsed() const { return pick_->parsed() || compare_->parsed() || merge_->parsed(); }

int ReportCommands::Run() const {
  if (pick_->parsed()) return Pick();
  if (compare_->parsed()) return Compare();
  return Merge();
}

int ReportCommands::Pick() const {
  const PickArgs& a = pick_args_;
  CheckFinite("--max-ulp", a.max_ulp);
  if (!a.header.empty()) CheckOutput("--emit-header", a.header);
  const Report r = ReadReport(a.report);
  PickRules rules;
  rules.max_ulp = a.max_ulp;
  rules.target = a.target;
  rules.families = a.families;
  if (a.machine > 0) {
    if (static_cast<size_t>(a.machine) > r.MachineCount())
      throw std::runtime_error(fmt::format("--machine {}: {} holds {} machine(s)", a.machine, a.report,
                                           r.MachineCount()));
    rules.machine = static_cast<size_t>(a.machine - 1);
  } else if (r.MachineCount() > 1) {
    throw std::runtime_error(fmt::format("{} holds {} machines; choose one with --machine 1..{}", a.report,
                                         r.MachineCount(), r.MachineCount()));
  }
  bool any_bench = false;
  for (const ReportRow& row : r.rows) any_bench = any_bench || L1Throughput(row).has_value();
  if (!any_bench) throw std::runtime_error(a.report + ": no L1 throughput in the report (run bench or run)");
  const std::vector<actbench::Pick> picks = PickFastest(r, a.activations, rules);
  if (!a.header.empty()) WriteFileAtomic(a.header, RenderPickHeader(r, picks, rules));
  if (a.json) std::cout << PickJson(r, picks, rules).dump(2) << "\n";
  else std::cout << RenderPickTable(r, picks, rules);
  return 0;
}

int ReportCommands::Compare() const {
  const CompareArgs& a = compare_args_;
  CheckFinite("--tolerance-ulp", a.tolerance_ulp);
  if (!a.markdown.empty()) CheckOutput("--markdown", a.markdown);
  if (!a.json.empty()) CheckOutput("--json", a.json);
  const Report base = ReadReport(a.base);
  const Report now = ReadReport(a.now);
  CompareOptions o;
  o.tolerance_ulp = a.tolerance_ulp;
  o.min_effect = a.min_effect;
  o.alpha = a.alpha;
  o.accuracy_only = a.accuracy_only;
  const Comparison c = CompareReports(base, now, o);
  const std::string md = RenderComparisonMarkdown(c, base, now, a.base, a.now);
  if (!a.json.empty()) WriteFileAtomic(a.json, ComparisonJson(c, a.base, a.now).dump(2) + "\n");
  if (!a.markdown.empty()) WriteFileAtomic(a.markdown, md);
  std::cout << md;
  if (c.regression()) return 1;
  if (!c.nothing_compared.empty()) {
    std::fprintf(stderr, "actbench: compare: nothing compared: %s\n", c.nothing_compared.c_str());
    return 3;
  }
  return 0;
}

int ReportCommands::Merge() const {
  const MergeArgs& a = merge_args_;
  CheckOutput("--out", a.out);
  if (!a.html.empty()) CheckOutput("--html", a.html);
  if (!a.markdown.empty()) CheckOutput("--markdown", a.markdown);
  if (!a.csv.empty()) CheckOutput("--csv", a.csv);
  std::vector<Report> reports;
  for (const std::string& path : a.inputs) reports.push_back(ReadReport(path));
  const Report merged = MergeReports(reports, a.inputs);
  // Rendered before anything is written, so a failure leaves nothing behind.
  const std::string json = ToJson(merged).dump(2) + "\n";
  const std::string html = a.html.empty() ? "" : RenderHtml(merged);
  const std::string md = a.markdown.empty() ? "" : RenderMarkdown(merged);
  const std::string csv = a.csv.empty() ? "" : RenderCsv(merged);
  WriteFileAtomic(a.out, json);
  if (!a.html.empty()) WriteFileAtomic(a.html, html);
  if (!a.markdown.empty()) WriteFileAtomic(a.markdown, md);
  if (!a.csv.empty()) WriteFileAtomic(a.csv, csv);
  std::fprintf(stderr, "merged %zu reports (%zu rows, %zu machines) into %s\n", reports.size(), merged.rows.size(),
               merged.MachineCount(), a.out.c_str());
  return 0;
}

}  // namespace actbench::cli
