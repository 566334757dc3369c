// Markdown summary of a report: one table per activation, then the rows that
// broke a promise or the special-value contract. Written for a CI job summary,
// so it stays short: no per-input dumps, no per-repetition samples.
#include "reports/markdown.h"

#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "reports/pick.h"

namespace actbench {

using nlohmann::json;

namespace {

// One line, safe inside a table cell.
std::string Cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n' || c == '\r') out += ' ';
    else if (c == '|') out += "\\|";
    else out += c;
  }
  return out;
}

// One line, safe inside a code span.
std::string Code(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n' || c == '\r') out += ' ';
    else if (c == '`') out += '\'';
    else out += c;
  }
  return "`" + out + "`";
}

// ULP values: three significant digits, "inf" / "nan" spelled out.
std::string Ulp(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{:.3g}", v);
}

std::string Bound(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{:g}", v);
}

std::string PromiseText(const PromiseInfo& p) {
  if (!p.promised) return "none";
  std::string s = "≤ " + Ulp(p.max_ulp) + " ULP";
  if (!std::isinf(p.domain_lo) || !std::isinf(p.domain_hi)) {
    s += " on [" + Bound(p.domain_lo) + ", " + Bound(p.domain_hi) + "]";
  }
  return s;
}

bool WholeRange(const PromiseInfo& p) { return std::isinf(p.domain_lo) && std::isinf(p.domain_hi); }

// "yes" / "**no**", with the max ULP inside the promise's domain when the
// domain is not all of float (so "max ULP inf" beside "held: yes" is never a
// riddle); "-" where nothing was promised.
std::string HeldText(const PromiseInfo& p, const AccuracyResult& a) {
  if (!p.promised) return "-";
  std::string s = a.promise_held ? "yes" : "**no**";
  if (!WholeRange(p) || a.max_ulp_in_domain != a.error.max_ulp)
    s += " (" + Ulp(a.max_ulp_in_domain) + " in domain)";
  return s;
}

std::string ContractText(const ContractResult& c) {
  if (c.pass) return "pass";
  return fmt::format("fail ({})", c.failures);
}

// Bench size labels in the report, standard ones first, then any others in
// order of first appearance.
std::vector<std::string> SizeLabels(const Report& r) {
  std::vector<std::string> labels = {"L1", "L2", "DRAM"};
  for (const ReportRow& row : r.rows) {
    for (const BenchResult& b : row.bench) {
      bool known = false;
      for (const std::string& l : labels) known = known || l == b.size_label;
      if (!known) labels.push_back(b.size_label);
    }
  }
  return labels;
}

std::string Throughput(const ReportRow& row, const std::string& size) {
  for (const BenchResult& b : row.bench) {
    if (b.size_label == size && std::isfinite(b.elements_per_second)) {
      return fmt::format("{:.2f}", b.elements_per_second / 1e9);
    }
  }
  return "-";
}

void RenderHeading(const Report& r, std::string& out) {
  const json& m = r.machine;
  std::string commit = MachineString(m, {"git", "commit"});
  if (commit != "unknown" && commit.size() > 12) commit = commit.substr(0, 12);
  const json* dirty = nullptr;
  if (m.is_object() && m.contains("git") && m["git"].is_object() && m["git"].contains("dirty")) {
    dirty = &m["git"]["dirty"];
  }
  if (dirty && dirty->is_boolean() && dirty->get<bool>()) commit += " (dirty)";

  out += "# actbench report\n\n";
  // Which machine: its --machine-name, or each machine of a merged report
  // (m1, m2... as the tables and the HTML name them).
  if (r.MachineCount() > 1) {
    out += "- Machines:";
    for (size_t i = 0; i < r.machines.size(); ++i)
      out += fmt::format("{} m{} {}", i == 0 ? "" : ";", i + 1, Cell(MachineName(r.machines[i])));
    out += "\n";
  } else if (m.is_object() && m.contains("name") && m["name"].is_string()) {
    out += fmt::format("- Machine: {}\n", Cell(m["name"].get<std::string>()));
  }
  out += fmt::format("- CPU: {}\n", Cell(MachineString(m, {"cpu", "model"})));
  out += fmt::format("- Compiler: {} ({})\n", Cell(MachineString(m, {"compiler"})),
                     Cell(MachineString(m, {"build_type"})));
  out += fmt::format("- Commit: {}\n", Cell(commit));
  out += fmt::format("- Date: {}\n", Cell(MachineString(m, {"date"})));
  if (m.is_object() && m.contains("peers") && m["peers"].is_object() && !m["peers"].empty()) {
    std::string peers;
    for (const auto& [name, version] : m["peers"].items())
      peers += (peers.empty() ? "" : ", ") + name + " " + (version.is_string() ? version.get<std::string>() : "unknown");
    out += fmt::format("- Peers (rows marked *peer*): {}\n", Cell(peers));
  }
  out += fmt::format("- Rows: {}\n\n", r.rows.size());
}

