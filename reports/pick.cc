// The fastest variant per activation within an error budget.
#include "reports/pick.h"

#include <cctype>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace actbench {

using nlohmann::json;

namespace {

std::string UlpText(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{:.3g}", v);
}

std::string Choice(const ReportRow& row) { return row.label(); }

// The machine the picks are for.
const json& PickMachine(const Report& r, const PickRules& rules) {
  return rules.machine && !r.machines.empty() ? r.machines.at(*rules.machine) : r.machine;
}

}  // namespace

const ErrorStats& ActivationError(const ReportRow& row) {
  const AccuracyResult& a = *row.accuracy;
  if (row.computes != row.activation) {
    for (const ErrorStats& e : a.also)
      if (e.against == row.activation) return e;
  }
  return a.error;
}

std::optional<double> L1Throughput(const ReportRow& row) {
  for (const BenchResult& b : row.bench) {
    if (b.size_label == "L1" && std::isfinite(b.elements_per_second) && b.elements_per_second > 0)
      return b.elements_per_second;
  }
  return std::nullopt;
}

bool Qualifies(const ReportRow& row, const PickRules& rules) {
  if (!row.accuracy) return false;
  const AccuracyResult& a = *row.accuracy;
  if (!a.contract.pass) return false;
  if (!(ActivationError(row).max_ulp <= rules.max_ulp)) return false;  // NaN never qualifies
  if (rules.require_promise && row.promise_broken()) return false;  // a row without a promise broke none
  if (!rules.target.empty() && row.target != rules.target && row.target != "baseline") return false;
  if (rules.machine && row.machine != *rules.machine) return false;
  if (!rules.families.empty() &&
      std::find(rules.families.begin(), rules.families.end(), row.family) == rules.families.end())
    return false;
  return L1Throughput(row).has_value();
}

const ReportRow* FastestWithin(const Report& r, const std::string& activation, const PickRules& rules) {
  const ReportRow* best = nullptr;
  double best_speed = 0;
  for (const ReportRow& row : r.rows) {
    if (row.activation != activation || !Qualifies(row, rules)) continue;
    const double speed = *L1Throughput(row);
    if (!best || speed > best_speed) {
      best = &row;
      best_speed = speed;
    }
  }
  return best;
}

std::vector<std::string> ReportActivations(const Report& r) {
  std::vector<std::string> out;
  for (const ReportRow& row : r.rows) {
    bool seen = false;
    for (const std::string& a : out) seen = seen || a == row.activation;
    if (!seen) out.push_back(row.activation);
  }
  return out;
}

std::vector<Pick> PickFastest(const Report& r, const std::vector<std::string>& activations,
                              const PickRules& rules) {
  const std::vector<std::string> known = ReportActivations(r);
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  if (!rules.target.empty()) {
    bool any = false;
    std::vector<std::string> targets;
    for (const ReportRow& row : r.rows) {
      any = any || row.target == rules.target;
      bool seen = false;
      for (const std::string& t : targets) seen = seen || t == row.target;
      if (!seen) targets.push_back(row.target);
    }
    if (!any) throw std::runtime_error(fmt::format("no row of the report is on target '{}' (targets: {})",
                                                   rules.target, join(targets)));
  }
  std::vector<Pick> picks;
  for (const std::string& a : activations.empty() ? known : activations) {
    bool found = false;
    for (const std::string& k : known) found = found || k == a;
    if (!found) {
      throw std::runtime_error(fmt::format("activation '{}' is not in the report (it has: {})", a,
                                           known.empty() ? "no rows" : join(known)));
    }
    picks.push_back({a, FastestWithin(r, a, rules)});
  }
  return picks;
}

std::string HeaderConstantName(const std::string& activation) {
  std::string name = "kActbench";
  bool upper = true;
  for (char c : activation) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      upper = true;
      continue;
    }
    name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return name;
}

namespace {

// Text safe inside a C++ string literal or a // comment: printable ASCII only.
std::string Printable(const std::string& s, bool literal) {
  std::string out;
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) out += '?';
    else if (literal && (c == '"' || c == '\\')) out += std::string("\\") + c;
    else out += c;
  }
  return out;
}

}  // namespace