void RenderTable(const Report& r, const std::string& activation, const std::vector<std::string>& sizes,
                 std::string& out) {
  const bool merged = r.MachineCount() > 1;
  out += fmt::format("## {}\n\n", activation);
  out += merged ? "| machine " : "";
  out += "| variant@target | family | max ULP | mean ULP | promise | held | contract |";
  for (size_t i = 0; i < sizes.size(); ++i) {
    out += i == 0 ? fmt::format(" {} G elem/s |", Cell(sizes[i])) : fmt::format(" {} |", Cell(sizes[i]));
  }
  out += merged ? "\n|---|---|---|--:|--:|---|---|---|" : "\n|---|---|--:|--:|---|---|---|";
  for (size_t i = 0; i < sizes.size(); ++i) out += "--:|";
  out += "\n";

  std::vector<std::string> notes;
  for (const ReportRow& row : r.rows) {
    if (row.activation != activation) continue;
    const std::optional<AccuracyResult>& a = row.accuracy;
    // Peer rows are marked in the family column with their library and version.
    const std::string family = row.is_peer()   ? "*peer: " + row.peer_text() + "*"
                               : row.is_user() ? "**" + row.user_text() + "**"
                                               : row.family;
    if (merged) out += fmt::format("| m{} ", row.machine + 1);
    out += fmt::format("| {}@{} | {} | {} | {} | {} | {} | {} |", Cell(row.variant), Cell(row.target),
                       Cell(family), a ? Ulp(a->error.max_ulp) : "-",
                       a ? Ulp(a->error.mean_ulp) : "-", Cell(PromiseText(row.promise)),
                       a ? HeldText(row.promise, *a) : "-",
                       a ? (a->contract.pass ? "pass" : "**" + ContractText(a->contract) + "**") : "-");
    for (const std::string& s : sizes) out += " " + Throughput(row, s) + " |";
    out += "\n";
    for (const BenchResult& b : row.bench) {
      if (b.creation_ns > 0)
        notes.push_back(fmt::format("- {}: creation {:.1f} us at {} (outside the timed loop)", Code(row.label()),
                                    b.creation_ns / 1e3, b.size_label));
    }
    if (a) {
      for (const ErrorStats& e : a->also) {
        notes.push_back(fmt::format("- {} vs {}: max ULP {}, max abs err {:.3g}", Code(row.label()),
                                    e.against, Ulp(e.max_ulp), e.max_abs_err));
      }
    }
  }
  if (!notes.empty()) {
    out += "\n";
    for (const std::string& n : notes) out += n + "\n";
  }
  out += "\n";
}

// Per activation (and machine, in a merged report), the fastest row by L1
// throughput within 1, 2 and 4 ULP over the whole sweep, contract passed.
void RenderFastest(const Report& r, const std::vector<std::string>& activations, std::string& out) {
  static constexpr double kBudgets[] = {1, 2, 4};
  out += "## Fastest within 1, 2 and 4 ULP\n\n";
  bool any_bench = false;
  for (const ReportRow& row : r.rows) any_bench = any_bench || L1Throughput(row).has_value();
  if (!any_bench) {
    out += "No L1 throughput in this report (bench not run).\n\n";
    return;
  }
  out += "By L1 throughput, among rows that pass the special-value contract; max ULP over the whole sweep, "
         "against the activation itself.\n\n";
  const bool merged = r.MachineCount() > 1;
  out += merged ? "| activation | machine |" : "| activation |";
  for (double b : kBudgets) out += fmt::format(" ≤ {:g} ULP |", b);
  out += merged ? "\n|---|---|---|---|---|\n" : "\n|---|---|---|---|\n";
  for (const std::string& a : activations) {
    for (size_t m = 0; m < r.MachineCount(); ++m) {
      out += "| " + Cell(a) + " |";
      if (merged) out += " " + Cell(MachineName(r.machines[m])) + " |";
      for (double b : kBudgets) {
        PickRules rules;
        rules.max_ulp = b;
        rules.require_promise = false;
        if (merged) rules.machine = m;
        const ReportRow* best = FastestWithin(r, a, rules);
        out += best ? fmt::format(" {}@{} ({:.2f} G/s) |", Cell(best->variant), Cell(best->target),
                                  *L1Throughput(*best) / 1e9)
                    : " - |";
      }
      out += "\n";
    }
  }
  out += "\n";
}

// Rows of an exhaustive sweep (their accuracy covers bit-pattern ranges):
// inputs covered and the ULP histogram, per machine in a merged report.
void RenderExhaustive(const Report& r, std::string& out) {
  bool any = false;
  for (const ReportRow& row : r.rows) any = any || (row.accuracy && !row.accuracy->coverage.empty());
  if (!any) return;
  const bool merged = r.MachineCount() > 1;
  out += "## Exhaustive sweep: ULP error histogram per row\n\nInputs per bin, over the bit-pattern ranges each row "
         "covered.\n\n";
  out += merged ? "| machine " : "";
  out += "| row | inputs | max ULP | mean ULP | 0 | <=0.5 | <=1 | <=2 | <=4 | <=16 | <=256 | more | NaN/inf mismatch |\n";
  out += merged ? "|---" : "";
  out += "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n";
  for (const ReportRow& row : r.rows) {
    if (!row.accuracy || row.accuracy->coverage.empty()) continue;
    const ErrorStats& e = row.accuracy->error;
    if (merged) out += fmt::format("| m{} ", row.machine + 1);
    out += fmt::format("| {} | {} | {} | {} |", Code(row.label()), row.accuracy->inputs, Ulp(e.max_ulp),
                       Ulp(e.mean_ulp));
    for (size_t b = 0; b < ErrorStats::kHistogramBins; ++b)
      out += fmt::format(" {} |", b < e.histogram.size() ? std::to_string(e.histogram[b]) : "-");
    out += fmt::format(" {}/{} |\n", e.nan_mismatch, e.inf_mismatch);
  }
  out += "\n";
}

// Per variant swept on two targets or more: whether they gave the same
// output bits on every input (correctly rounded rows must).
void RenderAgreement(const Report& r, std::string& out) {
  const std::vector<const ReportRow*> rows = AgreementRows(r);
  if (rows.empty()) return;
  const bool merged = r.MachineCount() > 1;
  out += "## Bit-identical across targets\n\nPer variant, whether its rows on the targets swept together gave the "
         "same output bits on every input compared.\n\n";
  out += merged ? "| machine " : "";
  out += "| variant | targets | inputs | differing | bit-identical |\n";
  out += merged ? "|---" : "";
  out += "|---|---|--:|--:|---|\n";
  for (const ReportRow* row : rows) {
    const TargetAgreement& a = row->accuracy->agreement;
    if (merged) out += fmt::format("| m{} ", row->machine + 1);
    out += fmt::format("| {} | {} | {} | {} | {} |\n", Code(row->activation + "/" + row->variant),
                       fmt::join(a.targets, ", "), a.inputs, a.differing, a.identical() ? "yes" : "**no**");
  }
  out += "\n";
}

void RenderFailures(const Report& r, std::string& out) {
  out += "## Broken promises and contract failures\n\n";
  bool any = false;
  for (const ReportRow& row : r.rows) {
    if (!row.accuracy) continue;
    const AccuracyResult& a = *row.accuracy;
    if (row.promise_broken()) {
      out += fmt::format("- {}: promise {} not held, max ULP in domain {}\n", Code(row.label()),
                         PromiseText(row.promise), Ulp(a.max_ulp_in_domain));
      any = true;
    }
    if (!a.contract.pass) {
      out += fmt::format("- {}: special-value contract failed ({} failures)", Code(row.label()),
                         a.contract.failures);
      if (!a.contract.examples.empty()) out += ", e.g. " + Code(a.contract.examples.front());
      out += "\n";
      any = true;
    }
  }
  if (!any) out += "none\n";
}

}  // namespace

std::string RenderMarkdown(const Report& r) {
  std::string out;
  RenderHeading(r, out);

  // Activations in the order they first appear in the report.
  std::vector<std::string> activations;
  for (const ReportRow& row : r.rows) {
    bool seen = false;
    for (const std::string& a : activations) seen = seen || a == row.activation;
    if (!seen) activations.push_back(row.activation);
  }
  const std::vector<std::string> sizes = SizeLabels(r);
  if (!activations.empty()) RenderFastest(r, activations, out);
  for (const std::string& a : activations) RenderTable(r, a, sizes, out);
  if (activations.empty()) out += "No rows.\n\n";

  RenderExhaustive(r, out);
  RenderAgreement(r, out);
  RenderFailures(r, out);
  return out;
}

}  // namespace actbench