std::string RenderPickHeader(const Report& r, const std::vector<Pick>& picks, const PickRules& rules) {
  const json& m = PickMachine(r, rules);
  std::string out;
  out += "// Generated by `actbench pick`: do not edit; regenerate from a new report.\n";
  out += fmt::format("// Fastest variant per activation with max ULP <= {}{}, no promise broken, special-value\n",
                     UlpText(rules.max_ulp), rules.target.empty() ? "" : " on target " + rules.target);
  out += "// contract passed, by L1 throughput.\n";
  out += "// Machine: " + Printable(MachineName(m), false) + "\n";
  out += "// Commit: " + Printable(MachineString(m, {"git", "commit"}), false) +
         ", date: " + Printable(MachineString(m, {"date"}), false) + "\n";
  out += "// Link actbench::kernels (find_package(actbench CONFIG REQUIRED), docs/your-own-kernel.md).\n";
  out += "#pragma once\n\n#include <cstddef>\n\n#include <actbench/kernels.h>\n\n";
  std::string functions;
  for (const Pick& p : picks) {
    const std::string act = Printable(p.activation, false);
    if (!p.row) {
      out += fmt::format("// {}: no variant meets the budget\n", act);
      continue;
    }
    const ReportRow& row = *p.row;
    out += fmt::format("constexpr const char* {} = \"{}\";  // max ULP {}, {:.2f} G elem/s\n",
                       HeaderConstantName(p.activation), Printable(Choice(row), true),
                       UlpText(ActivationError(row).max_ulp), *L1Throughput(row) / 1e9);
    const bool identifier = !act.empty() && !std::isdigit(static_cast<unsigned char>(act[0])) &&
                            std::all_of(act.begin(), act.end(), [](char c) {
                              return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                            });
    if (row.family != "scalar" && row.family != "simd") {
      functions += fmt::format("// {}: {} is a {} row, not in actbench::kernels: it cannot be bound here "
                               "(pick --family scalar,simd picks among what can)\n",
                               act, Printable(row.label(), false), Printable(row.family, false));
      continue;
    }
    if (!identifier) continue;
    const std::string id = Printable(row.activation + "/" + row.variant, true);
    const std::string target = Printable(row.target, true);
    const bool backward = !row.first_input.empty();
    if (backward) {
      // The first input is what the row was measured with: x, or the forward
      // output y; a from-output pick is named <activation>_from_output, so a
      // regenerated header cannot silently change what a call passes.
      const std::string first = row.first_input == "y" ? "y" : "x";
      const std::string fn = first == "y" ? act + "_from_output" : act;
      functions += fmt::format(
          "// {}@{}: pinned to {}, dispatched at run time where this CPU lacks it; dx = dy * f'(x){}.\n"
          "inline void {}(const float* {}, const float* dy, float* dx, std::size_t n, const ::actbench::Params& p) "
          "{{\n"
          "  static const ::actbench::GradKernelFn fn = ::actbench::kernels::FindGradPreferring(\"{}\", \"{}\");\n"
          "  fn({}, dy, dx, n, p);\n"
          "}}\n",
          id, target, target, first == "y" ? ", from the forward output y = f(x)" : "", fn, first, id, target, first);
      if (row.activation != "prelu_grad")
        functions += fmt::format(
            "inline void {}(const float* {}, const float* dy, float* dx, std::size_t n) {{\n"
            "  static const ::actbench::Params p = ::actbench::kernels::DefaultParams(\"{}\");\n"
            "  {}({}, dy, dx, n, p);\n"
            "}}\n",
            fn, first, act, fn, first);
      continue;
    }
    functions += fmt::format(
        "// {}@{}: pinned to {}, dispatched at run time where this CPU lacks it.\n"
        "inline void {}(const float* in, float* out, std::size_t n, const ::actbench::Params& p) {{\n"
        "  static const ::actbench::KernelFn fn = ::actbench::kernels::FindPreferring(\"{}\", \"{}\");\n"
        "  fn(in, out, n, p);\n"
        "}}\n",
        id, target, target, act, id, target);
    if (row.activation != "prelu")  // its slopes have no default a layer could use
      functions += fmt::format(
          "inline void {}(const float* in, float* out, std::size_t n) {{\n"
          "  static const ::actbench::Params p = ::actbench::kernels::DefaultParams(\"{}\");\n"
          "  {}(in, out, n, p);\n"
          "}}\n",
          act, act, act);
  }
  if (!functions.empty()) out += "\nnamespace actbench::picked {\n\n" + functions + "\n}  // namespace actbench::picked\n";
  return out;
}

std::string RenderPickTable(const Report& r, const std::vector<Pick>& picks, const PickRules& rules) {
  std::string out = fmt::format("Fastest variant with max ULP <= {}{} (no promise broken, contract passed), by L1 "
                                "throughput{}:\n\n",
                                UlpText(rules.max_ulp), rules.target.empty() ? "" : ", target " + rules.target,
                                r.MachineCount() > 1 ? ", on " + MachineName(PickMachine(r, rules)) : "");
  out += "| activation | choice | max ULP | promise | L1 G elem/s |\n|---|---|--:|--:|--:|\n";
  for (const Pick& p : picks) {
    if (!p.row) {
      out += fmt::format("| {} | none meets the budget | - | - | - |\n", p.activation);
      continue;
    }
    out += fmt::format("| {} | {} | {} | {} | {:.2f} |\n", p.activation, Choice(*p.row),
                       UlpText(ActivationError(*p.row).max_ulp),
                       p.row->promise.promised ? UlpText(p.row->promise.max_ulp) : std::string("none"),
                       *L1Throughput(*p.row) / 1e9);
  }
  return out;
}

json PickJson(const Report& r, const std::vector<Pick>& picks, const PickRules& rules) {
  json choices = json::array();
  for (const Pick& p : picks) {
    json c = {{"activation", p.activation}};
    if (p.row) {
      const double u = ActivationError(*p.row).max_ulp;
      c["choice"] = Choice(*p.row);
      c["variant"] = p.row->variant;
      c["target"] = p.row->target;
      c["max_ulp"] = u;  // finite: it met the budget
      c["promised"] = p.row->promise.promised;  // false: no promise_max_ulp
      if (p.row->promise.promised)
        c["promise_max_ulp"] = std::isfinite(p.row->promise.max_ulp) ? json(p.row->promise.max_ulp) : json("inf");
      c["l1_elements_per_second"] = *L1Throughput(*p.row);
    } else {
      c["choice"] = nullptr;
    }
    choices.push_back(std::move(c));
  }
  const json& m = PickMachine(r, rules);
  return {{"max_ulp", std::isfinite(rules.max_ulp) ? json(rules.max_ulp) : json("inf")},
          {"target", rules.target.empty() ? json(nullptr) : json(rules.target)},
          {"machine", MachineName(m)},
          {"picks", std::move(choices)}};
}

}  // namespace actbench
